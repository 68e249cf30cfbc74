"""Background job functions of the indices app (found by core.jobs through its ``jobs`` module discovery)."""

from core.jobs import Progress, register
from core.models import Job
from indices.services import RECOMPUTE_JOB, indices_recompute
from indices.tasks import warnings_raise_task


@register(RECOMPUTE_JOB)
def recompute_job(job: Job, progress: Progress) -> dict:
    written = indices_recompute(progress=progress)
    warnings_raise_task.delay()  # its own task: a failing rule never fails the recompute
    return {
        "cells": {str(year): counts["cells"] for year, counts in written.items()},
        "written": {str(year): counts["written"] for year, counts in written.items()},
    }
