"""The quality digital map in Chromium: the national map draws offline (no request leaves the site), a click on a
province drills into its cities, the year slider changes the URL and the figures, the CSV downloads, and the
public map shows small provinces grey without figures."""

from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from accounts.choices import Role
from tests.e2e.conftest import screenshot
from tests.factories import PASSWORD, UserFactory, grant
from tests.indices import index_data

pytestmark = pytest.mark.e2e

LOCAL_HOSTS = {"localhost", "127.0.0.1"}
MAP_PATHS = "#quality-map path.choroplethlocation"


@pytest.fixture
def map_site(live_server, transactional_db):
    from enterprises.services import reference_data_load
    from tests.conftest import load_shipped_model

    reference_data_load()
    load_shipped_model()
    index_data.build(recompute=False)
    index_data.build(index_data.WIDE, start=100)
    grant(UserFactory(username="miit"), Role.NATIONAL)
    return live_server.url


def _watch_outside_requests(page) -> list[str]:
    outside = []
    page.on("request", lambda request: outside.append(request.url) if _is_outside(request.url) else None)
    return outside


def _is_outside(url: str) -> bool:
    parsed = urlparse(url)
    return parsed.scheme in ("http", "https", "ws", "wss") and parsed.hostname not in LOCAL_HOSTS


def _log_in(page, site: str, username: str) -> None:
    page.goto(f"{site}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()


def _locations(page) -> list[str]:
    """The region code of every drawn map path (Plotly keeps each path's data on the element)."""
    return page.evaluate(
        "() => Array.from(document.querySelectorAll('#quality-map path.choroplethlocation'))"
        ".map(path => path.__data__ && path.__data__.loc)"
    )


def _path_centre(page, code: str) -> tuple[float, float]:
    """Where the region's path is on the screen (the map scrolled into view)."""
    box = page.evaluate(
        """(code) => {
            const path = Array.from(document.querySelectorAll('#quality-map path.choroplethlocation'))
                .find(p => p.__data__ && p.__data__.loc === code);
            document.getElementById('quality-map').scrollIntoView({block: 'center'});
            const r = path.getBoundingClientRect();
            return [r.x + r.width / 2, r.y + r.height / 2];
        }""",
        code,
    )
    return box[0], box[1]


def _tooltip(page, name: str) -> str:
    """The map's tooltip once it shows the region called ``name``."""
    page.wait_for_function(
        "(name) => (document.querySelector('#quality-map .hoverlayer') || {}).textContent.includes(name)", arg=name
    )
    return page.locator("#quality-map .hoverlayer").text_content()


def _table_row(page, code: str) -> str:
    return page.locator(f'#cells-table tr[data-region="{code}"]').inner_text()


def _query(page) -> dict:
    return {key: values[0] for key, values in parse_qs(urlparse(page.url).query).items()}


def test_national_map_drills_into_a_province_and_keeps_the_state_in_the_url(map_site, new_page):
    page = new_page()
    outside = _watch_outside_requests(page)
    _log_in(page, map_site, "miit")
    page.goto(f"{map_site}/indices/dashboard/")
    page.wait_for_selector(MAP_PATHS)
    locations = _locations(page)
    assert {"330000", "320000", "710000", "810000", "820000", "460000"} <= set(locations)
    assert locations.count("330000") == 2  # on the mainland map and in the South China Sea inset
    assert page.locator("#quality-map .geo .scattergeo path").count() >= 1  # the maritime boundary line
    assert _query(page)["year"] == "2025"

    page.mouse.move(*_path_centre(page, "410000"))  # Henan: big, inland, 6 enterprises
    tooltip = _tooltip(page, "Henan")
    assert "Index I" in tooltip
    assert "Coverage" in tooltip
    screenshot(page, "dashboard-national")

    page.mouse.click(*_path_centre(page, "330000"))
    page.wait_for_function("() => new URLSearchParams(location.search).get('region') === '330000'")
    page.wait_for_function(
        "() => Array.from(document.querySelectorAll('#quality-map path.choroplethlocation'))"
        ".some(p => p.__data__ && p.__data__.loc === '330100')"
    )
    cities = set(_locations(page))
    assert {"330100", "330200"} <= cities
    assert "320000" not in cities
    assert page.locator("#map-back").is_visible()
    assert "Hangzhou" in _table_row(page, "330100")
    screenshot(page, "dashboard-province")

    before = _table_row(page, "330000")
    page.locator("#f-year").fill("2024")
    page.wait_for_function("() => new URLSearchParams(location.search).get('year') === '2024'")
    page.wait_for_function(
        "(before) => document.querySelector('#cells-table tr[data-region=\"330000\"]').innerText !== before", arg=before
    )
    assert _query(page)["region"] == "330000"
    assert "2024" in page.locator("#quality-map .gtitle").text_content()

    # The state survives a reload (a shared link opens the same view).
    page.reload()
    page.wait_for_selector(MAP_PATHS)
    assert _query(page) == {"year": "2024", "region": "330000"}
    assert page.locator("#f-region").input_value() == "330000"
    assert "330100" in _locations(page)

    with page.expect_download() as download_info:
        page.locator("#download-csv").click()
    download = download_info.value
    assert download.suggested_filename == "quality-index-2024-330000.csv"
    content = Path(download.path()).read_text(encoding="utf-8-sig")
    assert content.splitlines()[0].startswith("# ")  # the data vintage, in the page's language
    assert content.splitlines()[1].startswith("年份 Year,地区代码 Region code,地区 Region")
    assert "330100" in content

    # PNG of the map: Plotly's own "download as PNG" button, under the content security policy.
    page.locator("#quality-map").hover()
    with page.expect_download() as download_info:
        page.locator("#quality-map .modebar-btn").first.click()
    assert download_info.value.suggested_filename == "quality-map-2024-330000.png"
    assert Path(download_info.value.path()).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    page.locator("#map-back").click()
    page.wait_for_function("() => new URLSearchParams(location.search).get('region') === '000000'")
    page.wait_for_function(
        "() => Array.from(document.querySelectorAll('#quality-map path.choroplethlocation'))"
        ".some(p => p.__data__ && p.__data__.loc === '710000')"
    )
    assert outside == []


def test_public_map_shows_small_provinces_grey_without_figures(map_site, new_page):
    page = new_page()
    outside = _watch_outside_requests(page)
    page.goto(f"{map_site}/indices/map/")
    page.wait_for_selector(MAP_PATHS)
    assert page.locator("#download-csv").count() == 0
    beijing = _table_row(page, "110000")
    assert "fewer than 5 enterprises" in beijing
    page.mouse.move(*_path_centre(page, "510000"))  # Sichuan: 6 enterprises, shown
    assert "Index I" in _tooltip(page, "Sichuan")
    page.mouse.move(*_path_centre(page, "650000"))  # Xinjiang: 2 enterprises, withheld
    tooltip = _tooltip(page, "Xinjiang")
    assert "figures withheld" in tooltip
    assert "Index I" not in tooltip
    screenshot(page, "public-map")
    assert outside == []
