"""The selection engine's steps (ARCHITECTURE §8), each checked against ``selections.workflow``.

Every step locks the application, writes a history row and an audit row, and changes nothing when it refuses:
rules broken raise ``SelectionError`` (a ``DomainError``), bad data Django's ``ValidationError`` with the
field it is about, a role that may not act ``NotPermitted``.
"""

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.choices import AuditAction, Role
from accounts.models import User
from accounts.services import audit_record
from core.exceptions import DomainError, NotPermitted
from enterprises.choices import VerificationStatus
from enterprises.models import Authority, Enterprise
from evaluations import coi, file_types
from evaluations.choices import ObjectionStatus
from evaluations.services.institutions import declared_ties
from evaluations.services.publication import notice_end, objection_check
from selections import form_schema, panel, workflow
from selections.choices import ApplicationStatus, CallScope
from selections.kinds import CRITERIA, REGISTRY_FIELDS, default_form
from selections.models import (
    Application,
    ApplicationAttachment,
    ApplicationChange,
    ApplicationObjection,
    Call,
    CallAttachment,
    Criterion,
    Quota,
    Review,
    ReviewScore,
    StoredFile,
)
from selections.registries import entry_publish

MIN_REVIEWS = 3  # experts whose reviews a shortlisting needs


class SelectionError(DomainError):
    default_code = "selection_error"


# --- Who is who ----------------------------------------------------------------------------------------------


def is_organiser(user: User, call: Call) -> bool:
    """MIIT staff run national calls; a provincial call is run by its own authority's staff."""
    if call.scope == CallScope.NATIONAL:
        return user.has_role(Role.NATIONAL)
    return user.is_authority_staff(call.authority_id)


def recommending_authority(call: Call, enterprise: Enterprise) -> Authority | None:
    """Who ranks an applicant's application: a provincial call's own authority; for a national call the most
    specific authority over the applicant (a separately listed city's before its province's)."""
    if call.scope == CallScope.PROVINCIAL:
        return call.authority if call.authority.covers(enterprise.region_id) else None
    best, best_length = None, -1
    for authority in Authority.objects.prefetch_related("regions", "excluded_regions"):
        if not authority.covers(enterprise.region_id):
            continue
        length = max(len(r.prefix) for r in authority.regions.all() if enterprise.region_id.startswith(r.prefix))
        if length > best_length:
            best, best_length = authority, length
    return best


def quota_for(call: Call, authority: Authority) -> int | None:
    """How many applications ``authority`` may recommend to ``call`` (None: no limit)."""
    quota = Quota.objects.filter(call=call, authority=authority).values_list("slots", flat=True).first()
    return quota if quota is not None else call.default_quota


# --- Calls ---------------------------------------------------------------------------------------------------


@transaction.atomic
def call_create(
    *,
    by: User,
    kind: str,
    year: int,
    scope: str,
    title_zh: str,
    title_en: str,
    opens_on: date,
    closes_on: date,
    recommend_by: date,
    authority: Authority | None = None,
    description_zh: str = "",
    description_en: str = "",
    default_quota: int | None = None,
    form: list | None = None,
    criteria: list[dict] | None = None,
    request: HttpRequest | None = None,
) -> Call:
    """A call, with the kind's default form and criteria unless others are given; not announced yet."""
    call = Call(
        kind=kind,
        year=year,
        scope=scope,
        authority=authority if scope == CallScope.PROVINCIAL else None,
        title_zh=title_zh.strip(),
        title_en=title_en.strip(),
        description_zh=description_zh.strip(),
        description_en=description_en.strip(),
        form=default_form(kind) if form is None else form,
        opens_on=opens_on,
        closes_on=closes_on,
        recommend_by=recommend_by,
        default_quota=default_quota,
        created_by=by,
    )
    if not is_organiser(by, call):
        raise NotPermitted(_("Only MIIT staff open national calls, and an authority its own provincial calls."))
    errors: dict[str, list[str]] = {}
    try:
        call.full_clean(exclude=["created_by"], validate_constraints=False)  # the dates are checked below
    except ValidationError as exc:
        errors = exc.message_dict
    if not opens_on <= closes_on <= recommend_by:
        errors.setdefault("closes_on", []).append(
            _("The call opens, closes to applications, then closes to recommendations, in that order.")
        )
    if problems := form_schema.definition_problems(call.form):
        errors["form"] = problems
    rows = [dict(row) for row in (CRITERIA[kind] if criteria is None else criteria)]
    if problems := _criteria_problems(rows):
        errors["criteria"] = problems
    if errors:
        raise ValidationError(errors)
    call.save()
    _criteria_save(call, rows)
    audit_record(action=AuditAction.CREATE, actor=by, request=request, target=call, details={"kind": kind})
    return call


