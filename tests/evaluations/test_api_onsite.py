"""The scoped evaluation API: list and detail in scope, on-site ratings under the blind-rating rule, and scores."""

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.choices import AuditAction, Role
from accounts.models import AuditLog, User
from evaluations.models import Answer, ConsensusRating, Evaluation, Rating, Requirement, TeamMember
from tests.factories import EnterpriseFactory, default_institution, grant


def _user(username, role, **where):
    # No password: tests log in with force_login, and a password hash is slow.
    return grant(User.objects.create(username=username, display_name=username.title()), role, **where)


@pytest.fixture
def assessor_a(db):
    return _user("assessor_a", Role.ASSESSOR)


@pytest.fixture
def assessor_b(db):
    return _user("assessor_b", Role.ASSESSOR)


@pytest.fixture
def requirements(qmc):
    return list(Requirement.objects.filter(model=qmc).order_by("position"))


@pytest.fixture
def on_site(alice, shenzhen_enterprise, qmc, assessor_a, assessor_b, requirements):
    """Shenzhen's evaluation on site: A (lead) rated everything fully met, B everything partly met; nobody has
    submitted. The enterprise rated itself "not met" throughout."""
    evaluation = Evaluation.objects.create(
        enterprise=shenzhen_enterprise,
        model=qmc,
        cycle=2026,
        status="on_site",
        started_by=alice,
        institution=default_institution(),
        self_level=0,
    )
    TeamMember.objects.create(evaluation=evaluation, assessor=assessor_a, role="lead", assigned_by=alice)
    TeamMember.objects.create(evaluation=evaluation, assessor=assessor_b, role="member", assigned_by=alice)
    Answer.objects.bulk_create(
        Answer(evaluation=evaluation, requirement=r, rating="0", updated_by=alice) for r in requirements
    )
    for assessor, value in ((assessor_a, "1"), (assessor_b, "0.5")):
        Rating.objects.bulk_create(
            Rating(evaluation=evaluation, assessor=assessor, requirement=r, value=value) for r in requirements
        )
    return evaluation


def _submit(evaluation, *assessors):
    TeamMember.objects.filter(evaluation=evaluation, assessor__in=assessors).update(ratings_submitted_at=timezone.now())


def _get(client, user, name, evaluation=None, **query):
    if user is None:
        client.logout()
    else:
        client.force_login(user)
    kwargs = {"pk": evaluation.pk} if evaluation is not None else {}
    return client.get(reverse(f"api:evaluation-{name}", kwargs=kwargs), query)


def _raters(response):
    return {row["assessor"] for row in response.json()}


# --- Blind rating ----------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_assessor_sees_only_their_own_ratings_before_submitting(client, on_site, assessor_a, assessor_b):
    response = _get(client, assessor_a, "ratings", on_site)
    assert response.status_code == 200
    assert _raters(response) == {assessor_a.pk}
    assert {row["value"] for row in response.json()} == {"1"}


@pytest.mark.django_db
def test_assessor_gets_404_for_a_colleagues_ratings_before_submitting(client, on_site, assessor_a, assessor_b):
    response = _get(client, assessor_a, "ratings", on_site, assessor=assessor_b.pk)
    assert response.status_code == 404
    assert AuditLog.objects.filter(action=AuditAction.ACCESS_DENIED, details__reason="blind_rating").exists()
    # The colleague having submitted changes nothing: it is the asker's own submission that opens the view.
    _submit(on_site, assessor_b)
    assert _get(client, assessor_a, "ratings", on_site, assessor=assessor_b.pk).status_code == 404


@pytest.mark.django_db
def test_assessor_sees_colleagues_ratings_after_submitting(client, on_site, assessor_a, assessor_b):
    _submit(on_site, assessor_a)
    response = _get(client, assessor_a, "ratings", on_site, assessor=assessor_b.pk)
    assert response.status_code == 200
    rows = response.json()
    assert {row["assessor"] for row in rows} == {assessor_b.pk}
    assert rows[0]["assessor_name"] == "Assessor_B"
    assert {row["value"] for row in rows} == {"0.5"}
    assert _raters(_get(client, assessor_a, "ratings", on_site)) == {assessor_a.pk, assessor_b.pk}


@pytest.mark.django_db
def test_others_in_scope_see_ratings_only_after_the_on_site_stage(client, on_site, guangdong_officer, assessor_b):
    assert _get(client, guangdong_officer, "ratings", on_site).json() == []
    assert _get(client, guangdong_officer, "ratings", on_site, assessor=assessor_b.pk).status_code == 404
    Evaluation.objects.filter(pk=on_site.pk).update(status="consensus")
    assert (
        len(_get(client, guangdong_officer, "ratings", on_site).json())
        == 2 * Requirement.objects.filter(model=on_site.model).count()
    )


