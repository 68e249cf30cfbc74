"""Pilot-scale platforms: entered at the reserve tier by a published application, promoted by MIIT one tier at
a time; the host files yearly service figures; the service network's requests (send, accept or decline,
complete, rate). Each change is audited; a refused step changes nothing."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import AuditAction, Role
from accounts.models import User
from accounts.services import audit_record
from core.exceptions import DomainError, NotPermitted
from enterprises.choices import VerificationStatus
from enterprises.models import Enterprise
from pilots.choices import NEXT_TIER, RequestStatus, Tier
from pilots.models import Platform, Scenario, ServiceRequest, ServiceYear, TierChange
from selections.choices import ConstructionMode, KeyField, Service
from selections.models import Application

REQUEST_TEXT_MAX = 5000


class PilotError(DomainError):
    default_code = "pilot_error"


def platform_from_application(application: Application, *, today: date | None = None) -> Platform:
    """A published pilot-platform application enters the registry at the reserve tier."""
    today = today or timezone.localdate()
    data = application.data
    platform = Platform.objects.create(
        name_zh=application.title,
        host=application.enterprise,
        region_id=application.enterprise.region_id,
        key_field=data.get("key_field") if data.get("key_field") in KeyField.values else KeyField.EQUIPMENT,
        industry_direction=data.get("industry_direction", ""),
        construction_mode=data.get("construction_mode")
        if data.get("construction_mode") in ConstructionMode.values
        else ConstructionMode.ENTERPRISE,
        services=[code for code in data.get("services", []) if code in Service.values],
        equipment=data.get("equipment", ""),
        capacity=data.get("capacity", ""),
        tier=Tier.RESERVE,
        tier_since=today,
        application=application,
    )
    TierChange.objects.create(platform=platform, from_tier="", to_tier=Tier.RESERVE, on=today)
    audit_record(
        action=AuditAction.CREATE, target=platform, username="platform", details={"application": application.pk}
    )
    return platform


def scenario_from_application(application: Application) -> Scenario:
    """A published pilot-scenario application enters the scenario list, linked to the applicant's platform."""
    data = application.data
    enterprise = application.enterprise
    scenario = Scenario.objects.create(
        application=application,
        enterprise=enterprise,
        platform=Platform.objects.filter(host=enterprise).order_by("pk").first(),
        title=application.title,
        key_field=data.get("key_field") if data.get("key_field") in KeyField.values else KeyField.EQUIPMENT,
        industry_direction=data.get("industry_direction", ""),
        region_id=enterprise.region_id,
        year=application.call.year,
        scenario=data.get("scenario", ""),
        results=data.get("results", ""),
    )
    audit_record(
        action=AuditAction.CREATE, target=scenario, username="platform", details={"application": application.pk}
    )
    return scenario


@transaction.atomic
def platform_promote(*, platform: Platform, by: User, request: HttpRequest | None = None) -> Platform:
    """MIIT moves a platform one tier up: reserve -> MIIT key cultivation -> national."""
    if not by.has_role(Role.NATIONAL):
        raise NotPermitted(_("Only MIIT staff promote a platform."))
    platform = Platform.objects.select_for_update().get(pk=platform.pk)
    target = NEXT_TIER.get(platform.tier)
    if target is None:
        raise PilotError(_("This platform is already at the national tier."), code="top_tier")
    today = timezone.localdate()
    TierChange.objects.create(platform=platform, from_tier=platform.tier, to_tier=target, on=today, by=by)
    previous, platform.tier, platform.tier_since = platform.tier, target, today
    platform.save(update_fields=["tier", "tier_since", "updated_at"])
    audit_record(
        action=AuditAction.STATE_CHANGE,
        actor=by,
        request=request,
        target=platform,
        details={"from": previous, "to": target},
    )
    return platform


@transaction.atomic
def service_year_record(
    *,
    platform: Platform,
    year: int,
    enterprises_served: int,
    validations: int,
    income: Decimal,
    by: User,
    request: HttpRequest | None = None,
) -> ServiceYear:
    """The host's service figures of ``year`` (replacing earlier figures of the same year)."""
    if not by.is_member_of(platform.host_id):
        raise NotPermitted(_("Only the host's own members report the platform's figures."))
    if not 2000 <= year <= timezone.localdate().year:
        raise ValidationError({"year": [_("Report a past or the current year.")]})
    figures = ServiceYear.objects.filter(platform=platform, year=year).first() or ServiceYear(
        platform=platform, year=year
    )
    figures.enterprises_served, figures.validations, figures.income = enterprises_served, validations, income
    figures.full_clean(exclude=["platform"], validate_unique=False)
    figures.save()
    audit_record(action=AuditAction.UPDATE, actor=by, request=request, target=figures, details={"year": year})
    return figures


