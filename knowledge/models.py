"""The policy and standards library (issue 9): notices, standards and interpretations, each with its number,
issuer, date, status, summary in both languages, tags and attached files.

MIIT staff publish national documents (``authority`` empty), an authority its own. A draft is seen only by those
who may edit it; every other document is public.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.models import TimeStampedModel, pick_language
from selections.models import StoredFile


class DocumentKind(models.TextChoices):
    NOTICE = "notice", _("Notice")
    STANDARD = "standard", _("Standard")
    INTERPRETATION = "interpretation", _("Interpretation")


class DocumentStatus(models.TextChoices):
    IN_FORCE = "in_force", _("In force")
    SUPERSEDED = "superseded", _("Superseded")
    DRAFT = "draft", _("Draft")


class Topic(models.TextChoices):
    QUALITY_MANAGEMENT = "quality_management", _("Quality management")
    STANDARDS = "standards", _("Standards")
    BRAND = "brand", _("Brand building")
    PILOT = "pilot", _("Pilot-scale development")
    DIGITAL = "digital", _("Digital quality")
    TRAINING = "training", _("Training")
    OTHER = "other", _("Other")


class PolicyDocument(TimeStampedModel):
    kind = models.CharField(_("kind"), max_length=16, choices=DocumentKind.choices)
    number = models.CharField(
        pgettext_lazy("policy document", "number"),
        max_length=100,
        help_text=_("As printed on the document, e.g. GB/T 19580-2012."),
    )
    title_zh = models.CharField(_("title (Chinese)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=400, blank=True)
    issuer_zh = models.CharField(_("issuer (Chinese)"), max_length=200)
    issuer_en = models.CharField(_("issuer (English)"), max_length=300, blank=True)
    issued_on = models.DateField(pgettext_lazy("policy document", "issued on"))
    status = models.CharField(_("status"), max_length=12, choices=DocumentStatus.choices, default=DocumentStatus.DRAFT)
    summary_zh = models.TextField(_("summary (Chinese)"), blank=True)
    summary_en = models.TextField(_("summary (English)"), blank=True)
    superseded_by = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="supersedes",
        verbose_name=_("superseded by"),
    )
    dimensions = models.JSONField(
        _("dimensions"), default=list, blank=True, help_text=_("Codes of the evaluation model's dimensions.")
    )
    industries = models.ManyToManyField(
        "enterprises.Industry", blank=True, related_name="+", verbose_name=_("industries")
    )
    topic = models.CharField(_("topic"), max_length=20, choices=Topic.choices, default=Topic.QUALITY_MANAGEMENT)
    authority = models.ForeignKey(
        "enterprises.Authority",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
        help_text=_("Empty for a national document."),
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("policy or standard")
        verbose_name_plural = _("policies and standards")
        ordering = ["-issued_on", "number"]
        indexes = [models.Index(fields=["status", "kind"])]

    def __str__(self) -> str:
        return f"{self.number} {self.title_zh}"

    @property
    def title(self) -> str:
        return pick_language(self.title_zh, self.title_en)

    @property
    def issuer(self) -> str:
        return pick_language(self.issuer_zh, self.issuer_en)

    @property
    def summary(self) -> str:
        return pick_language(self.summary_zh, self.summary_en)


def policy_attachment_path(instance: "PolicyAttachment", filename: str) -> str:
    return f"knowledge/{instance.document_id}/{instance.sha256[:2]}/{instance.sha256}"


class PolicyAttachment(StoredFile):
    """A document's file (the notice itself, the standard's text): served with the document, through a view."""

    document = models.ForeignKey(PolicyDocument, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=policy_attachment_path, max_length=200)

    class Meta:
        verbose_name = _("policy document file")
        verbose_name_plural = _("policy document files")
        ordering = ["document", "uploaded_at", "pk"]


class QuestionCategory(models.Model):
    """A heading of the "100 Questions" Q&A, shown in ``order``."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=150, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("question category")
        verbose_name_plural = _("question categories")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name_zh

    @property
    def name(self) -> str:
        return pick_language(self.name_zh, self.name_en)


class QuestionStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    PUBLISHED = "published", _("Published")
    DECLINED = "declined", _("Declined")


