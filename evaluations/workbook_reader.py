"""Opening uploaded rating workbooks safely and reading their rows (see ``evaluations.workbooks`` for the layout).

Before any XML is parsed: the size limit, the zip signature (a renamed CSV or .xls is named as such), the number
of zip entries, their total unpacked size and the compression ratio (zip bombs). The "ratings" sheet is then
streamed by ``evaluations.xlsx_stream``, which parses every part with expat as set up by ``defusedxml`` (a DTD or
an entity is refused) and never evaluates formulas: a cell holding one is an error.
"""

import io
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from xml.parsers.expat import ExpatError

from defusedxml import DefusedXmlException
from django.utils.translation import gettext as _

from core.exports import FORMULA_TRIGGERS
from evaluations import xlsx_stream
from evaluations.workbooks import (
    CODE,
    COLUMNS,
    COMMENT,
    CREDIT_CODE,
    EVALUATION,
    HEADER,
    RATING,
    SHEET,
    Problem,
    Row,
)


@dataclass(frozen=True)
class Limits:
    max_bytes: int
    max_entries: int
    max_unpacked_bytes: int
    max_ratio: int
    max_rows: int


class WorkbookRefused(Exception):
    """The file as a whole cannot be read (not an xlsx, too large, a zip bomb, no "ratings" sheet)."""

    def __init__(self, message: str, *, kind: str):
        super().__init__(message)
        self.problem = Problem(kind=kind, message=message, sheet="", column="")


# --- reading --------------------------------------------------------------------------------------------------


