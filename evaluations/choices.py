from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class EvaluationStatus(models.TextChoices):
    """The lifecycle of ARCHITECTURE §6, from the self-assessment to a published (then expired or revoked) level."""

    DRAFT = "draft", pgettext_lazy("evaluation status", "Draft")
    SUBMITTED = "submitted", pgettext_lazy("evaluation status", "Submitted")
    ACCEPTED = "accepted", pgettext_lazy("evaluation status", "Accepted")
    ASSIGNED = "assigned", pgettext_lazy("evaluation status", "Institution assigned")
    ON_SITE = "on_site", pgettext_lazy("evaluation status", "On-site evaluation")
    CONSENSUS = "consensus", pgettext_lazy("evaluation status", "Consensus")
    RESULT_SUBMITTED = "result_submitted", pgettext_lazy("evaluation status", "Result submitted")
    NOTICE = "notice", pgettext_lazy("evaluation status", "In public notice")
    PUBLISHED = "published", pgettext_lazy("evaluation status", "Published")
    EXPIRED = "expired", pgettext_lazy("evaluation status", "Expired")
    REVOKED = "revoked", pgettext_lazy("evaluation status", "Revoked")


# Statuses whose level the public may see (the certificate page says whether it is still valid).
PUBLIC_STATUSES = frozenset({EvaluationStatus.PUBLISHED, EvaluationStatus.EXPIRED, EvaluationStatus.REVOKED})


class TeamRole(models.TextChoices):
    LEAD = "lead", _("Lead assessor")
    MEMBER = "member", _("Assessor")


class FindingKind(models.TextChoices):
    STRENGTH = "strength", _("Strength")
    IMPROVEMENT = "improvement", _("Area for improvement")
    NONCONFORMITY = "nonconformity", _("Nonconformity")


class ObjectionStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("objection status", "Open")
    UPHELD = "upheld", pgettext_lazy("objection status", "Upheld")
    DISMISSED = "dismissed", pgettext_lazy("objection status", "Dismissed")


class CertificateStatus(models.TextChoices):
    VALID = "valid", pgettext_lazy("certificate status", "Valid")
    EXPIRED = "expired", pgettext_lazy("certificate status", "Expired")
    REVOKED = "revoked", pgettext_lazy("certificate status", "Revoked")


RATING_CHOICES = [
    ("1", _("Fully met")),
    ("0.8", _("Largely met")),
    ("0.5", _("Partly met")),
    ("0", _("Not met")),
    ("na", _("Not applicable")),
]


# Why an assessor is blocked from an enterprise (codes from evaluations.coi).
CONFLICT_LABELS = {
    "employment": _("worked for the enterprise or its group in the last three years"),
    "consulting": _("consulted for the enterprise or its group in the last three years"),
    "shareholding": _("held shares in the enterprise or its group in the last three years"),
    "previous_cycle": _("assessed the enterprise's previous cycle"),
    "not_qualified": _("has no qualification for the enterprise's industry"),
    "qualification_expired": _("the qualification for the enterprise's industry has expired"),
}
