"""Decision and publication: approve or return a result, the public notice and its objections, publication with
a certificate, expiry by the platform and revocation by the authority — each allowed and refused."""

import datetime
import re

import pytest
import time_machine
from django.core.exceptions import ValidationError

from accounts.choices import Role
from core.exceptions import DomainError, NotPermitted
from evaluations.choices import CertificateStatus, EvaluationStatus, ObjectionStatus
from evaluations.models import Certificate, Objection, StatusChange
from evaluations.services import (
    certificate_revoke,
    certificates_expire,
    objection_raise,
    objection_resolve,
    result_approve,
    result_publish,
    result_return,
)
from evaluations.services.publication import notice_end
from evaluations.services.workflow import _transition
from evaluations.tasks import certificates_expire_task
from evaluations.working_days import add_working_days, add_years
from tests.evaluations.publication_helpers import at, with_result
from tests.factories import UserFactory, grant

D = datetime.date
GOLDEN_WEEK_2026 = [D(2026, 10, day) for day in range(1, 8)]


# --- Working days (pure) ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "days", "holidays", "expected"),
    [
        (D(2026, 3, 2), 5, [], D(2026, 3, 9)),  # Monday + 5 → next Monday
        (D(2026, 3, 6), 1, [], D(2026, 3, 9)),  # Friday + 1 → Monday
        (D(2026, 3, 7), 1, [], D(2026, 3, 9)),  # Saturday + 1 → Monday
        (D(2026, 3, 8), 5, [], D(2026, 3, 13)),  # Sunday + 5 → Friday
        (D(2026, 3, 4), 5, [], D(2026, 3, 11)),  # Wednesday + 5 → next Wednesday, over one weekend
        (D(2026, 9, 30), 5, GOLDEN_WEEK_2026, D(2026, 10, 14)),  # the National Day holiday does not count
        (D(2026, 3, 2), 5, [D(2026, 3, 4)], D(2026, 3, 10)),  # one holiday on a Wednesday
        (D(2026, 3, 6), 1, [D(2026, 3, 7)], D(2026, 3, 9)),  # a holiday on a weekend changes nothing
        (D(2026, 3, 2), 0, [], D(2026, 3, 2)),
    ],
)
def test_add_working_days_skips_weekends_and_holidays(start, days, holidays, expected):
    assert add_working_days(start, days, holidays=holidays) == expected


def test_add_working_days_refuses_a_negative_count():
    with pytest.raises(ValueError, match="negative"):
        add_working_days(D(2026, 3, 2), -1)


@pytest.mark.parametrize(
    ("start", "years", "expected"),
    [(D(2026, 3, 16), 3, D(2029, 3, 16)), (D(2028, 2, 29), 3, D(2031, 2, 28)), (D(2028, 2, 29), 4, D(2032, 2, 29))],
)
def test_add_years_keeps_the_day_or_falls_back_to_28_february(start, years, expected):
    assert add_years(start, years) == expected


def test_notice_end_follows_the_settings(settings):
    settings.PUBLIC_NOTICE_WORKING_DAYS = 3
    settings.PUBLIC_NOTICE_HOLIDAYS = [D(2026, 3, 3)]
    assert notice_end(start=D(2026, 3, 2)) == D(2026, 3, 6)


# --- Fixtures -------------------------------------------------------------------------------------------------


@pytest.fixture
def result(draft):
    return with_result(draft, level=3, score="3.4500")


@pytest.fixture
def assessor(db):
    return grant(UserFactory(username="assessor_a"), Role.ASSESSOR)


@pytest.fixture
def beijing_officer(db):
    return grant(UserFactory(username="bj_officer"), Role.AUTHORITY, authority="BJ")


@pytest.fixture
def in_notice(result, shenzhen_officer):
    with time_machine.travel(at(2026, 3, 2), tick=False):  # a Monday
        return result_approve(evaluation=result, by=shenzhen_officer)


def _published(evaluation, officer):
    with time_machine.travel(at(2026, 3, 10), tick=False):
        return result_publish(evaluation=evaluation, by=officer)


# --- Approve and return ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_approval_starts_a_notice_of_five_working_days(in_notice, shenzhen_officer):
    assert in_notice.status == EvaluationStatus.NOTICE
    assert in_notice.notice_until == D(2026, 3, 9)
    step = StatusChange.objects.filter(evaluation=in_notice).order_by("pk").last()
    assert (step.from_status, step.to_status, step.by) == ("result_submitted", "notice", shenzhen_officer)


