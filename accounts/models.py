from functools import cached_property

from django.contrib.auth.models import AbstractUser
from django.db import connection, models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import audit_chain
from accounts.choices import ADMIN_DUTY_ROLES, ENTERPRISE_ROLES, INSTITUTION_ROLES, ROLE_PRIORITY, AuditAction, Role
from core.exceptions import DomainError


class User(AbstractUser):
    """A person who logs in. What they may see and do comes from their memberships."""

    display_name = models.CharField(_("display name"), max_length=100, blank=True)
    password_changed_at = models.DateTimeField(_("password changed at"), null=True, blank=True)
    sessions_ended_at = models.DateTimeField(
        _("sessions ended at"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("An administrator ended the user's sessions: any session from before this is logged out."),
    )

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name or self.username

    @cached_property
    def active_memberships(self) -> list["Membership"]:
        """The user's active memberships, loaded once per request (the scoping layer reads them)."""
        return list(
            self.memberships.filter(is_active=True)
            .select_related("enterprise", "authority", "institution")
            .prefetch_related("authority__regions", "authority__excluded_regions")
        )

    @property
    def roles(self) -> set[str]:
        return {membership.role for membership in self.active_memberships}

    @property
    def primary_role(self) -> str | None:
        roles = self.roles
        return next((role for role in ROLE_PRIORITY if role in roles), None)

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))

    def is_member_of(self, enterprise_id) -> bool:
        """Whether the user is an administrator or member of the enterprise ``enterprise_id``."""
        return any(m.role in ENTERPRISE_ROLES and m.enterprise_id == enterprise_id for m in self.active_memberships)

    @property
    def authorities(self) -> list:
        """The authorities the user works for (as their staff), in the order of their memberships."""
        return [m.authority for m in self.active_memberships if m.role == Role.AUTHORITY and m.authority_id]

    def is_authority_staff(self, authority_id) -> bool:
        """Whether the user works for the authority ``authority_id`` (not for another that covers its area)."""
        return authority_id is not None and any(
            m.role == Role.AUTHORITY and m.authority_id == authority_id for m in self.active_memberships
        )


class Membership(models.Model):
    """A role held by a user, tied to the organisation it is held in.

    Enterprise roles name an enterprise, the authority role names an authority; the other roles are
    national or platform-wide (institutions and call panels come with their own issues). Of the three
    administrator duties (platform, security, audit) a person holds at most one at a time.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user"))
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("enterprise"),
    )
    authority = models.ForeignKey(
        "enterprises.Authority",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("authority"),
    )
    institution = models.ForeignKey(
        "evaluations.Institution",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("evaluation institution"),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "role"], name="membership_one_role_once"),
            models.UniqueConstraint(
                fields=["user"], condition=Q(enterprise__isnull=False), name="membership_one_enterprise_per_user"
            ),
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(role__in=sorted(ADMIN_DUTY_ROLES), is_active=True),
                name="membership_one_admin_duty_per_user",
                violation_error_message=_(
                    "Platform, security and audit administration are separate duties: nobody holds two of them."
                ),
            ),
            models.CheckConstraint(
                condition=(
                    Q(
                        role__in=sorted(ENTERPRISE_ROLES),
                        enterprise__isnull=False,
                        authority__isnull=True,
                        institution__isnull=True,
                    )
                    | Q(role=Role.AUTHORITY, authority__isnull=False, enterprise__isnull=True, institution__isnull=True)
                    | Q(
                        role__in=sorted(INSTITUTION_ROLES),
                        institution__isnull=False,
                        enterprise__isnull=True,
                        authority__isnull=True,
                    )
                    | (
                        ~Q(role__in=[*sorted(ENTERPRISE_ROLES), Role.AUTHORITY, *sorted(INSTITUTION_ROLES)])
                        & Q(enterprise__isnull=True, authority__isnull=True, institution__isnull=True)
                    )
                ),
                name="membership_target_matches_role",
            ),
        ]

    def __str__(self) -> str:
        target = self.enterprise or self.authority or self.institution
        return f"{self.user} · {self.get_role_display()}" + (f" · {target}" if target else "")


class AuditLogQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise DomainError(_("The audit log is append-only."), code="audit_append_only")

    def delete(self):
        raise DomainError(_("The audit log is append-only."), code="audit_append_only")


class AuditLog(models.Model):
    """Append-only record of logins, denied access and every state change.

    Rows are never updated or deleted: the model refuses it, and on PostgreSQL a trigger refuses it too.
    """

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="audit_entries", verbose_name=_("who")
    )
    actor_username = models.CharField(_("username"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=30, choices=AuditAction.choices, db_index=True)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    ip_address = models.GenericIPAddressField(_("from (IP address)"), null=True, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=300, blank=True)
    success = models.BooleanField(_("success"), default=True)
    details = models.JSONField(_("details"), default=dict, blank=True)
    prev_hash = models.CharField(_("previous row's hash"), max_length=64, blank=True, editable=False)
    chain_hash = models.CharField(_("hash"), max_length=64, blank=True, editable=False)

    objects = AuditLogQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit log entry")
        verbose_name_plural = _("audit log")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_username} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args, **kwargs):
        """Append the row to the hash chain (``accounts.audit_chain``): under the writers' lock, link it to the
        last row and hash its content as it will be stored."""
        if self.pk is not None:
            raise DomainError(_("The audit log is append-only."), code="audit_append_only")
        self.ip_address = self._meta.get_field("ip_address").to_python(self.ip_address) or None
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_xact_lock(%s)", [audit_chain.LOCK_KEY])
            last = AuditLog.objects.exclude(chain_hash="").order_by("-pk").values_list("chain_hash", flat=True).first()
            self.prev_hash = last or audit_chain.GENESIS
            row = {name: getattr(self, name) for name in audit_chain.FIELDS}
            self.chain_hash = audit_chain.digest(row, self.prev_hash)
            super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise DomainError(_("The audit log is append-only."), code="audit_append_only")
