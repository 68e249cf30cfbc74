"""The enterprise's self-assessment: start, answers, eligibility, evidence."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import AuditAction
from accounts.models import User
from accounts.services import audit_record
from enterprises.choices import VerificationStatus
from enterprises.models import Enterprise
from evaluations import file_types, selectors
from evaluations.choices import EvaluationStatus
from evaluations.diagnosis import prefill_ratings
from evaluations.models import (
    Answer,
    EligibilityAnswer,
    EligibilityCondition,
    Evaluation,
    Evidence,
    Indicator,
    Requirement,
)
from evaluations.services.common import RATING_VALUES, EvaluationError, record_history, require_draft, require_member


@transaction.atomic
def evaluation_start(
    *, enterprise: Enterprise, by: User, cycle: int | None = None, request: HttpRequest | None = None
) -> Evaluation:
    """Open a self-assessment for this cycle on the newest active model version (one per enterprise and cycle)."""
    require_member(by, enterprise)
    if enterprise.status != VerificationStatus.VERIFIED:
        raise EvaluationError(_("The enterprise must be verified by its authority first."), code="not_verified")
    cycle = cycle or timezone.localdate().year
    if Evaluation.objects.filter(enterprise=enterprise, cycle=cycle).exists():
        raise EvaluationError(
            _("Your enterprise already has a self-assessment for {cycle}.").format(cycle=cycle), code="exists"
        )
    model = selectors.model_latest(code=settings.EVALUATION_MODEL_CODE)
    if model is None:
        raise EvaluationError(_("No evaluation model is loaded yet."), code="no_model")
    evaluation = Evaluation.objects.create(enterprise=enterprise, model=model, cycle=cycle, started_by=by)
    record_history(evaluation, to=EvaluationStatus.DRAFT, by=by)
    audit_record(action=AuditAction.CREATE, actor=by, request=request, target=evaluation)
    return evaluation


@transaction.atomic
def evaluation_start_from_diagnosis(
    *, enterprise: Enterprise, by: User, choices: dict[str, int], request: HttpRequest | None = None
) -> Evaluation:
    """Start this cycle's self-assessment with the answers a self-diagnosis implied, to be checked one by one."""
    evaluation = evaluation_start(enterprise=enterprise, by=by, request=request)
    ratings = prefill_ratings(model=evaluation.model, choices=choices)
    requirements = dict(evaluation.model.requirements.values_list("code", "pk"))
    note = _("Prefilled from the self-diagnosis; check it.")
    Answer.objects.bulk_create(
        Answer(evaluation=evaluation, requirement_id=requirements[code], rating=rating, comment=note, updated_by=by)
        for code, rating in ratings.items()
    )
    audit_record(
        action=AuditAction.UPDATE,
        actor=by,
        request=request,
        target=evaluation,
        details={"prefilled_from": "self-diagnosis", "answers": len(ratings)},
    )
    return evaluation


@transaction.atomic
def answer_save(
    *,
    evaluation: Evaluation,
    requirement_code: str,
    rating: str,
    by: User,
    na_reason: str = "",
    comment: str = "",
    request: HttpRequest | None = None,
) -> Answer:
    """Save one answer as the user changes it. ``rating`` "" clears it. Nothing is saved if anything is wrong."""
    require_member(by, evaluation.enterprise)
    require_draft(evaluation)
    requirement = Requirement.objects.filter(model=evaluation.model, code=requirement_code).first()
    if requirement is None:
        raise ValidationError(
            {"requirement": _("{code} is not a requirement of this evaluation's model.").format(code=requirement_code)}
        )
    rating = str(rating).strip()
    errors = {}
    if rating and rating not in RATING_VALUES:
        errors["rating"] = _("{value} is not on the rating scale (1, 0.8, 0.5, 0 or N/A).").format(value=rating)
    elif rating == "na" and not requirement.na_allowed:
        errors["rating"] = _("N/A is not allowed for this requirement.")
    elif rating == "na" and not na_reason.strip():
        errors["na_reason"] = _("Say why the requirement does not apply.")
    if errors:
        raise ValidationError(errors)
    answer = Answer.objects.filter(evaluation=evaluation, requirement=requirement).first()
    previous = answer.rating if answer else ""
    if answer is None:
        answer = Answer(evaluation=evaluation, requirement=requirement)
    answer.rating, answer.na_reason, answer.comment, answer.updated_by = (
        rating,
        na_reason.strip() if rating == "na" else "",
        comment.strip(),
        by,
    )
    answer.save()
    if previous != rating:
        audit_record(
            action=AuditAction.UPDATE,
            actor=by,
            request=request,
            target=evaluation,
            details={"requirement": requirement.code, "from": previous, "to": rating},
        )
    return answer


@transaction.atomic
def eligibility_save(
    *, evaluation: Evaluation, condition_code: str, holds: bool, by: User, request: HttpRequest | None = None
) -> EligibilityAnswer:
    require_member(by, evaluation.enterprise)
    require_draft(evaluation)
    condition = EligibilityCondition.objects.filter(model=evaluation.model, code=condition_code).first()
    if condition is None:
        raise ValidationError({"condition": _("{code} is not a condition of this model.").format(code=condition_code)})
    answer, _created = EligibilityAnswer.objects.update_or_create(
        evaluation=evaluation, condition=condition, defaults={"holds": holds}
    )
    audit_record(
        action=AuditAction.UPDATE,
        actor=by,
        request=request,
        target=evaluation,
        details={"condition": condition.code, "holds": holds},
    )
    return answer


@transaction.atomic
def evidence_upload(
    *, evaluation: Evaluation, indicator_code: str, upload: UploadedFile, by: User, request: HttpRequest | None = None
) -> Evidence:
    """Keep an evidence file: type checked by content, size limited, stored under its SHA-256, versioned by name."""
    require_member(by, evaluation.enterprise)
    require_draft(evaluation)
    indicator = Indicator.objects.filter(model=evaluation.model, code=indicator_code).first()
    if indicator is None:
        raise ValidationError({"indicator": _("{code} is not an indicator of this model.").format(code=indicator_code)})
    accepted = file_types.accept_upload(upload, max_bytes=settings.EVIDENCE_MAX_BYTES)
    name = accepted.name
    version = Evidence.objects.filter(evaluation=evaluation, indicator=indicator, original_name=name).count() + 1
    evidence = Evidence(
        evaluation=evaluation,
        indicator=indicator,
        original_name=name,
        content_type=accepted.content_type,
        size=accepted.size,
        sha256=accepted.sha256,
        version=version,
        uploaded_by=by,
    )
    evidence.file.save(name, upload, save=False)
    evidence.save()
    audit_record(
        action=AuditAction.CREATE, actor=by, request=request, target=evidence, details={"sha256": evidence.sha256}
    )
    return evidence
