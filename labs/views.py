"""The public lab registry (search, filters, CSV/XLSX), a lab's page with its history and annual reports; the
host reports each year there, MIIT revokes there."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from accounts.choices import Role
from core.exceptions import DomainError, NotPermitted
from core.exports import table_download
from core.forms import add_errors, run_step
from enterprises.models import Region
from indices.registry_map import Place, map_context
from labs import selectors, services
from labs.forms import AnnualReportForm, RevokeForm
from labs.models import Lab, LabStatus


def _filters(params) -> dict:
    return {
        "search": params.get("q", "").strip()[:100],
        "province": params.get("province", "") if params.get("province", "").isdigit() else "",
        "status": params.get("status", ""),
    }


class LabListView(TemplateView):
    template_name = "labs/lab_list.html"

    def get_context_data(self, **kwargs):
        filters = _filters(self.request.GET)
        labs = list(selectors.lab_list(**filters)[:500])
        places = (
            Place(lab.region_id, lab.region.name, lab.name, reverse("labs:lab_detail", args=[lab.pk])) for lab in labs
        )
        return super().get_context_data(
            labs=labs,
            registry_map=map_context(places, title=_("Laboratories"), file_name="labs"),
            filters=filters,
            provinces=Region.objects.filter(level="province").order_by("code"),
            statuses=LabStatus.choices,
            **kwargs,
        )


class LabDownloadView(View):
    """The registry as filtered, as CSV or XLSX (formula injection neutralised by core.exports)."""

    def get(self, request, kind: str):
        labs = selectors.lab_list(**_filters(request.GET))
        headers = [
            _("Laboratory"),
            _("Laboratory (English)"),
            _("Host organisation"),
            _("Product field"),
            _("City"),
            _("Batch"),
            _("Accredited on"),
            _("Re-assessment due"),
            _("Status"),
        ]
        rows = (
            [
                lab.name_zh,
                lab.name_en,
                lab.host.name_zh,
                lab.product_field,
                lab.region.name,
                lab.batch,
                lab.accredited_on.isoformat(),
                lab.reassessment_due.isoformat(),
                lab.get_status_display(),
            ]
            for lab in labs
        )
        return table_download(kind, name="labs", sheet=_("Laboratories"), headers=headers, rows=rows)


class LabDetailView(TemplateView):
    template_name = "labs/lab_detail.html"

    def _lab(self, pk: int) -> Lab:
        return get_object_or_404(Lab.objects.select_related("host", "region", "application__call"), pk=pk)

    def _is_host(self, lab: Lab) -> bool:
        user = self.request.user
        return user.is_authenticated and user.is_member_of(lab.host_id)

    def get_context_data(self, **kwargs):
        lab = self._lab(kwargs["pk"])
        user = self.request.user
        is_host = self._is_host(lab)
        return super().get_context_data(
            lab=lab,
            events=lab.events.select_related("application"),
            reports=lab.reports.all(),
            report_form=kwargs.pop("report_form", None)
            or (AnnualReportForm(initial={"year": timezone.localdate().year - 1}) if is_host else None),
            may_revoke=user.is_authenticated and user.has_role(Role.NATIONAL) and lab.status == LabStatus.ACTIVE,
            revoke_form=RevokeForm(),
            **kwargs,
        )

    def post(self, request, pk):
        if not request.user.is_authenticated:
            return redirect("accounts:login")
        lab = self._lab(pk)
        if request.POST.get("action") == "revoke":
            run_step(
                request,
                lambda: (
                    services.lab_revoke(
                        lab=lab, reason=request.POST.get("reason", ""), by=request.user, request=request
                    )
                    and _("The laboratory was revoked.")
                ),
            )
            return redirect("labs:lab_detail", pk=pk)
        if not self._is_host(lab):
            raise NotPermitted(_("Only the host's own members report on its laboratory."))
        form = AnnualReportForm(request.POST)
        form.instance.lab = lab
        form.validate_unique = lambda: None  # a second report of a year replaces the first (the service decides)
        if form.is_valid():
            values = {field: form.cleaned_data[field] for field in services.REPORT_FIELDS}
            try:
                services.annual_report_submit(
                    lab=lab, year=form.cleaned_data["year"], values=values, by=request.user, request=request
                )
            except (ValidationError, DomainError) as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("The annual report is saved."))
                return redirect("labs:lab_detail", pk=pk)
        return self.render_to_response(self.get_context_data(pk=pk, report_form=form))
