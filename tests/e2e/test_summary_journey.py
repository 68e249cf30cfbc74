"""Issue 7 in headless Chromium: Shenzhen's staff try to submit their 2025 summary with a section emptied (refused,
nothing lost), complete and submit it (late); MIIT finds it on the board, accepts it and exports the year to XLSX
in the background; the file states its data vintage and carries the frozen figures. The board in Chinese too."""

import io
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import expect

from summaries.models import AnnualSummary
from tests.e2e.conftest import accessibility_problems, screenshot
from tests.e2e.test_journeys import log_in

pytestmark = pytest.mark.e2e


def test_submit_late_accept_and_export_the_year(demo_site, new_page):
    draft = AnnualSummary.objects.get(template__year=2025, authority="SZ")
    brand_text = draft.narratives["brand"]

    page = new_page()
    log_in(page, demo_site, "summary_sz")
    page.get_by_role("link", name="Annual summaries", exact=True).click()
    page.locator("tr", has_text="2025 Annual").get_by_role("link").click()
    expect(page.get_by_text("Read from live data now")).to_be_visible()
    brand = page.get_by_label('(7) Building the "Made in China" brand')
    brand.fill("")
    page.get_by_role("button", name="Save and submit to MIIT").click()
    expect(page.get_by_text("Saved as a draft, but not submitted.")).to_be_visible()
    expect(page.get_by_text("This section is empty.")).to_be_visible()
    assert accessibility_problems(page, "summary refused with an empty section") == []
    draft.refresh_from_db()
    assert draft.status == "draft"
    assert draft.submitted_at is None

    # a narrative that a spreadsheet would take for a formula: the export must show it as text
    page.get_by_label('(7) Building the "Made in China" brand').fill('=HYPERLINK("x") ' + brand_text)
    page.get_by_role("button", name="Save and submit to MIIT").click()
    expect(page.get_by_text("days after the deadline")).to_be_visible()
    expect(page.locator("[data-summary-status]")).to_have_text("Submitted late")
    screenshot(page, "summary-submitted-late")
    submitted = AnnualSummary.objects.get(pk=draft.pk)
    assert submitted.days_late > 300
    assert submitted.kpis["self_total"] >= 0

    page = new_page()
    log_in(page, demo_site, "miit")
    page.goto(f"{demo_site}/summaries/2025/board/")
    row = page.locator("tr[data-authority=SZ]")
    expect(row).to_contain_text("Submitted late")
    row.get_by_role("link").click()
    page.get_by_role("button", name="Accept").click()
    expect(page.locator(".messages")).to_contain_text("Accepted.")
    expect(page.locator("tr[data-authority=SZ]")).to_contain_text("Accepted")
    screenshot(page, "summary-board")

    page.get_by_role("button", name="XLSX").click()
    expect(page.get_by_text("The file is ready.")).to_be_visible()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download annual-summaries-2025.xlsx").click()
    download = download_info.value
    assert download.suggested_filename == "annual-summaries-2025.xlsx"
    book = openpyxl.load_workbook(io.BytesIO(Path(download.path()).read_bytes()))
    kpis = {row[0]: row for row in book["KPIs"].iter_rows(values_only=True)}
    assert kpis["SZ"][2] == "Accepted"
    assert kpis["SZ"][6] == submitted.kpis["self_total"]
    about = dict(book["About"].iter_rows(values_only=True))
    assert about["Data vintage"].startswith("20")
    brand_sheet = {row[0]: row for row in book.worksheets[7].iter_rows(values_only=True)}
    assert brand_sheet["SZ"][3].startswith('\'=HYPERLINK("x") ')  # neutralised
    page.goto(f"{demo_site}/jobs/exports/")
    expect(page.get_by_role("link", name="annual-summaries-2025.xlsx")).to_be_visible()

    page.context.add_cookies([{"name": "django_language", "value": "zh-hans", "url": demo_site}])
    page.goto(f"{demo_site}/summaries/2025/board/")
    expect(page.locator("tr[data-authority=SZ]")).to_contain_text("已采纳")
    expect(page.get_by_role("heading", name="年度总结总览 · 2025")).to_be_visible()
    screenshot(page, "summary-board-zh")
