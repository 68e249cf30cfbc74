"""Celery entry points for the index: one service call each."""

from celery import shared_task
from django.core.cache import cache

from indices import services, warning_services


@shared_task(acks_late=True, reject_on_worker_lost=True)
def recompute_indices_task() -> dict[int, dict[str, int]]:
    """Nightly (beat) and a few minutes after results are published: recompute every year's cells.

    The debounce key is cleared first, so a publication during the run queues the next recompute.
    """
    cache.delete(services.RECOMPUTE_PENDING_KEY)
    written = services.indices_recompute()
    warnings_raise_task.delay()  # its own task: a failing rule never fails the recompute
    return written


@shared_task(acks_late=True, reject_on_worker_lost=True)
def warnings_raise_task() -> list[str]:
    """Daily (beat) and after each recompute: raise the early warnings not raised yet (idempotent); returns keys."""
    return [warning.key for warning in warning_services.warnings_raise()]
