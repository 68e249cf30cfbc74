from datetime import timedelta

from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import audit_chain
from accounts.choices import ADMIN_DUTY_ROLES, AuditAction
from accounts.models import AuditLog, Membership, User


def audit_log_list(*, filters: dict) -> QuerySet[AuditLog]:
    """Audit rows, newest first, filtered by username, action, outcome, dates (local days, both included), what
    was acted on (type, id, name or page) and address. For audit administrators (the views check)."""
    queryset = AuditLog.objects.all()
    if filters.get("username"):
        queryset = queryset.filter(actor_username__iexact=filters["username"].strip())
    if filters.get("action"):
        queryset = queryset.filter(action=filters["action"])
    if filters.get("success") in ("0", "1"):
        queryset = queryset.filter(success=filters["success"] == "1")
    if filters.get("since"):
        queryset = queryset.filter(at__date__gte=filters["since"])
    if filters.get("until"):
        queryset = queryset.filter(at__date__lte=filters["until"])
    if target := (filters.get("target") or "").strip():
        queryset = queryset.filter(
            Q(object_type__iexact=target)
            | Q(object_id=target)
            | Q(object_repr__icontains=target)
            | Q(details__path__icontains=target)
        )
    if filters.get("ip_address"):
        queryset = queryset.filter(ip_address=filters["ip_address"].strip())
    return queryset


def audit_chain_verify() -> audit_chain.Verification:
    """Walk the whole audit log in id order and check its hash chain (``accounts.audit_chain``)."""
    rows = AuditLog.objects.order_by("pk").values("id", "prev_hash", "chain_hash", *audit_chain.FIELDS)
    return audit_chain.verify(rows.iterator(chunk_size=5000))


def security_overview() -> dict:
    """The security administrator's home: accounts locked now, people who must set up a second factor and have
    not, and who holds the three administrator duties."""
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    locked = (
        AccessAttempt.objects.filter(attempt_time__gte=since, failures_since_start__gte=settings.AXES_FAILURE_LIMIT)
        .order_by("-attempt_time")
        .values("username", "attempt_time")[:50]
    )
    missing = (
        User.objects.filter(
            is_active=True,
            memberships__is_active=True,
            memberships__role__in=sorted(settings.MFA_REQUIRED_ROLES),
        )
        .exclude(pk__in=TOTPDevice.objects.filter(confirmed=True).values("user_id"))
        .distinct()
        .order_by("username")
    )
    duties = (
        Membership.objects.filter(role__in=sorted(ADMIN_DUTY_ROLES), is_active=True)
        .select_related("user")
        .order_by("role", "user__username")
    )
    return {
        "locked": list(locked),
        "second_factor_missing": list(missing.values_list("username", flat=True)[:50]),
        "second_factor_missing_count": missing.count(),
        "duties": list(duties),
    }


def audit_overview(*, now=None) -> dict:
    """The audit administrator's home: failures of the last 24 hours by kind, the latest of them, and the log's
    size."""
    since = (now or timezone.now()) - timedelta(hours=24)
    watched = [
        AuditAction.LOGIN_FAILED,
        AuditAction.LOCKED_OUT,
        AuditAction.MFA_FAILED,
        AuditAction.ACCESS_DENIED,
        AuditAction.MFA_RESET,
        AuditAction.UNLOCKED,
    ]
    counts = dict(
        AuditLog.objects.filter(at__gte=since, action__in=watched)
        .values("action")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("action", "n")
    )
    return {
        "last_day": [(AuditAction(action).label, counts.get(action, 0), action) for action in watched],
        "recent_failures": list(AuditLog.objects.filter(success=False).order_by("-at", "-id")[:15]),
        "total": AuditLog.objects.count(),
    }
