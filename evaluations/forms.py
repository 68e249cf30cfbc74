from django import forms
from django.utils.translation import gettext_lazy as _


class ModelImportForm(forms.Form):
    file = forms.FileField(label=_("Model file (.yaml or .xlsx)"))


class EvidenceForm(forms.Form):
    indicator = forms.CharField(widget=forms.HiddenInput)
    file = forms.FileField(label=_("Evidence file"))
