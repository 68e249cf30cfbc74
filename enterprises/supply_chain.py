"""The leading enterprise's view of its supply chain: its suppliers' published levels and assessment status in one
table — the joint evaluation the notices ask for.

What a customer sees of a supplier, and why:
- every link, with its status: a pending or declined link shows only the supplier's name, region and industry
  (which the customer typed the credit code for);
- for an **accepted** link, the supplier's latest published level and certificate (number, validity, status).
  These are public anyway: they are read through ``scope()``, where ``Certificate.published_q`` makes them
  visible to everyone; nothing about the certificate is shared that the public verification page would not show;
- for an accepted link, also **one coarse word** for the status of the supplier's latest evaluation
  ("self-assessment in progress", "on-site evaluation in progress", …). This is the one thing outside the
  customer's scope, shared because the supplier accepted the link: it lets the customer plan with a supplier
  that is on its way to a level. No score, self-assessed level, rating, finding or date is shared: until a level
  is published those stay with the supplier, its evaluators and its authority (ARCHITECTURE §2), and a
  customer holding them could use them against the supplier in a negotiation.
"""

from django.db.models import Case, OuterRef, Subquery, When
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.scoping import scope
from enterprises.choices import SupplierLinkStatus
from enterprises.models import Enterprise, SupplierLink
from evaluations.choices import EvaluationStatus
from evaluations.models import Certificate, Evaluation

# The status word a customer sees for its supplier's latest evaluation (never the evaluation's own status).
COARSE_STATUS = {
    EvaluationStatus.DRAFT: _("Self-assessment in progress"),
    EvaluationStatus.SUBMITTED: _("Self-assessment under review"),
    EvaluationStatus.ACCEPTED: _("Self-assessment under review"),
    EvaluationStatus.ASSIGNED: _("On-site evaluation in progress"),
    EvaluationStatus.ON_SITE: _("On-site evaluation in progress"),
    EvaluationStatus.CONSENSUS: _("On-site evaluation in progress"),
    EvaluationStatus.RESULT_SUBMITTED: _("Result awaiting decision"),
    EvaluationStatus.NOTICE: _("Result awaiting decision"),
    EvaluationStatus.PUBLISHED: _("Level published"),
    EvaluationStatus.EXPIRED: _("Level expired"),
    EvaluationStatus.REVOKED: _("Level revoked"),
}
NO_EVALUATION = _("No evaluation yet")


def may_see_supply_chain(user: User, enterprise: Enterprise) -> bool:
    """The table is the leading enterprise's own: its administrators and members see it."""
    return user.is_member_of(enterprise.pk)


def supply_chain(*, user: User, enterprise: Enterprise) -> list[dict]:
    """One row per supplier of ``enterprise``: the link, and for accepted links the latest published certificate
    and the coarse status of the supplier's latest evaluation (three queries, whatever the number of suppliers)."""
    latest_status = (
        Evaluation.objects.filter(enterprise=OuterRef("supplier"))
        .order_by("-cycle", "-created_at")
        .values("status")[:1]
    )
    links = list(
        scope(user, SupplierLink.objects.filter(leading=enterprise))
        .select_related("supplier__region__parent", "supplier__industry")
        .annotate(
            # Read in the query only for accepted links, so nothing of a pending supplier leaves the database.
            assessment_status=Case(When(status=SupplierLinkStatus.ACCEPTED, then=Subquery(latest_status)))
        )
        .order_by("supplier__name_zh")
    )
    accepted = [link.supplier_id for link in links if link.status == SupplierLinkStatus.ACCEPTED]
    certificates: dict[int, Certificate] = {}
    published = scope(user, Certificate.objects.filter(enterprise_id__in=accepted)).select_related("evaluation__model")
    for certificate in published.order_by("enterprise_id", "-issued_on", "-pk"):
        certificates.setdefault(certificate.enterprise_id, certificate)
    rows = []
    for link in links:
        is_accepted = link.status == SupplierLinkStatus.ACCEPTED
        certificate = certificates.get(link.supplier_id) if is_accepted else None
        rows.append(
            {
                "link": link,
                "supplier": link.supplier,
                "accepted": is_accepted,
                "certificate": certificate,
                "level_name": certificate.evaluation.model.level_name(certificate.level) if certificate else "",
                "assessment": (COARSE_STATUS.get(link.assessment_status, NO_EVALUATION) if is_accepted else None),
            }
        )
    return rows