class Question(TimeStampedModel):
    """One question of the Q&A: asked by a visitor (``submitted``), answered and published, or declined by MIIT
    staff. ``anchor`` is the HTML id pages link to (``/knowledge/questions/#levels``)."""

    category = models.ForeignKey(
        QuestionCategory,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="questions",
        verbose_name=_("category"),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    question_zh = models.TextField(_("question (Chinese)"), blank=True)
    question_en = models.TextField(_("question (English)"), blank=True)
    answer_zh = models.TextField(_("answer (Chinese)"), blank=True)
    answer_en = models.TextField(_("answer (English)"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=QuestionStatus.choices, default=QuestionStatus.SUBMITTED
    )
    anchor = models.SlugField(
        _("anchor"), max_length=40, blank=True, help_text=_("Pages link to the question with it, e.g. levels.")
    )
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("asked by"),
    )
    asker_email = models.EmailField(_("email"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by"),
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["category__order", "order", "pk"]
        indexes = [models.Index(fields=["status"])]
        constraints = [
            models.UniqueConstraint(fields=["anchor"], condition=~models.Q(anchor=""), name="question_anchor_unique")
        ]

    def __str__(self) -> str:
        return (self.question_zh or self.question_en)[:60]

    @property
    def question(self) -> str:
        return pick_language(self.question_zh, self.question_en)

    @property
    def answer(self) -> str:
        return pick_language(self.answer_zh, self.answer_en)

    @property
    def html_id(self) -> str:
        return self.anchor or f"q{self.pk}"


class MethodKind(models.TextChoices):
    METHOD = "method", _("Method")
    TOOL = "tool", _("Tool")
    DIGITAL = "digital", _("Digital quality scenario")


class Method(models.Model):
    """One entry of the methods toolbox (FMEA, SPC, QC circles, ...): what it is for, when to use it, its steps and
    a worked example, in both languages. ``keywords`` (comma-separated, any language) find the typical cases whose
    methods mention it; ``links`` name the requirements of the evaluation model it helps to meet."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=MethodKind.choices, default=MethodKind.METHOD)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    name_zh = models.CharField(_("name (Chinese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=150)
    purpose_zh = models.TextField(_("what it is for (Chinese)"))
    purpose_en = models.TextField(_("what it is for (English)"))
    when_zh = models.TextField(_("when to use it (Chinese)"))
    when_en = models.TextField(_("when to use it (English)"))
    steps_zh = models.TextField(_("steps (Chinese)"), help_text=_("One step per line."))
    steps_en = models.TextField(_("steps (English)"), help_text=_("One step per line."))
    example_zh = models.TextField(_("worked example (Chinese)"))
    example_en = models.TextField(_("worked example (English)"))
    keywords = models.CharField(
        _("keywords"),
        max_length=200,
        help_text=_("Comma-separated words that name the method in a case's methods, e.g. FMEA, 失效模式."),
    )

    class Meta:
        verbose_name = _("quality method")
        verbose_name_plural = _("quality methods")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name_zh

    @property
    def name(self) -> str:
        return pick_language(self.name_zh, self.name_en)

    @property
    def purpose(self) -> str:
        return pick_language(self.purpose_zh, self.purpose_en)

    @property
    def when(self) -> str:
        return pick_language(self.when_zh, self.when_en)

    @property
    def steps(self) -> list[str]:
        return [line.strip() for line in pick_language(self.steps_zh, self.steps_en).splitlines() if line.strip()]

    @property
    def example(self) -> str:
        return pick_language(self.example_zh, self.example_en)

    @property
    def keyword_list(self) -> list[str]:
        return [word.strip() for word in self.keywords.split(",") if word.strip()]


class MethodLink(models.Model):
    """A method helps to meet a requirement of the evaluation model. ``target`` is a stable code: an indicator's
    (``QMC-2024/D1/1.4``, every level of it) or one requirement's (``QMC-2024/D1/1.4/L4``). Codes outlive model
    versions, so the links hold for the next version of the same model."""

    method = models.ForeignKey(Method, on_delete=models.CASCADE, related_name="links", verbose_name=_("method"))
    target = models.CharField(
        _("indicator or requirement"), max_length=70, help_text=_("Stable code, e.g. QMC-2024/D1/1.4 or …/L4.")
    )

    class Meta:
        verbose_name = _("method link")
        verbose_name_plural = _("method links")
        ordering = ["method", "target"]
        indexes = [models.Index(fields=["target"])]
        constraints = [models.UniqueConstraint(fields=["method", "target"], name="methodlink_unique")]

    def __str__(self) -> str:
        return f"{self.method_id} → {self.target}"
