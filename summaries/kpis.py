"""The KPI block of an annual summary: one authority's figures for one year, read from live data.

Every figure is counted inside the authority's area (its region codes, less any it excludes, as the scoping
layer draws it) or, for the "country" line of MIIT's exports, over the whole country. The index figures come
from the index snapshot's city cells (the index method, ARCHITECTURE §7), summed over the area; the others from
the registers themselves. ``kpis_compute`` returns every figure of the catalogue; a template reports a subset.

The figures are plain numbers (or None where there is nothing to divide by), so they freeze as JSON.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Max, Q
from django.utils.translation import gettext_lazy as _

from brands.models import BrandEntry
from enterprises.models import Authority
from indices import method
from indices.dashboard_selectors import level_names
from indices.models import ALL, EvaluationFact, IndexCell
from indices.selectors import TARGETS
from labs.models import Lab, LabEvent, LabEventKind, LabStatus
from pilots.choices import Tier
from pilots.models import Scenario, TierChange
from products.models import InspectionResult
from selections.models import Case
from training import selectors as training_selectors

EVALUATIONS, INDEX, REGISTRIES, TRAINING = "evaluations", "index", "registries", "training"
GROUPS = {
    EVALUATIONS: _("Quality management capability evaluations"),
    INDEX: _("Quality management level index"),
    REGISTRIES: _("Laboratories, pilot platforms, brands, cases and inspections"),
    TRAINING: _("Training"),
}


@dataclass(frozen=True)
class Kpi:
    code: str
    group: str
    label: str  # with "{level}" where the figure is about one level
    digits: int = 0  # decimals shown; 0 for counts
    level: int | None = None

    def title(self, names: dict[str, str]) -> str:
        """The label in the reader's language, with the level's name from ``level_names()``."""
        if self.level is None:
            return str(self.label)
        return str(self.label).format(level=names.get(str(self.level), self.level))


def _levels(prefix: str, template, levels) -> list[Kpi]:
    return [Kpi(f"{prefix}_{k}", EVALUATIONS, template, level=k) for k in levels]


def _catalogue() -> list[Kpi]:
    return [
        Kpi("self_total", EVALUATIONS, _("Self-assessments submitted")),
        *_levels("self_level", _("Self-assessed at {level}"), method.LEVELS),
        Kpi("onsite_total", EVALUATIONS, _("On-site evaluations published")),
        *_levels("onsite_level", _("Evaluated on site at {level}"), method.LEVELS),
        *_levels("new_level", _("Enterprises newly reaching {level} or above"), method.NEW_LEVELS),
        *_levels("reached_level", _("Enterprises at {level} or above at the year's end"), method.NEW_LEVELS),
        Kpi("index", INDEX, _("Quality management level index"), 2),
        Kpi("index_change", INDEX, _("Index change on the year before"), 2),
        Kpi("index_n", INDEX, _("Enterprises with a valid official level")),
        Kpi("registered", INDEX, _("Registered enterprises")),
        Kpi("coverage", INDEX, _("Coverage (evaluated ÷ registered)"), 3),
        Kpi("labs_accredited", REGISTRIES, _("Laboratories accredited in the year")),
        Kpi("labs_reassessed", REGISTRIES, _("Laboratories passing re-assessment in the year")),
        Kpi("labs_active", REGISTRIES, _("Accredited laboratories at the year's end")),
        Kpi("pilots_reserve", REGISTRIES, _("Pilot platforms: reserve")),
        Kpi("pilots_key_cultivation", REGISTRIES, _("Pilot platforms: MIIT key cultivation")),
        Kpi("pilots_national", REGISTRIES, _("Pilot platforms: national")),
        Kpi("scenarios", REGISTRIES, _("Excellent pilot scenarios")),
        Kpi("brand_entries", REGISTRIES, _("Brand list entries")),
        Kpi("cases", REGISTRIES, _("Typical cases")),
        Kpi("inspection_samples", REGISTRIES, _("Key-product samples inspected")),
        Kpi("inspection_failed", REGISTRIES, _("Samples failing inspection")),
        Kpi("inspection_failure_rate", REGISTRIES, _("Inspection failure rate"), 3),
        Kpi("training_sessions", TRAINING, _("Training sessions held")),
        Kpi("training_completions", TRAINING, _("Training completions")),
        Kpi("training_people", TRAINING, _("People completing training")),
        Kpi("training_enterprises", TRAINING, _("Enterprises whose people completed training")),
        Kpi("training_hours", TRAINING, _("Training person-hours")),
    ]


CATALOGUE: list[Kpi] = _catalogue()
BY_CODE = {kpi.code: kpi for kpi in CATALOGUE}
CODES = [kpi.code for kpi in CATALOGUE]


def _area(authority: Authority | None, field: str) -> Q:
    """Rows whose ``field`` (a region code) lies inside ``authority``'s area; the whole country for None."""
    return Q() if authority is None else authority.region_q(field=field)


