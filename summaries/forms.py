from django import forms
from django.utils.translation import gettext_lazy as _

from summaries import kpis
from summaries.models import SummaryTemplate, TemplateSection
from summaries.services import COMMENT_MAX, NARRATIVE_MAX


class NarrativeForm(forms.Form):
    """One text box per section of the year's template; a draft may leave any of them empty."""

    def __init__(self, *args, sections, **kwargs):
        super().__init__(*args, **kwargs)
        for section in sections:
            self.fields[section.code] = forms.CharField(
                label=section.title,
                required=False,
                max_length=NARRATIVE_MAX,
                help_text=section.guidance,
                widget=forms.Textarea(attrs={"rows": 6}),
            )


class ReviewForm(forms.Form):
    comment = forms.CharField(
        label=_("Comments to the authority"),
        required=False,
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Required when returning the summary: say what to change."),
    )


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("File"), help_text=_("PDF, an image, or an Office document."))


class TemplateCreateForm(forms.Form):
    year = forms.IntegerField(label=_("Year reported"), min_value=2024, max_value=2100)
    deadline = forms.DateField(label=_("Deadline"), widget=forms.DateInput(attrs={"type": "date"}))
    title_zh = forms.CharField(label=_("Title (Chinese)"), max_length=200)
    title_en = forms.CharField(label=_("Title (English)"), max_length=300)
    notice = forms.CharField(label=_("Notice"), max_length=200, required=False, help_text=_("The notice it follows."))
    copy_from = forms.ModelChoiceField(
        label=_("Copy the sections of"),
        queryset=SummaryTemplate.objects.all(),
        required=False,
        help_text=_("The sections can then be edited."),
    )
    kpis = forms.MultipleChoiceField(
        label=_("KPIs to report"), widget=forms.CheckboxSelectMultiple, required=False, initial=kpis.CODES
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from indices.dashboard_selectors import level_names

        names = level_names()
        self.fields["kpis"].choices = [(kpi.code, kpi.title(names)) for kpi in kpis.CATALOGUE]


class TemplateEditForm(forms.ModelForm):
    class Meta:
        model = SummaryTemplate
        fields = ["title_zh", "title_en", "notice", "deadline"]
        widgets = {"deadline": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}


SectionFormSet = forms.inlineformset_factory(
    SummaryTemplate,
    TemplateSection,
    fields=["number", "code", "title_zh", "title_en", "guidance_zh", "guidance_en"],
    widgets={"guidance_zh": forms.Textarea(attrs={"rows": 2}), "guidance_en": forms.Textarea(attrs={"rows": 2})},
    extra=1,
    can_delete=True,
)
