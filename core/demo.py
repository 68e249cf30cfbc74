"""Deterministic demo data: enterprises spread like China's manufacturing, and one user per role.

``seed_demo(enterprises=N, seed=S)`` gives the same data for the same N and S, and running it twice adds
nothing. Later issues extend it with evaluations, results and registries.
"""

import random
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from accounts.choices import Role
from accounts.models import User
from accounts.services import membership_grant, user_create
from core.models import DataLoad
from enterprises import credit_code
from enterprises.choices import ClaimStatus, RegionLevel, SizeClass, SupplierLinkStatus, VerificationStatus
from enterprises.models import Authority, Enterprise, EnterpriseClaim, Industry, Region, SupplierLink
from evaluations.demo import (
    create_demo_evaluation,
    demo_rating,
    seed_assessor_records,
    seed_evaluations,
    seed_institutions,
)
from evaluations.demo_onsite import seed_onsite
from evaluations.models import Evaluation
from evaluations.selectors import model_latest
from indices.facts import facts_rebuild
from indices.services import indices_recompute

DEMO_PASSWORD = "QualityPath-2026"  # noqa: S105 - documented demo credential, demo data only

# Relative weight of each province in manufacturing (coastal manufacturing provinces heavier).
PROVINCE_WEIGHTS = {
    "440000": 13,
    "320000": 13,
    "330000": 10,
    "370000": 9,
    "410000": 5,
    "350000": 5,
    "420000": 4.5,
    "510000": 4.5,
    "340000": 4.5,
    "430000": 4,
    "130000": 3.5,
    "310000": 3.5,
    "500000": 2.5,
    "210000": 2.5,
    "360000": 2.5,
    "610000": 2,
    "120000": 2,
    "110000": 1.5,
    "450000": 1.5,
    "140000": 1.2,
    "220000": 1,
    "520000": 1,
    "530000": 1,
    "150000": 0.8,
    "230000": 0.8,
    "620000": 0.5,
    "650000": 0.6,
    "640000": 0.3,
    "460000": 0.3,
    "630000": 0.2,
    "540000": 0.1,
}
# Relative weight of each GB/T 4754 division among enterprises (electronics, electrical, machinery heavier).
INDUSTRY_WEIGHTS = {
    "39": 9,
    "38": 8,
    "34": 7,
    "35": 6,
    "36": 6,
    "33": 6,
    "26": 6,
    "29": 5,
    "30": 5,
    "13": 4,
    "17": 4,
    "18": 3,
    "27": 3,
    "32": 3,
    "31": 2,
    "40": 2,
    "37": 2,
    "14": 2,
    "22": 2,
    "21": 2,
    "15": 1.5,
    "19": 1.5,
    "24": 1.5,
    "20": 1,
    "23": 1,
    "25": 1,
    "28": 1,
    "41": 0.5,
    "42": 0.5,
    "43": 0.5,
    "16": 0.2,
}
SIZE_WEIGHTS = {SizeClass.LARGE: 7, SizeClass.MEDIUM: 18, SizeClass.SMALL: 40, SizeClass.MICRO: 35}
BRANDS = [
    ("华芯", "Huaxin"),
    ("恒通", "Hengtong"),
    ("精工", "Jinggong"),
    ("远航", "Yuanhang"),
    ("瑞达", "Ruida"),
    ("德润", "Derun"),
    ("宏远", "Hongyuan"),
    ("天成", "Tiancheng"),
    ("金桥", "Jinqiao"),
    ("东方", "Dongfang"),
    ("新锐", "Xinrui"),
    ("卓越", "Zhuoyue"),
    ("中科", "Zhongke"),
    ("博源", "Boyuan"),
    ("永固", "Yonggu"),
    ("海润", "Hairun"),
    ("星辰", "Xingchen"),
    ("安泰", "Antai"),
    ("鼎盛", "Dingsheng"),
    ("嘉禾", "Jiahe"),
    ("立信", "Lixin"),
    ("盛世", "Shengshi"),
    ("锦程", "Jincheng"),
    ("正泰", "Zhengtai"),
    ("长城", "Changcheng"),
]
INDUSTRY_WORDS = {
    "13": ("农产品", "Agri-Products"),
    "14": ("食品", "Foods"),
    "15": ("酒业", "Beverages"),
    "16": ("烟草", "Tobacco"),
    "17": ("纺织", "Textiles"),
    "18": ("服饰", "Apparel"),
    "19": ("鞋业", "Footwear"),
    "20": ("木业", "Wood Products"),
    "21": ("家具", "Furniture"),
    "22": ("纸业", "Paper"),
    "23": ("印务", "Printing"),
    "24": ("文体用品", "Sporting Goods"),
    "25": ("能源", "Energy"),
    "26": ("化工", "Chemicals"),
    "27": ("制药", "Pharmaceuticals"),
    "28": ("化纤", "Fibres"),
    "29": ("塑胶", "Plastics"),
    "30": ("建材", "Building Materials"),
    "31": ("钢铁", "Steel"),
    "32": ("有色金属", "Non-Ferrous Metals"),
    "33": ("五金", "Metalware"),
    "34": ("机械", "Machinery"),
    "35": ("装备", "Equipment"),
    "36": ("汽车部件", "Auto Parts"),
    "37": ("轨道装备", "Transport Equipment"),
    "38": ("电气", "Electric"),
    "39": ("电子", "Electronics"),
    "40": ("仪器", "Instruments"),
    "41": ("工艺品", "Crafts"),
    "42": ("再生资源", "Recycling"),
    "43": ("设备维修", "Equipment Services"),
}
# GB 11714 organisation code check: weights for the eight body characters.
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: str
    display_name: str
    note: str


