"""Faults, with a real Redis and real Celery workers (issue 8): the broker down or hung when a job is queued, the
same task delivered twice, the database connection dropped in the middle of an import. (A worker killed mid-run:
tests/core/test_jobs.py and tests/indices/test_recompute_worker.py.)"""

import logging
import os
import signal
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from accounts.choices import Role
from accounts.models import AuditLog
from core.models import Job
from core.tasks import run_job, sweep_jobs
from evaluations.models import EvaluationModel, Rating, RatingUpload
from evaluations.services import workbooks as service
from tests import workers
from tests.factories import UserFactory, grant


@pytest.fixture
def qmc(transactional_db):
    """The reference data and the shipped model (a transactional test starts from an empty database)."""
    from enterprises.services import reference_data_load
    from tests.conftest import load_shipped_model

    reference_data_load()
    return EvaluationModel.objects.filter(code="QMC-2024").first() or load_shipped_model()


@pytest.fixture
def ann(qmc):
    return grant(UserFactory(username="ann"), Role.ASSESSOR)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _upload(ann, evaluations) -> RatingUpload:
    upload, _ = service.workbook_upload(
        file=SimpleUploadedFile("batch.xlsx", workers.filled_batch_workbook(ann)), by=ann
    )
    assert (upload.summary["error_count"], upload.summary["rows"]) == (0, len(evaluations) * 148)
    return upload


def _finished(job: Job):
    return lambda: Job.objects.filter(pk=job.pk, status__in=["done", "failed"]).exists()


# The broker down, or hung, when a job is queued ---------------------------------------------------------------


def _start_export(client, user) -> tuple[object, float]:
    """Start an export as ``user``; returns the response and how long it took (after a first page: warm)."""
    client.force_login(user)
    assert client.get(reverse("core:export_list")).status_code == 200
    started = time.monotonic()
    response = client.post(reverse("core:export_start"), {"source": "evaluations", "format": "csv"})
    return response, time.monotonic() - started


def test_a_job_started_while_redis_is_down_is_kept_and_run_once_the_sweeper_finds_redis_back(
    client, ann, qmc, media, tmp_path, caplog
):
    workers.import_batch(ann, qmc, size=3)
    redis = workers.PrivateRedis(tmp_path)
    redis.start()
    redis.stop()
    log = tmp_path / "worker.log"
    worker = None
    try:
        with workers.publishing_to(redis.url), caplog.at_level(logging.WARNING, logger="core.jobs"):
            response, took = _start_export(client, ann)
            job = Job.objects.get()
            assert response.status_code == 302  # the export's page, not a server error
            assert response.url == reverse("core:export_detail", kwargs={"pk": job.pk})
            assert took < 5, f"the request waited {took:.1f} s for the broker"
            assert (job.status, job.attempts) == ("queued", 0)
            assert f"Job {job.pk} was not queued" in caplog.text

            redis.start()
            worker = workers.start_worker(
                workers.worker_env(redis.url, MEDIA_ROOT=str(media), JOB_STALE_SECONDS="1"), log
            )
            workers.wait_until_ready(log, logs=[log])
            assert Job.objects.get(pk=job.pk).status == "queued"  # nothing ran it: its message was never sent
            sweep_jobs.delay()
            workers.wait_for(_finished(job), timeout=60, what="the swept export", logs=[log])
    finally:
        workers.kill(worker)
        redis.stop()
    job.refresh_from_db()
    assert (job.status, job.attempts, job.error) == ("done", 1, "")
    assert workers.log_count([log], "Task core.tasks.run_job[") == 2  # received and succeeded, once
    content = (media / job.output.name).read_text(encoding="utf-8-sig")
    assert content.count("\n") == 2 + 3  # the vintage line, the header and the three evaluations


def test_a_hung_redis_holds_the_request_for_seconds_only(client, ann, qmc, media, tmp_path):
    """A Redis that accepts connections but never answers (paused here): the publish times out (the broker's
    socket timeouts), the request succeeds, and the job waits for the sweeper."""
    redis = workers.PrivateRedis(tmp_path)
    redis.start()
    os.kill(redis.process.pid, signal.SIGSTOP)
    try:
        with workers.publishing_to(redis.url):
            response, took = _start_export(client, ann)
    finally:
        os.kill(redis.process.pid, signal.SIGCONT)
        redis.stop()
    assert response.status_code == 302
    assert took < 10, f"the request waited {took:.1f} s for a hung broker"
    assert Job.objects.get().status == "queued"


