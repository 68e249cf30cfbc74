"""Django admin permissions from the administrator roles: the three-way separation of duties (MLPS level 3).

- platform (system) administrator: the business and reference data, institutions, evaluation models,
  configuration, and user accounts; business roles but not the administrator roles (the admin's membership form
  refuses those), not the audit log, not lockouts or second factors;
- security administrator: who holds which role (memberships), user accounts read-only but for "active", and the
  audited actions on them (end sessions, reset the second factor, unlock); lockout records and second-factor
  devices to look at; no business data;
- audit administrator: the audit log, read only.

Nobody gets a permission here without an active role, and Django's own user and group permissions are not used.
Superusers (``createsuperuser``, for bootstrapping only) bypass Django's checks, but the audit log and the
administrator roles ask for the role itself (``accounts.admin``).
"""

from accounts.choices import Role

BUSINESS_APPS = frozenset(
    {"core", "enterprises", "evaluations", "indices", "selections", "labs", "pilots", "brands", "products", "summaries"}
)

_PLATFORM_ACCOUNTS = frozenset(
    {"view_user", "add_user", "change_user", "view_membership", "add_membership", "change_membership"}
)
_SECURITY = {
    "accounts": frozenset(
        {"view_user", "change_user", "view_membership", "add_membership", "change_membership", "delete_membership"}
    ),
    # to pick the organisation a role is held in, never to change it
    "enterprises": frozenset({"view_enterprise", "view_authority"}),
    "evaluations": frozenset({"view_institution"}),
    "axes": frozenset({"view_accessattempt", "view_accesslog", "view_accessfailurelog"}),
    "otp_totp": frozenset({"view_totpdevice"}),
    "otp_static": frozenset({"view_staticdevice"}),
}
_AUDIT = {"accounts": frozenset({"view_auditlog"})}


def role_allows(role: str, app_label: str, codename: str | None = None) -> bool:
    """Whether ``role`` grants ``app_label.codename`` (any permission in the app when ``codename`` is None)."""
    if role == Role.PLATFORM_ADMIN:
        if app_label in BUSINESS_APPS:
            return True
        return app_label == "accounts" and (codename is None or codename in _PLATFORM_ACCOUNTS)
    table = {Role.SECURITY_ADMIN: _SECURITY, Role.AUDIT_ADMIN: _AUDIT}.get(role, {})
    allowed = table.get(app_label)
    return bool(allowed) and (codename is None or codename in allowed)


class RolePermissionBackend:
    """Answers permission questions only; never authenticates anyone."""

    def authenticate(self, request, **credentials):
        return None

    def get_user(self, user_id):
        return None

    @staticmethod
    def _roles(user_obj) -> set[str]:
        if not (user_obj.is_active and user_obj.is_authenticated):
            return set()
        return user_obj.roles

    def has_perm(self, user_obj, perm: str, obj=None) -> bool:
        app_label, _dot, codename = perm.partition(".")
        return any(role_allows(role, app_label, codename) for role in self._roles(user_obj))

    def has_module_perms(self, user_obj, app_label: str) -> bool:
        return any(role_allows(role, app_label) for role in self._roles(user_obj))
