"""What published typical-case applications become: cases in the public library (found by
selections.registries, like the registries of the other apps)."""

from django.utils import timezone

from accounts.choices import AuditAction
from accounts.services import audit_record
from selections.choices import CallKind, CaseTheme
from selections.models import Application, Case
from selections.registries import register


@register(CallKind.TYPICAL_CASE)
def case_from_application(application: Application) -> Case:
    data = application.data
    enterprise = application.enterprise
    case = Case.objects.create(
        application=application,
        enterprise=enterprise,
        title=application.title,
        theme=data.get("theme") if data.get("theme") in CaseTheme.values else CaseTheme.QUALITY_IMPROVEMENT,
        industry_id=enterprise.industry_id,
        region_id=enterprise.region_id,
        year=application.call.year or timezone.localdate().year,
        summary=data.get("summary", ""),
        methods=data.get("methods", ""),
        results=data.get("results", ""),
    )
    audit_record(action=AuditAction.CREATE, target=case, username="platform", details={"application": application.pk})
    return case
