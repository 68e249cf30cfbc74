"""Importing results published before the platform (ARCHITECTURE §6): the programme's earlier records.

The quality-management-level programme published levels before this platform existed (on paper and in the
provincial registers). ``results_import`` brings such a result in as a published evaluation: the enterprise's
self-assessment ratings and the team's consensus ratings are stored as they were recorded, both are scored by the
same engine as every other evaluation (the official level comes from the consensus, never from the record's own
figure), the certificate carries the original issue date and validity, and the history says that it was imported,
when, by whom and from which record. The facts follow (``indices.facts.fact_rows``), so the index counts the
result from its publication day.

Imported results start as published; the platform's own expiry step (``certificates_expire``) then expires the
ones whose validity has already ended, with its usual history row.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import AuditAction, Role
from accounts.models import User
from accounts.services import audit_record
from core.exceptions import NotPermitted
from enterprises.models import Enterprise, Region
from evaluations import ratings as rules
from evaluations import scoring, selectors
from evaluations.choices import EvaluationStatus
from evaluations.models import (
    Answer,
    Certificate,
    ConsensusRating,
    EligibilityAnswer,
    Evaluation,
    EvaluationModel,
    StatusChange,
)
from evaluations.services.publication import certificate_number_prefix
from evaluations.working_days import add_years
from indices.facts import fact_rows
from indices.models import EvaluationFact
from indices.services import recompute_soon

IMPORTERS = (Role.PLATFORM_ADMIN, Role.NATIONAL)
PLAIN_VALUES = frozenset(v for v in rules.REQUIREMENT_VALUES if v != "na")
NA_REASON = "Not applicable according to the imported record."
DAY_TIME = time(10, 0)  # a recorded day becomes 10:00 platform time (the records carry days, not times)


@dataclass(frozen=True)
class PastResult:
    """One published result from the programme's records.

    ``self_ratings`` and ``consensus_ratings`` map requirement codes to "1", "0.8", "0.5", "0" or "na" (where
    the requirement allows it); the consensus must rate every requirement and answer every eligibility condition
    ("yes" or "no"). ``self_eligibility`` gives the enterprise's own answers (condition code to True/False).
    """

    enterprise_id: int
    cycle: int
    submitted_on: date
    published_on: date
    self_ratings: Mapping[str, str]
    consensus_ratings: Mapping[str, str]
    self_eligibility: Mapping[str, bool] = field(default_factory=dict)
    record: str = ""  # where the result comes from, e.g. "广东省2023年公告 No. 12"


def _aware(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, DAY_TIME))


def _problems(result: PastResult, *, spec: scoring.ModelSpec, today: date) -> list[str]:
    problems = []
    if not result.submitted_on <= result.published_on <= today:
        problems.append(_("The self-assessment must be submitted before publication, and publication be past."))
    if result.published_on.year < result.cycle:
        problems.append(_("A result of cycle {cycle} cannot be published before it.").format(cycle=result.cycle))
    requirements = spec.index.requirements
    conditions = spec.index.conditions
    for source, ratings in (("self", result.self_ratings), ("consensus", result.consensus_ratings)):
        for code, value in ratings.items():
            if code in requirements:
                if value in PLAIN_VALUES:
                    continue
                problem = rules.requirement_problem(value, na_allowed=requirements[code].na_allowed, comment=NA_REASON)
            elif source == "consensus" and code in conditions:
                problem = rules.condition_problem(value)
            else:
                problem = _("“{code}” is not in the model.").format(code=code)
            if problem:
                problems.append(f"{source} {code}: {problem}")
    missing = (set(requirements) | set(conditions)) - set(result.consensus_ratings)
    if missing:
        problems.append(
            _("The consensus must rate every item; {count} are missing, first {code}.").format(
                count=len(missing), code=sorted(missing)[0]
            )
        )
    return problems


def _check(results: Sequence[PastResult], *, spec: scoring.ModelSpec, today: date) -> None:
    """Everything is checked before anything is written; any problem and nothing is imported."""
    errors: dict[str, list[str]] = {}
    keys = [(r.enterprise_id, r.cycle) for r in results]
    known = set(Enterprise.objects.filter(pk__in={r.enterprise_id for r in results}).values_list("pk", flat=True))
    taken = set(
        Evaluation.objects.filter(enterprise_id__in=known, cycle__in={r.cycle for r in results}).values_list(
            "enterprise_id", "cycle"
        )
    )
    seen: set[tuple[int, int]] = set()
    for index, (result, key) in enumerate(zip(results, keys, strict=True)):
        problems = _problems(result, spec=spec, today=today)
        if result.enterprise_id not in known:
            problems.append(_("No such enterprise."))
        if key in taken or key in seen:
            problems.append(_("The enterprise already has an evaluation in cycle {cycle}.").format(cycle=result.cycle))
        seen.add(key)
        if problems:
            errors[str(index)] = problems
    if errors:
        raise ValidationError(errors)


def _engine_input(ratings: Mapping[str, str], conditions: set[str]) -> tuple[dict, dict]:
    scored = {code: (scoring.NA if v == "na" else float(v)) for code, v in ratings.items() if code not in conditions}
    eligibility = {code: rules.CONDITION_VALUES[v] for code, v in ratings.items() if code in conditions}
    return scored, eligibility


def _numbers(evaluations: list[Evaluation]) -> dict[int, str]:
    """Certificate numbers in each province's yearly sequence, in order of issue after the ones already taken.

    The provinces' Region rows are locked for the transaction, as ``result_publish`` does for one number.
    """
    provinces = sorted({e.enterprise.region_id[:2] + "0000" for e in evaluations})
    list(Region.objects.select_for_update().filter(code__in=provinces).values_list("code", flat=True))
    next_in: dict[str, int] = {}
    numbers = {}
    for evaluation in sorted(evaluations, key=lambda e: (e.published_at, e.pk)):
        prefix = certificate_number_prefix(evaluation=evaluation, issued_on=timezone.localdate(evaluation.published_at))
        if prefix not in next_in:
            last = (
                Certificate.objects.filter(number__startswith=prefix)
                .order_by("-number")
                .values_list("number", flat=True)
                .first()
            )
            next_in[prefix] = int(last.removeprefix(prefix)) + 1 if last else 1
        numbers[evaluation.pk] = f"{prefix}{next_in[prefix]:06d}"
        next_in[prefix] += 1
    return numbers


def _insert(model: type[models.Model], columns: list[str], rows: list[tuple]) -> None:
    """Insert rows without the ORM: an import stores ~290 rating rows per result, and bulk_create spends about four
    times as long preparing them as SQLite spends writing them (~60 us against ~15 us a row). PostgreSQL takes them
    by COPY (~30 us a row, against ~70 us for INSERTs). Values must be ready for the database."""
    if not rows:
        return
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    names = ", ".join(quote(model._meta.get_field(name).column) for name in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)  # noqa: S608 - names are ours


def _store_ratings(
    evaluations: list[Evaluation], results: Sequence[PastResult], *, model: EvaluationModel, conditions, by: User
) -> None:
    """The self-assessment's answers and eligibility answers, and the consensus, as the records give them."""
    requirement_ids = dict(model.requirements.values_list("code", "pk"))
    condition_ids = dict(model.conditions.values_list("code", "pk"))
    now = Answer._meta.get_field("updated_at").get_db_prep_value(timezone.now(), connection)
    answers, eligibility, consensus = [], [], []
    for evaluation, result in zip(evaluations, results, strict=True):
        pk = evaluation.pk
        answers += [
            (pk, requirement_ids[code], value, NA_REASON if value == "na" else "", "", now, by.pk)
            for code, value in result.self_ratings.items()
        ]
        eligibility += [(pk, condition_ids[code], holds, now) for code, holds in result.self_eligibility.items()]
        consensus += [
            (pk, None, condition_ids[code], value, "", now, by.pk)
            if code in conditions
            else (pk, requirement_ids[code], None, value, "", now, by.pk)
            for code, value in result.consensus_ratings.items()
        ]
    rated = ["evaluation", "requirement", "rating", "na_reason", "comment", "updated_at", "updated_by"]
    _insert(Answer, rated, answers)
    _insert(EligibilityAnswer, ["evaluation", "condition", "holds", "updated_at"], eligibility)
    agreed = ["evaluation", "requirement", "condition", "value", "note", "updated_at", "updated_by"]
    _insert(ConsensusRating, agreed, consensus)


