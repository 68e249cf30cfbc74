from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.models import BilingualNameMixin, TimeStampedModel, pick_language
from enterprises.models import CreditCodeField
from evaluations.choices import (
    PUBLIC_STATUSES,
    RATING_CHOICES,
    CertificateStatus,
    EvaluationStatus,
    FindingKind,
    ObjectionStatus,
    TeamRole,
)


class EvaluationModel(BilingualNameMixin, models.Model):
    """One version of an evaluation model (levels, dimensions, indicators, requirements), imported from a file.

    Evaluations bind to the version they started on; a new version never changes an old evaluation.
    """

    code = models.CharField(_("code"), max_length=30)
    version = models.CharField(_("version"), max_length=20)
    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    description_zh = models.TextField(_("description (Chinese)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    threshold = models.DecimalField(_("threshold θ"), max_digits=4, decimal_places=3)
    levels = models.JSONField(_("levels"))
    rating_scale = models.JSONField(_("rating scale"))
    source = models.JSONField(_("source file"), help_text=_("The imported file, kept as data."))
    is_active = models.BooleanField(_("offered for new evaluations"), default=True)
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("imported by"),
    )

    class Meta:
        verbose_name = _("evaluation model")
        verbose_name_plural = _("evaluation models")
        ordering = ["code", "-imported_at"]
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="evaluationmodel_code_version")]

    def __str__(self) -> str:
        return f"{self.name} ({self.version})"

    @property
    def description(self) -> str:
        return pick_language(self.description_zh, self.description_en)

    def level_name(self, number: int) -> str:
        if number == 0:
            return str(_("Below the experience level"))
        level = next(item for item in self.levels if item["number"] == number)
        return pick_language(level["name"]["zh"], level["name"]["en"])


