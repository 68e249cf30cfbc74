"""Recomputing the index snapshots: SQL aggregates at the finest grain, the method on small frames, one
transaction per year and method version.

A recompute is idempotent: for each year, inside one transaction, it inserts the new cells, rewrites the ones
whose values changed and deletes the ones no longer there, so a worker killed mid-run leaves the previous snapshot
of that year as it was.
"""

import json
from collections.abc import Callable
from datetime import date, datetime, time, timedelta

import pandas as pd
from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import Role
from core import jobs
from core.exceptions import NotPermitted
from core.models import Job
from enterprises.models import Region
from indices import method
from indices.models import EvaluationFact, IndexCell, IndexSnapshot

ProgressCallback = Callable[[int, int], None]
RECOMPUTE_PENDING_KEY = "indices:recompute-pending"
RECOMPUTE_JOB = "indices.recompute"

# One scan of the official facts: each enterprise's latest result on the reference day (rn = 1), and the first
# day it reached each level with a result that was not revoked (window minimums over all its results). No join:
# the plan stays one sort whatever the planner believes about the table's size.
_FIRSTS = ",\n         ".join(
    f"MIN(CASE WHEN f.level >= {k} AND f.revoked_on IS NULL THEN f.valid_from END) "
    f"OVER (PARTITION BY f.enterprise_id) AS f{k}"
    for k in method.NEW_LEVELS
)
_RANKED = f"""
WITH ranked AS (
  SELECT f.enterprise_id, f.city_code, f.province_code, f.industry_code, f.size_class, f.level, f.score,
         f.valid_until, f.revoked_on, f.dimension_scores,
         ROW_NUMBER() OVER (PARTITION BY f.enterprise_id ORDER BY f.valid_from DESC, f.id DESC) AS rn,
         {_FIRSTS}
  FROM indices_evaluationfact f
  WHERE f.layer = 'official' AND f.valid_from <= %(ref)s
),
latest AS (
  SELECT r.*, CASE WHEN r.valid_until >= %(ref)s AND (r.revoked_on IS NULL OR r.revoked_on > %(ref)s)
                   THEN 1 ELSE 0 END AS counted
  FROM ranked r WHERE r.rn = 1
)
"""

_LEVEL_SUMS = ", ".join(f"SUM(CASE WHEN counted = 1 AND level = {k} THEN 1 ELSE 0 END) AS l{k}" for k in method.LEVELS)
_NEW_SUMS = ", ".join(f"SUM(CASE WHEN f{k} >= %(start)s THEN 1 ELSE 0 END) AS new{k}" for k in method.NEW_LEVELS)
OFFICIAL_SQL = (
    _RANKED
    + f"""
SELECT city_code, province_code, industry_code, size_class,
       SUM(counted) AS n,
       SUM(CASE WHEN counted = 1 THEN score ELSE 0 END) AS sum_s,
       {_LEVEL_SUMS},
       {_NEW_SUMS}
FROM latest
GROUP BY city_code, province_code, industry_code, size_class
"""
)

# Only the counted enterprises' scores; the dimension scores come as JSON text and are parsed in one call.
SCORES_SQL = (
    _RANKED
    + "SELECT province_code, industry_code, score, CAST(dimension_scores AS TEXT) AS dimensions "
    + "FROM latest WHERE counted = 1"
)

SELF_SQL = """
SELECT city_code, province_code, industry_code, size_class, COUNT(*) AS self_n, SUM(score) AS self_sum
FROM indices_evaluationfact
WHERE layer = 'self' AND year = %(year)s
GROUP BY city_code, province_code, industry_code, size_class
"""

# The registered enterprises of every year in one scan: each counted in the first year whose reference day it
# was registered by ({bucket} is a CASE over the years), then summed up year after year in pandas.
REGISTERED_SQL = """
SELECT region_id AS city_code, industry_id AS industry_code, size_class, {bucket} AS first_year,
       COUNT(*) AS registered
FROM enterprises_enterprise
WHERE status <> 'rejected' AND created_at < %(last)s
GROUP BY region_id, industry_id, size_class, first_year
"""


