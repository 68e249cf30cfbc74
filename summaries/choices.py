from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class SummaryStatus(models.TextChoices):
    """A summary's own state (ARCHITECTURE §9)."""

    DRAFT = "draft", pgettext_lazy("summary status", "Draft")
    SUBMITTED = "submitted", pgettext_lazy("summary status", "Submitted")
    RETURNED = "returned", pgettext_lazy("summary status", "Returned")
    ACCEPTED = "accepted", pgettext_lazy("summary status", "Accepted")


class BoardStatus(models.TextChoices):
    """What MIIT's board shows for an authority: its summary's state, with "late" for a submission after the
    deadline and "not started" where there is no summary yet."""

    NOT_STARTED = "not_started", _("Not started")
    DRAFT = "draft", pgettext_lazy("summary status", "Draft")
    SUBMITTED = "submitted", pgettext_lazy("summary status", "Submitted")
    LATE = "late", _("Submitted late")
    RETURNED = "returned", pgettext_lazy("summary status", "Returned")
    ACCEPTED = "accepted", pgettext_lazy("summary status", "Accepted")


class SummaryAction(models.TextChoices):
    CREATE = "create", _("Started")
    SUBMIT = "submit", _("Submitted")
    RETURN = "return", _("Returned with comments")
    ACCEPT = "accept", _("Accepted")