class Dimension(BilingualNameMixin, models.Model):
    model = models.ForeignKey(EvaluationModel, on_delete=models.CASCADE, related_name="dimensions")
    code = models.CharField(_("code"), max_length=10)
    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    weight = models.DecimalField(_("weight"), max_digits=6, decimal_places=4)
    position = models.PositiveSmallIntegerField(_("position"))

    class Meta:
        verbose_name = _("dimension")
        verbose_name_plural = _("dimensions")
        ordering = ["model", "position"]
        constraints = [models.UniqueConstraint(fields=["model", "code"], name="dimension_unique_code")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Indicator(BilingualNameMixin, models.Model):
    model = models.ForeignKey(EvaluationModel, on_delete=models.CASCADE, related_name="indicators")
    dimension = models.ForeignKey(Dimension, on_delete=models.CASCADE, related_name="indicators")
    code = models.CharField(_("code"), max_length=60, help_text=_("Stable code, e.g. QMC-2024/D2/2.5"))
    short_code = models.CharField(_("number"), max_length=10)
    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    weight = models.DecimalField(_("weight"), max_digits=6, decimal_places=4)
    advice_zh = models.TextField(_("advice (Chinese)"), blank=True)
    advice_en = models.TextField(_("advice (English)"), blank=True)
    diagnosis = models.JSONField(_("self-diagnosis descriptors"), default=dict, blank=True)
    position = models.PositiveSmallIntegerField(_("position"))

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["model", "position"]
        constraints = [models.UniqueConstraint(fields=["model", "code"], name="indicator_unique_code")]

    def __str__(self) -> str:
        return f"{self.short_code} {self.name}"

    @property
    def advice(self) -> str:
        return pick_language(self.advice_zh, self.advice_en)

    def descriptor(self, level: int) -> str:
        text = self.diagnosis.get(str(level)) or {}
        return pick_language(text.get("zh", ""), text.get("en", ""))


class Requirement(models.Model):
    model = models.ForeignKey(EvaluationModel, on_delete=models.CASCADE, related_name="requirements")
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="requirements")
    code = models.CharField(_("code"), max_length=70, help_text=_("Stable code, e.g. QMC-2024/D2/2.5/L3"))
    level = models.PositiveSmallIntegerField(_("level"))
    text_zh = models.TextField(_("requirement (Chinese)"))
    text_en = models.TextField(_("requirement (English)"))
    evidence_zh = models.TextField(_("evidence hint (Chinese)"), blank=True)
    evidence_en = models.TextField(_("evidence hint (English)"), blank=True)
    mandatory = models.BooleanField(_("mandatory"), default=False)
    na_allowed = models.BooleanField(_("N/A allowed"), default=False)
    position = models.PositiveSmallIntegerField(_("position"))

    class Meta:
        verbose_name = _("requirement")
        verbose_name_plural = _("requirements")
        ordering = ["model", "position"]
        constraints = [
            models.UniqueConstraint(fields=["model", "code"], name="requirement_unique_code"),
            models.CheckConstraint(condition=~Q(mandatory=True, na_allowed=True), name="requirement_mandatory_no_na"),
            models.CheckConstraint(condition=Q(level__gte=1, level__lte=5), name="requirement_level_1_to_5"),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def text(self) -> str:
        return pick_language(self.text_zh, self.text_en)

    @property
    def evidence(self) -> str:
        return pick_language(self.evidence_zh, self.evidence_en)


class EligibilityCondition(models.Model):
    model = models.ForeignKey(EvaluationModel, on_delete=models.CASCADE, related_name="conditions")
    code = models.CharField(_("code"), max_length=60)
    text_zh = models.TextField(_("condition (Chinese)"))
    text_en = models.TextField(_("condition (English)"))
    blocks_from_level = models.PositiveSmallIntegerField(_("blocks from level"))
    position = models.PositiveSmallIntegerField(_("position"))

    class Meta:
        verbose_name = _("eligibility condition")
        verbose_name_plural = _("eligibility conditions")
        ordering = ["model", "position"]
        constraints = [models.UniqueConstraint(fields=["model", "code"], name="condition_unique_code")]

    def __str__(self) -> str:
        return self.code

    @property
    def text(self) -> str:
        return pick_language(self.text_zh, self.text_en)


class Evaluation(TimeStampedModel):
    """An enterprise's evaluation on one model version: its self-assessment, the on-site evaluation, the level."""

    scope_path = "enterprise__"
    evaluation_path = ""
    published_q = Q(status__in=sorted(PUBLIC_STATUSES))

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.PROTECT, related_name="evaluations", verbose_name=_("enterprise")
    )
    model = models.ForeignKey(
        EvaluationModel, on_delete=models.PROTECT, related_name="evaluations", verbose_name=_("evaluation model")
    )
    cycle = models.PositiveSmallIntegerField(_("cycle (year)"))
    status = models.CharField(
        _("status"), max_length=20, choices=EvaluationStatus.choices, default=EvaluationStatus.DRAFT
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("started by")
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    institution = models.ForeignKey(
        "Institution",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="evaluations",
        verbose_name=_("evaluation institution"),
    )
    self_level = models.PositiveSmallIntegerField(_("self-assessed level"), null=True, blank=True)
    self_score = models.DecimalField(_("self-assessed score S"), max_digits=6, decimal_places=4, null=True, blank=True)
    self_result = models.JSONField(_("self-assessment result"), null=True, blank=True)
    result_submitted_at = models.DateTimeField(_("result submitted at"), null=True, blank=True)
    official_level = models.PositiveSmallIntegerField(_("official level"), null=True, blank=True)
    official_score = models.DecimalField(_("official score S"), max_digits=6, decimal_places=4, null=True, blank=True)
    official_result = models.JSONField(_("official result"), null=True, blank=True)
    notice_until = models.DateField(_("public notice until"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        ordering = ["-cycle", "-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "cycle"], name="evaluation_one_per_enterprise_cycle")
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.cycle}"

    def get_absolute_url(self) -> str:
        return reverse("evaluations:evaluation_detail", kwargs={"pk": self.pk})

    @property
    def is_editable(self) -> bool:
        return self.status == EvaluationStatus.DRAFT


class Answer(models.Model):
    """The enterprise's own rating of one requirement, saved as it is changed."""

    scope_path = "evaluation__enterprise__"
    evaluation_path = "evaluation__"

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="answers")
    requirement = models.ForeignKey(Requirement, on_delete=models.PROTECT, related_name="answers")
    rating = models.CharField(_("rating"), max_length=4, choices=RATING_CHOICES, blank=True)
    na_reason = models.TextField(_("reason for N/A"), blank=True)
    comment = models.TextField(_("comment"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [models.UniqueConstraint(fields=["evaluation", "requirement"], name="answer_unique")]

    def __str__(self) -> str:
        return f"{self.requirement_id}: {self.rating or '—'}"


class EligibilityAnswer(models.Model):
    scope_path = "evaluation__enterprise__"
    evaluation_path = "evaluation__"

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="eligibility_answers")
    condition = models.ForeignKey(EligibilityCondition, on_delete=models.PROTECT, related_name="answers")
    holds = models.BooleanField(_("holds"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("eligibility answer")
        verbose_name_plural = _("eligibility answers")
        constraints = [models.UniqueConstraint(fields=["evaluation", "condition"], name="eligibilityanswer_unique")]

    def __str__(self) -> str:
        return f"{self.condition_id}: {self.holds}"


def evidence_path(instance: "Evidence", filename: str) -> str:
    return f"evidence/{instance.evaluation_id}/{instance.sha256[:2]}/{instance.sha256}"


class Evidence(models.Model):
    """A file supporting an indicator's answers; stored under its SHA-256, served only through a scoped view."""

    scope_path = "evaluation__enterprise__"
    evaluation_path = "evaluation__"

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="evidence")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="evidence")
    file = models.FileField(_("file"), upload_to=evidence_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering = ["indicator", "original_name", "-version"]

    def __str__(self) -> str:
        return f"{self.original_name} (v{self.version})"


class StatusChange(models.Model):
    """One row per lifecycle transition: who, when, from what to what, why."""

    scope_path = "evaluation__enterprise__"
    evaluation_path = "evaluation__"

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="history")
    from_status = models.CharField(_("from"), max_length=20, blank=True)
    to_status = models.CharField(_("to"), max_length=20)
    at = models.DateTimeField(_("when"), auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
        help_text=_("Empty for steps the platform takes itself, such as expiry."),
    )
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status or '—'} → {self.to_status}"

    @property
    def from_label(self) -> str:
        return EvaluationStatus(self.from_status).label if self.from_status else "—"

    @property
    def to_label(self) -> str:
        return EvaluationStatus(self.to_status).label


class Institution(BilingualNameMixin, TimeStampedModel):
    """An evaluation institution, accredited to evaluate enterprises of some regions and industries for a period."""

    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    credit_code = CreditCodeField(_("unified social credit code"), unique=True)
    accredited_regions = models.ManyToManyField(
        "enterprises.Region", related_name="institutions", verbose_name=_("accredited regions")
    )
    accredited_industries = models.ManyToManyField(
        "enterprises.Industry", related_name="institutions", verbose_name=_("accredited industries")
    )
    accredited_from = models.DateField(_("accredited from"))
    accredited_until = models.DateField(_("accredited until"))

    class Meta:
        verbose_name = _("evaluation institution")
        verbose_name_plural = _("evaluation institutions")
        ordering = ["name_zh"]
        constraints = [
            models.CheckConstraint(
                condition=Q(accredited_until__gte=models.F("accredited_from")), name="institution_valid_period"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Qualification(models.Model):
    """An assessor's qualification for one industry division: assessor or lead assessor, until a date."""

    class Grade(models.TextChoices):
        ASSESSOR = "assessor", _("Assessor")
        LEAD = "lead", _("Lead assessor")

    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="qualifications", verbose_name=_("assessor")
    )
    industry = models.ForeignKey(
        "enterprises.Industry", on_delete=models.PROTECT, related_name="+", verbose_name=_("industry")
    )
    grade = models.CharField(_("grade"), max_length=10, choices=Grade.choices)
    valid_until = models.DateField(_("valid until"))
    training_hours = models.PositiveSmallIntegerField(_("training hours"), default=0)

    class Meta:
        verbose_name = _("qualification")
        verbose_name_plural = _("qualifications")
        ordering = ["assessor", "industry"]
        constraints = [models.UniqueConstraint(fields=["assessor", "industry"], name="qualification_per_industry")]

    def __str__(self) -> str:
        return f"{self.assessor} · {self.industry_id} · {self.get_grade_display()}"


class ConflictDeclaration(models.Model):
    """An assessor's (or a selection expert's) declared tie to an enterprise or its group: employment,
    consulting or a shareholding."""

    class Kind(models.TextChoices):
        EMPLOYMENT = "employment", _("Employment")
        CONSULTING = "consulting", _("Consulting")
        SHAREHOLDING = "shareholding", _("Shareholding")

    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="declarations", verbose_name=_("assessor")
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.CASCADE, related_name="+", verbose_name=_("enterprise")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    started = models.DateField(_("from"))
    ended = models.DateField(_("until"), null=True, blank=True, help_text=_("Empty while it lasts."))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("conflict-of-interest declaration")
        verbose_name_plural = _("conflict-of-interest declarations")
        ordering = ["assessor", "-started"]

    def __str__(self) -> str:
        return f"{self.assessor} · {self.get_kind_display()} · {self.enterprise_id}"


def _one_item(prefix: str) -> list:
    """Constraints for a row about exactly one requirement or one eligibility condition."""
    return [
        models.CheckConstraint(
            condition=Q(requirement__isnull=False, condition__isnull=True)
            | Q(requirement__isnull=True, condition__isnull=False),
            name=f"{prefix}_one_item",
        ),
    ]


class TeamMember(models.Model):
    """An assessor on an evaluation's on-site team: one lead, others members; submits their own ratings once."""

    scope_path = "evaluation__enterprise__"
    evaluation_path = "evaluation__"

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="team")
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="team_memberships", verbose_name=_("assessor")
    )
    role = models.CharField(_("role"), max_length=10, choices=TeamRole.choices)
    assigned_at = models.DateTimeField(_("assigned at"), auto_now_add=True)
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    ratings_submitted_at = models.DateTimeField(_("ratings submitted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        ordering = ["evaluation", "-role", "assessor__username"]
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "assessor"], name="teammember_once"),
            models.UniqueConstraint(fields=["evaluation"], condition=Q(role="lead"), name="teammember_one_lead"),
        ]

    def __str__(self) -> str:
        return f"{self.assessor} · {self.get_role_display()}"


