"""Reads for enterprises and reference data. Every read of enterprise data goes through accounts.scoping."""

from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest

from accounts.choices import Role
from accounts.models import User
from accounts.scoping import get_scoped_or_404, scope
from enterprises.choices import ClaimStatus, RegionLevel, VerificationStatus
from enterprises.filters import EnterpriseFilterSet
from enterprises.models import Authority, Enterprise, EnterpriseClaim, Industry, Region


def region_list() -> QuerySet[Region]:
    return Region.objects.select_related("parent")


def industry_list() -> QuerySet[Industry]:
    return Industry.objects.all()


def authority_list() -> QuerySet[Authority]:
    return Authority.objects.prefetch_related("regions", "excluded_regions")


def enterprise_list(*, user: User, filters: dict | None = None) -> QuerySet[Enterprise]:
    """The enterprises ``user`` may see, filtered by the shared filterset (same filters as the API)."""
    queryset = scope(user, Enterprise.objects.select_related("region__parent", "industry"))
    if filters is not None:
        queryset = EnterpriseFilterSet(filters, queryset=queryset).qs
    return queryset


def enterprise_get(*, user: User, pk: int, request: HttpRequest | None = None) -> Enterprise:
    queryset = Enterprise.objects.select_related("region__parent", "industry", "parent", "verified_by")
    return get_scoped_or_404(user, queryset, request=request, pk=pk)


def enterprise_supplier_links(*, user: User, enterprise: Enterprise):
    """The enterprise's suppliers and customers, each narrowed to what ``user`` may see."""
    visible = scope(user, Enterprise.objects.all()).values("pk")
    suppliers = enterprise.supplier_links.filter(supplier__in=visible).select_related("supplier__region")
    customers = enterprise.customer_links.filter(leading__in=visible).select_related("leading__region")
    return suppliers, customers


def claim_list(*, user: User, status: str | None = ClaimStatus.PENDING) -> QuerySet[EnterpriseClaim]:
    """Claims on enterprises in ``user``'s scope (an authority's verification queue)."""
    queryset = scope(
        user, EnterpriseClaim.objects.select_related("user", "enterprise__region__parent", "enterprise__industry")
    )
    return queryset.filter(status=status) if status else queryset


def claim_get(*, user: User, pk: int, request: HttpRequest | None = None) -> EnterpriseClaim:
    return get_scoped_or_404(user, EnterpriseClaim.objects.select_related("enterprise", "user"), request=request, pk=pk)


def claims_of_user(*, user: User) -> QuerySet[EnterpriseClaim]:
    """A user's own claims (their own requests, not enterprise data: no scoping needed)."""
    return EnterpriseClaim.objects.filter(user=user).select_related("enterprise", "decided_by")


def enterprise_counts(*, user: User) -> dict[str, int]:
    """Headline counts over the enterprises ``user`` may see, in one query."""
    return scope(user, Enterprise.objects.all()).aggregate(
        total=Count("pk"),
        verified=Count("pk", filter=Q(status=VerificationStatus.VERIFIED)),
        pending=Count("pk", filter=Q(status=VerificationStatus.PENDING)),
        large=Count("pk", filter=Q(size_class="large")),
    )


def enterprises_by_province(*, user: User) -> list[dict]:
    """Enterprise counts per province inside ``user``'s scope, largest first (one query)."""
    rows = (
        scope(user, Enterprise.objects.all())
        .values("region__parent__code", "region__parent__name_zh", "region__parent__name_en")
        .annotate(n=Count("pk"))
        .order_by("-n")
    )
    provinces = {r.code: r for r in Region.objects.filter(level=RegionLevel.PROVINCE)}
    result = []
    for row in rows:
        code = row["region__parent__code"]
        region = provinces.get(code)
        result.append({"region": region, "n": row["n"]})
    return result


def public_counts() -> dict[str, int]:
    """Aggregate counts the home page may show anyone (no enterprise is identified)."""
    return {
        "provinces": Region.objects.filter(level=RegionLevel.PROVINCE).count(),
        "authorities": Authority.objects.count(),
        "industries": Industry.objects.count(),
        "enterprises": Enterprise.objects.filter(status=VerificationStatus.VERIFIED).count(),
    }


def authority_of(user: User) -> Authority | None:
    return next((m.authority for m in user.active_memberships if m.role == Role.AUTHORITY), None)


def enterprise_of(user: User) -> Enterprise | None:
    return next((m.enterprise for m in user.active_memberships if m.enterprise_id), None)
