"""Dashboards, the public map, their API and downloads: who sees which figures of small cells (ARCHITECTURE §7).

Data: tests/indices/index_data.py (computed from facts by ``indices_recompute``). Zhejiang's authority sees the
figures of its own small cities (Hangzhou, 4 enterprises) but not Jiangsu's (Nanjing, 3); national staff see
everything; the public sees every small cell withheld.
"""

import csv
import datetime
import io
import json
import re

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.choices import Role
from core.models import Job
from enterprises.models import Region
from indices import services
from indices.downloads import HEADERS
from indices.models import COUNTRY, IndexCell, IndexSnapshot
from tests.factories import UserFactory, grant
from tests.indices import index_data

pytestmark = pytest.mark.django_db

HANGZHOU, NINGBO, NANJING, BEIJING = "330100", "330200", "320100", "110000"


@pytest.fixture
def cells(db):
    return index_data.build()


@pytest.fixture
def zhejiang_officer(db):
    return grant(UserFactory(username="zj_officer"), Role.AUTHORITY, authority="ZJ")


def _api(client, name, **params):
    response = client.get(reverse(f"api:{name}"), params)
    assert response.status_code == 200, response.content
    return response.json()


def _by_region(rows):
    return {row["region_code"]: row for row in rows}


def _page_config(response) -> dict:
    """The state and first data the page embeds for static/js/dashboard.js."""
    match = re.search(r'<script id="dashboard-config" type="application/json">(.*?)</script>', response.text, re.S)
    assert match, "the page embeds its configuration"
    return json.loads(match.group(1))


def _csv_rows(response) -> list[list[str]]:
    """The header row and the rows of a CSV download, after checking its first line states the data vintage."""
    text = b"".join(response).decode("utf-8") if response.streaming else response.content.decode("utf-8")
    assert text.startswith("\ufeff"), "a byte order mark, for spreadsheet programs"
    vintage, *rows = csv.reader(io.StringIO(text[1:]))
    assert len(vintage) == 1
    assert vintage[0].startswith("# Data vintage: "), "the first line says when the data were read"
    return rows


def _xlsx_rows(response) -> list[tuple]:
    """The rows of an XLSX download's data sheet, after checking its last sheet states the data vintage."""
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames[-1] == "About"
    about = dict(workbook["About"].iter_rows(min_row=2, values_only=True))
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} \(CST\)", about["Data vintage"])
    return list(workbook.active.iter_rows(values_only=True))


# --- Who sees what ---------------------------------------------------------------------------------------------


def test_zhejiang_authority_sees_its_own_small_cities_on_the_api(client, cells, zhejiang_officer):
    client.force_login(zhejiang_officer)
    zhejiang = _by_region(_api(client, "index_cells", region="330000")["cells"])
    assert zhejiang[HANGZHOU]["suppressed"] is False
    assert zhejiang[HANGZHOU]["n"] == 4
    assert zhejiang[HANGZHOU]["index"] is not None
    assert zhejiang[NINGBO]["levels"] is not None


def test_zhejiang_authority_cannot_read_jiangsus_small_cells_on_the_api(client, cells, zhejiang_officer):
    client.force_login(zhejiang_officer)
    data = _api(client, "index_cells", region="320000")
    nanjing = _by_region(data["cells"])[NANJING]
    assert nanjing["suppressed"] is True
    assert [nanjing[key] for key in ("n", "index", "coverage", "levels", "self_index", "calibration_gap")] == [None] * 6
    assert data["total"]["suppressed"] is False  # Jiangsu has 6: shown to everyone
    assert _by_region(_api(client, "index_cells")["cells"])[BEIJING]["suppressed"] is True
    industries = _api(client, "index_industries", region="320000")
    assert industries
    assert all(row["suppressed"] for row in industries)  # 3 or fewer per industry
    trend = _api(client, "index_trend", region="320100")
    assert all(row["suppressed"] and row["index"] is None for row in trend["region"])
    assert _api(client, "index_kpis", region="320100")["cell"]["index"] is None


