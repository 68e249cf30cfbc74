"""Tabular downloads as CSV and XLSX, with formula injection neutralised (ARCHITECTURE §10).

A spreadsheet takes a text cell starting with = + - @ tab or carriage return for a formula; every text cell of
an export gets a leading apostrophe in that case, so it is shown as the text it is. Numbers stay numbers.
"""

import csv
import io
from collections.abc import Iterable, Sequence

from django.http import Http404, HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
CSV = "text/csv; charset=utf-8"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def neutralise(value):
    """A text cell that a spreadsheet would take for a formula gets a leading apostrophe (formula injection)."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def _download(content: bytes, *, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'  # our own ASCII name, never the user's
    response["X-Content-Type-Options"] = "nosniff"
    return response


def csv_response(*, filename: str, headers: Sequence[str], rows: Iterable[Sequence]) -> HttpResponse:
    """A CSV download in UTF-8 with a byte order mark, so that spreadsheet programs read Chinese correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([neutralise(str(header)) for header in headers])
    for row in rows:
        writer.writerow(["" if value is None else neutralise(value) for value in row])
    return _download(("\ufeff" + buffer.getvalue()).encode("utf-8"), filename=filename, content_type=CSV)


def _xlsx_value(value):
    if isinstance(value, str):
        return neutralise(ILLEGAL_CHARACTERS_RE.sub("", value))
    return value


def xlsx_response(*, filename: str, sheet: str, headers: Sequence[str], rows: Iterable[Sequence]) -> HttpResponse:
    """An XLSX download with one sheet: a bold header row, then the rows (text neutralised, numbers as numbers)."""
    workbook = Workbook()
    worksheet = workbook.active
    worksheet.title = sheet[:31]
    worksheet.append([_xlsx_value(str(header)) for header in headers])
    for cell in worksheet[1]:
        cell.font = Font(bold=True)
    worksheet.freeze_panes = "A2"
    for row in rows:
        worksheet.append([_xlsx_value(value) for value in row])
    for column in worksheet.columns:
        width = max(len(str(cell.value or "")) for cell in column)
        worksheet.column_dimensions[column[0].column_letter].width = min(40, max(8, width + 2))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return _download(buffer.getvalue(), filename=filename, content_type=XLSX)


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
