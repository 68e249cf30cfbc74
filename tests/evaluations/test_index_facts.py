"""The summary facts follow every step of the workflow (indices.facts), written by the real services."""

import datetime

import pytest
import time_machine

from evaluations.services import (
    answer_save,
    certificate_revoke,
    evaluation_review,
    evaluation_submit,
    result_approve,
    result_publish,
)
from indices.facts import facts_rebuild
from indices.models import EvaluationFact
from tests.evaluations.publication_helpers import at, with_result


def _facts(evaluation) -> dict:
    return {fact.layer: fact for fact in EvaluationFact.objects.filter(evaluation=evaluation)}


@pytest.fixture
def submitted(draft, alice):
    requirement = draft.model.requirements.order_by("position").first()
    answer_save(evaluation=draft, requirement_code=requirement.code, rating="1", by=alice)
    return evaluation_submit(evaluation=draft, by=alice)


@pytest.mark.django_db
def test_submission_writes_the_self_fact_and_a_return_removes_it(submitted, shenzhen_officer):
    fact = _facts(submitted)["self"]
    assert (fact.year, fact.level) == (2026, submitted.self_level)
    assert (fact.city_code, fact.province_code) == ("440300", "440000")
    assert fact.score == pytest.approx(float(submitted.self_score))
    assert set(fact.dimension_scores) == set(submitted.self_result["dimension_values"])
    evaluation_review(evaluation=submitted, accept=False, reason="Evidence missing for 2.5", by=shenzhen_officer)
    assert _facts(submitted) == {}


@pytest.mark.django_db
def test_publication_writes_the_official_fact_and_revocation_dates_it(draft, shenzhen_officer):
    with_result(draft, level=3, score="3.4500")
    with time_machine.travel(at(2026, 3, 2), tick=False):
        result_approve(evaluation=draft, by=shenzhen_officer)
    assert "official" not in _facts(draft)  # approved is not yet published
    with time_machine.travel(at(2026, 3, 10), tick=False):
        result_publish(evaluation=draft, by=shenzhen_officer)
    fact = _facts(draft)["official"]
    assert (fact.level, fact.score) == (3, pytest.approx(3.45))
    assert (fact.valid_from, fact.valid_until, fact.revoked_on) == (
        datetime.date(2026, 3, 10),
        datetime.date(2029, 3, 10),
        None,
    )
    with time_machine.travel(at(2026, 8, 20), tick=False):
        certificate_revoke(certificate=draft.certificate, reason="Major quality accident", by=shenzhen_officer)
    assert _facts(draft)["official"].revoked_on == datetime.date(2026, 8, 20)


@pytest.mark.django_db
def test_rebuilding_the_facts_gives_the_same_rows(submitted):
    fields = ("evaluation", "layer", "level", "score", "city_code", "industry_code", "size_class", "year")
    before = list(EvaluationFact.objects.values(*fields))
    assert facts_rebuild() == 1
    assert list(EvaluationFact.objects.values(*fields)) == before
