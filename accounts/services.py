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

from accounts.choices import AuditAction, Role
from accounts.models import AuditLog, Membership, User


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
    """Give ``user`` a role in an organisation (idempotent). Platform administrators also get Django admin access."""
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
    if role == Role.PLATFORM_ADMIN and not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
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
def user_sessions_end(*, user: User, by: User, request: HttpRequest | None = None) -> User:
    """End every session ``user`` has now (an administrator's decision: a lost laptop, a departure): each is
    logged out at its next request (``SessionTimeoutMiddleware``); logging in again works as usual."""
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