CRITERIA_PROBLEMS = {
    "no criteria": gettext_lazy("Give at least one review criterion."),
    "duplicate codes": gettext_lazy("Each criterion needs its own code."),
    "a weight is not positive": gettext_lazy("Every weight must be above 0."),
    "a highest score is not positive": gettext_lazy("Every highest score must be above 0."),
    "weights do not sum to 1": gettext_lazy("The weights must add up to 1."),
}


def _criteria_problems(rows: list[dict]) -> list[str]:
    """What is wrong with review criteria given as rows (code, name_zh, name_en, weight, max_score)."""
    problems = []
    if any(not str(row.get("name_zh", "")).strip() or not str(row.get("name_en", "")).strip() for row in rows):
        problems.append(_("Name every criterion in Chinese and in English."))
    try:
        shapes = [panel.Criterion(r["code"], float(Decimal(str(r["weight"]))), float(r["max_score"])) for r in rows]
    except (KeyError, ValueError, ArithmeticError):
        return [*problems, _("Every criterion needs a code, a weight and a highest score.")]
    return problems + [str(CRITERIA_PROBLEMS[problem]) for problem in panel.criteria_problems(shapes)]


def _criteria_save(call: Call, rows: list[dict]) -> None:
    Criterion.objects.bulk_create(
        Criterion(
            call=call,
            code=row["code"],
            name_zh=str(row["name_zh"]).strip(),
            name_en=str(row["name_en"]).strip(),
            weight=Decimal(str(row["weight"])),
            max_score=int(row["max_score"]),
            order=position,
        )
        for position, row in enumerate(rows)
    )


def locked_fields(kind: str) -> dict[str, dict]:
    """The fields of a kind's default form that its registry reads, by key: an organiser may reword their labels
    but not remove them or change their type, whether they are required, or their options."""
    return {field["key"]: field for field in default_form(kind) if field["key"] in REGISTRY_FIELDS.get(kind, ())}


def _locked_shape(field: dict) -> tuple:
    """What of a registry's field may not change: its type, whether it is required, its option values."""
    return field.get("type"), bool(field.get("required")), [choice.get("value") for choice in field.get("choices", [])]


@transaction.atomic
def call_configure(
    *, call: Call, form: list[dict], criteria: list[dict], by: User, request: HttpRequest | None = None
) -> Call:
    """Change a call's application form and review criteria before it is announced (applicants and experts see
    one version only). Every problem is reported at once; nothing is saved unless all is well."""
    call = Call.objects.select_for_update().get(pk=call.pk)
    if not is_organiser(by, call):
        raise NotPermitted(_("Only the call's organiser changes its form and criteria."))
    if call.announced_at is not None:
        raise SelectionError(_("The call is announced: its form and criteria can no longer change."), code="announced")
    errors: dict[str, list[str]] = {}
    problems = form_schema.definition_problems(form)
    given = {field.get("key"): field for field in form if isinstance(field, dict)}
    for key, field in locked_fields(call.kind).items():
        mine = given.get(key)
        if mine is None:
            message = _("{label}: the registry reads this field; it cannot be removed.")
            problems.append(message.format(label=form_schema.label(field)))
        elif _locked_shape(mine) != _locked_shape(field):
            problems.append(
                _("{label}: the registry reads this field; its type, options and whether it is required stay.").format(
                    label=form_schema.label(field)
                )
            )
    if problems:
        errors["form"] = problems
    rows = [dict(row) for row in criteria]
    if problems := _criteria_problems(rows):
        errors["criteria"] = problems
    if errors:
        raise ValidationError(errors)
    before_form = [field["key"] for field in call.form]
    before_criteria = [[code, str(weight)] for code, weight in call.criteria.values_list("code", "weight")]
    call.form = form
    call.save(update_fields=["form", "updated_at"])
    call.criteria.all().delete()
    _criteria_save(call, rows)
    audit_record(
        action=AuditAction.UPDATE,
        actor=by,
        request=request,
        target=call,
        details={
            "form": {"old": before_form, "new": [field["key"] for field in form]},
            "criteria": {"old": before_criteria, "new": [[row["code"], str(row["weight"])] for row in rows]},
        },
    )
    return call


