from django.contrib import admin

from core.admin import AuditedModelAdmin
from labs.models import Lab, LabAnnualReport, LabEvent


class EventInline(admin.TabularInline):
    model = LabEvent
    extra = 0
    can_delete = False
    readonly_fields = ["kind", "on", "note", "details", "application", "by"]


@admin.register(Lab)
class LabAdmin(AuditedModelAdmin):
    list_display = ["name_zh", "host", "product_field", "region", "batch", "reassessment_due", "status"]
    list_filter = ["status", "batch"]
    search_fields = ["name_zh", "name_en", "host__name_zh"]
    readonly_fields = ["status", "revoked_on", "application"]
    inlines = [EventInline]


@admin.register(LabAnnualReport)
class LabAnnualReportAdmin(AuditedModelAdmin):
    list_display = ["lab", "year", "staff", "projects", "reports_issued", "submitted_at"]
