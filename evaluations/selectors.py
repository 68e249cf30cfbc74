"""Reads for evaluation models and evaluations. Enterprise data goes through accounts.scoping."""

import json
from collections.abc import Iterable
from dataclasses import asdict
from functools import lru_cache

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import INSTITUTION_ROLES, Role
from accounts.models import User
from accounts.scoping import COUNTRY_WIDE_ROLES, get_scoped_or_404, not_found, scope
from evaluations import scoring
from evaluations.choices import EvaluationStatus
from evaluations.models import (
    Answer,
    ConflictDeclaration,
    Dimension,
    EligibilityAnswer,
    Evaluation,
    EvaluationModel,
    Evidence,
    Indicator,
    Institution,
    Qualification,
    Rating,
    TeamMember,
)
from knowledge import selectors as knowledge_selectors  # a module: the toolbox reads the models' versions here


def model_list() -> QuerySet[EvaluationModel]:
    """The active model versions, newest first within each code."""
    return EvaluationModel.objects.filter(is_active=True).order_by("code", "-imported_at")


def model_latest(*, code: str) -> EvaluationModel | None:
    return model_list().filter(code=code).first()


def model_structure(*, model: EvaluationModel) -> EvaluationModel:
    """The model with dimensions → indicators → requirements and conditions prefetched (five queries)."""
    return EvaluationModel.objects.prefetch_related(
        Prefetch(
            "dimensions",
            queryset=Dimension.objects.prefetch_related(
                Prefetch("indicators", queryset=Indicator.objects.prefetch_related("requirements"))
            ),
        ),
        "conditions",
    ).get(pk=model.pk)


@lru_cache(maxsize=32)
def _spec(model_pk: int, imported_at) -> scoring.ModelSpec:
    # Model versions never change after import, so a spec can be kept for the life of the process. The import
    # time is part of the key so that a database that reuses a primary key (SQLite after a rollback) never
    # gets another version's spec.
    model = model_structure(model=EvaluationModel(pk=model_pk))
    dimensions, indicators, requirements = [], [], []
    for dimension in model.dimensions.all():
        dimensions.append(scoring.Dimension(code=dimension.code, weight=float(dimension.weight)))
        for indicator in dimension.indicators.all():
            indicators.append(
                scoring.Indicator(code=indicator.code, dimension=dimension.code, weight=float(indicator.weight))
            )
            requirements.extend(
                scoring.Requirement(
                    code=r.code, indicator=indicator.code, level=r.level, mandatory=r.mandatory, na_allowed=r.na_allowed
                )
                for r in indicator.requirements.all()
            )
    conditions = [
        scoring.EligibilityCondition(code=c.code, blocks_from_level=c.blocks_from_level) for c in model.conditions.all()
    ]
    return scoring.ModelSpec(
        code=model.code,
        dimensions=tuple(dimensions),
        indicators=tuple(indicators),
        requirements=tuple(requirements),
        conditions=tuple(conditions),
        threshold=float(model.threshold),
    )


def model_spec(*, model: EvaluationModel) -> scoring.ModelSpec:
    return _spec(model.pk, model.imported_at)


def evaluation_list(*, user: User) -> QuerySet[Evaluation]:
    """The evaluations ``user`` works with: their own scope, not everyone's published levels (those are on the
    public inquiry pages, which show only the published facts)."""
    return scope(user, Evaluation.objects.select_related("enterprise__region", "model"), published=False)


def evaluation_get(*, user: User, pk: int, request: HttpRequest | None = None) -> Evaluation:
    """One evaluation ``user`` works with (see ``evaluation_list``); a published one of another enterprise is a 404
    here: its self-assessment, ratings and evidence are not public."""
    queryset = Evaluation.objects.select_related("enterprise__region", "enterprise__industry", "model")
    return get_scoped_or_404(user, queryset, request=request, published=False, pk=pk)


def engine_ratings(stored: Iterable[tuple[str, str]]) -> dict[str, scoring.Rating]:
    """Stored ratings ("1", "0.8", "0.5", "0", "na"; "" unanswered) by requirement code, as the engine's input.

    One conversion for every store of ratings: the self-assessment's answer rows and the brand self-evaluation's
    answers (brands.services)."""
    return {code: (scoring.NA if rating == scoring.NA else float(rating)) for code, rating in stored if rating}


def evaluation_inputs(*, evaluation: Evaluation) -> tuple[dict[str, scoring.Rating], dict[str, bool]]:
    """The engine's input for an evaluation: ratings by requirement code, eligibility by condition code."""
    ratings = engine_ratings(
        Answer.objects.filter(evaluation=evaluation).exclude(rating="").values_list("requirement__code", "rating")
    )
    eligibility = dict(EligibilityAnswer.objects.filter(evaluation=evaluation).values_list("condition__code", "holds"))
    return ratings, eligibility


def evaluation_estimate(*, evaluation: Evaluation) -> scoring.Result:
    ratings, eligibility = evaluation_inputs(evaluation=evaluation)
    return scoring.score(model_spec(model=evaluation.model), ratings, eligibility)


