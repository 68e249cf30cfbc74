"""Four years of demo results for the index, the dashboards, the early warnings and the map (issue 5 item 7).

``seed_history`` imports published results for the four cycles up to the current one through the historical
results import (``evaluations.services.history.results_import``): each with the enterprise's self-assessment and
the team's consensus ratings, both scored by the engine, a certificate issued on the publication day, and a history
row saying it was imported. Lapsed certificates are then expired and two are revoked by the platform's own services,
so every status, certificate and fact is real platform data.

The story the figures tell:
- results spread over every province, flatter than the enterprise register (the programme pushes evaluation in
  every province), so most provinces pass the publication threshold of five enterprises while the smallest
  (Tibet, Qinghai, Ningxia, Hainan) stay suppressed on the public map; the provincial capitals carry the most;
- each province's new results improve a little every year; a few enterprises are re-evaluated two cycles later to
  reach the next level; most certificates of the first cycle are renewed when they lapse;
- Hunan's results of last year and Liaoning's of this year are much weaker (a wave of first-time small firms), so
  their index drops by more than three points;
- Jiangxi renews nothing and evaluates nobody this year, so its coverage falls;
- the certificates of the first cycle that were published late run out within the next 90 days.
Enterprises join the platform over the four years: registration dates (``created_at``, which the index counts as
"registered") are set before each enterprise's first self-assessment, and spread over the four years for the rest.

Deterministic for a given ``rng`` seed and day; idempotent: nothing is added once imported results exist.
"""

import math
import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from django.conf import settings
from django.utils import timezone

from accounts.models import User
from core.demo import BRANDS, INDUSTRY_WEIGHTS, INDUSTRY_WORDS, PROVINCE_WEIGHTS, demo_credit_code
from enterprises.choices import RegionLevel, SizeClass, VerificationStatus
from enterprises.models import Enterprise, Industry, Region
from evaluations.choices import CertificateStatus, EvaluationStatus
from evaluations.demo import demo_rating
from evaluations.models import Certificate, Evaluation, StatusChange
from evaluations.selectors import model_latest
from evaluations.services import certificate_revoke, certificates_expire
from evaluations.services.history import PastResult, results_import
from evaluations.working_days import add_years

SOURCE = "历年评价结果公告 The programme's published results (demo)"
FIRST_RESULTS = (110, 120, 140, 90)  # enterprises first evaluated in each of the four cycles, oldest first
DROPS = {1: "430000", 0: "210000"}  # cycles before the current one -> the province whose index drops that year
COVERAGE_FALLS = "360000"
# Larger enterprises take part more often than the register's mix would suggest.
SIZE_WEIGHTS = {SizeClass.LARGE: 15, SizeClass.MEDIUM: 35, SizeClass.SMALL: 35, SizeClass.MICRO: 15}
SPREAD = 0.65  # standard deviation of S among a cohort
UPGRADE_SHARE = 0.18  # re-evaluated two cycles later, aiming at the next level
RENEWAL_SHARE = 0.85  # of the lapsed first-cycle certificates, renewed in the current cycle
EXISTING_SHARE = 0.5  # of the results, given to enterprises the demo already has (when one is free)
UNEVALUATED = (1, 0.3)  # per new evaluated enterprise: registered but never evaluated, and a second one this often
REVOCATION = "抽查发现质量问题, 撤销等级 Level revoked after a spot check found quality problems"


@dataclass
class _Story:
    """One enterprise's results: (cycle, target S, submitted on, published on) in order."""

    province: str
    enterprise: Enterprise | None = None  # None until a new enterprise is created for it
    results: list[tuple[int, float, date, date]] = field(default_factory=list)


def _apportion(total: int, weights: dict[str, float]) -> dict[str, int]:
    """``total`` split in proportion to ``weights`` (largest remainder), so every share is as close as it can be."""
    whole = sum(weights.values())
    exact = {key: total * weight / whole for key, weight in weights.items()}
    counts = {key: math.floor(value) for key, value in exact.items()}
    for key in sorted(exact, key=lambda k: counts[k] - exact[k])[: total - sum(counts.values())]:
        counts[key] += 1
    return counts


def _cohort(rng: random.Random, size: int, mean: float) -> list[float]:
    """Target scores with exactly ``mean`` before clipping: the year's trend is not drowned by sampling noise."""
    draws = [rng.gauss(0, 1) for _ in range(size)]
    centre = sum(draws) / size if size else 0
    return [min(max(mean + SPREAD * (d - centre), 0.15), 4.78) for d in draws]


