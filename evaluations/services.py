"""Writes for evaluation models and self-assessments."""

import hashlib
import json
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import ENTERPRISE_ROLES, AuditAction, Role
from accounts.models import User
from accounts.scoping import scope
from accounts.services import audit_record, membership_grant, user_create
from core.exceptions import DomainError, NotPermitted
from enterprises.choices import VerificationStatus
from enterprises.models import Enterprise
from evaluations import coi, file_types, model_file, selectors, workflow
from evaluations.choices import EvaluationStatus
from evaluations.diagnosis import prefill_ratings
from evaluations.model_file import ModelFileError
from evaluations.models import (
    Answer,
    ConflictDeclaration,
    Dimension,
    EligibilityAnswer,
    EligibilityCondition,
    Evaluation,
    EvaluationModel,
    Evidence,
    Indicator,
    Institution,
    Qualification,
    Requirement,
    StatusChange,
)

RATING_VALUES = {"1", "0.8", "0.5", "0", "na"}


class EvaluationError(DomainError):
    default_code = "evaluation_error"


# --- Models ---------------------------------------------------------------------------------------------


@transaction.atomic
def evaluation_model_import(*, data: dict, by: User | None = None) -> EvaluationModel:
    """Import a model version from checked file data. Importing the same version again is a no-op."""
    model_file.check(data)
    data = json.loads(json.dumps(data))  # as it will be stored (JSON keys are text), so re-imports compare equal
    code, version = str(data["code"]).strip(), str(data["version"]).strip()
    existing = EvaluationModel.objects.filter(code=code, version=version).first()
    if existing is not None:
        if existing.source == data:
            return existing
        raise ModelFileError(
            [
                _("Version {version} of {code} exists with different content; give the new file a new version.").format(
                    version=version, code=code
                )
            ]
        )
    model = EvaluationModel.objects.create(
        code=code,
        version=version,
        name_zh=data["name"]["zh"],
        name_en=data["name"]["en"],
        description_zh=(data.get("description") or {}).get("zh", ""),
        description_en=(data.get("description") or {}).get("en", ""),
        threshold=Decimal(str(data.get("threshold", 0.8))),
        levels=data["levels"],
        rating_scale=data.get("rating_scale") or model_file.DEFAULT_RATING_SCALE,
        source=data,
        imported_by=by,
    )
    requirements, position = [], 0
    for d_position, d in enumerate(data["dimensions"]):
        dimension = Dimension.objects.create(
            model=model,
            code=d["code"],
            name_zh=d["name"]["zh"],
            name_en=d["name"]["en"],
            weight=Decimal(str(d["weight"])),
            position=d_position,
        )
        for i in d["indicators"]:
            position += 1
            diagnosis = {str(level): text for level, text in (i.get("diagnosis") or {}).items()}
            indicator = Indicator.objects.create(
                model=model,
                dimension=dimension,
                code=model_file.indicator_code(code, d["code"], i["code"]),
                short_code=i["code"],
                name_zh=i["name"]["zh"],
                name_en=i["name"]["en"],
                weight=Decimal(str(i["weight"])),
                advice_zh=(i.get("advice") or {}).get("zh", ""),
                advice_en=(i.get("advice") or {}).get("en", ""),
                diagnosis=diagnosis,
                position=position,
            )
            for r in sorted(i["requirements"], key=lambda r: r["level"]):
                requirements.append(
                    Requirement(
                        model=model,
                        indicator=indicator,
                        code=model_file.requirement_code(code, d["code"], i["code"], r["level"]),
                        level=r["level"],
                        text_zh=r["text"]["zh"],
                        text_en=r["text"]["en"],
                        evidence_zh=(r.get("evidence") or {}).get("zh", ""),
                        evidence_en=(r.get("evidence") or {}).get("en", ""),
                        mandatory=bool(r.get("mandatory")),
                        na_allowed=bool(r.get("na_allowed")),
                        position=len(requirements),
                    )
                )
    Requirement.objects.bulk_create(requirements)
    EligibilityCondition.objects.bulk_create(
        EligibilityCondition(
            model=model,
            code=model_file.condition_code(code, c["code"]),
            text_zh=c["text"]["zh"],
            text_en=c["text"]["en"],
            blocks_from_level=c["blocks_from_level"],
            position=n,
        )
        for n, c in enumerate(data.get("eligibility_conditions") or [])
    )
    audit_record(action=AuditAction.CREATE, actor=by, target=model, details={"version": version})
    return model


# --- Self-assessment ------------------------------------------------------------------------------------


def _require_member(user: User, enterprise: Enterprise) -> None:
    if not any(m.role in ENTERPRISE_ROLES and m.enterprise_id == enterprise.pk for m in user.active_memberships):
        raise NotPermitted(_("Only the enterprise's own members fill in its self-assessment."))


