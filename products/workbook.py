"""Inspection-result workbooks: the Excel template authorities fill in, and the reading and checking of uploads.

No database access here: the service passes in the enterprises the file names and the importing authority's area,
and gets back rows, problems and a plan (as ``evaluations.workbooks`` does for rating workbooks).

Layout: one sheet "inspections" with a bilingual header row and one row per inspected sample: the enterprise's
unified social credit code, its name (for the reader; not checked), product, model or specification, sample
number, result (合格/不合格, pass/fail) and the defects found. An "instructions" sheet says the same in both
languages.

Reading reuses the rating workbooks' guards: ``evaluations.workbook_reader.check_container`` (size, zip signature,
parts, unpacked size, compression ratio) before any XML is parsed, then ``evaluations.xlsx_stream`` streams the
sheet with expat as set up by defusedxml (a DTD or an entity is refused) and never evaluates formulas: a cell
holding one is an error.
"""

import io
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import openpyxl
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core.exports import FORMULA_TRIGGERS, neutralise
from enterprises import credit_code
from enterprises.validators import validate_credit_code
from evaluations.workbook_reader import Limits, cell_text, read_sheet
from evaluations.workbooks import Problem

SHEET = "inspections"
INSTRUCTIONS = "instructions"
HEADER = (
    "统一社会信用代码 Credit code",
    "企业名称 Enterprise",
    "产品名称 Product",
    "型号规格 Model / specification",
    "样品编号 Sample number",
    "检验结论 Result",
    "不合格项目 Defects",
)
COLUMNS = "ABCDEFG"
CREDIT_CODE, ENTERPRISE, PRODUCT, MODEL, SAMPLE, RESULT, DEFECTS = range(7)
MAX_LENGTH = {PRODUCT: 200, MODEL: 200, SAMPLE: 60, DEFECTS: 2000}
# What a result cell may say, in either language (English case-insensitive).
PASSED = frozenset({"合格", "通过", "pass", "passed", "qualified"})
FAILED = frozenset({"不合格", "未通过", "fail", "failed", "unqualified", "not qualified"})
# Chinese text as data (full-width punctuation is correct here).
INSTRUCTIONS_ZH = (
    "产品质量监督抽查结果导入模板",
    "每行是一个抽检样品。企业按统一社会信用代码识别，须已在平台注册；企业名称一栏仅供核对。",  # noqa: RUF001
    "检验结论填写“合格”或“不合格”（也可填 pass 或 fail）；不合格的样品请在“不合格项目”中写明。",  # noqa: RUF001
    "产品名称必填；样品编号在同一批次内不得重复。不接受公式。",  # noqa: RUF001
    "上传后先检查整个文件并列出所有问题（工作表、行、列）；有任何问题则不保存任何内容。同一文件重复导入只生成一个批次。",  # noqa: RUF001
)
INSTRUCTIONS_EN = (
    "Template for importing product quality spot-check results",
    "Each row is one inspected sample. The enterprise is identified by its unified social credit code and must be "
    "registered on the platform; the enterprise name is only for checking by eye.",
    "Result: 合格 or 不合格 (pass or fail); for a failed sample, list the defects found.",
    "The product is required; a sample number may appear only once in a batch. Formulas are not accepted.",
    "After upload the whole file is checked and every problem is listed (sheet, row, column); if there is any "
    "problem nothing is stored. Importing the same file again creates no second batch.",
)


@dataclass(frozen=True)
class Row:
    """One data row as read, every cell normalised to text."""

    number: int
    credit_code: str
    enterprise: str
    product: str
    model_spec: str
    sample_number: str
    result: str
    defects: str


@dataclass(frozen=True)
class EnterpriseRef:
    """What the check needs to know about a registered enterprise."""

    pk: int
    credit_code: str
    name: str
    region_code: str
    region_name: str


@dataclass(frozen=True)
class PlannedResult:
    row: int
    enterprise_id: int
    province_code: str
    product: str
    model_spec: str
    sample_number: str
    passed: bool
    defects: str


@dataclass
class Plan:
    """What importing the file would store."""

    results: list[PlannedResult] = field(default_factory=list)

    @property
    def failed(self) -> int:
        return sum(1 for result in self.results if not result.passed)

    @property
    def enterprises(self) -> int:
        return len({result.enterprise_id for result in self.results})

    def by_province(self) -> dict[str, tuple[int, int]]:
        """Province code → (samples, failed)."""
        tally: dict[str, list[int]] = {}
        for result in self.results:
            counts = tally.setdefault(result.province_code, [0, 0])
            counts[0] += 1
            counts[1] += 0 if result.passed else 1
        return {code: (samples, failed) for code, (samples, failed) in sorted(tally.items())}


# --- writing --------------------------------------------------------------------------------------------------


