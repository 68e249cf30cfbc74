"""Early-warning rules (ARCHITECTURE §7): plain functions over index cells, certificates, labs and inspections.

The rules read rows that were already fetched (``IndexCell`` and ``Certificate`` instances, or anything with the
same attributes) and return ``Finding`` values; nothing here touches the database, so each rule is unit-tested on
hand-made rows. ``indices.warning_services.warnings_raise`` fetches the rows, runs the rules and stores each new
finding as an ``EarlyWarning``.

Which cells are watched (to keep the volume sane and the noise down):
- index drop: province and prefecture-city cells over all industries and all sizes, plus province x industry
  cells (all sizes), of the current method version; a cell counts only when at least ``MIN_ENTERPRISES``
  enterprises are behind its index in both years (an index of two enterprises swings with either of them);
- coverage falling: province and prefecture-city cells over all industries and all sizes; a cell counts when at
  least ``MIN_ENTERPRISES`` enterprises held a valid level in either year (a fall from 12 to 3 matters, a fall
  from 2 to 1 is noise).
- inspection failure rate: per published inspection batch and province, the share of failed samples above the
  threshold (``settings.INSPECTION_FAILURE_RATE_WARNING``, passed in) with at least ``INSPECTION_MIN_SAMPLES``
  samples from that province (one failure in two samples is noise).
The country cell is left out: MIIT sees every province's and city's warnings, which say where to act.

Keys: every finding has a stable ``key`` (kind, then what it is about), unique among warnings, so running the rules
again never raises the same warning twice, and a warning that was acknowledged or resolved is never reopened:
- ``index_drop:<year>:<region>:<industry or empty>``, e.g. ``index_drop:2025:440000:`` or ``index_drop:2025:440000:39``
- ``coverage_fall:<year>:<region>:``
- ``certificate_expiring:<certificate number>``
- ``lab_reassessment_due:<lab id>:<due day>`` (a lab re-assessed later is due again on another day: a new warning)
- ``inspection_failure_rate:<batch id>:<province code>``, e.g. ``inspection_failure_rate:12:440000`` (one per
  published inspection batch and province of the inspected enterprises)
A warning records what was found when it was raised (figures in ``details``). When the condition stops holding
(the index recovers, the certificate is renewed) the warning is left as it is: the platform does not resolve
warnings by itself, because resolving one says who looked at it and why, and only a person can say that.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from core.models import pick_language
from evaluations.choices import CertificateStatus
from indices.choices import WarningKind
from indices.method import SUPPRESS_BELOW
from indices.models import ALL

INDEX_DROP_POINTS = 3.0  # an index at least this many points below the year before is a warning
EXPIRY_DAYS = 90  # a valid certificate whose last valid day is at most this many days away is a warning
MIN_ENTERPRISES = SUPPRESS_BELOW  # cells smaller than the publication threshold are too noisy to warn about
INSPECTION_MIN_SAMPLES = 5  # a province with fewer samples in a batch is too small to warn about

PROVINCE, CITY = "province", "city"
CellKey = tuple[str, str, str]  # region code, industry code, size class


@dataclass(frozen=True)
class Finding:
    """One rule's finding, ready to become an ``EarlyWarning`` (same field names)."""

    kind: str
    key: str
    region_code: str
    industry_code: str
    year: int
    details: dict = field(default_factory=dict, hash=False)


def cell_key(cell) -> CellKey:
    return (cell.region_code, cell.industry_code, cell.size_class)


def index_watched(cell) -> bool:
    """Province and city cells over all industries, plus province x industry cells; always over all sizes."""
    if cell.size_class != ALL:
        return False
    if cell.industry_code == ALL:
        return cell.region_level in (PROVINCE, CITY)
    return cell.region_level == PROVINCE


def coverage_watched(cell) -> bool:
    """Province and city cells over all industries and all sizes."""
    return cell.size_class == ALL and cell.industry_code == ALL and cell.region_level in (PROVINCE, CITY)


def _key(kind: str, *parts) -> str:
    return ":".join([kind, *(str(part) for part in parts)])


