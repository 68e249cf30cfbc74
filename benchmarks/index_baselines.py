"""Two baselines for the index recompute that compute exactly the cells it computes (ARCHITECTURE §7).

``benchmarks/bench_indices.py`` times ``indices.services.indices_recompute`` against them; both produce every cell
the real method produces (country / province / city x industry | all x size | all: n, registered, coverage, index,
levels, new levels, the self-assessed layer, calibration gap, change on the year before, quartiles), so the ratios
compare like jobs:

- ``naive_recompute``: what a developer would write without thinking about speed: facts and enterprises read
  through the ORM as model instances, row by row; everything accumulated in Python dicts (no pandas, no raw SQL);
  each cell written with ``update_or_create``, one transaction a year (as the real recompute: a worker killed
  mid-run leaves the year's previous cells), under its own ``method_version`` so the real cells are not touched.
  ``naive_cells`` reads them back, ``drop_naive`` removes them.
- ``floor_cells``: one PostgreSQL statement computing every cell of every year at once (the dimension scores'
  quartiles included: the statement unnests the JSON, so no query for the dimension keys first), fetched to Python
  and shaped like ``bench_indices.snapshot()``; nothing is written.

The rules are the real method's (``indices.services`` and ``indices.method``): each enterprise's latest official
result on the reference day, the change on the year before (computed when not in the list), registrations up to
midnight after the reference day in the platform's time zone.
"""

import statistics
from collections import defaultdict
from datetime import date, datetime, time, timedelta

from django.db import connection, transaction
from django.utils import timezone

from enterprises.choices import VerificationStatus
from enterprises.models import Enterprise, Region
from indices import method
from indices.choices import Layer
from indices.models import ALL, COUNTRY, EvaluationFact, IndexCell
from indices.services import reference_date

NAIVE_VERSION = "naive"
CELL_FIELDS = [f.name for f in IndexCell._meta.fields if f.name not in ("id", "computed_at")]
_AT = {name: position for position, name in enumerate(method.COUNTS)}  # the additive counts of one cell, a list


def _rounded(value: float | None) -> float | None:
    """4 decimals, None where undefined: as the recompute stores a value."""
    return None if value is None else round(float(value), 4)


def _ensure_not_real(method_version: str) -> None:
    if method_version == method.METHOD_VERSION:
        raise ValueError(f"{method_version!r} is the real method's version: the baseline would overwrite its cells.")


# --- Naive: the ORM row by row, Python dicts, update_or_create -------------------------------------------------


def _registered_before(ref: date) -> datetime:
    """The end of the reference day as the recompute compares it: midnight after it, in the platform's zone."""
    return datetime.combine(ref + timedelta(days=1), time(), tzinfo=timezone.get_default_timezone())


def _quartiles_of(values: list[float]) -> list[float]:
    """Linear interpolation between the closest ranks (pandas' default), 4 decimals."""
    if len(values) == 1:
        return [round(float(values[0]), 4)] * len(method.QUANTILES)
    return [round(q, 4) for q in statistics.quantiles(values, n=4, method="inclusive")]


def _naive_quartiles(scores: list[tuple[str, str, float, dict]]) -> dict:
    """``method.quartiles`` on (province, industry, S, dimension scores) of each enterprise counted."""
    groups = defaultdict(list)
    for province, industry, score, dimensions in scores:
        for key in (
            ("country", COUNTRY, industry, ALL),
            ("province", province, ALL, ALL),
            ("country", COUNTRY, ALL, ALL),
        ):
            groups[key].append((score, dimensions))
    result = {}
    for key, members in groups.items():
        if len(members) < method.SUPPRESS_BELOW:
            continue
        by_dimension = defaultdict(list)
        for _score, dimensions in members:
            for name, value in (dimensions or {}).items():
                if isinstance(value, int | float) and not isinstance(value, bool):  # JSON numbers only
                    by_dimension[name].append(value)
        result[key] = {
            "S": _quartiles_of([score for score, _dimensions in members]),
            "dimensions": {name: _quartiles_of(values) for name, values in by_dimension.items()},
        }
    return result


