from django import forms
from django.utils.translation import gettext_lazy as _

from labs.models import LabAnnualReport


class AnnualReportForm(forms.ModelForm):
    class Meta:
        model = LabAnnualReport
        fields = ["year", "capabilities", "staff", "equipment", "projects", "reports_issued", "standards_drafted"]
        widgets = {"capabilities": forms.Textarea(attrs={"rows": 4})}


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=1000)
