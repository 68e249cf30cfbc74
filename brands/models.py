"""Brand lists ("Made in China" brands) and their entries (ARCHITECTURE §8); brand cultivation self-evaluations.

A list is what a brand call publishes (one list per call, named after it); each published application becomes an
entry: the brand, its owner, its type and sub-category, field and region. An entry stays valid until MIIT
revokes it with a reason. Lists and entries are public.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

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


BRAND_MODEL_CODE = "BCM-2025"
"""The evaluation model a new brand cultivation self-evaluation starts on (its newest active version)."""


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("evaluation status", "Draft")
    SUBMITTED = "submitted", pgettext_lazy("evaluation status", "Submitted")


class BrandAssessment(TimeStampedModel):
    """An enterprise's brand cultivation self-evaluation for one year, on the brand model version it started on.

    Deliberately not an ``evaluations.Evaluation``: it feeds no quality index, on-site queue or certificate. The
    answers are data checked against the bound model version by ``brands.services`` and scored by the same engine
    as the QMC self-assessment; the engine's result is frozen here at submission. Only the enterprise's members
    see a draft; authorities see the submitted ones in their region; the public sees none.
    """

    scope_path = "enterprise__"

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        related_name="brand_assessments",
        verbose_name=_("enterprise"),
    )
    model = models.ForeignKey(
        "evaluations.EvaluationModel",
        on_delete=models.PROTECT,
        related_name="brand_assessments",
        verbose_name=_("evaluation model"),
    )
    model_code = models.CharField(_("model code"), max_length=30, editable=False)
    year = models.PositiveSmallIntegerField(_("year"))
    status = models.CharField(
        _("status"), max_length=10, choices=AssessmentStatus.choices, default=AssessmentStatus.DRAFT
    )
    answers = models.JSONField(
        _("answers"),
        default=dict,
        blank=True,
        help_text=_("Per requirement code: its rating (1, 0.8, 0.5, 0 or na) and a comment."),
    )
    eligibility = models.JSONField(
        _("eligibility answers"), default=dict, blank=True, help_text=_("Per condition code: whether it holds.")
    )
    level = models.PositiveSmallIntegerField(_("self-assessed level"), null=True, blank=True)
    score = models.DecimalField(_("self-assessed score S"), max_digits=6, decimal_places=4, null=True, blank=True)
    result = models.JSONField(_("self-assessment result"), null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("started by")
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("submitted by"),
    )

    class Meta:
        verbose_name = _("brand cultivation self-evaluation")
        verbose_name_plural = _("brand cultivation self-evaluations")
        ordering = ["-year", "enterprise"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "model_code", "year"], name="brandassessment_one_per_enterprise_model_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.model_code} · {self.year}"

    def get_absolute_url(self) -> str:
        return reverse("brands:assessment_detail", kwargs={"pk": self.pk})

    @property
    def is_editable(self) -> bool:
        return self.status == AssessmentStatus.DRAFT

    @property
    def level_name(self) -> str:
        """The achieved level's name from the model, in the reader's language ("" before submission)."""
        return "" if self.level is None else self.model.level_name(self.level)
