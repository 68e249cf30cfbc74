"""Facts, index cells and early warnings (ARCHITECTURE §7).

``EvaluationFact`` is the one summary row per scored evaluation and layer; dashboards and the index read facts
and cells, never raw ratings. ``IndexCell`` is one snapshot row per method version x year x region x industry x
size (roll-ups use the empty code: "000000" is the whole country, "" all industries or all sizes). Cells and
``IndexSnapshot`` rows are written only by ``indices.services.indices_recompute``.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from indices.choices import Layer, WarningKind, WarningState

COUNTRY = "000000"
ALL = ""


class EvaluationFact(models.Model):
    """One scored evaluation in one layer: self-assessed (on submission) or official (on publication)."""

    scope_path = "enterprise__"
    evaluation_path = "evaluation__"

    evaluation = models.ForeignKey("evaluations.Evaluation", on_delete=models.CASCADE, related_name="facts")
    layer = models.CharField(_("layer"), max_length=10, choices=Layer.choices)
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.CASCADE, related_name="+")
    province_code = models.CharField(_("province"), max_length=6)
    city_code = models.CharField(_("city"), max_length=6)
    industry_code = models.CharField(_("industry"), max_length=4)
    size_class = models.CharField(_("size"), max_length=10)
    year = models.PositiveSmallIntegerField(_("cycle (year)"))
    level = models.PositiveSmallIntegerField(_("level"))
    score = models.FloatField(_("score S"))
    dimension_scores = models.JSONField(_("dimension scores"), default=dict)
    valid_from = models.DateField(_("valid from"), null=True, blank=True, help_text=_("Official layer: publication."))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    revoked_on = models.DateField(_("revoked on"), null=True, blank=True)
    written_at = models.DateTimeField(_("written at"), auto_now=True)

    class Meta:
        verbose_name = _("evaluation fact")
        verbose_name_plural = _("evaluation facts")
        constraints = [models.UniqueConstraint(fields=["evaluation", "layer"], name="fact_one_per_evaluation_layer")]
        indexes = [models.Index(fields=["layer", "valid_from"]), models.Index(fields=["layer", "year"])]

    def __str__(self) -> str:
        return f"{self.evaluation_id}/{self.layer}"


class IndexCell(models.Model):
    """The index and its companions for one cell of one year, as last computed."""

    class RegionLevel(models.TextChoices):
        COUNTRY = "country", _("Country")
        PROVINCE = "province", _("Province")
        CITY = "city", _("City")

    method_version = models.CharField(_("method version"), max_length=10)
    year = models.PositiveSmallIntegerField(_("year"))
    region_level = models.CharField(_("region level"), max_length=10, choices=RegionLevel.choices)
    region_code = models.CharField(_("region"), max_length=6)
    industry_code = models.CharField(_("industry"), max_length=4, blank=True)
    size_class = models.CharField(_("size"), max_length=10, blank=True)
    n = models.PositiveIntegerField(_("enterprises with a valid official level"))
    registered = models.PositiveIntegerField(_("registered enterprises"))
    coverage = models.FloatField(_("coverage"), null=True, blank=True)
    index = models.FloatField(_("index I"), null=True, blank=True)
    levels = models.JSONField(_("level distribution"), default=dict)
    new_levels = models.JSONField(_("enterprises newly reaching each level"), default=dict)
    self_n = models.PositiveIntegerField(_("self-assessments"), default=0)
    self_index = models.FloatField(_("self-assessed index"), null=True, blank=True)
    calibration_gap = models.FloatField(_("calibration gap"), null=True, blank=True)
    index_change = models.FloatField(_("change on the year before"), null=True, blank=True)
    coverage_change = models.FloatField(_("coverage change on the year before"), null=True, blank=True)
    quartiles = models.JSONField(_("quartiles"), default=dict, blank=True)
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        verbose_name = _("index cell")
        verbose_name_plural = _("index cells")
        constraints = [
            models.UniqueConstraint(
                fields=["method_version", "year", "region_code", "industry_code", "size_class"], name="index_cell_key"
            )
        ]
        indexes = [
            models.Index(fields=["method_version", "year", "region_level"]),
            # The trend lines: one region, industry and size over every year.
            models.Index(
                fields=["method_version", "region_code", "industry_code", "size_class", "year"], name="index_cell_trend"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}/{self.region_code}/{self.industry_code or '*'}/{self.size_class or '*'}"


class IndexSnapshot(models.Model):
    """When a year's cells were last recomputed, whether or not any value changed.

    A recompute rewrites only the cells whose values changed (a cell's ``computed_at`` is when its values were
    last written); this row, written in the same transaction, says how fresh the whole year is.
    """

    method_version = models.CharField(_("method version"), max_length=10)
    year = models.PositiveSmallIntegerField(_("year"))
    computed_at = models.DateTimeField(_("computed at"))
    cells = models.PositiveIntegerField(_("cells"))
    changed = models.PositiveIntegerField(_("cells written"), help_text=_("Inserted, updated or deleted."))

    class Meta:
        verbose_name = _("index snapshot")
        verbose_name_plural = _("index snapshots")
        constraints = [models.UniqueConstraint(fields=["method_version", "year"], name="index_snapshot_key")]

    def __str__(self) -> str:
        return f"{self.method_version}/{self.year}"


class EarlyWarning(models.Model):
    """A rule's finding about a region (and optionally an industry or a certificate), with who handled it."""

    kind = models.CharField(_("kind"), max_length=30, choices=WarningKind.choices)
    key = models.CharField(_("key"), max_length=120, unique=True, help_text=_("What makes a finding the same one."))
    region_code = models.CharField(_("region"), max_length=6)
    industry_code = models.CharField(_("industry"), max_length=4, blank=True)
    year = models.PositiveSmallIntegerField(_("year"))
    details = models.JSONField(_("details"), default=dict)
    state = models.CharField(_("state"), max_length=15, choices=WarningState.choices, default=WarningState.OPEN)
    state_reason = models.TextField(_("reason"), blank=True)
    state_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    state_at = models.DateTimeField(_("state changed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("raised at"), auto_now_add=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("early warning")
        verbose_name_plural = _("early warnings")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["region_code", "state"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(state="open") | Q(state_by__isnull=False), name="warning_handled_by_someone"
            )
        ]

    def __str__(self) -> str:
        return self.key
