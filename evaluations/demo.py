"""Demo self-assessments with a realistic spread: most enterprises at inspection or assurance, few higher."""

import random
from decimal import Decimal

from django.utils import timezone

from accounts.models import User
from enterprises import credit_code
from enterprises.models import Enterprise, Industry, Region
from evaluations import selectors
from evaluations.choices import EvaluationStatus
from evaluations.models import (
    Answer,
    ConflictDeclaration,
    Evaluation,
    EvaluationModel,
    Institution,
    Qualification,
    StatusChange,
)

CAPABILITY_WEIGHTS = {1: 12, 2: 38, 3: 35, 4: 12, 5: 3}


def demo_rating(rng: random.Random, requirement_level: int, capability: int) -> str:
    if requirement_level <= capability:
        # Practice at the enterprise's level is mostly in place; now and then a gap holds it back.
        return rng.choices(["1", "0.8", "0.5"], weights=[60, 39, 1])[0]
    if requirement_level == capability + 1:
        return rng.choices(["0.8", "0.5", "0"], weights=[3, 4, 3])[0]
    return rng.choices(["0.5", "0"], weights=[1, 4])[0]


def seed_evaluations(*, rng: random.Random, enterprises: list[Enterprise], by: User, share: float = 0.4) -> int:
    """Self-assessments for a share of the verified enterprises; idempotent (one per enterprise and cycle)."""
    model = selectors.model_latest(code="QMC-2024")
    if model is None:
        return 0
    requirements = list(model.requirements.all())
    year = timezone.localdate().year
    created = 0
    for enterprise in enterprises:
        if enterprise.status != "verified" or rng.random() > share:
            continue
        capability = rng.choices(list(CAPABILITY_WEIGHTS), weights=list(CAPABILITY_WEIGHTS.values()))[0]
        cycle = year - 1 if rng.random() < 0.5 else year
        submitted = rng.random() < 0.7
        answered = requirements if submitted else requirements[: int(len(requirements) * rng.uniform(0.2, 0.8))]
        ratings = {r.pk: demo_rating(rng, r.level, capability) for r in answered}
        decision = rng.random()  # drawn before the existence check, so a re-run makes the same draws
        if Evaluation.objects.filter(enterprise=enterprise, cycle=cycle).exists():
            continue
        evaluation = create_demo_evaluation(model, enterprise, cycle, by, ratings, submitted)
        if submitted:
            _authority_decision(evaluation, by=by, draw=decision)
        created += evaluation is not None
    return created


def _authority_decision(evaluation: Evaluation, *, by: User, draw: float) -> None:
    """About a third of the submitted ones are accepted by their authority, a few returned with a reason."""
    if draw < 0.3:
        target, reason = EvaluationStatus.ACCEPTED, ""
    elif draw < 0.38:
        target, reason = EvaluationStatus.DRAFT, "请补充1.7检验记录的佐证材料。Please add evidence for 1.7."
    else:
        return
    StatusChange.objects.create(
        evaluation=evaluation, from_status=evaluation.status, to_status=target, by=by, reason=reason or "demo data"
    )
    evaluation.status = target
    if target == EvaluationStatus.DRAFT:
        evaluation.submitted_at = None
    evaluation.save(update_fields=["status", "submitted_at"])
    offered = selectors.institutions_for(enterprise=evaluation.enterprise) if draw < 0.15 else []
    if offered:  # half of the accepted ones already have their institution
        StatusChange.objects.create(
            evaluation=evaluation,
            from_status=evaluation.status,
            to_status=EvaluationStatus.ASSIGNED,
            by=by,
            reason="demo data",
        )
        evaluation.status, evaluation.institution = EvaluationStatus.ASSIGNED, offered[0]
        evaluation.save(update_fields=["status", "institution"])


