"""Decision and publication (ARCHITECTURE §6): the authority approves or returns a submitted result; approval opens
a public notice (公示) in which anyone may object; the authority resolves the objections; after the notice the
level is published with a certificate, which the platform expires when its validity lapses and the authority
may revoke with a reason.

Every status change goes through the workflow table (``workflow._transition`` / ``_record``), so each step has
its history row and audit row. Dates are the platform's local dates (Asia/Shanghai).
"""

from datetime import date

from django.conf import settings
from django.core.cache import cache
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
from enterprises.models import Region
from evaluations.choices import CertificateStatus, EvaluationStatus, ObjectionStatus
from evaluations.models import Certificate, Evaluation, Objection
from evaluations.services.common import EvaluationError
from evaluations.services.workflow import _record, _transition
from evaluations.workflow import AUTHORITIES
from evaluations.working_days import add_working_days, add_years
from indices.services import recompute_soon

OBJECTION_TEXT_MIN = 10
OBJECTION_TEXT_MAX = 5000
CERTIFICATE_PREFIX = "QP"


def notice_end(*, start: date) -> date:
    """The last day of a public notice opened on ``start``: the configured number of working days later."""
    return add_working_days(start, settings.PUBLIC_NOTICE_WORKING_DAYS, holidays=settings.PUBLIC_NOTICE_HOLIDAYS)


def notice_is_open(evaluation: Evaluation, *, today: date | None = None) -> bool:
    """Objections are taken while the evaluation is in notice, up to and including its last day."""
    today = today or timezone.localdate()
    return (
        evaluation.status == EvaluationStatus.NOTICE
        and evaluation.notice_until is not None
        and today <= evaluation.notice_until
    )


# --- The authority's decision on a submitted result --------------------------------------------------------


@transaction.atomic
def result_approve(*, evaluation: Evaluation, by: User, request: HttpRequest | None = None) -> Evaluation:
    """Approve the team's result: the public notice starts today and ends after the configured working days."""
    evaluation, previous = _transition(evaluation, action="approve", by=by, request=request)
    evaluation.notice_until = notice_end(start=timezone.localdate())
    evaluation.save(update_fields=["status", "notice_until", "updated_at"])
    _record(
        evaluation,
        previous=previous,
        by=by,
        reason="",
        request=request,
        notice_until=evaluation.notice_until.isoformat(),
    )
    return evaluation


@transaction.atomic
def result_return(*, evaluation: Evaluation, reason: str, by: User, request: HttpRequest | None = None) -> Evaluation:
    """Send the result back to the team's consensus with a reason (the lead reads it and submits again)."""
    evaluation, previous = _transition(evaluation, action="return_result", by=by, reason=reason, request=request)
    evaluation.save(update_fields=["status", "updated_at"])
    _record(evaluation, previous=previous, by=by, reason=reason, request=request)
    return evaluation


# --- Objections during the notice ---------------------------------------------------------------------------


def _client_key(request: HttpRequest | None) -> str:
    return (request.META.get("REMOTE_ADDR") or "unknown") if request is not None else "unknown"


def _check_objection_rate(request: HttpRequest | None) -> None:
    """At most OBJECTION_RATE_PER_HOUR objections per visitor address and hour (the form is open to anyone)."""
    key = f"objection-rate:{_client_key(request)}"
    cache.add(key, 0, timeout=3600)
    if cache.incr(key) > settings.OBJECTION_RATE_PER_HOUR:
        raise EvaluationError(
            _("Too many objections from your address; try again in an hour."), code="objection_rate_limited"
        )


def objection_check(objection, *, request: HttpRequest | None) -> None:
    """Before an objection (to a result or to an application) is stored: every field valid, the text of a sensible
    length, and the visitor within the hourly rate; otherwise a ValidationError naming the fields, or the rate
    error."""
    errors: dict[str, list[str]] = {}
    try:
        objection.full_clean()
    except ValidationError as exc:
        errors = exc.message_dict
    if "text" not in errors and not OBJECTION_TEXT_MIN <= len(objection.text) <= OBJECTION_TEXT_MAX:
        errors["text"] = [
            _("Describe the objection in {low} to {high} characters.").format(
                low=OBJECTION_TEXT_MIN, high=OBJECTION_TEXT_MAX
            )
        ]
    if errors:
        raise ValidationError(errors)
    _check_objection_rate(request)


