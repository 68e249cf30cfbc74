"""Reads for enterprises and reference data. Every read of enterprise data goes through accounts.scoping."""

from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest

from accounts.models import User
from accounts.scoping import get_scoped_or_404, scope
from enterprises.choices import ClaimStatus, RegionLevel, VerificationStatus
from enterprises.filters import EnterpriseFilterSet
from enterprises.models import Authority, Enterprise, EnterpriseClaim, Industry, Region, SupplierLink


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


def enterprise_supplier_links(*, user: User, enterprise: Enterprise) -> dict:
    """The enterprise's supplier network as ``user`` may see it.

    A link belongs to both its enterprises, so a leading enterprise sees the names of its suppliers (and a
    supplier its customers) without gaining access to the other enterprise's own pages: ``linkable`` holds the
    ids whose pages ``user`` may open.
    """
    links = scope(user, SupplierLink.objects.select_related("leading__region", "supplier__region"))
    suppliers = list(links.filter(leading=enterprise).order_by("supplier__name_zh"))
    customers = list(links.filter(supplier=enterprise).order_by("leading__name_zh"))
    others = {link.supplier_id for link in suppliers} | {link.leading_id for link in customers}
    linkable = set(scope(user, Enterprise.objects.filter(pk__in=others)).values_list("pk", flat=True))
    return {"suppliers": suppliers, "customers": customers, "linkable": linkable}


def supplier_link_get(
    *, user: User, enterprise: Enterprise, pk: int, request: HttpRequest | None = None
) -> SupplierLink:
    return get_scoped_or_404(user, SupplierLink.objects.filter(leading=enterprise), request=request, pk=pk)


def customer_link_get(
    *, user: User, enterprise: Enterprise, pk: int, request: HttpRequest | None = None
) -> SupplierLink:
    """A link naming ``enterprise`` as the supplier (the one its administrator answers)."""
    queryset = SupplierLink.objects.filter(supplier=enterprise).select_related("leading")
    return get_scoped_or_404(user, queryset, request=request, pk=pk)


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
    """The (first) authority ``user`` works for, or None."""
    return next(iter(user.authorities), None)


def enterprise_of(user: User) -> Enterprise | None:
    return next((m.enterprise for m in user.active_memberships if m.enterprise_id), None)


def enterprise_by_code(credit_code: str) -> Enterprise | None:
    """An enterprise by its credit code, for naming it in a declaration or a check (not for reading its data)."""
    return Enterprise.objects.filter(credit_code=credit_code).select_related("industry").first()
