"""Demo training written by the team, clearly marked "（演示）" / "(demo)" in every title and summary: five
courses (assessors' training that counts toward qualification, executives' quality leadership, internal
auditing, digital quality tools, FMEA and reliability), each linked to the toolbox's methods it teaches; national
online and Guangdong / Shenzhen / Beijing offline sessions last year and this year with enrolments of demo
enterprise people and demo assessors, some attended and completed with certificates, one upcoming Shenzhen
session one place from full and an upcoming Shenzhen FMEA session. Deterministic for a given ``rng`` and day;
idempotent: nothing is added once a demo course exists."""

import random
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from accounts.choices import ENTERPRISE_ROLES, Role
from accounts.models import Membership, User
from enterprises.models import Authority
from knowledge.models import Method
from training.models import Audience, Course, CourseStatus, Enrolment, Session, SessionMode, SessionStatus
from training.services import certificate_number

DEMO = "（演示）"

COURSES = [
    {
        "key": "assessors",
        "methods": [],
        "title_zh": "质量管理能力评价员培训：评价准则与现场评价（演示）",
        "title_en": "Assessor training: the evaluation criteria and on-site evaluation (demo)",
        "summary_zh": "（演示）面向评价员：评价模型的维度与要求、证据审查、独立评分与一致性校准。"
        "结业学时计入评价员资质。",
        "summary_en": "(demo) For assessors: the model's dimensions and requirements, reviewing evidence, "
        "independent rating and calibration. Hours count toward the assessor's qualification.",
        "material_zh": "（演示）第一讲 评价模型结构\n第二讲 证据与评分规则\n第三讲 现场评价流程与利益冲突",
        "material_en": "(demo) Part 1 The model's structure\nPart 2 Evidence and rating rules\n"
        "Part 3 The on-site evaluation and conflicts of interest",
        "audience": Audience.ASSESSORS,
        "hours": 8,
        "counts_for_qualification": True,
        "authority": None,
    },
    {
        "key": "executives",
        "methods": ["performance-excellence", "pdca"],
        "title_zh": "企业高管质量领导力研修班（演示）",
        "title_en": "Quality leadership for executives (demo)",
        "summary_zh": "（演示）面向企业负责人：质量战略、卓越绩效模式与质量文化建设。",
        "summary_en": "(demo) For chief executives: quality strategy, the performance excellence model and "
        "quality culture.",
        "material_zh": "（演示）课前阅读：GB/T 19580《卓越绩效评价准则》要点。",
        "material_en": "(demo) Reading before the session: the key points of GB/T 19580.",
        "audience": Audience.EXECUTIVES,
        "hours": 4,
        "counts_for_qualification": False,
        "authority": None,
    },
    {
        "key": "auditors",
        "methods": ["qms", "eight-d"],
        "title_zh": "质量管理体系内审员实务（演示）",
        "title_en": "Internal auditing of the quality management system (demo)",
        "summary_zh": "（演示）面向企业质量人员：GB/T 19001内审策划、实施与纠正措施跟踪。",
        "summary_en": "(demo) For quality staff: planning and running GB/T 19001 internal audits and "
        "following up corrective actions.",
        "material_zh": "（演示）内审检查表模板与案例。",
        "material_en": "(demo) An internal audit checklist and worked cases.",
        "audience": Audience.QUALITY,
        "hours": 16,
        "counts_for_qualification": False,
        "authority": "GD",
    },
    {
        "key": "digital",
        "methods": ["spc", "traceability", "quality-data"],
        "title_zh": "数字化质量管理工具入门（演示）",
        "title_en": "Digital quality management tools: an introduction (demo)",
        "summary_zh": "（演示）面向技术人员：统计过程控制、质量数据采集与追溯系统。",
        "summary_en": "(demo) For technical staff: statistical process control, quality data collection and "
        "traceability systems.",
        "material_zh": "（演示）在线自学材料：SPC控制图的绘制与判读。",
        "material_en": "(demo) Self-study material: drawing and reading SPC control charts.",
        "audience": Audience.TECHNICAL,
        "hours": 6,
        "counts_for_qualification": False,
        "authority": None,
    },
    {
        "key": "fmea",
        "methods": ["fmea", "reliability"],
        "title_zh": "FMEA与可靠性设计实务（演示）",
        "title_en": "FMEA and design for reliability in practice (demo)",
        "summary_zh": "（演示）面向研发和工艺人员：设计FMEA与过程FMEA的步骤、措施优先级，以及可靠性试验的策划。",
        "summary_en": "(demo) For design and process engineers: the steps of design and process FMEA, action "
        "priority, and planning reliability tests.",
        "material_zh": "（演示）在线自学材料：FMEA表格填写示例与常见错误。",
        "material_en": "(demo) Self-study material: a filled-in FMEA form and common mistakes.",
        "audience": Audience.TECHNICAL,
        "hours": 8,
        "counts_for_qualification": False,
        "authority": None,
    },
]

GUANGZHOU_ZH, GUANGZHOU_EN = "广州市天河区（演示）培训中心", "Tianhe District training centre, Guangzhou (demo)"
SHENZHEN_ZH, SHENZHEN_EN = "深圳市南山区（演示）会议中心", "Nanshan District conference centre, Shenzhen (demo)"
BEIJING_ZH, BEIJING_EN = "北京市海淀区（演示）研修院", "Haidian District training institute, Beijing (demo)"


