"""Raising, handling and e-mailing early warnings (ARCHITECTURE §7).

``warnings_raise`` runs the rules of ``indices.warnings`` over the current method's index cells, the valid
certificates, the labs due and the published inspection batches, and stores every finding whose key is new: it is
idempotent, never duplicates a warning and never reopens one (an acknowledged or resolved warning keeps its state;
its key stays taken). It runs daily (beat), after each recompute of the index and after an inspection batch is
published.

A warning moves open -> acknowledged -> resolved, or open -> resolved, by national staff or by an authority whose
area covers the warning's region; resolving needs a reason. The warning keeps who moved it last, when and why;
each step (and the raising itself, by the platform) is also an audit row, so the detail page shows the history.

E-mail, after the raising commits: one message per authority listing the new warnings in its area, to the
authority's active users with an e-mail address (Guangdong's message includes Shenzhen's warnings, as does
Shenzhen's), and one national digest of all of them to the active national staff. Users have no language
preference, so each message is written in Chinese with the English below. ``emailed_at`` is set on the warnings
that went out in at least one message. A failed send leaves it empty and the next run (daily at the latest)
sends them again, for up to ``EMAIL_RETRY_DAYS`` days; a warning nobody in scope could be told about keeps an
empty ``emailed_at`` (the list page shows it) and is not sent later to people who arrive after the fact.
"""

import logging
from collections import defaultdict
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, mailers
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import AuditAction, Role
from accounts.models import Membership, User
from accounts.services import audit_record
from core.exceptions import DomainError, NotPermitted
from core.links import site_url
from core.mail import bilingual_email
from evaluations.choices import CertificateStatus
from evaluations.models import Certificate
from indices import warnings as rules
from indices.choices import WarningState
from indices.method import METHOD_VERSION
from indices.models import ALL, EarlyWarning, IndexCell
from indices.warning_selectors import may_handle, with_names
from labs.selectors import labs_due
from products.selectors import inspection_tallies

logger = logging.getLogger(__name__)

EMAIL_RETRY_DAYS = 7
REASON_MAX = 2000
TRANSITIONS = {
    WarningState.OPEN: {WarningState.ACKNOWLEDGED, WarningState.RESOLVED},
    WarningState.ACKNOWLEDGED: {WarningState.RESOLVED},
}
CELL_FIELDS = [
    "method_version",
    "year",
    "region_level",
    "region_code",
    "industry_code",
    "size_class",
    "n",
    "registered",
    "index",
    "index_change",
    "coverage",
    "coverage_change",
]


class WarningError(DomainError):
    default_code = "warning_error"


# --- Raising -------------------------------------------------------------------------------------------------------


def rule_years(*, year: int | None, today: date) -> list[int]:
    """The years whose cells the index rules read: ``year``, or by default the current year and the one before.

    The year before is final from 1 January on; the current year's cells describe today and change daily, so a
    drop found in June is raised in June (once: the key holds the year).
    """
    return [year] if year else [today.year - 1, today.year]


def findings(*, years: list[int], today: date) -> list[rules.Finding]:
    """Every rule's findings for ``years`` (index rules) and ``today`` (certificates, labs), and every published
    inspection batch's failure rates. Six queries."""
    cells = IndexCell.objects.filter(
        method_version=METHOD_VERSION,
        year__in=set(years) | {y - 1 for y in years},
        size_class=ALL,
        region_level__in=[rules.PROVINCE, rules.CITY],
    ).filter(Q(industry_code=ALL) | Q(region_level=rules.PROVINCE))
    by_year: dict[int, list[IndexCell]] = defaultdict(list)
    for cell in cells.only(*CELL_FIELDS):
        by_year[cell.year].append(cell)
    found: list[rules.Finding] = []
    for year in years:
        previous_n = {rules.cell_key(cell): cell.n for cell in by_year.get(year - 1, [])}
        found += rules.index_drops(by_year.get(year, []), previous_n=previous_n)
        found += rules.coverage_falls(by_year.get(year, []), previous_n=previous_n)
    horizon = rules.expiry_horizon(today)
    valid = Certificate.objects.filter(status=CertificateStatus.VALID)
    expiring = list(valid.filter(valid_until__gte=today, valid_until__lte=horizon).select_related("enterprise"))
    renewed: set[int] = set()
    if expiring:
        renewed = set(
            valid.filter(valid_until__gt=horizon, enterprise_id__in={c.enterprise_id for c in expiring}).values_list(
                "enterprise_id", flat=True
            )
        )
    found += rules.certificates_expiring(expiring, today=today, renewed_enterprises=renewed)
    found += rules.labs_due(labs_due(horizon=horizon), today=today)
    found += rules.inspection_failures(inspection_tallies(), threshold=settings.INSPECTION_FAILURE_RATE_WARNING)
    return found


def warnings_raise(*, year: int | None = None, today: date | None = None) -> list[EarlyWarning]:
    """Store the findings that are not warnings yet; returns the warnings it created (idempotent).

    ``year`` limits the index rules to one year (default: the current year and the one before); certificates are
    always checked against ``today``. The new warnings are e-mailed after the transaction commits.
    """
    today = today or timezone.localdate()
    found = findings(years=rule_years(year=year, today=today), today=today)
    taken = set(EarlyWarning.objects.filter(key__in=[f.key for f in found]).values_list("key", flat=True))
    created = []
    with transaction.atomic():
        for finding in found:
            if finding.key in taken:
                continue
            values = {
                "kind": finding.kind,
                "region_code": finding.region_code,
                "industry_code": finding.industry_code,
                "year": finding.year,
                "details": finding.details,
            }
            EarlyWarning(key=finding.key, **values).full_clean(validate_unique=False, validate_constraints=False)
            # get_or_create: a concurrent run may have stored the same key since ``taken`` was read.
            warning, was_created = EarlyWarning.objects.get_or_create(key=finding.key, defaults=values)
            if not was_created:
                continue
            audit_record(
                action=AuditAction.CREATE,
                target=warning,
                username="platform",
                details={"kind": warning.kind, "key": warning.key, "region": warning.region_code},
            )
            created.append(warning)
        if created:
            transaction.on_commit(_email_after_commit, robust=True)
    return created


