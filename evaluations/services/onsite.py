"""The on-site evaluation: the institution assigns a team, assessors rate independently, the lead records the
consensus and findings and submits the result (ARCHITECTURE §6).

Conflicts of interest are checked at assignment (``institutions.conflict_check``); the authority may override a
conflict for one assessor with a written reason, which is audit-logged. Each assessor's ratings are theirs
alone until they submit them; the last submission opens the consensus. The engine scores the consensus, and
only the consensus decides the official level.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import AuditAction, Role
from accounts.models import User
from accounts.scoping import scope
from accounts.services import audit_record
from core.exceptions import NotPermitted
from evaluations import ratings as rules
from evaluations import scoring, selectors
from evaluations.choices import CONFLICT_LABELS, EvaluationStatus, TeamRole
from evaluations.models import (
    ConflictOverride,
    EligibilityCondition,
    Evaluation,
    Finding,
    Qualification,
    Requirement,
    TeamMember,
)
from evaluations.services.common import EvaluationError
from evaluations.services.institutions import conflict_check
from evaluations.services.workflow import _record, _transition

MIN_ASSESSORS_FROM_LEVEL = 3  # a self-assessed level of 3 or more needs at least two assessors besides the lead
MIN_ASSESSORS = 2


def _require_institution_admin_of(user: User, evaluation: Evaluation) -> None:
    if not any(
        m.role == Role.INSTITUTION_ADMIN and m.institution_id == evaluation.institution_id
        for m in user.active_memberships
    ):
        raise NotPermitted(_("Only the administrator of the assigned institution chooses the team."))


def _conflict_codes(assessor: User, evaluation: Evaluation) -> list[str]:
    return [
        conflict.code
        for conflict in conflict_check(assessor=assessor, enterprise=evaluation.enterprise, evaluation=evaluation)
    ]


@transaction.atomic
def conflict_override(
    *, evaluation: Evaluation, assessor: User, reason: str, by: User, request: HttpRequest | None = None
) -> ConflictOverride:
    """The authority allows one assessor despite their conflicts, in writing; the override is audit-logged."""
    if not by.has_role(Role.AUTHORITY, Role.NATIONAL):
        raise NotPermitted(_("Only the authority can override a conflict of interest."))
    if not scope(by, Evaluation.objects.filter(pk=evaluation.pk), published=False).exists():
        raise NotPermitted(_("This enterprise is outside your area."))
    if not reason.strip():
        raise ValidationError({"reason": _("Write the reason for the override; it is kept in the audit log.")})
    conflicts = _conflict_codes(assessor, evaluation)
    if not conflicts:
        raise EvaluationError(_("{user} has no conflict to override.").format(user=assessor), code="no_conflict")
    override, _created = ConflictOverride.objects.update_or_create(
        evaluation=evaluation, assessor=assessor, defaults={"conflicts": conflicts, "reason": reason.strip(), "by": by}
    )
    audit_record(
        action=AuditAction.UPDATE,
        actor=by,
        request=request,
        target=evaluation,
        details={"override": assessor.username, "conflicts": conflicts, "reason": reason.strip()},
    )
    return override


def _team_problems(evaluation: Evaluation, lead: User, members: list[User]) -> dict[str, list[str]]:
    """Every reason the proposed team cannot be assigned, by form field."""
    problems: dict[str, list[str]] = {}
    if lead in members:
        problems.setdefault("members", []).append(_("The lead assessor is not also a member."))
    if len(set(members)) != len(members):
        problems.setdefault("members", []).append(_("Each assessor once."))
    needed = MIN_ASSESSORS if (evaluation.self_level or 0) >= MIN_ASSESSORS_FROM_LEVEL else 0
    if len(set(members)) < needed:
        problems.setdefault("members", []).append(
            _("A self-assessed level of {level} needs at least {count} assessors besides the lead.").format(
                level=evaluation.self_level, count=needed
            )
        )
    institution_people = set(
        User.objects.filter(
            memberships__institution=evaluation.institution_id,
            memberships__role=Role.ASSESSOR,
            memberships__is_active=True,
        ).values_list("pk", flat=True)
    )
    overridden = set(ConflictOverride.objects.filter(evaluation=evaluation).values_list("assessor_id", flat=True))
    for field, people in (("lead", [lead]), ("members", members)):
        for person in people:
            if person.pk not in institution_people:
                problems.setdefault(field, []).append(
                    _("{user} is not an assessor of this institution.").format(user=person)
                )
                continue
            codes = [] if person.pk in overridden else _conflict_codes(person, evaluation)
            if codes:
                reasons = ", ".join(str(CONFLICT_LABELS[code]) for code in codes)
                problems.setdefault(field, []).append(
                    _("{user} is blocked: {reasons}. The authority can override with a written reason.").format(
                        user=person, reasons=reasons
                    )
                )
    if (
        lead.pk not in overridden
        and not Qualification.objects.filter(
            assessor=lead,
            industry=evaluation.enterprise.industry_id,
            grade=Qualification.Grade.LEAD,
            valid_until__gte=timezone.localdate(),
        ).exists()
    ):
        problems.setdefault("lead", []).append(
            _("{user} holds no valid lead-assessor qualification for this industry.").format(user=lead)
        )
    return problems


@transaction.atomic
def team_assign(
    *, evaluation: Evaluation, lead: User, members: list[User], by: User, request: HttpRequest | None = None
) -> Evaluation:
    """The institution's administrator assigns the on-site team: a lead and, for level ≥ 3 claims, two or more
    assessors; every conflict of interest blocks the assignment with its reason unless the authority overrode it.
    """
    _require_institution_admin_of(by, evaluation)
    evaluation, previous = _transition(evaluation, action="assign_team", by=by, request=request)
    problems = _team_problems(evaluation, lead, members)
    if problems:
        raise ValidationError(problems)
    TeamMember.objects.create(evaluation=evaluation, assessor=lead, role=TeamRole.LEAD, assigned_by=by)
    TeamMember.objects.bulk_create(
        TeamMember(evaluation=evaluation, assessor=member, role=TeamRole.MEMBER, assigned_by=by) for member in members
    )
    evaluation.save(update_fields=["status", "updated_at"])
    team = [lead.username, *(member.username for member in members)]
    _record(evaluation, previous=previous, by=by, reason="", request=request, team=team)
    return evaluation


_LOOK_UP = object()


def require_rater(user: User, evaluation: Evaluation, *, member=_LOOK_UP) -> TeamMember:
    """The user's place on the team, if they may still change their own ratings; otherwise the reason.

    The one guard for every way ratings come in (browser form, workbook, API). ``member``: the user's team row for
    the evaluation (None: not on the team), when the caller fetched those in one query for many evaluations.
    """
    if member is _LOOK_UP:
        member = TeamMember.objects.filter(evaluation=evaluation, assessor=user).first()
    if member is None:
        raise NotPermitted(_("Only the assessors on this evaluation's team rate it."))
    if evaluation.status != EvaluationStatus.ON_SITE:
        raise EvaluationError(
            _("Ratings can be entered only during the on-site evaluation; it is {status}.").format(
                status=evaluation.get_status_display()
            ),
            code="wrong_status",
        )
    if member.ratings_submitted_at is not None:
        raise EvaluationError(_("You submitted your ratings; they can no longer change."), code="ratings_submitted")
    return member


def _items(evaluation: Evaluation) -> dict[str, Requirement | EligibilityCondition]:
    items: dict = {r.code: r for r in Requirement.objects.filter(model=evaluation.model_id)}
    items.update({c.code: c for c in EligibilityCondition.objects.filter(model=evaluation.model_id)})
    return items


def _checked(evaluation: Evaluation, entries: dict[str, tuple[str, str]]) -> dict:
    """``entries`` (code → (value, comment)) with their items, after checking every one: all problems at once,
    keyed by item code, and nothing written when there is any."""
    items = _items(evaluation)
    problems: dict[str, str] = {}
    checked = {}
    for code, (value, comment) in entries.items():
        item = items.get(code)
        if item is None:
            problems[code] = _("“{code}” is not in this evaluation's model.").format(code=code)
            continue
        if value:
            if isinstance(item, Requirement):
                problem = rules.requirement_problem(value, na_allowed=item.na_allowed, comment=comment)
            else:
                problem = rules.condition_problem(value)
            if problem:
                problems[code] = problem
                continue
        checked[code] = (item, value, comment.strip())
    if problems:
        raise ValidationError(problems)
    return checked


def _item_field(item) -> dict:
    return {"requirement": item} if isinstance(item, Requirement) else {"condition": item}


def _write(rows, checked: dict, *, text: str, new: dict, changed: dict | None = None) -> int:
    """Bring ``rows`` (an assessor's ratings or the consensus) to the checked entries: create, change or (for an
    empty value) delete one row per item. Returns how many rows changed."""
    model = rows.model
    existing = {(row.requirement or row.condition).code: row for row in rows.select_related("requirement", "condition")}
    count = 0
    for code, (item, value, note) in checked.items():
        current = existing.get(code)
        if not value:
            if current is not None:
                current.delete()
                count += 1
        elif current is None:
            model.objects.create(value=value, **{text: note}, **new, **_item_field(item))
            count += 1
        elif (current.value, getattr(current, text)) != (value, note):
            current.value = value
            setattr(current, text, note)
            for field, field_value in (changed or {}).items():
                setattr(current, field, field_value)
            current.save(update_fields=["value", text, *(changed or {}), "updated_at"])
            count += 1
    return count


@transaction.atomic
def ratings_save(*, evaluation: Evaluation, entries: dict[str, tuple[str, str]], by: User) -> int:
    """Save the assessor's own ratings (code → (value, comment); an empty value clears one). Every entry is
    checked first; any problem (keyed by item code) and nothing is written. Returns how many rows changed."""
    require_rater(by, evaluation)
    checked = _checked(evaluation, entries)
    rows = evaluation.ratings.filter(assessor=by)
    return _write(rows, checked, text="comment", new={"evaluation": evaluation, "assessor": by})


def rating_save(*, evaluation: Evaluation, code: str, value: str, comment: str = "", by: User) -> None:
    """Save (or with an empty value, clear) the assessor's own rating of one requirement or condition."""
    ratings_save(evaluation=evaluation, entries={code: (value, comment)}, by=by)


