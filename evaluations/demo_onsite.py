"""Demo on-site evaluations in every state, made through the real services (so history and audit rows are
real too): a team assigned but rating, one where the demo assessor already submitted, consensus, a result
waiting for the authority, results in public notice (one with objections), published certificates, one
expired and one revoked. Idempotent: an evaluation that already has a team is left as it is.
"""

import random
from datetime import timedelta
from statistics import median_low

from django.utils import timezone

from accounts.choices import Role
from accounts.models import User
from accounts.services import membership_grant, user_create
from enterprises.models import Enterprise, Industry
from evaluations import selectors, services
from evaluations.choices import EvaluationStatus
from evaluations.demo import create_demo_evaluation, demo_rating
from evaluations.models import Certificate, Evaluation, Institution, Qualification
from evaluations.services import publication

STRENGTH = "来料检验记录完整 Complete incoming inspection records"
IMPROVEMENT = "质量目标未分解到班组 Quality targets not cascaded to teams"
OBJECTION = "该企业去年发生过产品召回, 请核实。The enterprise had a product recall last year; please check."
REVOCATION = "抽查发现重大质量问题 A major quality problem found in a spot check"
EXTRA_ASSESSORS = [("assessor_li", "李评价员 Assessor Li"), ("assessor_wang", "王评价员 Assessor Wang")]
INDUSTRIES = [str(code) for code in range(33, 41)]  # what the Guangdong demo institution is accredited for
# The stage each chosen evaluation is taken to, in order.
STAGES = [
    "on_site",
    "on_site_submitted",
    "consensus",
    "result_submitted",
    "notice",
    "notice_objections",
    "published",
    "expired",
    "revoked",
    "published",
    "published",
]
NEIGHBOUR = {"1": ["1", "0.8"], "0.8": ["1", "0.8", "0.5"], "0.5": ["0.8", "0.5", "0"], "0": ["0.5", "0"]}


def _assessors(institution: Institution, *, password: str) -> list[User]:
    today = timezone.localdate()
    people = []
    for username, display_name in EXTRA_ASSESSORS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = user_create(
                username=username,
                password=password,
                display_name=display_name,
                email=f"{username}@example.com",
                shared_hash=True,
            )
            membership_grant(user=user, role=Role.ASSESSOR, institution=institution)
        people.append(user)
    for user in [*people, User.objects.get(username="lead_assessor")]:
        grade = "lead" if user.username == "lead_assessor" else "assessor"
        for code in INDUSTRIES:
            Qualification.objects.get_or_create(
                assessor=user,
                industry=Industry.objects.get(code=code),
                defaults={"grade": grade, "valid_until": today + timedelta(days=700), "training_hours": 40},
            )
    return people


def _ratings_like(rng: random.Random, evaluation: Evaluation, leniency: float) -> dict[str, tuple[str, str]]:
    """An assessor's ratings: close to the self-assessment, a little stricter (or more lenient) by temperament."""
    spec = selectors.model_spec(model=evaluation.model)
    own = dict(evaluation.answers.values_list("requirement__code", "rating"))
    entries = {}
    for requirement in spec.requirements:
        value = own.get(requirement.code) or "0"
        if value == "na":
            value = "0.5"
        options = NEIGHBOUR[value]
        # Mostly what the enterprise said; a lenient assessor drifts up, a strict one down.
        weights = [4.0 if o == value else max(0.2, 1.0 + (leniency if o > value else -leniency)) for o in options]
        entries[requirement.code] = (rng.choices(options, weights=weights)[0], "")
    for condition in spec.conditions:
        entries[condition.code] = ("yes", "")
    return entries


