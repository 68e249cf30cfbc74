"""A small streaming reader of one sheet of an .xlsx file: its cells as values, row by row, never evaluating
anything. Used for uploaded rating workbooks (``evaluations.workbook_reader`` checks the container first).

The sheet is found the way Excel finds it: its name in ``xl/workbook.xml``, its part through
``xl/_rels/workbook.xml.rels``. Every XML part is parsed by expat as set up by ``defusedxml``
(``DefusedXMLParser`` with ``forbid_dtd``): a DTD, an entity declaration or an external reference raises
``defusedxml.DefusedXmlException`` before anything is expanded. The sheet is fed to the parser in chunks straight
from the zip member, so only a chunk's rows are held besides the shared strings.

Cell values are what openpyxl gives in read-only mode: ``int``/``float`` for numbers, ``str`` for shared, inline
and formula-result strings, ``bool`` for booleans, the error text (``#N/A``) for errors, and a ``Formula`` for any
cell holding an ``<f>`` (its cached result is ignored).
"""

import posixpath
import zipfile
from collections.abc import Iterator

from defusedxml.ElementTree import DefusedXMLParser, fromstring

MAIN_NAMESPACES = (
    "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "http://purl.oclc.org/ooxml/spreadsheetml/main",  # "strict" Open XML
)
RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"
OFFICE_RELATIONSHIPS = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "http://purl.oclc.org/ooxml/officeDocument/relationships",
)
CHUNK = 1 << 20
# Element names as expat reports them ("namespace}local"), mapped to small numbers for the handlers.
ROW, CELL, VALUE, FORMULA, INLINE, TEXT, PHONETIC, ITEM = range(8)
_LOCAL = {"row": ROW, "c": CELL, "v": VALUE, "f": FORMULA, "is": INLINE, "t": TEXT, "rPh": PHONETIC, "si": ITEM}
TAGS = {f"{namespace}}}{local}": tag for namespace in MAIN_NAMESPACES for local, tag in _LOCAL.items()}
LETTERS = {chr(65 + n): n for n in range(26)}
DIGITS = "0123456789"


class XlsxError(Exception):
    """The package is not a readable workbook: ``kind`` is "damaged" or "no_sheet"."""

    def __init__(self, message: str, kind: str = "damaged"):
        super().__init__(message)
        self.kind = kind


class Formula(str):
    """A cell that holds a formula; the text is "=" and the formula as written (never evaluated)."""

    __slots__ = ()


def expat_parser():
    """A pyexpat parser configured by defusedxml (DTDs, entity declarations, external references refused), with the
    ElementTree callbacks removed: the caller installs its own element and text handlers."""
    parser = DefusedXMLParser(forbid_dtd=True, forbid_entities=True, forbid_external=True).parser
    parser.CommentHandler = parser.ProcessingInstructionHandler = parser.DefaultHandlerExpand = None
    parser.StartElementHandler = parser.EndElementHandler = parser.CharacterDataHandler = None
    parser.buffer_text = True
    parser.ordered_attributes = False
    return parser


def _part(archive: zipfile.ZipFile, name: str) -> bytes:
    try:
        return archive.read(name)
    except KeyError as exc:
        raise XlsxError(f"missing part {name}") from exc


def _relationships(archive: zipfile.ZipFile, base: str) -> dict[str, tuple[str, str]]:
    """Relationship id → (type, part name) for the part in folder ``base``."""
    root = fromstring(_part(archive, f"{base}/_rels/workbook.xml.rels"), forbid_dtd=True)
    found = {}
    for relation in root.iter(f"{{{RELATIONSHIPS}}}Relationship"):
        target = relation.get("Target", "")
        name = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(base, target))
        found[relation.get("Id")] = (relation.get("Type", ""), name)
    return found


def locate(archive: zipfile.ZipFile, sheet: str) -> tuple[str, str | None]:
    """The part names of the sheet called ``sheet`` and of the shared strings (None when there are none)."""
    root = fromstring(_part(archive, "xl/workbook.xml"), forbid_dtd=True)
    relations = _relationships(archive, "xl")
    for namespace in MAIN_NAMESPACES:
        for element in root.iter(f"{{{namespace}}}sheet"):
            if element.get("name") != sheet:
                continue
            rid = next((element.get(f"{{{ns}}}id") for ns in OFFICE_RELATIONSHIPS if element.get(f"{{{ns}}}id")), None)
            if rid not in relations:
                raise XlsxError(f"sheet {sheet} has no part")
            strings = next((name for kind, name in relations.values() if kind.endswith("/sharedStrings")), None)
            return relations[rid][1], strings
    raise XlsxError(f"no sheet {sheet}", kind="no_sheet")


def _feed(archive: zipfile.ZipFile, name: str, parser) -> Iterator[None]:
    """Feed the part to the parser a chunk at a time; yields after each chunk so the caller can take what is done."""
    try:
        handle = archive.open(name)
    except KeyError as exc:
        raise XlsxError(f"missing part {name}") from exc
    with handle:
        while chunk := handle.read(CHUNK):
            parser.Parse(chunk, False)
            yield
    parser.Parse(b"", True)
    yield


