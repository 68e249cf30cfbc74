"""Reads of the product-quality registers, the tallies the early warning reads, and an enterprise's public profile.

Enterprise rows are read through ``accounts.scoping.scope`` restricted to what is published (``published_q``):
the public pages show the published facts to everyone, whoever asks (an authority sees there what the public sees).
Inspection batches themselves are no enterprise's data: the public sees the published ones; MIIT staff and the
authority that imported a batch see it before it is published.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q, QuerySet, Value
from django.db.models.functions import Concat, Substr
from django.http import Http404, HttpRequest
from django.utils import timezone

from accounts.choices import Role
from accounts.scoping import not_found, scope
from brands.models import BrandEntry, EntryStatus
from core.models import pick_language
from enterprises.models import Enterprise
from evaluations.choices import EvaluationStatus
from evaluations.publication_selectors import level_names, results_published
from labs.models import Lab
from pilots.models import Platform
from products.choices import Grade, ProductCategory
from products.models import GradingRecord, InspectionBatch, InspectionResult, ThreeProductsEntry
from products.services import may_manage

PAGE_ROWS = 500  # rows a page shows; the downloads have them all


def _published(user, model) -> QuerySet:
    return scope(user, model.objects.filter(model.published_q))


def _province(queryset: QuerySet, province: str, path: str) -> QuerySet:
    return queryset.filter(**{f"{path}__startswith": province[:2]}) if province else queryset


# --- Three Products ----------------------------------------------------------------------------------------------


def entry_list(*, user, search: str = "", list_id: int | None = None, year: int | None = None, province: str = ""):
    entries = _published(user, ThreeProductsEntry).select_related("products_list", "enterprise", "region")
    if search:
        entries = entries.filter(
            Q(product_zh__icontains=search)
            | Q(product_en__icontains=search)
            | Q(field__icontains=search)
            | Q(enterprise__name_zh__icontains=search)
            | Q(enterprise__name_en__icontains=search)
        )
    if list_id:
        entries = entries.filter(products_list_id=list_id)
    if year:
        entries = entries.filter(products_list__year=year)
    entries = _province(entries, province, "region__code")
    return entries.order_by("-products_list__year", "products_list_id", "product_zh", "pk")


# --- Grading records ---------------------------------------------------------------------------------------------


def grading_list(
    *,
    user,
    search: str = "",
    grade: int | None = None,
    province: str = "",
    year: int | None = None,
    today: date | None = None,
) -> QuerySet[GradingRecord]:
    """Grading records valid ``today``, highest grade first."""
    records = _published(user, GradingRecord).filter(GradingRecord.valid_q(today or timezone.localdate()))
    records = records.select_related("enterprise__region")
    if search:
        records = records.filter(
            Q(product_zh__icontains=search)
            | Q(product_en__icontains=search)
            | Q(enterprise__name_zh__icontains=search)
            | Q(enterprise__name_en__icontains=search)
            | Q(certifying_body__icontains=search)
            | Q(report_number__icontains=search)
            | Q(scheme__icontains=search)
        )
    if grade in Grade.values:
        records = records.filter(grade=grade)
    if year:
        records = records.filter(issued_on__year=year)
    records = _province(records, province, "enterprise__region__code")
    return records.order_by("-grade", "-issued_on", "pk")


# --- Inspections -------------------------------------------------------------------------------------------------


def batch_list(*, year: int | None = None, category: str = "") -> QuerySet[InspectionBatch]:
    """Published batches, newest first."""
    batches = InspectionBatch.objects.filter(published_at__isnull=False).select_related("authority")
    if year:
        batches = batches.filter(year=year)
    if category in ProductCategory.values:
        batches = batches.filter(category=category)
    return batches.order_by("-year", "-published_at", "-pk")


def batches_managed(*, user) -> QuerySet[InspectionBatch]:
    """The batches ``user`` imported or may publish: MIIT staff all, an authority its own."""
    batches = InspectionBatch.objects.select_related("authority").order_by("-imported_at", "-pk")
    if user.has_role(Role.NATIONAL):
        return batches
    own = [authority.pk for authority in user.authorities]
    return batches.filter(authority_id__in=own)


def batch_get(*, user, pk: int, request: HttpRequest | None = None) -> InspectionBatch:
    """A published batch, or an unpublished one for those who manage it; otherwise a 404 (audit-logged)."""
    batch = InspectionBatch.objects.select_related("authority", "imported_by", "published_by").filter(pk=pk).first()
    if batch is None:
        raise Http404
    if batch.is_published or may_manage(user, batch):
        return batch
    raise not_found(user, batch, request=request, reason="not_published")


def batch_results(*, user, batch: InspectionBatch) -> QuerySet[InspectionResult]:
    """A batch's results: published ones for everyone; before publication those in the manager's scope."""
    results = batch.results.all() if batch.is_published else scope(user, batch.results.all(), published=False)
    return results.select_related("enterprise__region").order_by("row")


def result_list(
    *,
    user,
    search: str = "",
    category: str = "",
    year: int | None = None,
    province: str = "",
    passed: bool | None = None,
    batch_id: int | None = None,
) -> QuerySet[InspectionResult]:
    results = _published(user, InspectionResult).select_related("batch", "enterprise__region")
    if search:
        results = results.filter(
            Q(product__icontains=search)
            | Q(model_spec__icontains=search)
            | Q(sample_number__icontains=search)
            | Q(defects__icontains=search)
            | Q(enterprise__name_zh__icontains=search)
            | Q(enterprise__name_en__icontains=search)
        )
    if category in ProductCategory.values:
        results = results.filter(batch__category=category)
    if year:
        results = results.filter(batch__year=year)
    if passed is not None:
        results = results.filter(passed=passed)
    if batch_id:
        results = results.filter(batch_id=batch_id)
    results = _province(results, province, "enterprise__region__code")
    return results.order_by("-batch__year", "-batch_id", "row")


def _by_province(results: QuerySet) -> QuerySet:
    return results.annotate(province=Concat(Substr("enterprise__region_id", 1, 2), Value("0000")))


def batch_provinces(*, results: QuerySet) -> list[dict]:
    """Per province of the enterprises: samples, failed, failure rate (one query)."""
    rows = (
        _by_province(results.order_by())
        .values("province")
        .annotate(samples=Count("pk"), failed=Count("pk", filter=Q(passed=False)))
        .order_by("province")
    )
    return [{**row, "rate": row["failed"] / row["samples"]} for row in rows]


@dataclass(frozen=True)
class InspectionTally:
    """One published batch's samples and failures in one province (what the early-warning rule reads)."""

    batch_id: int
    year: int
    category: str
    title_zh: str
    title_en: str
    province_code: str
    samples: int
    failed: int


