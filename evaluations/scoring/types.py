"""Value types of the scoring engine: the evaluation model as the engine sees it, and the result it returns.

Standard library only (ARCHITECTURE §5): the Django side turns its rows into these frozen dataclasses, so the
engine never sees a model instance or a query. A ``ModelSpec`` checks its own invariants and builds its lookup
structures once, when it is created, so scoring thousands of evaluations against one model rebuilds nothing.
"""

import math
from dataclasses import dataclass, field

NA = "na"
"""The N/A rating: the requirement does not apply to this enterprise (only where the requirement allows it)."""

SCALE = (1.0, 0.8, 0.5, 0.0)
"""The numeric ratings: fully met, largely met, partly met, not met."""

Rating = float | str
"""A value of ``SCALE``, or ``NA``."""


class ModelSpecError(ValueError):
    """The evaluation model itself is inconsistent (a loader bug or a bad import file), not the ratings."""


class ScoringInputError(ValueError):
    """Ratings or eligibility answers that the engine refuses; every offending key is named at once.

    ``errors`` maps each offending key to a machine-readable problem code: ``unknown_requirement``,
    ``unknown_condition``, ``off_scale``, ``na_not_allowed`` or ``not_boolean``. ``rating_errors`` and
    ``eligibility_errors`` hold the same entries split by the mapping they came from (a key could in principle
    be wrong in both).
    """

    def __init__(self, rating_errors: dict[str, str], eligibility_errors: dict[str, str] | None = None):
        self.rating_errors = dict(rating_errors)
        self.eligibility_errors = dict(eligibility_errors or {})
        self.errors = {**self.eligibility_errors, **self.rating_errors}
        listed = "; ".join(f"{key}: {code}" for key, code in sorted(self.errors.items()))
        super().__init__(f"Invalid scoring input ({len(self.errors)} problem(s)): {listed}")


@dataclass(frozen=True)
class Dimension:
    """A dimension of the model (e.g. D2 digitalisation of quality management) and its weight."""

    code: str
    weight: float


@dataclass(frozen=True)
class Indicator:
    """An indicator inside one dimension (``dimension`` is the dimension's code) and its weight there."""

    code: str
    dimension: str
    weight: float


@dataclass(frozen=True)
class Requirement:
    """One requirement of an indicator at one level (1…levels). Mandatory ones never allow N/A."""

    code: str
    indicator: str
    level: int
    mandatory: bool = False
    na_allowed: bool = False


@dataclass(frozen=True)
class EligibilityCondition:
    """A yes/no fact; answered False it blocks every level from ``blocks_from_level`` up."""

    code: str
    blocks_from_level: int


# Lookup structures, as plain tuples because the scoring loop unpacks them tens of thousands of times.
IndicatorSlice = tuple[str, float, tuple[str, ...]]
"""(indicator code, indicator weight, codes of its requirements at one level)"""

DimensionSlice = tuple[str, float, tuple[IndicatorSlice, ...]]
"""(dimension code, dimension weight, its indicators that have requirements at one level)"""


@dataclass(frozen=True)
class ModelIndex:
    """Everything the engine looks up while scoring, built once per ``ModelSpec``.

    Sequences indexed by level hold level n at position n - 1.
    """

    requirements: dict[str, Requirement]
    requirement_codes: tuple[str, ...]
    na_allowed: frozenset[str]
    conditions: dict[str, EligibilityCondition]
    dimension_codes: tuple[str, ...]
    levels: tuple[int, ...]
    slices_by_level: tuple[tuple[DimensionSlice, ...], ...]
    mandatory_by_level: tuple[tuple[tuple[str, str], ...], ...]
    """Per level: (requirement code, dimension code) of each mandatory requirement, in model order."""


