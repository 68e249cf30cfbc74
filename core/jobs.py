"""Background jobs (ARCHITECTURE §10): a ``Job`` row committed with its input, run by a Celery worker.

The database is the source of truth, never the broker: ``job_create`` commits the row and queues its id after
the commit; ``job_run`` claims the row (queued, or running with a stopped heartbeat) and runs the plain-Python
function registered for its kind, which reports progress through a ``Progress``; ``jobs_sweep`` re-queues jobs
whose heartbeat stopped (a worker killed mid-run) and queued jobs whose message never reached the broker (it was
down: the request that created the job still succeeds). A job that is done or failed is never run again, so a
message delivered twice does no harm. The functions themselves must be idempotent: a job cut off mid-run starts
over from the beginning. A job whose database connection is lost mid-run (a restart, a failover, a terminated
backend) is cut off too, not failed: its work was rolled back, and the sweeper runs it again.

Job functions live in each app's ``jobs.py`` (exports in its ``exports.py``) and register with
``@register("<app>.<what>")``; they take ``(job, progress)`` and return the result as JSON-ready data. A
``DomainError`` or ``ValidationError`` ends the job as failed with its message; any other exception too, and it
is re-raised for the worker's log.
"""

import logging
import time
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import InterfaceError, OperationalError, connection, connections, transaction
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError as BrokerError

from core.exceptions import DomainError
from core.models import Job

logger = logging.getLogger(__name__)
JobFunction = Callable[[Job, "Progress"], dict]
_RUNNERS: dict[str, JobFunction] = {}


def register(kind: str) -> Callable[[JobFunction], JobFunction]:
    """Register ``function`` as the runner of jobs of ``kind``."""

    def decorator(function: JobFunction) -> JobFunction:
        _RUNNERS[kind] = function
        return function

    return decorator


def runner_for(kind: str) -> JobFunction:
    if kind not in _RUNNERS:
        autodiscover_modules("jobs", "exports")
    if kind not in _RUNNERS:
        raise LookupError(f"No job function is registered for {kind!r}.")
    return _RUNNERS[kind]


class Progress:
    """Reports a job's progress and keeps its heartbeat alive, at most every ``interval`` seconds.

    Progress must be visible while the job's own work is still inside an uncommitted transaction (an
    all-or-nothing import), so on PostgreSQL it is written through a connection of its own. SQLite allows one
    writer at a time; there the row is written only outside transactions.
    """

    def __init__(self, job: Job, *, interval: float = 0.5):
        self.job = job
        self.interval = interval
        self._written_at = 0.0
        self._side = None

    def __call__(self, done: int, total: int | None = None) -> None:
        self.job.progress_done = done
        if total is not None:
            self.job.progress_total = total
        if time.monotonic() - self._written_at >= self.interval or done == self.job.progress_total:
            self.write()

    def write(self) -> None:
        now = timezone.now()
        self.job.heartbeat_at = now
        values = (self.job.progress_done, self.job.progress_total, now, self.job.pk)
        if not connection.in_atomic_block:
            Job.objects.filter(pk=self.job.pk).update(
                progress_done=values[0], progress_total=values[1], heartbeat_at=now
            )
        elif connection.vendor == "postgresql":
            if self._side is None:
                self._side = connections.create_connection("default")
            with self._side.cursor() as cursor:
                cursor.execute(
                    "UPDATE core_job SET progress_done = %s, progress_total = %s, heartbeat_at = %s WHERE id = %s",
                    values,
                )
        self._written_at = time.monotonic()

    def close(self) -> None:
        if self._side is not None:
            self._side.close()
            self._side = None


def _enqueue(job_id: int) -> None:
    """Queue a committed job's id. An unreachable broker is logged, not raised: the row is the job, and the
    sweeper queues it once the broker is back. Publishing gives up quickly (Celery's default retry policy, about
    0.6 s, and the socket timeouts of ``CELERY_BROKER_TRANSPORT_OPTIONS``) so a request is not held up."""
    from core.tasks import run_job

    try:
        run_job.delay(job_id)
    except BrokerError as exc:
        logger.warning("Job %s was not queued, the broker is unreachable (%s); the sweeper will queue it.", job_id, exc)


def job_create(*, kind: str, data: dict, by=None, total: int = 0) -> Job:
    """Commit a job with its input; it is queued once the surrounding transaction commits."""
    runner_for(kind)  # an unknown kind is a programming error, found here rather than in the worker
    job = Job.objects.create(kind=kind, input=data, created_by=by, progress_total=total)
    transaction.on_commit(lambda: _enqueue(job.pk))
    return job


