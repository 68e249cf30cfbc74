from django import forms
from django.utils.translation import gettext_lazy as _

from knowledge.models import PolicyDocument
from knowledge.services import dimension_codes


class DocumentForm(forms.ModelForm):
    dimensions = forms.MultipleChoiceField(label=_("Dimensions"), required=False, widget=forms.CheckboxSelectMultiple)
    attachment = forms.FileField(
        label=_("Attach a file"), required=False, help_text=_("PDF, an image, or an Office document.")
    )

    class Meta:
        model = PolicyDocument
        fields = [
            "kind",
            "number",
            "title_zh",
            "title_en",
            "issuer_zh",
            "issuer_en",
            "issued_on",
            "status",
            "topic",
            "summary_zh",
            "summary_en",
            "superseded_by",
            "dimensions",
            "industries",
        ]
        widgets = {
            "issued_on": forms.DateInput(attrs={"type": "date"}),
            "summary_zh": forms.Textarea(attrs={"rows": 4}),
            "summary_en": forms.Textarea(attrs={"rows": 4}),
            "industries": forms.SelectMultiple(attrs={"size": 6}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dimensions"].choices = [(code, code) for code in dimension_codes()]
        others = PolicyDocument.objects.exclude(status="draft")
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        self.fields["superseded_by"].queryset = others
