from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """The roles of ARCHITECTURE §2. A user holds roles through memberships."""

    ENTERPRISE_ADMIN = "enterprise_admin", _("Enterprise administrator")
    ENTERPRISE_MEMBER = "enterprise_member", _("Enterprise member")
    ASSESSOR = "assessor", _("Assessor")
    INSTITUTION_ADMIN = "institution_admin", _("Institution administrator")
    AUTHORITY = "authority", _("Regional authority")
    NATIONAL = "national", _("National (MIIT) staff")
    EXPERT = "expert", _("Expert reviewer")
    # Three-way separation of duties (MLPS level 3): the platform (system) administrator runs the platform, the
    # security administrator decides who holds which role, the audit administrator reads the audit log. Nobody holds
    # two of the three.
    PLATFORM_ADMIN = "platform_admin", _("Platform administrator")
    SECURITY_ADMIN = "security_admin", _("Security administrator")
    AUDIT_ADMIN = "audit_admin", _("Audit administrator")


ENTERPRISE_ROLES = frozenset({Role.ENTERPRISE_ADMIN, Role.ENTERPRISE_MEMBER})
INSTITUTION_ROLES = frozenset({Role.ASSESSOR, Role.INSTITUTION_ADMIN})
# The three administrator duties; one person holds at most one of them (a database constraint).
ADMIN_DUTY_ROLES = frozenset({Role.PLATFORM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN})
# The order in which a user's home page is chosen when one person holds several roles.
ROLE_PRIORITY = [
    Role.PLATFORM_ADMIN,
    Role.SECURITY_ADMIN,
    Role.AUDIT_ADMIN,
    Role.NATIONAL,
    Role.AUTHORITY,
    Role.INSTITUTION_ADMIN,
    Role.ASSESSOR,
    Role.EXPERT,
    Role.ENTERPRISE_ADMIN,
    Role.ENTERPRISE_MEMBER,
]


class AuditAction(models.TextChoices):
    LOGIN = "login", _("Logged in")
    LOGIN_FAILED = "login_failed", _("Login failed")
    LOCKED_OUT = "locked_out", _("Account locked")
    LOGOUT = "logout", _("Logged out")
    SESSION_EXPIRED = "session_expired", _("Session expired")
    ACCESS_DENIED = "access_denied", _("Access denied")
    CREATE = "create", _("Created")
    UPDATE = "update", _("Updated")
    STATE_CHANGE = "state_change", _("State changed")
    EXPORT = "export", _("Exported")
    MFA_ENROLLED = "mfa_enrolled", _("Second factor enrolled")
    MFA_VERIFIED = "mfa_verified", _("Second factor verified")
    MFA_FAILED = "mfa_failed", _("Second factor failed")
    MFA_RESET = "mfa_reset", _("Second factor reset")
    RECOVERY_CODES = "recovery_codes", _("Recovery codes issued")
    ROLE_REVOKED = "role_revoked", _("Role revoked")
    UNLOCKED = "unlocked", _("Account unlocked")