def _toward(rng: random.Random, progress: float) -> str:
    """A rating at the level being worked towards: around ``progress`` (0 = nothing in place, 1 = all)."""
    values = ("1", "0.8", "0.5", "0")
    weights = [math.exp(-(((float(v) - progress) / 0.3) ** 2)) for v in values]
    return rng.choices(values, weights=weights)[0]


def _ratings(rng: random.Random, requirements, target: float) -> dict[str, str]:
    """Ratings whose score S comes out near ``target``: levels below it in place, the next one partly."""
    capability = min(int(target), 4)
    progress = min(max(target - capability, 0.05), 0.78 if capability < 4 else 0.95)
    ratings = {}
    for requirement in requirements:
        if requirement.level == capability + 1:
            value = _toward(rng, progress)
        else:
            value = demo_rating(rng, requirement.level, capability)
            if requirement.level <= capability and requirement.mandatory and value == "0.5":
                value = "0.8"  # the levels held are held: no blocked mandatory item below the target
        ratings[requirement.code] = value
    return ratings


def _day(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randint(0, max((end - start).days, 0)))


def _dates(rng: random.Random, cycle: int, *, today: date) -> tuple[date, date] | None:
    """Submitted in the cycle's first nine months, published two to five months later (never after yesterday)."""
    last_submission = min(date(cycle, 9, 30), today - timedelta(days=60))
    if last_submission < date(cycle, 1, 15):
        return None
    submitted = _day(rng, date(cycle, 1, 15), last_submission)
    published = min(submitted + timedelta(days=rng.randint(50, 150)), today - timedelta(days=2))
    return submitted, published


class _Cities:
    """New enterprises' places: the capital (first code) and the big cities carry more industry."""

    def __init__(self):
        self.by_province = {
            code: list(Region.objects.filter(parent_id=code, level=RegionLevel.CITY).order_by("code"))
            for code in PROVINCE_WEIGHTS
        }

    def pick(self, rng: random.Random, province: str) -> Region:
        cities = self.by_province[province]
        return rng.choices(cities, weights=[8 if i == 0 else 2 if i < 4 else 1 for i in range(len(cities))])[0]


def _new_enterprises(rng: random.Random, provinces: list[str], *, cities: _Cities) -> list[Enterprise]:
    industries = {industry.code: industry for industry in Industry.objects.all()}
    codes = set(Enterprise.objects.values_list("credit_code", flat=True))
    names = set(Enterprise.objects.values_list("name_zh", flat=True))
    rows = []
    for province in provinces:
        city = cities.pick(rng, province)
        industry = rng.choices(list(INDUSTRY_WEIGHTS), weights=list(INDUSTRY_WEIGHTS.values()))[0]
        size = rng.choices(list(SIZE_WEIGHTS), weights=list(SIZE_WEIGHTS.values()))[0]
        brand_zh, brand_en = rng.choice(BRANDS)
        word_zh, word_en = INDUSTRY_WORDS[industry]
        code = demo_credit_code(rng, city.code)
        while code in codes:
            code = demo_credit_code(rng, city.code)
        codes.add(code)
        base_zh = f"{city.name_zh.removesuffix('市')}{brand_zh}{word_zh}"
        name_zh, number = f"{base_zh}有限公司", 1
        while name_zh in names:
            number += 1
            name_zh = f"{base_zh}{number}号厂有限公司"
        names.add(name_zh)
        rows.append(
            Enterprise(
                credit_code=code,
                name_zh=name_zh,
                name_en=f"{city.name_en.split(' ')[0]} {brand_en} {word_en} Co., Ltd."
                + (f" (No. {number})" if number > 1 else ""),
                region=city,
                industry=industries[industry],
                size_class=size,
                is_listed=size == SizeClass.LARGE and rng.random() < 0.4,
                status=VerificationStatus.VERIFIED,
                address=f"{city.name_zh}{rng.randint(1, 999)}号",
            )
        )
    Enterprise.objects.bulk_create(rows)
    return rows


