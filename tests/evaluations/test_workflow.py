"""The authority accepts or returns submitted self-assessments; the workflow table decides who may do what."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from accounts.choices import Role
from core.exceptions import DomainError, NotPermitted
from evaluations.choices import EvaluationStatus
from evaluations.models import StatusChange
from evaluations.services import answer_save, evaluation_review, evaluation_submit
from evaluations.workflow import allowed_actions
from tests.factories import UserFactory, grant


@pytest.fixture
def submitted(draft, alice):
    return evaluation_submit(evaluation=draft, by=alice)


def test_the_table_gives_each_role_its_actions():
    assert allowed_actions(status="draft", roles={Role.ENTERPRISE_MEMBER}) == ["submit"]
    assert allowed_actions(status="submitted", roles={Role.AUTHORITY}) == ["accept", "return"]
    assert allowed_actions(status="submitted", roles={Role.ENTERPRISE_ADMIN}) == []
    assert allowed_actions(status="accepted", roles={Role.NATIONAL}) == ["assign"]
    assert allowed_actions(status="assigned", roles={Role.AUTHORITY}) == []


@pytest.mark.django_db
def test_authority_accepts_and_the_history_says_who(submitted, shenzhen_officer):
    evaluation_review(evaluation=submitted, accept=True, by=shenzhen_officer)
    submitted.refresh_from_db()
    assert submitted.status == EvaluationStatus.ACCEPTED
    step = StatusChange.objects.filter(evaluation=submitted).last()
    assert (step.from_status, step.to_status, step.by) == ("submitted", "accepted", shenzhen_officer)


@pytest.mark.django_db
def test_a_return_needs_a_reason_and_makes_the_draft_editable_again(submitted, guangdong_officer, alice, qmc):
    with pytest.raises(ValidationError):
        evaluation_review(evaluation=submitted, accept=False, reason="  ", by=guangdong_officer)
    submitted.refresh_from_db()
    assert submitted.status == EvaluationStatus.SUBMITTED
    evaluation_review(evaluation=submitted, accept=False, reason="请补充检验记录", by=guangdong_officer)
    submitted.refresh_from_db()
    assert (submitted.status, submitted.submitted_at) == (EvaluationStatus.DRAFT, None)
    answer_save(evaluation=submitted, requirement_code=qmc.requirements.first().code, rating="1", by=alice)
    assert StatusChange.objects.filter(evaluation=submitted, reason="请补充检验记录").exists()


@pytest.mark.django_db
def test_enterprises_cannot_accept_their_own(submitted, alice):
    with pytest.raises(NotPermitted):
        evaluation_review(evaluation=submitted, accept=True, by=alice)


@pytest.mark.django_db
def test_authorities_elsewhere_cannot_decide(submitted):
    beijing = grant(UserFactory(), Role.AUTHORITY, authority="BJ")
    with pytest.raises(NotPermitted):
        evaluation_review(evaluation=submitted, accept=True, by=beijing)
    submitted.refresh_from_db()
    assert submitted.status == EvaluationStatus.SUBMITTED


@pytest.mark.django_db
def test_a_draft_cannot_be_accepted(draft, shenzhen_officer):
    with pytest.raises(DomainError, match="not possible now"):
        evaluation_review(evaluation=draft, accept=True, by=shenzhen_officer)


@pytest.mark.django_db
def test_queue_page_and_decision(client, submitted, shenzhen_officer, alice):
    client.force_login(shenzhen_officer)
    queue = client.get(reverse("evaluations:evaluation_queue"))
    assert submitted.enterprise.name_en in queue.text
    client.post(
        reverse("evaluations:evaluation_decide", kwargs={"pk": submitted.pk}),
        {"decision": "return", "reason": "Evidence for 1.7 is missing"},
    )
    client.force_login(alice)
    form = client.get(submitted.get_absolute_url())
    assert "Evidence for 1.7 is missing" in form.text
    client.force_login(shenzhen_officer)
    assert submitted.enterprise.name_en not in client.get(reverse("evaluations:evaluation_queue")).text


def test_the_queue_names_the_self_assessed_level_in_the_readers_language(client, submitted, shenzhen_officer):
    """The stored result keeps the level's name in the language it was scored in (English here); a Chinese page
    names the level in Chinese all the same."""
    submitted.refresh_from_db()
    with translation.override("en"):
        english = submitted.model.level_name(submitted.self_level)
    with translation.override("zh-hans"):
        chinese = submitted.model.level_name(submitted.self_level)
    assert submitted.self_result["level_name"] == english != chinese
    client.force_login(shenzhen_officer)
    client.cookies["django_language"] = "zh-hans"
    row = client.get(reverse("evaluations:evaluation_queue")).text.split(submitted.enterprise.name_zh, 1)[1]
    assert f"<td>{chinese} (" in row
    assert english not in row


@pytest.mark.django_db
def test_the_queue_is_for_authorities(client, alice):
    client.force_login(alice)
    assert client.get(reverse("evaluations:evaluation_queue")).status_code == 403


@pytest.fixture
def accepted(submitted, shenzhen_officer):
    return evaluation_review(evaluation=submitted, accept=True, by=shenzhen_officer)


@pytest.fixture
def institutions(db):
    import random

    from evaluations.demo import seed_institutions

    return seed_institutions(rng=random.Random(1))


@pytest.mark.django_db
def test_authority_assigns_an_accredited_institution(accepted, shenzhen_officer, institutions):
    from evaluations.selectors import institutions_for
    from evaluations.services import evaluation_assign_institution

    guangdong, national, beijing = institutions
    assert set(institutions_for(enterprise=accepted.enterprise)) == {guangdong, national}
    with pytest.raises(ValidationError):
        evaluation_assign_institution(evaluation=accepted, institution=beijing, by=shenzhen_officer)
    accepted.refresh_from_db()
    assert (accepted.status, accepted.institution) == (EvaluationStatus.ACCEPTED, None)
    evaluation_assign_institution(evaluation=accepted, institution=guangdong, by=shenzhen_officer)
    accepted.refresh_from_db()
    assert (accepted.status, accepted.institution) == (EvaluationStatus.ASSIGNED, guangdong)
    assert StatusChange.objects.filter(evaluation=accepted, to_status="assigned", by=shenzhen_officer).exists()


@pytest.mark.django_db
def test_an_expired_accreditation_is_not_offered(accepted, shenzhen_officer, institutions):
    import datetime

    from evaluations.services import evaluation_assign_institution

    guangdong = institutions[0]
    guangdong.accredited_until = datetime.date(2024, 12, 31)
    guangdong.accredited_from = datetime.date(2022, 1, 1)
    guangdong.save(update_fields=["accredited_until", "accredited_from"])
    with pytest.raises(ValidationError):
        evaluation_assign_institution(evaluation=accepted, institution=guangdong, by=shenzhen_officer)


@pytest.mark.django_db
def test_only_accepted_self_assessments_are_assigned_and_only_by_their_authority(
    submitted, shenzhen_officer, institutions, alice
):
    from evaluations.services import evaluation_assign_institution

    with pytest.raises(DomainError):
        evaluation_assign_institution(evaluation=submitted, institution=institutions[0], by=shenzhen_officer)
    with pytest.raises(NotPermitted):
        evaluation_assign_institution(evaluation=submitted, institution=institutions[0], by=alice)


@pytest.mark.django_db
def test_the_queue_offers_only_accredited_institutions_and_assigns(client, accepted, shenzhen_officer, institutions):
    client.force_login(shenzhen_officer)
    page = client.get(reverse("evaluations:evaluation_queue"))
    ((evaluation, offered),) = page.context["to_assign"]
    assert evaluation == accepted
    assert set(offered) == {institutions[0], institutions[1]}
    client.post(
        reverse("evaluations:evaluation_assign", kwargs={"pk": accepted.pk}), {"institution": institutions[1].pk}
    )
    accepted.refresh_from_db()
    assert accepted.institution == institutions[1]
