"""The pilot-platform directory (search by service, field, region; downloads), a platform's page (tiers,
services, figures, ratings; an enterprise sends a request there, the host files figures, MIIT promotes), and
the service requests page of both parties."""

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from accounts.choices import Role
from accounts.scoping import get_scoped_or_404
from core.exports import table_download
from core.forms import run_step
from enterprises.models import Region
from enterprises.selectors import enterprise_of
from indices.registry_map import Place, map_context
from pilots import selectors, services
from pilots.choices import NEXT_TIER, Tier
from pilots.models import Platform, Scenario, ServiceRequest
from selections.choices import KeyField, Service


def _filters(params) -> dict:
    province = params.get("province", "")
    return {
        "search": params.get("q", "").strip()[:100],
        "service": params.get("service", ""),
        "key_field": params.get("field", ""),
        "province": province if province.isdigit() else "",
        "tier": params.get("tier", ""),
    }


class PlatformListView(TemplateView):
    template_name = "pilots/platform_list.html"

    def get_context_data(self, **kwargs):
        filters = _filters(self.request.GET)
        platforms = list(selectors.platform_list(**filters)[:500])
        places = (
            Place(p.region_id, p.region.name, p.name, reverse("pilots:platform_detail", args=[p.pk])) for p in platforms
        )
        return super().get_context_data(
            platforms=platforms,
            registry_map=map_context(places, title=_("Pilot-scale platforms"), file_name="pilot-platforms"),
            filters=filters,
            services=Service.choices,
            fields=KeyField.choices,
            tiers=Tier.choices,
            provinces=Region.objects.filter(level="province").order_by("code"),
            **kwargs,
        )


class PlatformDownloadView(View):
    def get(self, request, kind: str):
        headers = [
            _("Platform"),
            _("Host"),
            _("Key field"),
            _("Industry direction"),
            _("Validation services"),
            _("City"),
            _("Tier"),
            _("Tier since"),
        ]
        rows = (
            [
                p.name_zh,
                p.host.name_zh,
                p.get_key_field_display(),
                p.industry_direction,
                ", ".join(p.service_labels()),
                p.region.name,
                p.get_tier_display(),
                p.tier_since.isoformat(),
            ]
            for p in selectors.platform_list(**_filters(request.GET))
        )
        return table_download(kind, name="pilot-platforms", sheet=_("Platforms"), headers=headers, rows=rows)


class PlatformDetailView(TemplateView):
    template_name = "pilots/platform_detail.html"

    def get_context_data(self, **kwargs):
        platform = get_object_or_404(selectors.platform_list(), pk=kwargs["pk"])
        user = self.request.user
        enterprise = enterprise_of(user) if user.is_authenticated else None
        return super().get_context_data(
            platform=platform,
            tier_changes=platform.tier_changes.select_related("by"),
            figures=platform.service_years.all(),
            offered=[(code, Service(code).label) for code in platform.services if code in Service.values],
            may_request=enterprise is not None and enterprise.pk != platform.host_id,
            is_host=enterprise is not None and enterprise.pk == platform.host_id,
            may_promote=user.is_authenticated and user.has_role(Role.NATIONAL) and platform.tier in NEXT_TIER,
            next_tier=NEXT_TIER.get(platform.tier),
            this_year=timezone.localdate().year,
            **kwargs,
        )

    def post(self, request, pk):
        if not request.user.is_authenticated:
            return redirect("accounts:login")
        platform = get_object_or_404(Platform, pk=pk)
        action = request.POST.get("action")
        if action == "promote":
            run_step(
                request,
                lambda: (
                    services.platform_promote(platform=platform, by=request.user, request=request) and _("Promoted.")
                ),
            )
        elif action == "figures":
            try:
                income = Decimal(request.POST.get("income", "").strip() or "x")
                values = {
                    "year": int(request.POST.get("year", "")),
                    "enterprises_served": int(request.POST.get("enterprises_served", "")),
                    "validations": int(request.POST.get("validations", "")),
                }
            except (ValueError, InvalidOperation):
                messages.error(
                    request, _("Enter whole numbers for the year and the counts, and a number for the income.")
                )
            else:
                run_step(
                    request,
                    lambda: (
                        services.service_year_record(
                            platform=platform, income=income, by=request.user, request=request, **values
                        )
                        and _("The service figures are saved.")
                    ),
                )
        else:
            enterprise = enterprise_of(request.user)
            if enterprise is None:
                messages.error(request, _("Only the enterprise's own members send requests on its behalf."))
            elif run_step(
                request,
                lambda: (
                    services.request_send(
                        platform=platform,
                        enterprise=enterprise,
                        service=request.POST.get("service", ""),
                        description=request.POST.get("description", ""),
                        by=request.user,
                        request=request,
                    )
                    and _("Your request was sent; the platform answers on your requests page.")
                ),
            ):
                return redirect("pilots:request_list")
        return redirect("pilots:platform_detail", pk=pk)


