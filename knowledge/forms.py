from django import forms
from django.utils.translation import gettext_lazy as _

from knowledge.models import PolicyDocument, Question
from knowledge.services import FIELDS, QUESTION_MIN_LENGTH, dimension_codes


class DocumentForm(forms.ModelForm):
    dimensions = forms.MultipleChoiceField(label=_("Dimensions"), required=False, widget=forms.CheckboxSelectMultiple)
    attachment = forms.FileField(
        label=_("Attach a file"), required=False, help_text=_("PDF, an image, or an Office document.")
    )

    class Meta:
        model = PolicyDocument
        fields = [*FIELDS, "industries"]  # what the service saves, and the industries it sets
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


class QuestionSubmitForm(forms.Form):
    text = forms.CharField(
        label=_("Your question"),
        min_length=QUESTION_MIN_LENGTH,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": _("Write your question."),
            "min_length": _("Write your question in at least %(limit_value)d characters."),
        },
    )
    email = forms.EmailField(
        label=_("Email (optional)"), required=False, help_text=_("Only MIIT staff see it, to reply to you.")
    )


class QuestionAnswerForm(forms.ModelForm):
    class Meta:
        model = Question
        fields = ["category", "order", "anchor", "question_zh", "question_en", "answer_zh", "answer_en"]
        widgets = {
            "question_zh": forms.Textarea(attrs={"rows": 2}),
            "question_en": forms.Textarea(attrs={"rows": 2}),
            "answer_zh": forms.Textarea(attrs={"rows": 5}),
            "answer_en": forms.Textarea(attrs={"rows": 5}),
        }
