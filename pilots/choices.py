from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Tier(models.TextChoices):
    """The path a pilot-scale platform climbs, one step at a time."""

    RESERVE = "reserve", _("Reserve")
    KEY_CULTIVATION = "key_cultivation", _("MIIT key cultivation")
    NATIONAL = "national", _("National")


NEXT_TIER = {Tier.RESERVE: Tier.KEY_CULTIVATION, Tier.KEY_CULTIVATION: Tier.NATIONAL}


class KeyField(models.TextChoices):
    RAW_MATERIALS = "raw_materials", _("Raw materials")
    EQUIPMENT = "equipment", _("Equipment manufacturing")
    CONSUMER_GOODS = "consumer_goods", _("Consumer goods")
    ELECTRONICS = "electronics", _("Electronics and information")
    NEW_ENERGY = "new_energy", _("New energy")
    BIOMEDICINE = "biomedicine", _("Biomedicine")


class ConstructionMode(models.TextChoices):
    ENTERPRISE = "enterprise", _("Built by an enterprise")
    ALLIANCE = "alliance", _("Industry, university and research together")
    CLUSTER = "cluster", _("Built by a park or cluster")
    INSTITUTE = "institute", _("Built by a research institute")
    PUBLIC_SERVICE = "public_service", _("Built by a public service body")
    GOVERNMENT_GUIDED = "government_guided", _("Government-guided, market-run")


class Service(models.TextChoices):
    """The validation services a platform offers (and an enterprise asks for)."""

    DESIGN = "design", _("Design validation")
    PERFORMANCE = "performance", _("Function and performance validation")
    PROCESS = "process", _("Process validation")
    ADAPTATION = "adaptation", _("Adaptation validation")
    PRODUCTION = "production", _("Production validation")


class RequestStatus(models.TextChoices):
    SENT = "sent", pgettext_lazy("service request status", "Sent")
    ACCEPTED = "accepted", pgettext_lazy("service request status", "Accepted")
    DECLINED = "declined", pgettext_lazy("service request status", "Declined")
    COMPLETED = "completed", pgettext_lazy("service request status", "Completed")