def write_template(rows: list[list] | None = None) -> bytes:
    """The template as .xlsx bytes: the header, ``rows`` if given (the demo data builds its files this way), a
    validation list on the result column and the instructions sheet."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = SHEET
    sheet.append(list(HEADER))
    for values in rows or []:
        sheet.append([neutralise(value) for value in values])
    for letter, width in zip(COLUMNS, (24, 30, 24, 24, 16, 14, 40), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    validation = openpyxl.worksheet.datavalidation.DataValidation(
        type="list", formula1='"合格,不合格,pass,fail"', allow_blank=True, showErrorMessage=True
    )
    validation.sqref = f"{COLUMNS[RESULT]}2:{COLUMNS[RESULT]}10000"
    sheet.data_validations.append(validation)
    instructions = workbook.create_sheet(INSTRUCTIONS)
    instructions.column_dimensions["A"].width = 70
    instructions.column_dimensions["B"].width = 90
    for zh, en in zip(INSTRUCTIONS_ZH, INSTRUCTIONS_EN, strict=True):
        instructions.append([zh, en])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- reading --------------------------------------------------------------------------------------------------


def _text(value) -> str:
    """A cell as text (``cell_text``: numbers without trailing zeros, so a sample number typed as 12 is "12"), our
    own neutralised export read back without its apostrophe."""
    text = cell_text(value)
    if text.startswith("'") and text[1:].startswith(FORMULA_TRIGGERS):
        text = text[1:]
    return text


def read_rows(data: bytes, *, limits: Limits) -> tuple[list[Row], list[Problem]]:
    """The data rows of the "inspections" sheet and the problems of single cells (formulas); raises
    ``WorkbookRefused`` when the file itself cannot be read (``evaluations.workbook_reader.read_sheet``, as the
    rating workbooks)."""
    return read_sheet(data, limits, sheet=SHEET, header=HEADER, columns=len(COLUMNS), read=_inspection_rows)


def _inspection_rows(data) -> tuple[list[Row], list[Problem]]:
    rows: list[Row] = []
    problems: list[Problem] = []
    for number, values, formulas in data:
        for index in sorted(formulas):
            problems.append(
                Problem(
                    kind="formula",
                    message=_("Formulas are not accepted; type the value itself."),
                    sheet=SHEET,
                    row=number,
                    column=COLUMNS[index],
                )
            )
        text = ["" if index in formulas else _text(value) for index, value in enumerate(values)]
        rows.append(Row(number, *text))
    return rows, problems


# --- checking -------------------------------------------------------------------------------------------------


def normalised_code(row: Row) -> str:
    return credit_code.normalize(row.credit_code)


def result_value(text: str) -> bool | None:
    """True for a pass, False for a fail, None when the text is neither (in Chinese or English)."""
    value = " ".join(text.split()).lower()
    if value in PASSED:
        return True
    if value in FAILED:
        return False
    return None


def province_of(region_code: str) -> str:
    return region_code[:2] + "0000"


def check(
    rows: list[Row],
    enterprises: Mapping[str, EnterpriseRef],
    *,
    covers: Callable[[str], bool] | None = None,
    area: str = "",
) -> tuple[Plan, list[Problem]]:
    """The whole file against what the service knows: every problem with its row and column, and what importing
    would store. ``enterprises`` maps credit codes to the registered enterprises; ``covers`` says whether a region
    code lies in the importing authority's area named ``area`` (None: the whole country)."""
    plan, problems = Plan(), []

    def problem(kind: str, message: str, row: Row, column: int) -> None:
        problems.append(
            Problem(
                kind=kind, message=message, sheet=SHEET, row=row.number, column=COLUMNS[column], code=row.credit_code
            )
        )

    if not rows:
        problems.append(Problem(kind="empty", message=_("The sheet has no data rows."), sheet=SHEET))
    samples: dict[str, int] = {}
    for row in rows:
        before = len(problems)
        code = normalised_code(row)
        enterprise = None
        if not code:
            problem("missing_credit_code", _("The credit code is missing."), row, CREDIT_CODE)
        else:
            try:
                validate_credit_code(code)
            except ValidationError as exc:
                problem("bad_credit_code", " ".join(exc.messages), row, CREDIT_CODE)
            else:
                enterprise = enterprises.get(code)
                if enterprise is None:
                    problem(
                        "not_registered",
                        _("No enterprise with credit code {code} is registered on the platform.").format(code=code),
                        row,
                        CREDIT_CODE,
                    )
                elif covers is not None and not covers(enterprise.region_code):
                    problem(
                        "outside_area",
                        _("{enterprise} ({region}) is outside the area of {authority}.").format(
                            enterprise=enterprise.name, region=enterprise.region_name, authority=area
                        ),
                        row,
                        CREDIT_CODE,
                    )
        if not row.product:
            problem("missing_product", _("The product is missing."), row, PRODUCT)
        passed = result_value(row.result)
        if passed is None:
            problem(
                "bad_result",
                _("“{value}” is not a result; write 合格 or 不合格 (pass or fail).").format(value=row.result or "—"),
                row,
                RESULT,
            )
        lengths = ((PRODUCT, row.product), (MODEL, row.model_spec), (SAMPLE, row.sample_number), (DEFECTS, row.defects))
        for column, value in lengths:
            if len(value) > MAX_LENGTH[column]:
                message = _("Keep this under {count} characters.").format(count=MAX_LENGTH[column])
                problem("too_long", message, row, column)
        if row.sample_number:
            first = samples.setdefault(row.sample_number, row.number)
            if first != row.number:
                problem(
                    "duplicate_sample",
                    _("Sample number {sample} appears twice; first on row {row}.").format(
                        sample=row.sample_number, row=first
                    ),
                    row,
                    SAMPLE,
                )
        if len(problems) == before and enterprise is not None and passed is not None:
            plan.results.append(
                PlannedResult(
                    row=row.number,
                    enterprise_id=enterprise.pk,
                    province_code=province_of(enterprise.region_code),
                    product=row.product,
                    model_spec=row.model_spec,
                    sample_number=row.sample_number,
                    passed=passed,
                    defects=row.defects,
                )
            )
    return plan, problems
