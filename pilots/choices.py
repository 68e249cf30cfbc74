from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Tier(models.TextChoices):
    """The path a pilot-scale platform climbs, one step at a time."""

    RESERVE = "reserve", _("Reserve")
    KEY_CULTIVATION = "key_cultivation", _("MIIT key cultivation")
    NATIONAL = "national", _("National")


NEXT_TIER = {Tier.RESERVE: Tier.KEY_CULTIVATION, Tier.KEY_CULTIVATION: Tier.NATIONAL}


class RequestStatus(models.TextChoices):
    SENT = "sent", pgettext_lazy("service request status", "Sent")
    ACCEPTED = "accepted", pgettext_lazy("service request status", "Accepted")
    DECLINED = "declined", pgettext_lazy("service request status", "Declined")
    COMPLETED = "completed", pgettext_lazy("service request status", "Completed")
