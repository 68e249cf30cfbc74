"""Background jobs: committed before they are queued, run once, re-queued by the sweeper when a worker dies; the
status endpoint shows a job to the person who started it only."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.choices import Role
from core import jobs
from core.exceptions import DomainError
from core.models import Job
from tests import workers
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


def test_only_the_creator_sees_a_job(client, ann, django_capture_on_commit_callbacks):
    job = _create("tests.count", ann, django_capture_on_commit_callbacks)
    url = reverse("core:job_status", kwargs={"pk": job.pk})
    client.force_login(ann)
    data = client.get(url).json()
    assert (data["status"], data["percent"], data["done"], data["total"], data["finished"]) == ("done", 100, 5, 5, True)
    client.force_login(UserFactory(username="bob"))
    assert client.get(url).status_code == 404
    for role in (Role.PLATFORM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN, Role.NATIONAL):
        client.force_login(grant(UserFactory(username=f"root_{role}"), role))
        assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302


# A real worker, killed mid-run ------------------------------------------------------------------------------


def test_a_worker_killed_mid_import_leaves_the_batch_whole_or_absent_and_the_job_completes_later(
    transactional_db, settings, tmp_path
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from accounts.models import AuditLog
    from enterprises.services import reference_data_load
    from evaluations.models import EvaluationModel, Rating, RatingUpload
    from evaluations.services import workbooks as service
    from tests.conftest import load_shipped_model

    reference_data_load()
    qmc = EvaluationModel.objects.filter(code="QMC-2024").first() or load_shipped_model()
    settings.MEDIA_ROOT = tmp_path
    ann = grant(UserFactory(username="ann"), Role.ASSESSOR)
    evaluations = workers.import_batch(ann, qmc)
    expected = workers.BATCH * 148
    workbook = SimpleUploadedFile("batch.xlsx", workers.filled_batch_workbook(ann))
    upload, _ = service.workbook_upload(file=workbook, by=ann)
    assert upload.summary["error_count"] == 0
    assert upload.summary["rows"] == expected

    broker = workers.broker_url()
    workers.clear_queues(broker)
    env = workers.worker_env(broker, MEDIA_ROOT=str(tmp_path), JOB_STALE_SECONDS="2")
    logs = [tmp_path / "first.log", tmp_path / "second.log"]
    first = workers.start_worker(env, logs[0])
    second = None
    try:
        with workers.publishing_to(broker):
            job = service.workbook_apply_start(upload=upload, by=ann)
            assert isinstance(job, Job)
            workers.wait_for(
                lambda: Job.objects.filter(pk=job.pk, progress_done__gt=0).exists(),
                timeout=90,
                what="the first worker's progress",
                logs=logs,
            )
            workers.kill(first)
            written = Rating.objects.filter(evaluation__in=evaluations).count()
            assert written in (0, expected)  # never a part of the batch
            job.refresh_from_db()
            assert job.status == "running"
            assert job.attempts == 1

            second = workers.take_over(env, logs[1], job.pk, logs=logs, what="the job to finish on the second worker")
    finally:
        workers.kill(first, second)
        workers.clear_queues(broker)
    job.refresh_from_db()
    assert (job.status, job.attempts, job.error) == ("done", 2, "")  # cut off once, completed once
    upload = RatingUpload.objects.get(pk=upload.pk)
    assert upload.applied_at is not None
    applied = AuditLog.objects.filter(object_id=str(upload.pk), details__ratings_workbook=upload.sha256)
    assert applied.count() == 1  # the batch was written by one run only
    recovered = workers.ratings_of(evaluations)
    assert len(recovered) == expected
    assert sum(1 for rating in recovered if rating[4] == "0.8") == workers.BATCH * 143

    uninterrupted, result = workers.apply_uninterrupted(upload, evaluations)
    assert recovered == uninterrupted  # the same data as a run without the fault
    assert job.result == result