def _stale_before():
    return timezone.now() - timedelta(seconds=settings.JOB_STALE_SECONDS)


def _claim(job_id: int) -> Job | None:
    """The job, now running on this worker; None when it is finished, gone, or alive on another worker."""
    with transaction.atomic():
        job = Job.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.is_finished:
            return None
        if job.status == Job.Status.RUNNING and job.heartbeat_at and job.heartbeat_at >= _stale_before():
            return None
        now = timezone.now()
        if job.attempts >= settings.JOB_MAX_ATTEMPTS:
            job.status, job.finished_at = Job.Status.FAILED, now
            job.error = _("Gave up after {count} attempts; the work was cut off each time.").format(count=job.attempts)
            job.save(update_fields=["status", "finished_at", "error"])
            return None
        job.status, job.started_at, job.heartbeat_at = Job.Status.RUNNING, now, now
        job.attempts += 1
        job.progress_done = 0
        job.save(update_fields=["status", "started_at", "heartbeat_at", "attempts", "progress_done"])
    return job


def _finish(job: Job, *, status: str, result: dict | None = None, error: str = "") -> None:
    job.status, job.finished_at, job.heartbeat_at = status, timezone.now(), timezone.now()
    job.result, job.error = result or {}, error
    if status == Job.Status.DONE:
        job.progress_done = job.progress_total
    job.save(
        update_fields=["status", "finished_at", "heartbeat_at", "result", "error", "progress_done", "progress_total"]
    )


def _database_lost(exc: Exception) -> bool:
    """The database went away mid-run (a restart, a failover, a terminated backend) or gave up on a deadlock:
    the work was rolled back and it is not the job's fault. Like a worker killed mid-run, such a job is left
    "running" with a stopped heartbeat for the sweeper to queue again (counted against ``JOB_MAX_ATTEMPTS``); the
    connection is not used again (Celery's Django fixup closes a worker's connections after each task). Django's
    wrapped errors and the driver's own (raised by a raw COPY cursor) both count."""
    driver = connection.Database
    return isinstance(exc, (OperationalError, InterfaceError, driver.OperationalError, driver.InterfaceError))


def job_run(*, job_id: int) -> Job | None:
    """Run one job if nobody else is running it and it is not finished; returns it as it ended."""
    job = _claim(job_id)
    if job is None:
        return None
    progress = Progress(job)
    try:
        result = runner_for(job.kind)(job, progress)
    except (DomainError, ValidationError) as exc:
        message = exc.message if isinstance(exc, DomainError) else "; ".join(exc.messages)
        _finish(job, status=Job.Status.FAILED, error=message)
    except Exception as exc:
        if not _database_lost(exc):
            _finish(job, status=Job.Status.FAILED, error=f"{type(exc).__name__}: {exc}")
        raise
    else:
        _finish(job, status=Job.Status.DONE, result=result)
    finally:
        progress.close()
    return job


def jobs_sweep() -> list[int]:
    """Re-queue the jobs nobody is working on: running with a stopped heartbeat, or queued for too long (the
    message was lost). Returns their ids."""
    stale = (
        Job.objects.filter(status__in=[Job.Status.QUEUED, Job.Status.RUNNING])
        .annotate(last_seen=Coalesce("heartbeat_at", "created_at"))
        .filter(Q(last_seen__lt=_stale_before()))
    )
    ids = list(stale.values_list("pk", flat=True))
    for job_id in ids:
        transaction.on_commit(lambda job_id=job_id: _enqueue(job_id))
    return ids


def job_get(*, user, pk: int) -> Job:
    """A job's state and output for the person who started it; a 404 for everyone else, administrators included
    (an export holds the data its owner may read, an audit-log export the audit administrator's: separation of
    duties)."""
    job = Job.objects.filter(pk=pk, created_by_id=user.pk).first() if user.is_authenticated else None
    if job is None:
        raise Http404
    return job


def job_as_dict(job: Job) -> dict:
    return {
        "id": job.pk,
        "kind": job.kind,
        "status": job.status,
        "status_display": str(job.get_status_display()),
        "done": job.progress_done,
        "total": job.progress_total,
        "percent": job.percent,
        "finished": job.is_finished,
        "error": job.error,
        "result": job.result,
    }
