"""Celery entry points for background jobs: ids in, one service call each (see core.jobs)."""

from celery import shared_task

from core import exports, jobs


@shared_task(acks_late=True, reject_on_worker_lost=True)
def run_job(job_id: int) -> None:
    jobs.job_run(job_id=job_id)


@shared_task
def sweep_jobs() -> list[int]:
    """Re-queue jobs whose worker died (beat runs this every minute)."""
    return jobs.jobs_sweep()


@shared_task
def purge_exports() -> int:
    """Delete export files past their keeping time (beat runs this nightly)."""
    return exports.exports_purge()
