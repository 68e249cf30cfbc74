"""The inspection workbook on its own: the template, reading an upload safely, and checking rows (no database)."""

import dataclasses
import io
import zipfile

import openpyxl
import pytest

from enterprises.credit_code import with_check_character
from evaluations.workbook_reader import Limits, WorkbookRefused
from products import workbook
from tests.products.conftest import raw_workbook

GUANGZHOU = with_check_character("91440101MA5CXXXX0")
BEIJING = with_check_character("91110108MA0000010")
UNREGISTERED = with_check_character("91440300MA5FFFFF0")
LIMITS = Limits(max_bytes=2_000_000, max_entries=100, max_unpacked_bytes=20_000_000, max_ratio=100, max_rows=1000)
ENTERPRISES = {
    GUANGZHOU: workbook.EnterpriseRef(1, GUANGZHOU, "广州恒通", "440100", "广州市"),
    BEIJING: workbook.EnterpriseRef(2, BEIJING, "北京中科", "110100", "北京市"),
}


def data_row(number, code=GUANGZHOU, product="锂电池", result="合格", sample="", defects="", model="") -> workbook.Row:
    return workbook.Row(number, code, "", product, model, sample, result, defects)


def kinds(problems) -> list[tuple]:
    return [(p.kind, p.row, p.column) for p in problems]


def test_a_pass_and_a_fail_are_recognised_in_chinese_and_english():
    assert [workbook.result_value(v) for v in ("合格", "PASS", " Passed ", "qualified")] == [True] * 4
    assert [workbook.result_value(v) for v in ("不合格", "fail", "Failed", "Not  qualified")] == [False] * 4
    assert [workbook.result_value(v) for v in ("", "ok", "maybe", "1")] == [None] * 4


def test_clean_rows_become_a_plan_with_failures_per_province():
    rows = [
        data_row(2, sample="A1"),
        data_row(3, result="不合格", sample="A2", defects="短路"),
        data_row(4, code=BEIJING.lower(), result="pass"),
    ]
    plan, problems = workbook.check(rows, ENTERPRISES)
    assert problems == []
    assert (len(plan.results), plan.failed, plan.enterprises) == (3, 1, 2)
    assert plan.by_province() == {"110000": (1, 0), "440000": (2, 1)}
    assert plan.results[1].defects == "短路"


def test_every_bad_row_is_a_problem_with_its_row_and_column():
    rows = [
        data_row(2, code=""),
        data_row(3, code=GUANGZHOU[:-1] + ("0" if GUANGZHOU[-1] != "0" else "1")),
        data_row(4, code=UNREGISTERED),
        data_row(5, product=""),
        data_row(6, result="maybe"),
        data_row(7, sample="X1"),
        data_row(8, sample="X1"),
        data_row(9, model="M" * 201),
    ]
    plan, problems = workbook.check(rows, ENTERPRISES)
    assert kinds(problems) == [
        ("missing_credit_code", 2, "A"),
        ("bad_credit_code", 3, "A"),
        ("not_registered", 4, "A"),
        ("missing_product", 5, "C"),
        ("bad_result", 6, "F"),
        ("duplicate_sample", 8, "E"),
        ("too_long", 9, "D"),
    ]
    assert all(p.sheet == "inspections" for p in problems)
    assert "check character" in problems[1].message
    assert UNREGISTERED in problems[2].message
    assert "“maybe”" in problems[4].message
    assert "first on row 7" in problems[5].message
    assert [r.row for r in plan.results] == [7]


def test_rows_outside_the_importers_area_are_errors_naming_the_enterprise():
    rows = [data_row(2), data_row(3, code=BEIJING)]
    _plan, problems = workbook.check(rows, ENTERPRISES, covers=lambda code: code.startswith("44"), area="广东省")
    assert kinds(problems) == [("outside_area", 3, "A")]
    assert problems[0].message == "北京中科 (北京市) is outside the area of 广东省."


def test_a_sheet_without_data_rows_is_a_problem():
    assert kinds(workbook.check([], ENTERPRISES)[1]) == [("empty", None, "")]


def test_the_template_has_the_bilingual_header_a_result_list_and_instructions():
    book = openpyxl.load_workbook(io.BytesIO(workbook.write_template([["=cmd", "", "p", "", "", "合格", ""]])))
    assert book.sheetnames == ["inspections", "instructions"]
    rows = list(book["inspections"].iter_rows(values_only=True))
    assert rows[0] == workbook.HEADER
    assert rows[1][0] == "'=cmd"  # neutralised
    assert [dv.formula1 for dv in book["inspections"].data_validations.dataValidation] == ['"合格,不合格,pass,fail"']
    assert "合格" in book["instructions"]["A3"].value
    assert "pass or fail" in book["instructions"]["B3"].value


def test_reading_the_template_back_gives_its_rows():
    rows, problems = workbook.read_rows(
        workbook.write_template([[GUANGZHOU, "广州", "电池", 12.0, 7, "合格", None]]), limits=LIMITS
    )
    assert problems == []
    assert rows == [workbook.Row(2, GUANGZHOU, "广州", "电池", "12", "7", "合格", "")]


def test_a_formula_is_a_problem_of_its_cell():
    rows, problems = workbook.read_rows(raw_workbook([[GUANGZHOU, "", "=A1", "", "", "合格", ""]]), limits=LIMITS)
    assert kinds(problems) == [("formula", 2, "C")]
    assert rows[0].product == ""


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        (b"credit code,product\n", "not_xlsx"),
        (b"\xd0\xcf\x11\xe0old excel", "not_xlsx"),
        (raw_workbook([], header=("A", "B")), "header"),
        (raw_workbook([], sheet="Sheet1"), "no_sheet"),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_whole(content, kind):
    with pytest.raises(WorkbookRefused) as caught:
        workbook.read_rows(content, limits=LIMITS)
    assert caught.value.problem.kind == kind


def test_a_zip_bomb_is_refused_before_parsing():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * 5_000_000)
    with pytest.raises(WorkbookRefused) as caught:
        workbook.read_rows(buffer.getvalue(), limits=LIMITS)
    assert caught.value.problem.kind == "zip_bomb"


def test_too_many_rows_are_refused():
    content = workbook.write_template([[GUANGZHOU, "", "p", "", str(n), "合格", ""] for n in range(5)])
    with pytest.raises(WorkbookRefused) as caught:
        workbook.read_rows(content, limits=dataclasses.replace(LIMITS, max_rows=3))
    assert caught.value.problem.kind == "too_many_rows"
