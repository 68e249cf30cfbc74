"""Benchmark of the index recompute against a naive ORM loop and a single SQL statement (ARCHITECTURE §7).

Builds, in a scratch PostgreSQL database, 500,000 enterprises spread over the real regions, industries and sizes
(registered from 2019 on) and about 200,000 evaluation facts over the cycles 2023-2026 (one self-assessed fact per
evaluation, an official one for three in four, with publication dates, three-year validity, a few revocations and
four dimension scores each), written with COPY. Then times, in the same run, three ways of computing the same
cells (every region level x industry | all x size | all, with every figure the method gives, quartiles included):

1. ours: ``indices.services.indices_recompute`` for the four years, in three situations: the first run (no cells
   yet: every cell inserted), the nightly run when nothing changed (every cell compared, none written), and a day
   of changes (``--changed`` published results get a new score before each run); every run printed and the
   median. Then its peak memory (tracemalloc, a separate pass: tracing slows everything down) and where the time
   goes (one more, instrumented pass);
2. naive: ``benchmarks/index_baselines.naive_recompute``, the recompute as written without a thought for speed:
   facts and enterprises read through the ORM as model instances, everything in Python dicts, every cell written
   with ``update_or_create``; its cells are checked against ours (``--naive-years 1`` times the latest year only
   and scales it by four, and says so);
3. floor: ``benchmarks/index_baselines.floor_cells``, one PostgreSQL statement (GROUPING SETS, percentile_cont)
   computing the same cells for all four years and fetched to Python, nothing written; checked against ours.
   For scale, the narrow statements of the first version of this benchmark too: n and sum S per city x industry x
   size with the latest-result rule, and a bare GROUP BY of the official facts.
The cells table is VACUUMed before every timed recompute, as autovacuum would do between nightly runs.

It prints the ratios against the targets (ours at least 20x faster than naive: both write every cell, so the
first run is compared; within 1.5x of the floor: the nightly run is compared, and the first run is shown too)
and, when the dashboard is routed (``indices:dashboard``), the dashboard's p95 under 50 concurrent loopback
clients against the p95 of /healthz in the same run, served by gunicorn from the scratch database.

Not a test: run it by hand from the repository root against PostgreSQL. It creates its own scratch database
(``bench_idx_<name>`` of DATABASE_URL, migrated; dropped at the end unless ``--keep``, and reused by the next run
with ``--keep``), so the named database itself is not touched:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/qualitypath DJANGO_SECRET_KEY=bench DJANGO_HTTPS=false \\
        .venv/bin/python benchmarks/bench_indices.py [--enterprises 500000] [--facts 200000] [--runs 3] \\
        [--changed 1000] [--naive-years 1] [--clients 50] [--requests 10] [--keep] [--json figures.json]

``--json PATH`` also writes the figures (``benchmarks/figures.py``).
"""

import argparse
import contextlib
import json
import os
import platform
import random
import resource
import socket
import statistics
import subprocess
import sys
import threading
import time
import tracemalloc
import urllib.error
import urllib.request
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.urls import NoReverseMatch, reverse  # noqa: E402

from benchmarks.figures import figure, write_figures  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
TODAY = date(2026, 11, 30)
YEARS = [2023, 2024, 2025, 2026]
PUBLISHED_SHARE = 0.75  # of the evaluations, published (an official fact besides the self-assessed one)
REVOKED_SHARE = 0.01
LEVEL_WEIGHTS = {0: 5, 1: 15, 2: 35, 3: 30, 4: 12, 5: 3}
DIMENSIONS = ("D1", "D2", "D3", "D4")


def report(line: str = "") -> None:
    """The script's output goes to stdout (a benchmark, not library code)."""
    print(line, flush=True)  # noqa: T201


def seconds(started: float) -> float:
    return time.perf_counter() - started


# --- The data set --------------------------------------------------------------------------------------------


def _copy(table: str, columns: list[str], rows) -> None:
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def _restart_identity(table: str, last: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)", [table, last])


def _cities(rng: random.Random, count: int) -> list:
    """``count`` cities drawn like the demo's enterprises: provinces by manufacturing weight, capitals heavier."""
    from core.demo import PROVINCE_WEIGHTS
    from enterprises.models import Region

    by_province = defaultdict(list)
    for region in Region.objects.filter(level="city").order_by("code"):
        by_province[region.parent_id].append(region)
    cities, weights = [], []
    for province, weight in PROVINCE_WEIGHTS.items():
        members = by_province[province]
        shares = [4 if i == 0 else 2 if i < 4 else 1 for i in range(len(members))]
        cities += members
        weights += [weight * share / sum(shares) for share in shares]
    return rng.choices(cities, weights=weights, k=count)


