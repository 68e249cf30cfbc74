"""The lab registry's changes: accredited and re-assessed through published applications, revoked by MIIT,
reported on by the host each year. Every change writes a ``LabEvent`` and an audit row."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import AuditAction, Role
from accounts.models import User
from accounts.services import audit_record
from core.exceptions import DomainError, NotPermitted
from evaluations.working_days import add_years
from labs.models import Lab, LabAnnualReport, LabEvent, LabEventKind, LabStatus
from selections.models import Application

REASSESSMENT_YEARS = 3
REPORT_FIELDS = ("capabilities", "staff", "equipment", "projects", "reports_issued", "standards_drafted")


class LabError(DomainError):
    default_code = "lab_error"


def lab_accredit(application: Application, *, today: date | None = None) -> Lab:
    """A published lab application becomes an accredited lab, due for re-assessment three years on."""
    today = today or timezone.localdate()
    enterprise = application.enterprise
    lab = Lab.objects.create(
        name_zh=application.title,
        name_en=application.data.get("name_en", ""),
        host=enterprise,
        product_field=application.data.get("product_field", ""),
        region_id=enterprise.region_id,
        batch=application.call.year,
        accredited_on=today,
        reassessment_due=add_years(today, REASSESSMENT_YEARS),
        application=application,
    )
    LabEvent.objects.create(lab=lab, kind=LabEventKind.ACCREDITED, on=today, application=application)
    audit_record(action=AuditAction.CREATE, target=lab, username="platform", details={"application": application.pk})
    return lab


def lab_reassess(application: Application, *, today: date | None = None) -> Lab:
    """A published re-assessment: the host's lab (the one due first) passes, due again three years on, and takes
    the new name the application gives, if any."""
    today = today or timezone.localdate()
    lab = (
        Lab.objects.select_for_update()
        .filter(host=application.enterprise, status=LabStatus.ACTIVE)
        .order_by("reassessment_due", "pk")
        .first()
    )
    if lab is None:
        raise LabError(
            _("{host} hosts no accredited laboratory to re-assess.").format(host=application.enterprise.name),
            code="no_lab",
        )
    new_zh = (application.data.get("new_name_zh") or "").strip()
    new_en = (application.data.get("new_name_en") or "").strip()
    if new_zh or new_en:
        old = {"name_zh": lab.name_zh, "name_en": lab.name_en}
        lab.name_zh, lab.name_en = new_zh or lab.name_zh, new_en or lab.name_en
        LabEvent.objects.create(
            lab=lab,
            kind=LabEventKind.RENAMED,
            on=today,
            application=application,
            details={"from": old, "to": {"name_zh": lab.name_zh, "name_en": lab.name_en}},
        )
    lab.reassessment_due = add_years(today, REASSESSMENT_YEARS)
    lab.save(update_fields=["name_zh", "name_en", "reassessment_due", "updated_at"])
    LabEvent.objects.create(lab=lab, kind=LabEventKind.REASSESSED, on=today, application=application)
    audit_record(
        action=AuditAction.STATE_CHANGE,
        target=lab,
        username="platform",
        details={"reassessed": application.pk, "due": lab.reassessment_due.isoformat()},
    )
    return lab


@transaction.atomic
def lab_revoke(*, lab: Lab, reason: str, by: User, request: HttpRequest | None = None) -> Lab:
    """MIIT revokes a lab (a failed or missed re-assessment), with the reason the registry shows."""
    if not by.has_role(Role.NATIONAL):
        raise NotPermitted(_("Only MIIT staff revoke a laboratory."))
    lab = Lab.objects.select_for_update().get(pk=lab.pk)
    if lab.status == LabStatus.REVOKED:
        raise LabError(_("This laboratory is already revoked."), code="revoked")
    if not reason.strip():
        raise ValidationError({"reason": [_("Give the reason; the registry shows it.")]})
    today = timezone.localdate()
    lab.status, lab.revoked_on = LabStatus.REVOKED, today
    lab.save(update_fields=["status", "revoked_on", "updated_at"])
    LabEvent.objects.create(lab=lab, kind=LabEventKind.REVOKED, on=today, note=reason.strip(), by=by)
    audit_record(action=AuditAction.STATE_CHANGE, actor=by, request=request, target=lab, details={"revoked": reason})
    return lab


@transaction.atomic
def annual_report_submit(
    *, lab: Lab, year: int, values: dict, by: User, request: HttpRequest | None = None
) -> LabAnnualReport:
    """The host's report of ``year`` (a year since accreditation, up to the current one); a later submission of
    the same year replaces the figures. A refused report changes nothing."""
    if not by.is_member_of(lab.host_id):
        raise NotPermitted(_("Only the host's own members report on its laboratory."))
    if lab.status != LabStatus.ACTIVE:
        raise LabError(_("A revoked laboratory no longer reports."), code="revoked")
    if not lab.accredited_on.year <= year <= timezone.localdate().year:
        raise ValidationError(
            {
                "year": [
                    _("Report a year from {first} to {last}.").format(
                        first=lab.accredited_on.year, last=timezone.localdate().year
                    )
                ]
            }
        )
    report = LabAnnualReport.objects.filter(lab=lab, year=year).first() or LabAnnualReport(lab=lab, year=year)
    for field in REPORT_FIELDS:
        setattr(report, field, values.get(field))
    report.submitted_by = by
    report.full_clean(exclude=["lab", "submitted_by"], validate_unique=False)
    created = report.pk is None
    report.save()
    audit_record(
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        actor=by,
        request=request,
        target=report,
        details={field: str(getattr(report, field)) for field in REPORT_FIELDS if field != "capabilities"},
    )
    return report
