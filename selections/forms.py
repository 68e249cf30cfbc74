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


class FieldRowForm(forms.Form):
    """One question of a call's application form, as the organiser edits it. Options are written one per line:
    ``value | 中文 | English``."""

    order = forms.IntegerField(label=_("Order"), min_value=0, max_value=999)
    key = forms.CharField(label=_("Key"), max_length=40)
    label_zh = forms.CharField(label=_("Label (Chinese)"), max_length=200)
    label_en = forms.CharField(label=_("Label (English)"), max_length=300)
    type = forms.ChoiceField(label=_("Type"), choices=FieldType.choices)
    required = forms.BooleanField(label=_("Required"), required=False)
    choices = forms.CharField(
        label=_("Options"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One per line: value | Chinese | English."),
    )

    def clean_choices(self) -> list[dict]:
        options = []
        for number, line in enumerate(self.cleaned_data["choices"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = [part.strip() for part in line.split("|")]
            if len(parts) != 3 or not all(parts):
                raise forms.ValidationError(
                    _("Line {n}: write value | Chinese | English.").format(n=number), code="options"
                )
            options.append({"value": parts[0], "label_zh": parts[1], "label_en": parts[2]})
        return options

    def definition(self, stored: dict | None) -> dict:
        """This row as a form field definition, keeping what the page does not edit (limits) from ``stored``."""
        data = self.cleaned_data
        field = dict(stored or {})
        field |= {key: data[key] for key in ("key", "label_zh", "label_en", "type", "required")}
        if self.fields["choices"].disabled:
            pass  # a field the registry reads keeps its stored options
        elif data["type"] in (FieldType.CHOICE, FieldType.MULTI_CHOICE):
            field["choices"] = data["choices"]
        else:
            field.pop("choices", None)
        return field


def choices_text(field: dict) -> str:
    return "\n".join(f"{c['value']} | {c['label_zh']} | {c['label_en']}" for c in field.get("choices", []))


class CriterionRowForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=20)
    name_zh = forms.CharField(label=_("Name (Chinese)"), max_length=200)
    name_en = forms.CharField(label=_("Name (English)"), max_length=300)
    weight = forms.DecimalField(label=_("Weight"), max_digits=4, decimal_places=3, min_value=0)
    max_score = forms.IntegerField(label=_("Highest score"), min_value=1, max_value=1000)


FieldFormSet = forms.formset_factory(FieldRowForm, extra=1, can_delete=True)
CriterionFormSet = forms.formset_factory(CriterionRowForm, extra=1, can_delete=True)