def build(enterprises: int, facts: int, seed: int) -> dict:
    """Reference data, the shipped model and the data set (COPY); returns what was built."""
    from accounts.models import User
    from core.demo import INDUSTRY_WEIGHTS, SIZE_WEIGHTS
    from enterprises.services import reference_data_load
    from evaluations import model_file
    from evaluations.management.commands.load_evaluation_model import DEFAULT
    from evaluations.services import evaluation_model_import
    from evaluations.working_days import add_years

    rng = random.Random(seed)  # noqa: S311 - reproducible synthetic data, not security
    reference_data_load()
    model = evaluation_model_import(data=model_file.read(DEFAULT.read_bytes(), DEFAULT.name))
    starter = User.objects.create_user(username="bench-starter", password=None)

    cities = _cities(rng, enterprises)
    industries = rng.choices(list(INDUSTRY_WEIGHTS), weights=list(INDUSTRY_WEIGHTS.values()), k=enterprises)
    sizes = rng.choices(list(SIZE_WEIGHTS), weights=list(SIZE_WEIGHTS.values()), k=enterprises)
    first_day, span = (
        datetime(2019, 1, 1, tzinfo=UTC),
        (datetime(2026, 10, 31, tzinfo=UTC) - datetime(2019, 1, 1, tzinfo=UTC)),
    )
    registered = [first_day + span * rng.random() for _ in range(enterprises)]
    place = [(c.code, c.parent_id, i, str(s)) for c, i, s in zip(cities, industries, sizes, strict=True)]
    with transaction.atomic():
        _copy(
            "enterprises_enterprise",
            [
                "id",
                "credit_code",
                "name_zh",
                "name_en",
                "region_id",
                "industry_id",
                "size_class",
                "is_listed",
                "address",
                "status",
                "created_at",
                "updated_at",
            ],
            (
                (n + 1, f"91{city}{n:09d}0", f"基准企业{n}", "", city, industry, size, False, "", "verified", at, at)
                for n, ((city, _province, industry, size), at) in enumerate(zip(place, registered, strict=True))
            ),
        )
        _restart_identity("enterprises_enterprise", enterprises)

    evaluations_per_year = round(facts / (1 + PUBLISHED_SHARE) / len(YEARS))
    evaluation_rows, fact_rows = [], []
    levels, level_weights = list(LEVEL_WEIGHTS), list(LEVEL_WEIGHTS.values())
    now = datetime.now(UTC)
    for year in YEARS:
        for enterprise in rng.sample(range(enterprises), evaluations_per_year):
            evaluation_id = len(evaluation_rows) + 1
            city, province, industry, size = place[enterprise]
            published = rng.random() < PUBLISHED_SHARE
            start = date(year, 4, 1)
            valid_from = start + timedelta(days=rng.randint(0, 364))
            published = published and valid_from <= TODAY
            evaluation_rows.append(
                (
                    evaluation_id,
                    enterprise + 1,
                    model.pk,
                    year,
                    "published" if published else "submitted",
                    starter.pk,
                    now,
                    now,
                )
            )
            for layer in ("self", "official") if published else ("self",):
                level = rng.choices(levels, weights=level_weights)[0]
                score = 5.0 if level == 5 else round(level + rng.random() * 0.99, 4)
                dims = json.dumps({d: round(max(0.0, min(5.0, score + rng.gauss(0, 0.4))), 4) for d in DIMENSIONS})
                official = layer == "official"
                revoked = (
                    valid_from + timedelta(days=rng.randint(30, 700))
                    if official and rng.random() < REVOKED_SHARE
                    else None
                )
                fact_rows.append(
                    (
                        evaluation_id,
                        layer,
                        enterprise + 1,
                        province,
                        city,
                        industry,
                        size,
                        year,
                        level,
                        score,
                        dims,
                        valid_from if official else None,
                        add_years(valid_from, 3) if official else None,
                        revoked if revoked and revoked <= TODAY else None,
                        now,
                    )
                )
    with transaction.atomic():
        _copy(
            "evaluations_evaluation",
            ["id", "enterprise_id", "model_id", "cycle", "status", "started_by_id", "created_at", "updated_at"],
            evaluation_rows,
        )
        _restart_identity("evaluations_evaluation", len(evaluation_rows))
        _copy(
            "indices_evaluationfact",
            [
                "evaluation_id",
                "layer",
                "enterprise_id",
                "province_code",
                "city_code",
                "industry_code",
                "size_class",
                "year",
                "level",
                "score",
                "dimension_scores",
                "valid_from",
                "valid_until",
                "revoked_on",
                "written_at",
            ],
            fact_rows,
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {"evaluations": len(evaluation_rows), "facts": len(fact_rows)}


def counts() -> dict:
    from enterprises.models import Enterprise
    from indices.models import EvaluationFact

    return {
        "enterprises": Enterprise.objects.count(),
        "facts": EvaluationFact.objects.count(),
        "official": EvaluationFact.objects.filter(layer="official").count(),
    }


# --- 1. Ours ---------------------------------------------------------------------------------------------------


def vacuum_cells() -> None:
    """VACUUM the cells, as autovacuum would between two nightly recomputes."""
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE indices_indexcell")


def clear_cells() -> None:
    """No cells and no snapshots: the next recompute inserts every cell (a first run, or a new method version)."""
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE indices_indexcell, indices_indexsnapshot")


def change_results(count: int, run: int) -> None:
    """A day of changes: ``count`` published results (the latest year's first, by id) get a new score, different
    on every run."""
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE indices_evaluationfact SET score = LEAST(5.0, FLOOR(score) + %s) WHERE id IN ("
            "SELECT id FROM indices_evaluationfact WHERE layer = 'official' AND year = %s ORDER BY id LIMIT %s)",
            [(run % 9 + 1) / 10, YEARS[-1], count],
        )


def ours(runs: int, *, before=None) -> tuple[list[float], list[int]]:
    """``runs`` recomputes of the four years, ``before(run)`` called ahead of each; seconds and cells written."""
    from indices import services

    times, written = [], []
    for run in range(runs):
        if before:
            before(run)
        vacuum_cells()
        started = time.perf_counter()
        result = services.indices_recompute(years=YEARS, today=TODAY)
        times.append(seconds(started))
        written.append(sum(year["written"] for year in result.values()))
    return times, written


def ours_memory() -> tuple[int, int]:
    """Peak bytes allocated through Python (tracemalloc: pandas and numpy included) in one recompute, and the
    process's peak resident set size afterwards (everything this process did so far, the data set included)."""
    from indices import services

    vacuum_cells()
    tracemalloc.start()
    services.indices_recompute(years=YEARS, today=TODAY)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


class Stopwatch:
    """Wraps module functions and adds up the time spent inside each (outermost calls only)."""

    def __init__(self):
        self.totals: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)
        self._undo = []

    def wrap(self, module, name: str, label: str | None = None, key=None) -> None:
        original = getattr(module, name, None)
        if original is None:
            return
        watch = self

        def timed(*args, **kwargs):
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                tag = key(*args, **kwargs) if key else (label or name)
                watch.totals[tag] += seconds(started)
                watch.calls[tag] += 1

        setattr(module, name, timed)
        self._undo.append((module, name, original))

    def restore(self) -> None:
        for module, name, original in reversed(self._undo):
            setattr(module, name, original)


