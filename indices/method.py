"""The index method (ARCHITECTURE §7), on small frames: roll-ups, ratios, year-on-year change, quartiles.

Input frames come from ``indices.services`` (aggregated in SQL at the finest grain: city x industry x size).
Everything here is plain pandas and is unit-tested on hand-computed data; the methodology page states the same
rules in words. Change the rules, change ``METHOD_VERSION``: cells of each version are kept apart.
"""

from itertools import product

import pandas as pd

from indices.models import ALL, COUNTRY

METHOD_VERSION = "1.0"
SCALE = 20  # I = 20 x mean S: S runs 0-5, the index 0-100
LEVELS = range(6)
NEW_LEVELS = range(1, 6)
SUPPRESS_BELOW = 5  # cells with fewer enterprises are suppressed outside the authority's own scope
KEY = ["region_level", "region_code", "industry_code", "size_class"]
FINE = ["city_code", "province_code", "industry_code", "size_class"]
COUNTS = [
    "n",
    "sum_s",
    *[f"l{k}" for k in LEVELS],
    *[f"new{k}" for k in NEW_LEVELS],
    "self_n",
    "self_sum",
    "registered",
]
QUANTILES = (0.25, 0.5, 0.75)


def finest(official: pd.DataFrame, self_layer: pd.DataFrame, registered: pd.DataFrame) -> pd.DataFrame:
    """One frame at city x industry x size with every additive count (missing counts are 0)."""
    frames = [frame.set_index(FINE) for frame in (official, self_layer, registered) if not frame.empty]
    if not frames:
        return pd.DataFrame(columns=[*FINE, *COUNTS])
    merged = pd.concat(frames, axis=1).fillna(0)
    for column in COUNTS:
        if column not in merged:
            merged[column] = 0
    return merged[COUNTS].reset_index()


def roll_up(fine: pd.DataFrame) -> pd.DataFrame:
    """Every cell: (country | province | city) x (industry | all) x (size | all), summed from the finest grain."""
    parts = []
    regions = {"country": None, "province": "province_code", "city": "city_code"}
    for (level, region_column), by_industry, by_size in product(regions.items(), (True, False), (True, False)):
        frame = fine.assign(
            region_level=level,
            region_code=fine[region_column] if region_column else COUNTRY,
            industry_code=fine["industry_code"] if by_industry else ALL,
            size_class=fine["size_class"] if by_size else ALL,
        )
        parts.append(frame.groupby(KEY, as_index=False)[COUNTS].sum())
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=[*KEY, *COUNTS])


def ratios(cells: pd.DataFrame) -> pd.DataFrame:
    """Index, coverage, self-assessed index and calibration gap from the counts (None where undefined)."""
    cells = cells.copy()
    n, registered, self_n = cells["n"], cells["registered"], cells["self_n"]
    cells["index"] = (SCALE * cells["sum_s"] / n).where(n > 0)
    cells["coverage"] = (n / registered).where(registered > 0)
    cells["self_index"] = (SCALE * cells["self_sum"] / self_n).where(self_n > 0)
    cells["calibration_gap"] = cells["self_index"] - cells["index"]
    return cells


def with_change(current: pd.DataFrame, previous: pd.DataFrame | None) -> pd.DataFrame:
    """Year-on-year change of the index and of coverage, for cells present both years."""
    current = current.copy()
    if previous is None or previous.empty:
        current["index_change"] = float("nan")
        current["coverage_change"] = float("nan")
        return current
    before = previous.set_index(KEY)[["index", "coverage"]].rename(columns=lambda c: f"{c}_before")
    current = current.join(before, on=KEY)
    current["index_change"] = current["index"] - current["index_before"]
    current["coverage_change"] = current["coverage"] - current["coverage_before"]
    return current.drop(columns=["index_before", "coverage_before"])


def quartiles(scores: pd.DataFrame) -> dict[tuple[str, str, str, str], dict]:
    """Quartiles of S and of each dimension score for the benchmark cells an enterprise compares itself with.

    ``scores`` has one row per enterprise counted in the index: province_code, industry_code, score and one
    column per dimension. Cells: the whole country by industry, each province over all industries, and the
    whole country. Only cells with at least SUPPRESS_BELOW enterprises get quartiles.
    """
    if scores.empty:
        return {}
    measures = [c for c in scores.columns if c not in ("province_code", "industry_code")]
    groupings = [
        ("country", lambda frame: [((COUNTRY, code), part) for code, part in frame.groupby("industry_code")]),
        ("province", lambda frame: [((code, ALL), part) for code, part in frame.groupby("province_code")]),
        ("country", lambda frame: [((COUNTRY, ALL), frame)]),
    ]
    result = {}
    for level, split in groupings:
        for (region_code, industry_code), part in split(scores):
            if len(part) < SUPPRESS_BELOW:
                continue
            q = part[measures].quantile(list(QUANTILES))
            values = {m: [round(float(v), 4) for v in q[m]] for m in measures if q[m].notna().all()}
            result[(level, region_code, industry_code, ALL)] = {
                "S": values.pop("score"),
                "dimensions": values,
            }
    return result


def cells_for_year(
    fine: pd.DataFrame, *, previous: pd.DataFrame | None, scores: pd.DataFrame
) -> tuple[pd.DataFrame, dict]:
    """The year's cells (with change on ``previous``, the prior year's cells) and the benchmark quartiles."""
    cells = with_change(ratios(roll_up(fine)), previous)
    keep = (cells["n"] > 0) | (cells["registered"] > 0) | (cells["self_n"] > 0)
    return cells[keep].reset_index(drop=True), quartiles(scores)


def level_counts(row) -> dict[str, int]:
    return {str(k): int(row[f"l{k}"]) for k in LEVELS}


def new_level_counts(row) -> dict[str, int]:
    return {str(k): int(row[f"new{k}"]) for k in NEW_LEVELS}