def test_zhejiang_authority_cannot_read_jiangsus_small_cells_on_the_page(client, cells, zhejiang_officer):
    client.force_login(zhejiang_officer)
    own = _page_config(client.get(reverse("indices:dashboard")))
    assert own["state"]["region"] == "330000"  # opened on its own province
    assert _by_region(own["first"]["map"]["cells"])[HANGZHOU]["index"] is not None

    response = client.get(reverse("indices:dashboard"), {"region": "320000"})
    config = _page_config(response)
    nanjing = _by_region(config["first"]["map"]["cells"])[NANJING]
    assert nanjing["suppressed"] is True
    assert nanjing["index"] is None
    row = re.search(r'<tr data-region="320100">(.*?)</tr>', response.text, re.S).group(1)
    assert "fewer than 5 enterprises" in row
    assert re.search(r'class="num">\d', row) is None


def test_zhejiang_authority_cannot_read_jiangsus_small_cells_in_the_downloads(client, cells, zhejiang_officer):
    client.force_login(zhejiang_officer)
    rows = _csv_rows(client.get(reverse("indices:dashboard_csv"), {"region": "320000", "year": 2025}))
    nanjing = next(row for row in rows if row[1] == NANJING)
    index = HEADERS.index("质量管理水平指数 Index I")
    assert nanjing[index] == ""
    assert nanjing[5] == ""  # n
    assert nanjing[-1] == "是 yes"

    sheet = _xlsx_rows(client.get(reverse("indices:dashboard_xlsx"), {"region": "320000"}))
    nanjing = next(row for row in sheet if row[1] == NANJING)
    assert nanjing[index] is None
    assert nanjing[-1] == "是 yes"

    own = _csv_rows(client.get(reverse("indices:dashboard_csv")))  # its own province by default
    hangzhou = next(row for row in own if row[1] == HANGZHOU)
    assert hangzhou[index] != ""
    assert hangzhou[5] == "4"


def test_national_staff_see_every_figure(client, cells, miit_officer):
    client.force_login(miit_officer)
    assert _api(client, "index_cells", region="320000")["cells"][0]["suppressed"] is False
    provinces = _by_region(_api(client, "index_cells")["cells"])
    assert provinces[BEIJING]["n"] == 2
    config = _page_config(client.get(reverse("indices:dashboard")))
    assert config["state"]["region"] == COUNTRY
    assert not any(row["suppressed"] for row in config["first"]["map"]["cells"])
    rows = _csv_rows(client.get(reverse("indices:dashboard_csv"), {"region": "320000"}))
    assert all(row[-1] == "" for row in rows[1:])


def test_the_dashboard_says_when_the_year_was_last_recomputed_even_if_nothing_changed(client, cells, miit_officer):
    year = max(IndexSnapshot.objects.values_list("year", flat=True))
    services.indices_recompute(years=[year], today=index_data.TODAY)  # nothing changed: no cell rewritten
    IndexSnapshot.objects.filter(year=year).update(
        computed_at=datetime.datetime(2026, 11, 30, 1, 15, tzinfo=datetime.UTC)
    )
    client.force_login(miit_officer)
    text = client.get(reverse("indices:dashboard"), {"year": year}, headers={"accept-language": "en"}).text
    assert re.search(r"Last computed: [^<]*9:15", text)  # 01:15 UTC is 09:15 in Beijing


def test_the_public_sees_small_cells_withheld(client, cells, miit_officer):
    provinces = _by_region(_api(client, "index_cells")["cells"])
    assert provinces[BEIJING]["suppressed"] is True
    assert provinces["330000"]["suppressed"] is False
    assert _by_region(_api(client, "index_cells", region="330000")["cells"])[HANGZHOU]["index"] is None

    response = client.get(reverse("indices:public_map"))
    assert response.status_code == 200
    config = _page_config(response)
    assert config["downloads"] is None
    assert config["public"] is True
    assert _by_region(config["first"]["map"]["cells"])[BEIJING]["index"] is None
    # Logged in or not, the public map shows what the public may see.
    client.force_login(miit_officer)
    config = _page_config(client.get(reverse("indices:public_map")))
    assert _by_region(config["first"]["map"]["cells"])[BEIJING]["index"] is None


