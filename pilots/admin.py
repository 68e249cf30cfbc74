from django.contrib import admin

from core.admin import AuditedModelAdmin
from pilots.models import Platform, ServiceRequest, ServiceYear, TierChange


class TierInline(admin.TabularInline):
    model = TierChange
    extra = 0
    can_delete = False
    readonly_fields = ["from_tier", "to_tier", "on", "by"]


class YearInline(admin.TabularInline):
    model = ServiceYear
    extra = 0


@admin.register(Platform)
class PlatformAdmin(AuditedModelAdmin):
    list_display = ["name_zh", "host", "key_field", "region", "tier", "tier_since"]
    list_filter = ["tier", "key_field", "construction_mode"]
    search_fields = ["name_zh", "name_en", "host__name_zh"]
    readonly_fields = ["tier", "tier_since", "application"]
    inlines = [TierInline, YearInline]


@admin.register(ServiceRequest)
class ServiceRequestAdmin(AuditedModelAdmin):
    list_display = ["platform", "enterprise", "service", "status", "rating", "created_at"]
    list_filter = ["status", "service"]
