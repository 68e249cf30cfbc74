"""Importing results published before the platform (evaluations.services.history)."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError

from accounts.choices import Role
from core.exceptions import NotPermitted
from evaluations.choices import CertificateStatus, EvaluationStatus
from evaluations.models import Certificate, EvaluationModel
from evaluations.services import certificates_expire
from evaluations.services.history import PastResult, results_import
from indices.models import EvaluationFact
from tests.factories import UserFactory, grant

TODAY = datetime.datetime(2026, 11, 30, 10, tzinfo=datetime.UTC)


@pytest.fixture
def model(db):
    return EvaluationModel.objects.get(code="QMC-2024")


@pytest.fixture
def admin(db):
    return grant(UserFactory(username="alice"), Role.PLATFORM_ADMIN)


def _result(enterprise, model, *, cycle=2023, published=datetime.date(2023, 6, 15), consensus="0.8", own="1"):
    requirements = list(model.requirements.values_list("code", "level"))
    conditions = list(model.conditions.values_list("code", flat=True))
    # every requirement up to level 2 met; above it, nothing
    rate = {code: (consensus if level <= 2 else "0") for code, level in requirements}
    return PastResult(
        enterprise_id=enterprise.pk,
        cycle=cycle,
        submitted_on=published - datetime.timedelta(days=90),
        published_on=published,
        self_ratings={code: (own if level <= 2 else "0") for code, level in requirements},
        consensus_ratings={**rate, **dict.fromkeys(conditions, "yes")},
        record="GD-2023-12",
    )


@pytest.mark.django_db
@time_machine.travel(TODAY, tick=False)
def test_an_imported_result_is_published_with_its_certificate_history_and_facts(shenzhen_enterprise, model, admin):
    (evaluation,) = results_import(
        results=[_result(shenzhen_enterprise, model)], model=model, by=admin, source="广东省公告"
    )

    evaluation.refresh_from_db()
    assert evaluation.status == EvaluationStatus.PUBLISHED
    assert evaluation.official_level == 2  # the engine's level from the consensus
    assert evaluation.self_level == 2
    assert evaluation.consensus.count() == model.requirements.count() + model.conditions.count()
    assert evaluation.answers.count() == model.requirements.count()
    certificate = evaluation.certificate
    assert certificate.number == "QP-2023-44-000001"
    assert (certificate.issued_on, certificate.valid_until) == (datetime.date(2023, 6, 15), datetime.date(2026, 6, 15))
    (history,) = evaluation.history.all()
    assert (history.from_status, history.to_status, history.by) == ("", EvaluationStatus.PUBLISHED, admin)
    assert "广东省公告" in history.reason
    assert "GD-2023-12" in history.reason
    official = EvaluationFact.objects.get(evaluation=evaluation, layer="official")
    assert official.valid_from == datetime.date(2023, 6, 15)
    assert EvaluationFact.objects.filter(evaluation=evaluation, layer="self").exists()

    assert certificates_expire() == ["QP-2023-44-000001"]  # its validity ended in June
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.EXPIRED


@pytest.mark.django_db
@time_machine.travel(TODAY, tick=False)
def test_an_import_with_a_taken_cycle_or_a_future_publication_writes_nothing(shenzhen_enterprise, model, admin):
    results_import(results=[_result(shenzhen_enterprise, model)], model=model, by=admin, source="first")
    with pytest.raises(ValidationError) as raised:
        results_import(
            results=[
                _result(shenzhen_enterprise, model, cycle=2024, published=datetime.date(2024, 5, 1)),
                _result(shenzhen_enterprise, model),  # cycle 2023 is taken
                _result(shenzhen_enterprise, model, cycle=2026, published=datetime.date(2027, 1, 5)),
            ],
            model=model,
            by=admin,
            source="second",
        )
    assert sorted(raised.value.message_dict) == ["1", "2"]
    assert Certificate.objects.count() == 1


@pytest.mark.django_db
def test_only_platform_administrators_and_miit_import(shenzhen_enterprise, model):
    authority = grant(UserFactory(username="bob"), Role.AUTHORITY, authority="GD")
    with pytest.raises(NotPermitted):
        results_import(results=[_result(shenzhen_enterprise, model)], model=model, by=authority, source="x")