def evaluation_progress(*, evaluation: Evaluation) -> dict[str, int]:
    total = len(model_spec(model=evaluation.model).requirements)
    answered = Answer.objects.filter(evaluation=evaluation).exclude(rating="").count()
    return {"answered": answered, "total": total}


def evidence_for(*, evaluation: Evaluation) -> QuerySet[Evidence]:
    return Evidence.objects.filter(evaluation=evaluation).select_related("indicator")


def evidence_get(*, user: User, evaluation: Evaluation, pk: int, request: HttpRequest | None = None) -> Evidence:
    return get_scoped_or_404(user, Evidence.objects.filter(evaluation=evaluation), request=request, pk=pk)


def result_as_dict(result: scoring.Result, *, model: EvaluationModel) -> dict:
    """The engine's result as JSON-ready data (keys are strings), with the level's name in the reader's language."""
    data = asdict(result)
    data["level_name"] = model.level_name(result.level)
    data["level_scores"] = {str(level): value for level, value in result.level_scores.items()}
    data["dimension_scores"] = {
        code: {str(level): value for level, value in scores.items()} for code, scores in result.dimension_scores.items()
    }
    return data


def result_report(*, model: EvaluationModel, result: scoring.Result) -> dict:
    """What a result page shows of the engine's result (``evaluations/_result_report.html``): the level and its
    name, the level bars, the radar, why the next level is not reached and the gap plan, in the reader's
    language. ``model`` comes from ``model_structure``. Shared by the QMC self-assessment and the brand
    cultivation self-evaluation."""
    levels = len(model.levels)
    requirements = {r.code: r for r in model.requirements.select_related("indicator")}
    gap_requirements = [requirements[step.requirement] for step in result.gap_plan]
    methods = knowledge_selectors.methods_for(gap_requirements)
    dimensions = {d.code: d for d in model.dimensions.all()}
    conditions = {c.code: c for c in model.conditions.all()}
    radar = {
        "labels": [dimensions[code].name for code in result.dimension_values],
        "values": [round(value, 2) for value in result.dimension_values.values()],
        "name": _("Dimension maturity"),
    }
    return {
        "result": result,
        "level_name": model.level_name(result.level),
        "next_level_name": model.level_name(result.level + 1) if result.level < levels else "",
        "level_rows": [
            {
                "number": n,
                "name": model.level_name(n),
                "score": result.level_scores[n],
                "percent": round(result.level_scores[n] * 100),
                "reached": n <= result.level,
            }
            for n in range(1, levels + 1)
        ],
        "threshold_percent": round(float(model.threshold) * 100),
        "reasons": [
            {
                "reason": reason,
                "requirement": requirements.get(reason.requirement),
                "condition": conditions.get(reason.condition),
            }
            for reason in result.not_reached
        ],
        "gap_plan": [
            {"step": step, "requirement": requirements[step.requirement], "methods": methods[step.requirement]}
            for step in result.gap_plan
        ],
        "gap_methods": any(methods.values()),  # a model without links to the toolbox (BCM) shows no such column
        "radar_json": json.dumps(radar, ensure_ascii=False),
        "dimensions": [
            {
                "dimension": dimensions[code],
                "level": level,
                "value": result.dimension_values[code],
                "level_name": model.level_name(level),
            }
            for code, level in result.dimension_levels.items()
        ],
    }


def enterprise_status(*, enterprise) -> dict:
    """What the enterprise's home needs: this cycle's self-assessment (if any) and the latest submitted one."""
    cycle = timezone.localdate().year
    evaluations = list(Evaluation.objects.filter(enterprise=enterprise).select_related("model").order_by("-cycle")[:5])
    current = next((e for e in evaluations if e.cycle == cycle), None)
    latest = next((e for e in evaluations if e.status == "submitted"), None)
    progress = evaluation_progress(evaluation=current) if current and current.is_editable else None
    return {"cycle": cycle, "current": current, "latest": latest, "progress": progress}


def evaluation_counts(*, user: User) -> dict[str, int]:
    """Self-assessments in ``user``'s scope this year: started and submitted (one query)."""
    return (
        evaluation_list(user=user)
        .filter(cycle=timezone.localdate().year)
        .aggregate(started=Count("pk"), submitted=Count("pk", filter=Q(status="submitted")))
    )


def institution_list(*, user: User) -> QuerySet:
    """Institutions ``user`` may see: all for MIIT and platform admins; for an authority, those accredited for any
    region inside its area or for the province around it (they may evaluate there); their own for its staff."""
    queryset = Institution.objects.prefetch_related("accredited_regions", "accredited_industries")
    if not user.is_authenticated:
        return queryset.none()
    memberships = user.active_memberships
    if any(m.role in COUNTRY_WIDE_ROLES for m in memberships):
        return queryset
    condition = Q(pk__in=[m.institution_id for m in memberships if m.role in INSTITUTION_ROLES])
    for membership in memberships:
        if membership.role == Role.AUTHORITY:
            authority = membership.authority
            provinces = {region.code[:2] + "0000" for region in authority.regions.all()}
            inside = Institution.objects.filter(authority.region_q(field="accredited_regions__code"))
            around = Institution.objects.filter(accredited_regions__code__in=provinces)
            condition |= Q(pk__in=inside.values("pk")) | Q(pk__in=around.values("pk"))
    return queryset.filter(condition)