def _naive_counts(year: int, *, today: date, provinces: dict[str, str], with_scores: bool) -> tuple[dict, dict]:
    """The year's counts rolled up to every cell, {(region_level, region_code, industry_code, size_class): counts
    in ``method.COUNTS`` order}, and its quartiles (empty unless ``with_scores``)."""
    ref = reference_date(year, today=today)
    start = date(year, 1, 1)
    latest: dict[int, EvaluationFact] = {}
    firsts: dict[int, dict[int, date]] = defaultdict(dict)  # enterprise -> level -> first day reached, not revoked
    for fact in EvaluationFact.objects.filter(layer=Layer.OFFICIAL, valid_from__lte=ref).iterator(chunk_size=2000):
        held = latest.get(fact.enterprise_id)
        if held is None or (fact.valid_from, fact.pk) > (held.valid_from, held.pk):
            latest[fact.enterprise_id] = fact
        if fact.revoked_on is None:
            reached = firsts[fact.enterprise_id]
            for k in method.NEW_LEVELS:
                if fact.level >= k and (k not in reached or fact.valid_from < reached[k]):
                    reached[k] = fact.valid_from

    fine = defaultdict(lambda: [0] * len(method.COUNTS))  # city x province x industry x size
    scores = []
    for enterprise_id, fact in latest.items():
        counts = fine[(fact.city_code, fact.province_code, fact.industry_code, fact.size_class)]
        if fact.valid_until >= ref and (fact.revoked_on is None or fact.revoked_on > ref):
            counts[_AT["n"]] += 1
            counts[_AT["sum_s"]] += fact.score
            counts[_AT[f"l{fact.level}"]] += 1
            if with_scores:
                scores.append((fact.province_code, fact.industry_code, fact.score, fact.dimension_scores))
        for k, first in firsts.get(enterprise_id, {}).items():
            if first >= start:
                counts[_AT[f"new{k}"]] += 1
    for fact in EvaluationFact.objects.filter(layer=Layer.SELF, year=year).iterator(chunk_size=2000):
        counts = fine[(fact.city_code, fact.province_code, fact.industry_code, fact.size_class)]
        counts[_AT["self_n"]] += 1
        counts[_AT["self_sum"]] += fact.score
    registered = (
        Enterprise.objects.filter(created_at__lt=_registered_before(ref))
        .exclude(status=VerificationStatus.REJECTED)
        .iterator(chunk_size=2000)
    )
    for enterprise in registered:
        city = enterprise.region_id
        fine[(city, provinces[city], enterprise.industry_id, enterprise.size_class)][_AT["registered"]] += 1

    rolled = defaultdict(lambda: [0] * len(method.COUNTS))
    for (city, province, industry, size), counts in fine.items():
        for region in (("country", COUNTRY), ("province", province), ("city", city)):
            for industry_code in (industry, ALL):
                for size_class in (size, ALL):
                    total = rolled[(*region, industry_code, size_class)]
                    for position, value in enumerate(counts):
                        total[position] += value
    return dict(rolled), _naive_quartiles(scores) if with_scores else {}


def _ratios(counts: list) -> dict[str, float | None]:
    """``method.ratios`` of one cell, unrounded."""
    n, registered, self_n = counts[_AT["n"]], counts[_AT["registered"]], counts[_AT["self_n"]]
    index = method.SCALE * counts[_AT["sum_s"]] / n if n > 0 else None
    self_index = method.SCALE * counts[_AT["self_sum"]] / self_n if self_n > 0 else None
    return {
        "index": index,
        "coverage": n / registered if registered > 0 else None,
        "self_index": self_index,
        "calibration_gap": self_index - index if self_index is not None and index is not None else None,
    }


def _change(now: float | None, before: float | None) -> float | None:
    return now - before if now is not None and before is not None else None


def _naive_year_cells(rolled: dict, *, previous: dict, quartiles: dict) -> tuple[dict, dict]:
    """The cells kept (n, registered or self-assessments) as IndexCell values, and every cell's ratios (the change
    of the next year is taken on them)."""
    cells, ratios = {}, {}
    for key, counts in rolled.items():
        ratios[key] = mine = _ratios(counts)
        if not (counts[_AT["n"]] > 0 or counts[_AT["registered"]] > 0 or counts[_AT["self_n"]] > 0):
            continue
        before = previous.get(key, {})
        cells[key] = {
            "region_level": key[0],
            "n": int(counts[_AT["n"]]),
            "registered": int(counts[_AT["registered"]]),
            "coverage": _rounded(mine["coverage"]),
            "index": _rounded(mine["index"]),
            "levels": {str(k): int(counts[_AT[f"l{k}"]]) for k in method.LEVELS},
            "new_levels": {str(k): int(counts[_AT[f"new{k}"]]) for k in method.NEW_LEVELS},
            "self_n": int(counts[_AT["self_n"]]),
            "self_index": _rounded(mine["self_index"]),
            "calibration_gap": _rounded(mine["calibration_gap"]),
            "index_change": _rounded(_change(mine["index"], before.get("index"))),
            "coverage_change": _rounded(_change(mine["coverage"], before.get("coverage"))),
            "quartiles": quartiles.get(key, {}),
        }
    return cells, ratios


