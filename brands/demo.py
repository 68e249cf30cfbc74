"""Demo brand list, clearly synthetic: last year's national brand call run through the engine to its list, and
one entry revoked with its reason. Idempotent: nothing is added once a list exists.

The demo enterprise's brand cultivation self-evaluations: last year's submitted, this year's a draft; the answers
follow a fixed pattern (no random draws), so every seed gives the same result."""

import random
from datetime import date

from django.utils import timezone

from accounts.models import User
from brands import services as brand_services
from brands.models import BRAND_MODEL_CODE, BrandAssessment, BrandEntry, BrandList
from enterprises.choices import VerificationStatus
from enterprises.models import Enterprise
from enterprises.selectors import enterprise_of
from evaluations import selectors as evaluation_selectors
from selections.choices import CallKind
from selections.demo import announced_call, apply, experts_of_demo, member, run_to_list

CATEGORIES = ["historic_classic", "contemporary_quality", "trendy_newcomer"]


# Last year's practice by requirement level: levels 1-2 in place, level 3 largely (one indicator only partly),
# level 4 begun, level 5 not yet. Where N/A is allowed at levels 4-5 the demo enterprise sells nothing abroad.
SUBMITTED_PATTERN = {1: ["1"], 2: ["1", "1", "0.8"], 3: ["0.8", "1", "0.8", "0.5"], 4: ["0.5", "0"], 5: ["0"]}
NO_EXPORTS = "演示企业产品未销往境外。The demo enterprise sells nothing abroad."


def _demo_answers(model, *, dimensions: int | None = None) -> dict:
    answers = {}
    indicators = [i for d in list(model.dimensions.all())[:dimensions] for i in d.indicators.all()]
    for number, indicator in enumerate(indicators):
        for requirement in indicator.requirements.all():
            if requirement.na_allowed and requirement.level >= 4:
                answers[requirement.code] = {"rating": "na", "comment": NO_EXPORTS}
                continue
            pattern = SUBMITTED_PATTERN[requirement.level]
            rating = pattern[number % len(pattern)]
            if requirement.mandatory and rating not in ("1", "0.8"):
                rating = "0.8"
            answers[requirement.code] = {"rating": rating, "comment": ""}
    return answers


def seed_brand_self_evaluations() -> int:
    """Last year's submitted brand self-evaluation of the demo enterprise and this year's draft (two of the five
    dimensions answered), through the services. Idempotent: nothing is added once the enterprise has one."""
    member = User.objects.filter(username="enterprise_admin").first()
    enterprise = enterprise_of(member) if member is not None else None
    model = evaluation_selectors.model_latest(code=BRAND_MODEL_CODE)
    if enterprise is None or model is None or enterprise.status != VerificationStatus.VERIFIED:
        return 0
    if not BrandAssessment.objects.filter(enterprise=enterprise).exists():
        model = evaluation_selectors.model_structure(model=model)
        year = timezone.localdate().year
        last = brand_services.assessment_start(enterprise=enterprise, by=member, year=year - 1)
        eligibility = {condition.code: "yes" for condition in model.conditions.all()}
        brand_services.assessment_save(
            assessment=last, by=member, answers=_demo_answers(model), eligibility=eligibility
        )
        brand_services.assessment_submit(assessment=last, by=member)
        draft = brand_services.assessment_start(enterprise=enterprise, by=member, year=year)
        brand_services.assessment_save(assessment=draft, by=member, answers=_demo_answers(model, dimensions=2))
    return BrandAssessment.objects.filter(enterprise=enterprise).count()


def seed_brands(*, rng: random.Random, enterprises: list[Enterprise], password: str) -> dict:
    self_evaluations = seed_brand_self_evaluations()
    if BrandList.objects.exists():
        return {
            "lists": BrandList.objects.count(),
            "entries": BrandEntry.objects.count(),
            "self_evaluations": self_evaluations,
        }
    miit = User.objects.get(username="miit")
    year = timezone.localdate().year - 1
    verified = [e for e in enterprises if e.status == VerificationStatus.VERIFIED and e.region_id.startswith("44")]
    owners = [e for e in verified if not e.region_id.startswith("4403")][-7:-3] + [
        e for e in verified if e.region_id.startswith("4403")
    ][-2:-1]
    call = announced_call(
        kind=CallKind.BRAND,
        year=year,
        title_zh=f"{year}年“中国制造”品牌名单（演示）",
        title_en=f'"Made in China" brands {year} (demo)',
        description_zh="演示数据。",
        description_en="Demo data.",
        opens_on=date(year, 8, 1),
        closes_on=date(year, 9, 15),
        recommend_by=date(year, 10, 15),
    )
    submitted = []
    for number, owner in enumerate(owners):
        brand = f"{owner.name_zh[2:4]}牌"
        data = {
            "summary": "演示品牌。Demo brand.",
            "contact_name": "演示联系人 Demo contact",
            "contact_phone": f"020-{rng.randint(10_000_000, 99_999_999)}",
            "brand": brand,
            "brand_type": ("enterprise", "product", "enterprise", "cluster", "product")[number % 5],
            "category": CATEGORIES[number % 3],
            "field": "家电 Home appliances" if number % 2 else "纺织 Textiles",
            "founded": f"{1950 + 13 * number}-06-01",
        }
        submitted.append(
            apply(call, owner, title=brand, data=data, by=member(owner, password=password), on=date(year, 9, 1))
        )
    run_to_list(call, submitted, rng=rng, experts=experts_of_demo(password))
    revoked = BrandEntry.objects.order_by("pk").last()
    if revoked is not None:
        brand_services.entry_revoke(
            entry=revoked, reason="产品质量抽查不合格（演示）。Failed a spot check (demo).", by=miit
        )
    return {
        "lists": BrandList.objects.count(),
        "entries": BrandEntry.objects.count(),
        "self_evaluations": self_evaluations,
    }