def create_demo_evaluation(
    model: EvaluationModel, enterprise: Enterprise, cycle: int, by: User, ratings: dict, submitted: bool
) -> Evaluation:
    evaluation = Evaluation.objects.create(enterprise=enterprise, model=model, cycle=cycle, started_by=by)
    Answer.objects.bulk_create(
        Answer(evaluation=evaluation, requirement_id=pk, rating=rating, updated_by=by) for pk, rating in ratings.items()
    )
    StatusChange.objects.create(evaluation=evaluation, to_status=EvaluationStatus.DRAFT, by=by, reason="demo data")
    if submitted:
        result = selectors.evaluation_estimate(evaluation=evaluation)
        evaluation.status = EvaluationStatus.SUBMITTED
        evaluation.submitted_at = timezone.now()
        evaluation.self_level = result.level
        evaluation.self_score = Decimal(str(round(result.score, 4)))
        evaluation.self_result = selectors.result_as_dict(result, model=model)
        evaluation.save(update_fields=["status", "submitted_at", "self_level", "self_score", "self_result"])
        StatusChange.objects.create(
            evaluation=evaluation,
            from_status=EvaluationStatus.DRAFT,
            to_status=EvaluationStatus.SUBMITTED,
            by=by,
            reason="demo data",
        )
    return evaluation


INSTITUTIONS = [
    # (first 17 characters of the credit code, zh, en, accredited regions, industries, years of validity)
    (
        "12440000MB2C3D4E5",
        "广东省质量管理能力评价中心",
        "Guangdong Quality Management Capability Evaluation Centre",
        ["440000"],
        [str(code) for code in range(33, 41)],
        3,
    ),
    ("12100000MC3D4E5F6", "中国制造质量评价研究院", "China Manufacturing Quality Evaluation Institute", None, None, 3),
    (
        "12110000MD4E5F6G7",
        "北京卓越质量评价有限公司",
        "Beijing Excellence Quality Evaluation Co.",
        ["110000", "120000", "130000"],
        [str(code) for code in range(13, 31)],
        2,
    ),
]


def seed_institutions(*, rng: random.Random) -> list:
    """Three institutions (one accredited nationwide), idempotent by credit code."""
    today = timezone.localdate()
    institutions = []
    for prefix, name_zh, name_en, regions, industries, years in INSTITUTIONS:
        code = credit_code.with_check_character(prefix)
        institution, created = Institution.objects.get_or_create(
            credit_code=code,
            defaults={
                "name_zh": name_zh,
                "name_en": name_en,
                "accredited_from": today.replace(year=today.year - 1),
                "accredited_until": today.replace(year=today.year - 1 + years),
            },
        )
        if created:
            institution.accredited_regions.set(
                Region.objects.filter(code__in=regions) if regions else Region.objects.filter(level="province")
            )
            institution.accredited_industries.set(
                Industry.objects.filter(code__in=industries) if industries else Industry.objects.all()
            )
        institutions.append(institution)
    return institutions


def seed_assessor_records(*, assessor: User, lead: User, conflicted_with: Enterprise) -> None:
    """Qualifications for the demo assessors, one expired, and a declared consulting tie (a real conflict)."""
    today = timezone.localdate()
    for user, grade in ((assessor, "assessor"), (lead, "lead")):
        for code in ("38", "39", "40"):
            Qualification.objects.get_or_create(
                assessor=user,
                industry=Industry.objects.get(code=code),
                defaults={"grade": grade, "valid_until": today.replace(year=today.year + 2), "training_hours": 48},
            )
    Qualification.objects.get_or_create(
        assessor=assessor,
        industry=Industry.objects.get(code="36"),
        defaults={"grade": "assessor", "valid_until": today.replace(year=today.year - 1), "training_hours": 16},
    )
    ConflictDeclaration.objects.get_or_create(
        assessor=assessor,
        enterprise=conflicted_with,
        kind="consulting",
        defaults={
            "started": today.replace(year=today.year - 2),
            "ended": today.replace(year=today.year - 1),
            "note": "质量体系咨询 / QMS consulting",
        },
    )
