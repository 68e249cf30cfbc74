"""MIIT's exports of a year's annual work summaries (XLSX, PDF, DOCX; ``summaries.documents``), run as background
jobs with a progress bar, their files kept for download under "My exports".

Each export reads the year as ``year_bundle`` gives it and writes it in the language of the person who asked;
its result states the data vintage, so the same vintage gives the same file, byte for byte.
"""

from collections.abc import Callable
from typing import BinaryIO

from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.exceptions import NotPermitted
from core.exports import EXPORT_KINDS, save_output
from core.jobs import Progress, job_create, register
from core.models import Job
from summaries import documents
from summaries.models import SummaryTemplate
from summaries.selectors import YearBundle, reads_all, year_bundle
from summaries.services import SummaryError

Writer = Callable[[BinaryIO, YearBundle, Callable[[int, int], object] | None], None]

EXPORT_JOBS: dict[str, str] = {
    "xlsx": "summaries.export_xlsx",
    "pdf": "summaries.export_pdf",
    "docx": "summaries.export_docx",
}
EXPORT_KINDS.update(EXPORT_JOBS.values())


def year_export_filename(year: int, fmt: str) -> str:
    return f"annual-summaries-{year}.{fmt}"


def year_export_start(*, user, year: int, fmt: str, language: str) -> Job:
    """Queue MIIT's export of ``year``'s summaries as ``fmt`` ("xlsx", "pdf" or "docx"), in ``language``.
    National staff and platform administrators only; an unknown format or a year without a template is a 404."""
    if not reads_all(user):
        raise NotPermitted(_("Only national staff export a year's annual work summaries."))
    if fmt not in EXPORT_JOBS or not SummaryTemplate.objects.filter(year=year).exists():
        raise Http404
    return job_create(kind=EXPORT_JOBS[fmt], data={"year": int(year), "language": language}, by=user)


def _export(job: Job, progress: Progress, fmt: str, write: Writer) -> dict:
    year = int(job.input["year"])
    with translation.override(job.input.get("language") or "zh-hans"):
        template = SummaryTemplate.objects.prefetch_related("sections").filter(year=year).first()
        if template is None:
            raise SummaryError(_("There is no summary template for {year}.").format(year=year), code="no_template")
        bundle = year_bundle(template=template)
        result = save_output(job, year_export_filename(year, fmt), lambda out: write(out, bundle, progress))
    return {**result, "vintage": timezone.localtime(bundle.vintage).isoformat()}


@register(EXPORT_JOBS["xlsx"])
def year_export_xlsx(job: Job, progress: Progress) -> dict:
    return _export(job, progress, "xlsx", documents.write_year_xlsx)


@register(EXPORT_JOBS["pdf"])
def year_export_pdf(job: Job, progress: Progress) -> dict:
    return _export(job, progress, "pdf", documents.write_year_pdf)


@register(EXPORT_JOBS["docx"])
def year_export_docx(job: Job, progress: Progress) -> dict:
    return _export(job, progress, "docx", documents.write_year_docx)
