"""Annual work summaries (ARCHITECTURE §9): every authority reports the year's work to MIIT by the deadline.

A ``SummaryTemplate`` is one year's frame, after that year's notice: its sections, its deadline and the KPIs to
fill (codes of ``summaries.kpis.CATALOGUE``). An ``AnnualSummary`` is one authority's report for one year: the
KPI block (computed from live data while a draft, frozen with its data vintage at submission), a narrative per
section, attachments, and its state: draft → submitted → returned (back to the authority, with comments) or
accepted. Every step is a ``SummaryEvent``.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel, pick_language
from selections.models import StoredFile
from summaries.choices import BoardStatus, SummaryAction, SummaryStatus


class SummaryTemplate(TimeStampedModel):
    """One year's summary frame: sections after that year's notice, the deadline, the KPIs to fill."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    title_zh = models.CharField(_("title (Chinese)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=300)
    notice = models.CharField(_("notice"), max_length=200, blank=True, help_text=_("The notice the template follows."))
    deadline = models.DateField(_("deadline"), help_text=_("The last day a summary is on time (Beijing time)."))
    kpis = models.JSONField(_("KPIs"), default=list, help_text=_("Codes of the KPIs the summary reports."))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("summary template")
        verbose_name_plural = _("summary templates")
        ordering = ["-year"]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return pick_language(self.title_zh, self.title_en)

    def days_left(self, today=None) -> int:
        return (self.deadline - (today or timezone.localdate())).days


class TemplateSection(models.Model):
    """A section of the narrative, following one area of the year's notice."""

    template = models.ForeignKey(SummaryTemplate, on_delete=models.CASCADE, related_name="sections")
    number = models.PositiveSmallIntegerField(_("number"))
    code = models.SlugField(_("code"), max_length=40)
    title_zh = models.CharField(_("title (Chinese)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=300)
    guidance_zh = models.TextField(_("guidance (Chinese)"), blank=True)
    guidance_en = models.TextField(_("guidance (English)"), blank=True)

    class Meta:
        verbose_name = _("template section")
        verbose_name_plural = _("template sections")
        ordering = ["template", "number"]
        constraints = [
            models.UniqueConstraint(fields=["template", "code"], name="summary_section_code_unique"),
            models.UniqueConstraint(fields=["template", "number"], name="summary_section_number_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"

    @property
    def title(self) -> str:
        return pick_language(self.title_zh, self.title_en)

    @property
    def guidance(self) -> str:
        return pick_language(self.guidance_zh, self.guidance_en)


class AnnualSummary(TimeStampedModel):
    """One authority's summary of one year's work."""

    template = models.ForeignKey(SummaryTemplate, on_delete=models.PROTECT, related_name="summaries")
    authority = models.ForeignKey("enterprises.Authority", on_delete=models.PROTECT, related_name="summaries")
    status = models.CharField(_("status"), max_length=10, choices=SummaryStatus.choices, default=SummaryStatus.DRAFT)
    narratives = models.JSONField(_("narratives"), default=dict, blank=True, help_text=_("Section code → text."))
    kpis = models.JSONField(_("KPI figures"), default=dict, blank=True, help_text=_("Frozen at submission."))
    data_vintage = models.DateTimeField(
        _("data vintage"), null=True, blank=True, help_text=_("When the KPI figures were read from live data.")
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    days_late = models.PositiveSmallIntegerField(
        _("days late"), default=0, help_text=_("How many days after the deadline it was (last) submitted.")
    )
    review_comment = models.TextField(_("MIIT's comments"), blank=True)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("annual work summary")
        verbose_name_plural = _("annual work summaries")
        ordering = ["template", "authority"]
        constraints = [
            models.UniqueConstraint(fields=["template", "authority"], name="summary_one_per_authority_year"),
        ]

    def __str__(self) -> str:
        return f"{self.authority} · {self.template.year}"

    @property
    def is_late(self) -> bool:
        return self.submitted_at is not None and self.days_late > 0

    @property
    def editable(self) -> bool:
        return self.status in (SummaryStatus.DRAFT, SummaryStatus.RETURNED)

    @property
    def board_status(self) -> str:
        if self.status == SummaryStatus.SUBMITTED and self.is_late:
            return BoardStatus.LATE
        return BoardStatus(self.status)

    @property
    def board_status_label(self) -> str:
        return BoardStatus(self.board_status).label


def summary_attachment_path(instance: "SummaryAttachment", filename: str) -> str:
    return f"summaries/{instance.summary_id}/{instance.sha256[:2]}/{instance.sha256}"


class SummaryAttachment(StoredFile):
    """A file supporting a summary (a table, a report); read by the authority and by MIIT only."""

    summary = models.ForeignKey(AnnualSummary, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=summary_attachment_path, max_length=200)

    class Meta:
        verbose_name = _("summary attachment")
        verbose_name_plural = _("summary attachments")
        ordering = ["uploaded_at"]


class SummaryEvent(models.Model):
    """One step in a summary's life: who, when, what, with what comment."""

    summary = models.ForeignKey(AnnualSummary, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=10, choices=SummaryAction.choices)
    from_status = models.CharField(_("from"), max_length=10, choices=SummaryStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=10, choices=SummaryStatus.choices)
    comment = models.TextField(_("comment"), blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("summary event")
        verbose_name_plural = _("summary events")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.summary} · {self.action}"


class ReminderSent(models.Model):
    """A deadline reminder e-mailed to an authority, so each (year, authority, days before) goes out once."""

    template = models.ForeignKey(SummaryTemplate, on_delete=models.CASCADE, related_name="reminders")
    authority = models.ForeignKey("enterprises.Authority", on_delete=models.CASCADE, related_name="+")
    days_before = models.PositiveSmallIntegerField(_("days before the deadline"))
    recipients = models.PositiveSmallIntegerField(_("recipients"), default=0)
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("deadline reminder")
        verbose_name_plural = _("deadline reminders")
        constraints = [
            models.UniqueConstraint(fields=["template", "authority", "days_before"], name="summary_reminder_once"),
        ]

    def __str__(self) -> str:
        return f"{self.authority_id} · {self.template_id} · {self.days_before}"
