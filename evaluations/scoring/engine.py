"""The scoring engine of ARCHITECTURE §5: ratings in, achieved level, continuous score and explanations out.

Pure Python, standard library only — no Django, pandas or Plotly — so the self-assessment form, every assessor's
ratings, the consensus, the preview API and the benchmarks all run the same code. Self-assessment, assessors
and consensus differ only in the ratings they pass.

Notation (§5): s(i,n) indicator score, D(d,n) dimension score, L(n) level score, θ the model's threshold,
k the achieved level, S = k + L(k+1) the continuous score.
"""

import numbers
from collections.abc import Mapping
from decimal import Decimal

from evaluations.scoring.types import (
    NA,
    SCALE,
    DimensionSlice,
    GapStep,
    ModelSpec,
    Rating,
    Reason,
    Result,
    ScoringInputError,
)

EPSILON = 1e-9
"""Tolerance of the threshold test, so that a level score of exactly θ passes despite float rounding."""

MANDATORY_MINIMUM = 0.8
"""A mandatory requirement must be rated at least this (§5: "rated ≥ 0.8")."""

_SCALE_VALUES: dict[float, float] = {value: value for value in SCALE}

# --- Input ----------------------------------------------------------------------------------------------------


def _other_number_value(value: object) -> float | None:
    """The scale value a number of another type stands for (Decimal, Fraction, numpy float), else None.

    A Django DecimalField hands over Decimals, so they count when exactly equal to a scale value; booleans
    (an int subclass) and everything that is not a real number do not.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real | Decimal):
        return None
    try:
        return _SCALE_VALUES.get(float(value))
    except (ValueError, OverflowError):  # e.g. Decimal("sNaN")
        return None


def _normalise_ratings(model: ModelSpec, ratings: Mapping[str, object]) -> tuple[dict[str, Rating], dict[str, str]]:
    """Ratings as floats of ``SCALE`` or ``NA``, and the problems found. None means "not answered yet".

    Strict on purpose: a number counts only when equal to a scale value; booleans, strings such as "0.8",
    NaN and 0.7 are off the scale. The int/float case comes first because it is nearly every rating.
    """
    index = model.index
    known = index.requirements
    na_allowed = index.na_allowed
    scale_value = _SCALE_VALUES.get
    normalised: dict[str, Rating] = {}
    errors: dict[str, str] = {}
    for key, value in ratings.items():
        if key not in known:
            errors[str(key)] = "unknown_requirement"
            continue
        kind = type(value)
        if kind is float or kind is int:
            number = scale_value(value)  # type: ignore[call-overload]
        elif value is None:
            continue
        elif kind is str:
            if value != NA:
                errors[key] = "off_scale"
            elif key in na_allowed:
                normalised[key] = NA
            else:
                errors[key] = "na_not_allowed"
            continue
        else:
            number = _other_number_value(value)
        if number is None:
            errors[key] = "off_scale"
        else:
            normalised[key] = number
    return normalised, errors


def _normalise_eligibility(
    model: ModelSpec, eligibility: Mapping[str, object] | None
) -> tuple[dict[str, bool], dict[str, str]]:
    """Eligibility answers as real booleans, and the problems found. None means "not answered" (holds)."""
    normalised: dict[str, bool] = {}
    errors: dict[str, str] = {}
    if not eligibility:
        return normalised, errors
    known = model.index.conditions
    for key, value in eligibility.items():
        if key not in known:
            errors[str(key)] = "unknown_condition"
        elif value is None:
            continue
        elif type(value) is bool:
            normalised[key] = value
        else:
            errors[key] = "not_boolean"
    return normalised, errors


def validate(
    model: ModelSpec, ratings: Mapping[str, object], eligibility: Mapping[str, object] | None = None
) -> tuple[dict[str, Rating], dict[str, bool]]:
    """Normalise ratings and eligibility answers for ``model``, or raise one error naming every bad key.

    Accepted ratings: 1, 1.0, 0.8, 0.5, 0 (as int, float or Decimal) and ``NA`` where the requirement allows
    it; a value of None, or a missing key, leaves the requirement unanswered. Eligibility answers must be
    ``True``/``False`` (None or missing: unanswered, so the condition holds).
    """
    normalised_ratings, rating_errors = _normalise_ratings(model, ratings)
    normalised_eligibility, eligibility_errors = _normalise_eligibility(model, eligibility)
    if rating_errors or eligibility_errors:
        raise ScoringInputError(rating_errors, eligibility_errors)
    return normalised_ratings, normalised_eligibility


# --- Scores ---------------------------------------------------------------------------------------------------


def _level_scores(
    slices: tuple[DimensionSlice, ...], ratings: Mapping[str, Rating]
) -> tuple[float, dict[str, float | None]]:
    """L(n) and D(d, n) for one level n, straight from the §5 formulas.

    N/A ratings are left out of every mean; unanswered requirements count as 0. Each numerator is summed in
    the same order as its denominator, so with all ratings 1 every score is exactly 1.0 and a higher rating
    never yields a lower score, even in floating point.
    """
    get = ratings.get
    level_numerator = level_denominator = 0.0
    dimension_scores: dict[str, float | None] = {}
    for dimension_code, dimension_weight, indicators in slices:
        numerator = denominator = 0.0
        for _, indicator_weight, codes in indicators:
            total = 0.0
            count = 0
            for code in codes:
                value = get(code, 0.0)
                if value is not NA:
                    total += value  # type: ignore[operator]
                    count += 1
            if count:
                numerator += indicator_weight * (total / count)
                denominator += indicator_weight
        if denominator:
            dimension_score = numerator / denominator
            dimension_scores[dimension_code] = dimension_score
            level_numerator += dimension_weight * dimension_score
            level_denominator += dimension_weight
        else:
            dimension_scores[dimension_code] = None
    level_score = level_numerator / level_denominator if level_denominator else 1.0
    return level_score, dimension_scores


def _failed_mandatory(
    mandatory: tuple[tuple[str, str], ...], ratings: Mapping[str, Rating]
) -> list[tuple[str, str, float | None]]:
    """(code, dimension, rating) of each mandatory requirement rated below 0.8 or unanswered (rating None)."""
    failed: list[tuple[str, str, float | None]] = []
    for code, dimension_code in mandatory:
        value = ratings.get(code)
        if value is None or value < MANDATORY_MINIMUM:  # type: ignore[operator]  # never NA: the spec forbids it
            failed.append((code, dimension_code, value))  # type: ignore[arg-type]
    return failed


def _first_blocked_level(model: ModelSpec, eligibility: Mapping[str, bool]) -> int:
    """The lowest level an eligibility condition answered False blocks (levels + 1 when none is blocked)."""
    conditions = model.index.conditions
    return min(
        (conditions[code].blocks_from_level for code, holds in eligibility.items() if not holds),
        default=model.levels + 1,
    )


def _passes_threshold(score: float | None, threshold: float) -> bool:
    """Whether a score meets θ; None (nothing applicable) passes, like a level scoring 1."""
    return score is None or score >= threshold - EPSILON


def _achieved_level(levels: int, passes: list[bool]) -> int:
    """The highest level n whose rule holds along with every level below it (0 if level 1 fails)."""
    for position, passed in enumerate(passes):
        if not passed:
            return position
    return levels


# --- Explanations ---------------------------------------------------------------------------------------------


def _reasons(
    model: ModelSpec,
    level: int,
    level_score: float,
    failed_mandatory: list[tuple[str, str, float | None]],
    eligibility: Mapping[str, bool],
) -> tuple[Reason, ...]:
    """Every reason ``level`` is not reached: the threshold, then mandatory items, then eligibility conditions.

    Only ever asked about k+1, whose lower level k is reached by definition, so no ``lower_level`` reason arises.
    """
    reasons: list[Reason] = []
    threshold = model.threshold
    if not _passes_threshold(level_score, threshold):
        reasons.append(Reason(level=level, kind="threshold", score=level_score, shortfall=threshold - level_score))
    reasons.extend(
        Reason(level=level, kind="mandatory", requirement=code, rating=value) for code, _, value in failed_mandatory
    )
    reasons.extend(
        Reason(level=level, kind="eligibility", condition=condition.code)
        for condition in model.conditions
        if eligibility.get(condition.code) is False and condition.blocks_from_level <= level
    )
    return tuple(reasons)


def _gap_candidates(
    slices: tuple[DimensionSlice, ...], ratings: Mapping[str, Rating]
) -> list[tuple[float, str, float]]:
    """(sort key, code, gain) of every applicable requirement at one level that is rated below 1.0, best first.

    Once the N/A pattern is fixed, L(n) is linear in the ratings: raising requirement r (indicator i, dimension
    d) from x to 1 adds (w_d/Σw_d)·(w_i/Σw_i)·(1 - x)/n_i, whatever else is raised at the same level. The sort
    key is the negated gain rounded to 12 places, so gains equal but for float noise tie and go by code.
    """
    get = ratings.get
    applicable: list[tuple[float, float, list[tuple[float, list[str]]]]] = []
    dimension_total = 0.0
    for _, dimension_weight, indicators in slices:
        rated: list[tuple[float, list[str]]] = []
        indicator_total = 0.0
        for _, indicator_weight, codes in indicators:
            codes_rated = [code for code in codes if get(code) is not NA]
            if codes_rated:
                rated.append((indicator_weight, codes_rated))
                indicator_total += indicator_weight
        if rated:
            applicable.append((dimension_weight, indicator_total, rated))
            dimension_total += dimension_weight
    candidates: list[tuple[float, str, float]] = []
    for dimension_weight, indicator_total, rated in applicable:
        for indicator_weight, codes in rated:
            share = (dimension_weight / dimension_total) * (indicator_weight / indicator_total) / len(codes)
            for code in codes:
                value = get(code, 0.0)
                if value != 1.0:
                    gain = share * (1.0 - value)  # type: ignore[operator]
                    candidates.append((-round(gain, 12), code, gain))
    candidates.sort()
    return candidates


def _gap_plan(
    model: ModelSpec,
    target: int,
    level_score: float,
    failed_mandatory: list[tuple[str, str, float | None]],
    ratings: Mapping[str, Rating],
) -> tuple[GapStep, ...]:
    """Steps that meet the rule for level ``target``: failing mandatory items first, then the biggest gains.

    Every step raises one requirement to 1.0. Mandatory items rated below 0.8 (or unanswered) come first,
    largest gain first; then the other applicable requirements at ``target`` in descending gain (ties by
    code) until L(target) ≥ θ. Unanswered requirements count as 0.
    """
    candidates = _gap_candidates(model.index.slices_by_level[target - 1], ratings)
    failing = {code for code, _, _ in failed_mandatory}
    threshold = model.threshold - EPSILON
    requirements = model.index.requirements

    steps: list[GapStep] = []
    running = level_score
    mandatory_first = [c for c in candidates if c[1] in failing] + [c for c in candidates if c[1] not in failing]
    for _, code, gain in mandatory_first:
        if running >= threshold and code not in failing:
            break
        running += gain
        requirement = requirements[code]
        steps.append(
            GapStep(
                requirement=code,
                indicator=requirement.indicator,
                current=ratings.get(code),
                target=1.0,
                gain=gain,
                level_score_after=running,
                mandatory=requirement.mandatory,
            )
        )
    return tuple(steps)


# --- Per-dimension maturity -----------------------------------------------------------------------------------


def _dimension_maturity(
    model: ModelSpec,
    dimension_scores: dict[str, dict[int, float | None]],
    failed_dimensions_by_level: list[set[str]],
    first_blocked: int,
) -> tuple[dict[str, int], dict[str, float]]:
    """k_d and k_d + D(d, k_d+1) for each dimension: the level rule applied inside one dimension."""
    threshold = model.threshold
    levels = model.levels
    dimension_levels: dict[str, int] = {}
    dimension_values: dict[str, float] = {}
    for code in model.index.dimension_codes:
        scores = dimension_scores[code]
        passes = [
            _passes_threshold(scores[level], threshold)
            and code not in failed_dimensions_by_level[level - 1]
            and level < first_blocked
            for level in model.index.levels
        ]
        achieved = _achieved_level(levels, passes)
        dimension_levels[code] = achieved
        if achieved == levels:
            dimension_values[code] = float(levels)
        else:
            next_score = scores[achieved + 1]
            dimension_values[code] = achieved + (1.0 if next_score is None else next_score)
    return dimension_levels, dimension_values


# --- Entry point ----------------------------------------------------------------------------------------------


def _compute(model: ModelSpec, ratings: Mapping[str, Rating], eligibility: Mapping[str, bool]) -> Result:
    """The result for already normalised input (see ``validate``)."""
    index = model.index
    levels = model.levels
    threshold = model.threshold
    first_blocked = _first_blocked_level(model, eligibility)

    level_scores: dict[int, float] = {}
    dimension_scores: dict[str, dict[int, float | None]] = {code: {} for code in index.dimension_codes}
    failed_by_level: list[list[tuple[str, str, float | None]]] = []
    passes: list[bool] = []
    for level, slices, mandatory in zip(index.levels, index.slices_by_level, index.mandatory_by_level, strict=True):
        level_score, scores_at_level = _level_scores(slices, ratings)
        level_scores[level] = level_score
        for code, by_level in dimension_scores.items():
            by_level[level] = scores_at_level.get(code)
        failed = _failed_mandatory(mandatory, ratings) if mandatory else []
        failed_by_level.append(failed)
        passes.append(_passes_threshold(level_score, threshold) and not failed and level < first_blocked)

    achieved = _achieved_level(levels, passes)
    failed_dimensions = [{dimension for _, dimension, _ in failed} for failed in failed_by_level]
    dimension_levels, dimension_values = _dimension_maturity(model, dimension_scores, failed_dimensions, first_blocked)

    if achieved == levels:
        score_value = float(levels)
        not_reached: tuple[Reason, ...] = ()
        gap_plan: tuple[GapStep, ...] = ()
    else:
        target = achieved + 1
        score_value = achieved + level_scores[target]
        failed = failed_by_level[target - 1]
        not_reached = _reasons(model, target, level_scores[target], failed, eligibility)
        blocked = target >= first_blocked
        gap_plan = () if blocked else _gap_plan(model, target, level_scores[target], failed, ratings)

    return Result(
        level=achieved,
        score=score_value,
        level_scores=level_scores,
        dimension_scores=dimension_scores,
        dimension_levels=dimension_levels,
        dimension_values=dimension_values,
        unanswered=tuple([code for code in index.requirement_codes if code not in ratings]),
        not_reached=not_reached,
        gap_plan=gap_plan,
        blocked_levels=tuple(range(first_blocked, levels + 1)),
    )


def score(model: ModelSpec, ratings: Mapping[str, object], eligibility: Mapping[str, object] | None = None) -> Result:
    """Validate the input (raising ``ScoringInputError``), then score it against ``model`` by §5's rules."""
    normalised_ratings, normalised_eligibility = validate(model, ratings, eligibility)
    return _compute(model, normalised_ratings, normalised_eligibility)
