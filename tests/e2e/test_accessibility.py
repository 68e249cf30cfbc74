"""axe-core over the main pages in Chromium, in English and in Chinese, for the public and each kind of user: no
violation of impact serious or critical (the failure lists rule, impact, element and page). Every page visited is
also screenshotted: the top 4,000 pixels, in test-artifacts/pages/<language>/.

One live server and browser for all; one login per user; the language is switched with Django's language cookie,
so each page is checked in both. Each page must declare its language on <html>."""

from dataclasses import dataclass
from urllib.parse import urlencode

import pytest
from django.utils import timezone

from enterprises.models import Enterprise
from evaluations.models import Certificate, Evaluation, Institution
from indices.models import EarlyWarning
from knowledge.models import PolicyDocument
from labs.models import Lab
from pilots.models import Platform, Scenario
from selections.models import Call, Case, Review
from tests.e2e.conftest import accessibility_problems, screenshot
from tests.e2e.test_journeys import log_in
from training.models import Course, Enrolment, Session

pytestmark = pytest.mark.e2e

LANGUAGES = {"en": "en", "zh-hans": "zh-Hans"}  # cookie value -> the <html lang> the page must declare
MAP = "#quality-map path.choroplethlocation"


@dataclass(frozen=True)
class Page:
    name: str
    path: str
    ready: str | None = None  # a selector that appears once the page's scripts have drawn it


def _current_call() -> Call:
    return Call.objects.get(year=timezone.localdate().year)


def _certificate_check_url() -> str:
    """The verification page of a demo certificate of completion, checked (found)."""
    enrolment = Enrolment.objects.filter(certificate_number__isnull=False).select_related("person").order_by("pk")[0]
    query = urlencode({"number": enrolment.certificate_number, "name": str(enrolment.person)})
    return f"/training/certificates/verify/?{query}"


def _public(page, site: str) -> list[Page]:
    certificate = Certificate.objects.order_by("pk").first()
    call = _current_call()
    return [
        Page("home", "/"),
        Page("login", "/accounts/login/"),
        Page("register", "/enterprises/register/"),
        Page("certificate-search", "/evaluations/certificates/"),
        Page("certificate-verify", f"/evaluations/certificates/{certificate.number}/"),
        Page("results-inquiry", "/evaluations/results/"),
        Page("notices", "/evaluations/notices/"),
        Page("self-diagnosis", "/evaluations/self-diagnosis/"),
        Page("model", "/evaluations/models/QMC-2024/"),
        Page("methodology", "/indices/methodology/"),
        Page("public-map", "/indices/map/", MAP),
        Page("calls", "/calls/"),
        Page("call-detail", f"/calls/{call.pk}/"),
        Page("cases", "/calls/cases/"),
        Page("case-detail", f"/calls/cases/{Case.objects.order_by('pk').first().pk}/"),
        Page("labs", "/labs/", "#quality-map .main-svg"),
        Page("lab-detail", f"/labs/{Lab.objects.order_by('pk').first().pk}/"),
        Page("pilots", "/pilots/", "#quality-map .main-svg"),
        Page("pilot-detail", f"/pilots/{Platform.objects.order_by('pk').first().pk}/"),
        Page("scenarios", "/pilots/scenarios/"),
        Page("scenario-detail", f"/pilots/scenarios/{Scenario.objects.order_by('pk').first().pk}/"),
        Page("brands", "/brands/"),
        Page("products", "/products/"),
        Page("product-grading", "/products/grading/"),
        Page("inspections", "/products/inspections/"),
        Page("policies", "/knowledge/?q=GB"),
        Page("policy-detail", f"/knowledge/{PolicyDocument.objects.order_by('pk').first().pk}/"),
        Page("questions", "/knowledge/questions/"),
        Page("ask", "/knowledge/questions/ask/"),
        Page("methods", "/knowledge/methods/?kind=tool"),
        Page("training-certificate-verify", _certificate_check_url()),
        Page("method-detail", "/knowledge/methods/fmea/"),
        Page("training", "/training/?q=demo"),
        Page("course-detail", f"/training/courses/{Course.objects.order_by('pk').first().pk}/"),
    ]


def _enterprise(page, site: str) -> list[Page]:
    """The enterprise administrator starts this year's self-assessment first, so its form can be checked."""
    page.goto(f"{site}/")
    page.get_by_role("link", name="Self-assessment", exact=True).click()
    page.get_by_role("button", name="Start the self-assessment").click()
    page.wait_for_load_state()
    draft = Evaluation.objects.get(started_by__username="enterprise_admin", status="draft")
    last_year = Evaluation.objects.filter(enterprise=draft.enterprise).exclude(pk=draft.pk).get()
    call = _current_call()
    return [
        Page("home", "/"),
        Page("enterprise-list", "/enterprises/"),
        Page("enterprise-detail", f"/enterprises/{draft.enterprise_id}/"),
        Page("enterprise-edit", f"/enterprises/{draft.enterprise_id}/edit/"),
        Page("self-assessment-form", f"/evaluations/{draft.pk}/"),
        Page("self-assessment-review", f"/evaluations/{draft.pk}/review/"),
        Page("self-assessment-result", f"/evaluations/{last_year.pk}/result/", "#radar .main-svg"),
        Page("call-application", f"/calls/{call.pk}/"),
        Page("pilot-requests", "/pilots/requests/"),
        Page("brand-self-evaluation", "/brands/self-evaluation/"),
        Page("course-enrol", f"/training/courses/{Course.objects.filter(authority='GD').get().pk}/"),
        Page("my-training", "/training/mine/"),
        Page("enterprise-training", "/training/enterprise/"),
    ]