def reference_date(year: int, *, today: date | None = None) -> date:
    """The day a year's index describes: 31 December, or today for the current year."""
    today = today or timezone.localdate()
    return today if year >= today.year else date(year, 12, 31)


def _frame(sql: str, params: dict) -> pd.DataFrame:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        columns = [column[0] for column in cursor.description]
        return pd.DataFrame(cursor.fetchall(), columns=columns)


def _numeric(frame: pd.DataFrame) -> pd.DataFrame:
    for column in frame.columns:
        if column not in method.FINE:
            frame[column] = pd.to_numeric(frame[column])
    return frame


def _day_end(day: date):
    """Midnight after ``day`` in the platform's time zone, as the database compares it with a timestamp."""
    end = timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min), timezone.get_default_timezone())
    return connection.ops.adapt_datetimefield_value(end)


def registered_by_year(years: list[int], *, today: date | None = None) -> dict[int, pd.DataFrame]:
    """Registered enterprises at the finest grain for each of ``years`` (an enterprise counts from its
    registration, by the end of the reference day in the platform's time zone; rejected ones never), from one scan
    of the enterprises."""
    years = sorted(years)
    afters = {year: _day_end(reference_date(year, today=today)) for year in years}
    bucket = "CASE " + " ".join(f"WHEN created_at < %(after_{year})s THEN {year}" for year in years) + " END"
    params = {"last": afters[years[-1]], **{f"after_{year}": after for year, after in afters.items()}}
    raw = _frame(REGISTERED_SQL.format(bucket=bucket), params)
    empty = pd.DataFrame(columns=[*method.FINE, "registered"])
    if raw.empty:
        return dict.fromkeys(years, empty)
    province = {code: parent or code for code, parent in Region.objects.values_list("code", "parent_id")}
    raw["province_code"] = raw["city_code"].map(province)
    raw["registered"] = pd.to_numeric(raw["registered"])
    by_year = (
        raw.pivot_table(index=method.FINE, columns="first_year", values="registered", aggfunc="sum", fill_value=0)
        .reindex(columns=years, fill_value=0)
        .cumsum(axis=1)
    )
    frames = {}
    for year in years:
        column = by_year[year]
        frames[year] = column[column > 0].rename("registered").reset_index()
    return frames


def _scores(params: dict) -> pd.DataFrame:
    raw = _frame(SCORES_SQL, params)
    if raw.empty:
        return pd.DataFrame(columns=["province_code", "industry_code", "score"])
    texts = raw.pop("dimensions").fillna("{}")
    dimensions = pd.DataFrame(json.loads("[" + ",".join(texts) + "]"), index=raw.index)
    raw["score"] = pd.to_numeric(raw["score"])
    return pd.concat([raw, dimensions], axis=1)


def year_frames(
    year: int, *, registered: pd.DataFrame, today: date | None = None, with_scores: bool = True
) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """The finest-grain counts of ``year`` (``registered``: that year's frame of ``registered_by_year``) and the
    per-enterprise scores behind its quartiles (unless not wanted: the year before the first one recomputed only
    gives the change on it)."""
    ref = reference_date(year, today=today)
    params = {"ref": ref.isoformat(), "start": date(year, 1, 1).isoformat(), "year": year}
    official = _numeric(_frame(OFFICIAL_SQL, params))
    self_layer = _numeric(_frame(SELF_SQL, params))
    return method.finest(official, self_layer, registered), _scores(params) if with_scores else None


KEY_COLUMNS = ("method_version", "year", "region_code", "industry_code", "size_class")
COMPARED_COLUMNS = (
    "region_level",
    "n",
    "registered",
    "coverage",
    "index",
    "levels",
    "new_levels",
    "self_n",
    "self_index",
    "calibration_gap",
    "index_change",
    "coverage_change",
    "quartiles",
)
VALUE_COLUMNS = (*COMPARED_COLUMNS, "computed_at")


