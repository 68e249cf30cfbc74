"""Rating workbooks: the Excel template assessors fill in off-line, and the checking of what they upload
(ARCHITECTURE §6, §10). No database access here: the service passes in what it knows and gets back rows,
problems and a plan.

Layout: one sheet "ratings" with a header row and one row per (evaluation, item): evaluation id, enterprise
credit code, enterprise name, item code, item text (Chinese and English), level, rating, comment. An
"instructions" sheet says the same in both languages.

Uploads are opened and read by ``evaluations.workbook_reader`` (zip-bomb guards, defusedxml, no formulas);
``check`` then compares the rows with what the service knows.
"""

import io
from collections.abc import Iterable
from dataclasses import dataclass, field

import openpyxl
from django.utils.translation import gettext as _
from openpyxl.worksheet.datavalidation import DataValidation

from core.exports import neutralise
from evaluations import ratings as rules

SHEET = "ratings"
INSTRUCTIONS = "instructions"
HEADER = (
    "评价编号 Evaluation ID",
    "统一社会信用代码 Credit code",
    "企业 Enterprise",
    "条目代码 Item code",
    "条目 Item",
    "级别 Level",
    "评分 Rating",
    "说明 Comment",
)
COLUMNS = "ABCDEFGH"
EVALUATION, CREDIT_CODE, CODE, RATING, COMMENT = 0, 1, 3, 6, 7
# Chinese text as data (full-width punctuation is correct here).
INSTRUCTIONS_ZH = (
    "评分表使用说明",
    "每行是一项评价的一个条目。只填写“评分”和“说明”两列，不要增删或移动行，不要修改其他列。",
    "要求的评分：1（全部满足）、0.8（大部分满足）、0.5（部分满足）、0（不满足）、"
    "na（不适用，仅限允许的条目，须在说明中写明理由）。",
    "资格条件：yes（满足）或 no（不满足）。",
    "评分为空的行不作修改。不接受公式。上传后先显示将要修改的内容，确认后一次性全部写入；"  # noqa: RUF001
    "同一文件重复上传不会再次修改。",
)
INSTRUCTIONS_EN = (
    "How to use this rating workbook",
    "Each row is one item of one evaluation. Fill in only the Rating and Comment columns; do not add, delete or "
    "move rows, and leave the other columns as they are.",
    "Requirements: 1 (fully met), 0.8 (largely), 0.5 (partly), 0 (not met), na (not applicable: only where the "
    "item allows it, with the reason in the comment).",
    "Eligibility conditions: yes (the condition is met) or no.",
    "Rows with an empty rating change nothing. Formulas are not accepted. After upload you see what would change "
    "and apply it in one step, all or nothing; uploading the same file again changes nothing.",
)


@dataclass(frozen=True)
class Item:
    """A requirement (``level`` 1 to 5) or an eligibility condition (``level`` None) of the evaluation's model."""

    pk: int
    code: str
    text_zh: str
    text_en: str
    level: int | None
    na_allowed: bool = False

    @property
    def is_condition(self) -> bool:
        return self.level is None


@dataclass
class Block:
    """One evaluation's rows in a template: its items and the rater's own ratings so far (code → value, comment)."""

    evaluation_id: int
    credit_code: str
    enterprise_name: str
    items: list[Item]
    existing: dict[str, tuple[str, str]] = field(default_factory=dict)


@dataclass(frozen=True)
class Problem:
    """What is wrong where: sheet, row (None: the file or the evaluation as a whole), column letter, item code."""

    kind: str
    message: str
    sheet: str = SHEET
    row: int | None = None
    column: str = ""
    code: str = ""

    def as_dict(self) -> dict:
        return {
            "kind": self.kind,
            "message": self.message,
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "code": self.code,
        }


@dataclass(frozen=True)
class Row:
    """One data row as read: the row number and the cells we use, normalised to text."""

    number: int
    evaluation: str
    credit_code: str
    code: str
    value: str
    comment: str


@dataclass
class Target:
    """What the service knows of an evaluation named in the file: its items, the rater's own ratings, and why the
    rater may not write to it (None when they may)."""

    evaluation_id: int
    credit_code: str
    enterprise_name: str
    items: dict[str, Item]
    existing: dict[str, tuple[str, str]]
    refusal: str | None = None
    refusal_kind: str = ""


@dataclass
class EvaluationPlan:
    evaluation_id: int
    enterprise_name: str
    create: list[tuple[Item, str, str]] = field(default_factory=list)
    change: list[tuple[Item, str, str]] = field(default_factory=list)
    unchanged: int = 0


# --- writing --------------------------------------------------------------------------------------------------


def _instructions(workbook) -> None:
    sheet = workbook.create_sheet(INSTRUCTIONS)
    sheet.column_dimensions["A"].width = 70
    sheet.column_dimensions["B"].width = 90
    for zh, en in zip(INSTRUCTIONS_ZH, INSTRUCTIONS_EN, strict=True):
        sheet.append([zh, en])


