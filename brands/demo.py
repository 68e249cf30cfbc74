"""Demo brand list, clearly synthetic: last year's national brand call run through the engine to its list, and
one entry revoked with its reason. Idempotent: nothing is added once a list exists."""

import random
from datetime import date

from django.utils import timezone

from accounts.models import User
from brands import services as brand_services
from brands.models import BrandEntry, BrandList
from enterprises.choices import VerificationStatus
from enterprises.models import Enterprise
from selections.choices import CallKind
from selections.demo import announced_call, apply, experts_of_demo, member, run_to_list

CATEGORIES = ["historic_classic", "contemporary_quality", "trendy_newcomer"]


def seed_brands(*, rng: random.Random, enterprises: list[Enterprise], password: str) -> dict:
    if BrandList.objects.exists():
        return {"lists": BrandList.objects.count(), "entries": BrandEntry.objects.count()}
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
    return {"lists": BrandList.objects.count(), "entries": BrandEntry.objects.count()}
