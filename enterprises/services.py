"""Writes for enterprises and reference data."""

import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import AuditAction, Role
from accounts.models import User
from accounts.scoping import region_in_scope, scope
from accounts.services import audit_record, membership_grant, user_create
from core.exceptions import DomainError, NotPermitted
from core.models import DataLoad
from enterprises.choices import ClaimStatus, RegionLevel, SupplierLinkStatus, VerificationStatus
from enterprises.models import Authority, Enterprise, EnterpriseClaim, Industry, Region, SupplierLink

DATA_DIR = Path(__file__).resolve().parent / "data"


class EnterpriseError(DomainError):
    default_code = "enterprise_error"


# --- Reference data -------------------------------------------------------------------------------------


@transaction.atomic
def reference_data_load(*, data_dir: Path = DATA_DIR) -> dict[str, int]:
    """Load regions, industries and authorities from the shipped data files. Idempotent: an upsert."""
    regions = json.loads((data_dir / "regions.json").read_text(encoding="utf-8"))
    industries = json.loads((data_dir / "industries.json").read_text(encoding="utf-8"))
    authorities = json.loads((data_dir / "authorities.json").read_text(encoding="utf-8"))

    region_fields = ["level", "parent", "name_zh", "name_en"]
    for level in (RegionLevel.PROVINCE, RegionLevel.CITY):  # parents before children
        Region.objects.bulk_create(
            [
                Region(
                    code=row["code"],
                    level=row["level"],
                    parent_id=row["parent"],
                    name_zh=row["name_zh"],
                    name_en=row["name_en"],
                )
                for row in regions
                if row["level"] == level
            ],
            update_conflicts=True,
            unique_fields=["code"],
            update_fields=region_fields,
        )
    Industry.objects.bulk_create(
        [Industry(**row) for row in industries],
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["section", "name_zh", "name_en"],
    )
    Authority.objects.bulk_create(
        [
            Authority(code=row["code"], kind=row["kind"], name_zh=row["name_zh"], name_en=row["name_en"])
            for row in authorities
        ],
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["kind", "name_zh", "name_en"],
    )
    for row in authorities:
        authority = Authority.objects.get(code=row["code"])
        authority.regions.set(row["regions"])
        authority.excluded_regions.set(row["excludes"])

    counts = {
        "provinces": Region.objects.filter(level=RegionLevel.PROVINCE).count(),
        "cities": Region.objects.filter(level=RegionLevel.CITY).count(),
        "industries": Industry.objects.count(),
        "authorities": Authority.objects.count(),
    }
    DataLoad.objects.create(kind=DataLoad.Kind.REFERENCE, details=counts)
    return counts


# --- Enterprises ----------------------------------------------------------------------------------------


def _may_register_enterprises(user: User) -> bool:
    return user.has_role(Role.AUTHORITY, Role.NATIONAL, Role.PLATFORM_ADMIN)


@transaction.atomic
def enterprise_create(*, by: User, request: HttpRequest | None = None, **fields) -> Enterprise:
    """An authority (inside its region), MIIT or a platform administrator registers a verified enterprise."""
    if not _may_register_enterprises(by):
        raise NotPermitted(
            _("Only authorities, national staff and platform administrators register enterprises directly.")
        )
    enterprise = Enterprise(**fields)
    enterprise.full_clean()
    if not region_in_scope(by, enterprise.region_id):
        raise EnterpriseError(
            _("{region} is outside your authority's area.").format(region=enterprise.region.name),
            code="outside_region",
            fields={"region": [_("Choose a city inside your authority's area.")]},
        )
    enterprise.status, enterprise.verified_at, enterprise.verified_by = VerificationStatus.VERIFIED, timezone.now(), by
    enterprise.save()
    audit_record(action=AuditAction.CREATE, actor=by, request=request, target=enterprise)
    return enterprise