def index_drops(cells: Iterable, *, previous_n: Mapping[CellKey, int]) -> list[Finding]:
    """Cells whose index is at least ``INDEX_DROP_POINTS`` below the year before.

    ``cells`` are one year's cells (others are skipped); ``previous_n`` gives, per cell key, how many enterprises
    were behind the same cell's index the year before. A cell needs ``MIN_ENTERPRISES`` in both years.
    """
    found = []
    for cell in cells:
        if not index_watched(cell) or cell.index is None or cell.index_change is None:
            continue
        if cell.index_change > -INDEX_DROP_POINTS:
            continue
        n_before = previous_n.get(cell_key(cell), 0)
        if min(cell.n, n_before) < MIN_ENTERPRISES:
            continue
        found.append(
            Finding(
                kind=WarningKind.INDEX_DROP,
                key=_key(WarningKind.INDEX_DROP, cell.year, cell.region_code, cell.industry_code),
                region_code=cell.region_code,
                industry_code=cell.industry_code,
                year=cell.year,
                details={
                    "index": round(cell.index, 2),
                    "index_before": round(cell.index - cell.index_change, 2),
                    "change": round(cell.index_change, 2),
                    "n": cell.n,
                    "n_before": n_before,
                    "method_version": cell.method_version,
                },
            )
        )
    return found


def coverage_falls(cells: Iterable, *, previous_n: Mapping[CellKey, int]) -> list[Finding]:
    """Cells whose coverage fell on the year before.

    Coverage is the share of registered enterprises (not rejected, registered by the reference day) that hold a
    valid official level on the reference day: 31 December of a past year, today for the current year. "Falling"
    means ``coverage_change < 0``: the share on this year's reference day is below the share on 31 December of
    the year before, by any amount (the cells keep coverage to four decimals, so a fall smaller than 0.005
    percentage points does not show). It falls when levels lapse or are revoked faster than new ones are
    published, or when registrations grow faster than levels. A cell counts only when at least
    ``MIN_ENTERPRISES`` enterprises held a valid level in this year or the year before.
    """
    found = []
    for cell in cells:
        if not coverage_watched(cell) or cell.coverage is None or cell.coverage_change is None:
            continue
        if cell.coverage_change >= 0:
            continue
        n_before = previous_n.get(cell_key(cell), 0)
        if max(cell.n, n_before) < MIN_ENTERPRISES:
            continue
        found.append(
            Finding(
                kind=WarningKind.COVERAGE_FALL,
                key=_key(WarningKind.COVERAGE_FALL, cell.year, cell.region_code, cell.industry_code),
                region_code=cell.region_code,
                industry_code=cell.industry_code,
                year=cell.year,
                details={
                    "coverage": round(cell.coverage, 4),
                    "coverage_before": round(cell.coverage - cell.coverage_change, 4),
                    "change": round(cell.coverage_change, 4),
                    "n": cell.n,
                    "n_before": n_before,
                    "registered": cell.registered,
                    "method_version": cell.method_version,
                },
            )
        )
    return found


def expiry_horizon(today: date) -> date:
    """The last day a certificate may be valid until and still be warned about."""
    return today + timedelta(days=EXPIRY_DAYS)


def certificates_expiring(
    certificates: Iterable, *, today: date, renewed_enterprises: frozenset[int] | set[int] = frozenset()
) -> list[Finding]:
    """Valid certificates whose last valid day is today or within ``EXPIRY_DAYS`` days.

    A certificate is left out when its enterprise is in ``renewed_enterprises`` (it holds another valid certificate
    that lasts beyond the horizon). ``certificates`` need ``enterprise`` loaded (region, industry and names).
    The warning's region is the enterprise's region when it is raised.
    """
    horizon = expiry_horizon(today)
    found = []
    for certificate in certificates:
        if certificate.status != CertificateStatus.VALID or not today <= certificate.valid_until <= horizon:
            continue
        enterprise = certificate.enterprise
        if enterprise.pk in renewed_enterprises:
            continue
        found.append(
            Finding(
                kind=WarningKind.CERTIFICATE_EXPIRING,
                key=_key(WarningKind.CERTIFICATE_EXPIRING, certificate.number),
                region_code=enterprise.region_id,
                industry_code=enterprise.industry_id or "",
                year=certificate.valid_until.year,
                details={
                    "number": certificate.number,
                    "level": certificate.level,
                    "valid_until": certificate.valid_until.isoformat(),
                    "days_left": (certificate.valid_until - today).days,
                    "enterprise_id": enterprise.pk,
                    "enterprise_zh": enterprise.name_zh,
                    "enterprise_en": enterprise.name_en,
                },
            )
        )
    return found


