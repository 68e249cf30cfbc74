from django.db.models import QuerySet

from accounts.models import AuditLog


def audit_log_list(*, filters: dict) -> QuerySet[AuditLog]:
    """Audit rows, newest first, filtered by username, action and outcome. Platform administrators only."""
    queryset = AuditLog.objects.select_related("actor")
    if filters.get("username"):
        queryset = queryset.filter(actor_username__iexact=filters["username"].strip())
    if filters.get("action"):
        queryset = queryset.filter(action=filters["action"])
    if filters.get("success") in ("0", "1"):
        queryset = queryset.filter(success=filters["success"] == "1")
    return queryset
