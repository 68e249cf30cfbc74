"""Evaluation-model files: read (YAML or an Excel workbook), check, and turn into the engine's ModelSpec.

A model file is data, so the official standard's text can replace ours without code changes. ``problems()``
lists every problem of a file at once; the importer refuses a file with any.
"""

from decimal import Decimal, InvalidOperation
from io import BytesIO
from typing import Any

import yaml
from django.utils.translation import gettext as _

LEVELS = (1, 2, 3, 4, 5)
DEFAULT_RATING_SCALE = [
    {"value": 1, "code": "full", "name": {"zh": "全部满足", "en": "Fully met"}},
    {"value": 0.8, "code": "largely", "name": {"zh": "大部分满足", "en": "Largely met"}},
    {"value": 0.5, "code": "partly", "name": {"zh": "部分满足", "en": "Partly met"}},
    {"value": 0, "code": "not_met", "name": {"zh": "不满足", "en": "Not met"}},
    {"value": "na", "code": "na", "name": {"zh": "不适用", "en": "Not applicable"}},
]


class ModelFileError(ValueError):
    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


# --- Codes ----------------------------------------------------------------------------------------------


def indicator_code(model: str, dimension: str, indicator: str) -> str:
    return f"{model}/{dimension}/{indicator}"


def requirement_code(model: str, dimension: str, indicator: str, level: int) -> str:
    return f"{model}/{dimension}/{indicator}/L{level}"


def condition_code(model: str, condition: str) -> str:
    return f"{model}/{condition}"


# --- Reading --------------------------------------------------------------------------------------------


def read(content: bytes, filename: str) -> dict:
    """Parse an uploaded model file by its name: ``.yaml``/``.yml`` or ``.xlsx``."""
    name = filename.lower()
    if name.endswith((".yaml", ".yml")):
        try:
            data = yaml.safe_load(content.decode("utf-8"))
        except (UnicodeDecodeError, yaml.YAMLError) as exc:
            raise ModelFileError([_("The file is not valid UTF-8 YAML: {error}").format(error=exc)]) from exc
        if not isinstance(data, dict):
            message = _(
                "The file does not describe a model: its top level must be a mapping of keys such as code and version."
            )
            raise ModelFileError([message])
        return data
    if name.endswith(".xlsx"):
        return read_workbook(content)
    raise ModelFileError([_("Upload a .yaml or .xlsx file.")])


def _rows(sheet) -> list[dict]:
    rows = list(sheet.iter_rows(values_only=True))
    if not rows:
        return []
    header = [str(cell).strip() if cell is not None else "" for cell in rows[0]]
    return [dict(zip(header, row, strict=False)) for row in rows[1:] if any(cell is not None for cell in row)]


def _text(row: dict, key: str) -> dict:
    return {"zh": str(row.get(f"{key}_zh") or "").strip(), "en": str(row.get(f"{key}_en") or "").strip()}


def _flag(value: Any) -> bool:
    return str(value).strip().lower() in {"1", "true", "yes", "y", "x", "是"}