def test_roles_without_a_dashboard_are_refused(client, cells, alice):
    client.force_login(alice)
    assert client.get(reverse("indices:dashboard")).status_code == 403
    assert client.get(reverse("indices:dashboard_csv")).status_code == 403
    assert client.get(reverse("indices:dashboard_xlsx")).status_code == 403


def test_a_city_authority_opens_on_its_province_with_its_city_highlighted(client, cells, shenzhen_officer):
    client.force_login(shenzhen_officer)
    config = _page_config(client.get(reverse("indices:dashboard")))
    assert config["state"]["region"] == "440000"
    assert config["home"]["highlight"] == ["440300"]
    cities = _by_region(config["first"]["map"]["cells"])
    assert cities["440300"]["index"] is not None  # its own city (5 enterprises)
    assert cities["440100"]["suppressed"] is True  # Guangzhou (2) is Guangdong's, not Shenzhen's


# --- The URL keeps the state ----------------------------------------------------------------------------------


def test_the_state_in_the_url_round_trips(client, cells, miit_officer):
    client.force_login(miit_officer)
    params = {"year": "2024", "region": "320000", "industry": "39", "size": "medium"}
    response = client.get(reverse("indices:dashboard"), params)
    config = _page_config(response)
    assert config["state"] == {"year": 2024, "region": "320000", "industry": "39", "size": "medium"}
    assert config["first"]["map"]["year"] == 2024
    assert all(
        row["industry_code"] == "39" and row["size_class"] == "medium" for row in config["first"]["map"]["cells"]
    )
    assert '<option value="320000" selected>' in response.text
    assert 'value="2024" list="f-year-marks"' in response.text
    csv_link = re.search(r'id="download-csv" href="([^"]+)"', response.text).group(1)
    assert "region=320000" in csv_link
    assert "year=2024" in csv_link


def test_values_that_are_not_valid_fall_back_to_the_defaults(client, cells, zhejiang_officer):
    client.force_login(zhejiang_officer)
    params = {"year": "1999", "region": "999999", "industry": "99", "size": "giant"}
    config = _page_config(client.get(reverse("indices:dashboard"), params))
    assert config["state"] == {"year": 2025, "region": "330000", "industry": "", "size": ""}


def test_the_api_rejects_an_unknown_region(client, cells):
    response = client.get(reverse("api:index_cells"), {"region": "330100"})  # a city is not a map
    assert response.status_code == 400
    assert "region" in response.json()["fields"]
    assert client.get(reverse("api:index_trend"), {"size": "giant"}).status_code == 400


# --- Downloads ------------------------------------------------------------------------------------------------


def test_downloads_have_chinese_headers_and_neutralise_formulas(client, cells, zhejiang_officer):
    Region.objects.filter(code=HANGZHOU).update(name_zh='=HYPERLINK("http://evil.example","杭州")')
    client.force_login(zhejiang_officer)
    response = client.get(reverse("indices:dashboard_xlsx"), {"year": 2025})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Content-Disposition"] == 'attachment; filename="quality-index-2025-330000.xlsx"'
    sheet = _xlsx_rows(response)
    assert sheet[0][:3] == ("年份 Year", "地区代码 Region code", "地区 Region")
    assert "质量管理水平指数 Index I" in sheet[0]
    assert sheet[1][2] == "浙江省 Zhejiang"  # the total first
    hangzhou = next(row for row in sheet if row[1] == HANGZHOU)
    assert hangzhou[2].startswith("'=HYPERLINK")
    assert isinstance(hangzhou[HEADERS.index("质量管理水平指数 Index I")], int | float)  # a number, not text

    rows = _csv_rows(client.get(reverse("indices:dashboard_csv"), {"year": 2025}))
    assert rows[0][2] == "地区 Region"
    assert next(row for row in rows if row[1] == HANGZHOU)[2].startswith("'=HYPERLINK")


