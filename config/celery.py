"""The Celery application. Tasks live in each app's ``tasks.py``; settings are the CELERY_* ones."""

import os

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("qualitypath")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.worker_init.connect
@signals.beat_init.connect
def _refuse_insecure_key(**kwargs) -> None:
    from config.env import require_production_secret_key

    require_production_secret_key()