@transaction.atomic
def call_announce(*, call: Call, by: User, request: HttpRequest | None = None) -> Call:
    """Publish the call: applicants see it and may apply from its opening day."""
    call = Call.objects.select_for_update().get(pk=call.pk)
    if not is_organiser(by, call):
        raise NotPermitted(_("Only the call's organiser announces it."))
    if call.announced_at is not None:
        raise SelectionError(_("This call has already been announced."), code="announced")
    call.announced_at = timezone.now()
    call.save(update_fields=["announced_at", "updated_at"])
    audit_record(action=AuditAction.STATE_CHANGE, actor=by, request=request, target=call, details={"to": "announced"})
    return call


def stored_file_create(
    *, model: type[StoredFile], upload: UploadedFile, by: User, request: HttpRequest | None = None, **fields
) -> StoredFile:
    """Keep an uploaded file as a new row of ``model`` (a ``StoredFile``) with ``fields``: its type checked by
    content and its size limited (the evidence rules), stored under its SHA-256, the upload audited. A refused file
    raises a ValidationError and nothing is stored."""
    accepted = file_types.accept_upload(upload, max_bytes=settings.EVIDENCE_MAX_BYTES)
    item = model(
        original_name=accepted.name,
        content_type=accepted.content_type,
        size=accepted.size,
        sha256=accepted.sha256,
        uploaded_by=by,
        **fields,
    )
    item.file.save(item.original_name, upload, save=False)
    item.save()
    details = {"sha256": item.sha256, **{k: v for k, v in fields.items() if isinstance(v, bool | int | str)}}
    audit_record(action=AuditAction.CREATE, actor=by, request=request, target=item, details=details)
    return item


@transaction.atomic
def call_attachment_add(
    *, call: Call, upload: UploadedFile, by: User, request: HttpRequest | None = None
) -> CallAttachment:
    """Attach a document to a call (the notice, guidelines, a form template): type checked by content, size
    limited; the organiser may add one after the announcement too (a supplementary notice)."""
    call = Call.objects.select_for_update().get(pk=call.pk)
    if not is_organiser(by, call):
        raise NotPermitted(_("Only the call's organiser attaches its documents."))
    return stored_file_create(model=CallAttachment, upload=upload, by=by, request=request, call=call)


@transaction.atomic
def call_attachment_remove(*, attachment: CallAttachment, by: User, request: HttpRequest | None = None) -> None:
    """Take a document off a call that is not announced yet (an announced call's documents are a public record:
    a correction is a new document)."""
    call = Call.objects.select_for_update().get(pk=attachment.call_id)
    if not is_organiser(by, call):
        raise NotPermitted(_("Only the call's organiser attaches its documents."))
    if call.announced_at is not None:
        raise SelectionError(
            _("The call is announced: its documents stay as published; attach a correction instead."),
            code="announced",
        )
    audit_record(
        action=AuditAction.STATE_CHANGE, actor=by, request=request, target=attachment, details={"deleted": True}
    )
    storage, name = attachment.file.storage, attachment.file.name
    attachment.delete()
    transaction.on_commit(lambda: storage.delete(name))


def _require_open(call: Call, today: date) -> None:
    if call.announced_at is None or today < call.opens_on:
        raise SelectionError(_("This call is not open for applications yet."), code="call_not_open")
    if today > call.closes_on:
        raise SelectionError(
            _("Applications to this call closed on {day}.").format(day=call.closes_on.isoformat()), code="call_closed"
        )


# --- Applications ----------------------------------------------------------------------------------------------


def _record(application: Application, *, previous: str, by: User | None, reason: str, request, **details) -> None:
    ApplicationChange.objects.create(
        application=application, from_status=previous, to_status=application.status, by=by, reason=reason.strip()
    )
    audit_record(
        action=AuditAction.STATE_CHANGE,
        actor=by,
        request=request,
        target=application,
        details={"from": previous, "to": application.status, "reason": reason.strip(), **details},
    )


