"""Background jobs: committed before they are queued, run once, re-queued by the sweeper when a worker dies; the
status endpoint shows a job to the person who started it only."""

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.choices import Role
from core import jobs
from core.exceptions import DomainError
from core.models import Job
from tests.factories import UserFactory, grant

RUNS: list[int] = []


@jobs.register("tests.count")
def _count(job, progress):
    RUNS.append(job.pk)
    for done in range(1, 6):
        progress(done, 5)
    return {"counted": 5}


@jobs.register("tests.refuse")
def _refuse(job, progress):
    raise DomainError("This cannot be done.", code="refused")


@jobs.register("tests.crash")
def _crash(job, progress):
    raise RuntimeError("disk on fire")


@pytest.fixture(autouse=True)
def _fresh_runs():
    RUNS.clear()


@pytest.fixture
def ann(db):
    return UserFactory(username="ann")


def _create(kind, by, django_capture_on_commit_callbacks, **fields):
    with django_capture_on_commit_callbacks(execute=True):
        job = jobs.job_create(kind=kind, data={"n": 1}, by=by)
    job.refresh_from_db()
    return job


def test_a_job_is_committed_then_run_with_its_progress_and_result(ann, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as queued:
        job = jobs.job_create(kind="tests.count", data={"n": 1}, by=ann)
    assert Job.objects.get(pk=job.pk).status == "queued"
    assert RUNS == []
    assert len(queued) == 1  # queued only once the row is committed
    queued[0]()
    job.refresh_from_db()
    assert (job.status, job.progress_done, job.progress_total, job.attempts) == ("done", 5, 5, 1)
    assert job.result == {"counted": 5}
    assert job.input == {"n": 1}
    assert job.started_at <= job.finished_at
    assert job.heartbeat_at


def test_a_job_that_is_done_is_not_run_again(ann, django_capture_on_commit_callbacks):
    job = _create("tests.count", ann, django_capture_on_commit_callbacks)
    assert jobs.job_run(job_id=job.pk) is None
    assert [job.pk] == RUNS


def test_a_running_job_with_a_live_heartbeat_is_left_to_its_worker(ann):
    job = Job.objects.create(kind="tests.count", status="running", heartbeat_at=timezone.now(), attempts=1)
    assert jobs.job_run(job_id=job.pk) is None
    assert RUNS == []


def test_a_job_whose_worker_died_is_swept_and_taken_over(ann, settings, django_capture_on_commit_callbacks):
    old = timezone.now() - timedelta(seconds=settings.JOB_STALE_SECONDS + 5)
    dead = Job.objects.create(kind="tests.count", status="running", heartbeat_at=old, attempts=1)
    lost = Job.objects.create(kind="tests.count")
    Job.objects.filter(pk=lost.pk).update(created_at=old)
    alive = Job.objects.create(kind="tests.count", status="running", heartbeat_at=timezone.now(), attempts=1)
    fresh = Job.objects.create(kind="tests.count")
    with django_capture_on_commit_callbacks(execute=True):
        swept = jobs.jobs_sweep()
    assert sorted(swept) == sorted([dead.pk, lost.pk])
    assert sorted(RUNS) == sorted([dead.pk, lost.pk])
    dead.refresh_from_db()
    assert (dead.status, dead.attempts) == ("done", 2)
    assert Job.objects.get(pk=alive.pk).status == "running"
    assert Job.objects.get(pk=fresh.pk).status == "queued"


def test_a_job_cut_off_too_often_is_given_up(ann, settings):
    old = timezone.now() - timedelta(seconds=settings.JOB_STALE_SECONDS + 5)
    job = Job.objects.create(kind="tests.count", status="running", heartbeat_at=old, attempts=settings.JOB_MAX_ATTEMPTS)
    jobs.job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == "failed"
    assert "Gave up after" in job.error
    assert RUNS == []


def test_a_refused_job_fails_with_the_reason_and_a_crash_is_reraised(ann, django_capture_on_commit_callbacks):
    refused = _create("tests.refuse", ann, django_capture_on_commit_callbacks)
    assert (refused.status, refused.error) == ("failed", "This cannot be done.")
    with pytest.raises(RuntimeError):
        _create("tests.crash", ann, django_capture_on_commit_callbacks)
    crashed = Job.objects.get(kind="tests.crash")
    assert crashed.status == "failed"
    assert crashed.error == "RuntimeError: disk on fire"


def test_an_unknown_kind_is_refused_when_the_job_is_created(ann):
    with pytest.raises(LookupError):
        jobs.job_create(kind="tests.nothing", data={}, by=ann)
    assert not Job.objects.exists()


def test_only_the_creator_and_platform_admins_see_a_job(client, ann, django_capture_on_commit_callbacks):
    job = _create("tests.count", ann, django_capture_on_commit_callbacks)
    url = reverse("core:job_status", kwargs={"pk": job.pk})
    client.force_login(ann)
    data = client.get(url).json()
    assert (data["status"], data["percent"], data["done"], data["total"], data["finished"]) == ("done", 100, 5, 5, True)
    client.force_login(UserFactory(username="bob"))
    assert client.get(url).status_code == 404
    client.force_login(grant(UserFactory(username="root"), Role.PLATFORM_ADMIN))
    assert client.get(url).status_code == 200
    client.logout()
    assert client.get(url).status_code == 302


# A real worker, killed mid-run ------------------------------------------------------------------------------

ROOT = Path(__file__).resolve().parents[2]
BATCH = 100  # evaluations in the batch: 14,800 ratings


def _broker_url() -> str:
    url = os.environ.get("CELERY_TEST_BROKER_URL") or os.environ.get("REDIS_URL")
    if not url:
        pytest.fail("The worker test needs Redis: set REDIS_URL (CI does).")
    return url


def _clear_queues(url: str) -> None:
    import redis

    client = redis.Redis.from_url(url)
    for key in ["celery", "unacked", "unacked_index", *client.keys("_kombu.binding.*")]:
        client.delete(key)


def _start_worker(env: dict, log: Path) -> subprocess.Popen:
    command = [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "--loglevel=INFO"]
    command += ["--without-gossip", "--without-mingle", "--without-heartbeat", "-n", f"jobs-test-{log.stem}@%h"]
    with log.open("ab") as out:
        return subprocess.Popen(  # noqa: S603 - fixed argv: this interpreter running celery
            command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )


def _wait(condition, *, timeout: float, what: str, logs: list[Path]):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.02)
    tails = "\n".join(log.read_text(errors="replace")[-3000:] for log in logs if log.exists())
    pytest.fail(f"Timed out waiting for {what}.\n{tails}")


