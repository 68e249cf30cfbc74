"""Three Products lists, product quality grading records and quality inspection results (ARCHITECTURE §8).

- A **Three Products list** (三品: 增品种、提品质、创品牌) is what a ministry publishes, e.g. a consumer-goods
  "upgrade and innovation" guide; each entry names an enterprise and one of its products. Entries are public once
  their list is published.
- A **grading record** says which grade (AAAAA down to A) a certifying body gave a product under a grading scheme,
  with the report number and how long it is valid. The register is public; "valid" follows from the dates.
- An **inspection batch** is one published round of supervision spot checks (监督抽查) of a key product; its
  **results** (one per sample: enterprise, product, pass or fail, defects) are imported from an Excel workbook
  (``products.workbook``) and are public once the batch is published. A batch is known by its file's SHA-256,
  so the same file imported twice is one batch.

All of it attaches to enterprises and shows on their public profile.
"""

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.models import BilingualNameMixin, TimeStampedModel, pick_language
from products.choices import Grade, ProductCategory


class ThreeProductsList(BilingualNameMixin, TimeStampedModel):
    """A published Three Products list; until ``published_on`` is set its entries are not public."""

    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    year = models.PositiveSmallIntegerField(_("year"))
    issuer = models.CharField(_("issuer"), max_length=100)
    published_on = models.DateField(_("published on"), null=True, blank=True)

    class Meta:
        verbose_name = _("Three Products list")
        verbose_name_plural = _("Three Products lists")
        ordering = ["-year", "name_zh"]

    def __str__(self) -> str:
        return self.name


class ThreeProductsEntry(TimeStampedModel):
    """One product of one enterprise on a Three Products list."""

    scope_path = "enterprise__"
    published_q = Q(products_list__published_on__isnull=False)

    products_list = models.ForeignKey(
        ThreeProductsList, on_delete=models.PROTECT, related_name="entries", verbose_name=_("list")
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        related_name="three_products_entries",
        verbose_name=_("enterprise"),
    )
    product_zh = models.CharField(_("product (Chinese)"), max_length=200)
    product_en = models.CharField(_("product (English)"), max_length=300, blank=True)
    field = models.CharField(_("category or field"), max_length=200, blank=True)
    region = models.ForeignKey("enterprises.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("city"))

    class Meta:
        verbose_name = _("Three Products list entry")
        verbose_name_plural = _("Three Products list entries")
        ordering = ["products_list", "product_zh"]
        constraints = [
            models.UniqueConstraint(
                fields=["products_list", "enterprise", "product_zh"], name="threeproducts_entry_once_per_list"
            )
        ]

    def __str__(self) -> str:
        return self.product

    @property
    def product(self) -> str:
        return pick_language(self.product_zh, self.product_en)


class GradingRecord(TimeStampedModel):
    """A product's quality grade from a certifying body, valid from ``issued_on`` to ``valid_until`` inclusive."""

    scope_path = "enterprise__"
    published_q = Q(pk__isnull=False)  # the register is public (an empty Q would publish nothing through scope())

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.PROTECT, related_name="grading_records", verbose_name=_("enterprise")
    )
    product_zh = models.CharField(_("product (Chinese)"), max_length=200)
    product_en = models.CharField(_("product (English)"), max_length=300, blank=True)
    grade = models.PositiveSmallIntegerField(_("grade"), choices=Grade.choices)
    scheme = models.CharField(_("grading scheme"), max_length=200)
    certifying_body = models.CharField(_("certifying body"), max_length=200)
    report_number = models.CharField(_("report number"), max_length=60)
    issued_on = models.DateField(_("issued on"))
    valid_until = models.DateField(_("valid until"))

    class Meta:
        verbose_name = _("product quality grading record")
        verbose_name_plural = _("product quality grading records")
        ordering = ["-issued_on", "report_number"]
        constraints = [
            models.UniqueConstraint(fields=["certifying_body", "report_number"], name="grading_report_once_per_body"),
            models.CheckConstraint(condition=Q(valid_until__gt=models.F("issued_on")), name="grading_validity"),
            models.CheckConstraint(condition=Q(grade__gte=1, grade__lte=5), name="grading_grade_1_to_5"),
        ]

    def __str__(self) -> str:
        return f"{self.report_number} · {self.get_grade_display()}"

    @property
    def product(self) -> str:
        return pick_language(self.product_zh, self.product_en)

    @staticmethod
    def valid_q(today: date) -> Q:
        return Q(issued_on__lte=today, valid_until__gte=today)

    @property
    def is_valid(self) -> bool:
        return self.issued_on <= timezone.localdate() <= self.valid_until