def shared_strings(archive: zipfile.ZipFile, name: str | None) -> list[str]:
    """The shared strings in order: each ``<si>``'s text runs joined, phonetic guides (``<rPh>``) left out."""
    if name is None:
        return []
    strings: list[str] = []
    parts: list[str] = []
    capture = False
    phonetic = 0
    parser = expat_parser()

    def start(name, attrs):
        nonlocal capture, phonetic, parts
        tag = TAGS.get(name)
        if tag == TEXT:
            capture = not phonetic
        elif tag == ITEM:
            parts = []
        elif tag == PHONETIC:
            phonetic += 1

    def end(name):
        nonlocal capture, phonetic
        tag = TAGS.get(name)
        if tag == TEXT:
            capture = False
        elif tag == ITEM:
            strings.append("".join(parts))
        elif tag == PHONETIC:
            phonetic -= 1

    def text(data):
        if capture:
            parts.append(data)

    parser.StartElementHandler, parser.EndElementHandler, parser.CharacterDataHandler = start, end, text
    for _ in _feed(archive, name, parser):
        pass
    return strings


def _column(reference: str) -> int:
    """The 0-based column of a cell reference ("H12" → 7)."""
    letters = reference.rstrip(DIGITS)
    column = LETTERS.get(letters)
    if column is None:
        column = -1
        for letter in letters.upper():
            column = (column + 1) * 26 + LETTERS[letter]
    return column


def _value(kind: str, parts: list[str], strings: list[str]):
    text = "".join(parts).strip()
    if kind in ("inlineStr", "str", "e"):
        return text
    if kind == "n":
        if not text:
            return None
        return float(text) if "." in text or "E" in text or "e" in text else int(text)
    if kind == "s":
        return strings[int(text)]
    if kind == "b":
        return text not in ("0", "false", "")
    return text  # "d": an ISO date


def sheet_rows(archive: zipfile.ZipFile, sheet: str, *, columns: int) -> Iterator[tuple[int, list]]:
    """(row number, the values of its first ``columns`` cells) for every ``<row>`` of the sheet, in order; a missing
    cell is None, text is stripped. Raises ``XlsxError`` and lets parser errors (``xml.parsers.expat.ExpatError``,
    defusedxml's exceptions) and malformed values (``ValueError``, ``IndexError``) through for the caller to name.

    Only start tags and text are handled (the end tags are a third of the work and carry nothing needed here): a
    cell's text is what follows the start of its ``<v>`` or ``<t>`` up to the next tag (SpreadsheetML has no mixed
    content, so what follows an end tag is whitespace, which is stripped); a cell ends where the next cell or row
    starts, a row where the next row starts or the sheet ends. Any other tag stops the capture, so nothing after
    the sheet data is taken for a cell."""
    part, strings_part = locate(archive, sheet)
    strings = shared_strings(archive, strings_part)
    done: list[tuple[int, list]] = []
    cells: list = []  # the current row's values
    number = 0  # the current row's number (0: before the first row)
    column = -1  # the current cell's 0-based column
    kind = "n"
    parts: list[str] = []  # the current cell's text
    capture = phonetic = formula = False

    def cell_value():
        if formula:
            return Formula("=" + "".join(parts).strip())
        return _value(kind, parts, strings)

    def start(name, attrs):  # called for every element of the sheet: kept lean
        nonlocal cells, number, column, kind, parts, capture, formula, phonetic
        tag = TAGS.get(name)
        if tag == CELL:
            if (parts or formula) and 0 <= column < columns:  # the previous cell ends here
                cells[column] = "".join(parts).strip() if kind == "inlineStr" and not formula else cell_value()
            reference = attrs.get("r")
            if reference:
                column = LETTERS.get(reference.rstrip(DIGITS))
                if column is None:
                    column = _column(reference)
            else:
                column += 1
            kind = attrs.get("t", "n")
            parts = []
            capture = phonetic = formula = False
        elif tag == TEXT:
            capture = kind == "inlineStr" and not phonetic
        elif tag == VALUE:
            capture = kind != "inlineStr" and not formula  # a formula's cached result is not read
        elif tag == ROW:
            if number:
                if (parts or formula) and 0 <= column < columns:
                    cells[column] = cell_value()
                done.append((number, cells))
            reference = attrs.get("r")
            number = int(reference) if reference else number + 1
            if number < 1:
                raise ValueError(f"row number {number}")
            cells = [None] * columns
            column = -1
            parts = []
            capture = formula = False
        elif tag == FORMULA:
            formula = capture = True
        else:
            capture = False
            phonetic = phonetic or tag == PHONETIC

    def text(data):
        if capture:
            parts.append(data)

    parser = expat_parser()
    parser.StartElementHandler, parser.CharacterDataHandler = start, text
    for _ in _feed(archive, part, parser):
        yield from done
        done.clear()
    if number:
        if (parts or formula) and 0 <= column < columns:
            cells[column] = cell_value()
        yield number, cells