def _assessor(page, site: str) -> list[Page]:
    evaluation = Evaluation.objects.filter(status="on_site", team__assessor__username="assessor_li").first()
    return [
        Page("home", "/"),
        Page("onsite", f"/evaluations/{evaluation.pk}/onsite/"),
        Page("rating-sheet", f"/evaluations/{evaluation.pk}/onsite/ratings/"),
        Page("workbook-upload", "/evaluations/workbooks/"),
    ]


def _lead_assessor(page, site: str) -> list[Page]:
    evaluation = Evaluation.objects.filter(status="consensus", team__assessor__username="lead_assessor").first()
    return [Page("home", "/"), Page("consensus", f"/evaluations/{evaluation.pk}/onsite/consensus/")]


def _institution_admin(page, site: str) -> list[Page]:
    institution = Institution.objects.get(memberships__user__username="institution_admin")
    return [
        Page("home", "/"),
        Page("institution", f"/evaluations/institutions/{institution.pk}/"),
        Page("calibration", "/evaluations/calibration/"),
    ]


def _authority(page, site: str) -> list[Page]:
    guangdong = Enterprise.objects.filter(region__parent_id="440000").order_by("pk")
    result = Evaluation.objects.filter(status="result_submitted", enterprise__region__parent_id="440000").first()
    published = Evaluation.objects.filter(status="published", enterprise__region__parent_id="440000").first()
    warning = EarlyWarning.objects.filter(region_code__startswith="44").order_by("pk").first()
    attended = Session.objects.filter(region_id="440100").order_by("pk").first()
    return [
        Page("home", "/"),
        Page("enterprise-list", "/enterprises/"),
        Page("enterprise-detail", f"/enterprises/{guangdong.first().pk}/"),
        Page("claims", "/enterprises/claims/"),
        Page("queue", "/evaluations/queue/"),
        Page("evaluation-result", f"/evaluations/{published.pk}/result/"),
        Page("decisions", "/evaluations/decisions/"),
        Page("decision", f"/evaluations/{result.pk}/decision/"),
        Page("dashboard", "/indices/dashboard/", MAP),
        Page("warnings", "/indices/warnings/"),
        Page("warning-detail", f"/indices/warnings/{warning.pk}/"),
        Page("inspection-import", "/products/inspections/import/"),
        Page("training-organiser", "/training/organise/"),
        Page("training-session-form", "/training/sessions/new/"),
        Page("training-attendance", f"/training/sessions/{attended.pk}/attendance/"),
        Page("training-figures", f"/training/figures/?year={attended.starts_at.year}"),
    ]


def _national(page, site: str) -> list[Page]:
    return [
        Page("home", "/"),
        Page("dashboard", "/indices/dashboard/", MAP),
        Page("calibration", "/evaluations/calibration/"),
        Page("warnings", "/indices/warnings/"),
        Page("summary-board", "/summaries/2025/board/"),
        Page("summary", "/summaries/2025/GD/"),
        Page("call-new", "/calls/new/"),
        Page("exports", "/jobs/exports/"),
        Page("training-figures", f"/training/figures/?year={timezone.localdate().year - 1}"),
    ]


def _summary_staff(page, site: str) -> list[Page]:
    return [Page("home", "/"), Page("summaries", "/summaries/"), Page("summary-form", "/summaries/2025/SZ/")]


def _expert(page, site: str) -> list[Page]:
    review = Review.objects.filter(expert__username="expert", submitted_at__isnull=True).first()
    return [Page("home", "/"), Page("review", f"/calls/reviews/{review.pk}/")]


USERS = {
    "public": _public,
    "enterprise_admin": _enterprise,
    "assessor_li": _assessor,
    "lead_assessor": _lead_assessor,
    "institution_admin": _institution_admin,
    "authority_gd": _authority,
    "miit": _national,
    "summary_sz": _summary_staff,
    "expert": _expert,
}


@pytest.mark.parametrize("username", list(USERS))
def test_main_pages_have_no_serious_accessibility_violation_in_either_language(demo_site, new_page, username):
    page = new_page()
    if username != "public":
        log_in(page, demo_site, username)
    pages = USERS[username](page, demo_site)
    problems = []
    for cookie, lang in LANGUAGES.items():
        page.context.add_cookies([{"name": "django_language", "value": cookie, "url": demo_site}])
        for item in pages:
            response = page.goto(demo_site + item.path)
            assert response.ok, f"{item.path}: {response.status}"
            assert page.locator("html").get_attribute("lang") == lang, item.path
            if item.ready:
                page.locator(item.ready).first.wait_for(state="attached")
            label = f"{username} {item.name} [{cookie}] {item.path}"
            problems += accessibility_problems(page, label)
            screenshot(page, f"{username}-{item.name}", folder=f"pages/{cookie}", max_height=4000)
    assert problems == [], "\n".join(problems)


def test_the_check_names_rule_impact_element_and_page_of_a_serious_violation(live_server, transactional_db, new_page):
    """The check itself, on a real page under its content security policy: an image without a text alternative and
    pale grey text put into the login page are reported; the page as served is clean."""
    page = new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    assert accessibility_problems(page, "login") == []
    page.evaluate(
        """() => {
            const image = document.createElement("img");
            image.id = "no-alt";
            image.src = "/static/img/favicon.svg";
            const faint = document.createElement("p");
            faint.id = "faint";
            faint.textContent = "Hard to read";
            faint.style.color = "#c8c8c8";
            document.querySelector("main").append(image, faint);
        }"""
    )
    problems = accessibility_problems(page, "login (spoilt)")
    assert any(line.startswith("image-alt (critical) #no-alt on login (spoilt): ") for line in problems), problems
    assert any(line.startswith("color-contrast (serious) #faint on login (spoilt): ") for line in problems), problems
