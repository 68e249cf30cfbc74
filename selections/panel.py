"""The expert panel's arithmetic (ARCHITECTURE §8): plain Python, no Django, unit-tested on its own.

Each expert scores every criterion from 0 to its highest score; the expert's total is the weighted share of
the highest scores, on 100. The panel score is the trimmed mean of the experts' totals: the highest and the
lowest fifth of them are left out (one each from five experts on, none below five). Experts whose totals lie
more than DISAGREEMENT_POINTS apart flag the application for the organiser to look at.
"""

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

TRIM_SHARE = 0.2
DISAGREEMENT_POINTS = 20.0
WEIGHT_TOLERANCE = 1e-6


@dataclass(frozen=True)
class Criterion:
    code: str
    weight: float
    max_score: float


@dataclass(frozen=True)
class PanelResult:
    score: float  # trimmed mean of the totals, on 100
    experts: int
    left_out: int  # totals left out at each end
    spread: float  # highest total minus lowest
    disagreement: bool


def criteria_problems(criteria: Sequence[Criterion]) -> list[str]:
    """What is wrong with a set of criteria (empty: fine): codes unique, weights positive and summing to 1."""
    problems = []
    if not criteria:
        return ["no criteria"]
    codes = [criterion.code for criterion in criteria]
    if len(set(codes)) != len(codes):
        problems.append("duplicate codes")
    if any(criterion.weight <= 0 for criterion in criteria):
        problems.append("a weight is not positive")
    if any(criterion.max_score <= 0 for criterion in criteria):
        problems.append("a highest score is not positive")
    if abs(sum(criterion.weight for criterion in criteria) - 1) > WEIGHT_TOLERANCE:
        problems.append("weights do not sum to 1")
    return problems


def score_problems(criteria: Sequence[Criterion], scores: Mapping[str, float]) -> dict[str, str]:
    """Per criterion code, what is wrong with an expert's scores: missing or outside 0..highest score."""
    problems = {}
    for criterion in criteria:
        value = scores.get(criterion.code)
        if value is None:
            problems[criterion.code] = "missing"
        elif not 0 <= value <= criterion.max_score:
            problems[criterion.code] = "out_of_range"
    return problems


def expert_total(criteria: Sequence[Criterion], scores: Mapping[str, float]) -> float:
    """An expert's total on 100; every criterion must be scored within its range."""
    if problems := score_problems(criteria, scores):
        raise ValueError(f"scores not valid: {problems}")
    return round(100 * sum(c.weight * scores[c.code] / c.max_score for c in criteria), 4)


def trimmed_mean(values: Sequence[float]) -> tuple[float, int]:
    """The mean without the highest and lowest TRIM_SHARE of ``values``, and how many were left out at each end."""
    if not values:
        raise ValueError("no values")
    left_out = math.floor(len(values) * TRIM_SHARE + 1e-9)
    kept = sorted(values)[left_out : len(values) - left_out]
    return round(sum(kept) / len(kept), 4), left_out


def panel(totals: Sequence[float]) -> PanelResult:
    """The panel's result from the experts' totals."""
    score, left_out = trimmed_mean(totals)
    spread = round(max(totals) - min(totals), 4)
    return PanelResult(
        score=score,
        experts=len(totals),
        left_out=left_out,
        spread=spread,
        disagreement=spread > DISAGREEMENT_POINTS,
    )
