"""Demo laboratories, clearly synthetic: a lab call of three years ago taken through the selection engine to its
published list (the registry entries are the engine's own), then back-dated to that call's publication so the
re-assessments fall due now (two within 90 days: early warnings), and an annual report for each.
Idempotent: nothing is added once a lab exists."""

import random
from datetime import date, timedelta

from django.utils import timezone

from enterprises.choices import VerificationStatus
from enterprises.models import Enterprise
from evaluations.working_days import add_years
from labs.models import Lab, LabAnnualReport, LabEvent, LabEventKind
from labs.services import REASSESSMENT_YEARS
from selections.choices import CallKind
from selections.demo import announced_call, apply, experts_of_demo, member, run_to_list

FIELDS = [
    "锂离子电池 Lithium-ion batteries",
    "光伏组件 PV modules",
    "工业机器人 Industrial robots",
    "医用耗材 Medical consumables",
]


def seed_labs(*, rng: random.Random, enterprises: list[Enterprise], password: str) -> dict:
    if Lab.objects.exists():
        return {"labs": Lab.objects.count()}
    today = timezone.localdate()
    year = today.year - REASSESSMENT_YEARS
    verified = [e for e in enterprises if e.status == VerificationStatus.VERIFIED and e.region_id.startswith("44")]
    hosts = [e for e in verified if not e.region_id.startswith("4403")][-4:] + [
        e for e in verified if e.region_id.startswith("4403")
    ][-1:]
    call = announced_call(
        kind=CallKind.LAB,
        year=year,
        title_zh=f"{year}年质量控制和技术评价实验室遴选（演示）",
        title_en=f"Quality-control and technical-evaluation laboratories {year} (demo)",
        description_zh="演示数据。",
        description_en="Demo data.",
        opens_on=date(year, 2, 1),
        closes_on=date(year, 3, 31),
        recommend_by=date(year, 4, 30),
    )
    submitted = []
    for number, host in enumerate(hosts):
        data = {
            "summary": "演示实验室。Demo laboratory.",
            "contact_name": "演示联系人 Demo contact",
            "contact_phone": f"020-{rng.randint(10_000_000, 99_999_999)}",
            "product_field": FIELDS[number % len(FIELDS)],
            "staff": str(rng.randint(20, 160)),
            "accreditations": "CNAS、CMA（演示）",
        }
        title = f"{host.name_zh}{FIELDS[number % len(FIELDS)].split()[0]}质量控制和技术评价实验室"
        submitted.append(
            apply(call, host, title=title, data=data, by=member(host, password=password), on=date(year, 3, 1))
        )
    run_to_list(call, submitted, rng=rng, experts=experts_of_demo(password))
    # Back-date to the publication days of that year (the engine stamps today), spread so that two labs are due
    # within the next 90 days and the others later.
    labs = list(Lab.objects.order_by("pk"))
    for number, lab in enumerate(labs):
        accredited = add_years(today, -REASSESSMENT_YEARS) + timedelta(days=20 + 50 * number)
        lab.accredited_on, lab.reassessment_due = accredited, add_years(accredited, REASSESSMENT_YEARS)
        lab.save(update_fields=["accredited_on", "reassessment_due"])
        LabEvent.objects.filter(lab=lab, kind=LabEventKind.ACCREDITED).update(on=accredited)
        host_member = member(lab.host, password=password)
        for report_year in range(accredited.year, today.year):
            LabAnnualReport.objects.create(
                lab=lab,
                year=report_year,
                capabilities="检测能力覆盖主要产品标准（演示）。Demo capabilities.",
                staff=rng.randint(20, 160),
                equipment=rng.randint(30, 400),
                projects=rng.randint(2, 30),
                reports_issued=rng.randint(100, 3000),
                standards_drafted=rng.randint(0, 8),
                submitted_by=host_member,
            )
    return {"labs": len(labs), "reports": LabAnnualReport.objects.count()}
