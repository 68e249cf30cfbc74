"""Demo calls and applications, clearly synthetic, taken through the real services (issue 6).

- Last year's national call for pilot-scale platforms ran its whole course: Guangdong's and Shenzhen's
  enterprises applied, both authorities ranked within their quota, three experts scored each recommended
  application, one was turned down, the rest went through the public notice and were published.
- This year's call is open: two Guangdong applications wait for the authority's ranking (``authority_gd``),
  Shenzhen recommended one, which the demo expert (``expert``) has to score; the demo enterprise may still apply.
Idempotent: nothing is added once a demo call exists.
"""

import random
from datetime import date, timedelta

from django.utils import timezone

from accounts.choices import Role
from accounts.models import User
from accounts.services import membership_grant, user_create
from enterprises.choices import VerificationStatus
from enterprises.models import Enterprise
from selections import services
from selections.choices import CallKind, CallScope
from selections.models import Application, Call, Review

DAY = timedelta(days=1)


def _answers(rng: random.Random, enterprise: Enterprise) -> dict:
    return {
        "summary": f"{enterprise.name_zh}中试验证平台（演示数据）。Demo pilot-scale platform of {enterprise.name_en}.",
        "contact_name": "演示联系人 Demo contact",
        "contact_phone": f"020-{rng.randint(10_000_000, 99_999_999)}",
        "key_field": rng.choice(["equipment", "electronics", "new_energy", "raw_materials"]),
        "industry_direction": "演示方向 Demo direction",
        "services": rng.sample(["design", "performance", "process", "adaptation", "production"], k=3),
        "construction_mode": rng.choice(["enterprise", "alliance", "cluster", "institute"]),
        "equipment": "中试生产线两条（演示）。Two demo pilot lines.",
        "capacity": "月产能两千件（演示）。2,000 pieces a month (demo).",
        "equipment_value": str(rng.randint(800, 12_000)),
        "services_last_year": str(rng.randint(5, 120)),
    }


def experts_of_demo(password: str) -> list[User]:
    experts = [User.objects.get(username="expert")]
    for name in ("expert_b", "expert_c"):
        user = User.objects.filter(username=name).first() or user_create(
            username=name,
            password=password,
            display_name=f"评审专家 Expert {name[-1].upper()}",
            email=f"{name}@example.com",
            shared_hash=True,
        )
        if not user.has_role(Role.EXPERT):
            membership_grant(user=user, role=Role.EXPERT)
        experts.append(user)
    return experts


def member(enterprise: Enterprise, *, password: str) -> User:
    """A member account of the applicant (the demo applies on the enterprises' behalf through it)."""
    username = f"applicant_{enterprise.pk}"
    user = User.objects.filter(username=username).first() or user_create(
        username=username,
        password=password,
        display_name=f"申报联系人 {enterprise.pk}",
        email=f"{username}@example.com",
        shared_hash=True,
    )
    if not user.memberships.filter(enterprise=enterprise).exists():
        membership_grant(user=user, role=Role.ENTERPRISE_ADMIN, enterprise=enterprise)
    return user


def announced_call(
    *,
    kind: str,
    year: int,
    title_zh: str,
    title_en: str,
    opens_on: date,
    closes_on: date,
    recommend_by: date,
    description_zh: str = "演示数据。",
    description_en: str = "Demo data.",
) -> Call:
    """A national demo call by MIIT (three recommendations per authority), announced."""
    miit = User.objects.get(username="miit")
    call = services.call_create(
        by=miit,
        kind=kind,
        year=year,
        scope=CallScope.NATIONAL,
        title_zh=title_zh,
        title_en=title_en,
        description_zh=description_zh,
        description_en=description_en,
        opens_on=opens_on,
        closes_on=closes_on,
        recommend_by=recommend_by,
        default_quota=3,
    )
    return services.call_announce(call=call, by=miit)


def apply(call: Call, enterprise: Enterprise, *, title: str, data: dict, by: User, on: date) -> Application:
    """Save and submit an application on ``on`` through the services."""
    application = services.application_save(call=call, enterprise=enterprise, title=title, data=data, by=by, today=on)
    return services.application_submit(application=application, by=by, today=on)


def _apply(call: Call, enterprise: Enterprise, rng: random.Random, *, by: User, on: date) -> Application:
    return apply(call, enterprise, title=f"{enterprise.name_zh}中试平台", data=_answers(rng, enterprise), by=by, on=on)


def run_to_list(call: Call, submitted: list[Application], *, rng: random.Random, experts: list[User]) -> None:
    """Take a past call's submitted applications through ranking (each authority its first three), three experts'
    review, the notice (the first recommended one turned down) and publication."""
    miit = User.objects.get(username="miit")
    for username in ("authority_gd", "authority_sz"):
        officer = User.objects.get(username=username)
        authority = officer.active_memberships[0].authority
        area = [a for a in submitted if a.authority_id == authority.pk]
        services.applications_recommend(
            call=call, authority=authority, ranked=area[:3], by=officer, today=call.recommend_by - 5 * DAY
        )
    recommended = list(call.applications.filter(status="recommended").order_by("pk"))
    for number, application in enumerate(recommended):
        for expert in experts:
            review = services.review_assign(application=application, expert=expert, by=miit)
            services.review_submit(review=review, scores=_scores(rng, 62 + 8 * (number % 4)), by=expert)
    for number, application in enumerate(recommended):
        if number == 0:
            services.application_reject(
                application=application, reason="专家组评分未达入围线。Below the panel's line.", by=miit
            )
            continue
        services.application_shortlist(application=application, by=miit)
        noticed = services.application_notice(application=application, by=miit, today=call.recommend_by + 10 * DAY)
        services.application_select(application=application, by=miit, today=noticed.notice_until + DAY)
        services.application_publish(application=application, by=miit)


