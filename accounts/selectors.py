from django.db.models import QuerySet

from accounts import audit_chain
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


def audit_chain_verify() -> audit_chain.Verification:
    """Walk the whole audit log in id order and check its hash chain (``accounts.audit_chain``)."""
    rows = AuditLog.objects.order_by("pk").values("id", "prev_hash", "chain_hash", *audit_chain.FIELDS)
    return audit_chain.verify(rows.iterator(chunk_size=5000))
