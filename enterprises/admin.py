from django.contrib import admin

from core.admin import AuditedModelAdmin
from enterprises.models import Authority, Enterprise, EnterpriseClaim, Industry, Region, SupplierLink


@admin.register(Region)
class RegionAdmin(AuditedModelAdmin):
    list_display = ["code", "name_zh", "name_en", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name_zh", "name_en"]


@admin.register(Industry)
class IndustryAdmin(AuditedModelAdmin):
    list_display = ["code", "name_zh", "name_en"]


@admin.register(Authority)
class AuthorityAdmin(AuditedModelAdmin):
    list_display = ["code", "name_zh", "name_en", "kind"]
    filter_horizontal = ["regions", "excluded_regions"]


class SupplierLinkInline(admin.TabularInline):
    model = SupplierLink
    fk_name = "leading"
    extra = 0
    autocomplete_fields = ["supplier"]


@admin.register(Enterprise)
class EnterpriseAdmin(AuditedModelAdmin):
    list_display = ["credit_code", "name_zh", "region", "industry", "size_class", "status"]
    list_filter = ["status", "size_class", "industry"]
    search_fields = ["credit_code", "name_zh", "name_en"]
    autocomplete_fields = ["region", "parent"]
    list_select_related = ["region", "industry"]
    readonly_fields = ["verified_at", "verified_by"]
    inlines = [SupplierLinkInline]


@admin.register(EnterpriseClaim)
class EnterpriseClaimAdmin(AuditedModelAdmin):
    list_display = ["user", "enterprise", "status", "created_at", "decided_by"]
    list_filter = ["status"]
    raw_id_fields = ["user", "enterprise"]
