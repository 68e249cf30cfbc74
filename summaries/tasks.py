"""Celery entry points for annual summaries: one service call each."""

from celery import shared_task

from summaries import services


@shared_task
def reminders_send_task() -> int:
    """E-mail the deadline reminders due today (beat runs this every morning)."""
    return services.reminders_send()