class RequestListView(LoginRequiredMixin, TemplateView):
    """The service requests the reader's enterprise sent, and those its platforms received."""

    template_name = "pilots/request_list.html"

    def get_context_data(self, **kwargs):
        enterprise = enterprise_of(self.request.user)
        requests = list(selectors.requests_of(self.request.user))
        return super().get_context_data(
            sent=[r for r in requests if enterprise and r.enterprise_id == enterprise.pk],
            received=[r for r in requests if enterprise and r.platform.host_id == enterprise.pk],
            others=[] if enterprise else requests,
            **kwargs,
        )

    def post(self, request):
        service_request = get_scoped_or_404(
            request.user,
            ServiceRequest.objects.all(),
            request=request,
            published=False,
            pk=request.POST.get("request") or 0,
        )
        action = request.POST.get("action", "")
        if action in services.ANSWERS:
            run_step(
                request,
                lambda: _("The request is {status}.").format(
                    status=services.request_answer(
                        service_request=service_request,
                        action=action,
                        reply=request.POST.get("reply", ""),
                        by=request.user,
                        request=request,
                    ).get_status_display()
                ),
            )
        elif action == "rate":
            run_step(
                request,
                lambda: (
                    services.request_rate(
                        service_request=service_request,
                        rating=request.POST.get("rating", ""),
                        comment=request.POST.get("comment", ""),
                        by=request.user,
                        request=request,
                    )
                    and _("Thank you for rating the service.")
                ),
            )
        return redirect("pilots:request_list")


def _scenario_filters(params) -> dict:
    province, year = params.get("province", ""), params.get("year", "")
    return {
        "search": params.get("q", "").strip()[:100],
        "key_field": params.get("field", ""),
        "province": province if province.isdigit() else "",
        "year": year if year.isdigit() else "",
    }


class ScenarioListView(TemplateView):
    """Excellent pilot-scale scenarios, selected through calls: search, filters, downloads."""

    template_name = "pilots/scenario_list.html"

    def get_context_data(self, **kwargs):
        filters = _scenario_filters(self.request.GET)
        scenarios = list(selectors.scenario_list(**filters)[:500])
        places = (
            Place(s.region_id, s.region.name, s.title, reverse("pilots:scenario_detail", args=[s.pk]))
            for s in scenarios
        )
        return super().get_context_data(
            scenarios=scenarios,
            registry_map=map_context(places, title=_("Pilot-scale scenarios"), file_name="pilot-scenarios"),
            filters=filters,
            fields=KeyField.choices,
            years=sorted(set(Scenario.objects.values_list("year", flat=True)), reverse=True),
            provinces=Region.objects.filter(level="province").order_by("code"),
            **kwargs,
        )


class ScenarioDownloadView(View):
    def get(self, request, kind: str):
        headers = [
            _("Scenario"),
            _("Enterprise"),
            _("Key field"),
            _("Industry direction"),
            _("City"),
            _("Year"),
            _("Pilot-scale platform"),
            _("Measured results"),
        ]
        rows = (
            [
                s.title,
                s.enterprise.name_zh,
                s.get_key_field_display(),
                s.industry_direction,
                s.region.name,
                s.year,
                s.platform.name_zh if s.platform else "",
                s.results,
            ]
            for s in selectors.scenario_list(**_scenario_filters(request.GET))
        )
        return table_download(kind, name="pilot-scenarios", sheet=_("Scenarios"), headers=headers, rows=rows)


class ScenarioDetailView(TemplateView):
    template_name = "pilots/scenario_detail.html"

    def get_context_data(self, **kwargs):
        scenario = get_object_or_404(selectors.scenario_list(), pk=kwargs["pk"])
        return super().get_context_data(scenario=scenario, **kwargs)
