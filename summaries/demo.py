"""Demo annual work summaries for 2024 and 2025 in mixed states, written by the team and marked as demo data.

Every authority gets a staff account (``summary_<code>``, the demo password) so that each summary has a real
author. The KPI blocks are computed from the demo data itself (``summaries.kpis``), frozen at the demo's
submission moment; the narratives are built from those figures. 2024 is nearly closed (most accepted, a few
late, one returned); 2025 is in full swing. Guangdong's 2025 summary is returned with MIIT's comments and
Shenzhen's is a draft, so the demo authority accounts have something to do.
"""

import random
from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from accounts.choices import Role
from accounts.models import User
from accounts.services import membership_grant, user_create
from enterprises.models import Authority
from summaries import kpis
from summaries.choices import SummaryAction, SummaryStatus
from summaries.models import AnnualSummary, SummaryEvent, SummaryTemplate
from summaries.services import days_late, templates_load

# (status, late) shares of the authorities per year; the rest are not started.
PLAN = {
    2024: [("accepted", False)] * 26
    + [("accepted", True)] * 5
    + [("returned", False)] * 2
    + [("submitted", True)] * 2
    + [("draft", False)] * 1,
    2025: [("accepted", False)] * 9
    + [("submitted", False)] * 9
    + [("submitted", True)] * 4
    + [("returned", False)] * 3
    + [("draft", False)] * 6,
}
FIXED = {2025: {"GD": ("returned", False), "SZ": ("draft", False)}}
MARK = "（演示数据，由平台团队撰写 / Demo data written by the platform team）"
RETURN_COMMENT = (
    "请补充质量管理能力评价结果应用情况和典型案例，并核对中试平台数据。"
    " / Please add how the evaluation results were used, with typical cases, and check the pilot platform figures."
)


def _writer(authority: Authority, password: str) -> User:
    username = f"summary_{authority.code.lower()}"
    user = User.objects.filter(username=username).first()
    if user is None:
        user = user_create(
            username=username,
            password=password,
            display_name=f"{authority.name_zh}综合处"[:100],
            email=f"{username}@example.com",
            shared_hash=True,
        )
        membership_grant(user=user, role=Role.AUTHORITY, authority=authority)
    return user


def _narratives(template: SummaryTemplate, authority: Authority, figures: dict) -> dict[str, str]:
    """Plausible section texts built from the authority's own figures."""
    f = figures
    index = "—" if f["index"] is None else f"{f['index']:.1f}"
    facts = {
        "excellence-quality": (
            f"{template.year}年，{authority.name_zh}组织{f['self_total']}家企业开展质量管理能力自评价，"
            f"{f['onsite_total']}家企业完成现场评价，质量管理水平指数为{index}。"
            f"\n\nIn {template.year}, {f['self_total']} enterprises assessed themselves and {f['onsite_total']} were "
            f"evaluated on site; the quality management level index stood at {index}."
        ),
        "pilot-scale": (
            f"培育中试平台储备{f['pilots_reserve']}个、工信部重点培育{f['pilots_key_cultivation']}个、"
            f"国家级{f['pilots_national']}个，遴选优秀中试场景{f['scenarios']}个。"
            f"\n\nPilot platforms: {f['pilots_reserve']} in reserve, {f['pilots_key_cultivation']} under MIIT key "
            f"cultivation, {f['pilots_national']} national; {f['scenarios']} excellent pilot scenarios."
        ),
        "brand": (
            f"{f['brand_entries']}个品牌入选年度品牌名单，形成{f['cases']}个典型案例。"
            f"\n\n{f['brand_entries']} brands entered the year's lists; {f['cases']} typical cases were written up."
        ),
    }
    general = (
        "围绕本领域重点任务，加强统筹协调，完善工作机制，推动政策落地见效。"
        "\n\nWe coordinated the key tasks of this area, improved the working mechanisms and saw the policies through."
    )
    return {section.code: f"{facts.get(section.code, general)}\n\n{MARK}" for section in template.sections.all()}


def _moment(day, rng: random.Random) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(rng.randint(9, 17), rng.randint(0, 59))))


@transaction.atomic
def seed_summaries(*, rng: random.Random, password: str) -> dict:
    """The 2024 and 2025 summaries of every authority, in mixed states; idempotent (an existing summary stays)."""
    templates = {t.year: t for t in templates_load()}
    miit = User.objects.filter(memberships__role=Role.NATIONAL, memberships__is_active=True).order_by("pk").first()
    authorities = list(Authority.objects.order_by("code"))
    counts = {}
    for year, plan in PLAN.items():
        template = templates[year]
        states = plan + [("not_started", False)] * (len(authorities) - len(plan))
        rng.shuffle(states)
        for authority, (status, late) in zip(authorities, states, strict=True):
            status, late = FIXED.get(year, {}).get(authority.code, (status, late))
            counts[(year, status)] = counts.get((year, status), 0) + 1
            if status == "not_started" or AnnualSummary.objects.filter(template=template, authority=authority).exists():
                continue
            _seed_one(rng, template, authority, status, late, writer=_writer(authority, password), miit=miit)
    return {f"{year} {status}": n for (year, status), n in sorted(counts.items())}


def _seed_one(rng, template, authority, status: str, late: bool, *, writer: User, miit: User | None) -> None:
    figures = kpis.kpis_compute(authority=authority, year=template.year)
    started = _moment(template.deadline - timedelta(days=rng.randint(25, 45)), rng)
    summary = AnnualSummary.objects.create(
        template=template, authority=authority, narratives=_narratives(template, authority, figures)
    )
    events = [
        SummaryEvent(summary=summary, action=SummaryAction.CREATE, to_status=SummaryStatus.DRAFT, by=writer, at=started)
    ]
    if status != "draft":
        offset = rng.randint(1, 9) if late else -rng.randint(0, 12)
        submitted = _moment(template.deadline + timedelta(days=offset), rng)
        summary.kpis, summary.data_vintage = figures, submitted
        summary.submitted_at, summary.submitted_by = submitted, writer
        summary.days_late = days_late(template.deadline, submitted)
        summary.status = SummaryStatus.SUBMITTED
        events.append(
            SummaryEvent(
                summary=summary,
                action=SummaryAction.SUBMIT,
                from_status=SummaryStatus.DRAFT,
                to_status=SummaryStatus.SUBMITTED,
                by=writer,
                at=submitted,
            )
        )
        if status in ("accepted", "returned"):
            reviewed = submitted + timedelta(days=rng.randint(2, 10), hours=rng.randint(0, 5))
            action = SummaryAction.ACCEPT if status == "accepted" else SummaryAction.RETURN
            summary.status = SummaryStatus(status)
            summary.reviewed_at, summary.reviewed_by = reviewed, miit
            summary.review_comment = RETURN_COMMENT if status == "returned" else ""
            events.append(
                SummaryEvent(
                    summary=summary,
                    action=action,
                    from_status=SummaryStatus.SUBMITTED,
                    to_status=summary.status,
                    by=miit,
                    at=reviewed,
                    comment=summary.review_comment,
                )
            )
    summary.save()
    SummaryEvent.objects.bulk_create(events)
