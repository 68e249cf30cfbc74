"""Calibration (ARCHITECTURE §6): how far self-assessments sit from the on-site consensus, and how lenient and how
consistent each assessor and institution is against it — the tools the notices ask for to "standardise evaluation
work" and "manage evaluation teams".

Pure computations with pandas on plain rows (mappings or a DataFrame); nothing here touches Django or the database.
``evaluations.calibration_selectors`` feeds them from scoped querysets.

The rules:
- a pair counts only where both ratings exist and both are numeric: a missing rating or an "na" on either side
  leaves the pair out (eligibility conditions are not rated on the numeric scale and never reach this module);
- the self-assessment gap is ``self - consensus`` (positive: the enterprise rated itself higher than the team);
- an assessor's deviation is ``assessor - consensus``; its mean is the **leniency** (positive: more lenient than
  the team), its standard deviation the **spread** (how consistently the assessor sits where they sit) and the mean
  of its absolute value the **mean absolute deviation** (how far from the consensus the assessor is overall);
- ``n`` is the number of distinct evaluations behind a group, ``ratings`` the number of rating pairs. A group with
  fewer than ``min_n`` evaluations is marked too small and its figures are withheld: a mean over one or two
  evaluations says more about those enterprises than about a requirement, a region or a person.
"""

from collections.abc import Iterable, Mapping

import pandas as pd

NUMERIC_VALUES = {"1": 1.0, "0.8": 0.8, "0.5": 0.5, "0": 0.0}
"""The ratings that count; "na", blanks and anything else are left out."""

SELF_COLUMNS = ["evaluation", "requirement", "dimension", "province", "industry", "self", "consensus"]
RATER_COLUMNS = ["evaluation", "assessor", "institution", "requirement", "rating", "consensus"]
GAP_FIGURES = ["mean_gap", "mean_abs_gap"]
DEVIATION_FIGURES = ["leniency", "spread", "mean_abs_deviation"]


def _frame(rows: Iterable[Mapping] | pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    frame = rows.copy() if isinstance(rows, pd.DataFrame) else pd.DataFrame(list(rows))
    if frame.empty:
        return pd.DataFrame(columns=columns)
    missing = [column for column in columns if column not in frame.columns]
    if missing:
        raise ValueError(f"calibration rows lack the column(s): {', '.join(missing)}")
    return frame[columns]


def _numeric(values: pd.Series) -> pd.Series:
    return values.map(lambda value: NUMERIC_VALUES.get(str(value)) if value is not None else None).astype("float64")


def _differences(frame: pd.DataFrame, left: str, right: str) -> pd.DataFrame:
    """The rows where both ``left`` and ``right`` are numeric ratings, with ``difference = left - right``."""
    frame = frame.assign(difference=_numeric(frame[left]) - _numeric(frame[right]))
    return frame.dropna(subset=["difference"])


def _withhold_small(table: pd.DataFrame, figures: list[str], min_n: int) -> pd.DataFrame:
    table["too_small"] = table["n"] < min_n
    table.loc[table["too_small"], figures] = float("nan")
    return table


def self_gap(rows: Iterable[Mapping] | pd.DataFrame, *, by: str, min_n: int = 3) -> pd.DataFrame:
    """Self-assessment minus consensus, grouped ``by`` one of requirement, dimension, province or industry.

    Returns one row per group (sorted by the group key) with ``n`` (evaluations), ``ratings`` (pairs),
    ``mean_gap``, ``mean_abs_gap`` and ``too_small``.
    """
    if by not in SELF_COLUMNS[1:5]:
        raise ValueError(f"cannot group the self-assessment gap by {by!r}")
    pairs = _differences(_frame(rows, SELF_COLUMNS), "self", "consensus")
    columns = [by, "n", "ratings", *GAP_FIGURES, "too_small"]
    if pairs.empty:
        return pd.DataFrame(columns=columns)
    pairs = pairs.assign(absolute=pairs["difference"].abs())
    table = (
        pairs.groupby(by, sort=True)
        .agg(
            n=("evaluation", "nunique"),
            ratings=("difference", "size"),
            mean_gap=("difference", "mean"),
            mean_abs_gap=("absolute", "mean"),
        )
        .reset_index()
    )
    return _withhold_small(table, GAP_FIGURES, min_n)[columns]


def deviation(rows: Iterable[Mapping] | pd.DataFrame, *, by: str, min_n: int = 3) -> pd.DataFrame:
    """Each assessor's (``by="assessor"``) or institution's (``by="institution"``) ratings against the consensus.

    Returns one row per group with ``n`` (evaluations), ``ratings`` (pairs), ``leniency`` (mean of
    assessor - consensus), ``spread`` (its sample standard deviation; empty for a single pair),
    ``mean_abs_deviation`` and ``too_small``.
    """
    if by not in ("assessor", "institution"):
        raise ValueError(f"cannot group deviations by {by!r}")
    pairs = _differences(_frame(rows, RATER_COLUMNS), "rating", "consensus")
    columns = [by, "n", "ratings", *DEVIATION_FIGURES, "too_small"]
    if pairs.empty:
        return pd.DataFrame(columns=columns)
    pairs = pairs.assign(absolute=pairs["difference"].abs())
    table = (
        pairs.groupby(by, sort=True)
        .agg(
            n=("evaluation", "nunique"),
            ratings=("difference", "size"),
            leniency=("difference", "mean"),
            spread=("difference", "std"),
            mean_abs_deviation=("absolute", "mean"),
        )
        .reset_index()
    )
    return _withhold_small(table, DEVIATION_FIGURES, min_n)[columns]


def overall_gap(rows: Iterable[Mapping] | pd.DataFrame, *, min_n: int = 3) -> dict:
    """The self-assessment gap over all rows: ``n``, ``ratings``, ``mean_gap``, ``mean_abs_gap``, ``too_small``."""
    pairs = _differences(_frame(rows, SELF_COLUMNS), "self", "consensus")
    n = int(pairs["evaluation"].nunique()) if not pairs.empty else 0
    too_small = n < min_n
    return {
        "n": n,
        "ratings": len(pairs),
        "mean_gap": None if too_small else float(pairs["difference"].mean()),
        "mean_abs_gap": None if too_small else float(pairs["difference"].abs().mean()),
        "too_small": too_small,
    }


def records(table: pd.DataFrame) -> list[dict]:
    """The table as plain dicts for templates and JSON: ``key`` holds the group (the first column), withheld or
    undefined figures are None."""
    result = []
    for row in table.to_dict("records"):
        item = {name: (None if isinstance(value, float) and pd.isna(value) else value) for name, value in row.items()}
        item["key"] = item.pop(table.columns[0])
        item["n"], item["ratings"], item["too_small"] = int(item["n"]), int(item["ratings"]), bool(item["too_small"])
        result.append(item)
    return result


def largest_gaps(table: pd.DataFrame, *, limit: int = 20) -> pd.DataFrame:
    """The groups with the largest absolute mean gap first (too-small groups left out), at most ``limit``."""
    shown = table[~table["too_small"].astype(bool)]
    order = shown["mean_gap"].abs().sort_values(ascending=False, kind="stable").index
    return shown.loc[order].head(limit)
