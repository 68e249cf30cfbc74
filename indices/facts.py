"""Writing the summary facts: one row per scored evaluation and layer, derived from the evaluation's state.

``fact_sync`` is idempotent and derives everything from the evaluation as it is now, so every service that
changes a result calls the same function after its change: submit (self layer), return to draft (the self
fact goes), publish (official layer), revoke (the official fact records the day). ``facts_rebuild`` derives
them all again, for data that predates the facts.
"""

from datetime import date

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from evaluations.choices import CertificateStatus, EvaluationStatus
from evaluations.models import Evaluation
from evaluations.working_days import add_years
from indices.choices import Layer
from indices.models import EvaluationFact

SELF_SCORED = {s for s in EvaluationStatus.values if s != EvaluationStatus.DRAFT}
PUBLISHED = {EvaluationStatus.PUBLISHED, EvaluationStatus.EXPIRED, EvaluationStatus.REVOKED}


def _dimension_values(result: dict | None) -> dict[str, float]:
    values = (result or {}).get("dimension_values") or {}
    return {code: round(float(value), 4) for code, value in values.items() if value is not None}


def _place(evaluation: Evaluation) -> dict:
    enterprise = evaluation.enterprise
    region = enterprise.region
    province = region.parent_id or region.code
    return {
        "enterprise_id": enterprise.pk,
        "province_code": province,
        "city_code": region.code,
        "industry_code": enterprise.industry_id,
        "size_class": enterprise.size_class,
        "year": evaluation.cycle,
    }


def _official_validity(evaluation: Evaluation) -> tuple[date, date, date | None]:
    """Published on, valid until and revoked on: from the certificate, or the publication day for level 0."""
    certificate = getattr(evaluation, "certificate", None)
    if certificate is not None:
        revoked = (
            timezone.localdate(certificate.revoked_at) if certificate.status == CertificateStatus.REVOKED else None
        )
        if certificate.status == CertificateStatus.REVOKED and revoked is None:
            revoked = certificate.issued_on
        return certificate.issued_on, certificate.valid_until, revoked
    published = timezone.localdate(evaluation.published_at)
    return published, add_years(published, settings.CERTIFICATE_VALIDITY_YEARS), None


def fact_rows(evaluation: Evaluation) -> dict[str, dict]:
    """The facts ``evaluation`` should have now, per layer (none for a draft)."""
    rows = {}
    place = _place(evaluation)
    if evaluation.status in SELF_SCORED and evaluation.self_score is not None:
        rows[Layer.SELF] = {
            **place,
            "level": evaluation.self_level,
            "score": float(evaluation.self_score),
            "dimension_scores": _dimension_values(evaluation.self_result),
            "valid_from": None,
            "valid_until": None,
            "revoked_on": None,
        }
    if evaluation.status in PUBLISHED and evaluation.official_score is not None and evaluation.published_at:
        valid_from, valid_until, revoked_on = _official_validity(evaluation)
        rows[Layer.OFFICIAL] = {
            **place,
            "level": evaluation.official_level,
            "score": float(evaluation.official_score),
            "dimension_scores": _dimension_values(evaluation.official_result),
            "valid_from": valid_from,
            "valid_until": valid_until,
            "revoked_on": revoked_on,
        }
    return rows


@transaction.atomic
def fact_sync(*, evaluation: Evaluation) -> dict[str, EvaluationFact]:
    """Make ``evaluation``'s facts match its state: upsert the layers it has, delete the ones it lost."""
    evaluation = Evaluation.objects.select_related("enterprise__region", "certificate").get(pk=evaluation.pk)
    rows = fact_rows(evaluation)
    EvaluationFact.objects.filter(evaluation=evaluation).exclude(layer__in=list(rows)).delete()
    facts = {}
    for layer, values in rows.items():
        facts[layer], _created = EvaluationFact.objects.update_or_create(
            evaluation=evaluation, layer=layer, defaults=values
        )
    return facts


def facts_rebuild(*, batch_size: int = 2000) -> int:
    """Derive every evaluation's facts again (idempotent); returns how many facts there are afterwards."""
    evaluations = Evaluation.objects.select_related("enterprise__region", "certificate").order_by("pk")
    wanted = []
    for evaluation in evaluations.iterator(chunk_size=batch_size):
        for layer, values in fact_rows(evaluation).items():
            wanted.append(EvaluationFact(evaluation_id=evaluation.pk, layer=layer, **values))
    with transaction.atomic():
        EvaluationFact.objects.all().delete()
        EvaluationFact.objects.bulk_create(wanted, batch_size=batch_size)
    return len(wanted)
