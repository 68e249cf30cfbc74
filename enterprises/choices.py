from django.db import models
from django.utils.translation import gettext_lazy as _


class RegionLevel(models.TextChoices):
    PROVINCE = "province", _("Province-level")
    CITY = "city", _("Prefecture-level")


class AuthorityKind(models.TextChoices):
    PROVINCE = "province", _("Province-level authority")
    CITY = "city", _("Separately-listed city authority")
    XPCC = "xpcc", _("Xinjiang Production and Construction Corps")


class SizeClass(models.TextChoices):
    LARGE = "large", _("Large")
    MEDIUM = "medium", _("Medium")
    SMALL = "small", _("Small")
    MICRO = "micro", _("Micro")


class VerificationStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting verification")
    VERIFIED = "verified", _("Verified")
    REJECTED = "rejected", _("Rejected")


class SupplierLinkStatus(models.TextChoices):
    """A supplier link is pending until the supplier's administrator accepts it (or declines)."""

    PENDING = "pending", _("Awaiting the supplier's acceptance")
    ACCEPTED = "accepted", _("Accepted by the supplier")
    DECLINED = "declined", _("Declined by the supplier")


class ClaimStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting verification")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
