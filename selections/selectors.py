"""Reads for the selection pages: every application read goes through the scoping layer."""

from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest

from accounts.choices import Role
from accounts.scoping import get_scoped_or_404, scope
from knowledge.models import Method
from knowledge.selectors import method_case_q
from selections.choices import ApplicationStatus, CallScope
from selections.models import Application, Call, Case, Review


def calls_visible(user) -> QuerySet:
    """Announced calls for everyone; an organiser also sees the calls it has not announced yet."""
    visible = Q(announced_at__isnull=False)
    if user is not None and user.is_authenticated:
        if user.has_role(Role.NATIONAL):
            visible |= Q(scope=CallScope.NATIONAL)
        authorities = [authority.pk for authority in user.authorities]
        if authorities:
            visible |= Q(scope=CallScope.PROVINCIAL, authority__in=authorities)
    return Call.objects.filter(visible).select_related("authority")


def call_get(user, pk: int) -> Call:
    call = calls_visible(user).filter(pk=pk).first()
    if call is None:
        raise Http404
    return call


def application_get(user, pk: int, *, request: HttpRequest | None = None) -> Application:
    """One application for the people taking part (applicant, its authority, organiser, its experts)."""
    queryset = Application.objects.select_related("call", "enterprise", "authority")
    return get_scoped_or_404(user, queryset, request=request, published=False, pk=pk)


def applications_of_call(user, call: Call) -> list[Application]:
    """The call's applications ``user`` may see (the organiser all of them, an authority its area's)."""
    queryset = scope(user, call.applications.select_related("enterprise", "authority"), published=False)
    return list(queryset.order_by("status", "authority_id", "rank", "pk"))


def own_application(user, call: Call) -> Application | None:
    enterprises = [m.enterprise_id for m in user.active_memberships if m.enterprise_id] if user.is_authenticated else []
    return call.applications.filter(enterprise__in=enterprises).first() if enterprises else None


def recommend_queue(call: Call, authority_id: str) -> list[Application]:
    return list(
        call.applications.filter(authority_id=authority_id, status=ApplicationStatus.SUBMITTED)
        .select_related("enterprise")
        .order_by("submitted_at", "pk")
    )


def in_notice() -> list[Application]:
    """Applications in public notice, for the public notice page."""
    return list(
        Application.objects.filter(status=ApplicationStatus.NOTICE)
        .select_related("call", "enterprise")
        .order_by("notice_until", "pk")
    )


def published_of(call: Call) -> list[Application]:
    return list(call.applications.filter(status=ApplicationStatus.PUBLISHED).select_related("enterprise"))


def reviews_of(expert) -> list[Review]:
    return list(
        Review.objects.filter(expert=expert)
        .select_related("application__call", "application__enterprise")
        .order_by("submitted_at", "-assigned_at")
    )


def case_list(
    *, search: str = "", theme: str = "", industry: str = "", province: str = "", method: Method | None = None
) -> QuerySet:
    """The public case library, searched in titles, summaries, methods and results; ``method`` keeps the cases
    that name a method of the toolbox."""
    cases = Case.objects.select_related("enterprise", "industry", "region")
    if method is not None:
        cases = cases.filter(method_case_q(method))
    if search:
        cases = cases.filter(
            Q(title__icontains=search)
            | Q(summary__icontains=search)
            | Q(methods__icontains=search)
            | Q(results__icontains=search)
        )
    if theme:
        cases = cases.filter(theme=theme)
    if industry:
        cases = cases.filter(industry_id=industry)
    if province:
        cases = cases.filter(region__code__startswith=province[:2])
    return cases