def _may_act(user: User, application: Application, action: str) -> bool:
    """The finer rule behind the table's roles: the applicant's members submit, the recommending authority
    returns and ranks, the call's organiser takes every later step."""
    if action == "submit":
        return user.is_member_of(application.enterprise_id)
    if action in ("return", "recommend", "not_recommend"):
        return user.is_authority_staff(application.authority_id)
    return is_organiser(user, application.call)


def allowed_actions(user: User, application: Application) -> list[str]:
    """The steps ``user`` may take on ``application`` now (the buttons a page shows)."""
    return [
        t.action
        for t in workflow.TRANSITIONS.values()
        if t.source == application.status and user.has_role(*t.roles) and _may_act(user, application, t.action)
    ]


def _transition(
    application: Application, *, action: str, by: User, reason: str = "", request: HttpRequest | None = None
) -> tuple[Application, str]:
    """Check ``action`` against the workflow table and who ``by`` is; lock the row; return it and its status."""
    transition = workflow.TRANSITIONS[action]
    if not by.has_role(*transition.roles):
        raise NotPermitted(_("Your role cannot take this step."))
    application = Application.objects.select_for_update().select_related("call", "enterprise").get(pk=application.pk)
    if not _may_act(by, application, action):
        raise NotPermitted(_("This application is not yours to act on."))
    if application.status != transition.source:
        raise SelectionError(
            _("This step is not possible now: the application is {status}.").format(
                status=application.get_status_display()
            ),
            code="wrong_status",
        )
    if transition.needs_reason and not reason.strip():
        raise ValidationError({"reason": _("Give the reason; the applicant will read it.")})
    previous = application.status
    application.status = transition.target
    return application, previous


def _answers(call: Call, data: dict, *, complete: bool) -> dict:
    cleaned, errors = form_schema.clean_answers(call.form, data, complete=complete)
    if errors:
        raise ValidationError({f"data.{key}": [message] for key, message in errors.items()})
    return cleaned


@transaction.atomic
def application_save(
    *,
    call: Call,
    enterprise: Enterprise,
    title: str,
    data: dict,
    by: User,
    today: date | None = None,
    request: HttpRequest | None = None,
) -> Application:
    """Create or update the enterprise's draft application to ``call`` while the call is open.

    The answers are checked against the call's form (types, ranges, choices); required ones may still be
    missing in a draft. A rejected save changes nothing.
    """
    today = today or timezone.localdate()
    if not by.is_member_of(enterprise.pk):
        raise NotPermitted(_("Only the enterprise's own members apply on its behalf."))
    _require_open(call, today)
    if enterprise.status != VerificationStatus.VERIFIED:
        raise SelectionError(
            _("The enterprise must be verified by its authority before it applies."), code="unverified"
        )
    if recommending_authority(call, enterprise) is None:
        raise SelectionError(_("This call is not open to enterprises of your region."), code="outside_call_scope")
    errors = {}
    if not title.strip():
        errors["title"] = [_("Give the application a title.")]
    try:
        cleaned = _answers(call, data, complete=False)
    except ValidationError as exc:
        errors |= exc.message_dict
    if errors:
        raise ValidationError(errors)
    application = Application.objects.select_for_update().filter(call=call, enterprise=enterprise).first()
    if application is None:
        try:
            with transaction.atomic():
                application = Application.objects.create(
                    call=call, enterprise=enterprise, title=title.strip(), data=cleaned, created_by=by
                )
        except IntegrityError:  # a second tab created it at the same moment
            raise SelectionError(_("This enterprise has already applied to this call."), code="duplicate") from None
        _record(application, previous="", by=by, reason="", request=request)
        return application
    if application.status != ApplicationStatus.DRAFT:
        raise SelectionError(_("This application was submitted and is frozen."), code="not_draft")
    application.title, application.data = title.strip(), cleaned
    application.save(update_fields=["title", "data", "updated_at"])
    audit_record(action=AuditAction.UPDATE, actor=by, request=request, target=application, details={"draft": True})
    return application


def _require_own_draft(application: Application, by: User) -> None:
    if not by.is_member_of(application.enterprise_id):
        raise NotPermitted(_("Only the enterprise's own members apply on its behalf."))
    if application.status != ApplicationStatus.DRAFT:
        raise SelectionError(_("This application was submitted and is frozen."), code="not_draft")


