"""State for the publication tests, set up directly (the services that produce it are tested on their own)."""

import datetime
from decimal import Decimal

from django.utils import timezone

from evaluations.choices import CertificateStatus, EvaluationStatus
from evaluations.models import Certificate, Evaluation, EvaluationModel

TZ = datetime.timezone(datetime.timedelta(hours=8))  # Asia/Shanghai has no DST


def at(year: int, month: int, day: int, hour: int = 10) -> datetime.datetime:
    """A moment in the platform's time zone, for time_machine.travel."""
    return datetime.datetime(year, month, day, hour, tzinfo=TZ)


def with_result(evaluation: Evaluation, *, level: int = 3, score: str = "3.4500", status=None) -> Evaluation:
    """The evaluation as the lead assessor leaves it: result submitted, with the official level."""
    evaluation.status = status or EvaluationStatus.RESULT_SUBMITTED
    evaluation.official_level = level
    evaluation.official_score = Decimal(score)
    evaluation.official_result = {"level": level, "score": float(score)}
    evaluation.result_submitted_at = timezone.now()
    evaluation.save()
    return evaluation


def make_evaluation(enterprise, *, by, status, level: int = 3, score: str = "3.4500", notice_until=None, cycle=2026):
    evaluation = Evaluation.objects.create(
        enterprise=enterprise,
        model=EvaluationModel.objects.get(code="QMC-2024"),
        cycle=cycle,
        started_by=by,
        status=status,
        notice_until=notice_until,
    )
    with_result(evaluation, level=level, score=score, status=status)
    if status in (EvaluationStatus.PUBLISHED, EvaluationStatus.EXPIRED, EvaluationStatus.REVOKED):
        evaluation.published_at = timezone.now()
        evaluation.save(update_fields=["published_at"])
    return evaluation


def make_certificate(
    evaluation: Evaluation, *, number: str, issued_on=None, valid_until=None, status=CertificateStatus.VALID
) -> Certificate:
    issued_on = issued_on or datetime.date(2026, 3, 16)
    return Certificate.objects.create(
        number=number,
        evaluation=evaluation,
        enterprise=evaluation.enterprise,
        level=evaluation.official_level,
        score=evaluation.official_score,
        issued_on=issued_on,
        valid_until=valid_until or issued_on.replace(year=issued_on.year + 3),
        status=status,
    )