def source_path(instance: "InspectionBatch", filename: str) -> str:
    return f"inspection-workbooks/{instance.source_sha256[:2]}/{instance.source_sha256}.xlsx"


class InspectionBatch(models.Model):
    """One round of quality spot checks of a key product, imported from a workbook; public once published.

    ``authority`` is the authority that published it (empty: MIIT); its rows must lie inside that authority's area.
    The counts are those of its results, which never change after the import.
    """

    category = models.CharField(_("product category"), max_length=30, choices=ProductCategory.choices)
    title_zh = models.CharField(_("title (Chinese)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    year = models.PositiveSmallIntegerField(_("year"))
    batch_label = models.CharField(_("batch"), max_length=200, blank=True)
    authority = models.ForeignKey(
        "enterprises.Authority",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
        help_text=_("Empty: MIIT."),
    )
    source_sha256 = models.CharField(_("SHA-256 of the source file"), max_length=64, unique=True)
    source_name = models.CharField(_("file name"), max_length=200)
    source_file = models.FileField(_("source file"), upload_to=source_path, max_length=200, blank=True)
    sample_count = models.PositiveIntegerField(_("samples"), default=0)
    failed_count = models.PositiveIntegerField(pgettext_lazy("inspection result", "failed"), default=0)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("imported by")
    )
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by (user)"),
    )

    class Meta:
        verbose_name = _("inspection batch")
        verbose_name_plural = _("inspection batches")
        ordering = ["-year", "-imported_at"]
        constraints = [
            models.CheckConstraint(condition=Q(failed_count__lte=models.F("sample_count")), name="batch_failed_le_all")
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return pick_language(self.title_zh, self.title_en)

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    @property
    def failure_rate(self) -> float | None:
        return self.failed_count / self.sample_count if self.sample_count else None


class InspectionResult(models.Model):
    """One inspected sample: whose, which product and model, passed or not, and the defects found."""

    scope_path = "enterprise__"
    published_q = Q(batch__published_at__isnull=False)

    batch = models.ForeignKey(
        InspectionBatch, on_delete=models.CASCADE, related_name="results", verbose_name=_("batch")
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        related_name="inspection_results",
        verbose_name=_("enterprise"),
    )
    product = models.CharField(_("product"), max_length=200)
    model_spec = models.CharField(_("model / specification"), max_length=200, blank=True)
    sample_number = models.CharField(_("sample number"), max_length=60, blank=True)
    passed = models.BooleanField(pgettext_lazy("inspection result", "passed"))
    defects = models.TextField(_("defects"), blank=True)
    row = models.PositiveIntegerField(_("row in the source file"))

    class Meta:
        verbose_name = _("inspection result")
        verbose_name_plural = _("inspection results")
        ordering = ["batch", "row"]
        constraints = [
            models.UniqueConstraint(
                fields=["batch", "sample_number"], condition=~Q(sample_number=""), name="inspection_sample_once"
            )
        ]
        indexes = [models.Index(fields=["enterprise", "batch"])]

    def __str__(self) -> str:
        return f"{self.batch_id} · {self.sample_number or self.row} · {self.product}"
