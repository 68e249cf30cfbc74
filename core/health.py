"""Checks behind GET /healthz: does each backing service answer?"""

from django.core.cache import cache
from django.db import connection


def check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_cache() -> None:
    cache.set("healthz", "ok", timeout=10)
    if cache.get("healthz") != "ok":
        raise RuntimeError("cache did not return what was stored")


def check_broker(broker_url: str) -> str:
    """'inline' when no broker is configured (tasks run in-process), else 'ok' once a connection opens."""
    if not broker_url:
        return "inline"
    from config.celery import app

    with app.connection_for_write(broker_url) as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
    return "ok"
