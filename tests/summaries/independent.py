"""The KPI figures of an annual summary, computed a second way, for tests to compare with ``summaries.kpis``.

``summaries.kpis`` counts with SQL aggregates and takes the index from the snapshot's city cells (the SQL and
pandas pipeline of ``indices.services``). Here everything is read row by row and counted in Python: evaluations
by their own status and levels, the index from each enterprise's official facts by the rule of ARCHITECTURE §7
(the latest result published by the reference day, counted while valid), registries by their dates. The area
test is written out from the region codes too.
"""

from collections import Counter, defaultdict
from datetime import date

from brands.models import BrandEntry
from enterprises.models import Authority
from evaluations.choices import PUBLIC_STATUSES, EvaluationStatus
from evaluations.models import Evaluation
from indices.models import EvaluationFact
from labs.models import Lab, LabEvent
from pilots.models import Platform, Scenario
from products.models import InspectionResult
from selections.models import Case
from training.models import Enrolment, Session


def _prefix(code: str) -> str:
    return code[:2] if code.endswith("0000") else code[:4] if code.endswith("00") else code


def area_test(authority: Authority):
    included = [_prefix(region.code) for region in authority.regions.all()]
    excluded = [_prefix(region.code) for region in authority.excluded_regions.all()]

    def inside(code: str) -> bool:
        return any(code.startswith(p) for p in included) and not any(code.startswith(p) for p in excluded)

    return inside


def _index_figures(inside, year: int, today: date) -> dict:
    def reference(y: int) -> date:
        return today if y >= today.year else date(y, 12, 31)

    by_enterprise = defaultdict(list)
    for fact in EvaluationFact.objects.filter(layer="official"):
        if inside(fact.city_code):
            by_enterprise[fact.enterprise_id].append(fact)

    def state(y: int):
        ref, start = reference(y), date(y, 1, 1)
        scores, levels, new = [], Counter(), Counter()
        for facts in by_enterprise.values():
            known = [f for f in facts if f.valid_from <= ref]
            if not known:
                continue
            latest = max(known, key=lambda f: (f.valid_from, f.pk))
            if latest.valid_until >= ref and (latest.revoked_on is None or latest.revoked_on > ref):
                scores.append(latest.score)
                levels[latest.level] += 1
            for k in range(1, 6):
                firsts = [f.valid_from for f in known if f.level >= k and f.revoked_on is None]
                if firsts and min(firsts) >= start:
                    new[k] += 1
        return scores, levels, new

    scores, levels, new = state(year)
    before, _levels, _new = state(year - 1)
    index = 20 * sum(scores) / len(scores) if scores else None
    previous = 20 * sum(before) / len(before) if before else None
    return {
        "index": index,
        "index_change": index - previous if index is not None and previous is not None else None,
        "index_n": len(scores),
        **{f"new_level_{k}": new[k] for k in range(1, 6)},
        **{f"reached_level_{k}": sum(levels[j] for j in range(k, 6)) for k in range(1, 6)},
    }


def expected_figures(authority: Authority, year: int, *, today: date) -> dict:
    inside = area_test(authority)
    start, end = date(year, 1, 1), date(year, 12, 31)
    evaluations = [
        e for e in Evaluation.objects.select_related("enterprise").filter(cycle=year) if inside(e.enterprise.region_id)
    ]
    own = [e for e in evaluations if e.status != EvaluationStatus.DRAFT and e.self_score is not None]
    official = [
        e for e in evaluations if e.status in PUBLIC_STATUSES and e.official_score is not None and e.published_at
    ]
    figures = {
        "self_total": len(own),
        **{f"self_level_{k}": sum(1 for e in own if e.self_level == k) for k in range(6)},
        "onsite_total": len(official),
        **{f"onsite_level_{k}": sum(1 for e in official if e.official_level == k) for k in range(6)},
        **_index_figures(inside, year, today),
    }
    events = [e for e in LabEvent.objects.select_related("lab") if inside(e.lab.region_id) and start <= e.on <= end]
    figures["labs_accredited"] = sum(1 for e in events if e.kind == "accredited")
    figures["labs_reassessed"] = sum(1 for e in events if e.kind == "reassessed")
    figures["labs_active"] = sum(
        1
        for lab in Lab.objects.all()
        if inside(lab.region_id)
        and lab.accredited_on <= end
        and (lab.status == "active" or (lab.revoked_on is not None and lab.revoked_on > end))
    )
    tiers = Counter()
    for platform in Platform.objects.prefetch_related("tier_changes"):
        changes = sorted((c for c in platform.tier_changes.all() if c.on <= end), key=lambda c: c.pk)
        if inside(platform.region_id) and changes:
            tiers[changes[-1].to_tier] += 1
    figures.update(
        pilots_reserve=tiers["reserve"],
        pilots_key_cultivation=tiers["key_cultivation"],
        pilots_national=tiers["national"],
    )
    figures["scenarios"] = sum(1 for s in Scenario.objects.filter(year=year) if inside(s.region_id))
    figures["brand_entries"] = sum(1 for b in BrandEntry.objects.filter(brand_list__year=year) if inside(b.region_id))
    figures["cases"] = sum(1 for c in Case.objects.filter(year=year) if inside(c.region_id))
    samples = [
        r
        for r in InspectionResult.objects.select_related("enterprise").filter(batch__year=year)
        if inside(r.enterprise.region_id)
    ]
    figures["inspection_samples"] = len(samples)
    figures["inspection_failed"] = sum(1 for r in samples if not r.passed)
    figures.update(_training_figures(inside, year))
    return figures


def _training_figures(inside, year: int) -> dict:
    """Sessions held in the area in the year (by their local start date; not cancelled), and the completions of
    their live enrolments: people, enterprises and hours, read row by row."""
    from django.utils import timezone

    held = {
        s.pk
        for s in Session.objects.all()
        if s.status != "cancelled"
        and timezone.localtime(s.starts_at).year == year
        and s.region_id is not None
        and inside(s.region_id)
    }
    completed = [
        e
        for e in Enrolment.objects.all()
        if e.session_id in held and e.status == "enrolled" and e.completed_on is not None
    ]
    return {
        "training_sessions": len(held),
        "training_completions": len(completed),
        "training_people": len({e.person_id for e in completed}),
        "training_enterprises": len({e.enterprise_id for e in completed if e.enterprise_id is not None}),
        "training_hours": sum(e.hours_credited for e in completed),
    }


def assert_figures_match(computed: dict, expected: dict) -> None:
    """Counts equal; the index within rounding (cells keep it to a few decimals, the KPI to two)."""
    for code, value in expected.items():
        got = computed[code]
        if code in ("index", "index_change"):
            assert (got is None) == (value is None), code
            if value is not None:
                assert abs(got - value) <= 0.02, (code, got, value)
        else:
            assert got == value, (code, got, value)
    samples = expected["inspection_samples"]
    rate = round(expected["inspection_failed"] / samples, 3) if samples else None
    assert computed["inspection_failure_rate"] == rate
    assert computed["coverage"] is None or 0 <= computed["coverage"] <= 1