def ours_profile() -> tuple[float, Stopwatch]:
    """One more recompute (nothing changed since the last) with the pieces timed: each SQL statement (run and
    fetched into a frame), the frame work in pandas, and the writes of the cells."""
    from indices import method, services

    names = {getattr(services, attr): attr.removesuffix("_SQL").lower() for attr in ("OFFICIAL_SQL", "SELF_SQL")}
    watch = Stopwatch()
    watch.wrap(services, "registered_by_year", "sql registered, every year in one scan (run + fetch + pivot)")
    watch.wrap(services, "_frame", key=lambda sql, params: f"sql {names.get(sql, 'scores')} (run + fetch)")
    watch.wrap(services, "_scores", "scores: fetch + dimension frame")
    watch.wrap(method, "finest", "pandas: finest (merge)")
    watch.wrap(method, "cells_for_year", "pandas: roll-ups, ratios, change, quartiles")
    watch.wrap(method, "roll_up", "pandas: roll-up of the year before")
    watch.wrap(services, "_cell_rows", "write: rows built from the columns")
    watch.wrap(services, "_write_year", "write: stage, upsert changed, delete gone (with the rows)")
    vacuum_cells()
    started = time.perf_counter()
    try:
        services.indices_recompute(years=YEARS, today=TODAY)
    finally:
        watch.restore()
    return seconds(started), watch