def _by_level(facts, prefix: str, levels) -> dict:
    counted = dict(facts.values_list("level").annotate(n=Count("pk")).values_list("level", "n"))
    return {f"{prefix}_{k}": counted.get(k, 0) for k in levels}


def evaluation_figures(authority: Authority | None, year: int) -> dict:
    """Self-assessments and on-site evaluations of the year's cycle, by level."""
    facts = EvaluationFact.objects.filter(_area(authority, "city_code"), year=year)
    own = facts.filter(layer="self")
    official = facts.filter(layer="official")
    return {
        "self_total": own.count(),
        **_by_level(own, "self_level", method.LEVELS),
        "onsite_total": official.count(),
        **_by_level(official, "onsite_level", method.LEVELS),
    }


def _index_totals(authority: Authority | None, year: int) -> dict | None:
    """The area's city cells of the year (all industries and sizes), summed; None when the year has none."""
    cells = IndexCell.objects.filter(
        _area(authority, "region_code"),
        method_version=method.METHOD_VERSION,
        year=year,
        region_level=IndexCell.RegionLevel.CITY,
        industry_code=ALL,
        size_class=ALL,
    ).values_list("n", "index", "registered", "levels", "new_levels")
    totals = {"n": 0, "weighted": 0.0, "registered": 0, "levels": Counter(), "new_levels": Counter(), "cells": 0}
    for n, index, registered, levels, new_levels in cells:
        totals["cells"] += 1
        totals["n"] += n
        totals["weighted"] += (index or 0.0) * n
        totals["registered"] += registered
        totals["levels"].update({int(k): v for k, v in levels.items()})
        totals["new_levels"].update({int(k): v for k, v in new_levels.items()})
    return totals if totals["cells"] else None


def _index(totals: dict | None) -> float | None:
    return round(totals["weighted"] / totals["n"], 2) if totals and totals["n"] else None


def index_figures(authority: Authority | None, year: int) -> dict:
    """The index of the area (20 x mean S, weighted by each city's n), its change, and the level counts."""
    totals, previous = _index_totals(authority, year), _index_totals(authority, year - 1)
    index, before = _index(totals), _index(previous)
    levels = totals["levels"] if totals else Counter()
    new_levels = totals["new_levels"] if totals else Counter()
    registered = totals["registered"] if totals else 0
    n = totals["n"] if totals else 0
    return {
        **{f"new_level_{k}": new_levels.get(k, 0) for k in method.NEW_LEVELS},
        **{f"reached_level_{k}": sum(levels.get(j, 0) for j in range(k, 6)) for k in method.NEW_LEVELS},
        "index": index,
        "index_change": round(index - before, 2) if index is not None and before is not None else None,
        "index_n": n,
        "registered": registered,
        "coverage": round(n / registered, 3) if registered else None,
    }


