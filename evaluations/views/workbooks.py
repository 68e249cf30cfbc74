"""Rating workbooks for assessors: download a template (one evaluation or the whole batch), upload it back, look
at the dry run, apply it. The rules live in ``evaluations.services.workbooks``."""

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from core.exceptions import DomainError
from core.forms import add_errors
from core.models import Job
from evaluations import selectors
from evaluations.services import workbooks as service

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class WorkbookUploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Filled-in rating workbook (.xlsx)"))


def _download(name: str, content: bytes) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}"'  # our own ASCII name, never the user's
    response["X-Content-Type-Options"] = "nosniff"
    return response


class WorkbookTemplateView(LoginRequiredMixin, View):
    """The template for one evaluation the assessor rates, their own ratings so far filled in."""

    def get(self, request, pk):
        evaluation = selectors.evaluation_get(user=request.user, pk=pk, request=request)
        try:
            name, content = service.workbook_template(user=request.user, evaluation=evaluation)
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("evaluations:workbook_upload")
        return _download(name, content)


class WorkbookBatchTemplateView(LoginRequiredMixin, View):
    """One template for every evaluation the assessor still rates, one row block each."""

    def get(self, request):
        service.require_assessor(request.user)
        try:
            name, content = service.workbook_template(user=request.user)
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("evaluations:workbook_upload")
        return _download(name, content)


class WorkbookUploadView(LoginRequiredMixin, View):
    template_name = "evaluations/workbook_upload.html"

    def _render(self, request, form, status=200):
        context = {
            "form": form,
            "evaluations": service.workbook_evaluations(user=request.user),
            "uploads": service.workbook_uploads(user=request.user)[:20],
        }
        return render(request, self.template_name, context, status=status)

    def get(self, request):
        service.require_assessor(request.user)
        return self._render(request, WorkbookUploadForm())

    def post(self, request):
        service.require_assessor(request.user)
        form = WorkbookUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return self._render(request, form, status=400)
        try:
            upload, created = service.workbook_upload(file=form.cleaned_data["file"], by=request.user)
        except ValidationError as exc:
            add_errors(form, exc)
            return self._render(request, form, status=400)
        if upload.applied_at is not None:
            messages.info(request, service.already_applied_message(upload))
        elif not created:
            messages.info(request, _("You uploaded this file before; it was checked again."))
        return redirect("evaluations:workbook_detail", pk=upload.pk)


class WorkbookDetailView(LoginRequiredMixin, View):
    """The dry run: problems, or per evaluation what applying would create and change; the Apply button."""

    def _upload(self, request, pk):
        upload = service.workbook_uploads(user=request.user).filter(pk=pk).first()
        if upload is None:
            raise Http404
        return upload

    def get(self, request, pk):
        upload = self._upload(request, pk)
        job = Job.objects.filter(pk=upload.summary.get("job_id") or 0).first()
        return render(
            request,
            "evaluations/workbook_detail.html",
            {
                "upload": upload,
                "summary": upload.summary,
                "job": job,
                "job_done_url": reverse("evaluations:workbook_detail", kwargs={"pk": upload.pk}),
                "already_applied": service.already_applied_message(upload) if upload.applied_at else "",
            },
        )

    def post(self, request, pk):
        upload = self._upload(request, pk)
        try:
            outcome = service.workbook_apply_start(upload=upload, by=request.user)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            if isinstance(outcome, Job):
                messages.info(request, _("The workbook is being applied in the background."))
            elif outcome.get("already_applied"):
                messages.info(request, outcome["message"])
            else:
                messages.success(
                    request,
                    _("Applied: {create} ratings created, {change} changed, {unchanged} unchanged.").format(**outcome),
                )
        return redirect("evaluations:workbook_detail", pk=upload.pk)