DEMO_USERS = [
    DemoUser("admin", Role.PLATFORM_ADMIN, "平台管理员 Platform Admin", "Django admin: data, users, business roles"),
    DemoUser("security_admin", Role.SECURITY_ADMIN, "安全管理员 Security Admin", "roles, sessions, second factors"),
    DemoUser("audit_admin", Role.AUDIT_ADMIN, "审计管理员 Audit Admin", "audit log search and export"),
    DemoUser("miit", Role.NATIONAL, "工信部 MIIT Staff", "whole country"),
    DemoUser("authority_gd", Role.AUTHORITY, "广东省工信厅 Guangdong Authority", "Guangdong incl. Shenzhen"),
    DemoUser("authority_sz", Role.AUTHORITY, "深圳市工信局 Shenzhen Authority", "Shenzhen only"),
    DemoUser("enterprise_admin", Role.ENTERPRISE_ADMIN, "企业管理员 Enterprise Admin", "a Shenzhen enterprise"),
    DemoUser("enterprise_member", Role.ENTERPRISE_MEMBER, "企业成员 Enterprise Member", "same enterprise"),
    DemoUser("institution_admin", Role.INSTITUTION_ADMIN, "评价机构管理员 Institution Admin", "Guangdong institution"),
    DemoUser("assessor", Role.ASSESSOR, "评价员 Assessor", "declared a tie to the demo enterprise"),
    DemoUser("lead_assessor", Role.ASSESSOR, "组长评价员 Lead Assessor", "lead assessor, C38-C40"),
    DemoUser("expert", Role.EXPERT, "评审专家 Expert", "a pilot-platform application to score"),
    DemoUser("applicant", None, "申请人 Applicant", "pending claim, for the authority to verify"),
]


def _organisation_code(rng: random.Random) -> str:
    body = "".join(rng.choice(credit_code.ALPHABET) for _ in range(8))
    total = sum(int(ch, 36) * w for ch, w in zip(body, _ORG_WEIGHTS, strict=True))  # digits 0-9, A=10 … Z=35
    check = 11 - total % 11
    return body + {10: "X", 11: "0"}.get(check, str(check))


def demo_credit_code(rng: random.Random, region_code: str) -> str:
    """A valid-looking code: 9 (industry & commerce) 1 (enterprise), region, GB 11714 org code, check character."""
    return credit_code.with_check_character("91" + region_code + _organisation_code(rng))


def _weighted(rng: random.Random, weights: dict, k: int) -> list:
    keys = list(weights)
    return rng.choices(keys, weights=[weights[key] for key in keys], k=k)


# The demo users' own enterprises: a verified one in Shenzhen, and one in Dongguan awaiting verification.
ANCHORS = [("440300", VerificationStatus.VERIFIED), ("441900", VerificationStatus.PENDING)]


