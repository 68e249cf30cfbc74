"""Reads of the pilot-platform registry (public) and of service requests (their two parties only)."""

from django.db.models import Avg, Count, Q, QuerySet

from accounts.scoping import scope
from pilots.choices import Tier
from pilots.models import Platform, Scenario, ServiceRequest
from selections.choices import KeyField, Service


def platform_list(
    *, search: str = "", service: str = "", key_field: str = "", province: str = "", tier: str = ""
) -> QuerySet:
    """The directory: platforms offering ``service`` in ``key_field`` and ``province``, with their ratings."""
    platforms = Platform.objects.select_related("host", "region").annotate(
        rating=Avg("requests__rating"), rated=Count("requests__rating")
    )
    if search:
        platforms = platforms.filter(
            Q(name_zh__icontains=search) | Q(name_en__icontains=search) | Q(industry_direction__icontains=search)
        )
    if service in Service.values:
        platforms = (
            platforms.filter(services__contains=[service])
            if _json_contains()
            else platforms.filter(services__icontains=f'"{service}"')
        )
    if key_field in KeyField.values:
        platforms = platforms.filter(key_field=key_field)
    if province:
        platforms = platforms.filter(region__code__startswith=province[:2])
    if tier in Tier.values:
        platforms = platforms.filter(tier=tier)
    return platforms.order_by("name_zh")


def _json_contains() -> bool:
    """JSON containment is PostgreSQL's; the embedded SQLite matches the quoted code in the stored text."""
    from django.db import connection

    return connection.vendor == "postgresql"


def requests_of(user) -> QuerySet:
    """Service requests ``user`` is a party to (sent by its enterprise, or to its enterprise's platforms)."""
    return scope(user, ServiceRequest.objects.select_related("platform", "enterprise"), published=False)


def scenario_list(*, search: str = "", key_field: str = "", province: str = "", year: str = "") -> QuerySet:
    """The public list of excellent pilot-scale scenarios, newest first."""
    scenarios = Scenario.objects.select_related("enterprise", "region", "platform")
    if search:
        scenarios = scenarios.filter(
            Q(title__icontains=search)
            | Q(industry_direction__icontains=search)
            | Q(scenario__icontains=search)
            | Q(enterprise__name_zh__icontains=search)
        )
    if key_field in KeyField.values:
        scenarios = scenarios.filter(key_field=key_field)
    if province:
        scenarios = scenarios.filter(region__code__startswith=province[:2])
    if year.isdigit():
        scenarios = scenarios.filter(year=int(year))
    return scenarios.order_by("-year", "title")
