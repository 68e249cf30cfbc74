"""Demo product-quality data, clearly synthetic (every list, scheme, body and report says 演示/demo): a Three
Products list of ten entries, twenty grading records (two of them expired), and two inspection batches (lithium-ion
batteries, PV modules) imported through the import service from workbooks built in memory. In the battery batch
Guangdong's failure rate is above the warning threshold, so ``authority_gd`` gets an early warning; every other
province stays below it or has too few samples. Idempotent: nothing is added once an inspection batch exists."""

import random
from datetime import date, timedelta

from django.utils import timezone

from accounts.models import User
from enterprises.choices import VerificationStatus
from enterprises.models import Enterprise
from products import services, workbook
from products.choices import Grade, ProductCategory
from products.models import GradingRecord, InspectionBatch, InspectionResult, ThreeProductsEntry

THREE_PRODUCTS = [
    ("智能恒温电热水器", "Smart thermostatic water heater", "家用电器 Home appliances"),
    ("抗菌纯棉婴儿服", "Antibacterial cotton babywear", "纺织服装 Textiles and apparel"),
    ("低糖全麦饼干", "Low-sugar wholegrain biscuits", "食品 Food"),
    ("轻量化登山鞋", "Lightweight hiking boots", "鞋类 Footwear"),
    ("无醛实木儿童床", "Formaldehyde-free solid-wood child's bed", "家具 Furniture"),
    ("高清护眼台灯", "Eye-care LED desk lamp", "照明 Lighting"),
    ("可降解餐具套装", "Biodegradable tableware set", "日用品 Household goods"),
    ("智能扫地机器人", "Robot vacuum cleaner", "家用电器 Home appliances"),
    ("适老化电动护理床", "Electric care bed for the elderly", "适老化产品 Products for older people"),
    ("国潮文创茶具", "Guochao tea set", "工艺美术 Arts and crafts"),
]
GRADED = [
    (
        "储能锂离子电池",
        "Energy-storage lithium-ion battery",
        "锂离子电池产品质量分级（演示） Li-ion battery grading (demo)",
    ),
    ("单晶硅光伏组件", "Monocrystalline PV module", "光伏组件产品质量分级（演示） PV module grading (demo)"),
    ("变频空调", "Inverter air conditioner", "家用空调产品质量分级（演示） Air conditioner grading (demo)"),
    ("电动自行车", "Electric bicycle", "电动自行车产品质量分级（演示） E-bike grading (demo)"),
]
BODIES = ["演示质量认证中心 Demo Quality Certification Centre", "演示检测认证有限公司 Demo Testing & Certification Co."]
GRADE_WEIGHTS = {Grade.A5: 1, Grade.A4: 3, Grade.A3: 4, Grade.A2: 2, Grade.A1: 1}
DEFECTS = {
    ProductCategory.LITHIUM_BATTERY: [
        "过充电保护不合格 Overcharge protection failed",
        "标志不符合要求 Marking non-compliant",
    ],
    ProductCategory.PV_MODULE: [
        "最大功率偏差超标 Peak power below the rating",
        "湿热试验后绝缘失效 Insulation after damp heat",
    ],
}
# Per batch: province → (samples, failed). Guangdong's battery failure rate (3 of 9) is above the default 10 %;
# Fujian's 1 of 3 has too few samples to count; all the rest stay at or below 10 %.
PLAN = {
    ProductCategory.LITHIUM_BATTERY: {"44": (9, 3), "32": (7, 0), "33": (6, 0), "35": (3, 1)},
    ProductCategory.PV_MODULE: {"32": (10, 1), "33": (6, 0), "44": (5, 0), "37": (4, 0)},
}
PRODUCT = {
    ProductCategory.LITHIUM_BATTERY: ("储能用锂离子电池 Li-ion battery for energy storage", "LFP"),
    ProductCategory.PV_MODULE: ("晶硅光伏组件 Crystalline silicon PV module", "PV"),
}


def _counts() -> dict:
    return {
        "three_products_entries": ThreeProductsEntry.objects.count(),
        "grading_records": GradingRecord.objects.count(),
        "inspection_batches": InspectionBatch.objects.count(),
        "inspection_results": InspectionResult.objects.count(),
    }