def _naive_write(year: int, cells: dict, *, method_version: str) -> int:
    """Each cell upserted through the ORM, then the year's cells not written deleted; one transaction."""
    stamp = timezone.now()
    with transaction.atomic():
        for (_level, region_code, industry_code, size_class), values in cells.items():
            IndexCell.objects.update_or_create(
                method_version=method_version,
                year=year,
                region_code=region_code,
                industry_code=industry_code,
                size_class=size_class,
                defaults={**values, "computed_at": stamp},
            )
        IndexCell.objects.filter(method_version=method_version, year=year).exclude(computed_at=stamp).delete()
    return len(cells)


def naive_recompute(years: list[int], *, today: date, method_version: str = NAIVE_VERSION) -> None:
    """Recompute the cells of ``years`` the naive way, stored under ``method_version`` (not the real version)."""
    _ensure_not_real(method_version)
    years = sorted(set(years))
    if not years:
        return
    provinces = {region.code: region.parent_id or region.code for region in Region.objects.all()}
    previous, previous_year = {}, None
    for year in years:
        if previous_year != year - 1:  # the change is on the year before, recomputed or not
            rolled, _none = _naive_counts(year - 1, today=today, provinces=provinces, with_scores=False)
            _cells, previous = _naive_year_cells(rolled, previous={}, quartiles={})
        rolled, quartiles = _naive_counts(year, today=today, provinces=provinces, with_scores=True)
        cells, previous = _naive_year_cells(rolled, previous=previous, quartiles=quartiles)
        _naive_write(year, cells, method_version=method_version)
        previous_year = year


def naive_cells(method_version: str = NAIVE_VERSION) -> dict:
    """The naive cells as ``bench_indices.snapshot()`` returns cells; ``method_version`` reads as the real method's
    version (the one they reproduce), so the two compare with ``bench_indices.differing()``."""
    return {
        (c["year"], c["region_code"], c["industry_code"], c["size_class"]): {
            **c,
            "method_version": method.METHOD_VERSION,
        }
        for c in IndexCell.objects.filter(method_version=method_version).values(*CELL_FIELDS)
    }


def drop_naive(method_version: str = NAIVE_VERSION) -> int:
    """Delete the naive cells; how many."""
    _ensure_not_real(method_version)
    deleted, _by_model = IndexCell.objects.filter(method_version=method_version).delete()
    return deleted


# --- Floor: one statement --------------------------------------------------------------------------------------


def _round4(expression: str) -> str:
    """4 decimals, as the recompute stores values (in double precision: cheaper than through numeric)."""
    return f"round(({expression}) * 10000) / 10000"


def _quartile_array(quartiles: str) -> str:
    """An array of quartiles (``percentile_cont``'s linear interpolation, as pandas) as a JSON array, rounded."""
    rounded = ", ".join(_round4(f"({quartiles})[{i}]") for i in range(1, len(method.QUANTILES) + 1))
    return f"jsonb_build_array({rounded})"


def _percentiles(expression: str) -> str:
    return f"percentile_cont(ARRAY{list(method.QUANTILES)}) WITHIN GROUP (ORDER BY {expression})"


_CELL = """
     CASE WHEN GROUPING(city_code) = 0 THEN 'city' WHEN GROUPING(province_code) = 0 THEN 'province'
          ELSE 'country' END AS region_level,
     CASE WHEN GROUPING(city_code) = 0 THEN city_code WHEN GROUPING(province_code) = 0 THEN province_code
          ELSE %(country)s END AS region_code,
     CASE WHEN GROUPING(industry_code) = 0 THEN industry_code ELSE %(all)s END AS industry_code,
     CASE WHEN GROUPING(size_class) = 0 THEN size_class ELSE %(all)s END AS size_class"""
# The benchmark cells of the quartiles: country x industry, each province, the country.
_BENCHMARK_CELL = """
     CASE WHEN GROUPING(l.province_code) = 0 THEN 'province' ELSE 'country' END AS region_level,
     CASE WHEN GROUPING(l.province_code) = 0 THEN l.province_code ELSE %(country)s END AS region_code,
     CASE WHEN GROUPING(l.industry_code) = 0 THEN l.industry_code ELSE %(all)s END AS industry_code"""
