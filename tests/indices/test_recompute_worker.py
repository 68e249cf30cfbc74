"""A real Celery worker killed in the middle of a recompute: every year keeps either its previous snapshot or the
whole new one, never a mixture, and the job completes on the next worker, with the cells of a run without the
fault."""

import random
from datetime import UTC, date, datetime

import pytest

from core import jobs
from core.demo import demo_credit_code
from core.models import Job
from enterprises.models import Enterprise, Industry, Region
from evaluations.models import Evaluation, EvaluationModel
from indices.models import EvaluationFact, IndexCell, IndexSnapshot
from indices.services import RECOMPUTE_JOB, indices_recompute
from tests import workers
from tests.factories import UserFactory

ENTERPRISES = 4000
YEARS = range(2020, 2026)
TODAY = date(2026, 11, 30)


def _population(starter) -> None:
    rng = random.Random(5)
    cities = list(Region.objects.filter(level="city").values_list("code", "parent_id"))
    industries = list(Industry.objects.values_list("code", flat=True))
    sizes = ["large", "medium", "small", "micro"]
    places = [(rng.choice(cities), rng.choice(industries), rng.choice(sizes)) for _ in range(ENTERPRISES)]
    enterprises = Enterprise.objects.bulk_create(
        Enterprise(
            credit_code=demo_credit_code(random.Random(i), city),
            name_zh=f"企业{i}",
            region_id=city,
            industry_id=industry,
            size_class=size,
            status="verified",
        )
        for i, ((city, _province), industry, size) in enumerate(places)
    )
    Enterprise.objects.update(created_at=datetime(2019, 1, 1, tzinfo=UTC))
    model = EvaluationModel.objects.get(code="QMC-2024")
    evaluations = Evaluation.objects.bulk_create(
        Evaluation(enterprise=e, model=model, cycle=year, started_by=starter, status="published")
        for e in enterprises
        for year in YEARS
    )
    province_of = dict(cities)
    facts = []
    for evaluation in evaluations:
        e = evaluation.enterprise
        score = round(rng.uniform(0.5, 5.0), 4)
        facts.append(
            EvaluationFact(
                evaluation=evaluation,
                layer="official",
                enterprise=e,
                province_code=province_of[e.region_id],
                city_code=e.region_id,
                industry_code=e.industry_id,
                size_class=e.size_class,
                year=evaluation.cycle,
                level=int(score),
                score=score,
                dimension_scores={"D1": score},
                valid_from=date(evaluation.cycle, 6, 1),
                valid_until=date(evaluation.cycle + 3, 6, 1),
            )
        )
    EvaluationFact.objects.bulk_create(facts, batch_size=5000)


def _snapshot() -> dict[str, dict]:
    """Each year's cells and the stamp of its last recompute (``IndexSnapshot``: unchanged cells keep theirs)."""
    rows = IndexCell.objects.values_list("year", "region_code", "industry_code", "size_class", "n", "index")
    by_year: dict[int, dict] = {}
    for year, *key, n, index in rows:
        by_year.setdefault(year, {})[tuple(key)] = (n, index)
    stamps = dict(IndexSnapshot.objects.values_list("year", "computed_at"))
    return {"cells": by_year, "stamps": stamps}


def test_a_worker_killed_mid_recompute_leaves_each_years_snapshot_whole(transactional_db, tmp_path):
    from enterprises.services import reference_data_load
    from tests.conftest import load_shipped_model

    reference_data_load()
    if not EvaluationModel.objects.filter(code="QMC-2024").exists():
        load_shipped_model()
    _population(UserFactory(username="starter"))
    indices_recompute(years=list(YEARS), today=TODAY)
    before = _snapshot()
    # The data change: every score moves, so every year's new snapshot differs from the old one.
    EvaluationFact.objects.filter(year__gte=2020).update(score=1.0, level=1)

    broker = workers.broker_url()
    workers.clear_queues(broker)
    env = workers.worker_env(broker, JOB_STALE_SECONDS="2")
    logs = [tmp_path / "first.log", tmp_path / "second.log"]
    first = workers.start_worker(env, logs[0])
    second = None
    try:
        with workers.publishing_to(broker):
            job = jobs.job_create(kind=RECOMPUTE_JOB, data={})
            workers.wait_for(
                lambda: Job.objects.filter(pk=job.pk, progress_done__gt=0).exists(),
                timeout=90,
                what="the first year's snapshot",
                logs=logs,
            )
            workers.kill(first)
            job.refresh_from_db()
            assert job.status == "running", "the recompute finished before the kill; make the data set larger"
            mid = _snapshot()
            old_years = [y for y in YEARS if mid["stamps"][y] == before["stamps"][y]]
            assert old_years, "every year was already recomputed when the worker died"
            for year in old_years:
                assert mid["cells"][year] == before["cells"][year], f"{year} holds cells of two runs"

            second = workers.take_over(
                env, logs[1], job.pk, logs=logs, what="the recompute to finish on the second worker"
            )
    finally:
        workers.kill(first, second)
        workers.clear_queues(broker)
    job.refresh_from_db()
    assert (job.status, job.attempts, job.error) == ("done", 2, "")  # cut off once, completed once
    after = _snapshot()
    for year in YEARS:
        if year not in old_years:  # recomputed before the kill: whole, and what the second run confirmed
            assert mid["cells"][year] == after["cells"][year], f"{year} holds cells of two runs"
        assert after["stamps"][year] > before["stamps"][year]
        country = after["cells"][year][("000000", "", "")]
        assert country[1] == pytest.approx(20.0)  # every score is now 1.0

    # The same recompute run again here, without a fault, finds nothing to change: the cells are its cells.
    uninterrupted = indices_recompute()
    assert {str(year): counts["written"] for year, counts in uninterrupted.items()} == dict.fromkeys(
        job.result["written"], 0
    )
    assert {str(year): counts["cells"] for year, counts in uninterrupted.items()} == job.result["cells"]
    assert _snapshot()["cells"] == after["cells"]