def _advance(evaluation, stage, *, rng, people, authority, lead, admin, institution):
    if evaluation.status == EvaluationStatus.SUBMITTED:
        evaluation = services.evaluation_review(evaluation=evaluation, accept=True, by=authority)
    if evaluation.status == EvaluationStatus.ACCEPTED:
        evaluation = services.evaluation_assign_institution(
            evaluation=evaluation, institution=institution, by=authority
        )
    members = [p for p in people if not services.conflict_check(assessor=p, enterprise=evaluation.enterprise)][:2]
    evaluation = services.team_assign(evaluation=evaluation, lead=lead, members=members, by=admin)
    team = [lead, *members]
    sheets = {}
    for person, leniency in zip(team, (0.0, 0.6, -0.4), strict=False):
        sheets[person] = _ratings_like(rng, evaluation, leniency)
        services.ratings_save(evaluation=evaluation, entries=sheets[person], by=person)
    if stage == "on_site":
        return
    submitters = team if stage != "on_site_submitted" else [p for p in team if p.username == "assessor"] or team[1:2]
    for person in submitters:
        services.ratings_submit(evaluation=evaluation, by=person)
    if stage == "on_site_submitted":
        return
    evaluation.refresh_from_db()
    agreed = {}
    for code in sheets[lead]:
        values = [sheets[p][code][0] for p in team]
        if code in {c.code for c in selectors.model_spec(model=evaluation.model).conditions}:
            agreed[code] = ("yes", "")
            continue
        chosen = median_low(sorted(values, key=float))
        note = "现场复核记录后取中间值 Agreed after reviewing the records on site" if len(set(values)) > 1 else ""
        agreed[code] = (chosen, note)
    services.consensus_save_many(evaluation=evaluation, entries=agreed, by=lead)
    services.finding_add(
        evaluation=evaluation, kind="strength", text="来料检验记录完整 Complete incoming inspection records", by=lead
    )
    services.finding_add(
        evaluation=evaluation,
        kind="improvement",
        text="质量目标未分解到班组 Quality targets not cascaded to teams",
        by=lead,
    )
    if stage == "consensus":
        return
    evaluation = services.result_submit(evaluation=evaluation, by=lead)
    if stage == "result_submitted":
        return
    evaluation = publication.result_approve(evaluation=evaluation, by=authority)
    if stage == "notice_objections":
        publication.objection_raise(
            evaluation=evaluation,
            name="张先生 Mr Zhang",
            contact="zhang@example.com",
            text=OBJECTION,
        )
    if stage.startswith("notice"):
        return
    Evaluation.objects.filter(pk=evaluation.pk).update(notice_until=timezone.localdate() - timedelta(days=1))
    evaluation.refresh_from_db()
    evaluation = publication.result_publish(evaluation=evaluation, by=authority)
    certificate = Certificate.objects.filter(evaluation=evaluation).first()
    if certificate is None:
        return
    if stage == "expired":
        Certificate.objects.filter(pk=certificate.pk).update(
            issued_on=timezone.localdate() - timedelta(days=3 * 365 + 10),
            valid_until=timezone.localdate() - timedelta(days=9),
        )
        publication.certificates_expire()
    elif stage == "revoked":
        publication.certificate_revoke(
            certificate=certificate,
            reason="抽查发现重大质量问题 A major quality problem found in a spot check",
            by=authority,
        )


def _candidates(rng: random.Random, *, wanted: int, by: User) -> list[Evaluation]:
    """Submitted Guangdong self-assessments the demo institution may evaluate; where there are too few, last
    year's submitted self-assessment is added for more of its enterprises."""
    model = selectors.model_latest(code="QMC-2024")
    waiting = Evaluation.objects.filter(
        enterprise__region__code__startswith="44",
        enterprise__industry__in=INDUSTRIES,
        status__in=[EvaluationStatus.SUBMITTED, EvaluationStatus.ACCEPTED],
        self_level__gte=1,
    )
    year = timezone.localdate().year - 1
    free = (
        Enterprise.objects.filter(region__code__startswith="44", industry__in=INDUSTRIES, status="verified")
        .exclude(evaluations__cycle=year)
        .exclude(memberships__isnull=False)  # the demo enterprises keep their own story
        .order_by("pk")
    )
    requirements = list(model.requirements.all()) if model else []
    spare = max(0, wanted + 3 - waiting.count()) if wanted > 0 else 0  # none once every stage is taken (re-runs)
    for enterprise in free[:spare]:  # a few spare: one per enterprise below
        capability = rng.choice([2, 3, 3, 4])
        ratings = {r.pk: demo_rating(rng, r.level, capability) for r in requirements}
        create_demo_evaluation(model, enterprise, year, by, ratings, submitted=True)
    chosen, seen = [], set(Evaluation.objects.filter(team__isnull=False).values_list("enterprise_id", flat=True))
    for evaluation in waiting.select_related("enterprise", "model").order_by("pk"):
        if evaluation.enterprise_id not in seen and len(chosen) < wanted:  # one per enterprise: no previous cycle
            chosen.append(evaluation)
            seen.add(evaluation.enterprise_id)
    return sorted(chosen, key=lambda e: (e.self_level, e.pk))  # the stronger ones go furthest (certificates)


def seed_onsite(*, rng: random.Random, institution: Institution, password: str) -> dict[str, int]:
    """Take some Guangdong self-assessments (industries the demo assessors are qualified for) through the
    on-site evaluation to the stages in ``STAGES``."""
    authority = User.objects.get(username="authority_gd")
    lead = User.objects.get(username="lead_assessor")
    admin = User.objects.get(username="institution_admin")
    people = [User.objects.get(username="assessor"), *_assessors(institution, password=password)]
    done = Evaluation.objects.filter(institution=institution, team__isnull=False).distinct().count()
    candidates = _candidates(rng, wanted=len(STAGES) - done, by=User.objects.get(username="admin"))
    counts: dict[str, int] = {}
    for evaluation, stage in zip(candidates, STAGES[done:], strict=False):
        _advance(
            evaluation,
            stage,
            rng=rng,
            people=people,
            authority=authority,
            lead=lead,
            admin=admin,
            institution=institution,
        )
        counts[stage] = counts.get(stage, 0) + 1
    return counts
