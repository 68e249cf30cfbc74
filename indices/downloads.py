"""The dashboard's table as CSV and XLSX: the same cells as the map (the region's total first), as the reader may
see them (suppressed figures stay empty). Headers and labels carry both languages, like the rating workbooks."""

from core.exports import csv_response, xlsx_response
from indices.models import ALL, COUNTRY

LEVELS = range(6)
HEADERS = (
    "年份 Year",
    "地区代码 Region code",
    "地区 Region",
    "行业 Industry",
    "规模 Size",
    "有效等级企业数 Enterprises with a valid level (n)",
    "已注册企业数 Registered enterprises",
    "覆盖率 Coverage (%)",
    "质量管理水平指数 Index I",
    "较上年变化 Index change",
    "自评估企业数 Self-assessments",
    "自评估指数 Self-assessed index",
    "校准差距 Calibration gap",
    *(f"{level}级 Level {level}" for level in LEVELS),
    "数据抑制 Suppressed (fewer than 5)",
)
SIZES = {ALL: "全部 All", "large": "大型 Large", "medium": "中型 Medium", "small": "小型 Small", "micro": "微型 Micro"}


def _name(names: dict, code: str, *, all_label: str) -> str:
    name = names.get(code)
    if not code:
        return all_label
    return f"{name['zh']} {name['en']}" if name else code


def _rounded(value, digits: int = 2):
    return None if value is None else round(value, digits)


def table_rows(rows: list[dict], *, regions: dict, industries: dict) -> list[list]:
    """One list of values per cell, in the order of ``HEADERS``."""
    table = []
    for row in rows:
        levels = row["levels"] or {}
        table.append(
            [
                row["year"],
                row["region_code"],
                _name(regions, row["region_code"], all_label="全国 China"),
                _name(industries, row["industry_code"], all_label="全部行业 All industries"),
                SIZES.get(row["size_class"], row["size_class"]),
                row["n"],
                row["registered"],
                None if row["coverage"] is None else round(100 * row["coverage"], 1),
                _rounded(row["index"]),
                _rounded(row["index_change"]),
                row["self_n"],
                _rounded(row["self_index"]),
                _rounded(row["calibration_gap"]),
                *(None if row["suppressed"] else levels.get(str(level), 0) for level in LEVELS),
                "是 yes" if row["suppressed"] else "",
            ]
        )
    return table


def _filename(state: dict, extension: str) -> str:
    parts = ["quality-index", str(state["year"] or "none"), "china" if state["region"] == COUNTRY else state["region"]]
    parts += [part for part in (state["industry"], state["size"]) if part]
    return "-".join(parts) + f".{extension}"


def download_response(*, kind: str, state: dict, rows: list[dict], regions: dict, industries: dict):
    """The CSV (``kind`` "csv") or XLSX download of ``rows``."""
    values = table_rows(rows, regions=regions, industries=industries)
    if kind == "csv":
        return csv_response(filename=_filename(state, "csv"), headers=HEADERS, rows=values)
    return xlsx_response(filename=_filename(state, "xlsx"), sheet="质量指数 Index", headers=HEADERS, rows=values)
