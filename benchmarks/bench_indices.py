"""Benchmark of the index recompute against a naive ORM loop and a single SQL GROUP BY (ARCHITECTURE §7).

Builds, in a scratch PostgreSQL database, 500,000 enterprises spread over the real regions, industries and sizes
(registered from 2019 on) and about 200,000 evaluation facts over the cycles 2023-2026 (one self-assessed fact per
evaluation, an official one for three in four, with publication dates, three-year validity, a few revocations and
four dimension scores each), written with COPY. Then times, in the same run:

1. ours: ``indices.services.indices_recompute`` for the four years (every run printed, and the median), with its
   peak memory (tracemalloc, in a separate pass: tracing slows everything down) and where the time goes (SQL and
   fetch, pandas, writing the cells: one more, instrumented pass);
2. naive: for each year the facts read row by row through the ORM (model instances), each enterprise's latest
   official result kept in a dict, and n and the sum of S accumulated per city x industry x size in Python dicts
   (plus the self-assessed n and sum): what the real method computes at its finest grain for n and S, checked
   against it; it computes less than ours (no registered enterprises, new levels, roll-ups, quartiles or writes);
3. floor: one SQL statement that groups the same rows by (year, city, industry, size) with the same rule (each
   enterprise's latest official result on each year's reference day, counted when valid), fetched to Python; and,
   for scale, a bare GROUP BY of the official facts without the latest-result rule, and the floor plus a COPY of
   as many rows as the recompute writes into a table without indexes (the floor of computing and storing);
4. proposed changes to ``indices/services.py``, measured on a copy of the recompute inside this script (each added
   to the ones before it, the variants taking turns run after run; the cells checked against the real ones).
The cells table is VACUUMed before every timed recompute, as autovacuum would do between nightly runs (each run
leaves ~200,000 dead rows; with autovacuum off, as on some test servers, every run would be slower than the last).

It prints the ratios (targets: ours at least 20x faster than naive, and within 1.5x of the floor) and, when the
dashboard is routed (``indices:dashboard``), the dashboard's p95 under 50 concurrent loopback clients against the
p95 of /healthz in the same run, served by gunicorn from the scratch database.

Not a test: run it by hand from the repository root against PostgreSQL. It creates its own scratch database
(``bench_idx_<name>`` of DATABASE_URL, migrated; dropped at the end unless ``--keep``, and reused by the next run
with ``--keep``), so the named database itself is not touched:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/qualitypath DJANGO_SECRET_KEY=bench DJANGO_HTTPS=false \\
        .venv/bin/python benchmarks/bench_indices.py [--enterprises 500000] [--facts 200000] [--runs 3] \\
        [--naive-years 4] [--clients 50] [--requests 10] [--keep] [--no-proposals]

``--naive-years 1`` times the naive loop on the latest year only and scales it x4 (it says so). The full run takes
about 15 minutes on 2 CPUs (building the data set about 40 s of it).
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
import pandas as pd

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.urls import NoReverseMatch, reverse  # noqa: E402

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
    """VACUUM the cells, as autovacuum would between two nightly recomputes: each recompute leaves ~200,000 dead
    rows behind, and without it (autovacuum may be off on a test server) every run gets slower than the last."""
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE indices_indexcell")


def ours(runs: int) -> list[float]:
    from indices import services

    times = []
    for _ in range(runs):
        vacuum_cells()
        started = time.perf_counter()
        services.indices_recompute(years=YEARS, today=TODAY)
        times.append(seconds(started))
    return times


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
    """One more recompute with the pieces timed: each SQL statement (run and fetched into a frame), the frame work
    in pandas, and the writes of the cells."""
    from indices import method, services

    names = {
        getattr(services, attr, None): attr.removesuffix("_SQL").lower()
        for attr in ("OFFICIAL_SQL", "SELF_SQL", "REGISTERED_SQL", "SCORES_SQL")
    }
    watch = Stopwatch()
    watch.wrap(services, "_frame", key=lambda sql, params: f"sql {names.get(sql, 'other')} (run + fetch)")
    watch.wrap(services, "_scores", "scores: fetch + dimension frame")
    watch.wrap(method, "finest", "pandas: finest (merge)")
    watch.wrap(method, "cells_for_year", "pandas: roll-ups, ratios, change, quartiles")
    watch.wrap(method, "roll_up", "pandas: roll-up of the year before")
    watch.wrap(services, "_write_year", "write cells (one transaction a year)")
    vacuum_cells()
    started = time.perf_counter()
    try:
        services.indices_recompute(years=YEARS, today=TODAY)
    finally:
        watch.restore()
    return seconds(started), watch


# --- 1b. Proposed changes, measured on a copy of the recompute -------------------------------------------------

# P1: the registered enterprises of every year from one scan (bucketed by the first year they count in) instead of
# one scan per year; the province comes from the small region table, not a join.
REGISTERED_ONCE_SQL = """
SELECT region_id AS city_code, industry_id AS industry_code, size_class, {bucket} AS bucket, COUNT(*) AS registered
FROM enterprises_enterprise
WHERE status <> 'rejected' AND created_at < %(last)s
GROUP BY region_id, industry_id, size_class, bucket
"""


def _registered_by_year(years: list[int], *, today: date) -> dict[int, pd.DataFrame]:
    from enterprises.models import Region
    from indices import method, services

    afters = {y: services.reference_date(y, today=today) + timedelta(days=1) for y in years}
    bucket = "CASE " + " ".join(f"WHEN created_at < '{afters[y].isoformat()}' THEN {y}" for y in years) + " END"
    raw = services._frame(REGISTERED_ONCE_SQL.format(bucket=bucket), {"last": afters[years[-1]].isoformat()})
    province = {code: parent or code for code, parent in Region.objects.values_list("code", "parent_id")}
    raw["province_code"] = raw["city_code"].map(province)
    raw["registered"] = pd.to_numeric(raw["registered"])
    wide = raw.pivot_table(
        index=method.FINE, columns="bucket", values="registered", aggfunc="sum", fill_value=0
    ).reindex(columns=years, fill_value=0)
    wide = wide.cumsum(axis=1)
    frames = {}
    for y in years:
        column = wide[y]
        frames[y] = column[column > 0].rename("registered").reset_index()
    return frames


def _year_frames(year: int, *, today: date, registered=None, work_mem: bool = False):
    """``services.year_frames`` with the registered frame given (P1) and a larger sort memory (P4)."""
    from indices import method, services

    ref = services.reference_date(year, today=today)
    params = {
        "ref": ref.isoformat(),
        "start": date(year, 1, 1).isoformat(),
        "year": year,
        "after": (ref + timedelta(days=1)).isoformat(),
    }
    if work_mem:
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL work_mem = '64MB'")
    official = services._numeric(services._frame(services.OFFICIAL_SQL, params))
    self_layer = services._numeric(services._frame(services.SELF_SQL, params))
    if registered is None:
        registered = services._numeric(services._frame(services.REGISTERED_SQL, params))
    return method.finest(official, self_layer, registered), services._scores(params)


def _cell_rows(cells, *, year: int, quartiles: dict, stamp) -> list[tuple]:
    """P2: the rows of ``services._cell_values`` built from whole columns (``tolist``) instead of one dict and three
    ``json.dumps`` per cell."""
    from indices import method

    def numbers(column: str) -> list:
        values = cells[column].astype(float).round(4)
        return [None if v != v else v for v in values.tolist()]  # NaN becomes NULL

    def counts(prefix: str, keys) -> list[str]:
        template = "{{" + ", ".join(f'"{k}": {{}}' for k in keys) + "}}"
        columns = [cells[f"{prefix}{k}"].astype("int64").tolist() for k in keys]
        return [template.format(*row) for row in zip(*columns, strict=True)]

    text = {c: cells[c].tolist() for c in ("region_level", "region_code", "industry_code", "size_class")}
    keys = zip(text["region_level"], text["region_code"], text["industry_code"], text["size_class"], strict=True)
    size = len(cells)
    columns = [
        [method.METHOD_VERSION] * size,
        [year] * size,
        text["region_code"],
        text["industry_code"],
        text["size_class"],
        text["region_level"],
        cells["n"].astype("int64").tolist(),
        cells["registered"].astype("int64").tolist(),
        numbers("coverage"),
        numbers("index"),
        counts("l", list(method.LEVELS)),
        counts("new", list(method.NEW_LEVELS)),
        cells["self_n"].astype("int64").tolist(),
        numbers("self_index"),
        numbers("calibration_gap"),
        numbers("index_change"),
        numbers("coverage_change"),
        [json.dumps(quartiles[key]) if key in quartiles else "{}" for key in keys],
        [stamp] * size,
    ]
    return list(zip(*columns, strict=True))


def _write(year: int, cells, quartiles: dict, *, fast_rows: bool, replace: bool) -> int:
    """``services._write_year``; with P2 the rows built column-wise, with P3 the year's cells replaced (DELETE, then
    COPY straight into the table) instead of staged and upserted, under a per-year advisory lock so two
    recomputes of the same year take turns (the unique key would otherwise stop the second one)."""
    from django.utils import timezone

    from indices import method, services

    if not (fast_rows or replace):
        return services._write_year(year, cells, quartiles)
    stamp = timezone.now()
    if fast_rows or not hasattr(services, "_cell_values"):
        rows = _cell_rows(cells, year=year, quartiles=quartiles, stamp=stamp)
    else:
        rows = [
            services._cell_values(row, year=year, quartiles=quartiles, stamp=stamp) for row in cells.to_dict("records")
        ]
    columns = services._COLUMNS
    with transaction.atomic(), connection.cursor() as cursor:
        if replace:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext('indices.recompute'), %s)", [year])
            cursor.execute(
                "DELETE FROM indices_indexcell WHERE method_version = %s AND year = %s", [method.METHOD_VERSION, year]
            )
            with cursor.cursor.copy(f"COPY indices_indexcell ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            cursor.execute(f"DROP TABLE IF EXISTS {services.INCOMING}")
            cursor.execute(services.PG_STAGE_SQL)
            with cursor.cursor.copy(f"COPY {services.INCOMING} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            cursor.execute(services.PG_UPSERT_SQL)
            cursor.execute(f"DROP TABLE {services.INCOMING}")
            cursor.execute(
                "DELETE FROM indices_indexcell WHERE method_version = %s AND year = %s AND computed_at <> %s",
                [method.METHOD_VERSION, year, stamp],
            )
    return len(rows)


PROPOSALS = ("P2 rows column-wise", "P4 work_mem", "P1 registered once", "P3 replace by COPY (new ids)")


def proposed_recompute(*, enabled: set[str], years: list[int] = YEARS, today: date = TODAY) -> float:
    """``indices_recompute`` with the proposals in ``enabled``; seconds."""
    from indices import method

    started = time.perf_counter()
    work_mem = "P4 work_mem" in enabled
    registered = _registered_by_year([years[0] - 1, *years], today=today) if "P1 registered once" in enabled else {}
    with transaction.atomic():
        fine, _ = _year_frames(years[0] - 1, today=today, registered=registered.get(years[0] - 1), work_mem=work_mem)
    previous = method.ratios(method.roll_up(fine))
    for year in years:
        with transaction.atomic():
            fine, scores = _year_frames(year, today=today, registered=registered.get(year), work_mem=work_mem)
        cells, quartiles = method.cells_for_year(fine, previous=previous, scores=scores)
        _write(
            year,
            cells,
            quartiles,
            fast_rows="P2 rows column-wise" in enabled,
            replace="P3 replace by COPY (new ids)" in enabled,
        )
        previous = cells
    return seconds(started)


def snapshot() -> dict:
    """Every cell's values (not its computed_at), to check that a variant writes what the real recompute writes."""
    from indices.models import IndexCell

    fields = [f.name for f in IndexCell._meta.fields if f.name not in ("id", "computed_at")]
    return {
        (c["year"], c["region_code"], c["industry_code"], c["size_class"]): c
        for c in IndexCell.objects.filter(year__in=YEARS).values(*fields)
    }


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


