"""Reading early warnings, scoped (ARCHITECTURE §2 and §7).

Who sees which warnings is the scoping layer's regional rule, applied to the warning's own region code:
- national (MIIT) staff and platform administrators see every warning;
- an authority sees the warnings whose region code lies inside its area (``Authority.region_q``, less the regions
  it excludes): Guangdong sees Guangdong's and Shenzhen's, Shenzhen only Shenzhen's;
- everyone else sees none.
``accounts.scoping.scope`` cannot be used as it is: it reaches enterprise data through ``scope_path`` and a
``region`` foreign key, and ``EarlyWarning`` has neither (a warning about a province is about no enterprise). A
warning about a certificate names an enterprise, and its ``region_code`` is that enterprise's region when the
warning was raised, so filtering on it is the same rule ``enterprise_q`` applies to the enterprise itself. Single
warnings outside the scope are a 404, and the attempt is audit-logged, as ``get_scoped_or_404`` does.
"""

from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest

from accounts.choices import AuditAction, Role
from accounts.models import AuditLog
from accounts.scoping import COUNTRY_WIDE_ROLES, NOTHING, not_found
from enterprises.models import Industry, Region
from indices import warnings as rules
from indices.choices import WarningState
from indices.models import EarlyWarning

READER_ROLES = frozenset({Role.AUTHORITY, *COUNTRY_WIDE_ROLES})
HOME_LATEST = 5


def may_read_warnings(user) -> bool:
    return user is not None and user.is_authenticated and user.has_role(*READER_ROLES)


def warning_q(user) -> Q | None:
    """The filter for the warnings ``user`` may read; None means all of them."""
    if user is None or not user.is_authenticated:
        return NOTHING
    memberships = user.active_memberships
    if any(membership.role in COUNTRY_WIDE_ROLES for membership in memberships):
        return None
    allowed = NOTHING
    for membership in memberships:
        if membership.role == Role.AUTHORITY:
            allowed |= membership.authority.region_q(field="region_code")
    return allowed


def may_handle(user, warning: EarlyWarning) -> bool:
    """Whether ``user`` may acknowledge or resolve ``warning``: national staff, or an authority whose area covers it.

    Platform administrators read every warning but handle none: they operate the platform, not the programme.
    """
    if user is None or not user.is_authenticated:
        return False
    memberships = user.active_memberships
    if any(membership.role == Role.NATIONAL for membership in memberships):
        return True
    return any(m.role == Role.AUTHORITY and m.authority.covers(warning.region_code) for m in memberships)


def warning_list(*, user, state: str | None = None, kind: str | None = None) -> QuerySet[EarlyWarning]:
    """The warnings ``user`` may read, newest first, optionally of one state and one kind."""
    warnings = EarlyWarning.objects.select_related("state_by")
    condition = warning_q(user)
    if condition is not None:
        warnings = warnings.filter(condition)
    if state:
        warnings = warnings.filter(state=state)
    if kind:
        warnings = warnings.filter(kind=kind)
    return warnings.order_by("-created_at", "-pk")


def warning_get(*, user, pk: int, request: HttpRequest | None = None) -> EarlyWarning:
    """One warning inside ``user``'s scope; otherwise a 404, with the denied attempt audit-logged."""
    warning = warning_list(user=user).filter(pk=pk).first()
    if warning is not None:
        return warning
    hidden = EarlyWarning.objects.filter(pk=pk).first()
    if hidden is not None:
        raise not_found(user, hidden, request=request, reason="out_of_scope")
    raise Http404


def with_names(warnings) -> list[EarlyWarning]:
    """The warnings as a list, each with ``region``, ``industry`` and ``description`` (in the active language).

    Two queries however many warnings there are.
    """
    warnings = list(warnings)
    regions = Region.objects.select_related("parent").in_bulk({w.region_code for w in warnings})
    industries = Industry.objects.in_bulk({w.industry_code for w in warnings if w.industry_code})
    for warning in warnings:
        warning.region = regions.get(warning.region_code)
        warning.industry = industries.get(warning.industry_code)
        warning.description = rules.describe(warning.kind, warning.details)
    return warnings


def warning_history(*, warning: EarlyWarning):
    """Every state change of ``warning`` from the audit log, oldest first (who, when, why)."""
    return (
        AuditLog.objects.filter(
            object_type=EarlyWarning._meta.label_lower,
            object_id=str(warning.pk),
            action__in=[AuditAction.CREATE, AuditAction.STATE_CHANGE],
        )
        .select_related("actor")
        .order_by("at", "id")
    )


def warning_summary(*, user, limit: int = HOME_LATEST) -> dict:
    """For a home page: how many warnings in scope are open, and the latest few of them."""
    open_warnings = warning_list(user=user, state=WarningState.OPEN)
    return {"open_count": open_warnings.count(), "latest": with_names(open_warnings[:limit])}
