"""Pilot-scale (中试) platforms and the service network (ARCHITECTURE §8).

A platform enters the registry at the reserve tier when its application to a pilot-platform call is published
(``pilots.registry``) and climbs to MIIT key cultivation, then national, one dated step at a time. Enterprises
find platforms by service, field and region and send service requests, which the host accepts, declines or
completes, and the requester rates. The registry is public; a request is seen by its two parties.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import BilingualNameMixin, TimeStampedModel
from pilots.choices import RequestStatus, Tier
from selections.choices import ConstructionMode, KeyField, Service


class Platform(BilingualNameMixin, TimeStampedModel):
    scope_path = "host__"
    published_q = Q()  # the registry is public

    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    host = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.PROTECT, related_name="platforms", verbose_name=_("host")
    )
    region = models.ForeignKey("enterprises.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("city"))
    key_field = models.CharField(_("key field"), max_length=20, choices=KeyField.choices)
    industry_direction = models.CharField(_("industry direction"), max_length=200)
    construction_mode = models.CharField(
        _("construction mode"), max_length=20, choices=ConstructionMode.choices, default=ConstructionMode.ENTERPRISE
    )
    services = models.JSONField(_("validation services"), default=list, help_text=_("Codes of the services offered."))
    equipment = models.TextField(_("equipment"), blank=True)
    capacity = models.TextField(_("capacity"), blank=True)
    tier = models.CharField(_("tier"), max_length=20, choices=Tier.choices, default=Tier.RESERVE)
    tier_since = models.DateField(_("tier since"))
    application = models.OneToOneField(
        "selections.Application", on_delete=models.PROTECT, null=True, blank=True, related_name="platform"
    )

    class Meta:
        verbose_name = _("pilot-scale platform")
        verbose_name_plural = _("pilot-scale platforms")
        ordering = ["name_zh"]

    def __str__(self) -> str:
        return self.name

    def service_labels(self) -> list[str]:
        return [str(Service(code).label) for code in self.services if code in Service.values]


class TierChange(models.Model):
    """One step on the tier path, dated (the first is the platform's entry at the reserve tier)."""

    platform = models.ForeignKey(Platform, on_delete=models.CASCADE, related_name="tier_changes")
    from_tier = models.CharField(_("from"), max_length=20, choices=Tier.choices, blank=True)
    to_tier = models.CharField(_("to"), max_length=20, choices=Tier.choices)
    on = models.DateField(_("on"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("tier change")
        verbose_name_plural = _("tier changes")
        ordering = ["platform", "on", "pk"]

    def __str__(self) -> str:
        return f"{self.platform_id}: {self.from_tier or '-'} -> {self.to_tier}"


class ServiceYear(models.Model):
    """A platform's service figures of one year."""

    platform = models.ForeignKey(Platform, on_delete=models.CASCADE, related_name="service_years")
    year = models.PositiveSmallIntegerField(_("year"))
    enterprises_served = models.PositiveIntegerField(_("enterprises served"))
    validations = models.PositiveIntegerField(_("validations completed"))
    income = models.DecimalField(_("service income (10,000 yuan)"), max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = _("service figures")
        verbose_name_plural = _("service figures")
        ordering = ["platform", "-year"]
        constraints = [models.UniqueConstraint(fields=["platform", "year"], name="one_service_year")]

    def __str__(self) -> str:
        return f"{self.platform_id} · {self.year}"


class ServiceRequest(TimeStampedModel):
    """An enterprise asks a platform for a validation service; the host answers; the requester rates it."""

    scope_path = ("enterprise__", "platform__host__")

    platform = models.ForeignKey(Platform, on_delete=models.PROTECT, related_name="requests")
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.PROTECT, related_name="service_requests", verbose_name=_("requester")
    )
    service = models.CharField(_("service"), max_length=20, choices=Service.choices)
    description = models.TextField(_("what is to be validated"))
    status = models.CharField(_("status"), max_length=10, choices=RequestStatus.choices, default=RequestStatus.SENT)
    reply = models.TextField(_("reply"), blank=True)
    rating = models.PositiveSmallIntegerField(
        _("rating"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    rating_comment = models.TextField(_("rating comment"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("service request")
        verbose_name_plural = _("service requests")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.enterprise_id} -> {self.platform_id} · {self.get_service_display()}"


class Scenario(TimeStampedModel):
    """An excellent pilot-scale scenario: a published application of a pilot-scenario call (``pilots.registry``),
    linked to the applicant's platform when it hosts one."""

    scope_path = "enterprise__"
    published_q = Q()  # the list is public

    application = models.OneToOneField(
        "selections.Application", on_delete=models.PROTECT, related_name="pilot_scenario"
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.PROTECT, related_name="pilot_scenarios", verbose_name=_("enterprise")
    )
    platform = models.ForeignKey(
        Platform,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="scenarios",
        verbose_name=_("pilot-scale platform"),
    )
    title = models.CharField(_("title"), max_length=200)
    key_field = models.CharField(_("key field"), max_length=20, choices=KeyField.choices)
    industry_direction = models.CharField(_("industry direction"), max_length=200, blank=True)
    region = models.ForeignKey("enterprises.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("city"))
    year = models.PositiveSmallIntegerField(_("year"))
    scenario = models.TextField(_("the scenario"))
    results = models.TextField(_("measured results"))

    class Meta:
        verbose_name = _("pilot-scale scenario")
        verbose_name_plural = _("pilot-scale scenarios")
        ordering = ["-year", "title"]

    def __str__(self) -> str:
        return self.title