@transaction.atomic
def attachment_add(
    *,
    application: Application,
    upload: UploadedFile,
    by: User,
    public: bool = False,
    request: HttpRequest | None = None,
) -> ApplicationAttachment:
    """Attach a file to a draft: its type is checked by content and its size limited (the evidence rules);
    a refused file is not stored. ``public``: the applicant agrees that it is published with the entry."""
    application = Application.objects.select_for_update().select_related("enterprise").get(pk=application.pk)
    _require_own_draft(application, by)
    return stored_file_create(
        model=ApplicationAttachment, upload=upload, by=by, request=request, application=application, public=public
    )


@transaction.atomic
def attachment_remove(*, attachment: ApplicationAttachment, by: User, request: HttpRequest | None = None) -> None:
    """Take a file off a draft (the stored file goes with it once the transaction commits)."""
    application = Application.objects.select_for_update().select_related("enterprise").get(pk=attachment.application_id)
    _require_own_draft(application, by)
    audit_record(
        action=AuditAction.STATE_CHANGE, actor=by, request=request, target=attachment, details={"deleted": True}
    )
    storage, name = attachment.file.storage, attachment.file.name
    attachment.delete()
    transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def application_submit(
    *, application: Application, by: User, today: date | None = None, request: HttpRequest | None = None
) -> Application:
    """Submit by the call's closing day, every required answer given; the recommending authority is fixed now."""
    today = today or timezone.localdate()
    application, previous = _transition(application, action="submit", by=by, request=request)
    _require_open(application.call, today)
    _answers(application.call, application.data, complete=True)
    application.authority = recommending_authority(application.call, application.enterprise)
    if application.authority is None:
        raise SelectionError(_("This call is not open to enterprises of your region."), code="outside_call_scope")
    application.submitted_at = timezone.now()
    application.save(update_fields=["status", "authority", "submitted_at", "updated_at"])
    _record(application, previous=previous, by=by, reason="", request=request)
    return application


@transaction.atomic
def application_return(
    *, application: Application, reason: str, by: User, today: date | None = None, request: HttpRequest | None = None
) -> Application:
    """The authority sends a submitted application back to the applicant, with the reason, before ranking."""
    today = today or timezone.localdate()
    application, previous = _transition(application, action="return", by=by, reason=reason, request=request)
    _require_before_recommend_by(application.call, today)
    application.feedback = reason.strip()
    application.save(update_fields=["status", "feedback", "updated_at"])
    _record(application, previous=previous, by=by, reason=reason, request=request)
    return application


def _require_before_recommend_by(call: Call, today: date) -> None:
    if today > call.recommend_by:
        raise SelectionError(
            _("Recommendations to this call closed on {day}.").format(day=call.recommend_by.isoformat()),
            code="recommendation_closed",
        )


@transaction.atomic
def applications_recommend(
    *,
    call: Call,
    authority: Authority,
    ranked: list[Application],
    by: User,
    today: date | None = None,
    request: HttpRequest | None = None,
) -> list[Application]:
    """The authority's decision on every submitted application of its area: ``ranked`` (best first, within the
    quota) are recommended with their rank, the others not recommended. Once, by the call's deadline."""
    today = today or timezone.localdate()
    if not by.is_authority_staff(authority.pk):
        raise NotPermitted(_("Only the authority's own staff recommend its area's applications."))
    _require_before_recommend_by(call, today)
    pending = list(
        Application.objects.select_for_update().filter(
            call=call, authority=authority, status=ApplicationStatus.SUBMITTED
        )
    )
    by_pk = {application.pk: application for application in pending}
    chosen = [application.pk for application in ranked]
    if len(set(chosen)) != len(chosen):
        raise ValidationError({"ranked": [_("An application appears twice in the ranking.")]})
    if unknown := [pk for pk in chosen if pk not in by_pk]:
        raise ValidationError(
            {"ranked": [_("Not submitted applications of your area: {ids}.").format(ids=", ".join(map(str, unknown)))]}
        )
    quota = quota_for(call, authority)
    if quota is not None and len(chosen) > quota:
        raise ValidationError(
            {"ranked": [_("Your quota is {quota}; you ranked {count}.").format(quota=quota, count=len(chosen))]}
        )
    decided = []
    for rank, pk in enumerate(chosen, start=1):
        application, previous = _transition(by_pk[pk], action="recommend", by=by, request=request)
        application.rank = rank
        application.save(update_fields=["status", "rank", "updated_at"])
        _record(application, previous=previous, by=by, reason="", request=request, rank=rank)
        decided.append(application)
    reason = _("Not among the applications {authority} recommended.").format(authority=authority.name)
    for application in pending:
        if application.pk in chosen:
            continue
        application, previous = _transition(application, action="not_recommend", by=by, reason=reason, request=request)
        application.feedback = reason
        application.save(update_fields=["status", "feedback", "updated_at"])
        _record(application, previous=previous, by=by, reason=reason, request=request)
        decided.append(application)
    return decided