def _item_codes(evaluation: Evaluation) -> list[str]:
    spec = selectors.model_spec(model=evaluation.model)
    return [r.code for r in spec.requirements] + [c.code for c in spec.conditions]


def _rated_codes(queryset) -> set[str]:
    return {req or cond for req, cond in queryset.values_list("requirement__code", "condition__code")}


@transaction.atomic
def ratings_submit(*, evaluation: Evaluation, by: User, request: HttpRequest | None = None) -> TeamMember:
    """The assessor submits their own ratings (every requirement and condition rated); they are then frozen and
    the colleagues' ratings become visible to them. The last team member to submit opens the consensus.
    """
    evaluation = Evaluation.objects.select_for_update().select_related("model", "enterprise").get(pk=evaluation.pk)
    member = require_rater(by, evaluation)
    missing = [
        code for code in _item_codes(evaluation) if code not in _rated_codes(evaluation.ratings.filter(assessor=by))
    ]
    if missing:
        raise EvaluationError(
            _("Rate every item before submitting; {count} are missing, first {code}.").format(
                count=len(missing), code=missing[0]
            ),
            code="incomplete",
        )
    member.ratings_submitted_at = timezone.now()
    member.save(update_fields=["ratings_submitted_at"])
    audit_record(
        action=AuditAction.UPDATE, actor=by, request=request, target=evaluation, details={"ratings": "submitted"}
    )
    if not evaluation.team.filter(ratings_submitted_at__isnull=True).exists():
        evaluation, previous = _transition(evaluation, action="ratings_complete", by=by, request=request)
        evaluation.save(update_fields=["status", "updated_at"])
        _record(evaluation, previous=previous, by=by, reason="", request=request)
    return member


