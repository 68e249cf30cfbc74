import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME, logout
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

LOGIN_AT_KEY = "qp_login_at"
LAST_SEEN_KEY = "qp_last_seen"
# Refresh the last-seen stamp at most this often, so that reads do not write the session every time.
_TOUCH_EVERY_SECONDS = 60


class SessionTimeoutMiddleware:
    """Ends a session after ``SESSION_IDLE_TIMEOUT`` without activity or ``SESSION_ABSOLUTE_TIMEOUT`` after login,
    or when an administrator has ended the user's sessions since it began (``accounts.services.user_sessions_end``).

    The user is logged out, told why, and the audit log records it; the request then continues anonymously,
    so a protected page sends them to the login form and back afterwards.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            self._check(request)
        return self.get_response(request)

    def _check(self, request) -> None:
        now = time.time()
        session = request.session
        login_at = session.get(LOGIN_AT_KEY, now)
        last_seen = session.get(LAST_SEEN_KEY, now)
        reason = None
        ended = request.user.sessions_ended_at
        if ended is not None and login_at <= ended.timestamp():
            reason = _("An administrator ended your session. Please log in again.")
        elif now - login_at > settings.SESSION_ABSOLUTE_TIMEOUT.total_seconds():
            hours = int(settings.SESSION_ABSOLUTE_TIMEOUT.total_seconds() // 3600)
            reason = _("For your security, sessions end {hours} hours after login. Please log in again.").format(
                hours=hours
            )
        elif now - last_seen > settings.SESSION_IDLE_TIMEOUT.total_seconds():
            minutes = int(settings.SESSION_IDLE_TIMEOUT.total_seconds() // 60)
            reason = _("Your session ended after {minutes} minutes without activity. Please log in again.").format(
                minutes=minutes
            )
        if reason is None:
            if LOGIN_AT_KEY not in session or now - last_seen >= _TOUCH_EVERY_SECONDS:
                session[LOGIN_AT_KEY] = login_at
                session[LAST_SEEN_KEY] = now
            return

        from accounts.choices import AuditAction
        from accounts.services import audit_record

        audit_record(action=AuditAction.SESSION_EXPIRED, actor=request.user, request=request)
        logout(request)
        messages.warning(request, reason)


def _always_open(path: str, *names: str) -> bool:
    """Pages a user held up by a security step can still reach: the second-factor pages, logging out, the language
    switch, static files and the health check (plus the URL ``names`` given)."""
    allowed = {
        reverse(name)
        for name in ("accounts:mfa_enrol", "accounts:mfa_verify", "accounts:logout", "set_language", *names)
    }
    return path in allowed or path.startswith((settings.STATIC_URL or "/static/", "/healthz"))


class PasswordExpiryMiddleware:
    """Sends a user whose password is past its role's maximum age to the password change page (logging out,
    switching language and static files still work), telling them why."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated and not self._exempt(request.path):
            from accounts.services import password_expired, password_max_age_days

            if password_expired(request.user):
                messages.warning(
                    request,
                    _("Your password is more than {days} days old. Please choose a new one to go on.").format(
                        days=password_max_age_days(request.user)
                    ),
                )
                return redirect("accounts:password_change")
        return self.get_response(request)

    @staticmethod
    def _exempt(path: str) -> bool:
        # the second factor comes first (SecondFactorMiddleware), then the new password
        return _always_open(path, "accounts:password_change")


class SecondFactorMiddleware:
    """Keeps every page shut to a user who must pass a second factor (``accounts.mfa.mfa_required``) until this
    session has: they go to enrolment (no authenticator app yet) or to the code page, and come back afterwards.
    Logging out, switching language, static files and the health check stay open; the API answers 403 in its
    error shape to a session that has not passed (token requests carry no session and pass the factor when the
    token is issued)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and not self._exempt(request.path):
            from accounts.mfa import mfa_device, mfa_required

            if mfa_required(user) and not user.is_verified():
                if request.path.startswith(reverse("api:api-root")):
                    return JsonResponse(
                        {
                            "detail": _("Enter the code from your authenticator app in the browser first."),
                            "code": "second_factor_required",
                            "fields": {},
                        },
                        status=403,
                    )
                target = reverse("accounts:mfa_verify" if mfa_device(user) else "accounts:mfa_enrol")
                if request.method == "GET":
                    target = f"{target}?{urlencode({REDIRECT_FIELD_NAME: request.get_full_path()})}"
                return redirect(target)
        return self.get_response(request)

    @staticmethod
    def _exempt(path: str) -> bool:
        return _always_open(path)