@transaction.atomic
def enterprise_update(
    *, enterprise: Enterprise, by: User, data: dict, request: HttpRequest | None = None
) -> Enterprise:
    """Change profile fields; the audit row lists what changed from what to what."""
    changes = {}
    for name, value in data.items():
        old = getattr(enterprise, name)
        if old != value:
            changes[name] = [str(old), str(value)]
            setattr(enterprise, name, value)
    if not changes:
        return enterprise
    enterprise.full_clean()
    enterprise.save(update_fields=[*changes, "updated_at"])
    audit_record(action=AuditAction.UPDATE, actor=by, request=request, target=enterprise, details={"changes": changes})
    return enterprise


@transaction.atomic
def enterprise_register(
    *,
    username: str,
    password: str,
    email: str,
    display_name: str,
    position: str = "",
    credit_code: str,
    name_zh: str,
    name_en: str = "",
    region: Region,
    industry: Industry,
    size_class: str,
    request: HttpRequest | None = None,
) -> EnterpriseClaim:
    """A person registers and claims an enterprise: an existing record by its credit code, or a new one.

    Nothing is saved unless everything is valid. The authority of the enterprise's region verifies the claim.
    """
    try:
        user = user_create(username=username, password=password, email=email, display_name=display_name)
    except ValidationError as exc:
        fields = getattr(exc, "error_dict", None)
        if fields is None:
            raise ValidationError({"password1": exc.messages}) from exc
        raise
    enterprise = Enterprise.objects.filter(credit_code=credit_code).first()
    if enterprise is None:
        enterprise = Enterprise(
            credit_code=credit_code,
            name_zh=name_zh,
            name_en=name_en,
            region=region,
            industry=industry,
            size_class=size_class,
        )
        enterprise.full_clean()
        enterprise.save()
        audit_record(action=AuditAction.CREATE, actor=user, request=request, target=enterprise)
    elif enterprise.status == VerificationStatus.REJECTED:
        raise ValidationError({"credit_code": _("This enterprise's registration was rejected; contact its authority.")})
    claim = EnterpriseClaim(user=user, enterprise=enterprise, position=position)
    claim.full_clean()
    claim.save()
    audit_record(action=AuditAction.CREATE, actor=user, request=request, target=claim)
    return claim


def _may_decide_claim(user: User, claim: EnterpriseClaim) -> bool:
    if not scope(user, EnterpriseClaim.objects.filter(pk=claim.pk)).exists():
        return False
    if user.has_role(Role.AUTHORITY, Role.NATIONAL):
        return True
    return claim.enterprise.status == VerificationStatus.VERIFIED and any(
        m.role == Role.ENTERPRISE_ADMIN and m.enterprise_id == claim.enterprise_id for m in user.active_memberships
    )


@transaction.atomic
def claim_decide(
    *, claim: EnterpriseClaim, approve: bool, by: User, reason: str = "", request: HttpRequest | None = None
) -> EnterpriseClaim:
    """The authority (or, for a verified enterprise, its administrator) approves or rejects a claim.

    Approval verifies a new enterprise and grants the claimant a role in it.

    The first approved claimant becomes the enterprise's administrator; later ones become members.
    """
    claim = EnterpriseClaim.objects.select_for_update().select_related("enterprise").get(pk=claim.pk)
    if not _may_decide_claim(by, claim):
        raise NotPermitted(
            _("Only the enterprise's authority, or the administrator of a verified enterprise, decides claims.")
        )
    if claim.status != ClaimStatus.PENDING:
        raise EnterpriseError(_("This claim was already decided."), code="claim_decided")
    if not approve and not reason.strip():
        raise ValidationError({"reason": _("Say why the claim is rejected; the applicant will read it.")})

    enterprise = claim.enterprise
    now = timezone.now()
    claim.status = ClaimStatus.APPROVED if approve else ClaimStatus.REJECTED
    claim.decided_at, claim.decided_by, claim.reason = now, by, reason.strip()
    claim.save(update_fields=["status", "decided_at", "decided_by", "reason"])
    if approve:
        if enterprise.status != VerificationStatus.VERIFIED:
            enterprise.status, enterprise.verified_at, enterprise.verified_by = VerificationStatus.VERIFIED, now, by
            enterprise.save(update_fields=["status", "verified_at", "verified_by", "updated_at"])
        has_admin = enterprise.memberships.filter(role=Role.ENTERPRISE_ADMIN, is_active=True).exists()
        role = Role.ENTERPRISE_MEMBER if has_admin else Role.ENTERPRISE_ADMIN
        membership_grant(user=claim.user, role=role, enterprise=enterprise, by=by, request=request)
    elif enterprise.status == VerificationStatus.PENDING and not enterprise.memberships.exists():
        enterprise.status = VerificationStatus.REJECTED
        enterprise.save(update_fields=["status", "updated_at"])
    audit_record(
        action=AuditAction.STATE_CHANGE,
        actor=by,
        request=request,
        target=claim,
        details={"from": ClaimStatus.PENDING, "to": claim.status, "reason": claim.reason},
    )
    return claim