@pytest.mark.django_db
def test_the_provincial_authority_may_approve_inside_its_province(result, guangdong_officer):
    assert result_approve(evaluation=result, by=guangdong_officer).status == EvaluationStatus.NOTICE


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["alice", "assessor", "beijing_officer"])
def test_approval_is_refused_to_other_roles_and_other_areas(request, result, who):
    with pytest.raises(NotPermitted):
        result_approve(evaluation=result, by=request.getfixturevalue(who))
    result.refresh_from_db()
    assert (result.status, result.notice_until) == (EvaluationStatus.RESULT_SUBMITTED, None)


@pytest.mark.django_db
def test_a_draft_cannot_be_approved(draft, shenzhen_officer):
    with pytest.raises(DomainError, match="not possible now") as caught:
        result_approve(evaluation=draft, by=shenzhen_officer)
    assert caught.value.code == "wrong_status"


@pytest.mark.django_db
def test_a_return_needs_a_reason_and_goes_back_to_consensus(result, shenzhen_officer):
    with pytest.raises(ValidationError):
        result_return(evaluation=result, reason="   ", by=shenzhen_officer)
    result.refresh_from_db()
    assert result.status == EvaluationStatus.RESULT_SUBMITTED
    result_return(evaluation=result, reason="D2 ratings lack evidence", by=shenzhen_officer)
    result.refresh_from_db()
    assert result.status == EvaluationStatus.CONSENSUS
    assert StatusChange.objects.filter(evaluation=result, reason="D2 ratings lack evidence").exists()


@pytest.mark.django_db
def test_a_return_is_refused_to_the_enterprise(result, alice):
    with pytest.raises(NotPermitted):
        result_return(evaluation=result, reason="no", by=alice)


# --- Objections ---------------------------------------------------------------------------------------------


def _object(evaluation, text="The quality records shown were prepared after the fact."):
    return objection_raise(evaluation=evaluation, name="Zhang San", contact="13800000000", text=text)


@pytest.mark.django_db
def test_anyone_may_object_during_the_notice_including_its_last_day(in_notice):
    with time_machine.travel(at(2026, 3, 9, 23), tick=False):
        objection = _object(in_notice)
    assert (objection.status, objection.evaluation_id) == (ObjectionStatus.OPEN, in_notice.pk)


@pytest.mark.django_db
def test_no_objection_after_the_notice_ended(in_notice):
    with time_machine.travel(at(2026, 3, 10), tick=False), pytest.raises(DomainError) as caught:
        _object(in_notice)
    assert caught.value.code == "notice_closed"
    assert not Objection.objects.exists()


@pytest.mark.django_db
def test_no_objection_to_a_result_that_is_not_in_notice(result):
    with pytest.raises(DomainError, match="not in public notice"):
        _object(result)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"name": "", "contact": "x@example.com", "text": "A long enough objection."}, "name"),
        ({"name": "Li", "contact": "", "text": "A long enough objection."}, "contact"),
        ({"name": "Li", "contact": "x@example.com", "text": "short"}, "text"),
        ({"name": "Li", "contact": "x@example.com", "text": "x" * 5001}, "text"),
        ({"name": "L" * 101, "contact": "x@example.com", "text": "A long enough objection."}, "name"),
    ],
)
def test_a_bad_objection_names_the_field_and_saves_nothing(in_notice, fields, field):
    with time_machine.travel(at(2026, 3, 3), tick=False), pytest.raises(ValidationError) as caught:
        objection_raise(evaluation=in_notice, **fields)
    assert field in caught.value.message_dict
    assert not Objection.objects.exists()


@pytest.mark.django_db
def test_objections_are_rate_limited_per_visitor(in_notice, settings, rf):
    settings.OBJECTION_RATE_PER_HOUR = 2
    request = rf.post("/", REMOTE_ADDR="203.0.113.7")
    with time_machine.travel(at(2026, 3, 3), tick=False):
        for _ in range(2):
            objection_raise(
                evaluation=in_notice, name="Li", contact="x", text="A long enough objection.", request=request
            )
        with pytest.raises(DomainError) as caught:
            objection_raise(
                evaluation=in_notice, name="Li", contact="x", text="A long enough objection.", request=request
            )
    assert caught.value.code == "objection_rate_limited"
    assert Objection.objects.count() == 2


