"""A background job's state as JSON (polled by static/js/job-progress.js), and the exports a user has asked for:
start one, watch its progress, download its file."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from accounts.choices import AuditAction
from accounts.services import audit_record
from core import exports, jobs
from core.models import Job

# Query parameters an export form may pass on to its source (the list's filters); anything else is dropped.
MAX_PARAMS = 20


@never_cache
@require_GET
@login_required
def job_status(request: HttpRequest, pk: int) -> JsonResponse:
    return JsonResponse(jobs.job_as_dict(jobs.job_get(user=request.user, pk=pk)))


@require_POST
@login_required
def export_start(request: HttpRequest):
    """Queue an export of one of the tables declared with ``@export_source``, filtered as the list was."""
    params = {
        key: request.POST.get(key, "")[:100]
        for key in list(request.POST)[:MAX_PARAMS]
        if key not in ("csrfmiddlewaretoken", "source", "format")
    }
    job = exports.table_export_start(
        user=request.user,
        source=request.POST.get("source", ""),
        fmt=request.POST.get("format", ""),
        params=params,
        language=get_language(),
    )
    return redirect("core:export_detail", pk=job.pk)


@login_required
def export_list(request: HttpRequest):
    """The exports this user asked for, newest first: running, ready for download, failed or expired."""
    context = {"jobs": exports.exports_of(request.user)[:100], "keep_days": settings.EXPORT_KEEP_DAYS}
    return render(request, "core/export_list.html", context)


@login_required
def export_detail(request: HttpRequest, pk: int):
    job = jobs.job_get(user=request.user, pk=pk)
    return render(request, "core/export_detail.html", {"job": job})


@login_required
def job_download(request: HttpRequest, pk: int) -> FileResponse:
    """A finished job's file, for the person who started it (a 404 for everyone else); the download is audited."""
    job = jobs.job_get(user=request.user, pk=pk)
    if job.status != Job.Status.DONE or not job.output:
        raise Http404
    audit_record(action=AuditAction.EXPORT, request=request, target=job, details={"file": job.result.get("filename")})
    response = FileResponse(job.output.open("rb"), as_attachment=True, filename=job.result.get("filename"))
    response["X-Content-Type-Options"] = "nosniff"
    return response
