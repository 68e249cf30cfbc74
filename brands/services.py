"""Brand list entries: created by publication (``brands.registry``), revoked by MIIT with a reason."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import AuditAction, Role
from accounts.models import User
from accounts.services import audit_record
from brands.models import BrandEntry, BrandList, EntryStatus
from core.exceptions import DomainError, NotPermitted
from selections.choices import BrandCategory, BrandType, CallScope
from selections.models import Application


class BrandError(DomainError):
    default_code = "brand_error"


def entry_from_application(application: Application) -> BrandEntry:
    """A published brand application becomes an entry of its call's list (the list is made with the first)."""
    call = application.call
    brand_list, _created = BrandList.objects.get_or_create(
        call=call,
        defaults={
            "name_zh": call.title_zh,
            "name_en": call.title_en,
            "year": call.year,
            "issuer": "工业和信息化部 MIIT" if call.scope == CallScope.NATIONAL else call.authority.name_zh,
        },
    )
    data = application.data
    entry = BrandEntry.objects.create(
        brand_list=brand_list,
        brand=data.get("brand") or application.title,
        owner=application.enterprise,
        brand_type=data.get("brand_type") if data.get("brand_type") in BrandType.values else BrandType.ENTERPRISE,
        category=data.get("category") if data.get("category") in BrandCategory.values else "",
        field=data.get("field", ""),
        region_id=application.enterprise.region_id,
        application=application,
    )
    audit_record(action=AuditAction.CREATE, target=entry, username="platform", details={"application": application.pk})
    return entry


@transaction.atomic
def entry_revoke(*, entry: BrandEntry, reason: str, by: User, request: HttpRequest | None = None) -> BrandEntry:
    """MIIT takes a brand off its list, with the reason the list shows."""
    if not by.has_role(Role.NATIONAL):
        raise NotPermitted(_("Only MIIT staff revoke a brand list entry."))
    entry = BrandEntry.objects.select_for_update().get(pk=entry.pk)
    if entry.status == EntryStatus.REVOKED:
        raise BrandError(_("This entry is already revoked."), code="revoked")
    if not reason.strip():
        raise ValidationError({"reason": [_("Give the reason; the list shows it.")]})
    entry.status, entry.revoked_on = EntryStatus.REVOKED, timezone.localdate()
    entry.revoked_reason, entry.revoked_by = reason.strip(), by
    entry.save(update_fields=["status", "revoked_on", "revoked_reason", "revoked_by", "updated_at"])
    audit_record(action=AuditAction.STATE_CHANGE, actor=by, request=request, target=entry, details={"revoked": reason})
    return entry
