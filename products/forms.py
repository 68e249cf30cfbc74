from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.choices import Role
from products.choices import ProductCategory
from products.services import BatchMeta, importer_authorities


class InspectionImportForm(forms.Form):
    """The batch's details (the workbook holds only its rows) and the workbook."""

    category = forms.ChoiceField(label=_("Product category"), choices=ProductCategory.choices)
    title_zh = forms.CharField(label=_("Title (Chinese)"), max_length=200)
    title_en = forms.CharField(label=_("Title (English)"), max_length=300, required=False)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    batch_label = forms.CharField(
        label=_("Batch"),
        max_length=200,
        required=False,
        help_text=_("For example: 2026 national supervision spot check, batch 2."),
    )
    authority = forms.ChoiceField(label=_("Published by"), required=False)
    publish = forms.BooleanField(label=_("Publish the results once imported"), required=False, initial=True)
    file = forms.FileField(label=_("Filled-in inspection workbook (.xlsx)"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        national = user.has_role(Role.NATIONAL)
        choices = [("", _("MIIT (national)"))] if national else []
        self.fields["authority"].choices = choices + [(a.pk, a.name) for a in importer_authorities(user)]
        self.fields["authority"].required = not national
        self.fields["year"].initial = timezone.localdate().year

    def meta(self) -> BatchMeta:
        data = self.cleaned_data
        return BatchMeta(
            category=data["category"],
            title_zh=data["title_zh"],
            title_en=data["title_en"],
            year=data["year"],
            batch_label=data["batch_label"],
            authority=data["authority"],
            publish=data["publish"],
        )