_BENCHMARK_SETS = "GROUPING SETS ((l.industry_code), (l.province_code), ())"
_NEW_FLAGS = ",\n         ".join(
    f"CASE WHEN MIN(CASE WHEN f.level >= {k} AND f.revoked_on IS NULL THEN f.valid_from END) OVER same_enterprise "
    f">= r.start THEN 1 ELSE 0 END AS new{k}"
    for k in method.NEW_LEVELS
)
_NO_OFFICIAL = ", ".join(["0", "0::float8", *["0"] * len(method.LEVELS), *["0"] * len(method.NEW_LEVELS)])

_SUMS = ", ".join(f"SUM({column}) AS {column}" for column in method.COUNTS)  # int and float8 in, bigint and float8 out

# Built from constants only; every value is a parameter.
FLOOR_SQL = f"""
WITH refs(year, ref, start, after, output) AS (VALUES {{refs}}),
ranked AS (
  SELECT r.year, r.output, f.enterprise_id, f.city_code, f.province_code, f.industry_code, f.size_class, f.level,
         f.score, f.dimension_scores,
         CASE WHEN f.valid_until >= r.ref AND (f.revoked_on IS NULL OR f.revoked_on > r.ref) THEN 1 ELSE 0 END
           AS counted,
         ROW_NUMBER() OVER (same_enterprise ORDER BY f.valid_from DESC, f.id DESC) AS rn,
         {_NEW_FLAGS}
  FROM refs r JOIN indices_evaluationfact f ON f.layer = 'official' AND f.valid_from <= r.ref
  WINDOW same_enterprise AS (PARTITION BY r.year, f.enterprise_id)
),
latest AS (SELECT * FROM ranked WHERE rn = 1),
registered_from AS (  -- each enterprise counted from the first year whose reference day it was registered by
  SELECT e.region_id AS city_code, COALESCE(g.parent_id, g.code) AS province_code, e.industry_id AS industry_code,
         e.size_class, {{first_year}} AS first_year, COUNT(*) AS registered
  FROM enterprises_enterprise e JOIN enterprises_region g ON g.code = e.region_id
  WHERE e.status <> 'rejected' AND e.created_at < (SELECT MAX(after) FROM refs)
  GROUP BY 1, 2, 3, 4, 5
),
fine AS (
  SELECT year, city_code, province_code, industry_code, size_class,
         counted AS n, CASE WHEN counted = 1 THEN score ELSE 0 END AS sum_s,
         {", ".join(f"CASE WHEN counted = 1 AND level = {k} THEN 1 ELSE 0 END AS l{k}" for k in method.LEVELS)},
         {", ".join(f"new{k}" for k in method.NEW_LEVELS)}, 0 AS self_n, 0::float8 AS self_sum, 0 AS registered
  FROM latest
  UNION ALL
  SELECT year, city_code, province_code, industry_code, size_class, {_NO_OFFICIAL}, 1, score, 0
  FROM indices_evaluationfact WHERE layer = 'self' AND year IN (SELECT year FROM refs)
  UNION ALL
  SELECT r.year, b.city_code, b.province_code, b.industry_code, b.size_class, {_NO_OFFICIAL}, 0, 0, b.registered::int
  FROM refs r JOIN registered_from b ON b.first_year <= r.year
),
rolled AS (
  SELECT year, {_CELL},
         {_SUMS}
  FROM fine
  GROUP BY year, GROUPING SETS ((), (province_code), (city_code)), CUBE (industry_code, size_class)
),
ratios AS (
  SELECT *, {method.SCALE} * sum_s / NULLIF(n, 0) AS index, n::float8 / NULLIF(registered, 0) AS coverage,
         {method.SCALE} * self_sum / NULLIF(self_n, 0) AS self_index
  FROM rolled
),
cells AS (  -- each cell with the one before it (a cell absent a year has neither index nor coverage that year)
  SELECT *, LAG(year) OVER before AS year_before, LAG(index) OVER before AS index_before,
         LAG(coverage) OVER before AS coverage_before
  FROM ratios
  WINDOW before AS (PARTITION BY region_level, region_code, industry_code, size_class ORDER BY year)
),
benchmark AS (
  SELECT l.year, {_BENCHMARK_CELL}, {_percentiles("l.score")} AS s
  FROM latest l WHERE l.counted = 1 AND l.output
  GROUP BY l.year, {_BENCHMARK_SETS}
  HAVING COUNT(*) >= {method.SUPPRESS_BELOW}
),
dimension AS (
  SELECT l.year, {_BENCHMARK_CELL}, d.key, {_percentiles("d.value::float8")} AS q
  FROM latest l CROSS JOIN LATERAL jsonb_each(l.dimension_scores) d
  WHERE l.counted = 1 AND l.output AND jsonb_typeof(d.value) = 'number'
  GROUP BY l.year, d.key, {_BENCHMARK_SETS}
),
quartiles AS (  -- one JSON object, looked up by each cell (a join's plan would rest on guessed row counts)
  SELECT jsonb_object_agg(concat_ws('/', year, region_level, region_code, industry_code), quartiles) AS of_cell
  FROM (
    SELECT b.year, b.region_level, b.region_code, b.industry_code,
           jsonb_build_object('S', {_quartile_array("b.s")}, 'dimensions', COALESCE(
             jsonb_object_agg(d.key, {_quartile_array("d.q")}) FILTER (WHERE d.key IS NOT NULL), '{{{{}}}}'::jsonb))
             AS quartiles
    FROM benchmark b LEFT JOIN dimension d USING (year, region_level, region_code, industry_code)
    GROUP BY b.year, b.region_level, b.region_code, b.industry_code, b.s
  ) benchmark_cell
)
SELECT json_agg(json_build_object(
         'method_version', %(version)s::text, 'year', c.year, 'region_level', c.region_level,
         'region_code', c.region_code, 'industry_code', c.industry_code, 'size_class', c.size_class,
         'n', c.n, 'registered', c.registered, 'coverage', {_round4("c.coverage")}, 'index', {_round4("c.index")},
         'levels', json_build_object({", ".join(f"'{k}', c.l{k}" for k in method.LEVELS)}),
         'new_levels', json_build_object({", ".join(f"'{k}', c.new{k}" for k in method.NEW_LEVELS)}),
         'self_n', c.self_n, 'self_index', {_round4("c.self_index")},
         'calibration_gap', {_round4("c.self_index - c.index")},
         'index_change', {_round4("CASE WHEN c.year_before = {previous} THEN c.index - c.index_before END")},
         'coverage_change', {_round4("CASE WHEN c.year_before = {previous} THEN c.coverage - c.coverage_before END")},
         'quartiles', COALESCE(CASE WHEN c.size_class = %(all)s THEN q.of_cell -> concat_ws('/', c.year,
           c.region_level, c.region_code, c.industry_code) END, '{{{{}}}}'::jsonb)))
FROM cells c CROSS JOIN quartiles q
WHERE c.year IN (SELECT year FROM refs WHERE output) AND (c.n > 0 OR c.registered > 0 OR c.self_n > 0)
"""  # noqa: S608


