"""Calibration for authorities, MIIT and institution administrators: self vs consensus gaps, assessor and
institution leniency and spread, as charts with tables beside them."""

from django import forms
from django.contrib.auth.mixins import LoginRequiredMixin
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from core.exceptions import NotPermitted
from enterprises.models import Industry
from evaluations.calibration_selectors import calibration_cycles, calibration_report, may_calibrate


class CalibrationFilterForm(forms.Form):
    cycle = forms.TypedChoiceField(label=gettext_lazy("Cycle"), coerce=int, required=False, empty_value=None)
    industry = forms.ModelChoiceField(
        label=gettext_lazy("Industry"),
        queryset=Industry.objects.all(),
        required=False,
        empty_label=gettext_lazy("All industries"),
    )

    def __init__(self, *args, cycles: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cycle"].choices = [("", _("All cycles")), *((cycle, cycle) for cycle in cycles)]


def _bars(items: list[dict], figure: str, *, error: str | None = None) -> dict:
    """A chart's data: the groups with figures (withheld groups are in the table only)."""
    shown = [item for item in items if not item["too_small"]]
    data = {"labels": [item["label"] for item in shown], "values": [round(item[figure], 3) for item in shown]}
    if error:
        data["errors"] = [round(item[error] or 0, 3) for item in shown]
    return data


def chart_data(report: dict) -> dict:
    """The charts' data by element id, read by static/js/calibration.js."""
    gap, leniency = _("Mean gap (self - consensus)"), _("Leniency (assessor - consensus)")
    return {
        "chart-dimensions": {"axis": gap, **_bars(report["dimensions"], "mean_gap")},
        "chart-provinces": {"axis": gap, **_bars(report["provinces"], "mean_gap")},
        "chart-industries": {"axis": gap, **_bars(report["industries"], "mean_gap")},
        "chart-assessors": {"axis": leniency, **_bars(report["assessors"], "leniency", error="spread")},
        "chart-institutions": {"axis": leniency, **_bars(report["institutions"], "leniency", error="spread")},
    }


class CalibrationView(LoginRequiredMixin, TemplateView):
    """Authorities see their region, MIIT the country, an institution administrator the institution's
    evaluations; filters: cycle and industry."""

    template_name = "evaluations/calibration.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        if not may_calibrate(user):
            raise NotPermitted(_("Calibration is for authorities, MIIT and institution administrators."))
        form = CalibrationFilterForm(self.request.GET or None, cycles=calibration_cycles(user=user))
        report = charts = None
        if not form.is_bound or form.is_valid():
            filters = form.cleaned_data if form.is_bound else {}
            industry = filters.get("industry")
            report = calibration_report(user=user, cycle=filters.get("cycle"), industry=industry and industry.code)
            charts = chart_data(report)
        return super().get_context_data(form=form, report=report, charts=charts, **kwargs)