def _scores(rng: random.Random, base: int) -> dict:
    return {
        code: {"score": max(0, min(100, base + rng.randint(-8, 8))), "comment": "演示评分意见。Demo comment."}
        for code in ("C1", "C2", "C3")
    }


# What each demo case (by theme, in the order of ``themes`` below) did: names the methods toolbox finds them by.
CASE_METHODS = (
    "六西格玛、SPC、QC小组（演示）。Six Sigma, SPC and QC circles (demo).",
    "FMEA、加速寿命试验（演示）。FMEA and accelerated life testing (demo).",
    "一物一码追溯、质量数据平台（演示）。Item-level traceability and a quality data platform (demo).",
    "卓越绩效自评、QFD顾客之声（演示）。Performance-excellence self-assessment and QFD (demo).",
)


def seed_selections(*, rng: random.Random, enterprises: list[Enterprise], password: str) -> dict:
    if Call.objects.exists():
        return {"calls": Call.objects.count(), "applications": Application.objects.count()}
    miit, sz_officer = (User.objects.get(username=n) for n in ("miit", "authority_sz"))
    experts = experts_of_demo(password)
    today = timezone.localdate()
    verified = [e for e in enterprises if e.status == VerificationStatus.VERIFIED]
    guangdong = [e for e in verified if e.region_id.startswith("44") and not e.region_id.startswith("4403")][:5]
    shenzhen = [e for e in verified if e.region_id.startswith("4403")][:3]

    # Last year's call, run to the end.
    year = today.year - 1
    past = announced_call(
        kind=CallKind.PILOT_PLATFORM,
        year=year,
        title_zh=f"{year}年中试平台遴选（演示）",
        title_en=f"Pilot-scale platform selection {year} (demo)",
        description_zh="演示数据：面向重点领域遴选中试平台。",
        description_en="Demo data: pilot-scale platforms in the key fields.",
        opens_on=date(year, 3, 1),
        closes_on=date(year, 4, 30),
        recommend_by=date(year, 5, 31),
    )
    submitted = [
        _apply(past, e, rng, by=member(e, password=password), on=date(year, 4, 10))
        for e in guangdong[:4] + shenzhen[:1]
    ]
    run_to_list(past, submitted, rng=rng, experts=experts)

    # Last year's typical cases, run to the end: the published ones fill the case library.
    cases = announced_call(
        kind=CallKind.TYPICAL_CASE,
        year=year,
        title_zh=f"{year}年质量提升典型案例（演示）",
        title_en=f"Typical quality cases {year} (demo)",
        description_zh="演示数据。",
        description_en="Demo data.",
        opens_on=date(year, 6, 1),
        closes_on=date(year, 7, 31),
        recommend_by=date(year, 8, 31),
    )
    themes = ["quality_improvement", "reliability", "digital_quality", "brand_creation"]
    submitted = [
        apply(
            cases,
            enterprise,
            title=f"{enterprise.name_zh}{('质量提升', '可靠性提升', '数字化质量管理', '品牌创建')[number]}案例",
            data={
                "summary": "演示案例。Demo case.",
                "contact_name": "演示联系人 Demo contact",
                "contact_phone": f"020-{rng.randint(10_000_000, 99_999_999)}",
                "theme": themes[number],
                "methods": CASE_METHODS[number],
                "results": f"一次交检合格率提升{(points := rng.randint(2, 9))}个百分点（演示）。"
                f"First-pass yield up {points} points (demo).",
            },
            by=member(enterprise, password=password),
            on=date(year, 7, 1),
        )
        for number, enterprise in enumerate(guangdong[1:4] + shenzhen[2:3])
    ]
    run_to_list(cases, submitted, rng=rng, experts=experts)

    # This year's call, open now.
    current = announced_call(
        kind=CallKind.PILOT_PLATFORM,
        year=today.year,
        title_zh=f"{today.year}年中试平台遴选（演示）",
        title_en=f"Pilot-scale platform selection {today.year} (demo)",
        description_zh="演示数据：申报开放中，欢迎企业申报。",
        description_en="Demo data: open for applications.",
        opens_on=today - 30 * DAY,
        closes_on=today + 20 * DAY,
        recommend_by=today + 40 * DAY,
    )
    for enterprise in guangdong[4:5] + guangdong[:1]:
        _apply(current, enterprise, rng, by=member(enterprise, password=password), on=today)
    if len(shenzhen) > 1:
        waiting = _apply(current, shenzhen[1], rng, by=member(shenzhen[1], password=password), on=today)
        services.applications_recommend(
            call=current, authority=sz_officer.active_memberships[0].authority, ranked=[waiting], by=sz_officer
        )
        services.review_assign(application=waiting, expert=experts[0], by=miit)
    return {
        "calls": Call.objects.count(),
        "applications": Application.objects.count(),
        "reviews": Review.objects.count(),
    }