def _plan(rng: random.Random, years: list[int], first_results: dict[int, int], *, today: date, taken, pools):
    """Every province's stories: which enterprise is evaluated in which cycle, aiming at which score."""
    current = years[-1]
    spread = {code: weight**0.6 for code, weight in PROVINCE_WEIGHTS.items()}
    drops = {current - back: code for back, code in DROPS.items()}
    base = {code: 2.05 + 0.5 * math.sqrt(w / 13) + rng.uniform(-0.15, 0.15) for code, w in PROVINCE_WEIGHTS.items()}
    step = {code: rng.uniform(0.1, 0.2) for code in PROVINCE_WEIGHTS}
    stories: list[_Story] = []
    for year in years:
        counts = _apportion(first_results.get(year, 0), spread)
        for province in PROVINCE_WEIGHTS:
            size, mean = counts[province], base[province] + step[province] * (year - years[0])
            if drops.get(year) == province:
                size, mean = round(size * 1.5) + 3, mean - 1.2
            if province == COVERAGE_FALLS:  # many first-cycle certificates, none renewed, nobody new this year
                size = 0 if year == current else size * 2 + 2 if year == years[0] else size
            for target in _cohort(rng, size, mean):
                dates = _dates(rng, year, today=today)
                if dates is None:
                    continue
                pool = pools[province]
                existing = rng.random() < EXISTING_SHARE
                free = next((e for e in pool if year not in taken[e.pk]), None) if existing else None
                if free is not None:
                    pool.remove(free)
                story = _Story(province=province, enterprise=free, results=[(year, target, *dates)])
                _follow_up(rng, story, step=step[province], years=years, today=today, taken=taken)
                stories.append(story)
    return stories


def _follow_up(rng: random.Random, story: _Story, *, step: float, years: list[int], today: date, taken) -> None:
    """A re-evaluation two cycles later (aiming higher), or the renewal of a lapsed first-cycle certificate."""
    cycle, target, _submitted, published = story.results[0]
    current = years[-1]
    upgrade, renew = rng.random(), rng.random()  # drawn whatever happens, so the plan does not shift
    cycles = taken[story.enterprise.pk] if story.enterprise else set()
    quiet = story.province == COVERAGE_FALLS and cycle + 2 == current
    if cycle + 2 <= current and upgrade < UPGRADE_SHARE and cycle + 2 not in cycles and not quiet:
        dates = _dates(rng, cycle + 2, today=today)
        if dates:
            story.results.append((cycle + 2, min(target + rng.uniform(0.5, 1.0), 4.78), *dates))
        return
    lapses = add_years(published, settings.CERTIFICATE_VALIDITY_YEARS)
    if cycle != years[0] or lapses >= today or renew >= RENEWAL_SHARE or story.province == COVERAGE_FALLS:
        return
    renewed = min(max(lapses - timedelta(days=rng.randint(-20, 50)), date(current, 2, 20)), today - timedelta(days=2))
    submitted = max(renewed - timedelta(days=rng.randint(40, 90)), date(current, 1, 2))
    if current in cycles or submitted > renewed:
        return
    story.results.append((current, min(target + step * 3 + rng.gauss(0, 0.2), 4.78), submitted, renewed))


def _registration_dates(rng: random.Random, stories: list[_Story], *, years: list[int], today: date) -> None:
    """Each enterprise registered before its first self-assessment; the others over the four years, more early."""
    launch = date(years[0] - 1, 3, 1)
    first_activity: dict[int, date] = {}
    for story in stories:
        first_activity[story.enterprise.pk] = min(r[2] for r in story.results)
    for enterprise_id, cycle in Evaluation.objects.values_list("enterprise_id", "cycle"):
        start = date(cycle, 1, 10)
        first_activity[enterprise_id] = min(first_activity.get(enterprise_id, start), start)
    enterprises = list(Enterprise.objects.order_by("pk"))
    for enterprise in enterprises:
        limit = first_activity.get(enterprise.pk)
        if limit is not None:
            day = max(limit - timedelta(days=rng.randint(20, 300)), launch)
        else:
            day = launch + timedelta(days=int((today - timedelta(days=20) - launch).days * rng.random() ** 3))
        enterprise.created_at = datetime(day.year, day.month, day.day, 2, tzinfo=UTC)
    Enterprise.objects.bulk_update(enterprises, ["created_at"], batch_size=1000)


