from urllib.parse import urlencode

import segno
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME, logout, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordChangeForm
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.generic import FormView, ListView

from accounts import mfa
from accounts.choices import Role
from accounts.forms import AuditLogFilterForm, LoginForm, SecondFactorCodeForm
from accounts.selectors import audit_log_list
from accounts.services import password_change


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass


class PasswordChangeView(LoginRequiredMixin, FormView):
    """Choose a new password (the old one first); the session stays logged in."""

    template_name = "accounts/password_change.html"
    form_class = PasswordChangeForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        user = password_change(
            user=self.request.user, new_password=form.cleaned_data["new_password1"], request=self.request
        )
        update_session_auth_hash(self.request, user)
        messages.success(self.request, _("Your password is changed."))
        return redirect("home")


class AuditLogListView(LoginRequiredMixin, ListView):
    """The audit log, for audit administrators (separation of duties: nobody else reads it)."""

    template_name = "accounts/audit_log.html"
    context_object_name = "entries"
    paginate_by = 50

    def get_queryset(self):
        if not self.request.user.has_role(Role.AUDIT_ADMIN):
            raise PermissionDenied
        self.filter_form = AuditLogFilterForm(self.request.GET or None)
        filters = self.filter_form.cleaned_data if self.filter_form.is_valid() else {}
        return audit_log_list(filters=filters)

    def get_context_data(self, **kwargs):
        query = self.request.GET.copy()
        query.pop("page", None)
        return super().get_context_data(filter_form=self.filter_form, query=query.urlencode(), **kwargs)


def _next_url(request) -> str:
    """Where to go once the second factor is passed: the page first asked for, if it is ours."""
    target = request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME) or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _with_next(name: str, request) -> str:
    return f"{reverse(name)}?{urlencode({REDIRECT_FIELD_NAME: _next_url(request)})}"


class _SecondFactorStepMixin(LoginRequiredMixin):
    """The enrolment and code pages: only for users asked for a second factor; a locked account is logged out."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not mfa.mfa_required(request.user):
            return redirect(_next_url(request))
        if AxesProxyHandler.is_locked(request, {"username": request.user.get_username()}):
            credentials = {"username": request.user.get_username()}
            logout(request)
            return get_lockout_response(request, None, credentials)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(next=_next_url(self.request), **kwargs)


class SecondFactorEnrolView(_SecondFactorStepMixin, FormView):
    """Enrol an authenticator app: scan the QR code (or type the secret), confirm with a code; then the recovery
    codes are shown once."""

    template_name = "accounts/mfa_enrol.html"
    form_class = SecondFactorCodeForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and mfa.mfa_device(request.user) is not None:
            return redirect(_with_next("accounts:mfa_verify", request) if not request.user.is_verified() else "home")
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        help_text = _("The six digits your authenticator app shows for QualityPath.")
        return {**super().get_form_kwargs(), "help_text": help_text}

    def get_context_data(self, **kwargs):
        details = mfa.enrolment_details(user=self.request.user, key=mfa.enrolment_key(self.request))
        qr = segno.make(details["config_url"], error="m").svg_inline(scale=5, title=_("QR code for your app"))
        return super().get_context_data(qr_svg=mark_safe(qr), **details, **kwargs)  # noqa: S308 (segno's own SVG)

    def form_valid(self, form):
        try:
            codes = mfa.mfa_enrol(
                request=self.request,
                user=self.request.user,
                key=mfa.enrolment_key(self.request),
                code=form.cleaned_data["code"],
            )
        except mfa.SecondFactorError as exc:
            form.add_error("code", exc.message)
            return self.form_invalid(form)
        self.request.session[mfa.FRESH_CODES_SESSION_KEY] = codes
        messages.success(self.request, _("Your authenticator app is set up."))
        return redirect(_with_next("accounts:mfa_settings", self.request))


class SecondFactorVerifyView(_SecondFactorStepMixin, FormView):
    """After the password: a code from the authenticator app, or one of the recovery codes."""

    template_name = "accounts/mfa_verify.html"
    form_class = SecondFactorCodeForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and mfa.mfa_device(request.user) is None:
            return redirect(_with_next("accounts:mfa_enrol", request))
        if request.user.is_authenticated and request.user.is_verified():
            return redirect(_next_url(request))
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        help_text = _("Six digits from your authenticator app, or one of your recovery codes.")
        return {**super().get_form_kwargs(), "help_text": help_text}

    def form_valid(self, form):
        user = self.request.user
        device = mfa.mfa_verify(request=self.request, user=user, code=form.cleaned_data["code"])
        if device is None:
            if getattr(self.request, "axes_locked_out", False):
                logout(self.request)  # the lockout page follows (django-axes' middleware)
                return redirect("accounts:login")
            form.add_error(
                "code",
                _(
                    "That code is not right, or was already used. After {limit} failed attempts the account is "
                    "locked for a while."
                ).format(limit=settings.AXES_FAILURE_LIMIT),
            )
            return self.form_invalid(form)
        left = mfa.recovery_codes_left(user)
        if left <= 3:
            messages.warning(
                self.request,
                _("Only {count} recovery codes are left: make new ones on your second-factor page.").format(count=left),
            )
        return redirect(_next_url(self.request))


class SecondFactorSettingsView(LoginRequiredMixin, FormView):
    """Your second factor: since when, recovery codes left, fresh codes shown once (with a text download), and
    new recovery codes for a fresh code from the app."""

    template_name = "accounts/mfa_settings.html"
    form_class = SecondFactorCodeForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and mfa.mfa_device(request.user) is None:
            return redirect("accounts:mfa_enrol" if mfa.mfa_required(request.user) else "home")
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        help_text = _("A fresh code from your authenticator app (not a recovery code).")
        return {**super().get_form_kwargs(), "help_text": help_text}

    def get_context_data(self, **kwargs):
        user = self.request.user
        codes = self.request.session.pop(mfa.FRESH_CODES_SESSION_KEY, None)
        return super().get_context_data(
            device=mfa.mfa_device(user),
            codes_left=mfa.recovery_codes_left(user),
            fresh_codes=codes,
            codes_text=mfa.recovery_codes_text(user=user, codes=codes) if codes else "",
            next=_next_url(self.request),
            **kwargs,
        )

    def form_valid(self, form):
        try:
            codes = mfa.recovery_codes_regenerate(
                request=self.request, user=self.request.user, code=form.cleaned_data["code"]
            )
        except mfa.SecondFactorError as exc:
            if getattr(self.request, "axes_locked_out", False):
                logout(self.request)
                return redirect("accounts:login")
            form.add_error("code", exc.message)
            return self.form_invalid(form)
        self.request.session[mfa.FRESH_CODES_SESSION_KEY] = codes
        messages.success(self.request, _("New recovery codes are ready; the old ones no longer work."))
        return redirect("accounts:mfa_settings")
