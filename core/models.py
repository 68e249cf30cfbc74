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