def _email_after_commit() -> None:
    warnings_email()


# --- Handling ------------------------------------------------------------------------------------------------------


def _change_state(
    *, warning: EarlyWarning, to: str, by: User, reason: str, request: HttpRequest | None
) -> EarlyWarning:
    if not may_handle(by, warning):
        raise NotPermitted(_("Only national staff or the authority of the warning's region handle a warning."))
    reason = reason.strip()
    if len(reason) > REASON_MAX:
        raise ValidationError(
            {"reason": [_("Keep the reason under {count} characters.").format(count=REASON_MAX)]}, code="too_long"
        )
    warning = EarlyWarning.objects.select_for_update().get(pk=warning.pk)
    previous = warning.state
    if to not in TRANSITIONS.get(previous, set()):
        raise WarningError(
            _("A warning that is {state} cannot be {action}.").format(
                state=WarningState(previous).label, action=WarningState(to).label.lower()
            ),
            code="invalid_transition",
        )
    warning.state, warning.state_by, warning.state_at, warning.state_reason = to, by, timezone.now(), reason
    warning.save(update_fields=["state", "state_by", "state_at", "state_reason"])
    audit_record(
        action=AuditAction.STATE_CHANGE,
        actor=by,
        request=request,
        target=warning,
        details={"from": previous, "to": to, "reason": reason, "kind": warning.kind},
    )
    return warning


@transaction.atomic
def warning_acknowledge(
    *, warning: EarlyWarning, by: User, reason: str = "", request: HttpRequest | None = None
) -> EarlyWarning:
    """Someone in scope has seen an open warning and is on it (a reason is optional)."""
    return _change_state(warning=warning, to=WarningState.ACKNOWLEDGED, by=by, reason=reason, request=request)


@transaction.atomic
def warning_resolve(
    *, warning: EarlyWarning, by: User, reason: str, request: HttpRequest | None = None
) -> EarlyWarning:
    """Close an open or acknowledged warning, saying why (required)."""
    if not reason.strip():
        raise ValidationError({"reason": [_("Say why the warning is resolved.")]}, code="required")
    return _change_state(warning=warning, to=WarningState.RESOLVED, by=by, reason=reason, request=request)


# --- E-mail --------------------------------------------------------------------------------------------------------


def _recipients() -> tuple[dict[str, tuple], list[str]]:
    """Active authority users with an e-mail address, per authority; and the active national staff's addresses."""
    memberships = (
        Membership.objects.filter(is_active=True, user__is_active=True, role__in=[Role.AUTHORITY, Role.NATIONAL])
        .exclude(user__email="")
        .select_related("user", "authority")
        .prefetch_related("authority__regions", "authority__excluded_regions")
        .order_by("authority_id", "user__email")
    )
    authorities: dict[str, tuple] = {}
    national: list[str] = []
    for membership in memberships:
        if membership.role == Role.NATIONAL:
            national.append(membership.user.email)
        else:
            authority = membership.authority
            authorities.setdefault(authority.pk, (authority, []))[1].append(membership.user.email)
    return authorities, national


def _message(*, warnings, audience, national: bool, to: list[str]) -> EmailMessage:
    url = site_url(reverse("indices:warning_list"))

    def subject() -> str:
        return (
            _("QualityPath: {count} new early warnings").format(count=len(warnings))
            if len(warnings) != 1
            else _("QualityPath: 1 new early warning")
        )

    return bilingual_email(
        subject=subject,
        template="indices/warnings_email.txt",
        context=lambda: {
            "warnings": with_names(warnings),
            "audience": str(audience),
            "national": national,
            "url": url,
        },
        to=to,
    )


def warnings_email(*, now=None) -> int:
    """E-mail the open warnings not e-mailed yet (raised in the last ``EMAIL_RETRY_DAYS`` days); returns messages.

    The warnings are locked while they are sent (``skip_locked``: a concurrent run leaves them to this one), and
    ``emailed_at`` is set in the same transaction, so a warning goes out once unless sending fails.
    """
    now = now or timezone.now()
    since = now - timedelta(days=EMAIL_RETRY_DAYS)
    with transaction.atomic():
        pending = list(
            EarlyWarning.objects.select_for_update(skip_locked=True)
            .filter(emailed_at__isnull=True, state=WarningState.OPEN, created_at__gte=since)
            .order_by("region_code", "kind", "key")
        )
        if not pending:
            return 0
        authorities, national = _recipients()
        messages, sent = [], set()
        for authority, addresses in authorities.values():
            theirs = [w for w in pending if authority.covers(w.region_code)]
            if theirs:
                messages.append(_message(warnings=theirs, audience=authority, national=False, to=addresses))
                sent.update(w.pk for w in theirs)
        if national:
            messages.append(_message(warnings=pending, audience=Role.NATIONAL.label, national=True, to=national))
            sent.update(w.pk for w in pending)
        if messages:
            mailers.default.send_messages(messages)
            EarlyWarning.objects.filter(pk__in=sent).update(emailed_at=now)
        logger.info("Early warnings e-mailed: %d messages about %d warnings", len(messages), len(sent))
    return len(messages)
