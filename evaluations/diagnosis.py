"""The public self-diagnosis: one answer per indicator → an estimated level through the same engine.

Choosing descriptor m for an indicator reads as "our practice matches level m": its requirements up to level
m count as fully met and those above as not met. Nothing is stored.
"""

from evaluations import scoring
from evaluations.models import EvaluationModel

WEAKEST = 5


def diagnose(*, model: EvaluationModel, spec: scoring.ModelSpec, choices: dict[str, str]) -> dict:
    """``choices`` maps an indicator's pk (as text) to "0"…"5". Returns the estimate and the weakest indicators."""
    indicators = [indicator for dimension in model.dimensions.all() for indicator in dimension.indicators.all()]
    chosen: dict[int, int] = {}
    missing = []
    for indicator in indicators:
        value = choices.get(str(indicator.pk), "")
        if value not in {"0", "1", "2", "3", "4", "5"}:
            missing.append(indicator)
        else:
            chosen[indicator.pk] = int(value)
    if missing:
        return {"missing": missing}
    ratings: dict[str, scoring.Rating] = {
        requirement.code: 1.0 if requirement.level <= chosen[indicator.pk] else 0.0
        for indicator in indicators
        for requirement in indicator.requirements.all()
    }
    result = scoring.score(spec, ratings)
    weights = {i.code: i.weight for i in spec.indicators}
    dimension_weight = {d.code: d.weight for d in spec.dimensions}
    ranked = sorted(
        indicators,
        key=lambda i: (chosen[i.pk], -weights[i.code] * dimension_weight[i.dimension.code], i.position),
    )
    return {
        "missing": [],
        "result": result,
        "level_name": model.level_name(result.level),
        "weakest": [
            {"indicator": i, "level": chosen[i.pk], "level_name": model.level_name(chosen[i.pk])}
            for i in ranked[:WEAKEST]
        ],
    }
