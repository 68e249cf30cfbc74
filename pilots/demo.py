"""Demo service network, clearly synthetic: the pilot platforms published by last year's demo call (the
engine's own registry entries) get service figures, one climbs to MIIT key cultivation, and the demo enterprise
has one completed and rated request and one waiting for the platform's answer. The platforms' hosts apply to
last year's pilot-scenario call, run through the engine to its list. Idempotent."""

import random
from datetime import date
from decimal import Decimal

from django.utils import timezone

from accounts.models import User
from pilots import services
from pilots.models import Platform, Scenario, ServiceRequest
from selections.choices import CallKind
from selections.demo import announced_call, apply, experts_of_demo, member, run_to_list
from selections.models import Call


def seed_pilots(*, rng: random.Random, home_member: User, password: str) -> dict:
    platforms = list(Platform.objects.order_by("pk"))
    if not platforms or ServiceRequest.objects.exists():
        return {"platforms": len(platforms), "requests": ServiceRequest.objects.count()}
    miit = User.objects.get(username="miit")
    year = timezone.localdate().year
    for platform in platforms:
        host = member(platform.host, password=password)
        services.service_year_record(
            platform=platform,
            year=year - 1,
            enterprises_served=rng.randint(8, 90),
            validations=rng.randint(10, 200),
            income=Decimal(rng.randint(200, 6000)),
            by=host,
        )
    services.platform_promote(platform=platforms[0], by=miit)
    home = home_member.active_memberships[0].enterprise
    first, second = platforms[0], platforms[-1]
    done = services.request_send(
        platform=first,
        enterprise=home,
        service=first.services[0],
        description="小批量试制验证（演示）。Demo: a small-batch trial run.",
        by=home_member,
    )
    host = member(first.host, password=password)
    services.request_answer(service_request=done, action="accept", reply="可在下月安排。Next month.", by=host)
    services.request_answer(service_request=done, action="complete", reply="已完成，报告已发送。Report sent.", by=host)
    services.request_rate(service_request=done, rating=5, comment="响应及时。Prompt.", by=home_member)
    services.request_send(
        platform=second,
        enterprise=home,
        service=second.services[-1],
        description="新品工艺验证（演示）。Demo: process validation of a new product.",
        by=home_member,
    )
    return {"platforms": len(platforms), "requests": ServiceRequest.objects.count()}


SCENARIOS = [
    ("新能源汽车电池包热失控验证场景", "Thermal-runaway validation of EV battery packs", "new_energy"),
    ("工业机器人减速器寿命验证场景", "Service-life validation of industrial robot reducers", "equipment"),
    ("车规级芯片可靠性验证场景", "Reliability validation of automotive-grade chips", "electronics"),
    ("高性能复合材料小批量试制场景", "Small-batch trial production of high-performance composites", "raw_materials"),
    ("智能家电整机适配验证场景", "Whole-appliance adaptation validation of smart home appliances", "consumer_goods"),
]


def seed_scenarios(*, rng: random.Random, password: str) -> dict:
    """Last year's pilot-scenario call, its applicants the platforms' hosts, run to its published list."""
    if Call.objects.filter(kind=CallKind.PILOT_SCENARIO).exists():
        return {"scenarios": Scenario.objects.count()}
    hosts = [platform.host for platform in Platform.objects.select_related("host").order_by("pk")]
    if not hosts:
        return {"scenarios": 0}
    year = timezone.localdate().year - 1
    call = announced_call(
        kind=CallKind.PILOT_SCENARIO,
        year=year,
        title_zh=f"{year}年中试优秀场景征集（演示）",
        title_en=f"Excellent pilot-scale scenarios {year} (demo)",
        description_zh="演示数据：征集中试验证优秀场景。",
        description_en="Demo data: excellent pilot-scale verification scenarios.",
        opens_on=date(year, 8, 1),
        closes_on=date(year, 9, 15),
        recommend_by=date(year, 9, 30),
    )
    submitted = []
    for number, host in enumerate(hosts[: len(SCENARIOS)]):
        title_zh, title_en, field = SCENARIOS[number]
        submitted.append(
            apply(
                call,
                host,
                title=f"{title_zh}（演示）",
                data={
                    "summary": f"演示场景。Demo scenario: {title_en}.",
                    "contact_name": "演示联系人 Demo contact",
                    "contact_phone": f"020-{rng.randint(10_000_000, 99_999_999)}",
                    "key_field": field,
                    "industry_direction": "演示方向 Demo direction",
                    "scenario": f"{title_zh}：依托中试平台开展验证（演示）。{title_en} on the host's platform (demo).",
                    "results": f"验证周期缩短{rng.randint(15, 45)}%（演示）。"
                    f"Validation time cut by {rng.randint(15, 45)}% (demo).",
                },
                by=member(host, password=password),
                on=date(year, 9, 1),
            )
        )
    run_to_list(call, submitted, rng=rng, experts=experts_of_demo(password))
    return {"scenarios": Scenario.objects.count()}