def _enterprise_rows(rng: random.Random, count: int) -> list[Enterprise]:
    provinces = {
        code: list(Region.objects.filter(parent_id=code, level=RegionLevel.CITY).order_by("code"))
        for code in PROVINCE_WEIGHTS
    }
    industries = {industry.code: industry for industry in Industry.objects.all()}
    anchors = {index: (Region.objects.get(code=code), status) for index, (code, status) in enumerate(ANCHORS)}
    rows, seen = [], set()
    for index, (province_code, industry_code, size) in enumerate(
        zip(
            _weighted(rng, PROVINCE_WEIGHTS, count),
            _weighted(rng, INDUSTRY_WEIGHTS, count),
            _weighted(rng, SIZE_WEIGHTS, count),
            strict=True,
        )
    ):
        cities = provinces[province_code]
        # The provincial capital (first code) and big cities carry more industry than the rest.
        city = rng.choices(cities, weights=[4 if i == 0 else 2 if i < 4 else 1 for i in range(len(cities))])[0]
        status = VerificationStatus.VERIFIED if rng.random() < 0.92 else VerificationStatus.PENDING
        if index in anchors:
            city, status = anchors[index]
        brand_zh, brand_en = rng.choice(BRANDS)
        word_zh, word_en = INDUSTRY_WORDS[industry_code]
        city_zh = city.name_zh.removesuffix("市")
        city_en = city.name_en.split(" ")[0]
        code = demo_credit_code(rng, city.code)
        name_zh = f"{city_zh}{brand_zh}{word_zh}有限公司"
        suffix = 2
        while name_zh in seen:
            name_zh = f"{city_zh}{brand_zh}{word_zh}{suffix}号厂有限公司"
            suffix += 1
        seen.add(name_zh)
        rows.append(
            Enterprise(
                credit_code=code,
                name_zh=name_zh,
                name_en=f"{city_en} {brand_en} {word_en} Co., Ltd." + (f" (No. {suffix - 1})" if suffix > 2 else ""),
                region=city,
                industry=industries[industry_code],
                size_class=size,
                is_listed=size == SizeClass.LARGE and rng.random() < 0.4,
                status=status,
                address=f"{city.name_zh}{rng.randint(1, 999)}号",
            )
        )
    return rows


def _link_supply_chains(rng: random.Random, enterprises: list[Enterprise]) -> None:
    """Large enterprises lead supply chains: each gets suppliers, mostly from its own province."""
    by_province: dict[str, list[Enterprise]] = {}
    for enterprise in enterprises:
        by_province.setdefault(enterprise.region.parent_id, []).append(enterprise)
    links = []
    for leading in (e for e in enterprises if e.size_class == SizeClass.LARGE):
        pool = [
            e for e in by_province[leading.region.parent_id] if e.pk != leading.pk and e.size_class != SizeClass.LARGE
        ]
        suppliers = rng.sample(pool, k=min(len(pool), rng.randint(2, 6)))
        for index, supplier in enumerate(suppliers):
            # Most suppliers have accepted; in chains of three or more the last one still has to answer.
            last = index == len(suppliers) - 1 and index >= 2
            status = SupplierLinkStatus.PENDING if last else SupplierLinkStatus.ACCEPTED
            links.append(
                SupplierLink(
                    leading=leading,
                    supplier=supplier,
                    products=INDUSTRY_WORDS[supplier.industry_id][0],
                    status=status,
                )
            )
    SupplierLink.objects.bulk_create(links, ignore_conflicts=True)


def _ensure_user(demo: DemoUser) -> User:
    user = User.objects.filter(username=demo.username).first()
    if user is None:
        user = user_create(
            username=demo.username,
            password=DEMO_PASSWORD,
            display_name=demo.display_name,
            email=f"{demo.username}@example.com",
            shared_hash=True,
        )
    return user


def _previous_cycle_for(enterprise: Enterprise, *, by: User, rng: random.Random) -> None:
    """Last year's submitted self-assessment of the demo enterprise (assurance-level practice)."""
    if Evaluation.objects.filter(enterprise=enterprise).exists():
        return
    model = model_latest(code="QMC-2024")
    if model is None:
        return
    ratings = {r.pk: demo_rating(rng, r.level, 3) for r in model.requirements.all()}
    create_demo_evaluation(model, enterprise, timezone.localdate().year - 1, by, ratings, submitted=True)