@dataclass(frozen=True)
class ModelSpec:
    """One version of an evaluation model, as the engine needs it (no texts, only structure and weights).

    Weights need not sum to 1: every mean in §5 divides by the sum of the weights it used. Sequences given as
    lists are stored as tuples, so a spec stays hashable and immutable.
    """

    code: str
    dimensions: tuple[Dimension, ...]
    indicators: tuple[Indicator, ...]
    requirements: tuple[Requirement, ...]
    conditions: tuple[EligibilityCondition, ...] = ()
    threshold: float = 0.8
    levels: int = 5
    _index: ModelIndex = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        for name in ("dimensions", "indicators", "requirements", "conditions"):
            object.__setattr__(self, name, tuple(getattr(self, name)))
        _check_model(self)
        object.__setattr__(self, "_index", _build_index(self))

    @property
    def index(self) -> ModelIndex:
        """The lookup structures the engine scores with (built once, in ``__post_init__``)."""
        return self._index


def _check_positive_weight(kind: str, code: str, weight: float) -> None:
    if isinstance(weight, bool) or not isinstance(weight, int | float) or not math.isfinite(weight) or weight <= 0:
        raise ModelSpecError(f"{kind} {code!r}: weight must be a positive finite number, not {weight!r}")


def _check_unique(kind: str, codes: list[str]) -> None:
    seen: set[str] = set()
    for code in codes:
        if code in seen:
            raise ModelSpecError(f"duplicate {kind} code {code!r}")
        seen.add(code)


def _check_model(model: ModelSpec) -> None:
    """Refuse a model the rules of §5 cannot score unambiguously (the loader should have caught these)."""
    if isinstance(model.levels, bool) or not isinstance(model.levels, int) or model.levels < 1:
        raise ModelSpecError(f"levels must be a positive integer, not {model.levels!r}")
    if not (isinstance(model.threshold, int | float) and 0 < model.threshold <= 1):
        raise ModelSpecError(f"threshold must be in (0, 1], not {model.threshold!r}")
    _check_unique("dimension", [d.code for d in model.dimensions])
    _check_unique("indicator", [i.code for i in model.indicators])
    # Requirement and condition codes share one namespace so that ScoringInputError.errors is unambiguous.
    _check_unique("requirement or condition", [r.code for r in model.requirements] + [c.code for c in model.conditions])
    dimension_codes = {d.code for d in model.dimensions}
    indicator_codes = {i.code for i in model.indicators}
    for dimension in model.dimensions:
        _check_positive_weight("dimension", dimension.code, dimension.weight)
    for indicator in model.indicators:
        _check_positive_weight("indicator", indicator.code, indicator.weight)
        if indicator.dimension not in dimension_codes:
            raise ModelSpecError(f"indicator {indicator.code!r}: unknown dimension {indicator.dimension!r}")
    for requirement in model.requirements:
        if requirement.indicator not in indicator_codes:
            raise ModelSpecError(f"requirement {requirement.code!r}: unknown indicator {requirement.indicator!r}")
        if not 1 <= requirement.level <= model.levels:
            raise ModelSpecError(
                f"requirement {requirement.code!r}: level {requirement.level} outside 1…{model.levels}"
            )
        if requirement.mandatory and requirement.na_allowed:
            raise ModelSpecError(f"requirement {requirement.code!r}: a mandatory requirement cannot allow N/A")
    for condition in model.conditions:
        if not 1 <= condition.blocks_from_level <= model.levels:
            level = condition.blocks_from_level
            raise ModelSpecError(f"condition {condition.code!r}: blocks_from_level {level} outside 1…{model.levels}")


