"""Audit receivers for authentication events (a decoupled concern: logging, not business rules)."""

import time

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from accounts.choices import AuditAction
from accounts.middleware import LAST_SEEN_KEY, LOGIN_AT_KEY
from accounts.services import audit_record, login_failures_reset


@receiver(user_logged_in)
def audit_login(sender, request, user, **kwargs):
    from accounts.mfa import mfa_required, session_forget_verification

    if request is not None and hasattr(request, "session"):
        now = time.time()
        request.session[LOGIN_AT_KEY] = now
        request.session[LAST_SEEN_KEY] = now
        session_forget_verification(request)
    audit_record(action=AuditAction.LOGIN, actor=user, request=request)
    # Earlier failures are forgotten once the whole login has succeeded; with a second factor to come, only when
    # the code is right (accounts.mfa), so logging in again does not buy more guesses at the code.
    if not mfa_required(user):
        login_failures_reset(user=user)


@receiver(user_logged_out)
def audit_logout(sender, request, user, **kwargs):
    if user is not None:
        audit_record(action=AuditAction.LOGOUT, actor=user, request=request)


@receiver(user_login_failed)
def audit_login_failed(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username", ""))
    if credentials.get("second_factor"):
        audit_record(
            action=AuditAction.MFA_FAILED,
            request=request,
            username=username,
            success=False,
            details={"step": str(credentials["second_factor"])},
        )
        return
    audit_record(action=AuditAction.LOGIN_FAILED, request=request, username=username, success=False)


@receiver(user_locked_out)
def audit_locked_out(sender, request, username, ip_address, **kwargs):
    audit_record(action=AuditAction.LOCKED_OUT, request=request, username=username or "", success=False)
