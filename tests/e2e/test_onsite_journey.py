"""Issue 4's journey in headless Chromium: an assessor downloads the rating workbook, fills it, uploads it, sees
the dry run and applies it; the lead records the consensus; the authority approves; after the public notice the
level is published and anyone can verify the certificate and open its PDF."""

from datetime import timedelta
from pathlib import Path

import openpyxl
import pytest
from django.utils import timezone
from playwright.sync_api import expect

from evaluations import services
from evaluations.models import Certificate, Evaluation, Rating
from tests.e2e.conftest import accessibility_problems, artifact, screenshot
from tests.e2e.test_journeys import log_in
from tests.pdf import pdf_text

pytestmark = pytest.mark.e2e


def _fill_workbook(path: Path) -> int:
    """Rate every row of the downloaded template: 1 for requirements, yes for eligibility conditions."""
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["ratings"]
    filled = 0
    for row in sheet.iter_rows(min_row=2):
        code = row[3].value
        if not code:
            continue
        row[6].value = "yes" if "/E" in code or code.startswith("E") else "1"
        filled += 1
    workbook.save(path)
    return filled


def test_workbook_consensus_approval_and_public_certificate(demo_site, new_page, tmp_path):
    evaluation = (
        Evaluation.objects.filter(status="on_site", team__assessor__username="assessor_li")
        .exclude(team__ratings_submitted_at__isnull=False)
        .first()
    )
    assert evaluation is not None, "the demo data has an evaluation whose team is still rating"

    # The assessor downloads the template for this evaluation and fills it in off-line.
    page = new_page()
    log_in(page, demo_site, "assessor_li")
    page.get_by_role("link", name=evaluation.enterprise.name_en).click()
    page.get_by_role("link", name="Rate on site").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the rating workbook").click()
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    assert path.suffix == ".xlsx"
    rows = _fill_workbook(path)
    assert rows == 148

    # Upload: the whole file is checked and the dry run shows what would change; nothing is written yet.
    page.get_by_role("link", name="Upload a filled workbook").click()
    before = dict(
        Rating.objects.filter(evaluation=evaluation, assessor__username="assessor_li").values_list("pk", "value")
    )
    page.locator("input[type=file]").set_input_files(str(path))
    page.get_by_role("button", name="Upload and check").click()
    expect(page.get_by_role("heading", name="What applying would change (dry run)")).to_be_visible()
    assert accessibility_problems(page, "workbook dry run") == []
    screenshot(page, "workbook-dry-run")
    after_check = dict(
        Rating.objects.filter(evaluation=evaluation, assessor__username="assessor_li").values_list("pk", "value")
    )
    assert after_check == before
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_role("heading", name="What was applied")).to_be_visible()
    mine = Rating.objects.filter(evaluation=evaluation, assessor__username="assessor_li")
    assert mine.count() == 148
    assert set(mine.values_list("value", flat=True)) == {"1", "yes"}

    # The assessor submits; the colleagues submit theirs (their sheets were filled in the demo data).
    page.goto(f"{demo_site}/evaluations/{evaluation.pk}/onsite/ratings/")
    page.get_by_role("button", name="Save and submit my ratings").click()
    expect(page.get_by_text("Your ratings are submitted")).to_be_visible()
    for member in evaluation.team.exclude(assessor__username="assessor_li").select_related("assessor"):
        services.ratings_submit(evaluation=evaluation, by=member.assessor)
    evaluation.refresh_from_db()
    assert evaluation.status == "consensus"

    # The lead records the consensus: a note wherever the ratings differ, then submits the result.
    lead_page = new_page()
    log_in(lead_page, demo_site, "lead_assessor")
    lead_page.goto(f"{demo_site}/evaluations/{evaluation.pk}/onsite/consensus/")
    for select in lead_page.locator("select[name^='v:']").all():
        options = select.locator("option").all_inner_texts()
        select.select_option("yes" if "yes" in options else "1")
    for note in lead_page.locator("input[placeholder='Required: ratings differ']").all():
        note.fill("现场复核后一致 Agreed after a second look on site")
    lead_page.get_by_role("button", name="Save and submit the result").click()
    expect(lead_page.get_by_text("The result is submitted to the authority")).to_be_visible()
    evaluation.refresh_from_db()
    assert evaluation.status == "result_submitted"
    assert evaluation.official_level == 5

    # The authority approves, which starts the public notice.
    authority = new_page()
    log_in(authority, demo_site, "authority_gd")
    authority.goto(f"{demo_site}/evaluations/{evaluation.pk}/decision/")
    authority.get_by_role("button", name="Approve and start the notice").click()
    evaluation.refresh_from_db()
    assert evaluation.status == "notice"
    assert evaluation.notice_until > timezone.localdate()

    # The notice runs its five working days (moved into the past here), then the authority publishes.
    Evaluation.objects.filter(pk=evaluation.pk).update(notice_until=timezone.localdate() - timedelta(days=1))
    authority.goto(f"{demo_site}/evaluations/{evaluation.pk}/decision/")
    authority.get_by_role("button", name="Publish the level").click()
    certificate = Certificate.objects.get(evaluation=evaluation)
    screenshot(authority, "decision-published")

    # Anyone verifies the certificate by its number and opens the PDF.
    public = new_page(locale="zh-CN")
    public.goto(f"{demo_site}/evaluations/certificates/")
    public.locator("input[name=number]").fill(certificate.number)
    public.locator("main form button[type=submit]").click()
    expect(public.locator("main")).to_contain_text(certificate.number)
    expect(public.locator("main")).to_contain_text(evaluation.enterprise.name_zh)
    screenshot(public, "certificate-verify-zh")
    response = public.request.get(f"{demo_site}/evaluations/certificates/{certificate.number}/pdf/")
    assert response.ok
    assert response.body().startswith(b"%PDF")
    artifact("certificate.pdf").write_bytes(response.body())  # kept to look at
    text = pdf_text(response.body(), raw=True)
    assert evaluation.enterprise.name_zh in text
    assert "卓越级" in text
