"""Brand list entries: created by publication (``brands.registry``), revoked by MIIT with a reason. Brand
cultivation self-evaluations: started, answered and submitted by the enterprise's members, scored by the
evaluation engine on the brand model version they started on."""

from collections.abc import Mapping
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.choices import AuditAction, Role
from accounts.models import User
from accounts.services import audit_record
from brands import selectors
from brands.models import BRAND_MODEL_CODE, AssessmentStatus, BrandAssessment, BrandEntry, BrandList, EntryStatus
from core.exceptions import DomainError, NotPermitted
from enterprises.choices import VerificationStatus
from enterprises.models import Enterprise
from evaluations import ratings as rating_rules
from evaluations import selectors as evaluation_selectors
from selections.choices import BrandCategory, BrandType, CallScope
from selections.models import Application


class BrandError(DomainError):
    default_code = "brand_error"


def entry_from_application(application: Application) -> BrandEntry:
    """A published brand application becomes an entry of its call's list (the list is made with the first)."""
    call = application.call
    brand_list, _created = BrandList.objects.get_or_create(
        call=call,
        defaults={
            "name_zh": call.title_zh,
            "name_en": call.title_en,
            "year": call.year,
            "issuer": "工业和信息化部 MIIT" if call.scope == CallScope.NATIONAL else call.authority.name_zh,
        },
    )
    data = application.data
    entry = BrandEntry.objects.create(
        brand_list=brand_list,
        brand=data.get("brand") or application.title,
        owner=application.enterprise,
        brand_type=data.get("brand_type") if data.get("brand_type") in BrandType.values else BrandType.ENTERPRISE,
        category=data.get("category") if data.get("category") in BrandCategory.values else "",
        field=data.get("field", ""),
        region_id=application.enterprise.region_id,
        application=application,
    )
    audit_record(action=AuditAction.CREATE, target=entry, username="platform", details={"application": application.pk})
    return entry


@transaction.atomic
def entry_revoke(*, entry: BrandEntry, reason: str, by: User, request: HttpRequest | None = None) -> BrandEntry:
    """MIIT takes a brand off its list, with the reason the list shows."""
    if not by.has_role(Role.NATIONAL):
        raise NotPermitted(_("Only MIIT staff revoke a brand list entry."))
    entry = BrandEntry.objects.select_for_update().get(pk=entry.pk)
    if entry.status == EntryStatus.REVOKED:
        raise BrandError(_("This entry is already revoked."), code="revoked")
    if not reason.strip():
        raise ValidationError({"reason": [_("Give the reason; the list shows it.")]})
    entry.status, entry.revoked_on = EntryStatus.REVOKED, timezone.localdate()
    entry.revoked_reason, entry.revoked_by = reason.strip(), by
    entry.save(update_fields=["status", "revoked_on", "revoked_reason", "revoked_by", "updated_at"])
    audit_record(action=AuditAction.STATE_CHANGE, actor=by, request=request, target=entry, details={"revoked": reason})
    return entry


# --- Brand cultivation self-evaluation ------------------------------------------------------------------------


def _require_member(user: User, enterprise: Enterprise) -> None:
    if not user.is_member_of(enterprise.pk):
        raise NotPermitted(_("Only the enterprise's own members fill in its brand self-evaluation."))


def _locked_draft(assessment: BrandAssessment) -> BrandAssessment:
    assessment = BrandAssessment.objects.select_for_update().select_related("model").get(pk=assessment.pk)
    if assessment.status != AssessmentStatus.DRAFT:
        raise BrandError(_("This brand self-evaluation was submitted and is frozen."), code="not_draft")
    return assessment


@transaction.atomic
def assessment_start(
    *, enterprise: Enterprise, by: User, year: int | None = None, request: HttpRequest | None = None
) -> BrandAssessment:
    """Open the enterprise's brand self-evaluation for ``year`` on the newest active brand model version.

    One per enterprise, model code and year: starting again returns the one already there.
    """
    _require_member(by, enterprise)
    if enterprise.status != VerificationStatus.VERIFIED:
        raise BrandError(_("The enterprise must be verified by its authority first."), code="not_verified")
    year = year or timezone.localdate().year
    Enterprise.objects.select_for_update().only("pk").get(pk=enterprise.pk)  # two clicks start one, not two
    existing = BrandAssessment.objects.filter(enterprise=enterprise, model_code=BRAND_MODEL_CODE, year=year).first()
    if existing is not None:
        return existing
    model = evaluation_selectors.model_latest(code=BRAND_MODEL_CODE)
    if model is None:
        raise BrandError(_("No evaluation model is loaded yet."), code="no_model")
    assessment = BrandAssessment(enterprise=enterprise, model=model, model_code=model.code, year=year, started_by=by)
    assessment.full_clean()
    assessment.save()
    audit_record(
        action=AuditAction.CREATE,
        actor=by,
        request=request,
        target=assessment,
        details={"model": model.code, "version": model.version, "year": year},
    )
    return assessment


