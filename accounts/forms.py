from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from accounts.choices import AuditAction


class LoginForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "The username or password is incorrect. After %(limit)s failed attempts the account is locked for a while."
        ),
    }

    def get_invalid_login_error(self):
        from django.conf import settings

        return forms.ValidationError(
            self.error_messages["invalid_login"], code="invalid_login", params={"limit": settings.AXES_FAILURE_LIMIT}
        )


class AuditLogFilterForm(forms.Form):
    username = forms.CharField(label=_("Username"), required=False)
    action = forms.ChoiceField(label=_("Action"), choices=[("", "—"), *AuditAction.choices], required=False)
    success = forms.ChoiceField(
        label=_("Outcome"), choices=[("", "—"), ("1", _("Success")), ("0", _("Failure"))], required=False
    )
    since = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    target = forms.CharField(
        label=_("Object"), required=False, help_text=_("type, id or name of what was acted on, or the page")
    )
    ip_address = forms.GenericIPAddressField(label=_("IP address"), required=False)


class SecondFactorCodeForm(forms.Form):
    """A code from the authenticator app (or, where allowed, a recovery code)."""

    code = forms.CharField(
        label=_("Code"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false"}),
    )

    def __init__(self, *args, help_text: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].help_text = help_text