@transaction.atomic
def objection_raise(
    *, evaluation: Evaluation, name: str, contact: str, text: str, request: HttpRequest | None = None
) -> Objection:
    """Anyone, anonymous visitors included, may object to a result while its public notice runs."""
    evaluation = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
    if not notice_is_open(evaluation):
        raise EvaluationError(_("This result is not in public notice; objections are closed."), code="notice_closed")
    objection = Objection(evaluation=evaluation, name=name.strip(), contact=contact.strip(), text=text.strip())
    objection_check(objection, request=request)
    objection.save()
    audit_record(
        action=AuditAction.CREATE, request=request, target=objection, username="public", details={"objection": True}
    )
    return objection


def _require_authority_for(by: User, evaluation: Evaluation) -> None:
    if not by.has_role(*AUTHORITIES):
        raise NotPermitted(_("Only the authority resolves objections."))
    if not scope(by, Evaluation.objects.filter(pk=evaluation.pk), published=False).exists():
        raise NotPermitted(_("This enterprise is outside your area."))


@transaction.atomic
def objection_resolve(
    *, objection: Objection, uphold: bool, resolution: str, by: User, request: HttpRequest | None = None
) -> Objection:
    """The authority answers an objection in writing.

    Dismissed: the notice goes on. Upheld: the result goes back to the team's consensus (``reopen``) with the
    objection as the reason; the other open objections of the same notice go back with it, answered as upheld
    together, since the team reviews the whole result again and a new notice follows its next approval.
    """
    _require_authority_for(by, objection.evaluation)
    objection = Objection.objects.select_for_update().select_related("evaluation").get(pk=objection.pk)
    if objection.status != ObjectionStatus.OPEN:
        raise EvaluationError(_("This objection has already been resolved."), code="objection_resolved")
    if not resolution.strip():
        raise ValidationError({"resolution": _("Write the resolution; the objector and the enterprise may read it.")})
    now = timezone.now()
    if not uphold:
        objection.status, objection.resolution = ObjectionStatus.DISMISSED, resolution.strip()
        objection.resolved_by, objection.resolved_at = by, now
        objection.save(update_fields=["status", "resolution", "resolved_by", "resolved_at"])
        audit_record(
            action=AuditAction.UPDATE,
            actor=by,
            request=request,
            target=objection,
            details={"status": objection.status, "resolution": objection.resolution},
        )
        return objection
    open_objections = list(Objection.objects.filter(evaluation=objection.evaluation, status=ObjectionStatus.OPEN))
    reason = _("Objection upheld: {text}\nResolution: {resolution}").format(
        text=objection.text, resolution=resolution.strip()
    )
    evaluation, previous = _transition(objection.evaluation, action="reopen", by=by, reason=reason, request=request)
    evaluation.notice_until = None
    evaluation.save(update_fields=["status", "notice_until", "updated_at"])
    for item in open_objections:
        item.status, item.resolved_by, item.resolved_at = ObjectionStatus.UPHELD, by, now
        item.resolution = (
            resolution.strip()
            if item.pk == objection.pk
            else _("Reopened together with objection {number}: {resolution}").format(
                number=objection.pk, resolution=resolution.strip()
            )
        )
    Objection.objects.bulk_update(open_objections, ["status", "resolution", "resolved_by", "resolved_at"])
    _record(evaluation, previous=previous, by=by, reason=reason, request=request, objection=objection.pk)
    objection.refresh_from_db()
    return objection


# --- Publication, certificates, expiry and revocation ------------------------------------------------------


def certificate_number_prefix(*, evaluation: Evaluation, issued_on: date) -> str:
    """``QP-<year>-<province code>-``: the province is the first two digits of the enterprise's region code."""
    return f"{CERTIFICATE_PREFIX}-{issued_on.year}-{evaluation.enterprise.region_id[:2]}-"


