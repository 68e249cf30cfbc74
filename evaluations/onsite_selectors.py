"""Reads behind the scoped evaluation API: the evaluations a user works with, their on-site ratings under the
blind-rating rule, and the engine's scores of the self-assessment, of each assessor and of the consensus.

"Works with" is the user's own scope without what is visible only because it is published
(``scope(published=False)``): the published levels of other enterprises are in the public results API, and their
self-assessments, ratings and per-assessor scores are nobody else's business.
"""

from collections import defaultdict

from django.db.models import QuerySet
from django.http import HttpRequest

from accounts.models import User
from accounts.scoping import get_scoped_or_404, scope
from evaluations import ratings as rules
from evaluations import scoring, selectors
from evaluations.models import ConsensusRating, Evaluation, EvaluationModel, TeamMember


def evaluation_list_own(*, user: User) -> QuerySet[Evaluation]:
    queryset = Evaluation.objects.select_related("enterprise__region", "enterprise__industry", "model", "institution")
    return scope(user, queryset, published=False).order_by("-cycle", "-created_at", "-pk")


def evaluation_get_own(*, user: User, pk: int, request: HttpRequest | None = None) -> Evaluation:
    """One evaluation inside ``user``'s own scope; otherwise a 404, with the denied attempt audit-logged."""
    queryset = Evaluation.objects.select_related("enterprise__region", "enterprise__industry", "model", "institution")
    return get_scoped_or_404(user, queryset, request=request, published=False, pk=pk)


def ratings_for(*, user: User, evaluation: Evaluation, assessor_pk: int | None = None, request=None) -> list:
    """The on-site ratings ``user`` may read (``selectors.ratings_visible``), ordered by assessor and model order.

    Asking for one assessor whose ratings the blind-rating rule hides is a 404 (``selectors.ratings_of``), not an
    empty list: the answer must not depend on whether the colleague has rated yet.
    """
    if assessor_pk is not None:
        by_code = selectors.ratings_of(user, evaluation, assessor_pk, request=request)
        visible = list(by_code.values())
    else:
        visible = list(selectors.ratings_visible(user, evaluation))
    return sorted(visible, key=_rating_order)


def _rating_order(rating) -> tuple:
    item = rating.requirement or rating.condition
    return (rating.assessor_id, rating.requirement_id is None, item.position)


def engine_inputs(rows) -> tuple[dict[str, scoring.Rating], dict[str, bool]]:
    """(requirement code, condition code, value) rows → the engine's ratings and eligibility answers."""
    ratings: dict[str, scoring.Rating] = {}
    eligibility: dict[str, bool] = {}
    for requirement, condition, value in rows:
        if requirement:
            ratings[requirement] = scoring.NA if value == scoring.NA else float(value)
        elif value in rules.CONDITION_VALUES:
            eligibility[condition] = rules.CONDITION_VALUES[value]
    return ratings, eligibility


def result_summary(result: scoring.Result, *, model: EvaluationModel) -> dict:
    return {
        "level": result.level,
        "level_name": model.level_name(result.level),
        "score": round(result.score, 4),
        "level_scores": {str(level): round(value, 4) for level, value in result.level_scores.items()},
        "dimension_levels": result.dimension_levels,
        "dimension_values": {code: round(value, 4) for code, value in result.dimension_values.items()},
        "unanswered": len(result.unanswered),
        "blocked_levels": list(result.blocked_levels),
    }


def evaluation_scores(*, user: User, evaluation: Evaluation) -> dict:
    """The engine's scores of the self-assessment, of each assessor whose ratings ``user`` may read, and of the
    consensus (once there is one and ``user`` may read every assessor's ratings: the consensus is made from them).
    Only the consensus decides the official level. A fixed number of queries."""
    model = evaluation.model
    spec = selectors.model_spec(model=model)
    ratings, eligibility = selectors.evaluation_inputs(evaluation=evaluation)
    self_result = scoring.score(spec, ratings, eligibility) if ratings or eligibility else None

    rows = defaultdict(list)
    visible = selectors.ratings_visible(user, evaluation)
    for assessor, requirement, condition, value in visible.values_list(
        "assessor_id", "requirement__code", "condition__code", "value"
    ):
        rows[assessor].append((requirement, condition, value))
    members = {m.assessor_id: m for m in TeamMember.objects.filter(evaluation=evaluation).select_related("assessor")}
    assessors = [
        {
            "assessor": assessor,
            "name": str(members[assessor].assessor) if assessor in members else "",
            "role": members[assessor].role if assessor in members else "",
            "submitted": assessor in members and members[assessor].ratings_submitted_at is not None,
            "result": result_summary(scoring.score(spec, *engine_inputs(items)), model=model),
        }
        for assessor, items in sorted(rows.items())
    ]

    member = members.get(user.pk)
    blind = member is not None and member.ratings_submitted_at is None
    outsider_too_early = member is None and evaluation.status in selectors.RATINGS_OPEN_STATUSES
    consensus_rows = (
        []
        if blind or outsider_too_early
        else list(
            scope(user, ConsensusRating.objects.filter(evaluation=evaluation)).values_list(
                "requirement__code", "condition__code", "value"
            )
        )
    )
    consensus = scoring.score(spec, *engine_inputs(consensus_rows)) if consensus_rows else None
    return {
        "evaluation": evaluation.pk,
        "self": result_summary(self_result, model=model) if self_result else None,
        "assessors": assessors,
        "consensus": result_summary(consensus, model=model) if consensus else None,
    }