def proposals(runs: int) -> list[tuple[str, float, int]]:
    """Each proposal added to the ones before it: (label, median seconds, cells that differ from the real
    recompute's). The variants take turns run after run, so a change in the machine's load hits them alike."""
    from indices import services

    services.indices_recompute(years=YEARS, today=TODAY)
    expected = snapshot()
    variants, enabled = [], set()
    for proposal in ("baseline (copy of today's code)", *PROPOSALS):
        if proposal in PROPOSALS:
            enabled.add(proposal)
        variants.append((proposal, set(enabled)))
    times: dict[str, list[float]] = defaultdict(list)
    differ: dict[str, int] = {}
    for _ in range(runs):
        for label, flags in variants:
            vacuum_cells()
            times[label].append(proposed_recompute(enabled=flags))
            differ[label] = differing(expected, snapshot())
    return [(label, statistics.median(times[label]), differ[label]) for label, _flags in variants]


# --- 2. Naive --------------------------------------------------------------------------------------------------


def naive(years: list[int]) -> tuple[float, dict]:
    """Facts row by row through the ORM; the finest cells in dicts: {year: {(city, province, industry, size):
    [n, sum S, self n, self sum]}}."""
    from indices.models import EvaluationFact
    from indices.services import reference_date

    started = time.perf_counter()
    result = {}
    for year in years:
        ref = reference_date(year, today=TODAY)
        latest = {}
        for fact in EvaluationFact.objects.filter(layer="official", valid_from__lte=ref).iterator(chunk_size=2000):
            held = latest.get(fact.enterprise_id)
            if held is None or (fact.valid_from, fact.pk) > (held.valid_from, held.pk):
                latest[fact.enterprise_id] = fact
        cells = defaultdict(lambda: [0, 0.0, 0, 0.0])
        for fact in latest.values():
            if fact.valid_until >= ref and (fact.revoked_on is None or fact.revoked_on > ref):
                cell = cells[(fact.city_code, fact.province_code, fact.industry_code, fact.size_class)]
                cell[0] += 1
                cell[1] += fact.score
        for fact in EvaluationFact.objects.filter(layer="self", year=year).iterator(chunk_size=2000):
            cell = cells[(fact.city_code, fact.province_code, fact.industry_code, fact.size_class)]
            cell[2] += 1
            cell[3] += fact.score
        result[year] = dict(cells)
    return seconds(started), result