def snapshot() -> dict:
    """Every cell's values (not its computed_at), to check that a variant writes what the real recompute writes."""
    from indices.method import METHOD_VERSION
    from indices.models import IndexCell

    fields = [f.name for f in IndexCell._meta.fields if f.name not in ("id", "computed_at")]
    cells = IndexCell.objects.filter(method_version=METHOD_VERSION, year__in=YEARS)
    return {(c["year"], c["region_code"], c["industry_code"], c["size_class"]): c for c in cells.values(*fields)}


def _close(a, b) -> bool:
    """Equal, floats within 2e-4: a plan that sums in another order may round the fourth decimal the other way."""
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_close(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_close(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and isinstance(b, float):
        return abs(a - b) <= 2e-4
    return a == b


def differing(expected: dict, got: dict) -> int:
    """How many cells are missing, extra or different."""
    return len(expected.keys() ^ got.keys()) + sum(
        not _close(expected[key], got[key]) for key in expected.keys() & got.keys()
    )


# --- 2. Naive --------------------------------------------------------------------------------------------------


def naive(years: list[int]) -> tuple[float, int, int]:
    """The naive recompute of ``years``: seconds, cells it wrote and how many differ from ours."""
    from benchmarks import index_baselines

    index_baselines.drop_naive()
    started = time.perf_counter()
    index_baselines.naive_recompute(years, today=TODAY)
    took = seconds(started)
    got = index_baselines.naive_cells()
    index_baselines.drop_naive()
    expected = {key: cell for key, cell in snapshot().items() if key[0] in years}
    return took, len(got), differing(expected, got)


# --- 3. The floor: one SQL statement -------------------------------------------------------------------------------


def floor_full(runs: int) -> tuple[list[float], int, int]:
    """The one statement computing every cell of the four years: seconds per run, cells, cells differing."""
    from benchmarks import index_baselines

    times, got = [], {}
    for _ in range(runs):
        started = time.perf_counter()
        got = index_baselines.floor_cells(YEARS, today=TODAY)
        times.append(seconds(started))
    return times, len(got), differing(snapshot(), got)


# The narrow floors of the first version of this benchmark: n and sum S only, at the finest grain.
FLOOR_SQL = """
WITH refs(year, ref) AS (VALUES {refs}),
ranked AS (
  SELECT r.year, r.ref, f.city_code, f.industry_code, f.size_class, f.score, f.valid_until, f.revoked_on,
         ROW_NUMBER() OVER (PARTITION BY r.year, f.enterprise_id ORDER BY f.valid_from DESC, f.id DESC) AS rn
  FROM refs r JOIN indices_evaluationfact f ON f.layer = 'official' AND f.valid_from <= r.ref
)
SELECT year, city_code, industry_code, size_class, COUNT(*) AS n, SUM(score) AS sum_s
FROM ranked
WHERE rn = 1 AND valid_until >= ref AND (revoked_on IS NULL OR revoked_on > ref)
GROUP BY year, city_code, industry_code, size_class
"""

BARE_SQL = """
SELECT year, city_code, industry_code, size_class, COUNT(*) AS n, SUM(score) AS sum_s
FROM indices_evaluationfact WHERE layer = 'official'
GROUP BY year, city_code, industry_code, size_class
"""


def floor(sql: str, runs: int, *, work_mem: str = "") -> tuple[list[float], int]:
    from indices.services import reference_date

    refs = ", ".join(f"({y}, DATE '{reference_date(y, today=TODAY).isoformat()}')" for y in YEARS)
    statement = sql.format(refs=refs) if "{refs}" in sql else sql
    times, rows = [], []
    for _ in range(runs):
        started = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            if work_mem:
                cursor.execute(f"SET LOCAL work_mem = '{work_mem}'")
            cursor.execute(statement)
            rows = cursor.fetchall()
        times.append(seconds(started))
    return times, len(rows)


# --- 4. The dashboard under load ---------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _database_url() -> str:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _session_cookie() -> str:
    """A logged-in MIIT user's session (the dashboard opens on the whole country for them)."""
    from django.conf import settings
    from django.test import Client

    from accounts.choices import Role
    from accounts.models import Membership, User

    user, created = User.objects.get_or_create(username="bench-miit")
    if created:
        Membership.objects.create(user=user, role=Role.NATIONAL)
    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def _load(url: str, *, clients: int, requests: int, cookie: str = "") -> tuple[list[float], int]:
    """``clients`` threads, each making ``requests`` GETs one after the other; latencies and failures."""
    latencies, failures, lock = [], [0], threading.Lock()
    start = threading.Barrier(clients)

    def client() -> None:
        start.wait()
        for _ in range(requests):
            request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})  # noqa: S310
            began = time.perf_counter()
            try:
                with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310 - loopback only
                    response.read()
                    ok = response.status == 200
            except (urllib.error.URLError, OSError):
                ok = False
            took = seconds(began)
            with lock:
                latencies.append(took)
                failures[0] += not ok

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, failures[0]


