"""Brand lists ("Made in China" brands) and their entries (ARCHITECTURE §8).

A list is what a brand call publishes (one list per call, named after it); each published application becomes an
entry: the brand, its owner, its type and sub-category, field and region. An entry stays valid until MIIT
revokes it with a reason. Lists and entries are public.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel, pick_language
from selections.choices import BrandCategory, BrandType


class EntryStatus(models.TextChoices):
    VALID = "valid", _("Valid")
    REVOKED = "revoked", _("Revoked")


class BrandList(TimeStampedModel):
    published_q = Q()

    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    year = models.PositiveSmallIntegerField(_("year"))
    issuer = models.CharField(_("issuer"), max_length=100)
    call = models.OneToOneField(
        "selections.Call", on_delete=models.PROTECT, null=True, blank=True, related_name="brand_list"
    )

    class Meta:
        verbose_name = _("brand list")
        verbose_name_plural = _("brand lists")
        ordering = ["-year", "name_zh"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return pick_language(self.name_zh, self.name_en)


class BrandEntry(TimeStampedModel):
    scope_path = "owner__"
    published_q = Q()

    brand_list = models.ForeignKey(BrandList, on_delete=models.PROTECT, related_name="entries", verbose_name=_("list"))
    brand = models.CharField(_("brand"), max_length=200)
    owner = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.PROTECT, related_name="brands", verbose_name=_("owner")
    )
    brand_type = models.CharField(_("type"), max_length=20, choices=BrandType.choices)
    category = models.CharField(_("sub-category"), max_length=30, choices=BrandCategory.choices, blank=True)
    field = models.CharField(_("field"), max_length=200, blank=True)
    region = models.ForeignKey("enterprises.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("city"))
    status = models.CharField(_("status"), max_length=10, choices=EntryStatus.choices, default=EntryStatus.VALID)
    revoked_on = models.DateField(_("revoked on"), null=True, blank=True)
    revoked_reason = models.TextField(_("reason for revocation"), blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    application = models.OneToOneField(
        "selections.Application", on_delete=models.PROTECT, null=True, blank=True, related_name="brand_entry"
    )

    class Meta:
        verbose_name = _("brand list entry")
        verbose_name_plural = _("brand list entries")
        ordering = ["brand_list", "brand"]

    def __str__(self) -> str:
        return self.brand