def _tiers_at(authority: Authority | None, end: date) -> Counter:
    """Pilot platforms in the area by their tier on ``end`` (their last tier change by then)."""
    last = (
        TierChange.objects.filter(_area(authority, "platform__region__code"), on__lte=end)
        .values("platform")
        .annotate(last=Max("pk"))
        .values_list("last", flat=True)
    )
    return Counter(TierChange.objects.filter(pk__in=list(last)).values_list("to_tier", flat=True))


def registry_figures(authority: Authority | None, year: int) -> dict:
    """Laboratories, pilot platforms and scenarios, brand entries, cases and inspections of the year."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    events = LabEvent.objects.filter(_area(authority, "lab__region__code"), on__range=(start, end))
    active = Lab.objects.filter(_area(authority, "region__code"), accredited_on__lte=end).filter(
        Q(status=LabStatus.ACTIVE) | Q(revoked_on__gt=end)
    )
    tiers = _tiers_at(authority, end)
    samples = InspectionResult.objects.filter(_area(authority, "enterprise__region__code"), batch__year=year)
    inspected = samples.aggregate(n=Count("pk"), failed=Count("pk", filter=Q(passed=False)))
    return {
        "labs_accredited": events.filter(kind=LabEventKind.ACCREDITED).count(),
        "labs_reassessed": events.filter(kind=LabEventKind.REASSESSED).count(),
        "labs_active": active.count(),
        "pilots_reserve": tiers.get(Tier.RESERVE, 0),
        "pilots_key_cultivation": tiers.get(Tier.KEY_CULTIVATION, 0),
        "pilots_national": tiers.get(Tier.NATIONAL, 0),
        "scenarios": Scenario.objects.filter(_area(authority, "region__code"), year=year).count(),
        "brand_entries": _brand_entries(authority, year),
        "cases": Case.objects.filter(_area(authority, "region__code"), year=year).count(),
        "inspection_samples": inspected["n"],
        "inspection_failed": inspected["failed"],
        "inspection_failure_rate": round(inspected["failed"] / inspected["n"], 3) if inspected["n"] else None,
    }


def _brand_entries(authority: Authority | None, year: int) -> int:
    return BrandEntry.objects.filter(_area(authority, "region__code"), brand_list__year=year).count()


def training_kpis(authority: Authority | None, year: int) -> dict:
    """Training sessions held in the year (not cancelled) in the area, by the session's region, and their
    completions, people, enterprises and person-hours (``training.selectors.figures``)."""
    counted = training_selectors.figures(authority, year)
    return {
        "training_sessions": counted["sessions"],
        "training_completions": counted["completions"],
        "training_people": counted["people"],
        "training_enterprises": counted["enterprises"],
        "training_hours": counted["hours"],
    }


def kpis_compute(*, authority: Authority | None, year: int) -> dict:
    """Every KPI of the catalogue for ``authority``'s area (None: the whole country) and ``year``."""
    figures = {
        **evaluation_figures(authority, year),
        **index_figures(authority, year),
        **registry_figures(authority, year),
        **training_kpis(authority, year),
    }
    return {code: figures[code] for code in CODES}


def national_targets(year: int) -> dict:
    """The national targets (enterprises at or above a level) set for ``year``, as reached_level_<k> → goal."""
    return {f"reached_level_{level}": goal for level, goal in TARGETS.get(year, {}).items()}


def kpi_list(codes: list[str]) -> list[Kpi]:
    """The KPIs of ``codes``, in catalogue order."""
    wanted = set(codes)
    return [kpi for kpi in CATALOGUE if kpi.code in wanted]


def kpi_rows(figures: dict, codes: list[str]) -> list[dict]:
    """The figures of ``codes`` in catalogue order with their labels and groups, for pages and documents."""
    names = level_names()
    return [
        {
            "code": kpi.code,
            "group": str(GROUPS[kpi.group]),
            "label": kpi.title(names),
            "value": figures.get(kpi.code),
            "digits": kpi.digits,
        }
        for kpi in kpi_list(codes)
    ]