def require_lead(user: User, evaluation: Evaluation) -> None:
    """NotPermitted unless ``user`` leads the evaluation's team: the guard of every consensus write."""
    if not TeamMember.objects.filter(evaluation=evaluation, assessor=user, role=TeamRole.LEAD).exists():
        raise NotPermitted(_("Only the lead assessor records the consensus."))


def _require_lead(user: User, evaluation: Evaluation) -> None:
    require_lead(user, evaluation)
    if evaluation.status != EvaluationStatus.CONSENSUS:
        raise EvaluationError(
            _("The consensus is recorded after every assessor has submitted; the evaluation is {status}.").format(
                status=evaluation.get_status_display()
            ),
            code="wrong_status",
        )


@transaction.atomic
def consensus_save_many(*, evaluation: Evaluation, entries: dict[str, tuple[str, str]], by: User) -> int:
    """The lead records agreed ratings (code → (value, note)); a note is required for every requirement whose
    team ratings spread by 0.5 or more. Everything is checked first; any problem and nothing is written."""
    _require_lead(by, evaluation)
    checked = _checked(evaluation, entries)
    team_values: dict[str, list[str]] = {}
    for code, value in evaluation.ratings.filter(requirement__isnull=False).values_list("requirement__code", "value"):
        team_values.setdefault(code, []).append(value)
    problems = {}
    for code, (item, value, note) in checked.items():
        difference = rules.spread(team_values.get(code, []))
        if value and isinstance(item, Requirement) and difference >= rules.NOTE_SPREAD and not note:
            problems[code] = _("The assessors' ratings differ by {spread}; write a note on how you agreed.").format(
                spread=difference
            )
    if problems:
        raise ValidationError(problems)
    rows = evaluation.consensus.all()
    return _write(
        rows, checked, text="note", new={"evaluation": evaluation, "updated_by": by}, changed={"updated_by": by}
    )