def _three_products(rng: random.Random, verified: list[Enterprise], *, year: int, by: User) -> None:
    owners = rng.sample(verified, min(len(THREE_PRODUCTS), len(verified)))
    services.three_products_list_create(
        name_zh=f"{year}年升级和创新消费品指南（演示）",
        name_en=f"Upgrade and innovation consumer goods guide {year} (demo)",
        year=year,
        issuer="工业和信息化部 MIIT",
        published_on=date(year, 3, 15),
        entries=[
            {"enterprise": owner, "product_zh": zh, "product_en": en, "field": field}
            for owner, (zh, en, field) in zip(owners, THREE_PRODUCTS, strict=False)
        ],
        by=by,
    )


def _grading(rng: random.Random, verified: list[Enterprise], *, today: date, by: User) -> None:
    grades = list(GRADE_WEIGHTS)
    weights = list(GRADE_WEIGHTS.values())
    for number in range(1, 21):
        enterprise = verified[(number * 7) % len(verified)]
        product_zh, product_en, scheme = GRADED[number % len(GRADED)]
        # two records ended last year (shown on the profiles as expired, not on the public list)
        issued = today - timedelta(days=1300 if number in (5, 15) else rng.randint(30, 900))
        services.grading_record_create(
            by=by,
            enterprise=enterprise,
            product_zh=f"{product_zh}（演示）",
            product_en=f"{product_en} (demo)",
            grade=rng.choices(grades, weights)[0],
            scheme=scheme,
            certifying_body=BODIES[number % len(BODIES)],
            report_number=f"DEMO-GR-{issued.year}-{number:04d}",
            issued_on=issued,
            valid_until=issued + timedelta(days=3 * 365),
        )


def _batch_rows(rng: random.Random, verified: list[Enterprise], category: str, *, year: int) -> list[list]:
    product, code = PRODUCT[category]
    rows = []
    for province, (samples, failed) in PLAN[category].items():
        local = [e for e in verified if e.region_id.startswith(province)][:4]
        if not local:
            continue
        failures = set(rng.sample(range(samples), failed))
        for index in range(samples):
            enterprise = local[index % len(local)]
            number = len(rows) + 1
            fails = index in failures
            rows.append(
                [
                    enterprise.credit_code,
                    enterprise.name_zh,
                    product,
                    f"DEMO-{code}-{rng.randint(100, 999)}",
                    f"{code}{year}-{number:04d}",
                    ("不合格" if number % 2 else "fail") if fails else ("合格" if number % 2 else "pass"),
                    rng.choice(DEFECTS[category]) if fails else "",
                ]
            )
    return rows


def seed_products(*, rng: random.Random, enterprises: list[Enterprise], by: User) -> dict:
    """The demo's product-quality data, imported and published by ``by`` (MIIT staff)."""
    if InspectionBatch.objects.exists():
        return _counts()
    today = timezone.localdate()
    verified = [e for e in enterprises if e.status == VerificationStatus.VERIFIED]
    if not verified:
        return _counts()
    _three_products(rng, verified, year=today.year - 1, by=by)
    _grading(rng, verified, today=today, by=by)
    titles = {
        ProductCategory.LITHIUM_BATTERY: (
            "锂离子电池产品质量国家监督抽查",
            "National spot check of lithium-ion batteries",
        ),
        ProductCategory.PV_MODULE: ("光伏组件产品质量国家监督抽查", "National spot check of PV modules"),
    }
    for number, (category, (title_zh, title_en)) in enumerate(titles.items(), start=1):
        rows = _batch_rows(rng, verified, category, year=today.year)
        if not rows:
            continue
        services.inspection_import(
            data=workbook.write_template(rows),
            name=f"demo-{category}.xlsx",
            meta=services.BatchMeta(
                category=category,
                title_zh=f"{today.year}年{title_zh}（演示）",
                title_en=f"{title_en} {today.year} (demo)",
                year=today.year,
                batch_label=f"{today.year}年第{number}批 Batch {number} of {today.year}",
                publish=True,
            ),
            by=by,
        )
    return _counts()
