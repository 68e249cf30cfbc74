"""The one scoping layer: which enterprise data a user may read.

Every view, API endpoint, export and task that reads enterprise data passes its queryset through
``scope()``, and fetches single objects with ``get_scoped_or_404()``. A model that holds enterprise data
declares ``scope_path``, the lookup path from it to its ``Enterprise`` ("" for Enterprise itself,
"enterprise__" for a row that points at one, or a tuple of paths for a row that belongs to two enterprises and
is visible to either); a model without it cannot be scoped, by design.

The rules (ARCHITECTURE §2):
- national (MIIT) staff and platform administrators see the whole country;
- an authority sees enterprises whose region code lies inside its regions (less any it excludes);
- enterprise members and administrators see their own enterprise;
- assessors, institution administrators and experts see only what is assigned to them: they have no
  assignments until the on-site evaluation and selection issues add them, so for now they see nothing
  (institutions themselves are listed through ``evaluations.selectors.institution_list``);
- the public, and a user without an active role, see only what is published. Nothing about an enterprise
  is published yet (published levels and certificates come with the on-site evaluation issue).
An object outside the scope is a 404, never a 403, and the attempt is written to the audit log.
"""

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Model, Q, QuerySet
from django.http import Http404, HttpRequest

from accounts.choices import ENTERPRISE_ROLES, AuditAction, Role

NOTHING = Q(pk__in=[])
COUNTRY_WIDE_ROLES = frozenset({Role.NATIONAL, Role.PLATFORM_ADMIN})


def _scope_paths(model: type[Model]) -> tuple[str, ...]:
    path = getattr(model, "scope_path", None)
    if path is None:
        raise ImproperlyConfigured(f"{model.__name__} has no scope_path; it cannot be read through the scoping layer.")
    return (path,) if isinstance(path, str) else tuple(path)


def enterprise_q(user, *, path: str = "") -> Q | None:
    """The filter for enterprise data ``user`` may read, with lookups prefixed by ``path``; None means all."""
    if user is None or not user.is_authenticated:
        return NOTHING
    memberships = user.active_memberships
    if any(membership.role in COUNTRY_WIDE_ROLES for membership in memberships):
        return None
    allowed = NOTHING
    for membership in memberships:
        if membership.role in ENTERPRISE_ROLES:
            allowed |= Q(**{f"{path}pk": membership.enterprise_id})
        elif membership.role == Role.AUTHORITY:
            allowed |= membership.authority.region_q(field=f"{path}region__code")
    return allowed


def region_in_scope(user, region_code: str) -> bool:
    """Whether an enterprise registered at ``region_code`` would be inside ``user``'s regional scope."""
    if user is None or not user.is_authenticated:
        return False
    memberships = user.active_memberships
    if any(membership.role in COUNTRY_WIDE_ROLES for membership in memberships):
        return True
    return any(m.authority.covers(region_code) for m in memberships if m.role == Role.AUTHORITY)


def scope(user, queryset: QuerySet) -> QuerySet:
    """``queryset`` narrowed to what ``user`` may read."""
    combined = NOTHING
    for path in _scope_paths(queryset.model):
        condition = enterprise_q(user, path=path)
        if condition is None:
            return queryset
        combined |= condition
    return queryset.filter(combined)


def get_scoped_or_404(user, queryset: QuerySet, *, request: HttpRequest | None = None, **lookup) -> Model:
    """One object inside ``user``'s scope; otherwise a 404, with the denied attempt audit-logged."""
    obj = scope(user, queryset).filter(**lookup).first()
    if obj is not None:
        return obj
    hidden = queryset.filter(**lookup).first()
    if hidden is not None:
        from accounts.services import audit_record

        audit_record(
            action=AuditAction.ACCESS_DENIED,
            actor=user if user is not None and user.is_authenticated else None,
            request=request,
            target=hidden,
            success=False,
            details={"reason": "out_of_scope", "path": request.path if request is not None else ""},
        )
    raise Http404
