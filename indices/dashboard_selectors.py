"""Reads for the dashboards, the quality digital map and the enterprise benchmark panel.

Every figure comes through ``indices.selectors.cell_rows`` (or ``kpis`` / ``enterprise_benchmark``), so the
suppression of small cells outside the reader's scope applies to the pages, the API and the downloads alike.
Each function runs a fixed number of queries, whatever the number of cells.
"""

from django.conf import settings

from accounts.choices import Role
from accounts.scoping import COUNTRY_WIDE_ROLES
from core.models import Job
from evaluations.models import Dimension, EvaluationModel
from indices import method, selectors
from indices.models import ALL, COUNTRY, IndexCell
from indices.services import RECOMPUTE_JOB

DASHBOARD_ROLES = (*COUNTRY_WIDE_ROLES, Role.AUTHORITY)


def dashboard_home(user) -> dict | None:
    """Where ``user``'s dashboard opens: the country for national staff and platform administrators, an
    authority's province (with its own cities highlighted, for a city-level authority such as Shenzhen's or
    the XPCC's); None for roles without a dashboard."""
    if user is None or not user.is_authenticated:
        return None
    memberships = user.active_memberships
    if any(membership.role in COUNTRY_WIDE_ROLES for membership in memberships):
        return {"region": COUNTRY, "highlight": []}
    for membership in memberships:
        if membership.role != Role.AUTHORITY:
            continue
        regions = sorted(membership.authority.regions.all(), key=lambda region: region.code)
        if regions:
            province = regions[0].parent_id or regions[0].code
            return {"region": province, "highlight": [region.code for region in regions if region.parent_id]}
    return None


def may_recompute(user) -> bool:
    """MIIT staff start a recompute of the index from the dashboard."""
    return user.is_authenticated and user.has_role(Role.NATIONAL)


def map_rows(*, user, year: int | None, region: str = COUNTRY, industry: str = ALL, size: str = ALL) -> dict:
    """The map's cells for one state of the dashboard: the provinces (``region`` is the country) or a province's
    cities, and the region's own row (the total); two queries."""
    if region == COUNTRY:
        cells = selectors.cell_rows(
            user=user, year=year, region_level=IndexCell.RegionLevel.PROVINCE, industry=industry, size=size
        )
    else:
        cells = selectors.cell_rows(
            user=user, year=year, region_level=IndexCell.RegionLevel.CITY, parent=region, industry=industry, size=size
        )
    total = selectors.cell_rows(user=user, year=year, region_code=region, industry=industry, size=size)
    return {"total": total[0] if total else None, "cells": cells}


def industry_rows(*, user, year: int | None, region: str = COUNTRY, size: str = ALL) -> list[dict]:
    """Every industry's cell of ``region`` in ``year`` (the ranking bars)."""
    return selectors.cell_rows(user=user, year=year, region_code=region, size=size, by_industry=True)


def trend_rows(*, user, region: str = COUNTRY, industry: str = ALL, size: str = ALL) -> dict:
    """Every year's cell of ``region`` and of the whole country (the trend lines)."""
    country = selectors.cell_rows(user=user, region_code=COUNTRY, industry=industry, size=size)
    if region == COUNTRY:
        return {"region": country, "country": country}
    return {
        "region": selectors.cell_rows(user=user, region_code=region, industry=industry, size=size),
        "country": country,
    }


def recompute_job(*, user) -> Job | None:
    """The recompute ``user`` started that has not finished yet, if any (its progress bar is shown)."""
    if not user.is_authenticated:
        return None
    return (
        Job.objects.filter(kind=RECOMPUTE_JOB, created_by=user, status__in=[Job.Status.QUEUED, Job.Status.RUNNING])
        .order_by("-pk")
        .first()
    )


def _quartile_row(label: str, own: float | None, *groups: dict | None, measure: str | None = None) -> dict:
    values = []
    for group in groups:
        if not group:
            values.append(None)
            continue
        quartiles = group["S"] if measure is None else group["dimensions"].get(measure)
        values.append(dict(zip(("q1", "median", "q3"), quartiles, strict=True)) if quartiles else None)
    return {"label": label, "own": own, "industry": values[0], "province": values[1]}


def benchmark_panel(*, enterprise) -> dict | None:
    """The enterprise's S and dimension scores beside the quartiles of its industry (nationally) and of its
    province, from the latest computed year; a group with fewer than five enterprises has no quartiles (None).
    None when the enterprise has no scored evaluation."""
    years = selectors.years()
    benchmark = selectors.enterprise_benchmark(enterprise=enterprise, year=years[-1] if years else None)
    if benchmark is None:
        return None
    codes = list(benchmark["dimensions"])
    names = {}
    # The dimensions' names from the newest version of the quality model that has them (codes are stable across
    # its versions; other models, such as brand cultivation's, have their own codes and are not the index's).
    dimensions = Dimension.objects.filter(model__code=settings.EVALUATION_MODEL_CODE, code__in=codes)
    for dimension in dimensions.order_by("model_id"):
        names[dimension.code] = dimension.name
    industry, province = benchmark["industry"], benchmark["province"]
    rows = [_quartile_row("S", benchmark["score"], industry, province)]
    for code in codes:
        label = f"{code} {names.get(code, '')}".strip()
        rows.append(_quartile_row(label, benchmark["dimensions"][code], industry, province, measure=code))
    return {
        "layer": benchmark["layer"],
        "year": benchmark["year"],
        "rows": rows,
        "has_industry": industry is not None,
        "has_province": province is not None,
        "minimum": method.SUPPRESS_BELOW,
    }


def level_names() -> dict[str, str]:
    """Level number → name in the reader's language, from the newest version of the quality model (one query)."""
    model = EvaluationModel.objects.filter(code=settings.EVALUATION_MODEL_CODE).order_by("-pk").first()
    if model is None:
        return {str(number): str(number) for number in range(6)}
    names = {}
    for number in range(6):
        try:
            names[str(number)] = model.level_name(number)
        except StopIteration:
            names[str(number)] = str(number)
    return names
