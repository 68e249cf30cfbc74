"""The public product-quality registers (Three Products lists, valid grading records, published inspection batches;
search, filters, CSV/XLSX), the inspection import for authorities and MIIT, and an enterprise's public profile.
The rules live in ``products.services``; the reads in ``products.selectors``."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views import View
from django.views.generic import TemplateView

from core import jobs
from core.exceptions import DomainError
from core.exports import XLSX, table_download
from core.forms import add_errors, run_step
from core.models import Job
from enterprises.models import Region
from indices.registry_map import Place, map_context
from products import selectors, services, workbook
from products.choices import Grade, ProductCategory
from products.forms import InspectionImportForm
from products.models import ThreeProductsList


def _number(value: str) -> int | None:
    return int(value) if value.isdigit() and len(value) <= 9 else None


def _common(params) -> dict:
    province = params.get("province", "")
    return {
        "search": params.get("q", "").strip()[:100],
        "province": province if province.isdigit() else "",
        "year": _number(params.get("year", "")),
    }


def _provinces():
    return Region.objects.filter(level="province").order_by("code")


# --- Three Products ----------------------------------------------------------------------------------------------


def _entry_filters(params) -> dict:
    return {**_common(params), "list_id": _number(params.get("list", ""))}


class EntryListView(TemplateView):
    template_name = "products/entry_list.html"

    def get_context_data(self, **kwargs):
        filters = _entry_filters(self.request.GET)
        entries = list(selectors.entry_list(user=self.request.user, **filters)[: selectors.PAGE_ROWS])
        places = (
            Place(e.region_id, e.region.name, e.product, reverse("enterprises:public_profile", args=[e.enterprise_id]))
            for e in entries
        )
        return super().get_context_data(
            entries=entries,
            registry_map=map_context(places, title=_("Three Products"), file_name="three-products"),
            filters=filters,
            lists=ThreeProductsList.objects.filter(published_on__isnull=False),
            provinces=_provinces(),
            **kwargs,
        )


class EntryDownloadView(View):
    def get(self, request, kind: str):
        headers = [_("List"), _("Year"), _("Product"), _("Product (English)"), _("Enterprise"), _("Field"), _("City")]
        rows = (
            [
                e.products_list.name_zh,
                e.products_list.year,
                e.product_zh,
                e.product_en,
                e.enterprise.name_zh,
                e.field,
                e.region.name,
            ]
            for e in selectors.entry_list(user=request.user, **_entry_filters(request.GET))
        )
        return table_download(kind, name="three-products", sheet=_("Three Products"), headers=headers, rows=rows)


# --- Grading records ---------------------------------------------------------------------------------------------


def _grading_filters(params) -> dict:
    return {**_common(params), "grade": _number(params.get("grade", ""))}


class GradingListView(TemplateView):
    template_name = "products/grading_list.html"

    def get_context_data(self, **kwargs):
        filters = _grading_filters(self.request.GET)
        return super().get_context_data(
            records=selectors.grading_list(user=self.request.user, **filters)[: selectors.PAGE_ROWS],
            filters=filters,
            grades=Grade.choices,
            provinces=_provinces(),
            **kwargs,
        )


class GradingDownloadView(View):
    def get(self, request, kind: str):
        headers = [
            _("Product"),
            _("Enterprise"),
            _("Credit code"),
            _("Grade"),
            _("Grading scheme"),
            _("Certifying body"),
            _("Report number"),
            _("Issued on"),
            _("Valid until"),
        ]
        rows = (
            [
                r.product_zh,
                r.enterprise.name_zh,
                r.enterprise.credit_code,
                r.get_grade_display(),
                r.scheme,
                r.certifying_body,
                r.report_number,
                r.issued_on.isoformat(),
                r.valid_until.isoformat(),
            ]
            for r in selectors.grading_list(user=request.user, **_grading_filters(request.GET))
        )
        return table_download(kind, name="product-grading", sheet=_("Grading records"), headers=headers, rows=rows)


# --- Inspections -------------------------------------------------------------------------------------------------


def _inspection_filters(params) -> dict:
    result = params.get("result", "")
    return {
        **_common(params),
        "category": params.get("category", ""),
        "passed": {"passed": True, "failed": False}.get(result),
        "batch_id": _number(params.get("batch", "")),
    }


class InspectionListView(TemplateView):
    template_name = "products/inspection_list.html"

    def get_context_data(self, **kwargs):
        filters = _inspection_filters(self.request.GET)
        user = self.request.user
        return super().get_context_data(
            batches=selectors.batch_list(year=filters["year"], category=filters["category"]),
            results=selectors.result_list(user=user, **filters)[: selectors.PAGE_ROWS],
            filters=filters,
            result=self.request.GET.get("result", ""),
            categories=ProductCategory.choices,
            provinces=_provinces(),
            may_import=services.may_import(user),
            **kwargs,
        )


class InspectionDownloadView(View):
    def get(self, request, kind: str):
        headers = [
            _("Batch"),
            _("Year"),
            _("Product category"),
            _("Enterprise"),
            _("Credit code"),
            _("Region"),
            _("Product"),
            _("Model / specification"),
            _("Sample number"),
            _("Result"),
            _("Defects"),
        ]
        rows = (
            [
                r.batch.title_zh,
                r.batch.year,
                r.batch.get_category_display(),
                r.enterprise.name_zh,
                r.enterprise.credit_code,
                r.enterprise.region.name,
                r.product,
                r.model_spec,
                r.sample_number,
                pgettext("inspection result", "Passed") if r.passed else pgettext("inspection result", "Failed"),
                r.defects,
            ]
            for r in selectors.result_list(user=request.user, **_inspection_filters(request.GET))
        )
        return table_download(kind, name="inspections", sheet=_("Inspection results"), headers=headers, rows=rows)


class InspectionDetailView(View):
    """A batch with its results and the failure rate per province; before publication, for those who manage it,
    with the Publish button."""

    def get(self, request, pk):
        batch = selectors.batch_get(user=request.user, pk=pk, request=request)
        results = selectors.batch_results(user=request.user, batch=batch)
        provinces = selectors.batch_provinces(results=results)
        names = Region.objects.in_bulk([row["province"] for row in provinces])
        for row in provinces:
            row["region"] = names.get(row["province"])
        return render(
            request,
            "products/inspection_detail.html",
            {
                "batch": batch,
                "results": results,
                "provinces": provinces,
                "may_publish": not batch.is_published and services.may_manage(request.user, batch),
            },
        )

    def post(self, request, pk):
        if not request.user.is_authenticated:
            return redirect("accounts:login")
        batch = selectors.batch_get(user=request.user, pk=pk, request=request)
        run_step(
            request,
            lambda: (
                services.inspection_batch_publish(batch=batch, by=request.user, request=request)
                and _("The batch is published.")
            ),
        )
        return redirect("products:inspection_detail", pk=pk)


class InspectionTemplateView(LoginRequiredMixin, View):
    def get(self, request):
        services.require_importer(request.user)
        response = HttpResponse(workbook.write_template(), content_type=XLSX)
        response["Content-Disposition"] = 'attachment; filename="inspection-results-template.xlsx"'
        response["X-Content-Type-Options"] = "nosniff"
        return response


class InspectionImportView(LoginRequiredMixin, View):
    """Upload a workbook: "Check" is the dry run (nothing is stored); "Import" checks again and, when the file is
    clean, starts the import job."""

    template_name = "products/inspection_import.html"

    def _render(self, request, form, *, outcome=None, problems=None, status=200):
        by_province = outcome.plan.by_province() if outcome else {}
        names = Region.objects.in_bulk(list(by_province))
        context = {
            "form": form,
            "outcome": outcome,
            "outcome_provinces": [
                (names[code].name if code in names else code, samples, failed)
                for code, (samples, failed) in by_province.items()
            ],
            "problems": problems if problems is not None else (outcome.problems if outcome else []),
            "batches": selectors.batches_managed(user=request.user)[:20],
        }
        return render(request, self.template_name, context, status=status)

    def get(self, request):
        services.require_importer(request.user)
        return self._render(request, InspectionImportForm(user=request.user))

    def post(self, request):
        services.require_importer(request.user)
        form = InspectionImportForm(request.POST, request.FILES, user=request.user)
        if not form.is_valid():
            return self._render(request, form, status=400)
        try:
            if request.POST.get("action") == "check":
                outcome = services.inspection_upload_check(
                    file=form.cleaned_data["file"], meta=form.meta(), by=request.user
                )
                if outcome.existing is not None:
                    return self._already(request, outcome.existing)
                return self._render(request, form, outcome=outcome, status=400 if outcome.problems else 200)
            started = services.inspection_import_start(
                file=form.cleaned_data["file"], meta=form.meta(), by=request.user
            )
        except ValidationError as exc:
            add_errors(form, exc)
            return self._render(request, form, status=400)
        except services.InspectionWorkbookError as exc:
            form.add_error(None, exc.message)
            return self._render(request, form, problems=exc.problems, status=400)
        except DomainError as exc:
            form.add_error(None, exc.message)
            return self._render(request, form, status=400)
        if isinstance(started, Job):
            return redirect("products:inspection_job", pk=started.pk)
        return self._already(request, started)

    def _already(self, request, batch):
        messages.info(
            request,
            _("This file was already imported as “{batch}” on {date}; nothing was changed.").format(
                batch=batch.title, date=timezone.localtime(batch.imported_at).date().isoformat()
            ),
        )
        return redirect("products:inspection_detail", pk=batch.pk)


class InspectionJobView(LoginRequiredMixin, View):
    """The import job's progress; once it is done, the batch it made."""

    def get(self, request, pk):
        job = jobs.job_get(user=request.user, pk=pk)
        if job.kind != services.IMPORT_JOB:
            raise Http404
        if job.status == Job.Status.DONE:
            batch = job.result.get("batch")
            if job.result.get("created"):
                messages.success(
                    request,
                    _("Imported: {samples} samples, {failed} failed.").format(
                        samples=job.result["samples"], failed=job.result["failed"]
                    ),
                )
            return redirect("products:inspection_detail", pk=batch)
        return render(
            request,
            "products/inspection_job.html",
            {"job": job, "job_done_url": reverse("products:inspection_job", kwargs={"pk": job.pk})},
        )


# --- The public profile ------------------------------------------------------------------------------------------


class EnterpriseProfileView(TemplateView):
    """What is published about an enterprise (a 404 when nothing is)."""

    template_name = "products/enterprise_profile.html"

    def get_context_data(self, **kwargs):
        profile = selectors.enterprise_profile(user=self.request.user, pk=kwargs["pk"], request=self.request)
        return super().get_context_data(**profile, today=timezone.localdate(), **kwargs)