@transaction.atomic
def seed_demo(*, enterprises: int = 400, seed: int = 2026) -> dict:
    """Create (or complete) the demo data set. Needs the reference data loaded first."""
    if not Region.objects.exists():
        raise RuntimeError("Load the reference data first: manage.py load_reference_data")
    rng = random.Random(seed)
    rows = _enterprise_rows(rng, enterprises)
    Enterprise.objects.bulk_create(rows, ignore_conflicts=True)
    codes = [row.credit_code for row in rows]
    stored = list(Enterprise.objects.filter(credit_code__in=codes).select_related("region"))
    order = {code: index for index, code in enumerate(codes)}
    stored.sort(key=lambda e: order[e.credit_code])
    _link_supply_chains(rng, stored)

    home_enterprise, claim_target = stored[0], stored[1]
    authorities = {a.code: a for a in Authority.objects.all()}
    guangdong_institution = seed_institutions(rng=rng)[0]
    for demo in DEMO_USERS:
        user = _ensure_user(demo)
        if demo.role in (Role.ENTERPRISE_ADMIN, Role.ENTERPRISE_MEMBER):
            existing = user.memberships.filter(enterprise__isnull=False).first()
            membership_grant(user=user, role=demo.role, enterprise=existing.enterprise if existing else home_enterprise)
        elif demo.role == Role.AUTHORITY:
            membership_grant(user=user, role=demo.role, authority=authorities[demo.username.split("_")[1].upper()])
        elif demo.role in (Role.ASSESSOR, Role.INSTITUTION_ADMIN):
            membership_grant(user=user, role=demo.role, institution=guangdong_institution)
        elif demo.role is not None:
            membership_grant(user=user, role=demo.role)
        if demo.role == Role.PLATFORM_ADMIN and user.is_superuser:
            # Separation of duties: the platform administrator's rights come from the role, not from a superuser
            # flag (which would also open the audit log and the administrator roles); demo data seeded before is
            # brought in line.
            user.is_superuser = False
            user.save(update_fields=["is_superuser"])
        if demo.username == "applicant" and not EnterpriseClaim.objects.filter(user=user).exists():
            EnterpriseClaim.objects.create(
                user=user, enterprise=claim_target, position="质量部经理 Quality manager", status=ClaimStatus.PENDING
            )
    seed_assessor_records(
        assessor=User.objects.get(username="assessor"),
        lead=User.objects.get(username="lead_assessor"),
        conflicted_with=home_enterprise,
    )
    # The demo enterprise keeps this year free, so a visitor can start its self-assessment.
    others = [e for e in stored if e.pk != home_enterprise.pk]
    admin = User.objects.get(username="admin")
    seed_evaluations(rng=rng, enterprises=others, by=admin)
    _previous_cycle_for(home_enterprise, by=User.objects.get(username="enterprise_admin"), rng=rng)
    onsite = seed_onsite(rng=rng, institution=guangdong_institution, password=DEMO_PASSWORD)
    # Four years of published results for the index, dashboards, warnings and map (imported here: indices.demo
    # builds on this module's generators). Its own generator, so earlier draws do not move it.
    from indices.demo import seed_history

    history = seed_history(rng=random.Random(f"{seed}-history"))
    from selections.demo import seed_selections

    selections = seed_selections(rng=random.Random(f"{seed}-selections"), enterprises=others, password=DEMO_PASSWORD)
    from labs.demo import seed_labs

    labs = seed_labs(rng=random.Random(f"{seed}-labs"), enterprises=others, password=DEMO_PASSWORD)
    from brands.demo import seed_brands

    brands = seed_brands(rng=random.Random(f"{seed}-brands"), enterprises=others, password=DEMO_PASSWORD)
    from pilots.demo import seed_pilots, seed_scenarios

    pilots = seed_pilots(
        rng=random.Random(f"{seed}-pilots"),
        home_member=User.objects.get(username="enterprise_admin"),
        password=DEMO_PASSWORD,
    )
    pilots |= seed_scenarios(rng=random.Random(f"{seed}-scenarios"), password=DEMO_PASSWORD)
    from products.demo import seed_products

    products = seed_products(
        rng=random.Random(f"{seed}-products"), enterprises=others, by=User.objects.get(username="miit")
    )
    facts_rebuild()  # the demo self-assessments above are written directly, not through the workflow services
    indices_recompute()
    from indices.warning_services import warnings_raise

    warnings_raise()  # as the nightly beat would: labs due and inspection failure rates show on authorities' homes
    from training.demo import seed_training

    training = seed_training(rng=random.Random(f"{seed}-training"), by=User.objects.get(username="miit"))
    from summaries.demo import seed_summaries

    summaries = seed_summaries(rng=random.Random(f"{seed}-summaries"), password=DEMO_PASSWORD)
    from knowledge.demo import seed_knowledge

    knowledge = seed_knowledge(by=User.objects.get(username="miit"))
    summary = {
        "enterprises": Enterprise.objects.count(),
        "supplier_links": SupplierLink.objects.count(),
        "self_assessments": Evaluation.objects.count(),
        "on_site": onsite,
        "history": history,
        "selections": selections,
        "labs": labs,
        "pilots": pilots,
        "brands": brands,
        "products": products,
        "summaries": summaries,
        "knowledge": knowledge,
        "training": training,
        "seed": seed,
    }
    DataLoad.objects.create(kind=DataLoad.Kind.DEMO, details=summary)
    return summary
