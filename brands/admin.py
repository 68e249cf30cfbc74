from django.contrib import admin

from brands.models import BrandEntry, BrandList
from core.admin import AuditedModelAdmin


class EntryInline(admin.TabularInline):
    model = BrandEntry
    extra = 0
    fields = ["brand", "owner", "brand_type", "category", "status"]
    readonly_fields = ["status"]
    raw_id_fields = ["owner"]


@admin.register(BrandList)
class BrandListAdmin(AuditedModelAdmin):
    list_display = ["name_zh", "year", "issuer"]
    inlines = [EntryInline]