def _at(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def _plan(today: date) -> list[dict]:
    """The sessions: last year's on fixed days, this year's spread over the part of the year gone by, one
    three weeks ahead (one place left) and the FMEA course's two weeks ahead."""
    last = today.year - 1
    gone = (today - date(today.year, 1, 1)).days
    early, mid = date(today.year, 1, 1) + timedelta(days=gone // 3), date(today.year, 1, 1) + timedelta(days=gone // 2)
    online = {"mode": SessionMode.ONLINE, "region": None, "place_zh": "", "place_en": "", "organiser": None}
    gz = {"mode": SessionMode.OFFLINE, "region": "440100", "place_zh": GUANGZHOU_ZH, "place_en": GUANGZHOU_EN}
    sz = {"mode": SessionMode.OFFLINE, "region": "440300", "place_zh": SHENZHEN_ZH, "place_en": SHENZHEN_EN}
    bj = {"mode": SessionMode.OFFLINE, "region": "110100", "place_zh": BEIJING_ZH, "place_en": BEIJING_EN}
    return [
        {"course": "assessors", "day": date(last, 3, 18), "capacity": 60, "n": 14, **online},
        {"course": "executives", "day": date(last, 6, 12), "capacity": 40, "n": 12, **bj, "organiser": "BJ"},
        {"course": "auditors", "day": date(last, 9, 9), "capacity": 30, "n": 12, **gz, "organiser": "GD"},
        {"course": "digital", "day": date(last, 11, 4), "capacity": 80, "n": 10, **online},
        {
            "course": "auditors",
            "day": date(last, 12, 2),
            "capacity": 20,
            "n": 0,
            **sz,
            "organiser": "SZ",
            "status": SessionStatus.CANCELLED,
        },
        {"course": "assessors", "day": early, "capacity": 60, "n": 12, **online},
        {"course": "executives", "day": mid, "capacity": 30, "n": 8, **sz, "organiser": "SZ"},
        {"course": "executives", "day": mid, "capacity": 40, "n": 9, **bj, "organiser": "BJ"},
        {
            "course": "auditors",
            "day": today + timedelta(days=21),
            "capacity": 10,
            "n": 9,
            **sz,
            "organiser": "GD",
            "one_left": True,
        },
        {"course": "fmea", "day": today + timedelta(days=14), "capacity": 40, "n": 6, **sz, "organiser": "SZ"},
    ]


def _people() -> tuple[list[User], list[User], dict[int, object]]:
    """Demo enterprise people (with their enterprises) and demo assessors, in a fixed order."""
    memberships = (
        Membership.objects.filter(role__in=sorted(ENTERPRISE_ROLES), is_active=True, user__is_active=True)
        .select_related("user", "enterprise")
        .order_by("user__username")
    )
    enterprise_of = {m.user_id: m.enterprise for m in memberships}
    people = [m.user for m in memberships]
    assessors = list(
        User.objects.filter(memberships__role=Role.ASSESSOR, memberships__is_active=True)
        .distinct()
        .order_by("username")
    )
    return people, assessors, enterprise_of


@transaction.atomic
def seed_training(*, rng: random.Random, by: User) -> dict:
    if Course.objects.filter(title_zh__contains=DEMO).exists():
        return {"courses": Course.objects.filter(title_zh__contains=DEMO).count()}
    authorities = {a.code: a for a in Authority.objects.filter(code__in=["GD", "SZ", "BJ"])}
    courses = {}
    for spec in COURSES:
        values = {k: v for k, v in spec.items() if k not in ("key", "authority", "methods")}
        courses[spec["key"]] = Course.objects.create(
            **values, authority=authorities.get(spec["authority"]), status=CourseStatus.PUBLISHED, created_by=by
        )
        courses[spec["key"]].methods.set(Method.objects.filter(code__in=spec["methods"]))  # loaded by load_methods
    people, assessors, enterprise_of = _people()
    home = [u for u in people if u.username == "enterprise_admin"]
    others = [u for u in people if u.username not in ("enterprise_admin", "enterprise_member")]
    now = timezone.now()
    today = timezone.localdate()
    counts = {"sessions": 0, "enrolments": 0, "completions": 0}
    for plan in _plan(today):
        course = courses[plan["course"]]
        starts = _at(plan["day"], 9)
        if plan["course"] == "assessors":
            chosen = assessors[: plan["n"]]
        else:
            pool = others[:]
            rng.shuffle(pool)
            # The demo (Shenzhen) enterprise's administrator takes part in the auditors' and executives' sessions
            # held in Guangdong; its member is left a place in the upcoming one.
            lead = home[:1] if plan["course"] in ("auditors", "executives") and plan["region"] != "110100" else []
            chosen = (lead + pool)[: plan["n"]]
        session = Session.objects.create(
            course=course,
            mode=plan["mode"],
            starts_at=starts,
            ends_at=starts + timedelta(hours=min(course.hours, 8)),
            place_zh=plan["place_zh"],
            place_en=plan["place_en"],
            region_id=plan["region"],
            organiser=authorities.get(plan["organiser"]) if plan["organiser"] else None,
            capacity=len(chosen) + 1 if plan.get("one_left") else plan["capacity"],
            status=plan.get("status", SessionStatus.OPEN if starts > now else SessionStatus.CLOSED),
            created_by=by,
        )
        counts["sessions"] += 1
        past = starts < now
        for person in chosen:
            enrolment = Enrolment.objects.create(
                session=session, person=person, enterprise=enterprise_of.get(person.pk), enrolled_by=person
            )
            counts["enrolments"] += 1
            if not past:
                continue
            draw = rng.random()
            enrolment.attended = draw < 0.85
            fields = ["attended"]
            if draw < 0.75:
                done = timezone.localdate(session.ends_at)
                enrolment.completed_on = done
                enrolment.certificate_number = certificate_number(enrolment, done)
                enrolment.hours_credited = course.hours
                fields += ["completed_on", "certificate_number", "hours_credited"]
                counts["completions"] += 1
            enrolment.save(update_fields=fields)
    counts["courses"] = len(courses)
    return counts
