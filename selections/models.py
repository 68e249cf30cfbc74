"""Calls, applications, expert reviews and objections: the one selection engine (ARCHITECTURE §8).

A call (national or one authority's) collects applications through a form defined as data; authorities rank
their area's applications within a quota; experts named on the call score every criterion; the panel score is
a trimmed mean (``selections.panel``); a public notice takes objections; the selected applications are
published and become registry entries (labs, pilot platforms, brands, cases: later steps of issue 6).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel, pick_language
from evaluations.choices import ObjectionStatus
from selections.choices import PUBLIC_STATUSES, ApplicationStatus, CallKind, CallScope, CaseTheme


class Call(TimeStampedModel):
    """A call for applications: what it selects, who runs it, its form, criteria and deadlines."""

    kind = models.CharField(_("kind"), max_length=30, choices=CallKind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    scope = models.CharField(_("scope"), max_length=10, choices=CallScope.choices)
    authority = models.ForeignKey(
        "enterprises.Authority",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="calls",
        verbose_name=_("authority"),
        help_text=_("The authority running a provincial call; empty for a national one."),
    )
    title_zh = models.CharField(_("title (Chinese)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=300)
    description_zh = models.TextField(_("description (Chinese)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    form = models.JSONField(_("application form"), default=list, help_text=_("The fields applicants fill in."))
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("applications close on"))
    recommend_by = models.DateField(_("authorities recommend by"))
    default_quota = models.PositiveSmallIntegerField(
        _("recommendations per authority"), null=True, blank=True, help_text=_("Empty: no limit.")
    )
    announced_at = models.DateTimeField(_("announced at"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        ordering = ["-year", "-opens_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(scope="national", authority__isnull=True) | Q(scope="provincial", authority__isnull=False),
                name="call_scope_authority",
            ),
            models.CheckConstraint(
                condition=Q(opens_on__lte=models.F("closes_on")) & Q(closes_on__lte=models.F("recommend_by")),
                name="call_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return pick_language(self.title_zh, self.title_en)


class Criterion(models.Model):
    """One review criterion of a call: its weight (a call's weights sum to 1) and the highest score."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="criteria")
    code = models.CharField(_("code"), max_length=20)
    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=300)
    weight = models.DecimalField(_("weight"), max_digits=4, decimal_places=3)
    max_score = models.PositiveSmallIntegerField(_("highest score"), default=100)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("review criterion")
        verbose_name_plural = _("review criteria")
        ordering = ["call", "order", "code"]
        constraints = [models.UniqueConstraint(fields=["call", "code"], name="criterion_code_per_call")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def name(self) -> str:
        return pick_language(self.name_zh, self.name_en)


class Quota(models.Model):
    """How many applications one authority may recommend to a call (overrides the call's default)."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="quotas")
    authority = models.ForeignKey("enterprises.Authority", on_delete=models.PROTECT, related_name="+")
    slots = models.PositiveSmallIntegerField(_("recommendations"))

    class Meta:
        verbose_name = _("quota")
        verbose_name_plural = _("quotas")
        constraints = [models.UniqueConstraint(fields=["call", "authority"], name="quota_per_authority")]

    def __str__(self) -> str:
        return f"{self.call_id} · {self.authority_id}: {self.slots}"


class Application(TimeStampedModel):
    """An enterprise's (or organisation's) application to a call, through every step to the published list."""

    scope_path = "enterprise__"
    application_path = ""  # experts see the applications assigned to them (accounts.scoping)
    published_q = Q(status__in=PUBLIC_STATUSES)

    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="applications", verbose_name=_("call"))
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.PROTECT, related_name="applications", verbose_name=_("applicant")
    )
    title = models.CharField(_("title"), max_length=200, help_text=_("The platform, lab, brand or case applied for."))
    data = models.JSONField(_("answers"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ApplicationStatus.choices, default=ApplicationStatus.DRAFT
    )
    authority = models.ForeignKey(
        "enterprises.Authority",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recommending authority"),
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    rank = models.PositiveSmallIntegerField(_("authority's rank"), null=True, blank=True)
    panel_score = models.DecimalField(_("panel score"), max_digits=7, decimal_places=4, null=True, blank=True)
    panel_spread = models.DecimalField(
        _("spread of the experts' totals"), max_digits=7, decimal_places=4, null=True, blank=True
    )
    disagreement = models.BooleanField(_("experts disagree"), default=False)
    notice_until = models.DateField(_("public notice until"), null=True, blank=True)
    feedback = models.TextField(_("feedback to the applicant"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["call", "rank", "pk"]
        constraints = [models.UniqueConstraint(fields=["call", "enterprise"], name="one_application_per_call")]
        indexes = [models.Index(fields=["call", "status"])]

    def __str__(self) -> str:
        return f"{self.call_id} · {self.title}"


class ApplicationChange(models.Model):
    """One step of an application's history: from, to, who, why, when."""

    scope_path = "application__enterprise__"
    application_path = "application__"

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="history")
    from_status = models.CharField(_("from"), max_length=20, blank=True)
    to_status = models.CharField(_("to"), max_length=20)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    reason = models.TextField(_("reason"), blank=True)
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("application history")
        verbose_name_plural = _("application history")
        ordering = ["application", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.application_id}: {self.from_status or '-'} -> {self.to_status}"

    @property
    def to_label(self) -> str:
        return ApplicationStatus(self.to_status).label


