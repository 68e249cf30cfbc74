"""Real Celery workers and a real Redis for the tests that kill, cut off or starve them (tests/core/test_jobs.py,
tests/core/test_faults.py, tests/indices/test_recompute_worker.py).

A worker is this interpreter running ``celery -A config worker --pool=solo`` in a process group of its own (so a
SIGKILL takes all of it), against the test database and the broker the test names; its log is a file under the
test's ``tmp_path``, shown when a wait times out. The broker is the shared Redis of ``REDIS_URL`` (the test's own
DB number) or a ``PrivateRedis`` started for one test, which it may stop and start again: the shared Redis is never
stopped. Without ``REDIS_URL`` these tests fail rather than skip.
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BATCH = 100  # evaluations in the import batch: 14,800 ratings


def broker_url() -> str:
    url = os.environ.get("CELERY_TEST_BROKER_URL") or os.environ.get("REDIS_URL")
    if not url:
        pytest.fail("The worker tests need Redis: set REDIS_URL (CI does).")
    return url


def clear_queues(url: str) -> None:
    import redis

    client = redis.Redis.from_url(url)
    for key in ["celery", "unacked", "unacked_index", *client.keys("_kombu.binding.*")]:
        client.delete(key)


def worker_env(broker: str, **extra: str) -> dict[str, str]:
    """The environment of a worker using the test database (pytest-django's) and ``broker``."""
    from django.db import connection

    db = connection.settings_dict
    return {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "CELERY_BROKER_URL": broker,
        **extra,
    }


def start_worker(env: dict, log: Path) -> subprocess.Popen:
    command = [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "--loglevel=INFO"]
    command += ["--without-gossip", "--without-mingle", "--without-heartbeat", "-n", f"jobs-test-{log.stem}@%h"]
    with log.open("ab") as out:
        return subprocess.Popen(  # noqa: S603 - fixed argv: this interpreter running celery
            command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )


def kill(*processes: subprocess.Popen | None) -> None:
    """SIGKILL each process still running, with its whole group (a worker and anything it started)."""
    for process in processes:
        if process is not None and process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def wait_for(condition: Callable, *, timeout: float, what: str, logs: list[Path]):
    """Poll ``condition`` until it is truthy (and return its value); fail with the workers' log tails on timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.02)
    tails = "\n".join(log.read_text(errors="replace")[-3000:] for log in logs if log.exists())
    pytest.fail(f"Timed out waiting for {what}.\n{tails}")


def take_over(env: dict, log: Path, job_pk: int, *, logs: list[Path], what: str) -> subprocess.Popen:
    """After a worker died mid-job: start another, let the dead one's heartbeat go stale, sweep, and wait until the
    job has ended on the new worker (returned, for the caller to kill)."""
    from core.models import Job
    from core.tasks import sweep_jobs

    worker = start_worker(env, log)
    time.sleep(2.5)  # the dead worker's heartbeat goes stale (JOB_STALE_SECONDS=2 in these tests)
    sweep_jobs.delay()
    wait_for(
        lambda: Job.objects.filter(pk=job_pk, status__in=["done", "failed"]).exists(),
        timeout=120,
        what=what,
        logs=logs,
    )
    return worker


def log_count(logs: list[Path], text: str) -> int:
    return sum(log.read_text(errors="replace").count(text) for log in logs if log.exists())


def wait_until_ready(log: Path, *, logs: list[Path]) -> None:
    """Wait until the worker writing ``log`` consumes from its queue."""
    wait_for(lambda: log_count([log], " ready.") > 0, timeout=60, what=f"the worker of {log.name}", logs=logs)


@contextmanager
def publishing_to(url: str) -> Iterator[None]:
    """Point this process's Celery app at the broker ``url`` (tests run tasks inline otherwise), so ``delay`` and
    ``core.jobs._enqueue`` publish for real; restored afterwards."""
    from kombu import pools

    from config.celery import app

    saved = {key: app.conf[key] for key in ("broker_url", "task_always_eager")}

    def fresh_pools() -> None:  # kombu keeps pools per broker URL, process-wide: closed and forgotten
        pools.reset()
        app._pool = None
        app.amqp._producer_pool = None

    app.conf.update(broker_url=url, task_always_eager=False)
    fresh_pools()
    try:
        yield
    finally:
        fresh_pools()
        app.conf.update(saved)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PrivateRedis:
    """A redis-server of one test's own, on a free port, without persistence: stopped and started again on the
    same port while the shared Redis stays up."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.port = _free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        import redis

        binary = shutil.which("redis-server")
        if binary is None:
            pytest.fail("This test starts a Redis of its own: install redis-server.")
        command = [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        command += ["--dir", str(self.directory)]
        with (self.directory / "redis.log").open("ab") as out:
            self.process = subprocess.Popen(  # noqa: S603 - fixed argv: the redis-server binary
                command, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )

        def answers() -> bool:
            try:
                return redis.Redis(port=self.port, socket_connect_timeout=0.2).ping()
            except redis.ConnectionError:
                return False

        wait_for(answers, timeout=10, what="the private Redis", logs=[self.directory / "redis.log"])

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None


# A batch of evaluations and its filled-in ratings workbook ---------------------------------------------------


def import_batch(ann, model, size: int = BATCH):
    """``size`` evaluations on site, ``ann`` leading each: the batch a ratings workbook fills in."""
    from evaluations.choices import EvaluationStatus, TeamRole
    from evaluations.models import Evaluation, TeamMember
    from tests.factories import EnterpriseFactory, default_institution

    institution = default_institution()
    evaluations = Evaluation.objects.bulk_create(
        Evaluation(
            enterprise=EnterpriseFactory(region_id="440300"),
            model=model,
            cycle=2026,
            started_by=ann,
            status=EvaluationStatus.ON_SITE,
            institution=institution,
        )
        for _ in range(size)
    )
    TeamMember.objects.bulk_create(
        TeamMember(evaluation=e, assessor=ann, role=TeamRole.LEAD, assigned_by=ann) for e in evaluations
    )
    return evaluations


def filled_batch_workbook(ann) -> bytes:
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


def ratings_of(evaluations) -> set[tuple]:
    """Every rating of the batch, as data: who rated which item of which evaluation, how, with what comment."""
    from evaluations.models import Rating

    return set(
        Rating.objects.filter(evaluation__in=evaluations).values_list(
            "evaluation_id", "assessor_id", "requirement_id", "condition_id", "value", "comment"
        )
    )


def apply_uninterrupted(upload, evaluations) -> tuple[set[tuple], dict]:
    """The fault-free run to compare with: the batch's ratings removed, the upload applied again in this process,
    without a worker or a fault; returns the ratings it wrote and its result. (Its own audit entry is added.)"""
    from evaluations.models import Rating, RatingUpload
    from evaluations.services import workbooks as service

    Rating.objects.filter(evaluation__in=evaluations).delete()
    RatingUpload.objects.filter(pk=upload.pk).update(applied_at=None)
    upload.refresh_from_db()
    result = service.workbook_apply(upload=upload)
    return ratings_of(evaluations), result
