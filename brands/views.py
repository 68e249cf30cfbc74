"""The public brand lists: search and filter the entries, download them; MIIT revokes an entry here."""

from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from accounts.choices import Role
from brands import selectors, services
from brands.models import BrandEntry, BrandList, EntryStatus
from core.exports import table_download
from core.forms import run_step
from enterprises.models import Region
from selections.choices import BrandCategory, BrandType


def _filters(params) -> dict:
    province = params.get("province", "")
    list_id = params.get("list", "")
    return {
        "search": params.get("q", "").strip()[:100],
        "brand_type": params.get("type", ""),
        "category": params.get("category", ""),
        "province": province if province.isdigit() else "",
        "status": params.get("status", ""),
        "list_id": int(list_id) if list_id.isdigit() else None,
    }


class EntryListView(TemplateView):
    template_name = "brands/entry_list.html"

    def get_context_data(self, **kwargs):
        filters = _filters(self.request.GET)
        user = self.request.user
        return super().get_context_data(
            entries=selectors.entry_list(**filters)[:500],
            filters=filters,
            lists=BrandList.objects.all(),
            types=BrandType.choices,
            categories=BrandCategory.choices,
            statuses=EntryStatus.choices,
            provinces=Region.objects.filter(level="province").order_by("code"),
            may_revoke=user.is_authenticated and user.has_role(Role.NATIONAL),
            **kwargs,
        )

    def post(self, request):
        if not request.user.is_authenticated:
            return redirect("accounts:login")
        entry = get_object_or_404(BrandEntry, pk=request.POST.get("entry") or 0)
        run_step(
            request,
            lambda: (
                services.entry_revoke(
                    entry=entry, reason=request.POST.get("reason", ""), by=request.user, request=request
                )
                and _("{brand} was taken off the list.").format(brand=entry.brand)
            ),
        )
        return redirect("brands:entry_list")


class EntryDownloadView(View):
    def get(self, request, kind: str):
        headers = [
            _("List"),
            _("Year"),
            _("Brand"),
            _("Owner"),
            _("Type"),
            _("Sub-category"),
            _("Field"),
            _("City"),
            _("Status"),
            _("Reason for revocation"),
        ]
        rows = (
            [
                e.brand_list.name_zh,
                e.brand_list.year,
                e.brand,
                e.owner.name_zh,
                e.get_brand_type_display(),
                e.get_category_display(),
                e.field,
                e.region.name,
                e.get_status_display(),
                e.revoked_reason,
            ]
            for e in selectors.entry_list(**_filters(request.GET))
        )
        return table_download(kind, name="brands", sheet=_("Brands"), headers=headers, rows=rows)
