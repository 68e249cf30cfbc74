"""Reading the index: cells as a user may see them (small cells suppressed outside their scope), trends, KPIs
and an enterprise's benchmark.

Suppression (ARCHITECTURE §7): a cell with fewer than ``method.SUPPRESS_BELOW`` enterprises is shown with its
figures withheld to anyone whose regional scope does not contain the cell's region: the public, enterprises,
institutions, and authorities looking outside their area. National staff and an authority inside its own area
see every figure. Every page, API response and download reads cells through ``cell_rows``.
"""

from django.db.models import Case, F, QuerySet, When
from django.utils import timezone

from accounts.scoping import region_in_scope
from enterprises.models import Industry, Region
from indices import method
from indices.choices import Layer
from indices.models import ALL, COUNTRY, EvaluationFact, IndexCell, IndexSnapshot

# National targets (2025 and 2027 notices): enterprises at or above each level, by level number.
TARGETS = {2025: {2: 5000, 3: 500, 4: 50}, 2027: {2: 10000, 3: 1000, 4: 100, 5: 10}}

FIGURES = (
    "n",
    "coverage",
    "index",
    "levels",
    "new_levels",
    "self_n",
    "self_index",
    "calibration_gap",
    "index_change",
    "coverage_change",
    "quartiles",
)


def _cells(**filters) -> QuerySet:
    return IndexCell.objects.filter(method_version=method.METHOD_VERSION, **filters)


def years() -> list[int]:
    """The years that have cells, oldest first."""
    return sorted(set(_cells(region_code=COUNTRY, industry_code=ALL, size_class=ALL).values_list("year", flat=True)))


def computed_at(year: int | None):
    """When ``year``'s cells were last recomputed (a cell's own stamp is when its values last changed)."""
    snapshots = IndexSnapshot.objects.filter(method_version=method.METHOD_VERSION, year=year)
    return snapshots.values_list("computed_at", flat=True).first()


def may_see_small_cells(user, region_code: str) -> bool:
    """Whether ``user`` sees the figures of a cell of fewer than five enterprises in ``region_code``."""
    return region_code != COUNTRY and region_in_scope(user, region_code)


class _Visibility:
    """Caches ``may_see_small_cells`` per region code for one request (an authority's regions load once)."""

    def __init__(self, user):
        self.user = user
        self.country_wide = user is not None and user.is_authenticated and region_in_scope(user, COUNTRY)
        self._seen: dict[str, bool] = {}

    def __call__(self, region_code: str) -> bool:
        if self.country_wide:
            return True
        if region_code not in self._seen:
            self._seen[region_code] = may_see_small_cells(self.user, region_code)
        return self._seen[region_code]


def as_row(cell: IndexCell, *, visible: bool) -> dict:
    """One cell as pages, the API and downloads show it; figures withheld when suppressed."""
    suppressed = cell.n < method.SUPPRESS_BELOW and not visible
    row = {
        "year": cell.year,
        "region_level": cell.region_level,
        "region_code": cell.region_code,
        "industry_code": cell.industry_code,
        "size_class": cell.size_class,
        "registered": cell.registered,
        "suppressed": suppressed,
        "computed_at": cell.computed_at,
    }
    for figure in FIGURES:
        row[figure] = None if suppressed else getattr(cell, figure)
    if not suppressed and cell.n < method.SUPPRESS_BELOW:
        row["quartiles"] = {}
    return row


def cell_rows(
    *,
    user,
    year: int | None = None,
    region_level: str | None = None,
    parent: str | None = None,
    region_code: str | None = None,
    industry: str = ALL,
    size: str = ALL,
    by_industry: bool = False,
) -> list[dict]:
    """Cells as ``user`` may see them.

    ``region_level`` with ``parent`` (a province code) gives the cities of one province; ``region_code`` one
    region; ``by_industry`` every industry of that region instead of the ``industry`` filter; ``year`` None
    gives every year (a trend).
    """
    filters = {"size_class": size}
    if year is not None:
        filters["year"] = year
    if region_level:
        filters["region_level"] = region_level
    if region_code is not None:
        filters["region_code"] = region_code
    if parent:
        filters["region_code__startswith"] = parent[:2]
    queryset = _cells(**filters)
    queryset = queryset.exclude(industry_code=ALL) if by_industry else queryset.filter(industry_code=industry)
    visible = _Visibility(user)
    return [as_row(cell, visible=visible(cell.region_code)) for cell in queryset.order_by("year", "region_code")]


def region_names() -> dict[str, dict]:
    """Region code → names, for labels (one query)."""
    names = {code: {"zh": zh, "en": en} for code, zh, en in Region.objects.values_list("code", "name_zh", "name_en")}
    names[COUNTRY] = {"zh": "全国", "en": "China"}
    return names


def industry_names() -> dict[str, dict]:
    return {code: {"zh": zh, "en": en} for code, zh, en in Industry.objects.values_list("code", "name_zh", "name_en")}


def kpis(*, user, year: int, region_code: str = COUNTRY) -> dict:
    """The KPI cards: enterprises by level, at-or-above counts against the national targets, index, coverage."""
    cell = _cells(year=year, region_code=region_code, industry_code=ALL, size_class=ALL).first()
    if cell is None:
        return {"year": year, "region_code": region_code, "cell": None, "targets": []}
    row = as_row(cell, visible=_Visibility(user)(region_code))
    targets = []
    if region_code == COUNTRY and not row["suppressed"]:
        for target_year, goals in TARGETS.items():
            for level, goal in goals.items():
                reached = sum(row["levels"].get(str(k), 0) for k in range(level, 6))
                targets.append(
                    {
                        "year": target_year,
                        "level": level,
                        "goal": goal,
                        "reached": reached,
                        "new": row["new_levels"].get(str(level), 0),
                        "share": reached / goal,
                    }
                )
    return {"year": year, "region_code": region_code, "cell": row, "targets": targets}


def enterprise_benchmark(*, enterprise, year: int | None = None) -> dict | None:
    """The enterprise's latest official (else self-assessed) S and dimension scores beside its industry's
    national quartiles and its province's, where those cells have at least five enterprises."""
    # Official first (a published date sorts above none), then the newest self-assessment.
    fact = (
        EvaluationFact.objects.filter(enterprise=enterprise)
        .order_by(Case(When(layer=Layer.OFFICIAL, then=0), default=1), F("valid_from").desc(nulls_last=True), "-year")
        .first()
    )
    if fact is None:
        return None
    year = year or timezone.localdate().year
    cells = {
        (cell.region_code, cell.industry_code): cell.quartiles
        for cell in _cells(year=year, size_class=ALL).filter(
            region_code__in=[COUNTRY, fact.province_code], industry_code__in=[ALL, fact.industry_code]
        )
    }
    return {
        "layer": fact.layer,
        "year": fact.year,
        "score": fact.score,
        "dimensions": fact.dimension_scores,
        "industry": cells.get((COUNTRY, fact.industry_code)) or None,
        "province": cells.get((fact.province_code, ALL)) or None,
        "country": cells.get((COUNTRY, ALL)) or None,
    }
