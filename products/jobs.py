"""Background job functions of the products app (found by core.jobs through its ``jobs`` module discovery)."""

from django.core.files.storage import default_storage

from core.jobs import Progress, register
from core.models import Job
from products.services import IMPORT_JOB, BatchMeta, inspection_import


@register(IMPORT_JOB)
def inspection_import_job(job: Job, progress: Progress) -> dict:
    with default_storage.open(job.input["path"], "rb") as handle:
        data = handle.read()
    batch, created = inspection_import(
        data=data,
        name=job.input["name"],
        meta=BatchMeta(**job.input["meta"]),
        by=job.created_by,
        source=job.input["path"],
        progress=progress,
    )
    return {"batch": batch.pk, "created": created, "samples": batch.sample_count, "failed": batch.failed_count}
