"""Reads of the public brand lists, and of brand cultivation self-evaluations (through accounts.scoping)."""

from django.db.models import Q, QuerySet
from django.http import HttpRequest

from accounts.choices import ENTERPRISE_ROLES, Role
from accounts.models import User
from accounts.scoping import get_scoped_or_404, not_found, scope
from brands.models import AssessmentStatus, BrandAssessment, BrandEntry, EntryStatus
from evaluations import scoring
from evaluations import selectors as evaluation_selectors
from evaluations.models import EvaluationModel, Requirement
from selections.choices import BrandCategory, BrandType

# Who reads submitted self-evaluations of enterprises in their scope (an authority: its region; MIIT: all).
OVERSEERS = (Role.AUTHORITY, Role.NATIONAL, Role.PLATFORM_ADMIN)


def entry_list(
    *, search: str = "", brand_type: str = "", category: str = "", province: str = "", status: str = "", list_id=None
) -> QuerySet:
    entries = BrandEntry.objects.select_related("brand_list", "owner", "region")
    if search:
        entries = entries.filter(
            Q(brand__icontains=search) | Q(owner__name_zh__icontains=search) | Q(field__icontains=search)
        )
    if brand_type in BrandType.values:
        entries = entries.filter(brand_type=brand_type)
    if category in BrandCategory.values:
        entries = entries.filter(category=category)
    if province:
        entries = entries.filter(region__code__startswith=province[:2])
    if status in EntryStatus.values:
        entries = entries.filter(status=status)
    if list_id:
        entries = entries.filter(brand_list_id=list_id)
    return entries.order_by("-brand_list__year", "brand_list_id", "brand")


def _visible(user: User) -> Q:
    """Inside the user's scope, a draft is for the enterprise's own members; a submitted one also for overseers."""
    own = [m.enterprise_id for m in user.active_memberships if m.role in ENTERPRISE_ROLES]
    visible = Q(enterprise_id__in=own)
    if user.has_role(*OVERSEERS):
        visible |= Q(status=AssessmentStatus.SUBMITTED)
    return visible


def assessment_list(*, user: User) -> QuerySet[BrandAssessment]:
    """The brand self-evaluations ``user`` may read: their enterprise's, or the submitted ones in their area."""
    assessments = BrandAssessment.objects.select_related("enterprise__region", "model")
    if not user.is_authenticated:
        return assessments.none()
    return scope(user, assessments, published=False).filter(_visible(user)).order_by("-year", "enterprise__name_zh")


def assessment_get(*, user: User, pk: int, request: HttpRequest | None = None) -> BrandAssessment:
    """One brand self-evaluation ``user`` may read; anything else is a 404 (and an audit row)."""
    queryset = BrandAssessment.objects.select_related("enterprise__region", "model")
    assessment = get_scoped_or_404(user, queryset, request=request, published=False, pk=pk)
    if user.is_member_of(assessment.enterprise_id) or (
        assessment.status == AssessmentStatus.SUBMITTED and user.has_role(*OVERSEERS)
    ):
        return assessment
    raise not_found(user, assessment, request=request, reason="draft_of_another_enterprise")


def assessment_estimate(*, assessment: BrandAssessment) -> scoring.Result:
    """The engine's result for the answers as they stand, on the model version the self-evaluation is bound to
    (the same adapter and engine as the QMC self-assessment)."""
    ratings = evaluation_selectors.engine_ratings(
        (code, answer.get("rating", "")) for code, answer in assessment.answers.items()
    )
    return scoring.score(evaluation_selectors.model_spec(model=assessment.model), ratings, assessment.eligibility)


def assessment_progress(*, assessment: BrandAssessment) -> dict[str, int]:
    spec = evaluation_selectors.model_spec(model=assessment.model)
    answered = sum(1 for code in spec.index.requirement_codes if assessment.answers.get(code, {}).get("rating"))
    return {"answered": answered, "total": len(spec.requirements)}


def model_of(*, assessment: BrandAssessment) -> EvaluationModel:
    """The bound model version with its whole structure prefetched, for the form and the result."""
    return evaluation_selectors.model_structure(model=assessment.model)


def requirements_of(model: EvaluationModel) -> list[Requirement]:
    """The requirements of a model from ``model_of``, in model order (no query: they are prefetched)."""
    return [r for d in model.dimensions.all() for i in d.indicators.all() for r in i.requirements.all()]