def _next_certificate_number(*, evaluation: Evaluation, issued_on: date) -> str:
    """The next number in the province's yearly sequence (6 digits).

    Race-safe: the province's Region row is locked for the rest of the transaction, so two publications in the
    same province take their numbers one after the other (the unique constraint on the number is the backstop).
    """
    province = evaluation.enterprise.region_id[:2] + "0000"
    list(Region.objects.select_for_update().filter(code=province).values_list("code", flat=True))
    prefix = certificate_number_prefix(evaluation=evaluation, issued_on=issued_on)
    last = (
        Certificate.objects.filter(number__startswith=prefix).order_by("-number").values_list("number", flat=True)
    ).first()
    sequence = int(last.removeprefix(prefix)) + 1 if last else 1
    return f"{prefix}{sequence:06d}"


@transaction.atomic
def result_publish(*, evaluation: Evaluation, by: User, request: HttpRequest | None = None) -> Evaluation:
    """Publish the level once the notice has ended with no open objection; a level of 1 or more gets a certificate.

    A level of 0 ("below the experience level") is published as a result, without a certificate.
    """
    evaluation, previous = _transition(evaluation, action="publish", by=by, request=request)
    today = timezone.localdate()
    if evaluation.notice_until is None or today <= evaluation.notice_until:
        raise EvaluationError(
            _("The public notice runs until {date}; publish after it has ended.").format(
                date=evaluation.notice_until.isoformat() if evaluation.notice_until else "—"
            ),
            code="notice_running",
        )
    open_count = Objection.objects.filter(evaluation=evaluation, status=ObjectionStatus.OPEN).count()
    if open_count:
        raise EvaluationError(
            _("{count} objection(s) are still open; resolve them before publishing.").format(count=open_count),
            code="open_objections",
        )
    evaluation.published_at = timezone.now()
    evaluation.save(update_fields=["status", "published_at", "updated_at"])
    certificate = None
    if (evaluation.official_level or 0) >= 1:
        certificate = Certificate(
            number=_next_certificate_number(evaluation=evaluation, issued_on=today),
            evaluation=evaluation,
            enterprise=evaluation.enterprise,
            level=evaluation.official_level,
            score=evaluation.official_score,
            issued_on=today,
            valid_until=add_years(today, settings.CERTIFICATE_VALIDITY_YEARS),
        )
        certificate.full_clean()
        certificate.save()
    _record(
        evaluation,
        previous=previous,
        by=by,
        reason="",
        request=request,
        level=evaluation.official_level,
        certificate=certificate.number if certificate else None,
    )
    recompute_soon()
    return evaluation


def certificates_expire(*, today: date | None = None) -> list[str]:
    """Expire every valid certificate whose last valid day has passed (the platform's own step, ``by=None``).

    Idempotent: an expired certificate is no longer valid, so a second run finds nothing. One transaction per
    certificate: what expired before an error stays expired, and the next run carries on. Returns the numbers.
    """
    today = today or timezone.localdate()
    lapsed = Certificate.objects.filter(status=CertificateStatus.VALID, valid_until__lt=today).values_list(
        "pk", flat=True
    )
    expired = []
    for pk in lapsed:
        with transaction.atomic():
            certificate = Certificate.objects.select_for_update().select_related("evaluation").get(pk=pk)
            if certificate.status != CertificateStatus.VALID:
                continue
            evaluation, previous = _transition(certificate.evaluation, action="expire", by=None)
            evaluation.save(update_fields=["status", "updated_at"])
            certificate.status = CertificateStatus.EXPIRED
            certificate.save(update_fields=["status", "updated_at"])
            _record(
                evaluation,
                previous=previous,
                by=None,
                reason=_("The certificate's validity ended on {date}.").format(date=certificate.valid_until),
                request=None,
                certificate=certificate.number,
            )
            expired.append(certificate.number)
    return expired


@transaction.atomic
def certificate_revoke(
    *, certificate: Certificate, reason: str, by: User, request: HttpRequest | None = None
) -> Certificate:
    """The authority revokes a valid certificate with a reason; the public verification page then says so."""
    evaluation, previous = _transition(certificate.evaluation, action="revoke", by=by, reason=reason, request=request)
    certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
    evaluation.save(update_fields=["status", "updated_at"])
    certificate.status = CertificateStatus.REVOKED
    certificate.revoked_reason, certificate.revoked_at, certificate.revoked_by = reason.strip(), timezone.now(), by
    certificate.save(update_fields=["status", "revoked_reason", "revoked_at", "revoked_by", "updated_at"])
    _record(evaluation, previous=previous, by=by, reason=reason, request=request, certificate=certificate.number)
    recompute_soon()
    return certificate
