"""Lifecycle steps, checked against evaluations.workflow: submit, accept or return, assign an institution."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import AuditAction
from accounts.models import User
from accounts.scoping import scope
from accounts.services import audit_record
from core.exceptions import NotPermitted
from evaluations import selectors, workflow
from evaluations.models import (
    Evaluation,
    Institution,
)
from evaluations.services.common import EvaluationError, record_history, require_draft, require_member
from indices.facts import fact_sync


def _transition(
    evaluation: Evaluation, *, action: str, by: User | None, reason: str = "", request: HttpRequest | None = None
) -> tuple[Evaluation, str]:
    """Check ``action`` against the workflow table and the user's scope; lock the row; return it and its status.

    ``by=None`` is the platform itself (a scheduled task): allowed only for the table's PLATFORM steps, which in
    turn no person can take (no role matches an empty role set).
    """
    transition = workflow.TRANSITIONS[action]
    if by is None:
        if transition.roles != workflow.PLATFORM:
            raise NotPermitted(_("Only a person with the right role can take this step."))
    elif not by.has_role(*transition.roles):
        raise NotPermitted(_("Your role cannot take this step."))
    elif action == "submit":
        require_member(by, evaluation.enterprise)
    elif not scope(by, Evaluation.objects.filter(pk=evaluation.pk), published=False).exists():
        raise NotPermitted(_("This enterprise is outside your area."))
    evaluation = Evaluation.objects.select_for_update().select_related("enterprise", "model").get(pk=evaluation.pk)
    if evaluation.status != transition.source:
        if action == "submit":
            require_draft(evaluation)
        raise EvaluationError(
            _("This step is not possible now: the evaluation is {status}.").format(
                status=evaluation.get_status_display()
            ),
            code="wrong_status",
        )
    if transition.needs_reason and not reason.strip():
        raise ValidationError({"reason": _("Give the reason; the enterprise will read it.")})
    previous = evaluation.status
    evaluation.status = transition.target
    return evaluation, previous


def _record(evaluation: Evaluation, *, previous: str, by: User | None, reason: str, request, **details) -> None:
    """The history and audit rows of a step; and the summary facts follow the new state (indices.facts)."""
    record_history(evaluation, previous=previous, to=evaluation.status, by=by, reason=reason.strip())
    fact_sync(evaluation=evaluation)
    audit_record(
        action=AuditAction.STATE_CHANGE,
        actor=by,
        username="" if by is not None else "platform",
        request=request,
        target=evaluation,
        details={"from": previous, "to": evaluation.status, "reason": reason.strip(), **details},
    )


@transaction.atomic
def evaluation_submit(*, evaluation: Evaluation, by: User, request: HttpRequest | None = None) -> Evaluation:
    """Freeze the self-assessment and record its score; a history row says who and when."""
    evaluation, previous = _transition(evaluation, action="submit", by=by, request=request)
    result = selectors.evaluation_estimate(evaluation=evaluation)
    evaluation.submitted_at = timezone.now()
    evaluation.self_level = result.level
    evaluation.self_score = Decimal(str(round(result.score, 4)))
    evaluation.self_result = selectors.result_as_dict(result, model=evaluation.model)
    evaluation.save(update_fields=["status", "submitted_at", "self_level", "self_score", "self_result", "updated_at"])
    _record(evaluation, previous=previous, by=by, reason="", request=request, level=result.level)
    return evaluation


@transaction.atomic
def evaluation_assign_institution(
    *, evaluation: Evaluation, institution: Institution, by: User, request: HttpRequest | None = None
) -> Evaluation:
    """The authority assigns an institution accredited for the enterprise's region and industry."""
    evaluation, previous = _transition(evaluation, action="assign", by=by, request=request)
    institution = Institution.objects.prefetch_related("accredited_regions", "accredited_industries").get(
        pk=institution.pk
    )
    if not selectors.institution_accredited_for(institution, enterprise=evaluation.enterprise, on=timezone.localdate()):
        message = _("{institution} is not accredited for this enterprise's region and industry today.")
        raise ValidationError({"institution": message.format(institution=institution.name)})
    evaluation.institution = institution
    evaluation.save(update_fields=["status", "institution", "updated_at"])
    _record(evaluation, previous=previous, by=by, reason="", request=request, institution=institution.pk)
    return evaluation


@transaction.atomic
def evaluation_review(
    *, evaluation: Evaluation, accept: bool, by: User, reason: str = "", request: HttpRequest | None = None
) -> Evaluation:
    """The authority accepts a submitted self-assessment for on-site evaluation, or returns it for changes.

    A returned self-assessment is a draft again: the enterprise edits and resubmits it, and reads the reason.
    """
    evaluation, previous = _transition(
        evaluation, action="accept" if accept else "return", by=by, reason=reason, request=request
    )
    if not accept:
        evaluation.submitted_at = None
    evaluation.save(update_fields=["status", "submitted_at", "updated_at"])
    _record(evaluation, previous=previous, by=by, reason=reason, request=request)
    return evaluation