# --- Expert review ---------------------------------------------------------------------------------------------


def expert_conflicts(*, expert: User, enterprise: Enterprise, on: date | None = None) -> list[coi.Conflict]:
    """Why ``expert`` may not review ``enterprise``'s application: declared ties to it or its group within the
    cooling-off years (the assessors' rule), or being one of its members."""
    on = on or timezone.localdate()
    group, ties = declared_ties(expert, enterprise)
    found = coi.tie_conflicts(enterprise_id=enterprise.pk, group_ids=group, ties=ties, on=on)
    if expert.memberships.filter(enterprise_id__in=group, is_active=True).exists():
        found.append(coi.Conflict(code="member", enterprise_id=enterprise.pk))
    return found


CONFLICT_WORDS = {
    "employment": gettext_lazy("works or worked for the applicant or its group"),
    "consulting": gettext_lazy("consults or consulted for the applicant or its group"),
    "shareholding": gettext_lazy("holds or held shares in the applicant or its group"),
    "member": gettext_lazy("is a member of the applicant or its group"),
}


@transaction.atomic
def review_assign(*, application: Application, expert: User, by: User, request: HttpRequest | None = None) -> Review:
    """The organiser names an expert for an application, after the conflict-of-interest check; the first expert
    opens the review."""
    application = Application.objects.select_for_update().select_related("call", "enterprise").get(pk=application.pk)
    if not is_organiser(by, application.call):
        raise NotPermitted(_("Only the call's organiser assigns experts."))
    if not expert.has_role(Role.EXPERT):
        raise ValidationError({"expert": [_("{user} is not an expert reviewer.").format(user=expert)]})
    if conflicts := expert_conflicts(expert=expert, enterprise=application.enterprise):
        raise ValidationError(
            {"expert": [_("{user} {why}.").format(user=expert, why=CONFLICT_WORDS[c.code]) for c in conflicts]}
        )
    if application.status == ApplicationStatus.RECOMMENDED:
        application, previous = _transition(application, action="review", by=by, request=request)
        application.save(update_fields=["status", "updated_at"])
        _record(application, previous=previous, by=by, reason="", request=request)
    elif application.status != ApplicationStatus.IN_REVIEW:
        raise SelectionError(_("Experts are assigned to recommended applications only."), code="wrong_status")
    review, created = Review.objects.get_or_create(application=application, expert=expert, defaults={"assigned_by": by})
    if not created:
        raise SelectionError(_("This expert already reviews this application."), code="duplicate")
    audit_record(action=AuditAction.CREATE, actor=by, request=request, target=review, details={"expert": expert.pk})
    return review