def _checked_answers(assessment: BrandAssessment, answers: Mapping[str, Mapping[str, str]]) -> tuple[dict, dict]:
    """The answers as they will be stored (None clears one), and the problems, by requirement code."""
    requirements = evaluation_selectors.model_spec(model=assessment.model).index.requirements
    cleaned: dict[str, dict | None] = {}
    errors: dict[str, str] = {}
    for code, answer in answers.items():
        rating, comment = str(answer.get("rating") or "").strip(), str(answer.get("comment") or "").strip()
        requirement = requirements.get(code)
        if requirement is None:
            errors[code] = _("{code} is not a requirement of this evaluation's model.").format(code=code)
        elif not rating:
            cleaned[code] = {"rating": "", "comment": comment} if comment else None
        elif problem := rating_rules.requirement_problem(rating, na_allowed=requirement.na_allowed, comment=comment):
            errors[code] = problem
        else:
            cleaned[code] = {"rating": rating, "comment": comment}
    return cleaned, errors


def _checked_eligibility(assessment: BrandAssessment, eligibility: Mapping[str, str]) -> tuple[dict, dict]:
    """Eligibility answers ("yes", "no"; "" clears one) as stored booleans, and the problems, by condition code."""
    conditions = evaluation_selectors.model_spec(model=assessment.model).index.conditions
    cleaned: dict[str, bool | None] = {}
    errors: dict[str, str] = {}
    for code, value in eligibility.items():
        value = str(value or "").strip()
        if code not in conditions:
            errors[code] = _("{code} is not a condition of this model.").format(code=code)
        elif not value:
            cleaned[code] = None
        elif problem := rating_rules.condition_problem(value):
            errors[code] = problem
        else:
            cleaned[code] = rating_rules.CONDITION_VALUES[value]
    return cleaned, errors


def _merged(stored: dict, changes: dict) -> tuple[dict, dict]:
    merged, changed = dict(stored), {}
    for code, value in changes.items():
        if merged.get(code) != value:
            changed[code] = [merged.get(code), value]
        if value is None:
            merged.pop(code, None)
        else:
            merged[code] = value
    return merged, changed


@transaction.atomic
def assessment_save(
    *,
    assessment: BrandAssessment,
    by: User,
    answers: Mapping[str, Mapping[str, str]] | None = None,
    eligibility: Mapping[str, str] | None = None,
    request: HttpRequest | None = None,
) -> BrandAssessment:
    """Keep a draft's answers: ``answers`` maps requirement codes to {"rating", "comment"} (a rating "" clears it),
    ``eligibility`` maps condition codes to "yes" or "no". Checked against the bound model version with the
    rating rules every rating in the platform follows (``evaluations.ratings``); all of it is kept, or, when
    anything is wrong, none of it (a ValidationError names every offending code)."""
    _require_member(by, assessment.enterprise)
    assessment = _locked_draft(assessment)
    new_answers, answer_errors = _checked_answers(assessment, answers or {})
    new_eligibility, eligibility_errors = _checked_eligibility(assessment, eligibility or {})
    if answer_errors or eligibility_errors:
        raise ValidationError({**answer_errors, **eligibility_errors})
    assessment.answers, changed = _merged(assessment.answers, new_answers)
    assessment.eligibility, changed_conditions = _merged(assessment.eligibility, new_eligibility)
    if changed or changed_conditions:
        assessment.save(update_fields=["answers", "eligibility", "updated_at"])
        audit_record(
            action=AuditAction.UPDATE,
            actor=by,
            request=request,
            target=assessment,
            details={"changed": {**changed, **changed_conditions}},
        )
    return assessment


@transaction.atomic
def assessment_submit(*, assessment: BrandAssessment, by: User, request: HttpRequest | None = None) -> BrandAssessment:
    """Freeze a complete self-evaluation and keep the engine's result (level, S and the whole result).

    Every requirement needs a rating and every eligibility condition an answer; otherwise nothing changes and the
    error names each open one in ``fields``.
    """
    _require_member(by, assessment.enterprise)
    assessment = _locked_draft(assessment)
    spec = evaluation_selectors.model_spec(model=assessment.model)
    open_items = [code for code in spec.index.requirement_codes if not assessment.answers.get(code, {}).get("rating")]
    open_items += [condition.code for condition in spec.conditions if condition.code not in assessment.eligibility]
    if open_items:
        message = ngettext(
            "{count} question is not answered yet.", "{count} questions are not answered yet.", len(open_items)
        ).format(count=len(open_items))
        raise BrandError(message, code="incomplete", fields={code: [_("Not answered yet.")] for code in open_items})
    result = selectors.assessment_estimate(assessment=assessment)
    assessment.status = AssessmentStatus.SUBMITTED
    assessment.level = result.level
    assessment.score = Decimal(str(round(result.score, 4)))
    assessment.result = evaluation_selectors.result_as_dict(result, model=assessment.model)
    assessment.submitted_at, assessment.submitted_by = timezone.now(), by
    assessment.save(update_fields=["status", "level", "score", "result", "submitted_at", "submitted_by", "updated_at"])
    audit_record(
        action=AuditAction.STATE_CHANGE,
        actor=by,
        request=request,
        target=assessment,
        details={"from": AssessmentStatus.DRAFT, "to": AssessmentStatus.SUBMITTED, "level": result.level},
    )
    return assessment