# The same task delivered twice -----------------------------------------------------------------------------------


def test_the_same_job_delivered_to_two_workers_at_once_and_again_later_runs_once(ann, qmc, media, tmp_path):
    evaluations = workers.import_batch(ann, qmc, size=20)
    upload = _upload(ann, evaluations)
    broker = workers.broker_url()
    workers.clear_queues(broker)
    env = workers.worker_env(broker, MEDIA_ROOT=str(media))
    logs = [tmp_path / "first.log", tmp_path / "second.log"]
    both = [workers.start_worker(env, log) for log in logs]
    try:
        for log in logs:
            workers.wait_until_ready(log, logs=logs)
        with workers.publishing_to(broker):
            job = service.workbook_apply_start(upload=upload, by=ann)  # queued once on commit ...
            run_job.delay(job.pk)  # ... and delivered again at once, to the other worker
            workers.wait_for(_finished(job), timeout=60, what="the import", logs=logs)
            run_job.delay(job.pk)  # and once more, after it is done
            workers.wait_for(
                lambda: workers.log_count(logs, "succeeded in") == 3, timeout=30, what="three deliveries", logs=logs
            )
    finally:
        workers.kill(*both)
        workers.clear_queues(broker)
    assert all(workers.log_count([log], "Task core.tasks.run_job[") >= 2 for log in logs)  # each worker had one
    job.refresh_from_db()
    assert (job.status, job.attempts, job.error, job.result["already_applied"]) == ("done", 1, "", False)
    applied = AuditLog.objects.filter(object_id=str(upload.pk), details__ratings_workbook=upload.sha256)
    assert applied.count() == 1
    assert Rating.objects.filter(evaluation__in=evaluations).count() == 20 * 148


# The database connection dropped mid-import ----------------------------------------------------------------------

# The backends of the test database, other than this test's own, inside the import's write transaction: the worker's
# connection writing the ratings.
WRITING = (
    "FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() "
    "AND state <> 'idle' AND xact_start IS NOT NULL AND query ILIKE '%workbook_rating%'"
)
# Every other backend of the test database: the worker's connection and the one its progress is written through
# (as when the database restarts).
EVERY = "FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"


def _writing() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT pid {WRITING}")
        return cursor.fetchone() is not None


@pytest.mark.parametrize("cut", [WRITING, EVERY], ids=["the-writing-connection", "every-connection"])
def test_a_database_connection_dropped_mid_import_leaves_nothing_and_the_job_completes_later(
    cut, ann, qmc, media, tmp_path
):
    evaluations = workers.import_batch(ann, qmc)
    upload = _upload(ann, evaluations)
    broker = workers.broker_url()
    workers.clear_queues(broker)
    log = tmp_path / "worker.log"
    worker = workers.start_worker(workers.worker_env(broker, MEDIA_ROOT=str(media), JOB_STALE_SECONDS="1"), log)
    try:
        with workers.publishing_to(broker):
            job = service.workbook_apply_start(upload=upload, by=ann)
            workers.wait_for(_writing, timeout=90, what="the import's write transaction", logs=[log])
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT pg_terminate_backend(pid) {cut}")
                assert cursor.fetchall(), "no backend was terminated"
            workers.wait_for(
                lambda: workers.log_count([log], "raised unexpected") == 1, timeout=30, what="the cut", logs=[log]
            )
            # Nothing of the batch was written, and the job is not failed: it waits for the sweeper.
            assert not Rating.objects.filter(evaluation__in=evaluations).exists()
            assert RatingUpload.objects.get(pk=upload.pk).applied_at is None
            job.refresh_from_db()
            assert (job.status, job.attempts, job.error) == ("running", 1, "")

            time.sleep(1.5)  # its heartbeat goes stale
            sweep_jobs.delay()  # to the same worker: its next tasks connect afresh
            workers.wait_for(_finished(job), timeout=90, what="the swept import", logs=[log])
    finally:
        workers.kill(worker)
        workers.clear_queues(broker)
    job.refresh_from_db()
    assert (job.status, job.attempts, job.error) == ("done", 2, "")
    recovered = workers.ratings_of(evaluations)
    assert len(recovered) == workers.BATCH * 148
    uninterrupted, result = workers.apply_uninterrupted(upload, evaluations)
    assert recovered == uninterrupted
    assert job.result == result