def write_template(blocks: Iterable[Block]) -> bytes:
    """The template as .xlsx bytes: a row per item per evaluation, existing own ratings filled in, validation lists
    on the rating cells."""
    blocks = list(blocks)
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet(SHEET)
    # A write-only sheet does not know its size, and a sheet without a <dimension> is parsed twice by openpyxl's
    # read-only reader; the size is known here, so it is written (Excel and LibreOffice write it too).
    last_row = 1 + sum(len(block.items) for block in blocks)
    sheet.calculate_dimension = lambda: f"A1:{COLUMNS[-1]}{last_row}"
    for letter, width in zip(COLUMNS, (12, 22, 30, 26, 80, 8, 10, 40), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    sheet.append(list(HEADER))
    requirement_ranges, condition_ranges = [], []
    number = 1
    for block in blocks:
        enterprise = neutralise(block.enterprise_name)
        credit_code = neutralise(block.credit_code)
        for item in block.items:
            number += 1
            value, comment = block.existing.get(item.code, ("", ""))
            sheet.append(
                [
                    block.evaluation_id,
                    credit_code,
                    enterprise,
                    neutralise(item.code),
                    neutralise(f"{item.text_zh}\n{item.text_en}"),
                    item.level,
                    value or None,
                    neutralise(comment) or None,
                ]
            )
            (condition_ranges if item.is_condition else requirement_ranges).append(number)
    for values, rows in (('"1,0.8,0.5,0,na"', requirement_ranges), ('"yes,no"', condition_ranges)):
        if rows:
            validation = DataValidation(type="list", formula1=values, allow_blank=True, showErrorMessage=True)
            validation.error = "1, 0.8, 0.5, 0, na" if values.startswith('"1') else "yes, no"
            validation.sqref = " ".join(_ranges(rows))
            sheet.data_validations.append(validation)
    _instructions(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _ranges(rows: list[int]) -> Iterable[str]:
    """G-column ranges covering ``rows`` (ascending), consecutive rows merged: G2:G144 G147:G289 …"""
    start = previous = rows[0]
    for row in [*rows[1:], None]:
        if row is not None and row == previous + 1:
            previous = row
            continue
        yield f"G{start}:G{previous}" if start != previous else f"G{start}"
        if row is not None:
            start = previous = row


def evaluation_ids(rows: Iterable[Row]) -> set[int]:
    return {int(row.evaluation) for row in rows if row.evaluation.isdigit()}


# --- checking -------------------------------------------------------------------------------------------------


def _value_problem(item: Item, value: str, comment: str) -> str | None:
    if item.is_condition:
        return rules.condition_problem(value)
    return rules.requirement_problem(value, na_allowed=item.na_allowed, comment=comment)


def check(rows: list[Row], targets: dict[int, Target]) -> tuple[dict[int, EvaluationPlan], list[Problem]]:
    """The whole file against what the service knows: every problem, and per evaluation what would be created,
    changed or left as it is. Blank ratings change nothing."""
    problems: list[Problem] = []
    plans: dict[int, EvaluationPlan] = {}
    seen: dict[tuple[int, str], int] = {}
    refused: set[int] = set()
    for row in rows:
        if not row.evaluation.isdigit():
            problems.append(
                Problem(
                    kind="bad_evaluation",
                    message=_("“{value}” is not an evaluation number.").format(value=row.evaluation),
                    row=row.number,
                    column=COLUMNS[EVALUATION],
                    code=row.code,
                )
            )
            continue
        evaluation_id = int(row.evaluation)
        target = targets.get(evaluation_id)
        if target is None or target.refusal:
            if evaluation_id not in refused:
                refused.add(evaluation_id)
                problems.append(
                    Problem(
                        kind=target.refusal_kind if target else "not_yours",
                        message=target.refusal
                        if target
                        else _("Evaluation {id} is not one you rate.").format(id=evaluation_id),
                        row=row.number,
                        column=COLUMNS[EVALUATION],
                    )
                )
            continue
        plan = plans.get(evaluation_id)
        if plan is None:
            plan = plans[evaluation_id] = EvaluationPlan(evaluation_id, target.enterprise_name)
            if row.credit_code != target.credit_code:
                problems.append(
                    Problem(
                        kind="credit_code",
                        message=_(
                            "Evaluation {id} is of the enterprise with credit code {expected}, not {found}."
                        ).format(id=evaluation_id, expected=target.credit_code, found=row.credit_code or "—"),
                        row=row.number,
                        column=COLUMNS[CREDIT_CODE],
                    )
                )
        item = target.items.get(row.code)
        if item is None:
            problems.append(
                Problem(
                    kind="unknown_code",
                    message=_("“{code}” is not an item of this evaluation's model.").format(code=row.code or "—"),
                    row=row.number,
                    column=COLUMNS[CODE],
                    code=row.code,
                )
            )
            continue
        first = seen.setdefault((evaluation_id, row.code), row.number)
        if first != row.number:
            problems.append(
                Problem(
                    kind="duplicate",
                    message=_("This item of evaluation {id} appears twice; first on row {row}.").format(
                        id=evaluation_id, row=first
                    ),
                    row=row.number,
                    column=COLUMNS[CODE],
                    code=row.code,
                )
            )
            continue
        if not row.value:
            continue
        problem = _value_problem(item, row.value, row.comment)
        if problem:
            column = COLUMNS[COMMENT] if row.value == "na" and item.na_allowed else COLUMNS[RATING]
            problems.append(Problem(kind="bad_value", message=problem, row=row.number, column=column, code=row.code))
            continue
        before = target.existing.get(row.code)
        if before is None:
            plan.create.append((item, row.value, row.comment))
        elif before != (row.value, row.comment):
            plan.change.append((item, row.value, row.comment))
        else:
            plan.unchanged += 1
    for evaluation_id in plans:
        target = targets[evaluation_id]
        missing = [code for code in target.items if (evaluation_id, code) not in seen]
        if missing:
            problems.append(
                Problem(
                    kind="missing_rows",
                    message=_(
                        "Evaluation {id} is missing {count} of its item rows (first {code}); keep every row of the "
                        "template, leaving the rating empty where you have none."
                    ).format(id=evaluation_id, count=len(missing), code=missing[0]),
                    column=COLUMNS[CODE],
                    code=missing[0],
                )
            )
    return plans, problems
