from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    """Adds creation and last-change times, set by the database layer, never by hand."""

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class DataLoad(models.Model):
    """A record of each reference-data or demo-data load, so the site can say what it holds.

    The "demo data" banner is shown while a demo load is recorded.
    """

    class Kind(models.TextChoices):
        REFERENCE = "reference", _("Reference data")
        DEMO = "demo", _("Demo data")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    loaded_at = models.DateTimeField(_("loaded at"), auto_now_add=True)
    details = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("data load")
        verbose_name_plural = _("data loads")
        ordering = ["-loaded_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} @ {self.loaded_at:%Y-%m-%d %H:%M}"


def pick_language(zh: str, en: str) -> str:
    """Of a text kept in both languages, the one the reader is using (the other when it is empty)."""
    from django.utils.translation import get_language

    return (zh or en) if (get_language() or "").startswith("zh") else (en or zh)


class BilingualNameMixin:
    """Reference data carries both languages as data; ``name`` picks the one the reader is using."""

    name_zh: str
    name_en: str

    @property
    def name(self) -> str:
        return pick_language(self.name_zh, self.name_en)


class Job(models.Model):
    """Long work (an import, an export, a recompute) run by a Celery worker: committed with its input before it is
    queued, so the database, never the broker, says what is to be done, how far it got and how it ended.

    A worker claims a job by setting it running; its heartbeat advances with the progress. The sweeper re-queues a
    job whose heartbeat stopped (the worker died), and a job that is done is never run again.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("kind"), max_length=60)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    input = models.JSONField(_("input"), default=dict)
    result = models.JSONField(_("result"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    progress_done = models.PositiveIntegerField(_("done"), default=0)
    progress_total = models.PositiveIntegerField(_("total"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    output = models.FileField(
        _("output file"), upload_to="jobs/%Y/%m/", max_length=200, blank=True, help_text=_("An export's file.")
    )

    class Meta:
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "heartbeat_at"], name="job_status_heartbeat")]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.status})"

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return int(100 * self.progress_done / self.progress_total) if self.progress_total else 0

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)
