"""Evaluation institutions, their assessors, and the conflict-of-interest check."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import AuditAction, Role
from accounts.models import User
from accounts.services import audit_record, membership_grant, user_create
from core.exceptions import NotPermitted
from enterprises.models import Enterprise
from evaluations import coi
from evaluations.models import (
    ConflictDeclaration,
    Evaluation,
    Institution,
    Qualification,
)
from evaluations.services.common import EvaluationError


def _require_institution_admin(user: User, institution: Institution) -> None:
    if not any(
        m.role == Role.INSTITUTION_ADMIN and m.institution_id == institution.pk for m in user.active_memberships
    ):
        raise NotPermitted(_("Only the institution's administrator manages its assessors."))


def _institution_of(assessor: User) -> Institution | None:
    membership = assessor.memberships.filter(role__in=[Role.ASSESSOR, Role.INSTITUTION_ADMIN]).first()
    return membership.institution if membership else None


@transaction.atomic
def assessor_add(
    *,
    institution: Institution,
    username: str,
    display_name: str,
    email: str,
    password: str,
    by: User,
    request: HttpRequest | None = None,
) -> User:
    """The institution's administrator opens an account for a new assessor of the institution."""
    _require_institution_admin(by, institution)
    try:
        assessor = user_create(username=username, password=password, email=email, display_name=display_name)
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            raise
        raise ValidationError({"password1": exc.messages}) from exc  # the password policy's complaints
    membership_grant(user=assessor, role=Role.ASSESSOR, institution=institution, by=by, request=request)
    return assessor


@transaction.atomic
def qualification_save(
    *,
    assessor: User,
    industry,
    grade: str,
    valid_until,
    training_hours: int,
    by: User,
    request: HttpRequest | None = None,
) -> Qualification:
    """Record (or renew) an assessor's qualification for one industry."""
    institution = _institution_of(assessor)
    if institution is None:
        raise EvaluationError(_("{user} is not an assessor of an institution.").format(user=assessor), code="no_inst")
    _require_institution_admin(by, institution)
    qualification = Qualification.objects.filter(assessor=assessor, industry=industry).first() or Qualification(
        assessor=assessor, industry=industry
    )
    qualification.grade, qualification.valid_until, qualification.training_hours = grade, valid_until, training_hours
    qualification.full_clean()
    qualification.save()
    audit_record(
        action=AuditAction.UPDATE,
        actor=by,
        request=request,
        target=qualification,
        details={"grade": grade, "valid_until": str(valid_until)},
    )
    return qualification


@transaction.atomic
def declaration_add(
    *,
    assessor: User,
    enterprise_credit_code: str,
    kind: str,
    started,
    ended=None,
    note: str = "",
    by: User,
    request: HttpRequest | None = None,
) -> ConflictDeclaration:
    """Record an assessor's tie to an enterprise; the assessor or the institution's administrator declares it."""
    institution = _institution_of(assessor)
    if by != assessor:
        if institution is None:
            raise NotPermitted(_("Only the assessor or the institution's administrator declares ties."))
        _require_institution_admin(by, institution)
    enterprise = Enterprise.objects.filter(credit_code=enterprise_credit_code).first()
    if enterprise is None:
        raise ValidationError({"credit_code": _("No enterprise with this code is registered on the platform.")})
    if ended is not None and ended < started:
        raise ValidationError({"ended": _("The end cannot come before the start.")})
    declaration = ConflictDeclaration(
        assessor=assessor, enterprise=enterprise, kind=kind, started=started, ended=ended, note=note
    )
    declaration.full_clean()
    declaration.save()
    audit_record(action=AuditAction.CREATE, actor=by, request=request, target=declaration)
    return declaration


def _assessed_previous_cycle(assessor: User, enterprise: Enterprise, evaluation) -> bool:
    earlier = Evaluation.objects.filter(enterprise=enterprise, team__isnull=False)
    if evaluation is not None:
        earlier = earlier.filter(cycle__lt=evaluation.cycle)
    previous = earlier.order_by("-cycle").first()
    return previous is not None and previous.team.filter(assessor=assessor).exists()


def declared_ties(person: User, enterprise: Enterprise) -> tuple[frozenset[int], list[coi.Tie]]:
    """The enterprise's group (itself, its parent, the parent's other subsidiaries, its own subsidiaries) and the
    ties ``person`` declared to any of them (``ConflictDeclaration``: assessors and experts alike)."""
    group = {enterprise.pk}
    if enterprise.parent_id:
        group |= {enterprise.parent_id}
        group |= set(Enterprise.objects.filter(parent_id=enterprise.parent_id).values_list("pk", flat=True))
    group |= set(Enterprise.objects.filter(parent_id=enterprise.pk).values_list("pk", flat=True))
    ties = [
        coi.Tie(kind=d.kind, enterprise_id=d.enterprise_id, started=d.started, ended=d.ended)
        for d in ConflictDeclaration.objects.filter(assessor=person, enterprise_id__in=group)
    ]
    return frozenset(group), ties


def conflict_check(*, assessor: User, enterprise: Enterprise, evaluation=None, on=None) -> list[coi.Conflict]:
    """Why ``assessor`` may not evaluate ``enterprise`` (empty list: free to assign).

    The previous cycle is the enterprise's latest evaluation with an on-site team before ``evaluation`` (or
    before now, when no evaluation is given).
    """
    on = on or timezone.localdate()
    group, ties = declared_ties(assessor, enterprise)
    credentials = [
        coi.Credential(industry=q.industry_id, grade=q.grade, valid_until=q.valid_until)
        for q in Qualification.objects.filter(assessor=assessor)
    ]
    return coi.conflicts(
        enterprise_id=enterprise.pk,
        group_ids=group,
        industry=enterprise.industry_id,
        ties=ties,
        credentials=credentials,
        assessed_previous_cycle=_assessed_previous_cycle(assessor, enterprise, evaluation),
        on=on,
    )