def read_workbook(content: bytes) -> dict:
    """The Excel form of a model file: sheets model, levels, dimensions, indicators, requirements, conditions.

    ``write_workbook`` produces this layout, so admins can start from the current model.
    """
    from openpyxl import load_workbook

    try:
        book = load_workbook(BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:
        raise ModelFileError([_("The file is not a readable Excel workbook.")]) from exc
    missing = [name for name in ("model", "levels", "dimensions", "indicators", "requirements") if name not in book]
    if missing:
        raise ModelFileError([_("The workbook lacks the sheet(s): {names}.").format(names=", ".join(missing))])
    meta = {str(row[0]).strip(): row[1] for row in book["model"].iter_rows(values_only=True) if row and row[0]}
    data: dict = {
        "code": str(meta.get("code") or "").strip(),
        "version": str(meta.get("version") or "").strip(),
        "name": {"zh": str(meta.get("name_zh") or ""), "en": str(meta.get("name_en") or "")},
        "description": {"zh": str(meta.get("description_zh") or ""), "en": str(meta.get("description_en") or "")},
        "threshold": meta.get("threshold", 0.8),
        "rating_scale": DEFAULT_RATING_SCALE,
        "levels": [
            {
                "number": row.get("number"),
                "code": row.get("code"),
                "name": _text(row, "name"),
                "description": _text(row, "description"),
            }
            for row in _rows(book["levels"])
        ],
        "dimensions": [],
        "eligibility_conditions": [
            {"code": row.get("code"), "text": _text(row, "text"), "blocks_from_level": row.get("blocks_from_level")}
            for row in (_rows(book["conditions"]) if "conditions" in book else [])
        ],
    }
    dimensions = {}
    for row in _rows(book["dimensions"]):
        dimension = {"code": row.get("code"), "name": _text(row, "name"), "weight": row.get("weight"), "indicators": []}
        dimensions[str(row.get("code"))] = dimension
        data["dimensions"].append(dimension)
    indicators = {}
    for row in _rows(book["indicators"]):
        indicator = {
            "code": str(row.get("code")),
            "name": _text(row, "name"),
            "weight": row.get("weight"),
            "advice": _text(row, "advice"),
            "diagnosis": {level: _text(row, f"diagnosis{level}") for level in LEVELS},
            "requirements": [],
        }
        indicators[str(row.get("code"))] = indicator
        dimensions.setdefault(str(row.get("dimension")), {"indicators": []})["indicators"].append(indicator)
    for row in _rows(book["requirements"]):
        indicator = indicators.setdefault(str(row.get("indicator")), {"requirements": []})
        indicator["requirements"].append(
            {
                "level": row.get("level"),
                "text": _text(row, "text"),
                "evidence": _text(row, "evidence"),
                "mandatory": _flag(row.get("mandatory")),
                "na_allowed": _flag(row.get("na_allowed")),
            }
        )
    return data


def write_workbook(data: dict) -> bytes:
    """A model file as an Excel workbook in the layout ``read_workbook`` reads."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "model"
    for key in ("code", "version"):
        sheet.append([key, data[key]])
    sheet.append(["name_zh", data["name"]["zh"]])
    sheet.append(["name_en", data["name"]["en"]])
    sheet.append(["description_zh", data.get("description", {}).get("zh", "")])
    sheet.append(["description_en", data.get("description", {}).get("en", "")])
    sheet.append(["threshold", float(data.get("threshold", 0.8))])
    levels = book.create_sheet("levels")
    levels.append(["number", "code", "name_zh", "name_en", "description_zh", "description_en"])
    for level in data["levels"]:
        description = level.get("description", {})
        levels.append(
            [
                level["number"],
                level["code"],
                level["name"]["zh"],
                level["name"]["en"],
                description.get("zh", ""),
                description.get("en", ""),
            ]
        )
    dims = book.create_sheet("dimensions")
    dims.append(["code", "name_zh", "name_en", "weight"])
    inds = book.create_sheet("indicators")
    inds.append(
        ["dimension", "code", "name_zh", "name_en", "weight", "advice_zh", "advice_en"]
        + [f"diagnosis{level}_{lang}" for level in LEVELS for lang in ("zh", "en")]
    )
    reqs = book.create_sheet("requirements")
    reqs.append(["indicator", "level", "text_zh", "text_en", "evidence_zh", "evidence_en", "mandatory", "na_allowed"])
    for dimension in data["dimensions"]:
        dims.append([dimension["code"], dimension["name"]["zh"], dimension["name"]["en"], float(dimension["weight"])])
        for indicator in dimension["indicators"]:
            diagnosis = indicator.get("diagnosis", {})
            inds.append(
                [
                    dimension["code"],
                    indicator["code"],
                    indicator["name"]["zh"],
                    indicator["name"]["en"],
                    float(indicator["weight"]),
                    indicator.get("advice", {}).get("zh", ""),
                    indicator.get("advice", {}).get("en", ""),
                ]
                + [
                    (diagnosis.get(level) or diagnosis.get(str(level)) or {}).get(lang, "")
                    for level in LEVELS
                    for lang in ("zh", "en")
                ]
            )
            for requirement in indicator["requirements"]:
                evidence = requirement.get("evidence", {})
                reqs.append(
                    [
                        indicator["code"],
                        requirement["level"],
                        requirement["text"]["zh"],
                        requirement["text"]["en"],
                        evidence.get("zh", ""),
                        evidence.get("en", ""),
                        "yes" if requirement.get("mandatory") else "no",
                        "yes" if requirement.get("na_allowed") else "no",
                    ]
                )
    conds = book.create_sheet("conditions")
    conds.append(["code", "text_zh", "text_en", "blocks_from_level"])
    for condition in data.get("eligibility_conditions", []):
        conds.append(
            [condition["code"], condition["text"]["zh"], condition["text"]["en"], condition["blocks_from_level"]]
        )
    out = BytesIO()
    book.save(out)
    return out.getvalue()


# --- Checking -------------------------------------------------------------------------------------------


def _decimal(value: Any) -> Decimal | None:
    if isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def _bilingual(value: Any, where: str, found: list[str]) -> None:
    if not isinstance(value, dict) or not str(value.get("zh") or "").strip() or not str(value.get("en") or "").strip():
        found.append(_("{where}: both Chinese (zh) and English (en) text are required.").format(where=where))


def _weights(items: list, where: str, found: list[str]) -> None:
    total = Decimal(0)
    for item in items:
        weight = _decimal(item.get("weight"))
        if weight is None or weight <= 0:
            found.append(
                _("{where} {code}: the weight must be a positive number.").format(where=where, code=item.get("code"))
            )
        else:
            total += weight
    if items and abs(total - 1) > Decimal("0.0005"):
        found.append(_("{where}: the weights sum to {total}, not 1.").format(where=where, total=total))


def problems(data: dict) -> list[str]:
    """Every problem of a model file, in reading order; an empty list means it can be imported."""
    found: list[str] = []
    if not str(data.get("code") or "").strip():
        found.append(_("The model has no code."))
    if not str(data.get("version") or "").strip():
        found.append(_("The model has no version."))
    _bilingual(data.get("name"), _("Model name"), found)
    threshold = _decimal(data.get("threshold", 0.8))
    if threshold is None or not 0 < threshold <= 1:
        found.append(_("The threshold must be a number above 0 and at most 1."))
    numbers = [level.get("number") for level in data.get("levels") or [] if isinstance(level, dict)]
    if sorted(n for n in numbers if isinstance(n, int)) != list(LEVELS) or len(numbers) != len(LEVELS):
        found.append(_("The model must define exactly the levels 1 to 5."))
    for level in data.get("levels") or []:
        _bilingual(
            level.get("name") if isinstance(level, dict) else None,
            _("Level {n}").format(n=level.get("number") if isinstance(level, dict) else level),
            found,
        )

    dimensions = data.get("dimensions") or []
    if not dimensions:
        found.append(_("The model has no dimensions."))
    _weights(dimensions, _("Dimensions"), found)
    seen: set[str] = set()
    levels_used: set[int] = set()
    for dimension in dimensions:
        d_code = str(dimension.get("code") or "")
        if d_code in seen:
            found.append(_("The code {code} is used twice.").format(code=d_code))
        seen.add(d_code)
        _bilingual(dimension.get("name"), _("Dimension {code}").format(code=d_code), found)
        indicators = dimension.get("indicators") or []
        if not indicators:
            found.append(_("Dimension {code} has no indicators.").format(code=d_code))
        _weights(indicators, _("Indicators of {code}").format(code=d_code), found)
        for indicator in indicators:
            i_code = str(indicator.get("code") or "")
            full = f"{d_code}/{i_code}"
            if full in seen or i_code in seen:
                found.append(_("The code {code} is used twice.").format(code=i_code))
            seen.update({full, i_code})
            _bilingual(indicator.get("name"), _("Indicator {code}").format(code=i_code), found)
            levels_here: set = set()
            for requirement in indicator.get("requirements") or []:
                level = requirement.get("level")
                where = _("Indicator {code}, level {level} requirement").format(code=i_code, level=level)
                if not isinstance(level, int) or isinstance(level, bool) or level not in LEVELS:
                    found.append(_("{where}: the level must be a whole number from 1 to 5.").format(where=where))
                    continue
                if level in levels_here:
                    found.append(
                        _("Indicator {code} has two requirements at level {level}.").format(code=i_code, level=level)
                    )
                levels_here.add(level)
                levels_used.add(level)
                _bilingual(requirement.get("text"), where, found)
                if requirement.get("mandatory") and requirement.get("na_allowed"):
                    found.append(_("{where}: a mandatory requirement cannot allow N/A.").format(where=where))
            if not levels_here:
                found.append(_("Indicator {code} has no requirements.").format(code=i_code))
    for level in LEVELS:
        if level not in levels_used:
            found.append(_("Level {level} has no requirements.").format(level=level))
    for condition in data.get("eligibility_conditions") or []:
        c_code = str(condition.get("code") or "")
        if not c_code or c_code in seen:
            found.append(_("The condition code {code} is missing or used twice.").format(code=c_code))
        seen.add(c_code)
        _bilingual(condition.get("text"), _("Condition {code}").format(code=c_code), found)
        if condition.get("blocks_from_level") not in LEVELS:
            found.append(_("Condition {code}: blocks_from_level must be 1 to 5.").format(code=c_code))
    return found


def check(data: dict) -> dict:
    """``data`` if it has no problem; otherwise ModelFileError listing every problem."""
    found = problems(data)
    if found:
        raise ModelFileError(found)
    return data