class Review(models.Model):
    """One expert's review of one application: assigned by the organiser, frozen once submitted."""

    scope_path = "application__enterprise__"
    application_path = "application__"

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="reviews")
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reviews", verbose_name=_("expert")
    )
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assigned_at = models.DateTimeField(_("assigned at"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    total = models.DecimalField(_("total"), max_digits=7, decimal_places=4, null=True, blank=True)

    class Meta:
        verbose_name = _("expert review")
        verbose_name_plural = _("expert reviews")
        ordering = ["application", "pk"]
        constraints = [models.UniqueConstraint(fields=["application", "expert"], name="one_review_per_expert")]

    def __str__(self) -> str:
        return f"{self.application_id} · {self.expert}"


class ReviewScore(models.Model):
    """An expert's score of one criterion, with the comment that explains it."""

    scope_path = "review__application__enterprise__"
    application_path = "review__application__"

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    score = models.DecimalField(_("score"), max_digits=6, decimal_places=2)
    comment = models.TextField(_("comment"))

    class Meta:
        verbose_name = _("criterion score")
        verbose_name_plural = _("criterion scores")
        constraints = [models.UniqueConstraint(fields=["review", "criterion"], name="one_score_per_criterion")]

    def __str__(self) -> str:
        return f"{self.review_id} · {self.criterion_id}: {self.score}"


class ApplicationObjection(models.Model):
    """An objection anyone raised while an application was in public notice; the organiser answers it."""

    scope_path = "application__enterprise__"
    application_path = "application__"

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="objections")
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
        verbose_name = _("objection to an application")
        verbose_name_plural = _("objections to applications")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.application_id} · {self.get_status_display()}"


class Case(TimeStampedModel):
    """A typical case in the public library: a published application of a typical-case call
    (``selections.registry``)."""

    published_q = Q()
    scope_path = "enterprise__"

    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="case")
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, related_name="cases")
    title = models.CharField(_("title"), max_length=200)
    theme = models.CharField(_("theme"), max_length=30, choices=CaseTheme.choices)
    industry = models.ForeignKey(
        "enterprises.Industry",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("industry"),
    )
    region = models.ForeignKey("enterprises.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("city"))
    year = models.PositiveSmallIntegerField(_("year"))
    summary = models.TextField(_("summary"), blank=True)
    methods = models.TextField(_("methods"))
    results = models.TextField(_("measured results"))

    class Meta:
        verbose_name = _("typical case")
        verbose_name_plural = _("typical cases")
        ordering = ["-year", "title"]

    def __str__(self) -> str:
        return self.title


def attachment_path(instance: "ApplicationAttachment", filename: str) -> str:
    return f"applications/{instance.application_id}/{instance.sha256[:2]}/{instance.sha256}"


def call_attachment_path(instance: "CallAttachment", filename: str) -> str:
    return f"calls/{instance.call_id}/{instance.sha256[:2]}/{instance.sha256}"


class StoredFile(models.Model):
    """A file checked by content (``evaluations.file_types.accept_upload``), stored under its SHA-256 and served
    only through a view that checks who may read it."""

    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.original_name


class ApplicationAttachment(StoredFile):
    """A file supporting an application; served only to the application's participants."""

    scope_path = "application__enterprise__"
    application_path = "application__"

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=200)
    public = models.BooleanField(
        _("public with the entry"),
        default=False,
        help_text=_("The applicant agreed that the file is published with the registry entry (a typical case)."),
    )

    class Meta:
        verbose_name = _("application attachment")
        verbose_name_plural = _("application attachments")
        ordering = ["application", "uploaded_at", "pk"]


class CallAttachment(StoredFile):
    """A document of a call (the notice, guidelines, a form template): public once the call is announced."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=call_attachment_path, max_length=200)

    class Meta:
        verbose_name = _("call document")
        verbose_name_plural = _("call documents")
        ordering = ["call", "uploaded_at", "pk"]
