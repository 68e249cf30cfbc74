from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import AuditLog, Membership, User
from accounts.services import user_sessions_end
from core.admin import AuditedModelAdmin


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["enterprise"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin, AuditedModelAdmin):
    fieldsets = (*DjangoUserAdmin.fieldsets, (None, {"fields": ("display_name", "password_changed_at")}))
    list_display = ["username", "display_name", "email", "is_active", "is_staff", "last_login"]
    inlines = [MembershipInline]
    actions = ["end_sessions"]

    @admin.action(description=_("End the selected users' sessions"))
    def end_sessions(self, request, queryset):
        for user in queryset:
            user_sessions_end(user=user, by=request.user, request=request)
        self.message_user(request, _("Their sessions end at their next request."))


@admin.register(AuditLog)
class AuditLogAdmin(admin.ModelAdmin):
    list_display = ["at", "actor_username", "action", "object_type", "object_id", "ip_address", "success"]
    list_filter = ["action", "success"]
    search_fields = ["actor_username", "object_repr", "object_id"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