def agrees(result: dict) -> tuple[int, int]:
    """Cells where the naive n, sum S, self n and self sum equal the real method's finest frame; cells compared."""
    from indices import services

    same = compared = 0
    for year, cells in result.items():
        fine, _scores = services.year_frames(year, today=TODAY)
        real = {
            (r.city_code, r.province_code, r.industry_code, r.size_class): r
            for r in fine.itertuples(index=False)
            if r.n or r.self_n
        }
        wanted = {key: value for key, value in cells.items() if value[0] or value[2]}
        for key in set(real) | set(wanted):
            compared += 1
            r, mine = real.get(key), wanted.get(key, [0, 0.0, 0, 0.0])
            if (
                r is not None
                and (int(r.n), int(r.self_n)) == (mine[0], mine[2])
                and (abs(float(r.sum_s) - mine[1]) < 1e-6 and abs(float(r.self_sum) - mine[3]) < 1e-6)
            ):
                same += 1
    return same, compared


# --- 3. The floor: one SQL GROUP BY ------------------------------------------------------------------------------

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


def cells_copy() -> tuple[float, int]:
    """The floor of writing the cells: COPY of as many rows as the recompute writes (the current cells, fetched
    before the clock starts) into a scratch table without indexes, in one transaction."""
    from indices.models import IndexCell

    columns = [f.column for f in IndexCell._meta.fields if f.name != "id"]
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {quoted} FROM indices_indexcell WHERE year = ANY(%s)", [YEARS])  # noqa: S608
        rows = cursor.fetchall()
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE bench_cells_floor ON COMMIT DROP AS "  # noqa: S608
            f"SELECT {quoted} FROM indices_indexcell WITH NO DATA"
        )
        with cursor.cursor.copy(f"COPY bench_cells_floor ({quoted}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    return seconds(started), len(rows)


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
    parser.add_argument("--naive-years", type=int, default=4, choices=[1, 2, 3, 4])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", type=int, default=10, help="per client")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", action="store_true", help="keep the scratch database (and reuse a kept one)")
    parser.add_argument("--no-proposals", dest="proposals", action="store_false", help="skip the proposed changes")
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

        ours(1)  # warm-up: caches, plans, imports; and the cells exist (later runs update them)
        ours_times = ours(args.runs)
        peak, maxrss = ours_memory()
        profiled, watch = ours_profile()
        from indices.models import IndexCell

        cells = IndexCell.objects.filter(year__in=YEARS).count()

        naive_years = YEARS[-args.naive_years :]
        naive_seconds, naive_result = naive(naive_years)
        same, compared = agrees(naive_result)
        floor_times, floor_rows = floor(FLOOR_SQL, args.runs)
        bare_times, bare_rows = floor(BARE_SQL, args.runs)
        roomy_times, _rows = floor(FLOOR_SQL, args.runs, work_mem="64MB")
        copy_seconds, _copied = cells_copy()
        measured = proposals(args.runs) if args.proposals else []
        vacuum_cells()
        load = dashboard_under_load(clients=args.clients, requests=args.requests)
    finally:
        if not args.keep:
            connection.creation.destroy_test_db(original, verbosity=0)

    figures = {
        "ours": ours_times,
        "peak": peak,
        "maxrss": maxrss,
        "profiled": profiled,
        "watch": watch,
        "cells": cells,
        "naive_years": naive_years,
        "naive": naive_seconds,
        "agree": (same, compared),
        "floor": (floor_times, floor_rows),
        "bare": (bare_times, bare_rows),
        "roomy": roomy_times,
        "copy": copy_seconds,
        "proposals": measured,
    }
    report(
        f"python {platform.python_version()} · PostgreSQL {connection.pg_version // 10000} · {os.cpu_count()} CPUs · "
        f"scratch database {scratch} ({'kept' if args.keep else 'dropped'})"
    )
    report(
        f"data: {held['enterprises']:,} enterprises, {held['facts']:,} facts ({held['official']:,} official) over "
        f"{YEARS[0]}-{YEARS[-1]}; {'reused' if reused else 'built'} in {built:.1f} s; today = {TODAY}"
    )
    report_figures(figures)
    report_load(load, clients=args.clients, requests=args.requests)


