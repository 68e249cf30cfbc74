"""The learning journey of issue 9 in Chromium over the demo data: the Shenzhen enterprise's administrator
follows a gap of its self-assessment result to the FMEA method page, opens a typical case that used FMEA, goes
on to the FMEA course and takes a place in its Shenzhen session. The session takes place; Shenzhen's officer
records attendance and completion on the sheet. The enterprise's training record then shows the completion
and its certificate (a PDF in both languages), and Shenzhen's training figures count it."""

import datetime
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import User
from enterprises.models import Authority
from enterprises.selectors import enterprise_of
from evaluations.models import Evaluation
from tests.e2e.conftest import artifact, screenshot
from tests.e2e.test_journeys import log_in
from tests.pdf import pdf_text
from training import selectors as training_selectors
from training.models import Course, Enrolment

pytestmark = pytest.mark.e2e

FMEA = "Failure mode and effects analysis (FMEA)"
COURSE = "FMEA and design for reliability in practice (demo)"


def _figure(page, label: str) -> int:
    """A figure of the training figures page, by its label."""
    return int(page.locator("dl.facts dt", has_text=label).locator("xpath=following-sibling::dd[1]").inner_text())


def test_from_a_gap_to_a_method_a_case_and_a_course_then_completion_updates_records_and_figures(demo_site, new_page):
    admin = User.objects.get(username="enterprise_admin")
    enterprise = enterprise_of(admin)
    evaluation = Evaluation.objects.filter(enterprise=enterprise).order_by("-cycle").first()
    course = Course.objects.get(title_en=COURSE)
    session = course.sessions.get()
    year = timezone.localdate().year
    before = training_selectors.figures(Authority.objects.get(code="SZ"), year)

    page = new_page()
    log_in(page, demo_site, "enterprise_admin")
    page.goto(f"{demo_site}/evaluations/{evaluation.pk}/result/")
    # The gap plan names, for a gap, the methods that close it: FMEA among them.
    plan = page.locator("table", has=page.get_by_role("columnheader", name="Methods that help"))
    gap = plan.locator("tbody tr", has=page.get_by_role("link", name=FMEA, exact=True)).first
    expect(gap).to_be_visible()
    gap.get_by_role("link", name=FMEA, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(FMEA)
    expect(page.locator("main")).to_contain_text("Form a cross-functional team")
    screenshot(page, "training-method")

    # A typical case that used it.
    case = page.locator("h2#cases + ul a").first
    title = case.inner_text()
    case.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(title)
    page.go_back()

    # The course that teaches it, and a place in its Shenzhen session.
    page.get_by_role("link", name=COURSE).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(COURSE)
    expect(page.get_by_role("link", name=FMEA)).to_be_visible()  # the course names the method it teaches
    row = page.locator("tbody tr", has=page.get_by_role("button", name="Enrol"))
    row.get_by_label("Person").select_option(str(admin.pk))
    row.get_by_role("button", name="Enrol").click()
    expect(page.locator(".messages")).to_contain_text("is enrolled")
    expect(page.locator("tbody tr").filter(has_text="You are enrolled")).to_have_count(1)
    enrolment = Enrolment.objects.get(session=session, person=admin)
    assert enrolment.enterprise == enterprise
    screenshot(page, "training-enrolled")

    # The session takes place (its dates move to this morning); Shenzhen's officer records the sheet.
    start = timezone.now() - datetime.timedelta(hours=3)
    type(session).objects.filter(pk=session.pk).update(starts_at=start, ends_at=start + datetime.timedelta(hours=2))
    officer = new_page()
    log_in(officer, demo_site, "authority_sz")
    officer.goto(f"{demo_site}/training/sessions/{session.pk}/attendance/")
    expect(officer.get_by_role("heading", level=1)).to_have_text("Attendance sheet")
    officer.get_by_label(f"Attended: {admin}").select_option("yes")
    officer.get_by_label(f"Completed: {admin}").check()
    officer.get_by_role("button", name="Save the sheet").click()
    expect(officer.locator(".messages")).to_contain_text("1 completed")
    enrolment.refresh_from_db()
    assert (enrolment.attended, enrolment.hours_credited) == (True, course.hours)
    assert enrolment.certificate_number.startswith(f"QP-T-{year}-")

    # The enterprise's training record shows it, with the certificate.
    page.goto(f"{demo_site}/training/enterprise/")
    record = page.locator("tbody tr", has_text=COURSE)
    expect(record).to_contain_text(enrolment.certificate_number)
    screenshot(page, "training-enterprise-record")
    page.goto(f"{demo_site}/training/mine/")
    with page.expect_download() as download_info:
        page.get_by_role("link", name=f"{enrolment.certificate_number} (PDF)").click()
    pdf = artifact("training-certificate.pdf")
    download_info.value.save_as(pdf)
    text = pdf_text(Path(pdf).read_bytes())
    assert enrolment.certificate_number in text
    assert "FMEA与可靠性设计实务" in text
    assert COURSE in text

    # Shenzhen's figures count the completion and its hours (the person and the enterprise may have completed
    # another Shenzhen session this year already).
    officer.goto(f"{demo_site}/training/figures/?year={year}")
    assert _figure(officer, "Completions") == before["completions"] + 1
    assert _figure(officer, "Person-hours") == before["hours"] + course.hours
    after = training_selectors.figures(Authority.objects.get(code="SZ"), year)
    assert _figure(officer, "People completing") == after["people"] >= before["people"]
    screenshot(officer, "training-figures-shenzhen")
