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
    PLATFORM_ADMIN = "platform_admin", _("Platform administrator")


ENTERPRISE_ROLES = frozenset({Role.ENTERPRISE_ADMIN, Role.ENTERPRISE_MEMBER})
INSTITUTION_ROLES = frozenset({Role.ASSESSOR, Role.INSTITUTION_ADMIN})
# The order in which a user's home page is chosen when one person holds several roles.
ROLE_PRIORITY = [
    Role.PLATFORM_ADMIN,
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
