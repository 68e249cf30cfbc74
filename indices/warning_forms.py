"""The early-warning list's filters and the form that acknowledges or resolves a warning."""

from django import forms
from django.utils.translation import gettext_lazy as _

from indices.choices import WarningKind, WarningState
from indices.warning_services import REASON_MAX

ANY = [("", _("Any"))]


class WarningFilterForm(forms.Form):
    state = forms.ChoiceField(label=_("State"), choices=ANY + WarningState.choices, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=ANY + WarningKind.choices, required=False)


class WarningActionForm(forms.Form):
    action = forms.ChoiceField(choices=[("acknowledge", _("Acknowledge")), ("resolve", _("Resolve"))])
    reason = forms.CharField(label=_("Reason"), required=False, max_length=REASON_MAX, widget=forms.Textarea)