def _p(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else values[0]


def dashboard_under_load(*, clients: int = 50, requests: int = 10, workers: int | None = None) -> dict | None:
    """The dashboard's p95 with ``clients`` concurrent loopback clients, against /healthz's p95 in the same run.

    Serves the scratch database with gunicorn (sync workers, as in the Dockerfile; ``workers`` defaults to
    2 x CPUs + 1), logs in a MIIT user, warms both pages up, then runs the dashboard phase and the /healthz phase.
    Returns None when the dashboard is not routed.
    """
    try:
        path = reverse("indices:dashboard")
    except NoReverseMatch:
        return None
    workers = workers or 2 * (os.cpu_count() or 1) + 1
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": _database_url(), "DJANGO_DEBUG": "false"}
    server = subprocess.Popen(  # noqa: S603 - our own executable and arguments
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            with (
                contextlib.suppress(urllib.error.URLError, OSError),
                urllib.request.urlopen(f"{base}/healthz", timeout=5),  # noqa: S310 - loopback only
            ):
                break
            time.sleep(0.1)
        cookie = _session_cookie()
        _load(f"{base}{path}", clients=workers, requests=2, cookie=cookie)  # every worker warmed up
        _load(f"{base}/healthz", clients=workers, requests=2)
        dashboard, dashboard_failed = _load(f"{base}{path}", clients=clients, requests=requests, cookie=cookie)
        health, health_failed = _load(f"{base}/healthz", clients=clients, requests=requests)
    finally:
        server.terminate()
        server.wait(timeout=30)
    return {
        "path": path,
        "workers": workers,
        "dashboard": dashboard,
        "dashboard_failed": dashboard_failed,
        "healthz": health,
        "healthz_failed": health_failed,
    }


# --- Main ----------------------------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--enterprises", type=int, default=500_000)
    parser.add_argument("--facts", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--changed", type=int, default=1000, help="results changed before each 'day' run")
    parser.add_argument("--naive-years", type=int, default=1, choices=[1, 2, 3, 4])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", type=int, default=10, help="per client")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", action="store_true", help="keep the scratch database (and reuse a kept one)")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        raise SystemExit("Set DATABASE_URL to a PostgreSQL database (the data set is written with COPY).")
    from django.test.utils import setup_test_environment

    setup_test_environment()
    original = connection.settings_dict["NAME"]
    connection.settings_dict.setdefault("TEST", {})["NAME"] = f"bench_idx_{original}"
    scratch = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False, keepdb=args.keep)
    try:
        started = time.perf_counter()
        held = counts()
        reused = held["enterprises"] == args.enterprises and held["facts"] > 0
        if not reused:
            build(args.enterprises, args.facts, args.seed)
            held = counts()
        built = seconds(started)

        ours(1)  # warm-up: caches, plans, imports
        first = ours(args.runs, before=lambda run: clear_cells())
        nightly = ours(args.runs)
        day = ours(args.runs, before=lambda run: change_results(args.changed, run))
        peak, maxrss = ours_memory()
        profiled, watch = ours_profile()
        from indices.models import IndexCell

        cells = IndexCell.objects.filter(year__in=YEARS).count()
        naive_years = YEARS[-args.naive_years :]
        naive_figures = naive(naive_years)
        full = floor_full(args.runs)
        narrow_times, narrow_rows = floor(FLOOR_SQL, args.runs)
        bare_times, bare_rows = floor(BARE_SQL, args.runs)
        vacuum_cells()
        load = dashboard_under_load(clients=args.clients, requests=args.requests)
    finally:
        if not args.keep:
            connection.creation.destroy_test_db(original, verbosity=0)

    report(
        f"python {platform.python_version()} · PostgreSQL {connection.pg_version // 10000} · {os.cpu_count()} CPUs · "
        f"scratch database {scratch} ({'kept' if args.keep else 'dropped'})"
    )
    report(
        f"data: {held['enterprises']:,} enterprises, {held['facts']:,} facts ({held['official']:,} official) over "
        f"{YEARS[0]}-{YEARS[-1]}; {'reused' if reused else 'built'} in {built:.1f} s; today = {TODAY}"
    )
    figures = {
        "first": first,
        "nightly": nightly,
        "day": day,
        "changed": args.changed,
        "peak": peak,
        "maxrss": maxrss,
        "profiled": profiled,
        "watch": watch,
        "cells": cells,
        "naive_years": naive_years,
        "naive": naive_figures,
        "floor": full,
        "narrow": (narrow_times, narrow_rows),
        "bare": (bare_times, bare_rows),
    }
    report_figures(figures)
    report_load(load, clients=args.clients, requests=args.requests)
    if args.json:
        summary = {
            "python": platform.python_version(),
            "postgresql": connection.pg_version // 10000,
            **held,
            "reused": reused,
            "cells": cells,
            "runs": {situation: figures[situation][0] for situation in ("first", "nightly", "day")},
            "changed": args.changed,
            "peak_traced_bytes": peak,
            "naive_years": naive_years,
            "naive": dict(zip(("seconds", "cells", "differing"), naive_figures, strict=True)),
            "floor": dict(zip(("seconds", "cells", "differing"), full, strict=True)),
            "load": None if load is None else _load_summary(load, clients=args.clients, requests=args.requests),
        }
        write_figures(args.json, summary, figure_rows(figures, load, clients=args.clients, requests=args.requests))
        report(f"figures written to {args.json}")


def _runs(times: list[float]) -> str:
    return f"{' / '.join(f'{t:.2f}' for t in times)} s; median {statistics.median(times):.2f} s"


def report_figures(f: dict) -> None:
    median = {situation: statistics.median(f[situation][0]) for situation in ("first", "nightly", "day")}
    report(f"cells: {f['cells']:,} over the four years")
    report()
    report("1. ours   indices_recompute, 4 years")
    for situation, label in (
        ("first", "first run (no cells yet, every cell inserted)"),
        ("nightly", "nightly, nothing changed since the last run"),
        ("day", f"a day of changes ({f['changed']:,} results rescored)"),
    ):
        times, written = f[situation]
        report(f"          {label:<52} {_runs(times)}; cells written {' / '.join(f'{w:,}' for w in written)}")
    report(
        f"          peak memory {f['peak'] / 1_048_576:.0f} MB traced (tracemalloc); "
        f"process peak RSS {f['maxrss'] / 1_048_576:.0f} MB (building the data included)"
    )
    report(f"          where the time goes (instrumented nightly run, {f['profiled']:.2f} s):")
    watch = f["watch"]
    for label, total in sorted(watch.totals.items(), key=lambda item: -item[1]):
        share = 100 * total / f["profiled"]
        report(f"            {label:<60} {total:6.2f} s  {share:5.1f} %  ({watch.calls[label]} calls)")
    report()
    naive_seconds, naive_cells, naive_differ = f["naive"]
    naive_years = f["naive_years"]
    naive_scaled = naive_seconds * len(YEARS) / len(naive_years)
    scaled = ""
    if len(naive_years) < len(YEARS):
        scaled = f" (measured on {naive_years}: {naive_seconds:.2f} s, scaled x{len(YEARS) / len(naive_years):g})"
    report(f"2. naive  ORM row by row, Python dicts, update_or_create per cell: {naive_scaled:.2f} s{scaled}")
    report(f"          {naive_cells:,} cells written; differing from ours: {naive_differ}")
    floor_times, floor_cells, floor_differ = f["floor"]
    report(f"3. floor  one SQL statement, every cell of the four years, fetched: {_runs(floor_times)}")
    report(f"          {floor_cells:,} cells; differing from ours: {floor_differ}")
    narrow_times, narrow_rows = f["narrow"]
    bare_times, bare_rows = f["bare"]
    report(
        f"          for scale: n and sum S per city x industry x size only: {_runs(narrow_times)}, {narrow_rows:,} rows"
    )
    report(
        f"          bare GROUP BY of official facts (no latest-result rule): {_runs(bare_times)}, {bare_rows:,} rows"
    )
    floor_median = statistics.median(floor_times)
    report()
    report(
        f"ratio naive / ours (first run; both write every cell): {naive_scaled / median['first']:.1f}x faster "
        "(target at least 20x)"
    )
    report(f"ratio ours (nightly) / floor: {median['nightly'] / floor_median:.2f}x (target within 1.5x)")
    report(f"ratio ours (a day of changes) / floor: {median['day'] / floor_median:.2f}x")
    report(f"ratio ours (first run) / floor: {median['first'] / floor_median:.2f}x")


def report_load(load: dict | None, *, clients: int, requests: int) -> None:
    if load is None:
        report("dashboard under load: not run (no URL named indices:dashboard); dashboard_under_load() is ready")
        return
    report()
    report(f"4. {clients} concurrent loopback clients x {requests} requests; gunicorn, {load['workers']} sync workers")
    for label, latencies, failed in (
        (load["path"], load["dashboard"], load["dashboard_failed"]),
        ("/healthz", load["healthz"], load["healthz_failed"]),
    ):
        report(
            f"   {label:<20} p50 {_p(latencies, 50) * 1000:7.1f} ms  p95 {_p(latencies, 95) * 1000:7.1f} ms  "
            f"max {max(latencies) * 1000:7.1f} ms  failed {failed}"
        )
    report(f"   ratio dashboard p95 / healthz p95: {_p(load['dashboard'], 95) / _p(load['healthz'], 95):.1f}x")


def _load_summary(load: dict, *, clients: int, requests: int) -> dict:
    return {
        "clients": clients,
        "requests": requests,
        "workers": load["workers"],
        **{f"{page}_{q}_ms": _p(load[page], q) * 1000 for page in ("dashboard", "healthz") for q in (50, 95)},
        "dashboard_failed": load["dashboard_failed"],
        "healthz_failed": load["healthz_failed"],
    }


def figure_rows(f: dict, load: dict | None, *, clients: int, requests: int) -> list[dict]:
    """The figures of ``report_figures`` and ``report_load`` as rows (``benchmarks/figures.py``)."""
    median = {situation: statistics.median(f[situation][0]) for situation in ("first", "nightly", "day")}
    naive_seconds = f["naive"][0]
    naive_scaled = naive_seconds * len(YEARS) / len(f["naive_years"])
    floor_median = statistics.median(f["floor"][0])
    speedup = naive_scaled / median["first"]
    # A baseline that does not compute the same cells is no baseline: say so next to its name.
    naive = "naive ORM loop"
    if len(f["naive_years"]) < len(YEARS):
        naive += f" (scaled from {len(f['naive_years'])} of {len(YEARS)} years)"
    if f["naive"][2]:
        naive += f" ({f['naive'][2]:,} cells DIFFER)"
    floor = "one SQL statement (floor)" + (f" ({f['floor'][2]:,} cells DIFFER)" if f["floor"][2] else "")
    rows = [
        figure(
            "recompute 4 years, first run",
            median["first"],
            "s",
            baseline=naive,
            baseline_value=naive_scaled,
            ratio=speedup,
            target=">= 20x faster",
            met=speedup >= 20,
        ),
        figure(
            "recompute 4 years, nightly (no change)",
            median["nightly"],
            "s",
            baseline=floor,
            baseline_value=floor_median,
            ratio=median["nightly"] / floor_median,
            target="<= 1.5x",
            met=median["nightly"] / floor_median <= 1.5,
        ),
        figure(
            f"recompute 4 years, {f['changed']:,} results rescored",
            median["day"],
            "s",
            baseline=floor,
            baseline_value=floor_median,
            ratio=median["day"] / floor_median,
        ),
    ]
    if load is not None:
        failed = load["dashboard_failed"] + load["healthz_failed"]
        dashboard, health = _p(load["dashboard"], 95) * 1000, _p(load["healthz"], 95) * 1000
        rows.append(
            figure(
                f"dashboard p95, {clients} clients x {requests}" + (f" ({failed} FAILED)" if failed else ""),
                dashboard,
                "ms",
                baseline="/healthz p95, same load",
                baseline_value=health,
                ratio=dashboard / health,
            )
        )
    return rows


if __name__ == "__main__":
    main()