def check_container(data: bytes, limits: Limits) -> None:
    if not data:
        raise WorkbookRefused(_("The file is empty."), kind="empty")
    if len(data) > limits.max_bytes:
        raise WorkbookRefused(
            _("The file is {size} MB; the limit is {limit} MB.").format(
                size=round(len(data) / 1_048_576, 1), limit=round(limits.max_bytes / 1_048_576)
            ),
            kind="too_large",
        )
    if not data.startswith(b"PK\x03\x04"):
        old_excel = data.startswith(b"\xd0\xcf\x11\xe0")
        raise WorkbookRefused(
            _("This is an old-style .xls file; save it as an Excel workbook (.xlsx) and upload again.")
            if old_excel
            else _("This is not an Excel workbook (.xlsx); download the template and fill that in."),
            kind="not_xlsx",
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise WorkbookRefused(_("The workbook is damaged and cannot be opened."), kind="not_xlsx") from exc
    with archive:
        entries = archive.infolist()
        names = {entry.filename for entry in entries}
        if len(entries) > limits.max_entries:
            raise WorkbookRefused(
                _("The workbook has {count} parts; a rating workbook has far fewer (the limit is {limit}).").format(
                    count=len(entries), limit=limits.max_entries
                ),
                kind="zip_entries",
            )
        unpacked = sum(entry.file_size for entry in entries)
        packed = max(1, sum(entry.compress_size for entry in entries))
        worst = max((e.file_size / max(1, e.compress_size) for e in entries if e.file_size > 1_048_576), default=0)
        if unpacked > limits.max_unpacked_bytes or unpacked / packed > limits.max_ratio or worst > limits.max_ratio:
            raise WorkbookRefused(
                _("The workbook would unpack to far more than its size (a possible zip bomb) and was refused."),
                kind="zip_bomb",
            )
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise WorkbookRefused(
            _("This is not an Excel workbook (.xlsx); download the template and fill that in."), kind="not_xlsx"
        )


def cell_text(value) -> str:
    """A cell's value as the text we compare: numbers without trailing zeros, booleans as yes/no."""
    if value.__class__ is str:  # the commonest, first (the reader has stripped it)
        return value.strip()
    if value is None:
        return ""
    if value.__class__ is int:
        return str(value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        try:
            number = Decimal(str(value)).normalize()
        except InvalidOperation:
            return str(value)
        return format(number, "f")
    return str(value).strip()


def _rating(value) -> str:
    text = cell_text(value).lower()
    return "na" if text in ("n/a", "n.a.") else text


def _comment(value) -> str:
    text = cell_text(value)
    if text.startswith("'") and text[1:].startswith(FORMULA_TRIGGERS):
        text = text[1:]  # our own neutralised export, read back
    return text


def read_sheet(data: bytes, limits: Limits, *, sheet: str, header: tuple[str, ...], columns: int, read):
    """Open ``sheet`` of an uploaded workbook after the container checks and return ``read(rows)``, ``rows`` being
    its data rows (``data_rows``). Every way the file cannot be read becomes a ``WorkbookRefused`` that says so.
    Shared by every workbook the platform imports (ratings, inspection results)."""
    check_container(data, limits)
    damaged = _("The workbook is damaged and cannot be opened.")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            cells = xlsx_stream.sheet_rows(archive, sheet, columns=columns)
            return read(data_rows(cells, limits, sheet=sheet, header=header))
    except DefusedXmlException as exc:
        raise WorkbookRefused(
            _(
                "The workbook contains XML declarations (a DTD or entities) that are not accepted; save it again as an "
                "Excel workbook (.xlsx) and upload it."
            ),
            kind="unsafe_xml",
        ) from exc
    except xlsx_stream.XlsxError as exc:
        if exc.kind == "no_sheet":
            raise WorkbookRefused(
                _("The workbook has no sheet named “{sheet}”; download the template and fill that in.").format(
                    sheet=sheet
                ),
                kind="no_sheet",
            ) from exc
        raise WorkbookRefused(damaged, kind="not_xlsx") from exc
    except (ExpatError, ValueError, IndexError, KeyError, zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise WorkbookRefused(damaged, kind="not_xlsx") from exc
    except NotImplementedError as exc:  # zipfile, for a compression method Excel never uses
        raise WorkbookRefused(damaged, kind="not_xlsx") from exc


def data_rows(cells, limits: Limits, *, sheet: str, header: tuple[str, ...]) -> Iterator[tuple[int, list, set[int]]]:
    """After the header row (which must be the template's): each row that is not empty, as its number, its values
    and the indexes of its cells holding a formula (an ``xlsx_stream.Formula``, or text a spreadsheet would take
    for one: openpyxl reported both). More than ``limits.max_rows`` rows refuse the file."""
    number, first = next(cells, (0, None))
    if number != 1 or tuple(cell_text(v) for v in first[: len(header)]) != header:
        raise WorkbookRefused(
            _("The sheet “{sheet}” does not start with the template's header row; download a fresh template.").format(
                sheet=sheet
            ),
            kind="header",
        )
    for number, values in cells:
        if number - 1 > limits.max_rows:
            raise WorkbookRefused(
                _("The workbook has more than {limit} rows; split it into smaller batches.").format(
                    limit=limits.max_rows
                ),
                kind="too_many_rows",
            )
        if values.count(None) + values.count("") == len(values):
            continue
        yield (
            number,
            values,
            {index for index, value in enumerate(values) if isinstance(value, str) and value.startswith("=")},
        )


def read_rows(
    data: bytes, *, limits: Limits, progress: Callable[[int], None] | None = None
) -> tuple[list[Row], list[Problem]]:
    """The data rows of the "ratings" sheet and the problems found in single cells (formulas); raises
    ``WorkbookRefused`` when the file itself cannot be read."""
    return read_sheet(
        data, limits, sheet=SHEET, header=HEADER, columns=len(COLUMNS), read=lambda rows: _rating_rows(rows, progress)
    )


def _rating_rows(data: Iterator, progress) -> tuple[list[Row], list[Problem]]:
    rows: list[Row] = []
    problems: list[Problem] = []
    for number, values, formulas in data:
        code = cell_text(values[CODE])
        for index in sorted(formulas):
            problems.append(
                Problem(
                    kind="formula",
                    message=_("Formulas are not accepted; type the value itself."),
                    row=number,
                    column=COLUMNS[index],
                    code=code,
                )
            )
        rows.append(
            Row(
                number=number,
                evaluation=cell_text(values[EVALUATION]),
                credit_code=cell_text(values[CREDIT_CODE]),
                code=code,
                value="" if RATING in formulas else _rating(values[RATING]),
                comment="" if COMMENT in formulas else _comment(values[COMMENT]),
            )
        )
        if progress is not None and len(rows) % 1000 == 0:
            progress(len(rows))
    return rows, problems