def _require_enterprise_admin(user: User, enterprise: Enterprise) -> None:
    if not any(m.role == Role.ENTERPRISE_ADMIN and m.enterprise_id == enterprise.pk for m in user.active_memberships):
        raise NotPermitted(_("Only the enterprise's administrator manages its suppliers."))


@transaction.atomic
def supplier_link_create(
    *,
    leading: Enterprise,
    supplier_credit_code: str,
    products: str = "",
    since=None,
    by: User,
    request: HttpRequest | None = None,
) -> SupplierLink:
    """A leading enterprise names a supplier already registered on the platform, by its credit code.

    The link is pending until the supplier's administrator accepts it (``supplier_link_respond``).
    """
    _require_enterprise_admin(by, leading)
    supplier = Enterprise.objects.filter(credit_code=supplier_credit_code).first()
    if supplier is None:
        raise ValidationError(
            {
                "credit_code": _(
                    "No enterprise with this code is registered on the platform; ask the supplier to register."
                )
            }
        )
    if supplier.pk == leading.pk:
        raise ValidationError({"credit_code": _("An enterprise cannot be its own supplier.")})
    if SupplierLink.objects.filter(leading=leading, supplier=supplier).exists():
        raise ValidationError({"credit_code": _("{name} is already one of your suppliers.").format(name=supplier.name)})
    link = SupplierLink(leading=leading, supplier=supplier, products=products, since=since)
    link.full_clean()
    link.save()
    audit_record(action=AuditAction.CREATE, actor=by, request=request, target=link)
    return link


@transaction.atomic
def supplier_link_respond(
    *, link: SupplierLink, accept: bool, by: User, request: HttpRequest | None = None
) -> SupplierLink:
    """The supplier's administrator accepts a customer's link, or declines it.

    Accepting lets the customer see, beside the published level everyone sees, a coarse word for the supplier's
    current assessment (``enterprises.supply_chain``). A supplier may decline a pending link or withdraw an
    accepted one; a declined link is accepted only after the customer asks again (removes and re-adds it).
    """
    link = SupplierLink.objects.select_for_update().select_related("leading", "supplier").get(pk=link.pk)
    if not any(m.role == Role.ENTERPRISE_ADMIN and m.enterprise_id == link.supplier_id for m in by.active_memberships):
        raise NotPermitted(_("Only the supplier's administrator answers a customer's request."))
    allowed_from = (
        (SupplierLinkStatus.PENDING,) if accept else (SupplierLinkStatus.PENDING, SupplierLinkStatus.ACCEPTED)
    )
    if link.status not in allowed_from:
        raise EnterpriseError(
            _("This link is already {status}.").format(status=link.get_status_display().lower()), code="link_answered"
        )
    previous = link.status
    link.status = SupplierLinkStatus.ACCEPTED if accept else SupplierLinkStatus.DECLINED
    link.responded_at, link.responded_by = timezone.now(), by
    link.save(update_fields=["status", "responded_at", "responded_by"])
    audit_record(
        action=AuditAction.STATE_CHANGE,
        actor=by,
        request=request,
        target=link,
        details={"from": previous, "to": link.status},
    )
    return link


@transaction.atomic
def supplier_link_delete(*, link: SupplierLink, by: User, request: HttpRequest | None = None) -> None:
    _require_enterprise_admin(by, link.leading)
    audit_record(action=AuditAction.STATE_CHANGE, actor=by, request=request, target=link, details={"deleted": True})
    link.delete()
