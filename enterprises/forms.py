from django import forms
from django.contrib.auth.password_validation import password_validators_help_text_html
from django.utils.translation import gettext_lazy as _

from enterprises import credit_code
from enterprises.choices import SizeClass
from enterprises.models import Enterprise, Industry, Region
from enterprises.validators import validate_credit_code


class CreditCodeFormField(forms.CharField):
    """Accepts what people type (spaces, lower case), normalises it and checks it like the model field does."""

    default_validators = [validate_credit_code]

    def __init__(self, *args, **kwargs):
        kwargs["max_length"] = None  # normalisation may shorten the input; the validator checks the length
        super().__init__(*args, **kwargs)
        self.widget.attrs.update({"autocomplete": "off", "spellcheck": "false", "class": "mono"})

    def to_python(self, value):
        value = super().to_python(value)
        return credit_code.normalize(value) if value else value


class RegionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Region) -> str:
        return f"{obj.parent.name} · {obj.name}" if obj.parent_id else obj.name


def leaf_regions():
    return Region.objects.filter(children__isnull=True).select_related("parent").order_by("code")


class EnterpriseRegistrationForm(forms.Form):
    """A new user and the enterprise they act for, in one form; the authority then verifies the claim."""

    username = forms.CharField(label=_("Username"), max_length=150)
    display_name = forms.CharField(label=_("Your name"), max_length=100)
    email = forms.EmailField(label=_("E-mail"))
    password1 = forms.CharField(
        label=_("Password"), widget=forms.PasswordInput, help_text=password_validators_help_text_html()
    )
    password2 = forms.CharField(label=_("Password again"), widget=forms.PasswordInput)
    position = forms.CharField(label=_("Your position in the enterprise"), max_length=100, required=False)
    credit_code = CreditCodeFormField(
        label=_("Unified social credit code"), help_text=_("18 characters, as printed on the business licence.")
    )
    name_zh = forms.CharField(label=_("Enterprise name (Chinese)"), max_length=200)
    name_en = forms.CharField(label=_("Enterprise name (English)"), max_length=300, required=False)
    region = RegionChoiceField(label=_("City"), queryset=Region.objects.none())
    industry = forms.ModelChoiceField(label=_("Industry (GB/T 4754 division)"), queryset=Industry.objects.all())
    size_class = forms.ChoiceField(label=_("Size"), choices=SizeClass.choices)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = leaf_regions()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("password1") and cleaned.get("password2") and cleaned["password1"] != cleaned["password2"]:
            self.add_error("password2", _("The two passwords differ."))
        return cleaned


class EnterpriseProfileForm(forms.ModelForm):
    """What an enterprise administrator may change; identity fields stay with the verified record."""

    class Meta:
        model = Enterprise
        fields = ["name_en", "address", "size_class", "is_listed"]


class SupplierLinkForm(forms.Form):
    credit_code = CreditCodeFormField(label=_("Supplier's unified social credit code"))
    products = forms.CharField(label=_("Products supplied"), max_length=200, required=False)
    since = forms.DateField(label=_("Supplier since"), required=False, widget=forms.DateInput(attrs={"type": "date"}))


class ClaimDecisionForm(forms.Form):
    approve = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("yes", _("Approve")), ("no", _("Reject"))],
        coerce=lambda value: value == "yes",
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("approve") is False and not cleaned.get("reason", "").strip():
            self.add_error("reason", _("Say why the claim is rejected; the applicant will read it."))
        return cleaned
