"""Exports: tables as CSV and XLSX, written in a stream, formula injection neutralised, data vintage stated
(ARCHITECTURE §10).

- A spreadsheet takes a text cell starting with = + - @ tab or carriage return for a formula; every text cell of
  an export gets a leading apostrophe in that case, so it is shown as the text it is. Numbers stay numbers.
- Every export says when its data were read (its *data vintage*): the first line of a CSV, and an "About" sheet
  and the document properties of an XLSX.
- XLSX files are written row by row (XlsxWriter's constant-memory mode), so a large export holds one row in
  memory, not the whole table. Given the same rows and vintage, the bytes are the same: the document's dates are
  the vintage and the zip entries carry a fixed timestamp.
- Small public registries are downloaded at once (``table_download``); lists that can be large or that are scoped
  to the user (evaluations, results) run as a background job (``core.table_export``) whose file is kept for the
  user to download from "My exports". Each app declares its tables with ``@export_source`` in its ``exports.py``.
"""

import csv
import io
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import BinaryIO

import xlsxwriter
from django.conf import settings
from django.core.files import File
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext as _
from django.utils.translation import override
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from core.exceptions import NotPermitted
from core.jobs import Progress, job_create, register
from core.models import Job

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
CSV = "text/csv; charset=utf-8"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = {"csv": CSV, "xlsx": XLSX}
TABLE_EXPORT_JOB = "core.table_export"


def neutralise(value):
    """A text cell that a spreadsheet would take for a formula gets a leading apostrophe (formula injection)."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def _plain(value, *, xlsx: bool = False):
    """A cell value as an export writes it: text (neutralised), a number, or empty. An XLSX cannot hold the control
    characters of ``ILLEGAL_CHARACTERS_RE``: they are dropped there (before the formula check); a CSV keeps them."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    text = str(value)
    return neutralise(ILLEGAL_CHARACTERS_RE.sub("", text) if xlsx else text)


def vintage_moment(vintage: datetime) -> str:
    """When the data were read, in the platform's time zone: "2025-12-13 10:00:00 (CST)"."""
    local = timezone.localtime(vintage)
    return f"{local:%Y-%m-%d %H:%M:%S} ({local.tzname()})"


def vintage_text(vintage: datetime) -> str:
    """The sentence every export carries: when its data were read."""
    return _("Data vintage: {when}").format(when=vintage_moment(vintage))


def fixed_zip(data: bytes, when: datetime) -> bytes:
    """The zip archive ``data`` (a DOCX, say) again with every entry stamped ``when``, in local time as zip dates
    are, instead of the moment it was written; names, order, compression and content unchanged. Libraries that
    stamp entries with the clock (python-docx) then give the same bytes for the same content."""
    stamp = max(timezone.localtime(when).timetuple()[:6], (1980, 1, 1, 0, 0, 0))  # zip dates start in 1980
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(buffer, "w") as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=stamp)
            entry.compress_type, entry.external_attr = info.compress_type, info.external_attr
            entry.create_system = 3  # not the platform's: the bytes must not depend on where they were made
            target.writestr(entry, source.read(info))
    return buffer.getvalue()


@dataclass
class Sheet:
    """One sheet of an XLSX: a header row, then rows (any iterable, read once, in order)."""

    name: str
    headers: Sequence[str]
    rows: Iterable[Sequence]
    widths: Sequence[int] | None = None
    wrap: bool = False  # long text (narratives): wrap within the column width


@dataclass
class Table:
    """What an export source returns: a titled table, its rows read lazily, and how many there are."""

    title: str
    headers: Sequence[str]
    rows: Iterable[Sequence]
    total: int = 0
    notes: Sequence[tuple[str, str]] = field(default_factory=tuple)


def write_csv(target: BinaryIO, *, headers: Sequence[str], rows: Iterable[Sequence], vintage: datetime) -> int:
    """Write a CSV in UTF-8 with a byte order mark (spreadsheet programs then read Chinese correctly): a first
    line "# Data vintage: ...", the header row, the rows. Returns the number of rows written."""
    text = io.TextIOWrapper(target, encoding="utf-8", newline="", write_through=True)
    text.write("\ufeff")
    writer = csv.writer(text)
    writer.writerow(["# " + vintage_text(vintage)])
    writer.writerow([_plain(str(header)) for header in headers])
    count = 0
    for row in rows:
        writer.writerow([_plain(value) for value in row])
        count += 1
    text.detach()
    return count