def inspection_tallies() -> list[InspectionTally]:
    """Every published batch's samples and failures per province of the enterprises, aggregated in SQL (one query)."""
    rows = (
        _by_province(InspectionResult.objects.filter(InspectionResult.published_q))
        .values("batch_id", "batch__year", "batch__category", "batch__title_zh", "batch__title_en", "province")
        .annotate(samples=Count("pk"), failed=Count("pk", filter=Q(passed=False)))
        .order_by("batch_id", "province")
    )
    return [
        InspectionTally(
            batch_id=row["batch_id"],
            year=row["batch__year"],
            category=row["batch__category"],
            title_zh=row["batch__title_zh"],
            title_en=row["batch__title_en"],
            province_code=row["province"],
            samples=row["samples"],
            failed=row["failed"],
        )
        for row in rows
    ]


# --- The public profile ------------------------------------------------------------------------------------------


def enterprise_profile(*, user, pk: int, request: HttpRequest | None = None) -> dict:
    """What is published about an enterprise: its current level, Three Products entries, grading records, inspection
    results, brand list entries, laboratories and pilot platforms. A 404 (audit-logged) when nothing is. Nine queries
    however much there is."""
    enterprise = Enterprise.objects.select_related("region__parent", "industry").filter(pk=pk).first()
    if enterprise is None:
        raise Http404
    evaluation = results_published(user=user).filter(enterprise=enterprise, status=EvaluationStatus.PUBLISHED).first()
    profile = {
        "enterprise": enterprise,
        "evaluation": evaluation,
        "level_name": pick_language(**level_names(evaluation.model, evaluation.official_level)) if evaluation else "",
        "three_products": list(
            _published(user, ThreeProductsEntry)
            .filter(enterprise=enterprise)
            .select_related("products_list")
            .order_by("-products_list__year", "product_zh")
        ),
        "grading_records": list(
            _published(user, GradingRecord).filter(enterprise=enterprise).order_by("-valid_until", "pk")
        ),
        "inspection_results": list(
            _published(user, InspectionResult)
            .filter(enterprise=enterprise)
            .select_related("batch")
            .order_by("-batch__year", "-batch_id", "row")
        ),
        "brands": list(
            _published(user, BrandEntry)
            .filter(owner=enterprise, status=EntryStatus.VALID)
            .select_related("brand_list")
            .order_by("-brand_list__year", "brand")
        ),
        "labs": list(_published(user, Lab).filter(host=enterprise).order_by("-batch", "name_zh")),
        "platforms": list(_published(user, Platform).filter(host=enterprise).order_by("name_zh")),
    }
    if not any(value for key, value in profile.items() if key not in ("enterprise", "level_name")):
        raise not_found(user, enterprise, request=request, reason="nothing_published")
    return profile
