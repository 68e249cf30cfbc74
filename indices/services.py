"""Recomputing the index snapshots: SQL aggregates at the finest grain, the method on small frames, one
transaction per year and method version.

A recompute is idempotent: it upserts every cell of a year and deletes the year's cells that no longer exist,
inside one transaction, so a worker killed mid-run leaves the previous snapshot of that year as it was.
"""

import json
import math
from collections.abc import Callable
from datetime import date, timedelta

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
from indices import method
from indices.models import EvaluationFact, IndexCell

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

SCORES_SQL = _RANKED + "SELECT province_code, industry_code, score, dimension_scores FROM latest WHERE counted = 1"

SELF_SQL = """
SELECT city_code, province_code, industry_code, size_class, COUNT(*) AS self_n, SUM(score) AS self_sum
FROM indices_evaluationfact
WHERE layer = 'self' AND year = %(year)s
GROUP BY city_code, province_code, industry_code, size_class
"""

REGISTERED_SQL = """
SELECT e.region_id AS city_code, COALESCE(r.parent_id, r.code) AS province_code, e.industry_id AS industry_code,
       e.size_class, COUNT(*) AS registered
FROM enterprises_enterprise e JOIN enterprises_region r ON r.code = e.region_id
WHERE e.status <> 'rejected' AND e.created_at < %(after)s
GROUP BY e.region_id, COALESCE(r.parent_id, r.code), e.industry_id, e.size_class
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


def _scores(params: dict) -> pd.DataFrame:
    raw = _frame(SCORES_SQL, params)
    if raw.empty:
        return pd.DataFrame(columns=["province_code", "industry_code", "score"])
    dimensions = pd.DataFrame(
        [value if isinstance(value, dict) else json.loads(value or "{}") for value in raw.pop("dimension_scores")]
    )
    raw["score"] = pd.to_numeric(raw["score"])
    return pd.concat([raw, dimensions], axis=1)


def year_frames(
    year: int, *, today: date | None = None, with_scores: bool = True
) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """The finest-grain counts of ``year`` and the per-enterprise scores behind its quartiles (unless not wanted:
    the year before the first one recomputed only gives the change on it)."""
    ref = reference_date(year, today=today)
    params = {
        "ref": ref.isoformat(),
        "start": date(year, 1, 1).isoformat(),
        "year": year,
        "after": (ref + timedelta(days=1)).isoformat(),
    }
    official = _numeric(_frame(OFFICIAL_SQL, params))
    self_layer = _numeric(_frame(SELF_SQL, params))
    registered = _numeric(_frame(REGISTERED_SQL, params))
    return method.finest(official, self_layer, registered), _scores(params) if with_scores else None


def _none_if_nan(value):
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else round(float(value), 4)


KEY_COLUMNS = ("method_version", "year", "region_code", "industry_code", "size_class")
VALUE_COLUMNS = (
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
    "computed_at",
)
_COLUMNS = ", ".join(f'"{column}"' for column in KEY_COLUMNS + VALUE_COLUMNS)  # "index" is a keyword in SQLite
_ON_CONFLICT = f"ON CONFLICT ({', '.join(KEY_COLUMNS)}) DO UPDATE SET " + ", ".join(
    f'"{column}" = excluded."{column}"' for column in VALUE_COLUMNS
)
# SQLite (the embedded default): one upsert statement per row. PostgreSQL: COPY into a temporary table, then one
# set-based upsert. The ORM's bulk_create spent ~0.5 ms a row preparing values; both keep the write near the
# database's own speed.
UPSERT_SQL = (
    f"INSERT INTO {IndexCell._meta.db_table} ({_COLUMNS}) "
    f"VALUES ({', '.join(['%s'] * (len(KEY_COLUMNS) + len(VALUE_COLUMNS)))}) {_ON_CONFLICT}"
)
INCOMING = "indices_incoming_cells"
PG_STAGE_SQL = (
    f"CREATE TEMPORARY TABLE {INCOMING} ON COMMIT DROP AS "
    f"SELECT {_COLUMNS} FROM {IndexCell._meta.db_table} WITH NO DATA"
)
PG_UPSERT_SQL = f"INSERT INTO {IndexCell._meta.db_table} ({_COLUMNS}) SELECT {_COLUMNS} FROM {INCOMING} {_ON_CONFLICT}"


def _cell_values(row: dict, *, year: int, quartiles: dict, stamp) -> tuple:
    key = (row["region_level"], row["region_code"], row["industry_code"], row["size_class"])
    return (
        method.METHOD_VERSION,
        year,
        row["region_code"],
        row["industry_code"],
        row["size_class"],
        row["region_level"],
        int(row["n"]),
        int(row["registered"]),
        _none_if_nan(row["coverage"]),
        _none_if_nan(row["index"]),
        json.dumps(method.level_counts(row)),
        json.dumps(method.new_level_counts(row)),
        int(row["self_n"]),
        _none_if_nan(row["self_index"]),
        _none_if_nan(row["calibration_gap"]),
        _none_if_nan(row["index_change"]),
        _none_if_nan(row["coverage_change"]),
        json.dumps(quartiles.get(key, {})),
        stamp,
    )


def _write_year(year: int, cells: pd.DataFrame, quartiles: dict) -> int:
    """Upsert the year's cells and delete the ones no longer there, in one transaction."""
    stamp = timezone.now()
    stored = connection.ops.adapt_datetimefield_value(stamp)  # as the ORM writes it (SQLite: naive UTC text)
    rows = [_cell_values(row, year=year, quartiles=quartiles, stamp=stored) for row in cells.to_dict("records")]
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"DROP TABLE IF EXISTS {INCOMING}")  # left by a rolled-back savepoint
            cursor.execute(PG_STAGE_SQL)
            with cursor.cursor.copy(f"COPY {INCOMING} ({_COLUMNS}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            cursor.execute(PG_UPSERT_SQL)
            cursor.execute(f"DROP TABLE {INCOMING}")
        else:
            cursor.executemany(UPSERT_SQL, rows)
        IndexCell.objects.filter(method_version=method.METHOD_VERSION, year=year).exclude(computed_at=stamp).delete()
    return len(rows)


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
) -> dict[int, int]:
    """Recompute the cells of ``years`` (default: every year with data); returns cells written per year."""
    today = today or timezone.localdate()
    years = sorted(years) if years else years_with_data(today=today)
    written = {}
    previous = None
    if years:
        previous_fine, _no_scores = year_frames(years[0] - 1, today=today, with_scores=False)
        previous = method.ratios(method.roll_up(previous_fine))
    for done, year in enumerate(years):
        fine, scores = year_frames(year, today=today)
        cells, quartiles = method.cells_for_year(fine, previous=previous, scores=scores)
        written[year] = _write_year(year, cells, quartiles)
        previous = cells
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