def consensus_save(*, evaluation: Evaluation, code: str, value: str, note: str = "", by: User) -> None:
    """The lead records the agreed rating of one item (see ``consensus_save_many``)."""
    consensus_save_many(evaluation=evaluation, entries={code: (value, note)}, by=by)


@transaction.atomic
def finding_add(*, evaluation: Evaluation, kind: str, text: str, indicator_code: str = "", by: User) -> Finding:
    _require_lead(by, evaluation)
    indicator = None
    if indicator_code:
        indicator = evaluation.model.indicators.filter(code=indicator_code).first()
        if indicator is None:
            raise ValidationError(
                {"indicator": _("“{code}” is not in this evaluation's model.").format(code=indicator_code)}
            )
    finding = Finding(evaluation=evaluation, kind=kind, text=text.strip(), indicator=indicator, by=by)
    finding.full_clean()
    finding.save()
    return finding


def consensus_inputs(evaluation: Evaluation) -> tuple[dict[str, scoring.Rating], dict[str, bool]]:
    """The engine's input from the consensus: ratings by requirement code, eligibility by condition code."""
    ratings: dict[str, scoring.Rating] = {}
    eligibility: dict[str, bool] = {}
    for req, cond, value in evaluation.consensus.values_list("requirement__code", "condition__code", "value"):
        if req:
            ratings[req] = scoring.NA if value == "na" else float(value)
        else:
            eligibility[cond] = rules.CONDITION_VALUES[value]
    return ratings, eligibility


@transaction.atomic
def result_submit(*, evaluation: Evaluation, by: User, request: HttpRequest | None = None) -> Evaluation:
    """The lead submits the result: every item has a consensus rating; the engine scores the consensus, and that
    score and level are the result the authority approves."""
    evaluation = Evaluation.objects.select_related("model", "enterprise").get(pk=evaluation.pk)
    _require_lead(by, evaluation)
    evaluation, previous = _transition(evaluation, action="submit_result", by=by, request=request)
    missing = [code for code in _item_codes(evaluation) if code not in _rated_codes(evaluation.consensus.all())]
    if missing:
        raise EvaluationError(
            _("Record a consensus for every item first; {count} are missing, first {code}.").format(
                count=len(missing), code=missing[0]
            ),
            code="incomplete",
        )
    ratings, eligibility = consensus_inputs(evaluation)
    result = scoring.score(selectors.model_spec(model=evaluation.model), ratings, eligibility)
    evaluation.official_level = result.level
    evaluation.official_score = Decimal(str(round(result.score, 4)))
    evaluation.official_result = selectors.result_as_dict(result, model=evaluation.model)
    evaluation.result_submitted_at = timezone.now()
    evaluation.save(
        update_fields=[
            "status",
            "official_level",
            "official_score",
            "official_result",
            "result_submitted_at",
            "updated_at",
        ]
    )
    _record(evaluation, previous=previous, by=by, reason="", request=request, level=result.level)
    return evaluation