def write_xlsx(
    target: BinaryIO | str,
    sheets: Sequence[Sheet],
    *,
    vintage: datetime,
    title: str,
    notes: Sequence[tuple[str, str]] = (),
) -> int:
    """Write an XLSX of ``sheets`` (bold frozen header row each) and a last "About" sheet stating the title,
    the data vintage and ``notes`` (label, text) such as the filters applied. Returns the rows written."""
    workbook = xlsxwriter.Workbook(
        target,
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    # A fixed creation date (the vintage) makes the file depend only on its data. XlsxWriter writes it as UTC.
    created = timezone.make_naive(vintage, UTC)
    workbook.set_properties({"title": title, "comments": vintage_text(vintage), "created": created})
    bold = workbook.add_format({"bold": True, "valign": "top"})
    wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
    count = 0
    used: set[str] = set()
    for sheet in sheets:
        count += _write_sheet(workbook, sheet, bold=bold, wrap=wrap, used=used)
    about = Sheet(
        _("About"),
        [_("Item"), _("Value")],
        [[_("Title"), title], [_("Data vintage"), vintage_moment(vintage)], *notes, [_("Produced by"), "QualityPath"]],
        widths=[20, 80],
    )
    _write_sheet(workbook, about, bold=bold, wrap=wrap, used=used)
    workbook.close()
    return count


def _sheet_name(name: str, used: set[str]) -> str:
    """An Excel sheet name: at most 31 characters, none of []:*?/\\, unique in the workbook."""
    base = "".join(" " if ch in "[]:*?/\\" else ch for ch in name).strip()[:31] or "Sheet"
    candidate, number = base, 2
    while candidate.lower() in used:
        suffix = f" ({number})"
        candidate, number = base[: 31 - len(suffix)] + suffix, number + 1
    used.add(candidate.lower())
    return candidate


def _write_sheet(workbook, sheet: Sheet, *, bold, wrap, used: set[str]) -> int:
    worksheet = workbook.add_worksheet(_sheet_name(sheet.name, used))
    widths = sheet.widths or [min(40, max(10, 2 * len(str(header)) + 2)) for header in sheet.headers]
    for column, width in enumerate(widths):
        worksheet.set_column(column, column, width, wrap if sheet.wrap else None)
    worksheet.write_row(0, 0, [_plain(str(header), xlsx=True) for header in sheet.headers], bold)
    worksheet.freeze_panes(1, 0)
    row_number = 0
    for row_number, row in enumerate(sheet.rows, start=1):
        for column, value in enumerate(row):
            value = _plain(value, xlsx=True)
            if value == "":
                continue  # an empty cell, not a cell holding empty text
            if isinstance(value, str):
                worksheet.write_string(row_number, column, value, wrap if sheet.wrap else None)
            else:
                worksheet.write_number(row_number, column, value)
    return row_number


def _download(content: bytes, *, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'  # our own ASCII name, never the user's
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _written(write: Callable[[BinaryIO], object]) -> bytes:
    buffer = io.BytesIO()
    write(buffer)
    return buffer.getvalue()


def csv_response(*, filename: str, headers: Sequence[str], rows: Iterable[Sequence], vintage=None) -> HttpResponse:
    """A CSV download (see ``write_csv``); the data vintage is now unless the rows were read earlier."""
    vintage = vintage or timezone.now()
    content = _written(lambda out: write_csv(out, headers=headers, rows=rows, vintage=vintage))
    return _download(content, filename=filename, content_type=CSV)


def xlsx_response(
    *, filename: str, sheet: str, headers: Sequence[str], rows: Iterable[Sequence], vintage=None
) -> HttpResponse:
    """An XLSX download with one data sheet and the "About" sheet (see ``write_xlsx``)."""
    vintage = vintage or timezone.now()
    content = _written(lambda out: write_xlsx(out, [Sheet(sheet, headers, rows)], vintage=vintage, title=sheet))
    return _download(content, filename=filename, content_type=XLSX)


def table_download(
    kind: str, *, name: str, sheet: str, headers: Sequence[str], rows: Iterable[Sequence]
) -> HttpResponse:
    """``kind`` "csv" or "xlsx" of a registry's table, named ``<name>-<today>``; any other kind is a 404."""
    stamp = timezone.localdate().isoformat()
    if kind == "xlsx":
        return xlsx_response(filename=f"{name}-{stamp}.xlsx", sheet=sheet, headers=headers, rows=rows)
    if kind == "csv":
        return csv_response(filename=f"{name}-{stamp}.csv", headers=headers, rows=rows)
    raise Http404


# Background exports ----------------------------------------------------------------------------------------------

ExportSource = Callable[..., Table]
_SOURCES: dict[str, ExportSource] = {}


_PARAMS: dict[str, frozenset[str]] = {}
_ALLOWED: dict[str, Callable[..., bool]] = {}


def export_source(
    name: str, *, params: Iterable[str] = (), allowed: Callable[..., bool] | None = None
) -> Callable[[ExportSource], ExportSource]:
    """Declare a table that users can export in the background: ``function(user, params) -> Table``, which must
    read through the scoping layer (it runs in a worker, as the user who asked). ``params`` names the filters it
    reads; nothing else of the list's query string is kept with the job. ``allowed(user)``, if given, says who may
    export it at all (checked before the job is queued)."""

    def decorator(function: ExportSource) -> ExportSource:
        _SOURCES[name] = function
        _PARAMS[name] = frozenset(params)
        if allowed is not None:
            _ALLOWED[name] = allowed
        return function

    return decorator


def source_for(name: str) -> ExportSource:
    if name not in _SOURCES:
        autodiscover_modules("exports")
    if name not in _SOURCES:
        raise Http404
    return _SOURCES[name]


def save_output(job: Job, filename: str, write: Callable[[BinaryIO], object]) -> dict:
    """Write a job's output file through ``write`` and keep it in storage (replacing the file of an earlier,
    cut-off attempt); returns the job's result: the file's name and size."""
    with tempfile.TemporaryFile() as handle:
        write(handle)
        size = handle.tell()
        handle.seek(0)
        if job.output:
            job.output.delete(save=False)
        job.output.save(f"{job.pk}-{filename}", File(handle), save=False)
    Job.objects.filter(pk=job.pk).update(output=job.output.name)
    return {"filename": filename, "size": size}


def exports_of(user):
    """The export jobs ``user`` asked for, newest first."""
    return Job.objects.filter(created_by=user, kind__in=export_kinds()).order_by("-created_at")


def exports_purge(*, now=None) -> int:
    """Delete the files of exports finished more than ``EXPORT_KEEP_DAYS`` ago (the job rows stay, with their
    result, so "My exports" can say the file has expired). Returns how many files were deleted."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.EXPORT_KEEP_DAYS)
    old = Job.objects.filter(finished_at__lt=cutoff).exclude(output="")
    count = 0
    for job in old.iterator():
        job.output.delete(save=False)
        Job.objects.filter(pk=job.pk).update(output="")
        count += 1
    return count


def counted(rows: Iterable[Sequence], progress: Progress, total: int) -> Iterator[Sequence]:
    progress(0, total)
    done = 0
    for done, row in enumerate(rows, start=1):
        if done % 500 == 0:
            progress(done)
        yield row
    progress(done, max(total, done))


def table_export_start(*, user, source: str, fmt: str, params: dict, language: str) -> Job:
    """Queue an export of ``source`` (as ``user`` may see it, filtered by ``params``) to ``fmt``."""
    source_for(source)
    if fmt not in FORMATS:
        raise Http404
    if source in _ALLOWED and not _ALLOWED[source](user):
        raise NotPermitted(_("You may not export this list."))
    kept = {key: value for key, value in params.items() if key in _PARAMS[source]}
    data = {"source": source, "format": fmt, "params": kept, "language": language}
    return job_create(kind=TABLE_EXPORT_JOB, data=data, by=user)


@register(TABLE_EXPORT_JOB)
def table_export_run(job: Job, progress: Progress) -> dict:
    source, fmt = job.input["source"], job.input["format"]
    with override(job.input.get("language") or "zh-hans"):
        vintage = timezone.now()
        table = source_for(source)(job.created_by, job.input.get("params") or {})
        rows = counted(table.rows, progress, table.total)
        filename = f"{source}-{timezone.localtime(vintage):%Y%m%d-%H%M}.{fmt}"
        if fmt == "csv":
            return save_output(
                job, filename, lambda out: write_csv(out, headers=table.headers, rows=rows, vintage=vintage)
            )
        sheet = Sheet(table.title, table.headers, rows)
        return save_output(
            job, filename, lambda out: write_xlsx(out, [sheet], vintage=vintage, title=table.title, notes=table.notes)
        )


# Job kinds whose output is an export file (apps add theirs, e.g. the annual summaries' year exports).
EXPORT_KINDS = {TABLE_EXPORT_JOB}


def export_kinds() -> set[str]:
    autodiscover_modules("jobs", "exports")
    return EXPORT_KINDS
