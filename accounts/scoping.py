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
- an assessor sees the evaluations whose on-site team they are on (and those evaluations' enterprises); an
  institution administrator the evaluations assigned to the institution. Rows about one evaluation declare
  ``evaluation_path`` (the lookup path to it) so these rules work per evaluation, not per enterprise: an
  assessor of this year's evaluation does not see last year's. Finer rules inside an evaluation (an
  assessor sees a colleague's ratings only after submitting their own) live in ``evaluations.selectors``;
- experts see the selection applications assigned to them for review and those applicants' profiles (not
  their other data): rows about one application declare ``application_path`` (the lookup path to it), as
  evaluation rows declare theirs;
- everyone, the public included, also sees what is published: models declare ``published_q`` for the rows
  that are public (a published, expired or revoked level; its certificate). A model without it publishes
  nothing.
An object outside the scope is a 404, never a 403, and the attempt is written to the audit log.
"""

from django.apps import apps
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


def _assignment_q(path: str, evaluation_path: str | None, **condition) -> Q:
    """Rows about evaluations matching ``condition``; for enterprise-level rows, the enterprises of those."""
    if evaluation_path is not None:
        return Q(**{f"{evaluation_path}{key}": value for key, value in condition.items()})
    evaluations = apps.get_model("evaluations", "Evaluation").objects.filter(**condition).values("enterprise_id")
    return Q(**{f"{path}pk__in": evaluations})


def _review_q(path: str, application_path: str | None, expert) -> Q:
    """Rows about applications ``expert`` reviews; for other enterprise rows, the applicants of those."""
    if application_path is not None:
        return Q(**{f"{application_path}reviews__expert": expert})
    reviewed = apps.get_model("selections", "Review").objects.filter(expert=expert).values("application__enterprise")
    return Q(**{f"{path}pk__in": reviewed})


def enterprise_q(
    user, *, path: str = "", evaluation_path: str | None = None, application_path: str | None = None
) -> Q | None:
    """The filter for enterprise data ``user`` may read, with lookups prefixed by ``path``; None means all.

    ``evaluation_path`` is the lookup path to the evaluation a row is about (None for rows about a whole
    enterprise); assessors and institutions are scoped by their assignments through it. ``application_path``
    likewise to a selection application, for experts.
    """
    if user is None or not user.is_authenticated:
        return NOTHING
    memberships = user.active_memberships
    if any(membership.role in COUNTRY_WIDE_ROLES for membership in memberships):
        return None
    allowed = NOTHING
    # Assessors and institutions are scoped by their evaluation assignments: they read the evaluations, and the
    # profiles of the enterprises they evaluate, not the rest of those enterprises' business (selection
    # applications, brand self-evaluations, supplier links).
    by_assignment = evaluation_path is not None or (path == "" and application_path is None)
    for membership in memberships:
        if membership.role in ENTERPRISE_ROLES:
            allowed |= Q(**{f"{path}pk": membership.enterprise_id})
        elif membership.role == Role.AUTHORITY:
            allowed |= membership.authority.region_q(field=f"{path}region__code")
        elif membership.role == Role.ASSESSOR and by_assignment:
            allowed |= _assignment_q(path, evaluation_path, team__assessor=user.pk)
        elif membership.role == Role.INSTITUTION_ADMIN and by_assignment:
            allowed |= _assignment_q(path, evaluation_path, institution=membership.institution_id)
        elif membership.role == Role.EXPERT and (application_path is not None or (path == "" and not evaluation_path)):
            allowed |= _review_q(path, application_path, user.pk)  # the applications, and the applicants' profiles
    return allowed


def region_in_scope(user, region_code: str) -> bool:
    """Whether an enterprise registered at ``region_code`` would be inside ``user``'s regional scope."""
    if user is None or not user.is_authenticated:
        return False
    memberships = user.active_memberships
    if any(membership.role in COUNTRY_WIDE_ROLES for membership in memberships):
        return True
    return any(m.authority.covers(region_code) for m in memberships if m.role == Role.AUTHORITY)


def scope(user, queryset: QuerySet, *, published: bool = True) -> QuerySet:
    """``queryset`` narrowed to what ``user`` may read.

    ``published=False`` leaves out what is visible only because it is published: the check before a write
    (an authority may revoke only inside its own area, though anyone can read the published level).
    """
    model = queryset.model
    combined = getattr(model, "published_q", NOTHING) if published else NOTHING
    if not combined:  # an empty Q(): every row is public (``Q() | condition`` would be ``condition`` alone)
        return queryset
    for path in _scope_paths(model):
        condition = enterprise_q(
            user,
            path=path,
            evaluation_path=getattr(model, "evaluation_path", None),
            application_path=getattr(model, "application_path", None),
        )
        if condition is None:
            return queryset
        combined |= condition
    return queryset.filter(combined)


def get_scoped_or_404(
    user, queryset: QuerySet, *, request: HttpRequest | None = None, published: bool = True, **lookup
) -> Model:
    """One object inside ``user``'s scope; otherwise a 404, with the denied attempt audit-logged.

    ``published`` as for ``scope()``: pages that show more than the published facts pass False.
    """
    obj = scope(user, queryset, published=published).filter(**lookup).first()
    if obj is not None:
        return obj
    hidden = queryset.filter(**lookup).first()
    if hidden is not None:
        raise not_found(user, hidden, request=request, reason="out_of_scope")
    raise Http404


def not_found(user, target: Model, *, request: HttpRequest | None = None, reason: str, **details) -> Http404:
    """The 404 to raise for ``target``, which exists but ``user`` may not read, once the denied attempt is audited
    with its ``reason`` (the reader learns nothing of what exists; the auditor sees who tried what, from where):
    ``raise not_found(user, obj, request=request, reason="...")``."""
    from accounts.services import audit_record

    audit_record(
        action=AuditAction.ACCESS_DENIED,
        actor=user if user is not None and user.is_authenticated else None,
        request=request,
        target=target,
        success=False,
        details={"reason": reason, "path": request.path if request is not None else "", **details},
    )
    return Http404()