@pytest.mark.django_db
def test_a_dismissed_objection_leaves_the_notice_running(in_notice, shenzhen_officer):
    with time_machine.travel(at(2026, 3, 3), tick=False):
        objection = _object(in_notice)
        with pytest.raises(ValidationError):
            objection_resolve(objection=objection, uphold=False, resolution=" ", by=shenzhen_officer)
        objection_resolve(objection=objection, uphold=False, resolution="Records checked on site.", by=shenzhen_officer)
    objection.refresh_from_db()
    in_notice.refresh_from_db()
    assert (objection.status, objection.resolved_by) == (ObjectionStatus.DISMISSED, shenzhen_officer)
    assert in_notice.status == EvaluationStatus.NOTICE
    with pytest.raises(DomainError, match="already been resolved"):
        objection_resolve(objection=objection, uphold=True, resolution="again", by=shenzhen_officer)


@pytest.mark.django_db
def test_an_upheld_objection_sends_the_result_back_with_the_objection_as_reason(in_notice, shenzhen_officer):
    with time_machine.travel(at(2026, 3, 3), tick=False):
        upheld = _object(in_notice, text="Supplier audits in 2025 were never done.")
        other = _object(in_notice, text="Another concern about the same result.")
        objection_resolve(objection=upheld, uphold=True, resolution="Confirmed by phone.", by=shenzhen_officer)
    in_notice.refresh_from_db()
    assert (in_notice.status, in_notice.notice_until) == (EvaluationStatus.CONSENSUS, None)
    step = StatusChange.objects.filter(evaluation=in_notice).order_by("pk").last()
    assert (step.from_status, step.to_status) == ("notice", "consensus")
    assert "Supplier audits in 2025 were never done." in step.reason
    assert set(Objection.objects.values_list("status", flat=True)) == {ObjectionStatus.UPHELD}
    other.refresh_from_db()
    assert str(upheld.pk) in other.resolution


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["alice", "beijing_officer"])
def test_only_the_authority_of_the_area_resolves_objections(request, in_notice, who):
    with time_machine.travel(at(2026, 3, 3), tick=False):
        objection = _object(in_notice)
    with pytest.raises(NotPermitted):
        objection_resolve(objection=objection, uphold=True, resolution="x", by=request.getfixturevalue(who))
    objection.refresh_from_db()
    assert objection.status == ObjectionStatus.OPEN


# --- Publication ----------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_no_publication_before_the_notice_has_ended(in_notice, shenzhen_officer):
    with time_machine.travel(at(2026, 3, 9, 22), tick=False), pytest.raises(DomainError) as caught:
        result_publish(evaluation=in_notice, by=shenzhen_officer)
    assert caught.value.code == "notice_running"
    in_notice.refresh_from_db()
    assert in_notice.status == EvaluationStatus.NOTICE
    assert not Certificate.objects.exists()


@pytest.mark.django_db
def test_open_objections_block_publication(in_notice, shenzhen_officer):
    with time_machine.travel(at(2026, 3, 4), tick=False):
        _object(in_notice)
    with time_machine.travel(at(2026, 3, 10), tick=False), pytest.raises(DomainError) as caught:
        result_publish(evaluation=in_notice, by=shenzhen_officer)
    assert caught.value.code == "open_objections"
    assert not Certificate.objects.exists()


@pytest.mark.django_db
def test_publication_after_the_notice_issues_a_certificate(in_notice, shenzhen_officer, shenzhen_enterprise):
    evaluation = _published(in_notice, shenzhen_officer)
    assert evaluation.status == EvaluationStatus.PUBLISHED
    certificate = Certificate.objects.get(evaluation=evaluation)
    assert certificate.number == "QP-2026-44-000001"
    assert re.fullmatch(r"QP-\d{4}-\d{2}-\d{6}", certificate.number)
    assert (certificate.issued_on, certificate.valid_until) == (D(2026, 3, 10), D(2029, 3, 10))
    assert (certificate.level, certificate.enterprise, certificate.status) == (3, shenzhen_enterprise, "valid")
    assert StatusChange.objects.filter(evaluation=evaluation, to_status="published", by=shenzhen_officer).exists()


@pytest.mark.django_db
def test_level_zero_is_published_without_a_certificate(draft, shenzhen_officer):
    with_result(draft, level=0, score="0.4200")
    with time_machine.travel(at(2026, 3, 2), tick=False):
        result_approve(evaluation=draft, by=shenzhen_officer)
    evaluation = _published(draft, shenzhen_officer)
    assert evaluation.status == EvaluationStatus.PUBLISHED
    assert not Certificate.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["alice", "assessor", "beijing_officer"])
