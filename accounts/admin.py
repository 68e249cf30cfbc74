"""Users, roles and the audit log in the Django admin, under the three-way separation of duties
(``accounts.backends``): the platform administrator edits accounts and business roles, the security administrator
grants and revokes every role and runs the security actions, the audit administrator reads the log."""

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import TokenProxy

from accounts.choices import Role
from accounts.mfa import mfa_reset
from accounts.models import AuditLog, Membership, User
from accounts.services import (
    account_unlock,
    membership_change_refusal,
    membership_grant,
    membership_revoke,
    user_sessions_end,
)
from core.admin import AuditedModelAdmin, ReadOnlyModelAdmin, audit_registered_admins
from core.exceptions import NotPermitted

# Fields that say what an account may do: they follow the roles, never edited by hand.
_PRIVILEGE_FIELDS = ("is_staff", "is_superuser", "groups", "user_permissions", "password_changed_at")


class MembershipFormSet(forms.BaseInlineFormSet):
    """Refuses, on the form, the role changes the separation of duties forbids (``membership_change_refusal``).
    Deleting a row revokes the role: the row stays, inactive, for the record."""

    request = None

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if form.instance.pk is not None:
            # A held role is revoked (unticked or deleted) and another granted, never turned into another.
            form.fields["role"].disabled = True

    def clean(self):
        super().clean()
        user = self.instance if self.instance.pk else None
        for form in self.forms:
            if not form.has_changed() and form not in self.deleted_forms:
                continue
            roles = {form.initial.get("role"), (getattr(form, "cleaned_data", None) or {}).get("role")} - {None, ""}
            for role in roles:
                refusal = membership_change_refusal(by=self.request.user, user=user, role=role)
                if refusal is not None:
                    raise forms.ValidationError(refusal, code="role_change_refused")


class MembershipInline(admin.TabularInline):
    model = Membership
    formset = MembershipFormSet
    extra = 0
    autocomplete_fields = ["enterprise"]
    fields = ["role", "enterprise", "authority", "institution", "is_active"]

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        return type("RequestMembershipFormSet", (formset,), {"request": request})

    def _may_edit(self, request, obj) -> bool:
        # Nobody changes their own roles.
        return obj is None or obj.pk != request.user.pk

    def has_add_permission(self, request, obj=None):
        return self._may_edit(request, obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._may_edit(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._may_edit(request, obj) and super().has_delete_permission(request, obj)


@admin.register(User)
class UserAdmin(DjangoUserAdmin, AuditedModelAdmin):
    fieldsets = (*DjangoUserAdmin.fieldsets, (None, {"fields": ("display_name", "password_changed_at")}))
    list_display = ["username", "display_name", "email", "is_active", "is_staff", "last_login"]
    inlines = [MembershipInline]
    actions = ["end_sessions", "reset_second_factor", "unlock"]

    # --- who may change what --------------------------------------------------------------------------------
    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        # The platform administrator does not touch the accounts of the security and audit administrators.
        if obj is not None and not request.user.is_superuser and not request.user.has_role(Role.SECURITY_ADMIN):
            return not obj.has_role(Role.SECURITY_ADMIN, Role.AUDIT_ADMIN)
        return True

    def get_readonly_fields(self, request, obj=None):
        if request.user.is_superuser:
            return ()
        if request.user.has_role(Role.SECURITY_ADMIN):
            # Roles (below) and whether the account is active; names, e-mail and passwords are the platform's.
            editable = {"is_active"}
            return [name for name in self._field_names(request, obj) if name not in editable]
        return _PRIVILEGE_FIELDS

    def _field_names(self, request, obj) -> list[str]:
        return [name for _title, options in self.get_fieldsets(request, obj) for name in options["fields"]]

    def user_change_password(self, request, id, form_url=""):
        # Setting someone's password is account administration (the platform's), not the security administrator's.
        if not request.user.is_superuser and not request.user.has_role(Role.PLATFORM_ADMIN):
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)

    # --- roles go through the services (rules, audit rows, Django admin access) ------------------------------
    def save_formset(self, request, form, formset, change):
        if formset.model is not Membership:
            return super().save_formset(request, form, formset, change)
        user = form.instance
        formset.save(commit=False)
        try:
            for membership in formset.deleted_objects:
                membership_revoke(membership=membership, by=request.user, request=request)
            for membership in [*formset.new_objects, *(m for m, _fields in formset.changed_objects)]:
                if membership.is_active:
                    membership_grant(
                        user=user,
                        role=membership.role,
                        enterprise=membership.enterprise,
                        authority=membership.authority,
                        institution=membership.institution,
                        by=request.user,
                        request=request,
                    )
                elif membership.pk is not None:
                    membership_revoke(
                        membership=Membership.objects.get(pk=membership.pk), by=request.user, request=request
                    )
        except NotPermitted as exc:  # the formset's clean said so already: a race or a crafted post
            raise PermissionDenied(exc.message) from exc
        return None

    # --- the security administrator's actions ----------------------------------------------------------------
    def has_security_permission(self, request) -> bool:
        return request.user.has_role(Role.SECURITY_ADMIN)

    def _each(self, request, queryset, service, done_message):
        refused = []
        for user in queryset:
            try:
                service(user=user, by=request.user, request=request)
            except NotPermitted as exc:
                refused.append(f"{user.get_username()}: {exc.message}")
        if refused:
            self.message_user(request, "; ".join(refused), level=messages.ERROR)
        if len(refused) < len(queryset):
            self.message_user(request, done_message)

    @admin.action(description=_("End the selected users' sessions"), permissions=["security"])
    def end_sessions(self, request, queryset):
        self._each(request, queryset, user_sessions_end, _("Their sessions end at their next request."))

    @admin.action(description=_("Reset the selected users' second factor"), permissions=["security"])
    def reset_second_factor(self, request, queryset):
        self._each(
            request,
            queryset,
            mfa_reset,
            _("Their authenticator apps and recovery codes are removed; they set up anew."),
        )

    @admin.action(description=_("Unlock the selected accounts"), permissions=["security"])
    def unlock(self, request, queryset):
        self._each(request, queryset, account_unlock, _("The accounts are unlocked."))


@admin.register(AuditLog)
class AuditLogAdmin(ReadOnlyModelAdmin):
    """Read only, and for the audit administrator only (a superuser does not get it either)."""

    list_display = ["at", "actor_username", "action", "object_type", "object_id", "ip_address", "success"]
    list_filter = ["action", "success"]
    search_fields = ["actor_username", "object_repr", "object_id"]
    date_hierarchy = "at"

    def has_module_permission(self, request):
        return request.user.has_role(Role.AUDIT_ADMIN)

    def has_view_permission(self, request, obj=None):
        return request.user.has_role(Role.AUDIT_ADMIN)


# The third-party models an administrator can change in the admin (groups, API tokens, lockout records,
# second-factor devices: deleting one is a reset) leave audit rows like ours (their apps come before this one).
audit_registered_admins(
    admin.site, [Group, TokenProxy, AccessAttempt, AccessLog, AccessFailureLog, TOTPDevice, StaticDevice]
)
