from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.models import BilingualNameMixin, TimeStampedModel
from enterprises import credit_code
from enterprises.choices import (
    AuthorityKind,
    ClaimStatus,
    RegionLevel,
    SizeClass,
    SupplierLinkStatus,
    VerificationStatus,
)
from enterprises.validators import validate_credit_code


def region_prefix(code: str) -> str:
    """The code prefix shared by a region and everything inside it: 440000 → 44, 440300 → 4403, 659001 → 659001."""
    if code.endswith("0000"):
        return code[:2]
    if code.endswith("00"):
        return code[:4]
    return code


class Region(BilingualNameMixin, models.Model):
    """A GB/T 2260 administrative division: province level, or prefecture level inside one."""

    code = models.CharField(_("code"), max_length=6, primary_key=True)
    level = models.CharField(_("level"), max_length=10, choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("parent")
    )
    name_zh = models.CharField(_("name (Chinese)"), max_length=50)
    name_en = models.CharField(_("name (English)"), max_length=80)

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def prefix(self) -> str:
        return region_prefix(self.code)


class Industry(BilingualNameMixin, models.Model):
    """A GB/T 4754-2017 division of section C (manufacturing), 13 to 43."""

    code = models.CharField(_("code"), max_length=4, primary_key=True)
    section = models.CharField(_("section"), max_length=1, default="C")
    name_zh = models.CharField(_("name (Chinese)"), max_length=80)
    name_en = models.CharField(_("name (English)"), max_length=150)

    class Meta:
        verbose_name = _("industry")
        verbose_name_plural = _("industries")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.section}{self.code} {self.name}"


class Authority(BilingualNameMixin, models.Model):
    """One of the 37 industry-and-IT authorities the notices address, with the regions it oversees.

    An authority sees everything inside its regions (Guangdong sees Shenzhen too), except the regions it
    excludes (Xinjiang does not oversee the Corps' cities; the XPCC authority does).
    """

    code = models.CharField(_("code"), max_length=10, primary_key=True)
    kind = models.CharField(_("kind"), max_length=10, choices=AuthorityKind.choices)
    name_zh = models.CharField(_("name (Chinese)"), max_length=80)
    name_en = models.CharField(_("name (English)"), max_length=200)
    regions = models.ManyToManyField(Region, related_name="authorities", verbose_name=_("regions"))
    excluded_regions = models.ManyToManyField(
        Region, related_name="excluded_from_authorities", blank=True, verbose_name=_("excluded regions")
    )

    class Meta:
        verbose_name = _("authority")
        verbose_name_plural = _("authorities")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def region_q(self, field: str = "region__code") -> Q:
        """Q selecting rows whose ``field`` (a region code) lies inside this authority's area."""
        included = Q()
        for region in self.regions.all():
            included |= Q(**{f"{field}__startswith": region.prefix})
        if not included:
            return Q(pk__in=[])
        for region in self.excluded_regions.all():
            included &= ~Q(**{f"{field}__startswith": region.prefix})
        return included

    def covers(self, region_code: str) -> bool:
        inside = any(region_code.startswith(region.prefix) for region in self.regions.all())
        return inside and not any(region_code.startswith(region.prefix) for region in self.excluded_regions.all())


class CreditCodeField(models.CharField):
    """An 18-character unified social credit code, normalised (upper case, no spaces) and check-validated."""

    default_validators = [validate_credit_code]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", credit_code.LENGTH)
        super().__init__(*args, **kwargs)

    def formfield(self, **kwargs):
        from enterprises.forms import CreditCodeFormField

        return super().formfield(**{"form_class": CreditCodeFormField, **kwargs})


class Enterprise(BilingualNameMixin, TimeStampedModel):
    """A manufacturing enterprise, identified by its unified social credit code."""

    # Scoping (accounts.scoping): the path from this model to the enterprise whose data it is.
    scope_path = ""

    credit_code = CreditCodeField(_("unified social credit code"), unique=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="enterprises", verbose_name=_("region"))
    industry = models.ForeignKey(
        Industry, on_delete=models.PROTECT, related_name="enterprises", verbose_name=_("industry")
    )
    size_class = models.CharField(_("size"), max_length=10, choices=SizeClass.choices)
    is_listed = models.BooleanField(_("listed company"), default=False)
    parent = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="subsidiaries",
        verbose_name=_("parent group"),
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    status = models.CharField(
        _("verification"), max_length=10, choices=VerificationStatus.choices, default=VerificationStatus.PENDING
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("verified by"),
    )
    suppliers = models.ManyToManyField(
        "self",
        through="SupplierLink",
        symmetrical=False,
        related_name="customers",
        verbose_name=_("suppliers"),
    )

    class Meta:
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        ordering = ["name_zh"]
        indexes = [models.Index(fields=["industry", "region"]), models.Index(fields=["status"])]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("enterprises:enterprise_detail", kwargs={"pk": self.pk})

    def clean(self) -> None:
        if self.region_id and self.region.children.exists():
            raise ValidationError(
                {
                    "region": _("{name} is divided into prefecture-level cities; choose one of them.").format(
                        name=self.region.name
                    )
                }
            )
        if self.parent_id and self.parent_id == self.pk:
            raise ValidationError({"parent": _("An enterprise cannot be its own parent group.")})


class SupplierLink(models.Model):
    """A leading enterprise's supplier: the supply-chain network that quality collaboration runs on.

    The leading enterprise names the supplier; the link stays pending until the supplier's administrator accepts
    it. Only an accepted link shares anything beyond the names (see ``enterprises.supply_chain``).
    """

    # The link belongs to both enterprises: the leading one's supplier network and the supplier's customers.
    scope_path = ("leading__", "supplier__")

    leading = models.ForeignKey(
        Enterprise, on_delete=models.CASCADE, related_name="supplier_links", verbose_name=_("leading enterprise")
    )
    supplier = models.ForeignKey(
        Enterprise, on_delete=models.CASCADE, related_name="customer_links", verbose_name=_("supplier")
    )
    products = models.CharField(_("products supplied"), max_length=200, blank=True)
    since = models.DateField(_("supplier since"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=SupplierLinkStatus.choices, default=SupplierLinkStatus.PENDING
    )
    responded_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by"),
    )

    class Meta:
        verbose_name = _("supplier link")
        verbose_name_plural = _("supplier links")
        constraints = [
            models.UniqueConstraint(fields=["leading", "supplier"], name="supplierlink_unique_pair"),
            models.CheckConstraint(condition=~Q(leading=models.F("supplier")), name="supplierlink_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.leading} → {self.supplier}"


class EnterpriseClaim(models.Model):
    """A user's request to act for an enterprise; the authority of the enterprise's region decides it."""

    scope_path = "enterprise__"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enterprise_claims", verbose_name=_("user")
    )
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.CASCADE, related_name="claims", verbose_name=_("enterprise")
    )
    position = models.CharField(_("position in the enterprise"), max_length=100, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=ClaimStatus.choices, default=ClaimStatus.PENDING)
    created_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("enterprise claim")
        verbose_name_plural = _("enterprise claims")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=Q(status=ClaimStatus.PENDING), name="claim_one_pending_per_user"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.enterprise}"