def test_publication_is_refused_to_other_roles_and_areas(request, in_notice, who):
    with time_machine.travel(at(2026, 3, 10), tick=False), pytest.raises(NotPermitted):
        result_publish(evaluation=in_notice, by=request.getfixturevalue(who))
    assert not Certificate.objects.exists()


@pytest.mark.django_db
def test_a_result_not_in_notice_cannot_be_published(result, shenzhen_officer):
    with pytest.raises(DomainError, match="not possible now"):
        result_publish(evaluation=result, by=shenzhen_officer)


@pytest.mark.django_db
def test_certificate_numbers_run_per_province_and_year(shenzhen_officer, miit_officer, alice, guangzhou_enterprise):
    from tests.evaluations.publication_helpers import make_evaluation
    from tests.factories import EnterpriseFactory

    enterprises = [guangzhou_enterprise, EnterpriseFactory(region_id="440300"), EnterpriseFactory(region_id="110100")]
    evaluations = [make_evaluation(e, by=alice, status=EvaluationStatus.RESULT_SUBMITTED) for e in enterprises]
    with time_machine.travel(at(2026, 3, 2), tick=False):
        for evaluation in evaluations:
            result_approve(evaluation=evaluation, by=miit_officer)
    for evaluation in evaluations:
        _published(evaluation, miit_officer)
    numbers = list(Certificate.objects.order_by("pk").values_list("number", flat=True))
    assert numbers == ["QP-2026-44-000001", "QP-2026-44-000002", "QP-2026-11-000001"]


# --- Expiry and revocation ------------------------------------------------------------------------------------


@pytest.fixture
def certificate(in_notice, shenzhen_officer):
    _published(in_notice, shenzhen_officer)
    return Certificate.objects.get(evaluation=in_notice)


@pytest.mark.django_db
def test_the_daily_task_expires_lapsed_certificates_only(certificate):
    with time_machine.travel(at(2029, 3, 10), tick=False):  # the last valid day
        assert certificates_expire_task.delay().get() == []
    with time_machine.travel(at(2029, 3, 11, 0), tick=False):
        assert certificates_expire_task.delay().get() == [certificate.number]
        assert certificates_expire() == []  # idempotent
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.EXPIRED
    step = StatusChange.objects.filter(evaluation=certificate.evaluation).order_by("pk").last()
    assert (step.from_status, step.to_status, step.by) == ("published", "expired", None)


@pytest.mark.django_db
def test_people_cannot_take_the_platform_step_and_the_platform_cannot_take_peoples_steps(certificate, result):
    from evaluations.models import Evaluation

    officer = grant(UserFactory(), Role.NATIONAL)
    with pytest.raises(NotPermitted):
        _transition(Evaluation.objects.get(pk=certificate.evaluation_id), action="expire", by=officer)
    with pytest.raises(NotPermitted):
        _transition(result, action="approve", by=None)


@pytest.mark.django_db
def test_the_authority_revokes_with_a_reason(certificate, shenzhen_officer):
    with pytest.raises(ValidationError):
        certificate_revoke(certificate=certificate, reason="", by=shenzhen_officer)
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.VALID
    certificate_revoke(certificate=certificate, reason="Major quality-safety accident in 2026", by=shenzhen_officer)
    certificate.refresh_from_db()
    assert (certificate.status, certificate.revoked_by) == (CertificateStatus.REVOKED, shenzhen_officer)
    assert certificate.revoked_reason == "Major quality-safety accident in 2026"
    assert certificate.evaluation.status == EvaluationStatus.REVOKED


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["alice", "beijing_officer"])
def test_revocation_is_refused_to_others(request, certificate, who):
    with pytest.raises(NotPermitted):
        certificate_revoke(certificate=certificate, reason="because", by=request.getfixturevalue(who))
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.VALID


@pytest.mark.django_db
def test_an_expired_certificate_cannot_be_revoked(certificate, shenzhen_officer):
    with time_machine.travel(at(2029, 3, 12), tick=False):
        certificates_expire()
    certificate.refresh_from_db()
    with pytest.raises(DomainError, match="not possible now"):
        certificate_revoke(certificate=certificate, reason="late", by=shenzhen_officer)