def _build_index(model: ModelSpec) -> ModelIndex:
    """Group requirements by level → dimension → indicator, keeping the model's order at every step."""
    dimension_weight = {d.code: float(d.weight) for d in model.dimensions}
    indicators_of: dict[str, list[Indicator]] = {d.code: [] for d in model.dimensions}
    for indicator in model.indicators:
        indicators_of[indicator.dimension].append(indicator)
    dimension_of = {i.code: i.dimension for i in model.indicators}
    codes_at: dict[tuple[str, int], list[str]] = {}
    mandatory_at: dict[int, list[tuple[str, str]]] = {}
    for requirement in model.requirements:
        codes_at.setdefault((requirement.indicator, requirement.level), []).append(requirement.code)
        if requirement.mandatory:
            pair = (requirement.code, dimension_of[requirement.indicator])
            mandatory_at.setdefault(requirement.level, []).append(pair)

    levels = tuple(range(1, model.levels + 1))
    slices_by_level: list[tuple[DimensionSlice, ...]] = []
    for level in levels:
        dimension_slices: list[DimensionSlice] = []
        for dimension_code, indicators in indicators_of.items():
            indicator_slices = tuple(
                (i.code, float(i.weight), tuple(codes_at[i.code, level]))
                for i in indicators
                if (i.code, level) in codes_at
            )
            if indicator_slices:
                dimension_slices.append((dimension_code, dimension_weight[dimension_code], indicator_slices))
        slices_by_level.append(tuple(dimension_slices))

    return ModelIndex(
        requirements={r.code: r for r in model.requirements},
        requirement_codes=tuple(r.code for r in model.requirements),
        na_allowed=frozenset(r.code for r in model.requirements if r.na_allowed),
        conditions={c.code: c for c in model.conditions},
        dimension_codes=tuple(d.code for d in model.dimensions),
        levels=levels,
        slices_by_level=tuple(slices_by_level),
        mandatory_by_level=tuple(tuple(mandatory_at.get(level, ())) for level in levels),
    )


@dataclass(frozen=True)
class Reason:
    """One reason why ``level`` is not reached.

    ``kind`` is ``threshold`` (``score`` = L(level), ``shortfall`` = θ - L(level)), ``mandatory``
    (``requirement`` rated below 0.8; ``rating`` is its rating, None when unanswered), ``eligibility``
    (``condition`` answered False) or ``lower_level`` (the level below is not reached).
    """

    level: int
    kind: str
    requirement: str = ""
    condition: str = ""
    score: float | None = None
    shortfall: float | None = None
    rating: float | str | None = None


@dataclass(frozen=True)
class GapStep:
    """One step of the gap plan: raise ``requirement`` from ``current`` (None = unanswered) to ``target``.

    ``target`` is always 1.0, mandatory items included (they only need 0.8 for the mandatory rule, but a
    full rating is what the plan asks for, so each requirement appears at most once and the gains add up).
    ``gain`` is the increase of L(k+1) from this step; ``level_score_after`` is L(k+1) after this step and
    all earlier ones.
    """

    requirement: str
    indicator: str
    current: float | str | None
    target: float
    gain: float
    level_score_after: float
    mandatory: bool


@dataclass(frozen=True)
class Result:
    """The engine's verdict on one set of ratings; see ARCHITECTURE §5 for every formula."""

    level: int
    """Achieved level k (0 = below the experience level), from the rule, never from ``score``."""
    score: float
    """S = k + L(k+1); S = levels when k = levels. Not rounded (presentation rounds)."""
    level_scores: dict[int, float]
    """L(n) for every level n."""
    dimension_scores: dict[str, dict[int, float | None]]
    """D(d, n); None where dimension d has no applicable requirement at level n."""
    dimension_levels: dict[str, int]
    """Per-dimension maturity: the level rule applied inside one dimension."""
    dimension_values: dict[str, float]
    """k_d + D(d, k_d+1) (None counts as 1; levels when k_d = levels), for the radar chart."""
    unanswered: tuple[str, ...]
    """Requirements with no rating, in model order; they count as 0."""
    not_reached: tuple[Reason, ...]
    """Every reason level k+1 is not reached (empty when k = levels)."""
    gap_plan: tuple[GapStep, ...]
    """Steps that would meet the rule for level k+1 (empty when k = levels or k+1 is blocked by eligibility)."""
    blocked_levels: tuple[int, ...]
    """Levels blocked by an eligibility condition answered False."""
