from django.contrib import admin

from core.admin import AuditedModelAdmin
from products.models import GradingRecord, InspectionBatch, InspectionResult, ThreeProductsEntry, ThreeProductsList


class EntryInline(admin.TabularInline):
    model = ThreeProductsEntry
    extra = 0
    fields = ["product_zh", "product_en", "enterprise", "field", "region"]
    raw_id_fields = ["enterprise"]


@admin.register(ThreeProductsList)
class ThreeProductsListAdmin(AuditedModelAdmin):
    list_display = ["name_zh", "year", "issuer", "published_on"]
    list_filter = ["year"]
    inlines = [EntryInline]


@admin.register(GradingRecord)
class GradingRecordAdmin(AuditedModelAdmin):
    list_display = ["product_zh", "enterprise", "grade", "certifying_body", "report_number", "valid_until"]
    list_filter = ["grade"]
    search_fields = ["product_zh", "report_number", "enterprise__name_zh", "enterprise__credit_code"]
    raw_id_fields = ["enterprise"]


class ResultInline(admin.TabularInline):
    model = InspectionResult
    extra = 0
    can_delete = False
    fields = ["row", "enterprise", "product", "model_spec", "sample_number", "passed", "defects"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(InspectionBatch)
class InspectionBatchAdmin(AuditedModelAdmin):
    """Batches come from the import (results never change afterwards); the admin corrects titles or deletes a batch
    imported by mistake."""

    list_display = ["title_zh", "category", "year", "authority", "sample_count", "failed_count", "published_at"]
    list_filter = ["category", "year"]
    readonly_fields = [
        "source_sha256",
        "source_name",
        "source_file",
        "sample_count",
        "failed_count",
        "imported_by",
        "imported_at",
        "published_at",
        "published_by",
    ]
    inlines = [ResultInline]