def floor_statement(years: list[int], *, today: date) -> tuple[str, dict]:
    """The one statement and its parameters: every year of ``years`` and each one's year before (for the change;
    not returned unless asked for)."""
    years = sorted(set(years))
    every = sorted({*years, *(year - 1 for year in years)})
    params: dict = {"country": COUNTRY, "all": ALL, "first": years[0], "version": method.METHOD_VERSION}
    refs, first_year, previous = [], [], []
    for position, year in enumerate(every):
        ref = reference_date(year, today=today)
        params |= {f"y{position}": year, f"ref{position}": ref, f"after{position}": _registered_before(ref)}
        params[f"start{position}"] = date(year, 1, 1)
        refs.append(
            f"(%(y{position})s::int, %(ref{position})s::date, %(start{position})s::date, "
            f"%(after{position})s::timestamptz, {'true' if year in years else 'false'})"
        )
        first_year.append(f"WHEN e.created_at < %(after{position})s::timestamptz THEN %(y{position})s::int")
        if year in years:
            previous.append(f"WHEN %(y{position})s::int THEN %(y{position})s::int - 1")
    statement = FLOOR_SQL.format(
        refs=", ".join(refs),
        first_year=f"CASE {' '.join(first_year)} END",
        previous=f"CASE c.year {' '.join(previous)} END",
    )
    return statement, params


def floor_cells(years: list[int], *, today: date) -> dict:
    """Every cell of ``years`` from one statement (the SQL floor of the recompute), keyed and shaped as
    ``bench_indices.snapshot()``; nothing written.

    The statement does all the work, the quartiles of the dimension scores included (it unnests the JSON: no query
    for the dimension keys first), and returns the cells as one JSON array (one parse in Python, cheaper than a
    row and three JSON values per cell); Python only keys them. It runs with the session's ``work_mem``.
    """
    if not years:
        return {}
    statement, params = floor_statement(years, today=today)
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        (cells,) = cursor.fetchone()
    return {(c["year"], c["region_code"], c["industry_code"], c["size_class"]): c for c in cells or []}
