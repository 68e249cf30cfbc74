"""The selection pages: each form is one service call; bad input shows its error and saves nothing."""

import pytest
from django.urls import reverse

from accounts.choices import Role
from selections.choices import ApplicationStatus
from selections.models import Application, ApplicationObjection, Review
from tests.factories import UserFactory, grant
from tests.selections.data import ANSWERS

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def _form(data: dict) -> dict:
    return {f"data.{key}": value for key, value in data.items()}


def test_the_public_sees_announced_calls_and_not_the_others(client, call, miit_officer):
    assert call.title_en in client.get(reverse("selections:call_list"), headers={"accept-language": "en"}).text
    assert client.get(reverse("selections:call_detail", args=[call.pk])).status_code == 200
    call.announced_at = None
    call.save(update_fields=["announced_at"])
    assert client.get(reverse("selections:call_detail", args=[call.pk])).status_code == 404
    client.force_login(miit_officer)
    assert client.get(reverse("selections:call_detail", args=[call.pk])).status_code == 200  # its organiser


def test_an_enterprise_applies_and_a_wrong_number_is_shown_on_its_field(client, call, alice):
    client.force_login(alice)
    url = reverse("selections:call_detail", args=[call.pk])
    response = client.post(url, {"title": "Pilot line", **_form({**ANSWERS, "equipment_value": "lots"})})
    assert response.status_code == 200
    assert "Enter a number." in response.text
    assert 'aria-invalid="true"' in response.text
    assert not Application.objects.exists()
    response = client.post(url, {"title": "Pilot line", **_form(ANSWERS)})
    application = Application.objects.get()
    assert response.url == reverse("selections:application_detail", args=[application.pk])
    client.post(response.url, {"action": "submit"})
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED


def test_the_journey_through_the_pages(client, call, alice, shenzhen_officer, miit_officer):
    client.force_login(alice)
    client.post(reverse("selections:call_detail", args=[call.pk]), {"title": "Pilot line", **_form(ANSWERS)})
    application = Application.objects.get()
    client.post(reverse("selections:application_detail", args=[application.pk]), {"action": "submit"})

    client.force_login(shenzhen_officer)
    page = client.get(reverse("selections:recommend", args=[call.pk]))
    assert "Pilot line" in page.text
    client.post(reverse("selections:recommend", args=[call.pk]), {f"rank-{application.pk}": "1"})
    application.refresh_from_db()
    assert (application.status, application.rank) == (ApplicationStatus.RECOMMENDED, 1)

    experts = [grant(UserFactory(username=f"page-expert{n}"), Role.EXPERT) for n in range(3)]
    client.force_login(miit_officer)
    detail = reverse("selections:application_detail", args=[application.pk])
    for expert in experts:
        client.post(detail, {"action": "assign", "expert": expert.pk})
    assert Review.objects.filter(application=application).count() == 3

    for n, expert in enumerate(experts):
        client.force_login(expert)
        review_url = reverse("selections:review", args=[Review.objects.get(expert=expert).pk])
        if n == 0:
            response = client.post(
                review_url, {"score-C1": "150", "comment-C1": "x", "score-C2": "80", "comment-C2": "y"}
            )
            assert response.status_code == 200
            assert "the score must be from 0 to 100" in response.text
            assert "give a score from 0 to 100" in response.text
            assert Review.objects.get(expert=expert).submitted_at is None
        scores = {f"score-C{k}": str(70 + n * 5) for k in (1, 2, 3)} | {f"comment-C{k}": "Sound." for k in (1, 2, 3)}
        client.post(review_url, scores)
    application.refresh_from_db()
    assert float(application.panel_score) == pytest.approx(75.0)

    client.force_login(miit_officer)
    client.post(detail, {"action": "shortlist"})
    client.post(detail, {"action": "notice"})
    client.logout()
    notice = client.get(reverse("selections:notice"))
    assert "Pilot line" in notice.text
    client.post(
        reverse("selections:notice"),
        {
            "application": application.pk,
            "name": "Li",
            "contact": "li@example.com",
            "text": "The capacity is overstated.",
        },
    )
    assert ApplicationObjection.objects.filter(application=application).count() == 1
    client.force_login(miit_officer)
    client.post(detail, {"action": "select"})  # refused: the notice runs
    application.refresh_from_db()
    assert application.status == ApplicationStatus.NOTICE
    history = client.get(detail).text
    assert "The capacity is overstated." in history


def test_an_expert_cannot_open_someone_elses_review(client, call, alice, shenzhen_officer, miit_officer):
    from selections import services

    client.force_login(alice)
    client.post(reverse("selections:call_detail", args=[call.pk]), {"title": "Pilot line", **_form(ANSWERS)})
    application = Application.objects.get()
    services.application_submit(application=application, by=alice)
    services.applications_recommend(
        call=call, authority=shenzhen_officer.active_memberships[0].authority, ranked=[application], by=shenzhen_officer
    )
    mine, other = (grant(UserFactory(username=n), Role.EXPERT) for n in ("mine", "other"))
    review = services.review_assign(application=application, expert=mine, by=miit_officer)
    client.force_login(other)
    assert client.get(reverse("selections:review", args=[review.pk])).status_code == 404
    assert client.get(reverse("selections:application_detail", args=[application.pk])).status_code == 404


def test_miit_opens_a_national_call_and_dates_out_of_order_are_refused(client, miit_officer, guangdong_officer, alice):
    from selections.models import Call

    form = {
        "kind": "typical_case",
        "year": "2026",
        "title_zh": "质量典型案例",
        "title_en": "Typical quality cases",
        "opens_on": "2026-12-01",
        "closes_on": "2026-11-01",
        "recommend_by": "2026-12-31",
    }
    client.force_login(miit_officer)
    response = client.post(reverse("selections:call_create"), form)
    assert response.status_code == 200
    assert "The call opens, closes to applications, then closes to recommendations" in response.text
    assert not Call.objects.exists()
    response = client.post(reverse("selections:call_create"), {**form, "closes_on": "2026-12-20"})
    call = Call.objects.get()
    assert response.url == reverse("selections:call_detail", args=[call.pk])
    assert (call.scope, call.announced_at, call.criteria.count()) == ("national", None, 3)

    client.force_login(guangdong_officer)
    client.post(reverse("selections:call_create"), {**form, "closes_on": "2026-12-20", "title_en": "Guangdong cases"})
    assert Call.objects.get(title_en="Guangdong cases").authority_id == "GD"
    client.force_login(alice)
    assert client.get(reverse("selections:call_create")).status_code == 403
