"""The pure-Python scoring engine (ARCHITECTURE §5): no Django, pandas or Plotly in this package."""

from evaluations.scoring.engine import EPSILON, MANDATORY_MINIMUM, score, validate
from evaluations.scoring.types import (
    NA,
    SCALE,
    Dimension,
    EligibilityCondition,
    GapStep,
    Indicator,
    ModelSpec,
    ModelSpecError,
    Rating,
    Reason,
    Requirement,
    Result,
    ScoringInputError,
)

__all__ = [
    "EPSILON",
    "MANDATORY_MINIMUM",
    "NA",
    "SCALE",
    "Dimension",
    "EligibilityCondition",
    "GapStep",
    "Indicator",
    "ModelSpec",
    "ModelSpecError",
    "Rating",
    "Reason",
    "Requirement",
    "Result",
    "ScoringInputError",
    "score",
    "validate",
]
