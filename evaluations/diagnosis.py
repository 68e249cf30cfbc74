"""The public self-diagnosis: one answer per indicator → an estimated level through the same engine.

Choosing descriptor m for an indicator reads as "our practice matches level m": its requirements up to level
m count as fully met and those above as not met. Nothing is stored.
"""

from django.core import signing

from evaluations import scoring
from evaluations.models import EvaluationModel

WEAKEST = 5
TOKEN_SALT = "qualitypath.self-diagnosis"  # noqa: S105 - a signing namespace, not a secret
TOKEN_MAX_AGE = 30 * 24 * 3600  # a visitor may register, be verified and come back within a month


def diagnosis_token(*, model: EvaluationModel, chosen: dict[str, int]) -> str:
    """A signed, self-contained record of the answers (indicator code → level), kept only by the visitor."""
    return signing.dumps({"model": model.code, "choices": chosen}, salt=TOKEN_SALT, compress=True)


def read_diagnosis_token(token: str) -> dict | None:
    try:
        return signing.loads(token, salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE)
    except signing.BadSignature:
        return None


def prefill_ratings(*, model: EvaluationModel, choices: dict[str, int]) -> dict[str, str]:
    """Ratings implied by diagnosis answers: requirements up to the chosen level met, those above not met."""
    ratings = {}
    for indicator in model.indicators.prefetch_related("requirements"):
        level = choices.get(indicator.code)
        if level is None:
            continue
        for requirement in indicator.requirements.all():
            ratings[requirement.code] = "1" if requirement.level <= level else "0"
    return ratings


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
        "token": diagnosis_token(model=model, chosen={i.code: chosen[i.pk] for i in indicators}),
        "result": result,
        "level_name": model.level_name(result.level),
        "weakest": [
            {"indicator": i, "level": chosen[i.pk], "level_name": model.level_name(chosen[i.pk])}
            for i in ranked[:WEAKEST]
        ],
    }
