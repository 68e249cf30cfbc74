"""The registry of industrial product quality-control and technical-evaluation laboratories (ARCHITECTURE §8).

A lab enters the registry when its application to a lab call is published (``labs.registry``); it is re-assessed
every three years through a call of kind "re-assessment" (passed, possibly renamed) or revoked; every change is a
``LabEvent``. The host reports each year's capabilities and work in a ``LabAnnualReport``. The registry is public.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import BilingualNameMixin, TimeStampedModel


class LabStatus(models.TextChoices):
    ACTIVE = "active", _("Accredited")
    REVOKED = "revoked", _("Revoked")


class LabEventKind(models.TextChoices):
    ACCREDITED = "accredited", _("Accredited")
    REASSESSED = "reassessed", _("Passed re-assessment")
    RENAMED = "renamed", _("Renamed")
    REVOKED = "revoked", _("Revoked")


class Lab(BilingualNameMixin, TimeStampedModel):
    scope_path = "host__"
    published_q = Q()  # the registry is public

    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    host = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.PROTECT, related_name="labs", verbose_name=_("host organisation")
    )
    product_field = models.CharField(_("product field"), max_length=200)
    region = models.ForeignKey("enterprises.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("city"))
    batch = models.PositiveSmallIntegerField(_("batch (year)"))
    accredited_on = models.DateField(_("accredited on"))
    reassessment_due = models.DateField(_("re-assessment due"))
    status = models.CharField(_("status"), max_length=10, choices=LabStatus.choices, default=LabStatus.ACTIVE)
    revoked_on = models.DateField(_("revoked on"), null=True, blank=True)
    application = models.OneToOneField(
        "selections.Application", on_delete=models.PROTECT, null=True, blank=True, related_name="lab"
    )

    class Meta:
        verbose_name = _("laboratory")
        verbose_name_plural = _("laboratories")
        ordering = ["-batch", "name_zh"]
        indexes = [models.Index(fields=["status", "reassessment_due"])]

    def __str__(self) -> str:
        return self.name


class LabEvent(models.Model):
    """One step of a lab's history: accredited, re-assessed, renamed (with the old name), revoked."""

    lab = models.ForeignKey(Lab, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=12, choices=LabEventKind.choices)
    on = models.DateField(_("on"))
    note = models.TextField(_("note"), blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)
    application = models.ForeignKey(
        "selections.Application", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("laboratory event")
        verbose_name_plural = _("laboratory events")
        ordering = ["lab", "on", "pk"]

    def __str__(self) -> str:
        return f"{self.lab_id} · {self.get_kind_display()} · {self.on}"


class LabAnnualReport(models.Model):
    """What a lab did in one year, reported by its host: capabilities and scopes, staff, equipment, projects,
    reports issued, standards drafted."""

    scope_path = "lab__host__"
    published_q = Q()  # the figures are part of the public registry

    lab = models.ForeignKey(Lab, on_delete=models.CASCADE, related_name="reports")
    year = models.PositiveSmallIntegerField(_("year"))
    capabilities = models.TextField(_("capabilities and scopes"))
    staff = models.PositiveIntegerField(_("technical staff"))
    equipment = models.PositiveIntegerField(_("major equipment (sets)"))
    projects = models.PositiveIntegerField(_("projects"))
    reports_issued = models.PositiveIntegerField(_("test and evaluation reports issued"))
    standards_drafted = models.PositiveIntegerField(_("standards drafted"))
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(_("submitted at"), auto_now=True)

    class Meta:
        verbose_name = _("laboratory annual report")
        verbose_name_plural = _("laboratory annual reports")
        ordering = ["lab", "-year"]
        constraints = [models.UniqueConstraint(fields=["lab", "year"], name="one_report_per_lab_and_year")]

    def __str__(self) -> str:
        return f"{self.lab_id} · {self.year}"