def labs_due(labs: Iterable, *, today: date) -> list[Finding]:
    """Accredited labs whose re-assessment is due within ``EXPIRY_DAYS`` days, or overdue. ``labs`` need
    ``region`` loaded; the warning goes to the lab's region."""
    horizon = expiry_horizon(today)
    found = []
    for lab in labs:
        if lab.status != "active" or lab.reassessment_due > horizon:
            continue
        found.append(
            Finding(
                kind=WarningKind.LAB_REASSESSMENT_DUE,
                key=_key(WarningKind.LAB_REASSESSMENT_DUE, lab.pk, lab.reassessment_due.isoformat()),
                region_code=lab.region_id,
                industry_code="",
                year=lab.reassessment_due.year,
                details={
                    "lab_id": lab.pk,
                    "name_zh": lab.name_zh,
                    "name_en": lab.name_en,
                    "due": lab.reassessment_due.isoformat(),
                    "days_left": (lab.reassessment_due - today).days,
                },
            )
        )
    return found


def inspection_failures(
    tallies: Iterable, *, threshold: float, min_samples: int = INSPECTION_MIN_SAMPLES
) -> list[Finding]:
    """Published inspection batches whose failure rate in a province is above ``threshold`` (a share, 0 to 1), with
    at least ``min_samples`` samples there. ``tallies`` have ``batch_id``, ``year``, ``category``, ``title_zh``,
    ``title_en``, ``province_code``, ``samples`` and ``failed`` (one per batch and province); the warning goes to
    the province."""
    found = []
    for tally in tallies:
        if tally.samples < min_samples or tally.failed / tally.samples <= threshold:
            continue
        found.append(
            Finding(
                kind=WarningKind.INSPECTION_FAILURE_RATE,
                key=_key(WarningKind.INSPECTION_FAILURE_RATE, tally.batch_id, tally.province_code),
                region_code=tally.province_code,
                industry_code="",
                year=tally.year,
                details={
                    "batch_id": tally.batch_id,
                    "category": tally.category,
                    "title_zh": tally.title_zh,
                    "title_en": tally.title_en,
                    "samples": tally.samples,
                    "failed": tally.failed,
                    "rate": round(tally.failed / tally.samples, 4),
                    "threshold": threshold,
                },
            )
        )
    return found


def _percent(value: float) -> str:
    return number_format(value * 100, decimal_pos=1) + "%"


def describe(kind: str, details: dict) -> str:
    """A warning's finding in words, in the active language."""
    if kind == WarningKind.INDEX_DROP:
        return _("The index fell {drop} points on the year before, from {before} to {after} ({n} enterprises).").format(
            drop=number_format(-details["change"], decimal_pos=1),
            before=number_format(details["index_before"], decimal_pos=1),
            after=number_format(details["index"], decimal_pos=1),
            n=details["n"],
        )
    if kind == WarningKind.COVERAGE_FALL:
        return _(
            "Coverage fell from {before} to {after}: {n} of {registered} registered enterprises hold a valid level."
        ).format(
            before=_percent(details["coverage_before"]),
            after=_percent(details["coverage"]),
            n=details["n"],
            registered=details["registered"],
        )
    if kind == WarningKind.CERTIFICATE_EXPIRING:
        return _("Certificate {number} of {enterprise} (level {level}) is valid until {date}.").format(
            number=details["number"],
            enterprise=pick_language(details.get("enterprise_zh", ""), details.get("enterprise_en", "")),
            level=details["level"],
            date=date_format(date.fromisoformat(details["valid_until"]), "SHORT_DATE_FORMAT"),
        )
    if kind == WarningKind.LAB_REASSESSMENT_DUE:
        return _("Laboratory {name} is due for re-assessment on {date}.").format(
            name=pick_language(details.get("name_zh", ""), details.get("name_en", "")),
            date=date_format(date.fromisoformat(details["due"]), "SHORT_DATE_FORMAT"),
        )
    if kind == WarningKind.INSPECTION_FAILURE_RATE:
        return _("{failed} of {samples} samples failed in {batch}: {rate}, above the threshold of {threshold}.").format(
            failed=details["failed"],
            samples=details["samples"],
            batch=pick_language(details.get("title_zh", ""), details.get("title_en", "")),
            rate=_percent(details["rate"]),
            threshold=_percent(details["threshold"]),
        )
    return ""
