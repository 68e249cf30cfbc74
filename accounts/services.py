"""Writes for accounts: users, memberships, and the audit log every other app records into."""

import functools
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import ADMIN_DUTY_ROLES, AuditAction, Role
from accounts.models import AuditLog, Membership, User
from core.exceptions import NotPermitted


def _request_meta(request: HttpRequest | None) -> dict[str, Any]:
    if request is None:
        return {}
    return {
        "ip_address": request.META.get("REMOTE_ADDR") or None,
        "user_agent": request.META.get("HTTP_USER_AGENT", "")[:300],
    }


def audit_record(
    *,
    action: str,
    actor: User | None = None,
    request: HttpRequest | None = None,
    target: models.Model | None = None,
    username: str = "",
    success: bool = True,
    details: dict[str, Any] | None = None,
) -> AuditLog:
    """Append one row to the audit log: who, what, when, from where, with what outcome."""
    if actor is None and request is not None and getattr(request, "user", None) is not None:
        actor = request.user if request.user.is_authenticated else None
    entry = AuditLog(
        actor=actor,
        actor_username=(actor.get_username() if actor else username)[:150],
        action=action,
        success=success,
        details=details or {},
        **_request_meta(request),
    )
    if target is not None:
        entry.object_type = target._meta.label_lower
        entry.object_id = str(target.pk)
        entry.object_repr = str(target)[:200]
    entry.save()
    return entry


@transaction.atomic
@functools.cache
def _shared_hash(password: str, hasher: str) -> str:
    """``password`` hashed by the default hasher (``hasher``, the first of PASSWORD_HASHERS, keys the cache)."""
    return make_password(password)


def user_create(
    *,
    username: str,
    password: str,
    email: str = "",
    display_name: str = "",
    validate: bool = True,
    shared_hash: bool = False,
) -> User:
    """Create a user whose password meets the password policy (``validate=False`` only for fixtures).

    ``shared_hash`` is for demo accounts only, which all share the README's published password: it is hashed once
    per process (and hasher) instead of once per account, about 0.7 s each with PBKDF2."""
    user = User(username=username, email=email, display_name=display_name)
    user.full_clean(exclude=["password"])
    if validate:
        validate_password(password, user)
    if shared_hash:
        user.password = _shared_hash(password, settings.PASSWORD_HASHERS[0])
    else:
        user.set_password(password)
    user.password_changed_at = timezone.now()
    user.save()
    return user


def membership_change_refusal(*, by: User | None, user: User | None, role: str) -> str | None:
    """Why ``by`` may not grant or revoke ``role`` for ``user``, or None when they may (separation of duties).

    Nobody changes their own roles; only a security administrator grants or revokes the three administrator
    duties. Other roles follow their own business rules (an authority verifying a claim, an institution adding an
    assessor); ``by=None`` is the platform itself (demo data, management commands)."""
    if by is None:
        return None
    if user is not None and by.pk == user.pk:
        return _("Nobody may grant or revoke their own roles.")
    if role in ADMIN_DUTY_ROLES and not by.has_role(Role.SECURITY_ADMIN):
        return _("Only a security administrator grants or revokes the administrator roles.")
    return None


def _require_may_change(*, by: User | None, user: User, role: str) -> None:
    refusal = membership_change_refusal(by=by, user=user, role=role)
    if refusal is not None:
        raise NotPermitted(refusal, code="role_change_refused")


def user_staff_sync(*, user: User) -> User:
    """Django admin access (``is_staff``) follows the administrator duties: granted with one, gone without."""
    staff = (
        user.is_superuser or Membership.objects.filter(user=user, role__in=ADMIN_DUTY_ROLES, is_active=True).exists()
    )
    if user.is_staff != staff:
        user.is_staff = staff
        user.save(update_fields=["is_staff"])
    return user


