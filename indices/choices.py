from django.db import models
from django.utils.translation import gettext_lazy as _


class Layer(models.TextChoices):
    SELF = "self", _("Self-assessed")
    OFFICIAL = "official", _("Official (on-site)")


class WarningKind(models.TextChoices):
    INDEX_DROP = "index_drop", _("Index dropped")
    COVERAGE_FALL = "coverage_fall", _("Coverage fell")
    CERTIFICATE_EXPIRING = "certificate_expiring", _("Certificate expiring")
    LAB_REASSESSMENT_DUE = "lab_reassessment_due", _("Laboratory re-assessment due")
    INSPECTION_FAILURE_RATE = "inspection_failure_rate", _("Inspection failure rate above the threshold")


class WarningState(models.TextChoices):
    OPEN = "open", _("Open")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    RESOLVED = "resolved", _("Resolved")
