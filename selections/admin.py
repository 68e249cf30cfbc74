from django.contrib import admin

from core.admin import AuditedModelAdmin
from selections.models import Application, ApplicationChange, Call, Criterion, Quota, Review, ReviewScore


class CriterionInline(admin.TabularInline):
    model = Criterion
    extra = 0


class QuotaInline(admin.TabularInline):
    model = Quota
    extra = 0


@admin.register(Call)
class CallAdmin(AuditedModelAdmin):
    list_display = ["title_zh", "kind", "year", "scope", "authority", "opens_on", "closes_on", "announced_at"]
    list_filter = ["kind", "scope", "year"]
    inlines = [CriterionInline, QuotaInline]


class ChangeInline(admin.TabularInline):
    model = ApplicationChange
    extra = 0
    can_delete = False
    readonly_fields = ["from_status", "to_status", "by", "reason", "at"]


@admin.register(Application)
class ApplicationAdmin(AuditedModelAdmin):
    list_display = ["title", "call", "enterprise", "status", "rank", "panel_score", "disagreement"]
    list_filter = ["status", "call__kind", "disagreement"]
    search_fields = ["title", "enterprise__name_zh", "enterprise__credit_code"]
    readonly_fields = ["status", "panel_score", "panel_spread", "disagreement", "submitted_at", "notice_until"]
    inlines = [ChangeInline]


class ScoreInline(admin.TabularInline):
    model = ReviewScore
    extra = 0


@admin.register(Review)
class ReviewAdmin(AuditedModelAdmin):
    list_display = ["application", "expert", "assigned_at", "submitted_at", "total"]
    inlines = [ScoreInline]