def _results(rng: random.Random, stories: list[_Story], requirements, conditions: list[str]) -> list[PastResult]:
    """The import rows: self-assessed a little above the consensus; every eligibility condition holds."""
    results = []
    for story in stories:
        for cycle, target, submitted, published in story.results:
            bias = min(max(rng.gauss(0.3, 0.25), -0.2), 0.9)  # enterprises see themselves a little better
            results.append(
                PastResult(
                    enterprise_id=story.enterprise.pk,
                    cycle=cycle,
                    submitted_on=submitted,
                    published_on=published,
                    self_ratings=_ratings(rng, requirements, min(target + bias, 4.78)),
                    consensus_ratings={**_ratings(rng, requirements, target), **dict.fromkeys(conditions, "yes")},
                    self_eligibility=dict.fromkeys(conditions, True),
                    record=f"{story.province[:2]}-{cycle}",
                )
            )
    return results


def already_imported() -> bool:
    """Imported results start at "published" with no earlier step (every other evaluation starts as a draft)."""
    return StatusChange.objects.filter(from_status="", to_status=EvaluationStatus.PUBLISHED).exists()


def seed_history(
    *, rng: random.Random, by_year: dict[int, int] | None = None, today: date | None = None
) -> dict[str, object]:
    """Import four years of published results (see the module docstring); returns what was done.

    ``by_year`` maps each cycle to how many enterprises are first evaluated in it (default: ``FIRST_RESULTS``
    for the current cycle and the three before it); re-evaluations and renewals come on top.
    """
    today = today or timezone.localdate()
    model = model_latest(code="QMC-2024")
    if model is None or already_imported():
        return {}
    by_year = by_year or dict(zip(range(today.year - 3, today.year + 1), FIRST_RESULTS, strict=True))
    years = sorted(by_year)
    taken: dict[int, set[int]] = defaultdict(set)
    for enterprise_id, cycle in Evaluation.objects.values_list("enterprise_id", "cycle"):
        taken[enterprise_id].add(cycle)
    pools: dict[str, list[Enterprise]] = defaultdict(list)
    for enterprise in (
        Enterprise.objects.filter(status=VerificationStatus.VERIFIED, memberships__isnull=True)
        .select_related("region")
        .order_by("pk")
    ):
        pools[enterprise.region.parent_id or enterprise.region_id].append(enterprise)
    for pool in pools.values():
        rng.shuffle(pool)

    stories = _plan(rng, years, by_year, today=today, taken=taken, pools=pools)
    cities = _Cities()
    needed = [s for s in stories if s.enterprise is None]
    # For every new evaluated enterprise, more that registered in the same province and were not evaluated.
    unevaluated = [s.province for s in needed for _ in range(UNEVALUATED[0] + (rng.random() < UNEVALUATED[1]))]
    created = _new_enterprises(rng, [s.province for s in needed] + unevaluated, cities=cities)
    for story, enterprise in zip(needed, created, strict=False):
        story.enterprise = enterprise
    _registration_dates(rng, stories, years=years, today=today)

    requirements = list(model.requirements.order_by("pk"))
    conditions = list(model.conditions.order_by("pk").values_list("code", flat=True))
    results = _results(rng, stories, requirements, conditions)
    admin = User.objects.get(username="admin")
    imported = results_import(results=results, model=model, by=admin, source=SOURCE)
    expired = certificates_expire(today=today)
    revoked = _revoke(rng, today=today)
    return {
        "results": len(imported),
        "enterprises_added": len(created),
        "certificates": Certificate.objects.filter(evaluation__in=imported).count(),
        "expired": len(expired),
        "revoked": revoked,
        "years": years,
        "index_drops": {today.year - back: code for back, code in DROPS.items()},
        "coverage_falls": COVERAGE_FALLS,
    }


def _revoke(rng: random.Random, *, today: date) -> list[str]:
    """Two valid certificates revoked by MIIT after spot checks (one in the province whose index drops now)."""
    miit = User.objects.get(username="miit")
    valid = Certificate.objects.filter(status=CertificateStatus.VALID, valid_until__gt=today + timedelta(days=120))
    chosen = []
    for prefix in (DROPS[0][:2], None):
        candidates = list(
            valid.filter(enterprise__region__code__startswith=prefix).order_by("number")
            if prefix
            else valid.exclude(number__in=chosen).order_by("number")
        )
        if candidates:
            chosen.append(rng.choice(candidates).number)
    for number in chosen:
        certificate_revoke(certificate=Certificate.objects.get(number=number), reason=REVOCATION, by=miit)
    return chosen
