"""The public quality inquiry (only published results, whoever asks), the public notice with its objection form,
the results API, and the authority's decision pages."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from evaluations.choices import EvaluationStatus, ObjectionStatus
from evaluations.models import Certificate, Objection
from tests.evaluations.publication_helpers import at, make_certificate, make_evaluation
from tests.factories import EnterpriseFactory, UserFactory, grant

INQUIRY = reverse("evaluations:results_inquiry")
RESULTS_API = reverse("api:result-list")
NOTICES = reverse("evaluations:notice_list")


@pytest.fixture
def world(alice, shenzhen_enterprise, guangzhou_enterprise, beijing_enterprise, shihezi_enterprise):
    """One published result (Shenzhen, with a certificate); one in notice (Guangzhou); one draft-stage (Beijing);
    one submitted result awaiting the decision (Shihezi)."""
    published = make_evaluation(shenzhen_enterprise, by=alice, status=EvaluationStatus.PUBLISHED, level=3)
    make_certificate(published, number="QP-2026-44-000001")
    notice = make_evaluation(
        guangzhou_enterprise,
        by=alice,
        status=EvaluationStatus.NOTICE,
        level=2,
        notice_until=datetime.date(2026, 3, 9),
    )
    make_evaluation(beijing_enterprise, by=alice, status=EvaluationStatus.DRAFT, level=4)
    make_evaluation(shihezi_enterprise, by=alice, status=EvaluationStatus.RESULT_SUBMITTED, level=1)
    return {
        "published": published,
        "notice": notice,
        "names": {e.name_zh: e.name_en for e in (shenzhen_enterprise, guangzhou_enterprise, beijing_enterprise)}
        | {shihezi_enterprise.name_zh: shihezi_enterprise.name_en},
    }


def _en(world, name_zh: str) -> str:
    """The name the English pages show (tests run in English)."""
    return world["names"][name_zh]


def _names(response) -> set[str]:
    return {row["enterprise"]["name_zh"] for row in response.json()["results"]}


@pytest.mark.django_db
@pytest.mark.parametrize("who", [None, "guangdong_officer", "miit_officer", "alice"])
def test_the_inquiry_shows_only_published_results_whoever_asks(request, client, world, who):
    if who:
        client.force_login(request.getfixturevalue(who))
    page = client.get(INQUIRY)
    assert page.status_code == 200
    assert _en(world, "深圳精工电子有限公司") in page.text
    assert "QP-2026-44-000001" in page.text
    for hidden in ("广州恒通机械有限公司", "北京中科仪器有限公司", "石河子天成化工有限公司"):
        assert _en(world, hidden) not in page.text
    assert _names(client.get(RESULTS_API)) == {"深圳精工电子有限公司"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "found"),
    [
        ({"q": "精工"}, True),
        ({"q": "恒通"}, False),  # in notice, not published
        ({"region": "440000"}, True),
        ({"region": "440300"}, True),
        ({"region": "110000"}, False),
        ({"industry": "39"}, True),
        ({"industry": "13"}, False),
        ({"level": "3"}, True),
        ({"level": "2"}, False),
    ],
)
def test_the_inquiry_filters_by_name_region_industry_and_level(client, world, query, found):
    assert (_en(world, "深圳精工电子有限公司") in client.get(INQUIRY, query).text) is found
    assert bool(_names(client.get(RESULTS_API, query))) is found


@pytest.mark.django_db
def test_the_inquiry_finds_by_credit_code(client, world, shenzhen_enterprise):
    code = shenzhen_enterprise.credit_code
    assert _en(world, "深圳精工电子有限公司") in client.get(INQUIRY, {"q": code.lower()}).text
    assert _names(client.get(RESULTS_API, {"q": code})) == {"深圳精工电子有限公司"}


@pytest.mark.django_db
def test_the_results_api_gives_bilingual_levels_and_the_certificate(client, world):
    row = client.get(RESULTS_API).json()["results"][0]
    assert (row["level"], row["level_name"]) == (3, {"zh": "保证级", "en": "Assurance"})
    assert row["certificate"]["number"] == "QP-2026-44-000001"
    assert row["enterprise"]["region_name"]["zh"] == "深圳市"


@pytest.mark.django_db
def test_inquiry_query_counts_do_not_grow_with_rows(client, alice, django_assert_max_num_queries):
    for number in range(1, 31):
        evaluation = make_evaluation(EnterpriseFactory(), by=alice, status=EvaluationStatus.PUBLISHED, level=2)
        if number % 2:
            make_certificate(evaluation, number=f"QP-2026-44-{number:06d}")
    with django_assert_max_num_queries(6):  # frame, filter choices, count, one page
        page = client.get(INQUIRY)
    assert page.context["paginator"].count == 30
    with django_assert_max_num_queries(4):  # region choices, count, one page
        body = client.get(RESULTS_API).json()
    assert body["count"] == 30


# --- Public notice and objections ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_public_notice_lists_results_in_notice_with_limited_fields(client, world):
    with time_machine.travel(at(2026, 3, 4), tick=False):
        page = client.get(NOTICES)
    assert _en(world, "广州恒通机械有限公司") in page.text
    for hidden in ("深圳精工电子有限公司", "北京中科仪器有限公司", "石河子天成化工有限公司"):
        assert _en(world, hidden) not in page.text
    assert "3.45" not in page.text  # the notice publishes the level, not the score
    with time_machine.travel(at(2026, 3, 10), tick=False):
        assert _en(world, "广州恒通机械有限公司") not in client.get(NOTICES).text


@pytest.mark.django_db
def test_an_anonymous_visitor_objects_through_the_form(client, world):
    url = reverse("evaluations:objection_create", kwargs={"pk": world["notice"].pk})
    prefix = f"n{world['notice'].pk}"
    data = {
        f"{prefix}-name": "王五",
        f"{prefix}-contact": "wang@example.com",
        f"{prefix}-text": "检验记录与现场不符，请核实。",
    }
    with time_machine.travel(at(2026, 3, 4), tick=False):
        short = client.post(url, {**data, f"{prefix}-text": "太短"})
        assert short.status_code == 400
        assert not Objection.objects.exists()
        response = client.post(url, data)
    assert response.status_code == 302
    objection = Objection.objects.get()
    assert (objection.name, objection.status, objection.evaluation_id) == (
        "王五",
        ObjectionStatus.OPEN,
        world["notice"].pk,
    )


@pytest.mark.django_db
def test_no_objection_through_the_form_after_the_notice(client, world):
    url = reverse("evaluations:objection_create", kwargs={"pk": world["notice"].pk})
    prefix = f"n{world['notice'].pk}"
    data = {f"{prefix}-name": "王五", f"{prefix}-contact": "wang@example.com", f"{prefix}-text": "A long enough text."}
    with time_machine.travel(at(2026, 3, 10), tick=False):
        response = client.post(url, data, follow=True)
    assert "objections are closed" in response.text
    assert not Objection.objects.exists()


# --- The authority's pages ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_authority_approves_then_publishes_from_the_decision_page(client, world, alice, shenzhen_officer):
    from evaluations.models import Evaluation

    submitted = make_evaluation(EnterpriseFactory(region_id="440300"), by=alice, status="result_submitted", level=4)
    client.force_login(shenzhen_officer)
    assert submitted.enterprise.name_en in client.get(reverse("evaluations:decision_list")).text
    url = reverse("evaluations:evaluation_decision", kwargs={"pk": submitted.pk})
    with time_machine.travel(at(2026, 3, 2), tick=False):
        assert client.get(url).status_code == 200
        client.post(url, {"action": "approve"})
    submitted.refresh_from_db()
    assert (submitted.status, submitted.notice_until) == (EvaluationStatus.NOTICE, datetime.date(2026, 3, 9))
    with time_machine.travel(at(2026, 3, 10), tick=False):
        response = client.post(url, {"action": "publish"}, follow=True)
    assert Evaluation.objects.get(pk=submitted.pk).status == EvaluationStatus.PUBLISHED
    number = Certificate.objects.get(evaluation=submitted).number
    assert number in response.text


@pytest.mark.django_db
def test_a_return_without_reason_shows_the_error_and_changes_nothing(client, alice, shenzhen_officer):
    submitted = make_evaluation(EnterpriseFactory(region_id="440300"), by=alice, status="result_submitted")
    client.force_login(shenzhen_officer)
    url = reverse("evaluations:evaluation_decision", kwargs={"pk": submitted.pk})
    response = client.post(url, {"action": "return", "reason": ""}, follow=True)
    assert "Give the reason" in response.text
    submitted.refresh_from_db()
    assert submitted.status == EvaluationStatus.RESULT_SUBMITTED


@pytest.mark.django_db
def test_decision_pages_refuse_enterprises_and_hide_other_areas(client, world, alice):
    url = reverse("evaluations:evaluation_decision", kwargs={"pk": world["notice"].pk})
    client.force_login(alice)
    assert client.get(url).status_code == 403
    assert client.get(reverse("evaluations:decision_list")).status_code == 403
    client.force_login(grant(UserFactory(), "authority", authority="BJ"))
    assert client.get(url).status_code == 404
    published = reverse("evaluations:evaluation_decision", kwargs={"pk": world["published"].pk})
    assert client.get(published).status_code == 404  # readable by anyone, decidable only in its area


@pytest.mark.django_db
def test_the_authority_dismisses_an_objection_from_the_decision_page(client, world, guangdong_officer):
    notice = world["notice"]
    objection = Objection.objects.create(evaluation=notice, name="王五", contact="wang@example.com", text="记录不符")
    client.force_login(guangdong_officer)
    url = reverse("evaluations:evaluation_decision", kwargs={"pk": notice.pk})
    with time_machine.travel(at(2026, 3, 4), tick=False):
        assert "记录不符" in client.get(url).text
        client.post(
            url, {"action": "resolve", "objection": objection.pk, "decision": "dismiss", "resolution": "已核实"}
        )
        page = client.get(url)
    objection.refresh_from_db()
    assert (objection.status, objection.resolution) == (ObjectionStatus.DISMISSED, "已核实")
    assert "The notice runs until" in page.text