def _quoted(columns, prefix: str = "") -> str:
    return ", ".join(f'{prefix}"{column}"' for column in columns)  # "index" is a keyword in SQLite


_CELLS = IndexCell._meta.db_table
STAGED_COLUMNS = ("region_code", "industry_code", "size_class", *COMPARED_COLUMNS)  # the rest is the same for all
_STAGED = _quoted(STAGED_COLUMNS)
# Cells go to a temporary table first (COPY on PostgreSQL, one executemany on SQLite), then set-based statements
# insert the new cells, update only those whose values changed (unchanged rows are not rewritten: no dead rows
# for the vacuum, and a cell's computed_at is when its values last changed) and delete those no longer there.
INCOMING = "indices_incoming_cells"
STAGE_SQL = f"CREATE TEMPORARY TABLE {INCOMING} AS SELECT {_STAGED} FROM {_CELLS} WHERE 1 = 0"
STAGE_ROW_SQL = f"INSERT INTO {INCOMING} ({_STAGED}) VALUES ({', '.join(['%s'] * len(STAGED_COLUMNS))})"
UPSERT_SQL = (
    f"INSERT INTO {_CELLS} (method_version, year, computed_at, {_STAGED}) "
    f"SELECT %s, %s, %s, {_STAGED} FROM {INCOMING} WHERE true "  # "WHERE": SQLite's parser needs it
    f"ON CONFLICT ({', '.join(KEY_COLUMNS)}) DO UPDATE SET "
    + ", ".join(f'"{column}" = excluded."{column}"' for column in VALUE_COLUMNS)
    + f" WHERE ({_quoted(COMPARED_COLUMNS, f'{_CELLS}.')}) IS DISTINCT FROM ({_quoted(COMPARED_COLUMNS, 'excluded.')})"
)
DELETE_GONE_SQL = (
    f"DELETE FROM {_CELLS} WHERE method_version = %s AND year = %s AND (region_code, industry_code, size_class) "
    f"NOT IN (SELECT region_code, industry_code, size_class FROM {INCOMING})"
)


def _cell_rows(cells: pd.DataFrame, *, quartiles: dict) -> list[tuple]:
    """The rows to stage, in the order of ``STAGED_COLUMNS``, built a whole column at a time."""

    def numbers(column: str) -> list:
        values = cells[column].astype(float).round(4)
        return [None if value != value else value for value in values.tolist()]  # NaN is NULL

    def counts(prefix: str, levels) -> list[str]:
        template = "{{" + ", ".join(f'"{level}": {{}}' for level in levels) + "}}"  # what json.dumps writes
        columns = [cells[f"{prefix}{level}"].astype("int64").tolist() for level in levels]
        return [template.format(*row) for row in zip(*columns, strict=True)]

    def integers(column: str) -> list[int]:
        return cells[column].astype("int64").tolist()

    text = {column: cells[column].tolist() for column in method.KEY}
    keys = zip(*(text[column] for column in method.KEY), strict=True)
    columns = [
        text["region_code"],
        text["industry_code"],
        text["size_class"],
        text["region_level"],
        integers("n"),
        integers("registered"),
        numbers("coverage"),
        numbers("index"),
        counts("l", method.LEVELS),
        counts("new", method.NEW_LEVELS),
        integers("self_n"),
        numbers("self_index"),
        numbers("calibration_gap"),
        numbers("index_change"),
        numbers("coverage_change"),
        [json.dumps(quartiles[key], sort_keys=True) if key in quartiles else "{}" for key in keys],
    ]
    return list(zip(*columns, strict=True))