# --- Query counts ---------------------------------------------------------------------------------------------


def _count(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, params or {}).status_code == 200
    return len(queries)


def test_query_counts_stay_the_same_as_cells_grow(client, cells, zhejiang_officer, django_assert_max_num_queries):
    client.force_login(zhejiang_officer)
    pages = [
        (reverse("api:index_cells"), {}),
        (reverse("api:index_cells"), {"region": "330000"}),
        (reverse("api:index_industries"), {}),
        (reverse("api:index_trend"), {"region": "330000"}),
        (reverse("api:index_kpis"), {}),
        (reverse("indices:dashboard"), {}),
        (reverse("indices:dashboard_csv"), {}),
        (reverse("indices:public_map"), {}),
    ]
    before = [_count(client, url, params) for url, params in pages]
    cells_before = IndexCell.objects.count()
    index_data.build(index_data.WIDE, start=100)
    assert IndexCell.objects.count() > 3 * cells_before
    after = [_count(client, url, params) for url, params in pages]
    assert after == before
    with django_assert_max_num_queries(12):
        client.get(reverse("api:index_cells"))
    with django_assert_max_num_queries(25):
        client.get(reverse("indices:dashboard"))


# --- Recompute now --------------------------------------------------------------------------------------------


def test_miit_recompute_now_starts_a_job_with_a_progress_bar(
    client, cells, miit_officer, django_capture_on_commit_callbacks
):
    client.force_login(miit_officer)
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(reverse("indices:dashboard") + "?year=2024")
    assert response.status_code == 302
    assert response.url == reverse("indices:dashboard") + "?year=2024"
    job = Job.objects.get(kind=services.RECOMPUTE_JOB)
    assert job.created_by == miit_officer
    assert job.progress_total == len(services.years_with_data())  # one step per year
    page = client.get(response.url)
    assert "data-job-progress" in page.text
    assert reverse("core:job_status", kwargs={"pk": job.pk}) in page.text
    client.post(reverse("indices:dashboard"))
    assert Job.objects.filter(kind=services.RECOMPUTE_JOB).count() == 1  # a double click queues one job


def test_only_miit_staff_recompute(client, cells, zhejiang_officer):
    client.force_login(zhejiang_officer)
    assert "Recompute now" not in client.get(reverse("indices:dashboard")).text
    assert client.post(reverse("indices:dashboard")).status_code == 403
    assert not Job.objects.filter(kind=services.RECOMPUTE_JOB).exists()


# --- The enterprise's benchmark -------------------------------------------------------------------------------


def test_an_enterprise_sees_its_scores_against_its_peers_quartiles(client, cells):
    shenzhen = next(e for e in cells if e.region_id == "440300")
    member = grant(UserFactory(username="sz_member"), Role.ENTERPRISE_ADMIN, enterprise=shenzhen)
    client.force_login(member)
    response = client.get(reverse("home"))
    assert "How you compare with your peers" in response.text
    panel = response.context["benchmark"]
    assert panel["has_province"] is True  # Guangdong: 7 enterprises
    assert panel["rows"][0]["province"]["median"] is not None
    assert panel["has_industry"] is True  # industry 39 nationally: at least 5


def test_an_enterprise_with_too_few_peers_is_told_so(client):
    (lonely,) = index_data.build({"540100": 1})  # Lhasa: alone in Tibet and in its industry
    member = grant(UserFactory(username="lhasa_admin"), Role.ENTERPRISE_ADMIN, enterprise=lonely)
    client.force_login(member)
    response = client.get(reverse("home"))
    assert "too few peers" in response.text
    assert response.context["benchmark"]["has_province"] is False