def institution_get(*, user: User, pk: int):
    institution = institution_list(user=user).filter(pk=pk).first()
    if institution is None:
        raise Http404
    return institution


def institution_people(*, institution) -> list:
    """The institution's staff with their qualifications and declarations (three queries)."""
    return list(
        institution.memberships.filter(is_active=True)
        .select_related("user")
        .prefetch_related(
            Prefetch("user__qualifications", queryset=Qualification.objects.select_related("industry")),
            Prefetch("user__declarations", queryset=ConflictDeclaration.objects.select_related("enterprise")),
        )
        .order_by("role", "user__username")
    )


def institution_accredited_for(institution: Institution, *, enterprise, on) -> bool:
    """Whether ``institution`` may evaluate ``enterprise`` on ``on``: its region (or the province around it) and
    its industry are accredited, and the accreditation is current. Uses prefetched accreditations."""
    regions = {region.code for region in institution.accredited_regions.all()}
    industries = {industry.code for industry in institution.accredited_industries.all()}
    region = enterprise.region_id
    return (
        institution.accredited_from <= on <= institution.accredited_until
        and (region in regions or region[:2] + "0000" in regions)
        and enterprise.industry_id in industries
    )


def institutions_for(*, enterprise, on=None) -> list[Institution]:
    """The institutions that may evaluate ``enterprise`` (two queries, whatever the number of institutions)."""
    on = on or timezone.localdate()
    candidates = Institution.objects.prefetch_related("accredited_regions", "accredited_industries")
    return [i for i in candidates if institution_accredited_for(i, enterprise=enterprise, on=on)]


# Statuses in which the on-site ratings are closed: from the consensus on, the team's ratings are no secret.
RATINGS_OPEN_STATUSES = frozenset({EvaluationStatus.ON_SITE})


RATING_OVERSEERS = (Role.INSTITUTION_ADMIN, Role.AUTHORITY, Role.NATIONAL, Role.PLATFORM_ADMIN)


def team_of(*, evaluation: Evaluation) -> list[TeamMember]:
    return list(evaluation.team.select_related("assessor").order_by("-role", "assessor__username"))


def ratings_visible(user: User, evaluation: Evaluation) -> QuerySet[Rating]:
    """The on-site ratings of ``evaluation`` that ``user`` may read: the blind-rating rule.

    An assessor on the team sees only their own ratings until they have submitted them; then everyone's.
    Others in scope (the institution's administrator, the authority, MIIT) see the ratings once the evaluation
    has left the on-site stage. Nobody else sees them at all, the enterprise included (it reads the consensus).
    """
    ratings = scope(user, Rating.objects.filter(evaluation=evaluation)).select_related("requirement", "condition")
    member = TeamMember.objects.filter(evaluation=evaluation, assessor=user).first() if user.is_authenticated else None
    if member is not None and member.ratings_submitted_at is None:
        return ratings.filter(assessor=user)
    if member is None and (
        evaluation.status in RATINGS_OPEN_STATUSES or not user.has_role(*RATING_OVERSEERS)
    ):  # the enterprise itself reads the consensus and findings, not each assessor's sheet
        return ratings.none()
    return ratings


def ratings_of(user: User, evaluation: Evaluation, assessor_pk: int, *, request: HttpRequest | None = None) -> dict:
    """One team member's ratings by item code; a 404 (audit-logged) while the blind-rating rule hides them.

    ``evaluation`` comes from ``evaluation_get``, so it is inside the user's scope already.
    """
    if not evaluation.team.filter(assessor_id=assessor_pk).exists():
        raise Http404
    member = TeamMember.objects.filter(evaluation=evaluation, assessor=user).first()
    blind = member is not None and member.ratings_submitted_at is None and assessor_pk != user.pk
    outsider = member is None and (evaluation.status in RATINGS_OPEN_STATUSES or not user.has_role(*RATING_OVERSEERS))
    if blind or outsider:
        raise not_found(user, evaluation, request=request, reason="blind_rating", assessor=assessor_pk)
    return {
        (r.requirement or r.condition).code: r
        for r in ratings_visible(user, evaluation).filter(assessor_id=assessor_pk)
    }


WORK_STATUSES = (
    EvaluationStatus.ASSIGNED,
    EvaluationStatus.ON_SITE,
    EvaluationStatus.CONSENSUS,
    EvaluationStatus.RESULT_SUBMITTED,
)


def assignments(*, user: User) -> QuerySet[Evaluation]:
    """The on-site work in front of an assessor (their teams) or an institution administrator (the institution's
    evaluations), oldest first; through the scoping layer, which scopes these roles by assignment."""
    return (
        scope(user, Evaluation.objects.filter(status__in=WORK_STATUSES), published=False)
        .select_related("enterprise__region", "institution")
        .order_by("updated_at")
    )
