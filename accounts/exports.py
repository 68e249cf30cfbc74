"""The audit log as a background export (CSV/XLSX through core.exports), for audit administrators."""

import json

from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import Role
from accounts.forms import AuditLogFilterForm
from accounts.selectors import audit_log_list
from core.exceptions import NotPermitted
from core.exports import Table, export_source


def _may_read(user) -> bool:
    return user.is_authenticated and user.has_role(Role.AUDIT_ADMIN)


@export_source("audit_log", params=AuditLogFilterForm.base_fields, allowed=_may_read)
def audit_log_table(user, params: dict) -> Table:
    if not _may_read(user):
        raise NotPermitted(_("You may not export this list."))
    form = AuditLogFilterForm(params or None)
    filters = form.cleaned_data if form.is_valid() else {}
    entries = audit_log_list(filters=filters).order_by("pk")
    headers = [
        _("ID"),
        _("When"),
        _("Username"),
        _("Action"),
        _("Success"),
        _("Object type"),
        _("Object id"),
        _("Object"),
        _("IP address"),
        _("User agent"),
        _("Details"),
        _("Hash"),
    ]
    rows = (
        [
            entry.pk,
            timezone.localtime(entry.at).isoformat(),
            entry.actor_username,
            entry.get_action_display(),
            entry.success,
            entry.object_type,
            entry.object_id,
            entry.object_repr,
            entry.ip_address or "",
            entry.user_agent,
            json.dumps(entry.details, ensure_ascii=False, sort_keys=True),
            entry.chain_hash,
        ]
        for entry in entries.iterator(chunk_size=2000)
    )
    notes = [(_("Filters"), ", ".join(f"{key}={value}" for key, value in sorted(filters.items()) if value) or "—")]
    return Table(_("Audit log"), headers, rows, total=entries.count(), notes=notes)
