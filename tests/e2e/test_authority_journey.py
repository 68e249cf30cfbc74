"""The authority's journey in Chromium over the demo data: Guangdong's officer sees the open early warnings on the
home page, acknowledges one and resolves it (a reason is required); opens the dashboard on Guangdong's cities,
goes up to China and drills into Guangdong again, and into another province whose small figures are withheld;
accepts a submitted self-assessment and approves an on-site result, which starts its public notice."""

import pytest
from django.utils import translation
from playwright.sync_api import expect

from evaluations.models import Evaluation
from indices.models import EarlyWarning
from indices.warning_selectors import with_names
from tests.e2e.conftest import screenshot
from tests.e2e.test_dashboard_map import MAP_PATHS, _locations, _path_centre, _query, _table_row, _tooltip
from tests.e2e.test_journeys import log_in

pytestmark = pytest.mark.e2e


def _wait_for_region(page, code: str, city: str) -> None:
    """The URL names ``code`` and the map has drawn ``city`` (one of its regions)."""
    page.wait_for_function("(code) => new URLSearchParams(location.search).get('region') === code", arg=code)
    page.wait_for_function(
        "(city) => Array.from(document.querySelectorAll('#quality-map path.choroplethlocation'))"
        ".some(p => p.__data__ && p.__data__.loc === city)",
        arg=city,
    )


def test_authority_handles_a_warning_drills_into_the_map_and_approves(demo_site, new_page):
    warning = EarlyWarning.objects.get(region_code="440200", kind="lab_reassessment_due", state="open")
    with translation.override("en"):
        description = with_names([warning])[0].description
    page = new_page()
    log_in(page, demo_site, "authority_gd")

    # The home page lists the open warnings of the region; one is a Shaoguan laboratory due for re-assessment.
    item = page.locator("main li", has_text="Shaoguan").filter(has=page.get_by_role("link", name="re-assessment"))
    expect(item).to_contain_text(description)
    item.get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Laboratory re-assessment due")
    page.get_by_role("button", name="Acknowledge").click()
    expect(page.locator(".messages")).to_contain_text("Warning acknowledged.")
    page.get_by_role("button", name="Resolve").click()  # without the reason it asks for: refused
    expect(page.locator(".messages .error")).to_be_visible()
    warning.refresh_from_db()
    assert warning.state == "acknowledged"
    page.get_by_label("Reason").fill("复评审已排期 The re-assessment is booked for March.")
    page.get_by_role("button", name="Resolve").click()
    expect(page.locator(".messages")).to_contain_text("Warning resolved.")
    expect(page.locator("main table")).to_contain_text("The re-assessment is booked for March.")
    warning.refresh_from_db()
    assert (warning.state, warning.state_by.username) == ("resolved", "authority_gd")
    screenshot(page, "authority-warning-resolved")
    page.get_by_role("link", name="Early warnings").first.click()
    page.get_by_label("State").select_option("open")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("main table")).not_to_contain_text(description)
    screenshot(page, "authority-warnings-open")

    # The dashboard opens on the authority's province: Guangdong's cities, with their figures in the table.
    page.get_by_role("link", name="Dashboard", exact=True).click()
    _wait_for_region(page, "440000", "440300")
    assert "440100" in _locations(page)
    assert "Shenzhen" in _table_row(page, "440300")
    page.mouse.move(*_path_centre(page, "440100"))  # Guangzhou
    assert "Index I" in _tooltip(page, "Guangzhou")
    screenshot(page, "authority-dashboard")

    # Up to China, then a click on Guangdong drills into its cities again.
    page.locator("#map-back").click()
    _wait_for_region(page, "000000", "710000")
    page.mouse.click(*_path_centre(page, "440000"))
    _wait_for_region(page, "440000", "440300")
    assert _query(page)["region"] == "440000"

    # Another province's cities: the officer sees them, but figures of fewer than 5 enterprises are withheld.
    page.locator("#map-back").click()
    _wait_for_region(page, "000000", "710000")
    page.mouse.click(*_path_centre(page, "330000"))
    _wait_for_region(page, "330000", "330100")
    expect(page.locator("#cells-table")).to_contain_text("fewer than 5 enterprises")
    screenshot(page, "authority-dashboard-zhejiang")
    page.wait_for_selector(MAP_PATHS)

    # Approval: a submitted self-assessment from Shaoguan is accepted for on-site evaluation...
    submitted = Evaluation.objects.get(status="submitted", enterprise__region_id="440200")
    page.get_by_role("link", name="Submitted self-assessments").click()
    row = page.locator("tr", has_text=submitted.enterprise.name_en)
    row.get_by_role("button", name="Accept").click()
    expect(page.locator(".messages")).to_contain_text(f"The self-assessment of {submitted.enterprise.name_en}")
    submitted.refresh_from_db()
    assert submitted.status == "accepted"

    # ... and the on-site result submitted for a Zhanjiang enterprise is approved: its public notice starts.
    result = Evaluation.objects.get(status="result_submitted", enterprise__region__parent_id="440000")
    page.get_by_role("link", name="Results and publication").click()
    page.get_by_role("link", name=result.enterprise.name_en).first.click()
    page.get_by_role("button", name="Approve and start the notice").click()
    expect(page.locator(".messages")).to_contain_text("Approved. The public notice runs until")
    result.refresh_from_db()
    assert result.status == "notice"
    screenshot(page, "authority-decision-approved")

    # The same pages in Chinese.
    page.context.add_cookies([{"name": "django_language", "value": "zh-hans", "url": demo_site}])
    page.goto(f"{demo_site}/indices/warnings/{warning.pk}/")
    expect(page.locator(".badge")).to_have_text("已办结")
    screenshot(page, "authority-warning-resolved-zh")
    page.goto(f"{demo_site}/indices/dashboard/")
    page.wait_for_selector(MAP_PATHS)
    expect(page.get_by_role("heading", level=1)).to_have_text("质量看板")
    screenshot(page, "authority-dashboard-zh")
