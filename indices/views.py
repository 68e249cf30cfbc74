"""The dashboards and the quality digital map (ARCHITECTURE §7, §11).

- ``DashboardView``: national staff and platform administrators open on the country, an authority on its own
  province; MIIT staff also start a recompute here. Other roles are refused (403), as on the calibration page.
- ``DashboardDownloadView``: the table of the current state as CSV or XLSX.
- ``PublicMapView``: the same map for anyone, small cells suppressed.

The state (year, industry, size, region) lives in the query string; the first state is rendered on the server
and embedded for static/js/dashboard.js, which asks the API under /api/v1/indices/ for every later one.
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.models import AnonymousUser
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from core.exceptions import DomainError, NotPermitted
from enterprises.choices import SizeClass
from indices import api, dashboard_selectors, downloads, geo_views, selectors, services
from indices.models import ALL, COUNTRY


def dashboard_state(params, *, years: list[int], context: dict, home: str) -> dict:
    """The state asked for in the query string; a value that is not valid falls back to its default."""
    try:
        year = int(params.get("year", ""))
    except ValueError:
        year = None
    if year not in years:
        year = years[-1] if years else None
    region = params.get("region", home)
    if region != COUNTRY and (region not in context["regions"] or not region.endswith("0000")):
        region = home
    industry = params.get("industry", ALL)
    size = params.get("size", ALL)
    return {
        "year": year,
        "region": region,
        "industry": industry if industry in context["industries"] else ALL,
        "size": size if size in SizeClass.values else ALL,
    }


def _labels() -> dict[str, str]:
    """The words static/js/dashboard.js and quality-map.js show, in the reader's language."""
    return {
        "index": _("Index I"),
        "n": _("Enterprises with a valid level"),
        "coverage": _("Coverage"),
        "level_mix": _("Level mix"),
        "self_index": _("Self-assessed index"),
        "calibration_gap": _("Calibration gap (self - official)"),
        "change_short": _("on the year before"),
        "suppressed": _("Fewer than 5 enterprises: figures withheld"),
        "suppressed_short": _("fewer than 5 enterprises"),
        "no_data": _("No evaluated enterprises"),
        "country": _("China"),
        "year": _("Year"),
        "region_index": _("{region}: index"),
        "region_self_index": _("{region}: self-assessed index"),
        "industries_withheld": _("{count} industries with fewer than 5 enterprises are not shown."),
        "regions_withheld": _("{count} regions with fewer than 5 enterprises are not shown."),
        "no_figures": _("No figures for this selection."),
        "new_short": _("+{count} new this year"),
        "targets_national": _("The national targets apply to the whole country."),
        "target_line": _("Level {level} or above: {year} target {goal}"),
        "target_reached": _("{reached} reached, {new} new this year"),
        "loading": _("Loading..."),
        "load_failed": _("The figures could not be loaded. Try again."),
        "map_title": _("Quality management level index, {year}"),
    }


class _MapPage(TemplateView):
    """What the dashboard and the public map share: the state, the first data, the map's configuration."""

    public = False

    def home(self) -> dict:
        return {"region": COUNTRY, "highlight": []}

    def get_context_data(self, **kwargs):
        user = AnonymousUser() if self.public else self.request.user  # the public map: aggregates only
        home = self.home()
        context = api.names()
        years = selectors.years()
        state = dashboard_state(self.request.GET, years=years, context=context, home=home["region"])
        first = api.dashboard_data(user=user, state=state, context=context)
        language = "zh" if (get_language() or "").startswith("zh") else "en"
        provinces = sorted(
            (code, names[language]) for code, names in context["regions"].items() if code.endswith("0000")
        )
        config = {
            "public": self.public,
            "language": language,
            "state": state,
            "home": home,
            "years": years,
            "levels": dashboard_selectors.level_names(),
            "region_names": {code: names[language] for code, names in context["regions"].items()},
            "labels": _labels(),
            "api": {
                "cells": reverse("api:index_cells"),
                "industries": reverse("api:index_industries"),
                "trend": reverse("api:index_trend"),
                "kpis": reverse("api:index_kpis"),
            },
            "geo": geo_views.boundary_urls(),
            "topojson": static("geo/"),
            "downloads": None
            if self.public
            else {"csv": reverse("indices:dashboard_csv"), "xlsx": reverse("indices:dashboard_xlsx")},
            "first": first,
        }
        return super().get_context_data(
            state=state,
            years=years,
            first=first,
            config=config,
            provinces=provinces,
            industries=sorted((code, f"{code} {names[language]}") for code, names in context["industries"].items()),
            sizes=SizeClass.choices,
            language=language,
            computed_at=selectors.computed_at(state["year"]),
            **kwargs,
        )


class DashboardView(LoginRequiredMixin, _MapPage):
    """National staff see the country, an authority its own province; MIIT staff may recompute the index."""

    template_name = "indices/dashboard.html"

    def home(self) -> dict:
        home = dashboard_selectors.dashboard_home(self.request.user)
        if home is None:
            raise NotPermitted(_("The dashboard is for authorities, MIIT staff and platform administrators."))
        return home

    def get_context_data(self, **kwargs):
        user = self.request.user
        may_recompute = dashboard_selectors.may_recompute(user)
        return super().get_context_data(
            may_recompute=may_recompute,
            job=dashboard_selectors.recompute_job(user=user) if may_recompute else None,
            job_done_url=self.request.get_full_path(),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        """Recompute now (MIIT staff): a background job; the page shows its progress."""
        try:
            services.indices_recompute_start(by=request.user)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.info(request, _("The index is being recomputed in the background."))
        return redirect(request.get_full_path())


class DashboardDownloadView(LoginRequiredMixin, View):
    """The current state's table (the region's total and its provinces or cities) as CSV or XLSX."""

    kind = "csv"

    def get(self, request):
        home = dashboard_selectors.dashboard_home(request.user)
        if home is None:
            raise NotPermitted(_("The dashboard is for authorities, MIIT staff and platform administrators."))
        context = api.names()
        state = dashboard_state(request.GET, years=selectors.years(), context=context, home=home["region"])
        rows = dashboard_selectors.map_rows(user=request.user, **state)
        table = [rows["total"], *rows["cells"]] if rows["total"] else rows["cells"]
        return downloads.download_response(kind=self.kind, state=state, rows=table, **context)


class PublicMapView(_MapPage):
    """The public quality digital map: aggregates only, cells of fewer than five enterprises withheld."""

    template_name = "indices/public_map.html"
    public = True
