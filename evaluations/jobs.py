"""Background job functions of the evaluations app (found by core.jobs through its ``jobs`` module discovery)."""

from core.jobs import Progress, register
from core.models import Job
from evaluations.models import RatingUpload
from evaluations.services.workbooks import APPLY_JOB, workbook_apply


@register(APPLY_JOB)
def workbook_apply_job(job: Job, progress: Progress) -> dict:
    return workbook_apply(upload=RatingUpload.objects.get(pk=job.input["upload"]), progress=progress)