@transaction.atomic
def membership_grant(
    *,
    user: User,
    role: str,
    enterprise=None,
    authority=None,
    institution=None,
    by: User | None = None,
    request=None,
) -> Membership:
    """Give ``user`` a role in an organisation (idempotent). Administrators also get Django admin access.

    Nobody grants themselves a role, only a security administrator grants an administrator duty, and a person holds
    at most one of the three duties (``Membership``'s constraint, checked by ``full_clean``)."""
    _require_may_change(by=by, user=user, role=role)
    membership = Membership.objects.filter(user=user, role=role).first()
    created = membership is None
    if created:
        membership = Membership(user=user, role=role)
    membership.enterprise, membership.authority, membership.institution = enterprise, authority, institution
    membership.is_active = True
    membership.full_clean()
    if created:
        membership.save()
    else:
        membership.save(update_fields=["enterprise", "authority", "institution", "is_active"])
    if role in ADMIN_DUTY_ROLES:
        user_staff_sync(user=user)
    user.__dict__.pop("active_memberships", None)
    audit_record(
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        actor=by,
        request=request,
        target=membership,
        details={"role": role, "user": user.get_username()},
    )
    return membership


@transaction.atomic
def membership_revoke(*, membership: Membership, by: User | None, request: HttpRequest | None = None) -> Membership:
    """Take a role away (the row stays, inactive, for the record); the same rules as granting it."""
    user = membership.user
    _require_may_change(by=by, user=user, role=membership.role)
    if membership.is_active:
        membership.is_active = False
        membership.save(update_fields=["is_active"])
    user_staff_sync(user=user)
    user.__dict__.pop("active_memberships", None)
    audit_record(
        action=AuditAction.ROLE_REVOKED,
        actor=by,
        request=request,
        target=membership,
        details={"role": membership.role, "user": user.get_username()},
    )
    return membership


def require_security_admin(by: User, user: User, *, self_allowed: bool = False) -> None:
    if not by.has_role(Role.SECURITY_ADMIN):
        raise NotPermitted(_("Only a security administrator may do this."), code="security_admin_only")
    if by.pk == user.pk and not self_allowed:
        raise NotPermitted(_("A security administrator may not do this to their own account."), code="self_service")


def login_failures_reset(*, user: User) -> None:
    """Forget ``user``'s failed login attempts (django-axes): called when a whole login has succeeded, second
    factor included, and when a security administrator unlocks the account."""
    from axes.handlers.proxy import AxesProxyHandler

    AxesProxyHandler.reset_attempts(username=user.get_username())


@transaction.atomic
def account_unlock(*, user: User, by: User, request: HttpRequest | None = None) -> User:
    """Lift a lockout before its cool-off ends (the user called from a known number, say); audited."""
    require_security_admin(by, user)
    login_failures_reset(user=user)
    audit_record(action=AuditAction.UNLOCKED, actor=by, request=request, target=user)
    return user


@transaction.atomic
def user_sessions_end(*, user: User, by: User, request: HttpRequest | None = None) -> User:
    """End every session ``user`` has now (a security administrator's decision: a lost laptop, a departure): each
    is logged out at its next request (``SessionTimeoutMiddleware``); logging in again works as usual."""
    require_security_admin(by, user, self_allowed=True)
    user.sessions_ended_at = timezone.now()
    user.save(update_fields=["sessions_ended_at"])
    audit_record(
        action=AuditAction.STATE_CHANGE, actor=by, request=request, target=user, details={"sessions_ended": True}
    )
    return user


def password_max_age_days(user: User) -> int:
    """Days ``user``'s password stays valid: the strictest of their roles (settings), 0 for no expiry."""
    ages = [settings.PASSWORD_MAX_AGE_DAYS_BY_ROLE.get(role, settings.PASSWORD_MAX_AGE_DAYS) for role in user.roles]
    ages = [age for age in (ages or [settings.PASSWORD_MAX_AGE_DAYS]) if age > 0]
    return min(ages) if ages else 0


def password_expired(user: User, *, now=None) -> bool:
    """Whether ``user`` must choose a new password before going on (its age counts from the last change, or from
    the account's creation when it was never changed through the platform)."""
    days = password_max_age_days(user)
    if not days:
        return False
    changed = user.password_changed_at or user.date_joined
    return (now or timezone.now()) - changed > timedelta(days=days)


@transaction.atomic
def password_change(*, user: User, new_password: str, request: HttpRequest | None = None) -> User:
    """Set a new password (validated by the password policy) and restart its age; audited."""
    validate_password(new_password, user)
    user.set_password(new_password)
    user.password_changed_at = timezone.now()
    user.save(update_fields=["password", "password_changed_at"])
    audit_record(action=AuditAction.UPDATE, actor=user, request=request, target=user, details={"password": "changed"})
    return user
