from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class EvaluationStatus(models.TextChoices):
    """The lifecycle of ARCHITECTURE §6 (so far: self-assessment, acceptance, assignment of an institution)."""

    DRAFT = "draft", pgettext_lazy("evaluation status", "Draft")
    SUBMITTED = "submitted", pgettext_lazy("evaluation status", "Submitted")
    ACCEPTED = "accepted", pgettext_lazy("evaluation status", "Accepted")
    ASSIGNED = "assigned", pgettext_lazy("evaluation status", "Institution assigned")


RATING_CHOICES = [
    ("1", _("Fully met")),
    ("0.8", _("Largely met")),
    ("0.5", _("Partly met")),
    ("0", _("Not met")),
    ("na", _("Not applicable")),
]