def _write_facts(evaluations: list[Evaluation]) -> None:
    """The summary facts of the new evaluations, derived by ``indices.facts.fact_rows`` as ``fact_sync`` does for
    one evaluation (new evaluations have no facts yet, so it is one insert instead of an upsert per row)."""
    loaded = Evaluation.objects.filter(pk__in=[e.pk for e in evaluations]).select_related(
        "enterprise__region", "certificate"
    )
    EvaluationFact.objects.bulk_create(
        [
            EvaluationFact(evaluation_id=evaluation.pk, layer=layer, **values)
            for evaluation in loaded
            for layer, values in fact_rows(evaluation).items()
        ],
        batch_size=1000,
    )


@transaction.atomic
def results_import(*, results: Sequence[PastResult], model: EvaluationModel, by: User, source: str) -> list[Evaluation]:
    """Import published results from the programme's records (see the module docstring); all or nothing.

    Only the platform administrator and MIIT staff import. Returns the new evaluations, published, with their
    certificates (level 1 or more); the caller runs ``certificates_expire`` for the ones whose validity has ended.
    """
    if not by.has_role(*IMPORTERS):
        raise NotPermitted(_("Only the platform administrator or MIIT staff import past results."))
    today = timezone.localdate()
    spec = selectors.model_spec(model=model)
    _check(results, spec=spec, today=today)
    conditions = {c.code for c in spec.conditions}
    enterprises = Enterprise.objects.in_bulk({r.enterprise_id for r in results})

    evaluations = []
    for result in results:
        own = scoring.score(spec, *_engine_input(result.self_ratings, conditions))
        official = scoring.score(spec, *_engine_input(result.consensus_ratings, conditions))
        published_at = _aware(result.published_on)
        evaluations.append(
            Evaluation(
                enterprise=enterprises[result.enterprise_id],
                model=model,
                cycle=result.cycle,
                status=EvaluationStatus.PUBLISHED,
                started_by=by,
                submitted_at=_aware(result.submitted_on),
                self_level=own.level,
                self_score=Decimal(str(round(own.score, 4))),
                self_result=selectors.result_as_dict(own, model=model),
                result_submitted_at=published_at - timedelta(days=14),
                official_level=official.level,
                official_score=Decimal(str(round(official.score, 4))),
                official_result=selectors.result_as_dict(official, model=model),
                notice_until=result.published_on - timedelta(days=1),
                published_at=published_at,
            )
        )
    Evaluation.objects.bulk_create(evaluations, batch_size=500)

    _store_ratings(evaluations, results, model=model, conditions=conditions, by=by)

    numbers = _numbers(evaluations)
    certificates = []
    for evaluation in evaluations:
        if evaluation.official_level < 1:
            continue  # "below the experience level" is published without a certificate, as in result_publish
        issued_on = timezone.localdate(evaluation.published_at)
        certificate = Certificate(
            number=numbers[evaluation.pk],
            evaluation=evaluation,
            enterprise=evaluation.enterprise,
            level=evaluation.official_level,
            score=evaluation.official_score,
            issued_on=issued_on,
            valid_until=add_years(issued_on, settings.CERTIFICATE_VALIDITY_YEARS),
        )
        certificate.full_clean(validate_unique=False, validate_constraints=False)  # numbers are fresh (above)
        certificates.append(certificate)
    Certificate.objects.bulk_create(certificates, batch_size=1000)
    issued = {c.evaluation_id: c.number for c in certificates}

    StatusChange.objects.bulk_create(
        [
            StatusChange(
                evaluation=evaluation,
                from_status="",
                to_status=EvaluationStatus.PUBLISHED,
                by=by,
                reason=_(
                    "Imported from {source}{record}: self-assessment submitted on {submitted}, level {level} "
                    "published on {published}{certificate}."
                ).format(
                    source=source,
                    record=f" ({result.record})" if result.record else "",
                    submitted=result.submitted_on.isoformat(),
                    level=evaluation.official_level,
                    published=result.published_on.isoformat(),
                    certificate=f", {issued[evaluation.pk]}" if evaluation.pk in issued else "",
                ),
            )
            for evaluation, result in zip(evaluations, results, strict=True)
        ],
        batch_size=1000,
    )
    _write_facts(evaluations)
    audit_record(
        action=AuditAction.CREATE,
        actor=by,
        details={
            "imported_results": len(evaluations),
            "source": source,
            "evaluations": [evaluations[0].pk, evaluations[-1].pk] if evaluations else [],
            "certificates": len(certificates),
        },
    )
    recompute_soon()
    return evaluations