@pytest.mark.django_db
def test_a_bad_assessor_parameter_is_explained(client, on_site, assessor_a):
    response = _get(client, assessor_a, "ratings", on_site, assessor="B")
    assert response.status_code == 400
    assert "assessor" in response.json()["fields"]


# --- Scope ------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["detail", "ratings", "result"])
def test_out_of_scope_users_get_404(client, on_site, beijing_enterprise, name):
    outsiders = [
        _user("bj_officer", Role.AUTHORITY, authority="BJ"),
        _user("bj_admin", Role.ENTERPRISE_ADMIN, enterprise=beijing_enterprise),
        _user("assessor_c", Role.ASSESSOR),  # same institution, not on this team
    ]
    for outsider in outsiders:
        assert _get(client, outsider, name, on_site).status_code == 404, outsider
    assert AuditLog.objects.filter(action=AuditAction.ACCESS_DENIED, details__reason="out_of_scope").count() == 3


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["detail", "ratings", "result"])
def test_anonymous_callers_are_refused(client, on_site, name):
    response = _get(client, None, name, on_site)
    assert response.status_code == 403
    assert response.json()["code"] == "not_authenticated"


@pytest.mark.django_db
def test_another_enterprises_published_evaluation_is_not_in_the_own_scope_list(client, on_site, beijing_enterprise):
    published = Evaluation.objects.create(
        enterprise=beijing_enterprise,
        model=on_site.model,
        cycle=2025,
        status="published",
        started_by=on_site.started_by,
    )
    outsider = _user("sz_other", Role.ENTERPRISE_ADMIN, enterprise=EnterpriseFactory(region_id="440300"))
    assert _get(client, outsider, "list").json()["count"] == 0
    assert _get(client, outsider, "detail", published).status_code == 404  # the public /results/ endpoint has it


# --- List and detail --------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_list_and_detail_show_official_figures_once_set(client, alice, on_site, miit_officer):
    row = _get(client, alice, "detail", on_site).json()
    assert (row["status"], row["cycle"], row["official_level"], row["official_score"]) == ("on_site", 2026, None, None)
    assert row["enterprise"]["credit_code"] == on_site.enterprise.credit_code
    Evaluation.objects.filter(pk=on_site.pk).update(status="result_submitted", official_level=3, official_score="3.25")
    row = _get(client, alice, "detail", on_site).json()
    assert (row["official_level"], row["official_score"]) == (3, "3.2500")
    assert _get(client, miit_officer, "list", status="result_submitted").json()["count"] == 1
    assert _get(client, miit_officer, "list", status="published").json()["count"] == 0


@pytest.mark.django_db
def test_list_query_count_does_not_grow(client, django_assert_max_num_queries, miit_officer, on_site):
    for enterprise in EnterpriseFactory.create_batch(10):
        Evaluation.objects.create(enterprise=enterprise, model=on_site.model, cycle=2026, started_by=on_site.started_by)
    client.force_login(miit_officer)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("api:evaluation-list"))
    assert response.json()["count"] == 11


# --- Scores -----------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_result_before_submitting_scores_self_and_own_ratings_only(client, on_site, assessor_a):
    body = _get(client, assessor_a, "result", on_site).json()
    assert body["self"]["level"] == 0
    assert [row["assessor"] for row in body["assessors"]] == [assessor_a.pk]
    assert (body["assessors"][0]["result"]["level"], body["assessors"][0]["result"]["score"]) == (5, 5)
    assert body["consensus"] is None


@pytest.mark.django_db
def test_result_with_consensus_scores_every_layer(client, on_site, requirements, assessor_a, assessor_b, alice):
    _submit(on_site, assessor_a, assessor_b)
    Evaluation.objects.filter(pk=on_site.pk).update(status="consensus")
    ConsensusRating.objects.bulk_create(
        ConsensusRating(evaluation=on_site, requirement=r, value="0.8", updated_by=assessor_a) for r in requirements
    )
    body = _get(client, assessor_b, "result", on_site).json()
    by_assessor = {row["assessor"]: row for row in body["assessors"]}
    assert set(by_assessor) == {assessor_a.pk, assessor_b.pk}
    assert by_assessor[assessor_a.pk]["role"] == "lead"
    assert by_assessor[assessor_a.pk]["submitted"]
    assert by_assessor[assessor_b.pk]["result"]["level"] == 0  # partly met everywhere reaches nothing
    assert body["consensus"]["level"] == 5  # largely met everywhere meets θ = 0.8 and every mandatory item
    assert body["consensus"]["unanswered"] == 0