def _write_year(year: int, cells: pd.DataFrame, quartiles: dict) -> dict[str, int]:
    """Store the year's cells in one transaction: new ones inserted, changed ones updated, gone ones deleted.
    The year's ``IndexSnapshot`` says when, in the same transaction. Returns the year's cells and how many of
    them were written (inserted, changed or deleted)."""
    stamp = timezone.now()
    rows = _cell_rows(cells, quartiles=quartiles)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {INCOMING}")  # left by an earlier failure on this connection
        cursor.execute(STAGE_SQL)
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {INCOMING} ({_STAGED}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            cursor.executemany(STAGE_ROW_SQL, rows)
        # the stamp as the ORM writes it (SQLite: naive UTC text)
        cursor.execute(UPSERT_SQL, [method.METHOD_VERSION, year, connection.ops.adapt_datetimefield_value(stamp)])
        written = max(cursor.rowcount, 0)
        cursor.execute(DELETE_GONE_SQL, [method.METHOD_VERSION, year])
        written += max(cursor.rowcount, 0)
        cursor.execute(f"DROP TABLE {INCOMING}")
        IndexSnapshot.objects.update_or_create(
            method_version=method.METHOD_VERSION,
            year=year,
            defaults={"computed_at": stamp, "cells": len(rows), "changed": written},
        )
    return {"cells": len(rows), "written": written}


def years_with_data(*, today: date | None = None) -> list[int]:
    """Every year from the first fact to the current one."""
    today = today or timezone.localdate()
    first = EvaluationFact.objects.order_by("year").values_list("year", flat=True).first()
    published = (
        EvaluationFact.objects.filter(valid_from__isnull=False)
        .order_by("valid_from")
        .values_list("valid_from", flat=True)
        .first()
    )
    starts = [y for y in (first, published.year if published else None) if y]
    return list(range(min(starts), today.year + 1)) if starts else []


def indices_recompute(
    *, years: list[int] | None = None, today: date | None = None, progress: ProgressCallback | None = None
) -> dict[int, dict[str, int]]:
    """Recompute the cells of ``years`` (default: every year with data); returns, per year, its cells and how
    many of them were written (inserted, changed or deleted)."""
    today = today or timezone.localdate()
    years = sorted(years) if years else years_with_data(today=today)
    written = {}
    if not years:
        return written
    registered = registered_by_year(sorted({*years, *(year - 1 for year in years)}), today=today)
    previous, previous_year = None, None
    for done, year in enumerate(years):
        if previous_year != year - 1:  # the change is on the year before, recomputed or not
            fine_before, _no_scores = year_frames(
                year - 1, registered=registered[year - 1], today=today, with_scores=False
            )
            previous = method.ratios(method.roll_up(fine_before))
        fine, scores = year_frames(year, registered=registered[year], today=today)
        cells, quartiles = method.cells_for_year(fine, previous=previous, scores=scores)
        written[year] = _write_year(year, cells, quartiles)
        previous, previous_year = cells, year
        if progress:
            progress(done + 1, len(years))
    return written


def recompute_soon() -> bool:
    """Queue one recompute a few minutes from now, unless one is already queued (debounce). True if queued.

    Called after a result is published or revoked; a burst of publications gives one recompute. The cache key
    lives as long as the delay, so the next publication after the recompute queues the next one.
    """
    delay = settings.INDEX_RECOMPUTE_DELAY_SECONDS
    if not cache.add(RECOMPUTE_PENDING_KEY, True, timeout=max(delay, 1)):
        return False
    from indices.tasks import recompute_indices_task

    transaction.on_commit(lambda: recompute_indices_task.apply_async(countdown=delay))
    return True


def indices_recompute_start(*, by) -> Job:
    """MIIT's "Recompute now": every year's cells recomputed as a background job with a progress bar.

    The user's own unfinished recompute is returned instead of queueing a second one (a double click).
    """
    if not by.has_role(Role.NATIONAL):
        raise NotPermitted(_("Only MIIT staff recompute the index."))
    running = (
        Job.objects.filter(kind=RECOMPUTE_JOB, created_by=by, status__in=[Job.Status.QUEUED, Job.Status.RUNNING])
        .order_by("-pk")
        .first()
    )
    if running is not None:
        return running
    return jobs.job_create(kind=RECOMPUTE_JOB, data={}, by=by, total=len(years_with_data()))