class ConflictOverride(models.Model):
    """The authority's written permission to assign an assessor despite a conflict of interest."""

    scope_path = "evaluation__enterprise__"
    evaluation_path = "evaluation__"

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="overrides")
    assessor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    conflicts = models.JSONField(_("conflicts overridden"))
    reason = models.TextField(_("reason"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by"))
    at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("conflict-of-interest override")
        verbose_name_plural = _("conflict-of-interest overrides")
        constraints = [models.UniqueConstraint(fields=["evaluation", "assessor"], name="override_once")]

    def __str__(self) -> str:
        return f"{self.evaluation_id} · {self.assessor}"


class Rating(models.Model):
    """One assessor's own on-site rating of a requirement ("1", "0.8", "0.5", "0", "na") or of an eligibility
    condition ("yes": the condition holds, "no")."""

    scope_path = "evaluation__enterprise__"
    evaluation_path = "evaluation__"

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="ratings")
    assessor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="ratings")
    requirement = models.ForeignKey(Requirement, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    condition = models.ForeignKey(
        EligibilityCondition, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    value = models.CharField(_("rating"), max_length=4)
    comment = models.TextField(_("comment"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("on-site rating")
        verbose_name_plural = _("on-site ratings")
        constraints = [
            *_one_item("rating"),
            models.UniqueConstraint(fields=["evaluation", "assessor", "requirement"], name="rating_once_requirement"),
            models.UniqueConstraint(fields=["evaluation", "assessor", "condition"], name="rating_once_condition"),
        ]

    def __str__(self) -> str:
        return f"{self.assessor_id} · {self.requirement_id or self.condition_id}: {self.value}"


class ConsensusRating(models.Model):
    """The team's agreed rating, recorded by the lead assessor; only these decide the official level."""

    scope_path = "evaluation__enterprise__"
    evaluation_path = "evaluation__"

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="consensus")
    requirement = models.ForeignKey(Requirement, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    condition = models.ForeignKey(
        EligibilityCondition, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    value = models.CharField(_("consensus rating"), max_length=4)
    note = models.TextField(_("note"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("consensus rating")
        verbose_name_plural = _("consensus ratings")
        constraints = [
            *_one_item("consensus"),
            models.UniqueConstraint(fields=["evaluation", "requirement"], name="consensus_once_requirement"),
            models.UniqueConstraint(fields=["evaluation", "condition"], name="consensus_once_condition"),
        ]

    def __str__(self) -> str:
        return f"{self.requirement_id or self.condition_id}: {self.value}"


class Finding(models.Model):
    """A strength, an area for improvement or a nonconformity the team found, optionally about one indicator."""

    scope_path = "evaluation__enterprise__"
    evaluation_path = "evaluation__"

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="findings")
    kind = models.CharField(_("kind"), max_length=20, choices=FindingKind.choices)
    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("indicator")
    )
    text = models.TextField(_("finding"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ["evaluation", "kind", "created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.text[:40]}"


def upload_path(instance: "RatingUpload", filename: str) -> str:
    return f"rating-workbooks/{instance.sha256[:2]}/{instance.sha256}.xlsx"


class RatingUpload(models.Model):
    """A rating workbook an assessor uploaded: kept under its SHA-256 so the same file is never applied twice."""

    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    original_name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    file = models.FileField(_("file"), upload_to=upload_path, max_length=200)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)
    summary = models.JSONField(_("summary"), default=dict, blank=True)

    class Meta:
        verbose_name = _("rating workbook")
        verbose_name_plural = _("rating workbooks")
        ordering = ["-uploaded_at"]
        constraints = [models.UniqueConstraint(fields=["uploaded_by", "sha256"], name="ratingupload_once_per_user")]

    def __str__(self) -> str:
        return self.original_name


class Objection(models.Model):
    """An objection anyone raised during the public notice; the authority resolves it."""

    scope_path = "evaluation__enterprise__"
    evaluation_path = "evaluation__"

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="objections")
    name = models.CharField(_("your name"), max_length=100)
    contact = models.CharField(_("how to reach you"), max_length=200)
    text = models.TextField(_("objection"))
    created_at = models.DateTimeField(_("raised at"), auto_now_add=True)
    status = models.CharField(_("status"), max_length=10, choices=ObjectionStatus.choices, default=ObjectionStatus.OPEN)
    resolution = models.TextField(_("resolution"), blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    class Meta:
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.evaluation_id} · {self.get_status_display()}"


class Certificate(TimeStampedModel):
    """The published level: unique number, validity, verifiable by anyone by number or QR code."""

    scope_path = "enterprise__"
    evaluation_path = "evaluation__"
    published_q = Q(pk__isnull=False)  # a certificate exists only once the level is published

    number = models.CharField(_("certificate number"), max_length=40, unique=True)
    evaluation = models.OneToOneField(Evaluation, on_delete=models.PROTECT, related_name="certificate")
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.PROTECT, related_name="certificates", verbose_name=_("enterprise")
    )
    level = models.PositiveSmallIntegerField(_("level"))
    score = models.DecimalField(_("score S"), max_digits=6, decimal_places=4)
    issued_on = models.DateField(_("issued on"))
    valid_until = models.DateField(_("valid until"))
    status = models.CharField(
        _("status"), max_length=10, choices=CertificateStatus.choices, default=CertificateStatus.VALID
    )
    revoked_reason = models.TextField(_("reason for revocation"), blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-issued_on", "number"]
        constraints = [
            models.CheckConstraint(condition=Q(valid_until__gt=models.F("issued_on")), name="certificate_validity"),
            models.CheckConstraint(condition=Q(level__gte=1, level__lte=5), name="certificate_level_1_to_5"),
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("evaluations:certificate_verify", kwargs={"number": self.number})
