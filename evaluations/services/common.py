"""Pieces the evaluation services share: their error type and the guards every write uses."""

from django.utils.translation import gettext as _

from accounts.models import User
from core.exceptions import DomainError, NotPermitted
from enterprises.models import Enterprise
from evaluations.choices import EvaluationStatus
from evaluations.models import (
    Evaluation,
    StatusChange,
)

RATING_VALUES = {"1", "0.8", "0.5", "0", "na"}


class EvaluationError(DomainError):
    default_code = "evaluation_error"


def require_member(user: User, enterprise: Enterprise) -> None:
    if not user.is_member_of(enterprise.pk):
        raise NotPermitted(_("Only the enterprise's own members fill in its self-assessment."))


def require_draft(evaluation: Evaluation) -> None:
    if evaluation.status != EvaluationStatus.DRAFT:
        raise EvaluationError(
            _("This self-assessment was submitted and is frozen; it can change only if it is returned."),
            code="not_draft",
        )


def record_history(evaluation: Evaluation, *, to: str, by: User | None, reason: str = "", previous: str = "") -> None:
    StatusChange.objects.create(evaluation=evaluation, from_status=previous, to_status=to, by=by, reason=reason)