@transaction.atomic
def request_send(
    *,
    platform: Platform,
    enterprise: Enterprise,
    service: str,
    description: str,
    by: User,
    request: HttpRequest | None = None,
) -> ServiceRequest:
    """An enterprise's member asks a platform for one of the services it offers."""
    if not by.is_member_of(enterprise.pk):
        raise NotPermitted(_("Only the enterprise's own members send requests on its behalf."))
    if enterprise.status != VerificationStatus.VERIFIED:
        raise PilotError(_("The enterprise must be verified by its authority first."), code="unverified")
    if platform.host_id == enterprise.pk:
        raise PilotError(_("A platform does not send requests to itself."), code="own_platform")
    errors = {}
    if service not in platform.services:
        errors["service"] = [_("This platform does not offer that service.")]
    if not description.strip():
        errors["description"] = [_("Describe what is to be validated.")]
    elif len(description) > REQUEST_TEXT_MAX:
        errors["description"] = [_("At most {limit} characters.").format(limit=REQUEST_TEXT_MAX)]
    if errors:
        raise ValidationError(errors)
    service_request = ServiceRequest.objects.create(
        platform=platform, enterprise=enterprise, service=service, description=description.strip(), created_by=by
    )
    audit_record(action=AuditAction.CREATE, actor=by, request=request, target=service_request)
    return service_request


ANSWERS = {
    "accept": (RequestStatus.SENT, RequestStatus.ACCEPTED),
    "decline": (RequestStatus.SENT, RequestStatus.DECLINED),
    "complete": (RequestStatus.ACCEPTED, RequestStatus.COMPLETED),
}


@transaction.atomic
def request_answer(
    *, service_request: ServiceRequest, action: str, reply: str, by: User, request: HttpRequest | None = None
) -> ServiceRequest:
    """The host accepts or declines a sent request (declining needs the reason), then completes it."""
    service_request = ServiceRequest.objects.select_for_update().select_related("platform").get(pk=service_request.pk)
    if not by.is_member_of(service_request.platform.host_id):
        raise NotPermitted(_("Only the platform's host answers its requests."))
    source, target = ANSWERS[action]
    if service_request.status != source:
        raise PilotError(
            _("This step is not possible now: the request is {status}.").format(
                status=service_request.get_status_display()
            ),
            code="wrong_status",
        )
    if action == "decline" and not reply.strip():
        raise ValidationError({"reply": [_("Say why; the requester reads it.")]})
    previous, service_request.status = service_request.status, target
    if reply.strip():
        service_request.reply = reply.strip()
    service_request.save(update_fields=["status", "reply", "updated_at"])
    audit_record(
        action=AuditAction.STATE_CHANGE,
        actor=by,
        request=request,
        target=service_request,
        details={"from": previous, "to": target},
    )
    return service_request


@transaction.atomic
def request_rate(
    *, service_request: ServiceRequest, rating, comment: str, by: User, request: HttpRequest | None = None
) -> ServiceRequest:
    """The requester rates a completed service from 1 to 5, once."""
    service_request = ServiceRequest.objects.select_for_update().get(pk=service_request.pk)
    if not by.is_member_of(service_request.enterprise_id):
        raise NotPermitted(_("Only the requester rates the service."))
    if service_request.status != RequestStatus.COMPLETED:
        raise PilotError(_("Rate a service once it is completed."), code="not_completed")
    if service_request.rating is not None:
        raise PilotError(_("This service was already rated."), code="rated")
    try:
        value = int(str(rating).strip())
    except ValueError:
        value = 0
    if not 1 <= value <= 5:
        raise ValidationError({"rating": [_("Rate from 1 to 5.")]})
    service_request.rating, service_request.rating_comment = value, comment.strip()
    service_request.save(update_fields=["rating", "rating_comment", "updated_at"])
    audit_record(
        action=AuditAction.UPDATE, actor=by, request=request, target=service_request, details={"rating": value}
    )
    return service_request
