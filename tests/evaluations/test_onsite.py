"""The on-site evaluation: team assignment with conflict-of-interest checks and overrides, blind independent
ratings, the consensus with its note rule, findings, and the result scored from the consensus alone."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone

from accounts.choices import AuditAction, Role
from accounts.models import AuditLog
from core.exceptions import DomainError, NotPermitted
from evaluations import selectors
from evaluations.choices import EvaluationStatus
from evaluations.models import ConflictDeclaration, Evaluation, Qualification, Rating, StatusChange, TeamMember
from evaluations.services import (
    conflict_check,
    conflict_override,
    consensus_save,
    consensus_save_many,
    finding_add,
    rating_save,
    ratings_save,
    ratings_submit,
    result_submit,
    team_assign,
)
from tests.factories import UserFactory, default_institution, grant


def _assessor(name: str, *, grade: str = "assessor", industry: str = "39", valid_until: date | None = None):
    user = grant(UserFactory(username=name), Role.ASSESSOR)
    Qualification.objects.create(
        assessor=user,
        industry_id=industry,
        grade=grade,
        valid_until=valid_until or timezone.localdate() + timedelta(days=365),
    )
    return user


@pytest.fixture
def institution_admin(db):
    return grant(UserFactory(username="inst_admin"), Role.INSTITUTION_ADMIN)


@pytest.fixture
def lead(db):
    return _assessor("lead", grade="lead")


@pytest.fixture
def ann(db):
    return _assessor("ann")


@pytest.fixture
def bob(db):
    return _assessor("bob")


@pytest.fixture
def assigned(draft, alice):
    """An evaluation whose authority assigned the default institution; self-assessed level 3."""
    Evaluation.objects.filter(pk=draft.pk).update(
        status=EvaluationStatus.ASSIGNED, institution=default_institution(), self_level=3
    )
    draft.refresh_from_db()
    return draft


@pytest.fixture
def on_site(assigned, institution_admin, lead, ann, bob):
    return team_assign(evaluation=assigned, lead=lead, members=[ann, bob], by=institution_admin)


def _codes(evaluation):
    spec = selectors.model_spec(model=evaluation.model)
    return [r.code for r in spec.requirements], [c.code for c in spec.conditions]


def _rate_all(evaluation, user, value="1"):
    requirements, conditions = _codes(evaluation)
    entries = dict.fromkeys(requirements, (value, "")) | dict.fromkeys(conditions, ("yes", ""))
    ratings_save(evaluation=evaluation, entries=entries, by=user)


# Team assignment -------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_institution_admin_assigns_a_team_and_the_history_says_who(on_site, institution_admin):
    assert on_site.status == EvaluationStatus.ON_SITE
    assert {(m.assessor.username, m.role) for m in on_site.team.all()} == {
        ("lead", "lead"),
        ("ann", "member"),
        ("bob", "member"),
    }
    step = StatusChange.objects.filter(evaluation=on_site).last()
    assert (step.from_status, step.to_status, step.by) == ("assigned", "on_site", institution_admin)


@pytest.mark.django_db
def test_a_level_3_claim_needs_two_assessors_besides_the_lead(assigned, institution_admin, lead, ann):
    with pytest.raises(ValidationError) as error:
        team_assign(evaluation=assigned, lead=lead, members=[ann], by=institution_admin)
    assert "at least 2 assessors" in str(error.value.message_dict["members"])
    assigned.refresh_from_db()
    assert assigned.status == EvaluationStatus.ASSIGNED
    assert not TeamMember.objects.exists()


@pytest.mark.django_db
def test_a_lower_claim_needs_only_a_lead(assigned, institution_admin, lead):
    Evaluation.objects.filter(pk=assigned.pk).update(self_level=2)
    assigned.refresh_from_db()
    team_assign(evaluation=assigned, lead=lead, members=[], by=institution_admin)
    assert assigned.team.count() == 1


@pytest.mark.django_db
def test_the_lead_needs_a_lead_qualification(assigned, institution_admin, ann, bob):
    carol = _assessor("carol")
    with pytest.raises(ValidationError) as error:
        team_assign(evaluation=assigned, lead=carol, members=[ann, bob], by=institution_admin)
    assert "lead-assessor qualification" in str(error.value.message_dict["lead"])


@pytest.mark.django_db
def test_only_the_admin_of_the_assigned_institution_assigns(assigned, lead, ann, bob, shenzhen_officer):
    with pytest.raises(NotPermitted):
        team_assign(evaluation=assigned, lead=lead, members=[ann, bob], by=shenzhen_officer)
    with pytest.raises(NotPermitted):
        team_assign(evaluation=assigned, lead=lead, members=[ann, bob], by=lead)


@pytest.mark.django_db
def test_assessors_of_another_institution_cannot_be_assigned(assigned, institution_admin, lead, ann):
    from evaluations.models import Institution

    other = Institution.objects.create(
        name_zh="别的机构",
        credit_code="91110000MA00000003",
        accredited_from=date(2025, 1, 1),
        accredited_until=date(2028, 1, 1),
    )
    outsider = grant(UserFactory(username="outsider"), Role.ASSESSOR, institution=other)
    with pytest.raises(ValidationError) as error:
        team_assign(evaluation=assigned, lead=lead, members=[ann, outsider], by=institution_admin)
    assert "not an assessor of this institution" in str(error.value.message_dict["members"])


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["employment", "consulting", "shareholding"])
def test_a_declared_tie_blocks_the_assessor_with_the_reason(assigned, institution_admin, lead, ann, bob, kind):
    ConflictDeclaration.objects.create(
        assessor=bob, enterprise=assigned.enterprise, kind=kind, started=date(2024, 1, 1), ended=None
    )
    with pytest.raises(ValidationError) as error:
        team_assign(evaluation=assigned, lead=lead, members=[ann, bob], by=institution_admin)
    assert "bob is blocked" in str(error.value.message_dict["members"])
    assert assigned.team.count() == 0


@pytest.mark.django_db
def test_an_expired_or_missing_qualification_blocks(assigned, institution_admin, lead, ann):
    expired = _assessor("expired", valid_until=timezone.localdate() - timedelta(days=1))
    elsewhere = _assessor("elsewhere", industry="38")
    with pytest.raises(ValidationError) as error:
        team_assign(evaluation=assigned, lead=lead, members=[ann, expired, elsewhere], by=institution_admin)
    text = str(error.value.message_dict["members"])
    assert "expired is blocked: the qualification for the enterprise's industry has expired" in text
    assert "elsewhere is blocked: has no qualification for the enterprise's industry" in text


@pytest.mark.django_db
def test_assessing_the_previous_cycle_blocks(on_site, alice, institution_admin, ann):
    from evaluations.services import evaluation_start

    Evaluation.objects.filter(pk=on_site.pk).update(status=EvaluationStatus.PUBLISHED)
    following = evaluation_start(enterprise=on_site.enterprise, by=alice, cycle=on_site.cycle + 1)
    codes = [c.code for c in conflict_check(assessor=ann, enterprise=on_site.enterprise, evaluation=following)]
    assert codes == ["previous_cycle"]
    carol = _assessor("carol")
    assert conflict_check(assessor=carol, enterprise=on_site.enterprise, evaluation=following) == []


@pytest.mark.django_db
def test_the_authority_overrides_a_conflict_in_writing_and_it_is_audited(
    assigned, institution_admin, lead, ann, bob, guangdong_officer
):
    ConflictDeclaration.objects.create(
        assessor=bob, enterprise=assigned.enterprise, kind="consulting", started=date(2025, 1, 1)
    )
    with pytest.raises(NotPermitted):
        conflict_override(evaluation=assigned, assessor=bob, reason="needed", by=institution_admin)
    with pytest.raises(ValidationError):
        conflict_override(evaluation=assigned, assessor=bob, reason="  ", by=guangdong_officer)
    with pytest.raises(DomainError, match="no conflict"):
        conflict_override(evaluation=assigned, assessor=ann, reason="why not", by=guangdong_officer)
    beijing = grant(UserFactory(), Role.AUTHORITY, authority="BJ")
    with pytest.raises(NotPermitted):
        conflict_override(evaluation=assigned, assessor=bob, reason="ok", by=beijing)

    override = conflict_override(
        evaluation=assigned, assessor=bob, reason="唯一具备该行业资质的评价员", by=guangdong_officer
    )
    assert override.conflicts == ["consulting"]
    assert AuditLog.objects.filter(actor=guangdong_officer, details__override="bob").exists()
    team_assign(evaluation=assigned, lead=lead, members=[ann, bob], by=institution_admin)
    assert assigned.team.filter(assessor=bob).exists()


@pytest.mark.django_db
def test_a_team_cannot_be_assigned_twice(on_site, institution_admin, lead, ann, bob):
    with pytest.raises(DomainError, match="not possible now"):
        team_assign(evaluation=on_site, lead=lead, members=[ann, bob], by=institution_admin)


# Independent ratings ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_only_team_members_rate_and_every_value_is_checked(on_site, ann, institution_admin, qmc):
    requirements, conditions = _codes(on_site)
    with pytest.raises(NotPermitted):
        rating_save(evaluation=on_site, code=requirements[0], value="1", by=institution_admin)
    with pytest.raises(ValidationError) as error:
        ratings_save(
            evaluation=on_site,
            entries={
                requirements[0]: ("0.7", ""),
                conditions[0]: ("maybe", ""),
                "X/1": ("1", ""),
                requirements[1]: ("1", ""),
            },
            by=ann,
        )
    assert set(error.value.message_dict) == {requirements[0], conditions[0], "X/1"}
    assert not Rating.objects.exists()  # nothing written, not even the good entry
    mandatory = qmc.requirements.filter(mandatory=True).first()
    with pytest.raises(ValidationError, match="cannot be rated not applicable"):
        rating_save(evaluation=on_site, code=mandatory.code, value="na", comment="n/a", by=ann)
    optional = qmc.requirements.filter(na_allowed=True).first()
    with pytest.raises(ValidationError, match="Say why"):
        rating_save(evaluation=on_site, code=optional.code, value="na", by=ann)
    rating_save(evaluation=on_site, code=optional.code, value="na", comment="无此工艺", by=ann)
    assert Rating.objects.get().comment == "无此工艺"


@pytest.mark.django_db
def test_blind_ratings_until_an_assessor_submits(on_site, ann, bob, lead):
    requirements, _ = _codes(on_site)
    rating_save(evaluation=on_site, code=requirements[0], value="0.5", by=bob)
    rating_save(evaluation=on_site, code=requirements[0], value="1", by=ann)
    assert list(selectors.ratings_visible(ann, on_site).values_list("assessor__username", flat=True)) == ["ann"]
    with pytest.raises(Http404):
        selectors.ratings_of(ann, on_site, bob.pk)
    assert AuditLog.objects.filter(actor=ann, action=AuditAction.ACCESS_DENIED, details__reason="blind_rating").exists()

    _rate_all(on_site, ann)
    with pytest.raises(DomainError, match="Rate every item"):
        ratings_submit(evaluation=on_site, by=bob)
    ratings_submit(evaluation=on_site, by=ann)
    assert selectors.ratings_of(ann, on_site, bob.pk)[requirements[0]].value == "0.5"
    with pytest.raises(DomainError, match="no longer change"):
        rating_save(evaluation=on_site, code=requirements[0], value="0", by=ann)
    with pytest.raises(Http404):  # bob has not submitted: ann's ratings stay hidden from him
        selectors.ratings_of(bob, on_site, ann.pk)


@pytest.mark.django_db
def test_the_institution_and_authority_see_ratings_only_after_the_on_site_stage(
    on_site, ann, institution_admin, guangdong_officer
):
    requirements, _ = _codes(on_site)
    rating_save(evaluation=on_site, code=requirements[0], value="1", by=ann)
    for viewer in (institution_admin, guangdong_officer):
        assert not selectors.ratings_visible(viewer, on_site).exists()
        with pytest.raises(Http404):
            selectors.ratings_of(viewer, on_site, ann.pk)
    Evaluation.objects.filter(pk=on_site.pk).update(status=EvaluationStatus.CONSENSUS)
    on_site.refresh_from_db()
    assert selectors.ratings_visible(guangdong_officer, on_site).count() == 1


@pytest.mark.django_db
def test_the_last_submission_opens_the_consensus(on_site, ann, bob, lead):
    for person in (ann, bob, lead):
        _rate_all(on_site, person)
        ratings_submit(evaluation=on_site, by=person)
    on_site.refresh_from_db()
    assert on_site.status == EvaluationStatus.CONSENSUS
    assert StatusChange.objects.filter(evaluation=on_site).last().by == lead


# Consensus and result --------------------------------------------------------------------------------------


@pytest.fixture
def consensus(on_site, ann, bob, lead):
    requirements, _ = _codes(on_site)
    for person, first in ((ann, "1"), (bob, "0.5"), (lead, "0.8")):
        _rate_all(on_site, person)
        rating_save(evaluation=on_site, code=requirements[0], value=first, by=person)
        ratings_submit(evaluation=on_site, by=person)
    on_site.refresh_from_db()
    return on_site


@pytest.mark.django_db
def test_a_spread_of_half_a_point_needs_a_note(consensus, lead, ann):
    requirements, _ = _codes(consensus)
    with pytest.raises(NotPermitted):
        consensus_save(evaluation=consensus, code=requirements[0], value="0.8", by=ann)
    with pytest.raises(ValidationError, match=r"differ by 0\.5"):
        consensus_save(evaluation=consensus, code=requirements[0], value="0.8", by=lead)
    consensus_save(evaluation=consensus, code=requirements[0], value="0.8", note="现场抽查两批记录后一致", by=lead)
    consensus_save(evaluation=consensus, code=requirements[1], value="1", by=lead)  # all rated 1: no note needed
    assert consensus.consensus.count() == 2


@pytest.mark.django_db
def test_only_the_consensus_decides_the_level(consensus, lead, alice):
    requirements, conditions = _codes(consensus)
    with pytest.raises(DomainError, match="Record a consensus for every item"):
        result_submit(evaluation=consensus, by=lead)
    entries = dict.fromkeys(requirements, ("0", "")) | dict.fromkeys(conditions, ("yes", ""))
    entries[requirements[0]] = ("0", "一致认为未满足")
    consensus_save_many(evaluation=consensus, entries=entries, by=lead)
    finding_add(evaluation=consensus, kind="nonconformity", text="未建立质量目标分解", by=lead)
    result = result_submit(evaluation=consensus, by=lead)
    assert result.status == EvaluationStatus.RESULT_SUBMITTED
    assert result.official_level == 0  # every assessor rated (almost) everything 1, the consensus says 0
    assert result.official_result["level"] == 0
    assert StatusChange.objects.filter(evaluation=result, to_status="result_submitted", by=lead).exists()


@pytest.mark.django_db
def test_consensus_cannot_start_before_everyone_submitted(on_site, lead):
    requirements, _ = _codes(on_site)
    with pytest.raises(DomainError, match="after every assessor has submitted"):
        consensus_save(evaluation=on_site, code=requirements[0], value="1", by=lead)


# Pages -----------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_institution_admin_assigns_the_team_on_the_page(client, assigned, institution_admin, lead, ann, bob):
    ConflictDeclaration.objects.create(
        assessor=bob, enterprise=assigned.enterprise, kind="employment", started=date(2024, 1, 1)
    )
    client.force_login(institution_admin)
    url = f"/evaluations/{assigned.pk}/onsite/"
    page = client.get(url)
    assert "worked for the enterprise or its group" in page.text
    response = client.post(url, {"action": "team", "lead": lead.pk, "members": [ann.pk, bob.pk]}, follow=True)
    assert "bob is blocked" in response.text
    assigned.refresh_from_db()
    assert assigned.status == EvaluationStatus.ASSIGNED
    carol = _assessor("carol")
    client.post(url, {"action": "team", "lead": lead.pk, "members": [ann.pk, carol.pk]})
    assigned.refresh_from_db()
    assert assigned.status == EvaluationStatus.ON_SITE


@pytest.mark.django_db
def test_the_authority_overrides_on_the_page(client, assigned, bob, guangdong_officer):
    ConflictDeclaration.objects.create(
        assessor=bob, enterprise=assigned.enterprise, kind="employment", started=date(2024, 1, 1)
    )
    client.force_login(guangdong_officer)
    client.post(f"/evaluations/{assigned.pk}/onsite/", {"action": "override", "assessor": bob.pk, "reason": "专家稀缺"})
    assert assigned.overrides.get().reason == "专家稀缺"


@pytest.mark.django_db
def test_rating_sheet_reports_every_bad_row_and_saves_nothing(client, on_site, ann, django_assert_max_num_queries):
    requirements, conditions = _codes(on_site)
    client.force_login(ann)
    url = f"/evaluations/{on_site.pk}/onsite/ratings/"
    with django_assert_max_num_queries(25):
        assert client.get(url).status_code == 200
    bad = client.post(url, {f"v:{requirements[0]}": "1", f"v:{requirements[1]}": "7", f"v:{conditions[0]}": "perhaps"})
    assert bad.status_code == 400
    assert "2 ratings need attention" in bad.text
    assert "is not a rating" in bad.text
    assert 'value="7" selected' not in bad.text  # the refused value is not an option; the row is marked instead
    assert not Rating.objects.exists()
    client.post(url, {f"v:{requirements[0]}": "1", f"c:{requirements[0]}": "记录齐全"})
    assert Rating.objects.get().comment == "记录齐全"


@pytest.mark.django_db
def test_a_colleagues_ratings_page_is_404_until_you_submit(client, on_site, ann, bob):
    requirements, _ = _codes(on_site)
    rating_save(evaluation=on_site, code=requirements[0], value="0.5", by=bob)
    client.force_login(ann)
    url = f"/evaluations/{on_site.pk}/onsite/ratings/{bob.pk}/"
    assert client.get(url).status_code == 404
    _rate_all(on_site, ann)
    ratings_submit(evaluation=on_site, by=ann)
    assert client.get(url).status_code == 200


@pytest.mark.django_db
def test_outsiders_do_not_see_the_on_site_pages(client, on_site, beijing_enterprise):
    stranger = grant(UserFactory(), Role.ASSESSOR)
    client.force_login(stranger)
    assert client.get(f"/evaluations/{on_site.pk}/onsite/").status_code == 404
    assert client.get(f"/evaluations/{on_site.pk}/onsite/ratings/").status_code == 404


@pytest.mark.django_db
def test_the_lead_records_the_consensus_and_submits_on_the_page(client, consensus, lead):
    requirements, conditions = _codes(consensus)
    client.force_login(lead)
    url = f"/evaluations/{consensus.pk}/onsite/consensus/"
    page = client.get(url)
    assert page.status_code == 200
    assert "Required: ratings differ" in page.text
    data = {f"v:{code}": "1" for code in requirements} | {f"v:{code}": "yes" for code in conditions}
    refused = client.post(url, data | {"action": "submit"})
    assert refused.status_code == 400
    assert "write a note" in refused.text
    assert not consensus.consensus.exists()
    client.post(url, data | {f"n:{requirements[0]}": "复核后一致", "action": "submit"})
    consensus.refresh_from_db()
    assert consensus.status == EvaluationStatus.RESULT_SUBMITTED
    assert consensus.official_level == 5


@pytest.mark.django_db
def test_assessors_and_institutions_are_scoped_by_assignment(on_site, alice, ann, institution_admin):
    from accounts.scoping import scope
    from enterprises.models import Enterprise
    from evaluations.models import Answer
    from evaluations.services import evaluation_start

    Evaluation.objects.filter(pk=on_site.pk).update(cycle=2025)
    later = evaluation_start(enterprise=on_site.enterprise, by=alice, cycle=2026)
    for user in (ann, institution_admin):
        assert list(scope(user, Evaluation.objects.all())) == [on_site]  # not the enterprise's other cycle
        assert list(scope(user, Enterprise.objects.all())) == [on_site.enterprise]
    assert not scope(ann, Answer.objects.filter(evaluation=later)).exists()
    stranger = grant(UserFactory(), Role.ASSESSOR)
    assert not scope(stranger, Evaluation.objects.all()).exists()


@pytest.mark.django_db
def test_a_published_level_does_not_open_the_self_assessment_to_others(client, on_site, beijing_enterprise):
    Evaluation.objects.filter(pk=on_site.pk).update(status=EvaluationStatus.PUBLISHED)
    other = grant(UserFactory(), Role.ENTERPRISE_ADMIN, enterprise=beijing_enterprise)
    client.force_login(other)
    assert client.get(f"/evaluations/{on_site.pk}/result/").status_code == 404
    assert client.get(f"/evaluations/{on_site.pk}/onsite/").status_code == 404


@pytest.mark.django_db
def test_the_enterprise_reads_the_consensus_not_each_assessors_sheet(consensus, alice, ann):
    assert not selectors.ratings_visible(alice, consensus).exists()
    with pytest.raises(Http404):
        selectors.ratings_of(alice, consensus, ann.pk)
