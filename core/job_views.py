"""The state of one background job as JSON, polled by static/js/job-progress.js."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from core import jobs


@never_cache
@require_GET
@login_required
def job_status(request: HttpRequest, pk: int) -> JsonResponse:
    return JsonResponse(jobs.job_as_dict(jobs.job_get(user=request.user, pk=pk)))