def _require_draft(evaluation: Evaluation) -> None:
    if evaluation.status != EvaluationStatus.DRAFT:
        raise EvaluationError(
            _("This self-assessment was submitted and is frozen; it can change only if it is returned."),
            code="not_draft",
        )


def _history(evaluation: Evaluation, *, to: str, by: User, reason: str = "", previous: str = "") -> None:
    StatusChange.objects.create(evaluation=evaluation, from_status=previous, to_status=to, by=by, reason=reason)


@transaction.atomic
def evaluation_start(
    *, enterprise: Enterprise, by: User, cycle: int | None = None, request: HttpRequest | None = None
) -> Evaluation:
    """Open a self-assessment for this cycle on the newest active model version (one per enterprise and cycle)."""
    _require_member(by, enterprise)
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
    _history(evaluation, to=EvaluationStatus.DRAFT, by=by)
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
    _require_member(by, evaluation.enterprise)
    _require_draft(evaluation)
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
    _require_member(by, evaluation.enterprise)
    _require_draft(evaluation)
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
    _require_member(by, evaluation.enterprise)
    _require_draft(evaluation)
    indicator = Indicator.objects.filter(model=evaluation.model, code=indicator_code).first()
    if indicator is None:
        raise ValidationError({"indicator": _("{code} is not an indicator of this model.").format(code=indicator_code)})
    content_type = file_types.check_upload(upload, max_bytes=settings.EVIDENCE_MAX_BYTES)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    name = file_types.safe_name(upload.name)
    version = Evidence.objects.filter(evaluation=evaluation, indicator=indicator, original_name=name).count() + 1
    evidence = Evidence(
        evaluation=evaluation,
        indicator=indicator,
        original_name=name,
        content_type=content_type,
        size=upload.size,
        sha256=digest.hexdigest(),
        version=version,
        uploaded_by=by,
    )
    evidence.file.save(name, upload, save=False)
    evidence.save()
    audit_record(
        action=AuditAction.CREATE, actor=by, request=request, target=evidence, details={"sha256": evidence.sha256}
    )
    return evidence


def _transition(
    evaluation: Evaluation, *, action: str, by: User, reason: str = "", request: HttpRequest | None = None
) -> tuple[Evaluation, str]:
    """Check ``action`` against the workflow table and the user's scope; lock the row; return it and its status."""
    transition = workflow.TRANSITIONS[action]
    if not by.has_role(*transition.roles):
        raise NotPermitted(_("Your role cannot take this step."))
    if action == "submit":
        _require_member(by, evaluation.enterprise)
    elif not scope(by, Evaluation.objects.filter(pk=evaluation.pk)).exists():
        raise NotPermitted(_("This enterprise is outside your area."))
    evaluation = Evaluation.objects.select_for_update().select_related("enterprise", "model").get(pk=evaluation.pk)
    if evaluation.status != transition.source:
        if action == "submit":
            _require_draft(evaluation)
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


def _record(evaluation: Evaluation, *, previous: str, by: User, reason: str, request, **details) -> None:
    _history(evaluation, previous=previous, to=evaluation.status, by=by, reason=reason.strip())
    audit_record(
        action=AuditAction.STATE_CHANGE,
        actor=by,
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


# --- Institutions and assessors -------------------------------------------------------------------------


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


def conflict_check(*, assessor: User, enterprise: Enterprise, on=None) -> list[coi.Conflict]:
    """Why ``assessor`` may not evaluate ``enterprise`` (empty list: free to assign).

    Previous-cycle assessments are not known until on-site assignments exist (the next step of issue 4);
    until then that rule has nothing to find.
    """
    on = on or timezone.localdate()
    group = {enterprise.pk}
    if enterprise.parent_id:
        group |= {enterprise.parent_id}
        group |= set(Enterprise.objects.filter(parent_id=enterprise.parent_id).values_list("pk", flat=True))
    group |= set(Enterprise.objects.filter(parent_id=enterprise.pk).values_list("pk", flat=True))
    ties = [
        coi.Tie(kind=d.kind, enterprise_id=d.enterprise_id, started=d.started, ended=d.ended)
        for d in ConflictDeclaration.objects.filter(assessor=assessor, enterprise_id__in=group)
    ]
    credentials = [
        coi.Credential(industry=q.industry_id, grade=q.grade, valid_until=q.valid_until)
        for q in Qualification.objects.filter(assessor=assessor)
    ]
    return coi.conflicts(
        enterprise_id=enterprise.pk,
        group_ids=frozenset(group),
        industry=enterprise.industry_id,
        ties=ties,
        credentials=credentials,
        assessed_previous_cycle=False,
        on=on,
    )
