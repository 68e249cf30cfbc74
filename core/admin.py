from django.contrib import admin

from core.models import DataLoad


class AuditedModelAdmin(admin.ModelAdmin):
    """Admin edits of business data leave an audit row, like every other change."""

    def save_model(self, request, obj, form, change):
        from accounts.choices import AuditAction
        from accounts.services import audit_record

        super().save_model(request, obj, form, change)
        audit_record(
            action=AuditAction.UPDATE if change else AuditAction.CREATE,
            request=request,
            target=obj,
            details={"via": "admin", "fields": form.changed_data},
        )

    def delete_model(self, request, obj):
        from accounts.choices import AuditAction
        from accounts.services import audit_record

        audit_record(
            action=AuditAction.STATE_CHANGE, request=request, target=obj, details={"via": "admin", "deleted": True}
        )
        super().delete_model(request, obj)

    def save_formset(self, request, form, formset, change):
        from accounts.choices import AuditAction
        from accounts.services import audit_record

        deleted = list(formset.deleted_objects) if hasattr(formset, "deleted_objects") else []
        super().save_formset(request, form, formset, change)
        for obj in formset.new_objects:
            audit_record(action=AuditAction.CREATE, request=request, target=obj, details={"via": "admin"})
        for obj, fields in formset.changed_objects:
            audit_record(
                action=AuditAction.UPDATE, request=request, target=obj, details={"via": "admin", "fields": fields}
            )
        for obj in deleted:
            audit_record(
                action=AuditAction.STATE_CHANGE, request=request, target=obj, details={"via": "admin", "deleted": True}
            )

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


class ReadOnlyModelAdmin(admin.ModelAdmin):
    """An admin that only shows: records nobody adds, changes or deletes through the admin (so nothing to audit)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DataLoad)
class DataLoadAdmin(ReadOnlyModelAdmin):
    """The record of what was loaded: read only (the loads themselves are management commands)."""

    list_display = ["kind", "loaded_at"]
    readonly_fields = ["kind", "loaded_at", "details"]


def audit_registered_admins(site: admin.AdminSite, models: list) -> None:
    """Register ``models``' admins again with ``AuditedModelAdmin`` mixed in: the third-party models an
    administrator can change (groups, API tokens, lockout records, second-factor devices) are audited like ours."""
    for model in models:
        if model not in site._registry:
            continue
        current = type(site._registry[model])
        site.unregister(model)
        site.register(model, type(f"Audited{current.__name__}", (AuditedModelAdmin, current), {}))
