from django.contrib import admin

from core.admin import AuditedModelAdmin
from summaries.models import AnnualSummary, SummaryEvent, SummaryTemplate, TemplateSection


class SectionInline(admin.TabularInline):
    model = TemplateSection
    extra = 0


@admin.register(SummaryTemplate)
class SummaryTemplateAdmin(AuditedModelAdmin):
    list_display = ["year", "title_zh", "deadline", "notice"]
    inlines = [SectionInline]


class EventInline(admin.TabularInline):
    model = SummaryEvent
    extra = 0
    can_delete = False
    readonly_fields = ["action", "from_status", "to_status", "comment", "by", "at"]


@admin.register(AnnualSummary)
class AnnualSummaryAdmin(AuditedModelAdmin):
    """Read-mostly: the state changes go through the authority's and MIIT's pages (services), not here."""

    list_display = ["authority", "template", "status", "submitted_at", "days_late"]
    list_filter = ["template", "status"]
    readonly_fields = [
        "template",
        "authority",
        "status",
        "kpis",
        "data_vintage",
        "submitted_at",
        "submitted_by",
        "days_late",
        "reviewed_at",
        "reviewed_by",
        "review_comment",
    ]
    inlines = [EventInline]
