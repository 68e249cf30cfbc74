"""Reads for calibration: scoped rating rows for the pure computations in ``evaluations.calibration``, and the
names the page shows for each group.

Only evaluations whose result the team has submitted count (result submitted, in notice, published, expired or
revoked): before that the consensus may still change. Those evaluations are past the on-site stage, so everyone in
scope may read all their ratings (the blind-rating rule of ``selectors.ratings_visible`` no longer hides any).
Scope is the user's own area without the published rows of other areas (``published=False``): an authority
calibrates its region, an institution administrator the evaluations assigned to the institution, MIIT the country.
A fixed number of queries, whatever the number of evaluations.
"""

from django.conf import settings
from django.db.models import OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from accounts.choices import Role
from accounts.models import User
from accounts.scoping import scope
from enterprises.models import Industry, Region
from evaluations import calibration
from evaluations.choices import EvaluationStatus
from evaluations.models import Answer, ConsensusRating, Dimension, Evaluation, Institution, Rating, Requirement

CALIBRATED_STATUSES = (
    EvaluationStatus.RESULT_SUBMITTED,
    EvaluationStatus.NOTICE,
    EvaluationStatus.PUBLISHED,
    EvaluationStatus.EXPIRED,
    EvaluationStatus.REVOKED,
)
CALIBRATION_ROLES = (Role.AUTHORITY, Role.NATIONAL, Role.INSTITUTION_ADMIN)
REQUIREMENT_ROWS = 20  # the requirements with the largest gaps shown on the page


def may_calibrate(user: User) -> bool:
    return user.is_authenticated and user.has_role(*CALIBRATION_ROLES)


def calibration_evaluations(*, user: User, cycle: int | None = None, industry: str | None = None) -> QuerySet:
    """The evaluations with a submitted result inside ``user``'s own area, optionally of one cycle and industry."""
    queryset = scope(user, Evaluation.objects.filter(status__in=CALIBRATED_STATUSES), published=False)
    if cycle:
        queryset = queryset.filter(cycle=cycle)
    if industry:
        queryset = queryset.filter(enterprise__industry_id=industry)
    return queryset


def calibration_cycles(*, user: User) -> list[int]:
    return sorted(set(calibration_evaluations(user=user).values_list("cycle", flat=True)), reverse=True)


def _rows(queryset: QuerySet, columns: dict[str, str]) -> list[dict]:
    """The queryset's ``columns`` (calibration column → lookup) as plain dicts."""
    return [dict(zip(columns, values, strict=True)) for values in queryset.values_list(*columns.values())]


def self_rows(*, user: User, evaluations: QuerySet) -> list[dict]:
    """One row per consensus rating of a requirement, with the enterprise's own rating of it beside (one query)."""
    own = Answer.objects.filter(evaluation=OuterRef("evaluation"), requirement=OuterRef("requirement"))
    queryset = scope(
        user,
        ConsensusRating.objects.filter(evaluation__in=evaluations.values("pk"), requirement__isnull=False),
        published=False,
    ).annotate(
        self_value=Subquery(own.values("rating")[:1]),
        province=Coalesce("evaluation__enterprise__region__parent_id", "evaluation__enterprise__region_id"),
    )
    columns = {
        "evaluation": "evaluation_id",
        "requirement": "requirement__code",
        "dimension": "requirement__indicator__dimension__code",
        "province": "province",
        "industry": "evaluation__enterprise__industry_id",
        "self": "self_value",
        "consensus": "value",
    }
    return _rows(queryset, columns)


def rater_rows(*, user: User, evaluations: QuerySet) -> list[dict]:
    """One row per assessor's rating of a requirement, with the team's consensus on it beside (one query)."""
    agreed = ConsensusRating.objects.filter(evaluation=OuterRef("evaluation"), requirement=OuterRef("requirement"))
    queryset = scope(
        user, Rating.objects.filter(evaluation__in=evaluations.values("pk"), requirement__isnull=False), published=False
    ).annotate(consensus_value=Subquery(agreed.values("value")[:1]))
    columns = {
        "evaluation": "evaluation_id",
        "assessor": "assessor_id",
        "institution": "evaluation__institution_id",
        "requirement": "requirement__code",
        "rating": "value",
        "consensus": "consensus_value",
    }
    return _rows(queryset, columns)


def _newest_by_code(queryset: QuerySet) -> dict:
    """Rows by code, the newest model version's row where several versions share a code."""
    rows: dict = {}
    for row in queryset.order_by("code", "-model__imported_at"):
        rows.setdefault(row.code, row)
    return rows


def _label(items: list[dict], names: dict) -> list[dict]:
    for item in items:
        item["label"] = names.get(item["key"], str(item["key"]))
    return items


def calibration_report(*, user: User, cycle: int | None = None, industry: str | None = None) -> dict:
    """Everything the calibration page shows for ``user``'s area: the overall self-assessment gap, the
    requirements with the largest gaps, the gap by dimension, province and industry, and each assessor's and
    institution's leniency and spread. Groups under ``CALIBRATION_MIN_EVALUATIONS`` evaluations are withheld."""
    min_n = settings.CALIBRATION_MIN_EVALUATIONS
    evaluations = calibration_evaluations(user=user, cycle=cycle, industry=industry)
    gaps = self_rows(user=user, evaluations=evaluations)
    deviations = rater_rows(user=user, evaluations=evaluations)

    by_requirement = calibration.self_gap(gaps, by="requirement", min_n=min_n)
    requirements = calibration.records(calibration.largest_gaps(by_requirement, limit=REQUIREMENT_ROWS))
    named = _newest_by_code(
        Requirement.objects.filter(code__in=[item["key"] for item in requirements]).select_related("indicator")
    )
    for item in requirements:
        requirement = named.get(item["key"])
        item["label"] = f"{requirement.indicator.short_code} {requirement.indicator.name} L{requirement.level}"
        item["text"] = requirement.text
    dimensions = calibration.records(calibration.self_gap(gaps, by="dimension", min_n=min_n))
    provinces = calibration.records(calibration.self_gap(gaps, by="province", min_n=min_n))
    industries = calibration.records(calibration.self_gap(gaps, by="industry", min_n=min_n))
    assessors = calibration.records(calibration.deviation(deviations, by="assessor", min_n=min_n))
    institutions = calibration.records(calibration.deviation(deviations, by="institution", min_n=min_n))
    dimension_names = {
        code: f"{code} {row.name}"
        for code, row in _newest_by_code(Dimension.objects.filter(code__in=[i["key"] for i in dimensions])).items()
    }
    return {
        "min_n": min_n,
        "evaluations": len({row["evaluation"] for row in gaps} | {row["evaluation"] for row in deviations}),
        "overall": calibration.overall_gap(gaps, min_n=min_n),
        "requirements": requirements,
        "requirements_withheld": int(by_requirement["too_small"].astype(bool).sum()),
        "dimensions": _label(dimensions, dimension_names),
        "provinces": _label(
            provinces, {r.code: r.name for r in Region.objects.filter(code__in=[i["key"] for i in provinces])}
        ),
        "industries": _label(
            industries, {i.code: str(i) for i in Industry.objects.filter(code__in=[i["key"] for i in industries])}
        ),
        "assessors": _label(
            assessors, {u.pk: str(u) for u in User.objects.filter(pk__in=[i["key"] for i in assessors])}
        ),
        "institutions": _label(
            institutions, {i.pk: i.name for i in Institution.objects.filter(pk__in=[i["key"] for i in institutions])}
        ),
    }