def _number(value) -> float | None:
    try:
        number = float(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if number == number and abs(number) != float("inf") else None


@transaction.atomic
def review_submit(*, review: Review, scores: dict[str, dict], by: User, request: HttpRequest | None = None) -> Review:
    """The expert scores every criterion (0 to its highest score) with a comment; the review is frozen then.
    When the last review of the application is in, the panel score is computed."""
    review = Review.objects.select_for_update().select_related("application").get(pk=review.pk)
    if review.expert_id != by.pk:
        raise NotPermitted(_("Only the assigned expert submits this review."))
    if review.application.status != ApplicationStatus.IN_REVIEW:
        raise SelectionError(_("This application is no longer in review."), code="wrong_status")
    if review.submitted_at is not None:
        raise SelectionError(_("This review was submitted and is frozen."), code="review_submitted")
    criteria = list(review.application.call.criteria.all())
    shapes = [panel.Criterion(c.code, float(c.weight), float(c.max_score)) for c in criteria]
    values = {c.code: _number((scores.get(c.code) or {}).get("score")) for c in criteria}
    problems = panel.score_problems(shapes, {k: v for k, v in values.items() if v is not None})
    errors = {}
    for criterion in criteria:
        entry = scores.get(criterion.code) or {}
        if problems.get(criterion.code) == "missing":
            errors[f"scores.{criterion.code}"] = [
                _("{criterion}: give a score from 0 to {high}.").format(
                    criterion=criterion.name, high=criterion.max_score
                )
            ]
        elif problems.get(criterion.code) == "out_of_range":
            errors[f"scores.{criterion.code}"] = [
                _("{criterion}: the score must be from 0 to {high}.").format(
                    criterion=criterion.name, high=criterion.max_score
                )
            ]
        elif not str(entry.get("comment") or "").strip():
            errors[f"scores.{criterion.code}"] = [
                _("{criterion}: explain the score in a comment.").format(criterion=criterion.name)
            ]
    if unknown := set(scores) - {c.code for c in criteria}:
        errors["scores"] = [_("No such criteria: {codes}.").format(codes=", ".join(sorted(unknown)))]
    if errors:
        raise ValidationError(errors)
    ReviewScore.objects.bulk_create(
        ReviewScore(
            review=review,
            criterion=criterion,
            score=Decimal(str(values[criterion.code])),
            comment=str(scores[criterion.code]["comment"]).strip(),
        )
        for criterion in criteria
    )
    review.total = Decimal(str(panel.expert_total(shapes, values)))
    review.submitted_at = timezone.now()
    review.save(update_fields=["total", "submitted_at"])
    audit_record(
        action=AuditAction.UPDATE, actor=by, request=request, target=review, details={"total": str(review.total)}
    )
    _panel_update(review.application)
    return review


def _panel_update(application: Application) -> None:
    """The panel score, spread and disagreement flag, once every assigned expert has submitted."""
    totals = list(application.reviews.values_list("total", "submitted_at"))
    if not totals or any(submitted is None for _total, submitted in totals):
        return
    result = panel.panel([float(total) for total, _submitted in totals])
    application.panel_score = Decimal(str(result.score))
    application.panel_spread = Decimal(str(result.spread))
    application.disagreement = result.disagreement
    application.save(update_fields=["panel_score", "panel_spread", "disagreement", "updated_at"])


# --- Organiser's decisions, the public notice, publication -------------------------------------------------------


@transaction.atomic
def application_shortlist(*, application: Application, by: User, request: HttpRequest | None = None) -> Application:
    """Shortlist an application whose panel has scored it: at least MIN_REVIEWS reviews, all submitted."""
    application, previous = _transition(application, action="shortlist", by=by, request=request)
    reviews = list(application.reviews.values_list("submitted_at", flat=True))
    if len(reviews) < MIN_REVIEWS or any(submitted is None for submitted in reviews):
        raise SelectionError(
            _("Shortlisting needs at least {n} experts' reviews, all submitted ({done} of {assigned} in).").format(
                n=MIN_REVIEWS, done=sum(s is not None for s in reviews), assigned=len(reviews)
            ),
            code="reviews_missing",
        )
    application.save(update_fields=["status", "updated_at"])
    _record(application, previous=previous, by=by, reason="", request=request, panel_score=str(application.panel_score))
    return application


@transaction.atomic
def application_reject(
    *, application: Application, reason: str, by: User, request: HttpRequest | None = None
) -> Application:
    application, previous = _transition(application, action="reject", by=by, reason=reason, request=request)
    application.feedback = reason.strip()
    application.save(update_fields=["status", "feedback", "updated_at"])
    _record(application, previous=previous, by=by, reason=reason, request=request)
    return application


@transaction.atomic
def application_notice(
    *, application: Application, by: User, today: date | None = None, request: HttpRequest | None = None
) -> Application:
    """Put a shortlisted application in public notice for the configured working days."""
    today = today or timezone.localdate()
    application, previous = _transition(application, action="notice", by=by, request=request)
    application.notice_until = notice_end(start=today)
    application.save(update_fields=["status", "notice_until", "updated_at"])
    _record(
        application, previous=previous, by=by, reason="", request=request, until=application.notice_until.isoformat()
    )
    return application


def notice_is_open(application: Application, *, today: date | None = None) -> bool:
    today = today or timezone.localdate()
    return (
        application.status == ApplicationStatus.NOTICE
        and application.notice_until is not None
        and today <= application.notice_until
    )


@transaction.atomic
def objection_raise(
    *,
    application: Application,
    name: str,
    contact: str,
    text: str,
    today: date | None = None,
    request: HttpRequest | None = None,
) -> ApplicationObjection:
    """Anyone may object to an application while its public notice runs."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    if not notice_is_open(application, today=today):
        raise SelectionError(
            _("This application is not in public notice; objections are closed."), code="notice_closed"
        )
    objection = ApplicationObjection(
        application=application, name=name.strip(), contact=contact.strip(), text=text.strip()
    )
    objection_check(objection, request=request)
    objection.save()
    audit_record(
        action=AuditAction.CREATE, request=request, target=objection, username="public", details={"objection": True}
    )
    return objection


@transaction.atomic
def objection_resolve(
    *, objection: ApplicationObjection, uphold: bool, resolution: str, by: User, request: HttpRequest | None = None
) -> ApplicationObjection:
    """The organiser answers an objection in writing. Upheld: the application is not selected (its other open
    objections are answered with it). Dismissed: the notice goes on."""
    objection = (
        ApplicationObjection.objects.select_for_update().select_related("application__call").get(pk=objection.pk)
    )
    if not is_organiser(by, objection.application.call):
        raise NotPermitted(_("Only the call's organiser resolves objections."))
    if objection.status != ObjectionStatus.OPEN:
        raise SelectionError(_("This objection has already been resolved."), code="objection_resolved")
    if not resolution.strip():
        raise ValidationError({"resolution": [_("Write the resolution; the objector and the applicant may read it.")]})
    now = timezone.now()
    if uphold:
        reason = _("Objection upheld: {text}\nResolution: {resolution}").format(
            text=objection.text, resolution=resolution.strip()
        )
        application, previous = _transition(
            objection.application, action="uphold_objection", by=by, reason=reason, request=request
        )
        application.feedback = reason
        application.save(update_fields=["status", "feedback", "updated_at"])
        _record(application, previous=previous, by=by, reason=reason, request=request, objection=objection.pk)
        others = ApplicationObjection.objects.filter(application=application, status=ObjectionStatus.OPEN)
        others.exclude(pk=objection.pk).update(
            status=ObjectionStatus.UPHELD,
            resolution=_("Decided together with objection {number}: {resolution}").format(
                number=objection.pk, resolution=resolution.strip()
            ),
            resolved_by=by,
            resolved_at=now,
        )
    objection.status = ObjectionStatus.UPHELD if uphold else ObjectionStatus.DISMISSED
    objection.resolution, objection.resolved_by, objection.resolved_at = resolution.strip(), by, now
    objection.save(update_fields=["status", "resolution", "resolved_by", "resolved_at"])
    audit_record(
        action=AuditAction.UPDATE,
        actor=by,
        request=request,
        target=objection,
        details={"status": objection.status, "resolution": objection.resolution},
    )
    return objection


@transaction.atomic
def application_select(
    *, application: Application, by: User, today: date | None = None, request: HttpRequest | None = None
) -> Application:
    """Select an application once its public notice is over and no objection is left open."""
    today = today or timezone.localdate()
    application, previous = _transition(application, action="select", by=by, request=request)
    if application.notice_until is not None and today <= application.notice_until:
        raise SelectionError(
            _("The public notice runs until {day}; select after it.").format(day=application.notice_until.isoformat()),
            code="notice_running",
        )
    if application.objections.filter(status=ObjectionStatus.OPEN).exists():
        raise SelectionError(_("Resolve the open objections first."), code="objections_open")
    application.save(update_fields=["status", "updated_at"])
    _record(application, previous=previous, by=by, reason="", request=request)
    return application


@transaction.atomic
def application_publish(*, application: Application, by: User, request: HttpRequest | None = None) -> Application:
    """Publish a selected application on the call's list; its registry entry (a lab, a platform...) follows in
    the same transaction."""
    application, previous = _transition(application, action="publish", by=by, request=request)
    application.save(update_fields=["status", "updated_at"])
    _record(application, previous=previous, by=by, reason="", request=request)
    entry_publish(application)
    return application