def _runs(times: list[float]) -> str:
    return f"{' / '.join(f'{t:.2f}' for t in times)} s; median {statistics.median(times):.2f} s"


def report_figures(f: dict) -> None:
    ours_median = statistics.median(f["ours"])
    floor_times, floor_rows = f["floor"]
    bare_times, bare_rows = f["bare"]
    naive_years = f["naive_years"]
    naive_scaled = f["naive"] * len(YEARS) / len(naive_years)
    report(f"cells written per recompute: {f['cells']:,}")
    report()
    report(f"1. ours   indices_recompute, 4 years: {_runs(f['ours'])}")
    report(
        f"          peak memory {f['peak'] / 1_048_576:.0f} MB traced (tracemalloc); "
        f"process peak RSS {f['maxrss'] / 1_048_576:.0f} MB (building the data included)"
    )
    report(f"          where the time goes (instrumented run, {f['profiled']:.2f} s):")
    watch = f["watch"]
    for label, total in sorted(watch.totals.items(), key=lambda item: -item[1]):
        share = 100 * total / f["profiled"]
        report(f"            {label:<48} {total:6.2f} s  {share:5.1f} %  ({watch.calls[label]} calls)")
    report()
    scaled = ""
    if len(naive_years) < len(YEARS):
        scaled = f" (measured on {naive_years}: {f['naive']:.2f} s, scaled x{len(YEARS) / len(naive_years):g})"
    report(f"2. naive  ORM row by row, n and sum S per city x industry x size: {naive_scaled:.2f} s{scaled}")
    same, compared = f["agree"]
    report(f"          agrees with the real method's finest cells: {same:,} of {compared:,}")
    report(
        f"3. floor  one SQL GROUP BY (year, city, industry, size), same latest-valid-result rule: {_runs(floor_times)}"
    )
    report(f"          ({floor_rows:,} rows fetched)")
    report(
        f"          bare GROUP BY of official facts (no latest-result rule): {_runs(bare_times)}, {bare_rows:,} rows"
    )
    report(f"          the same with work_mem 64MB (as P4 below): {_runs(f['roomy'])}")
    floor_median = statistics.median(floor_times)
    report(
        f"          floor + COPY of the same {f['cells']:,} cells into a table without indexes: "
        f"{floor_median + f['copy']:.2f} s (COPY {f['copy']:.2f} s)"
    )
    report()
    report(f"ratio naive / ours: {naive_scaled / ours_median:.1f}x faster (target at least 20x)")
    report(f"ratio ours / floor: {ours_median / floor_median:.2f}x (target within 1.5x)")
    report(f"ratio ours / (floor + COPY of the cells): {ours_median / (floor_median + f['copy']):.2f}x")
    if f["proposals"]:
        report()
        report("proposed changes, each added to the ones above it (median of the runs, taking turns; same data):")
        baseline = f["proposals"][0][1]
        for label, took, differ in f["proposals"]:
            report(
                f"   {label:<34} {took:6.2f} s  ({baseline / took:4.2f}x the copy of today's code)  "
                f"cells differing from the real recompute's: {differ}"
            )


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


if __name__ == "__main__":
    main()
