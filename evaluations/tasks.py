"""Celery entry points for evaluations: ids in, one service call each."""

from celery import shared_task

from evaluations import services


@shared_task(acks_late=True, reject_on_worker_lost=True)
def certificates_expire_task() -> list[str]:
    """Daily (beat): expire the certificates whose validity has lapsed. Publishes nothing by itself."""
    return services.certificates_expire()