def _batch(ann, qmc):
    from evaluations.choices import EvaluationStatus, TeamRole
    from evaluations.models import Evaluation, TeamMember
    from tests.factories import EnterpriseFactory, default_institution

    institution = default_institution()
    evaluations = Evaluation.objects.bulk_create(
        Evaluation(
            enterprise=EnterpriseFactory(region_id="440300"),
            model=qmc,
            cycle=2026,
            started_by=ann,
            status=EvaluationStatus.ON_SITE,
            institution=institution,
        )
        for _ in range(BATCH)
    )
    TeamMember.objects.bulk_create(
        TeamMember(evaluation=e, assessor=ann, role=TeamRole.LEAD, assigned_by=ann) for e in evaluations
    )
    return evaluations


def _filled_batch_workbook(ann) -> bytes:
    """The batch template with every rating filled in, written by the template writer itself."""
    from evaluations import workbooks
    from evaluations.services import workbooks as service

    targets = service._targets(ann, set(service.workbook_evaluations(user=ann).values_list("pk", flat=True)))
    blocks = [
        workbooks.Block(
            evaluation_id=t.evaluation_id,
            credit_code=t.credit_code,
            enterprise_name=t.enterprise_name,
            items=list(t.items.values()),
            existing={code: ("yes" if item.is_condition else "0.8", "") for code, item in t.items.items()},
        )
        for t in sorted(targets.values(), key=lambda t: t.evaluation_id)
    ]
    return workbooks.write_template(blocks)


def test_a_worker_killed_mid_import_leaves_the_batch_whole_or_absent_and_the_job_completes_later(
    transactional_db, settings, tmp_path, monkeypatch
):
    from celery import Celery
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection

    from enterprises.services import reference_data_load
    from evaluations.models import EvaluationModel, Rating, RatingUpload
    from evaluations.services import workbooks as service
    from tests.conftest import load_shipped_model

    reference_data_load()
    qmc = EvaluationModel.objects.filter(code="QMC-2024").first() or load_shipped_model()
    settings.MEDIA_ROOT = tmp_path
    ann = grant(UserFactory(username="ann"), Role.ASSESSOR)
    evaluations = _batch(ann, qmc)
    expected = BATCH * 148
    upload, _ = service.workbook_upload(file=SimpleUploadedFile("batch.xlsx", _filled_batch_workbook(ann)), by=ann)
    assert upload.summary["error_count"] == 0
    assert upload.summary["rows"] == expected

    broker = _broker_url()
    _clear_queues(broker)
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "CELERY_BROKER_URL": broker,
        "MEDIA_ROOT": str(tmp_path),
        "JOB_STALE_SECONDS": "2",
    }
    client = Celery("jobs-test", broker=broker)
    monkeypatch.setattr(jobs, "_enqueue", lambda job_id: client.send_task("core.tasks.run_job", args=[job_id]))
    logs = [tmp_path / "first.log", tmp_path / "second.log"]
    first = _start_worker(env, logs[0])
    second = None
    try:
        job = service.workbook_apply_start(upload=upload, by=ann)
        assert isinstance(job, Job)
        _wait(
            lambda: Job.objects.filter(pk=job.pk, progress_done__gt=0).exists(),
            timeout=90,
            what="the first worker's progress",
            logs=logs,
        )
        os.killpg(first.pid, signal.SIGKILL)
        first.wait(timeout=10)
        written = Rating.objects.filter(evaluation__in=evaluations).count()
        assert written in (0, expected)  # never a part of the batch
        job.refresh_from_db()
        assert job.status == "running"
        assert job.attempts == 1

        second = _start_worker(env, logs[1])
        time.sleep(2.5)  # the dead worker's heartbeat goes stale
        client.send_task("core.tasks.sweep_jobs")
        _wait(
            lambda: Job.objects.filter(pk=job.pk, status__in=["done", "failed"]).exists(),
            timeout=120,
            what="the job to finish on the second worker",
            logs=logs,
        )
    finally:
        for worker in (first, second):
            if worker is not None and worker.poll() is None:
                os.killpg(worker.pid, signal.SIGKILL)
                worker.wait(timeout=10)
        _clear_queues(broker)
    job.refresh_from_db()
    assert (job.status, job.attempts, job.error) == ("done", 2, "")
    ratings = Rating.objects.filter(evaluation__in=evaluations, assessor=ann)
    assert ratings.count() == expected
    assert ratings.values("evaluation", "requirement", "condition").distinct().count() == expected
    assert ratings.filter(value="0.8").count() == BATCH * 143
    assert RatingUpload.objects.get(pk=upload.pk).applied_at is not None
