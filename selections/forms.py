"""Forms built from a call's form definition (selections.form_schema): one field per question, named
``data.<key>`` so the services' errors land on the right field."""

from django import forms
from django.utils.translation import gettext_lazy as _

from selections import form_schema
from selections.choices import CallKind, FieldType


def _field(spec: dict) -> forms.Field:
    label = form_schema.label(spec)
    common = {"label": label, "required": False}  # required answers are checked on submission
    if spec["type"] == FieldType.LONG_TEXT:
        return forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), **common)
    if spec["type"] == FieldType.NUMBER:
        return forms.CharField(widget=forms.TextInput(attrs={"inputmode": "decimal"}), **common)
    if spec["type"] == FieldType.CHOICE:
        choices = [("", "—")] + [(c["value"], form_schema.label(c)) for c in spec.get("choices", [])]
        return forms.ChoiceField(choices=choices, **common)
    if spec["type"] == FieldType.MULTI_CHOICE:
        choices = [(c["value"], form_schema.label(c)) for c in spec.get("choices", [])]
        return forms.MultipleChoiceField(choices=choices, widget=forms.CheckboxSelectMultiple, **common)
    if spec["type"] == FieldType.DATE:
        return forms.CharField(widget=forms.DateInput(attrs={"type": "date"}), **common)
    return forms.CharField(**common)


class ApplicationForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, required=False)

    def __init__(self, *args, fields: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        for spec in fields:
            field = _field(spec)
            if spec.get("required"):
                field.label = f"{field.label} *"
            self.fields[f"data.{spec['key']}"] = field

    def answers(self) -> dict:
        return {name.removeprefix("data."): value for name, value in self.cleaned_data.items() if name != "title"}


class CallForm(forms.Form):
    """A new call: the kind's default application form and review criteria come with it (ARCHITECTURE §8)."""

    kind = forms.ChoiceField(label=_("Kind"), choices=CallKind.choices)
    year = forms.IntegerField(label=_("Year"), min_value=2020, max_value=2100)
    title_zh = forms.CharField(label=_("Title (Chinese)"), max_length=200)
    title_en = forms.CharField(label=_("Title (English)"), max_length=300)
    description_zh = forms.CharField(
        label=_("Description (Chinese)"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    description_en = forms.CharField(
        label=_("Description (English)"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    opens_on = forms.DateField(label=_("Opens on"), widget=forms.DateInput(attrs={"type": "date"}))
    closes_on = forms.DateField(label=_("Applications close on"), widget=forms.DateInput(attrs={"type": "date"}))
    recommend_by = forms.DateField(label=_("Authorities recommend by"), widget=forms.DateInput(attrs={"type": "date"}))
    default_quota = forms.IntegerField(
        label=_("Recommendations per authority"), min_value=1, required=False, help_text=_("Empty: no limit.")
    )
