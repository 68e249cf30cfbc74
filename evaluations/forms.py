from django import forms
from django.utils.translation import gettext_lazy as _

from enterprises.forms import CreditCodeFormField
from enterprises.models import Industry
from evaluations.models import ConflictDeclaration, Qualification


class ModelImportForm(forms.Form):
    file = forms.FileField(label=_("Model file (.yaml or .xlsx)"))


class EvidenceForm(forms.Form):
    indicator = forms.CharField(widget=forms.HiddenInput)
    file = forms.FileField(label=_("Evidence file"))


class AssessorForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    display_name = forms.CharField(label=_("Name"), max_length=100)
    email = forms.EmailField(label=_("E-mail"))
    password1 = forms.CharField(label=_("Initial password"), widget=forms.PasswordInput)
    password2 = forms.CharField(label=_("Initial password again"), widget=forms.PasswordInput)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("password1") and cleaned.get("password1") != cleaned.get("password2"):
            self.add_error("password2", _("The two passwords differ."))
        return cleaned


class _AssessorChoiceForm(forms.Form):
    assessor = forms.ModelChoiceField(label=_("Assessor"), queryset=None)

    def __init__(self, *args, assessors=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assessor"].queryset = assessors


class QualificationForm(_AssessorChoiceForm):
    industry = forms.ModelChoiceField(label=_("Industry"), queryset=Industry.objects.all())
    grade = forms.ChoiceField(label=_("Grade"), choices=Qualification.Grade.choices)
    valid_until = forms.DateField(label=_("Valid until"), widget=forms.DateInput(attrs={"type": "date"}))
    training_hours = forms.IntegerField(label=_("Training hours"), min_value=0, max_value=10000, initial=0)


class DeclarationForm(_AssessorChoiceForm):
    credit_code = CreditCodeFormField(label=_("Enterprise's unified social credit code"))
    kind = forms.ChoiceField(label=_("Kind of tie"), choices=ConflictDeclaration.Kind.choices)
    started = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    ended = forms.DateField(
        label=_("Until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Empty while it lasts."),
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class ConflictCheckForm(_AssessorChoiceForm):
    credit_code = CreditCodeFormField(label=_("Enterprise's unified social credit code"))
