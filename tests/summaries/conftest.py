import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest
import time_machine

from accounts.choices import Role
from accounts.models import User
from enterprises.models import Authority
from summaries import kpis, services
from summaries.models import AnnualSummary, SummaryTemplate
from tests.factories import UserFactory, grant

# exports ----------------------------------------------------------------------------------------------------------

EXPORT_ZONE = ZoneInfo("Asia/Shanghai")
EXPORT_FORMULA = "=cmd|' /C calc'!A0"
# Some 13,000 characters in 40 paragraphs: several pages of the PDF, ending in a sentence a test looks for.
EXPORT_LONG_NARRATIVE = (
    "\n\n".join(
        f"第{number}段：本年度全省深入实施制造业卓越质量工程，组织企业开展质量管理能力自我评价和现场评价，"
        "推动质量管理数字化转型，培育质量标杆企业，完善质量基础设施，加强质量人才队伍建设，"
        "持续提升重点产品质量水平，推进中试平台建设和品牌培育工作。" * 3
        for number in range(1, 41)
    )
    + "\n\n全文完。"
)


# The data vintage of ``export_year``: its last change, Zhejiang's late submission.
EXPORT_VINTAGE = datetime.datetime(2025, 12, 18, 10, tzinfo=EXPORT_ZONE)


def export_at(month: int, day: int, hour: int = 10, *, year: int = 2025) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, tzinfo=EXPORT_ZONE)


def export_figures(*, authority: Authority | None, year: int) -> dict:
    """KPI figures that differ by authority (in place of live data): counts, decimals, and one missing figure."""
    seed = sum(ord(ch) for ch in (authority.code if authority else "CN"))
    figures = {}
    for number, kpi in enumerate(kpis.CATALOGUE):
        figures[kpi.code] = round(seed / 7 + number, kpi.digits) if kpi.digits else (seed + number) % 97
    figures["index_change"] = None
    return figures


@dataclass
class ExportYear:
    """The 2025 summaries the export tests write: Guangdong accepted, Zhejiang submitted late, Jiangsu a draft,
    Shandong returned; the 33 other authorities have not started."""

    template: SummaryTemplate
    accepted: AnnualSummary
    late: AnnualSummary
    draft: AnnualSummary
    returned: AnnualSummary
    jiangsu_officer: User


def _export_narratives(template: SummaryTemplate, overrides: dict[str, str] | None = None) -> dict[str, str]:
    texts = {
        section.code: f"{section.title_zh}：本年度围绕{section.title_zh[3:]}开展了以下工作。\n\n"
        "一是加强统筹协调。\n二是狠抓任务落实。"
        for section in template.sections.all()
    }
    return {**texts, **(overrides or {})}


def _export_officer(code: str) -> User:
    return grant(UserFactory(username=f"export_{code.lower()}"), Role.AUTHORITY, authority=code)


def _export_submitted(
    template: SummaryTemplate, code: str, on: datetime.datetime, overrides: dict[str, str] | None = None
) -> AnnualSummary:
    officer = _export_officer(code)
    with time_machine.travel(on - datetime.timedelta(days=2), tick=False):
        summary = services.summary_start(template=template, authority=Authority.objects.get(code=code), by=officer)
        services.summary_save(summary=summary, narratives=_export_narratives(template, overrides), by=officer)
    with time_machine.travel(on, tick=False):
        services.summary_submit(summary=summary, by=officer)
    return summary


@pytest.fixture
def export_year(db, monkeypatch, miit_officer) -> ExportYear:
    monkeypatch.setattr(kpis, "kpis_compute", export_figures)
    with time_machine.travel(export_at(11, 1), tick=False):
        template = {t.year: t for t in services.templates_load()}[2025]
    accepted = _export_submitted(
        template,
        "GD",
        export_at(12, 10),
        {"excellence-quality": EXPORT_LONG_NARRATIVE, "brand": EXPORT_FORMULA},
    )
    late = _export_submitted(template, "ZJ", export_at(12, 18))
    returned = _export_submitted(template, "SD", export_at(12, 11))
    jiangsu_officer = _export_officer("JS")
    with time_machine.travel(export_at(12, 5), tick=False):
        draft = services.summary_start(
            template=template, authority=Authority.objects.get(code="JS"), by=jiangsu_officer
        )
        services.summary_save(summary=draft, narratives={"brand": "江苏品牌工作（草稿）。"}, by=jiangsu_officer)
    with time_machine.travel(export_at(12, 12), tick=False):
        services.summary_accept(summary=accepted, by=miit_officer, comment="总结全面，数据翔实。")
    with time_machine.travel(export_at(12, 13), tick=False):
        services.summary_return(summary=returned, by=miit_officer, comment="请补充中试平台建设数据。")
    for summary in (accepted, late, draft, returned):
        summary.refresh_from_db()
    template.refresh_from_db()
    return ExportYear(template, accepted, late, draft, returned, jiangsu_officer)
