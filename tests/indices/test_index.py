"""The index against a small data set computed by hand (ARCHITECTURE §7).

Eight enterprises, all registered since 2020; "today" is 2026-11-30.
- A Shenzhen/39/medium: published 2025-03-01, level 3, S 3.5; self-assessed 2025 S 3.9
- B Shenzhen: published 2024-06-01, level 2, S 2.4 (valid until 2027-06-01)
- C Shenzhen: published 2025-05-01, level 4, S 4.2, revoked 2025-10-01 (never counts)
- D Shenzhen: published 2022-01-10, level 1, S 1.5, valid until 2025-01-10 (counts in 2024 only)
- E Shenzhen: published 2023-02-01 level 2 S 2.0, then 2025-09-01 level 3 S 3.0; self-assessed 2025 S 3.6
- F Shenzhen: published 2026-01-05, level 2, S 2.6
- G Guangzhou/39/medium: published 2025-07-01, level 5, S 5.0
- H Beijing/38/small: published 2025-04-01, level 1, S 1.2
"""

import datetime

import pytest

from enterprises.models import Enterprise
from evaluations.models import Evaluation, EvaluationModel
from indices import services
from indices.models import ALL, COUNTRY, EvaluationFact, IndexCell, IndexSnapshot
from tests.factories import EnterpriseFactory, UserFactory

TODAY = datetime.date(2026, 11, 30)
D = datetime.date


def _fact(enterprise, *, layer, cycle, level, score, published=None, until=None, revoked=None, by=None):
    model = EvaluationModel.objects.get(code="QMC-2024")
    defaults = {"model": model, "started_by": by or _starter(), "status": "published"}
    evaluation, _created = Evaluation.objects.get_or_create(enterprise=enterprise, cycle=cycle, defaults=defaults)
    region = enterprise.region
    return EvaluationFact.objects.create(
        evaluation=evaluation,
        layer=layer,
        enterprise=enterprise,
        province_code=region.parent_id or region.code,
        city_code=region.code,
        industry_code=enterprise.industry_id,
        size_class=enterprise.size_class,
        year=cycle,
        level=level,
        score=score,
        dimension_scores={"D1": score - 0.5, "D2": score},
        valid_from=published,
        valid_until=until or (published.replace(year=published.year + 3) if published else None),
        revoked_on=revoked,
    )


def _starter():
    from accounts.models import User

    return User.objects.filter(username="starter").first() or UserFactory(username="starter")


@pytest.fixture
def data(db):
    e = {name: EnterpriseFactory(region_id="440300", industry_id="39", size_class="medium") for name in "ABCDEF"}
    e["G"] = EnterpriseFactory(region_id="440100", industry_id="39", size_class="medium")
    e["H"] = EnterpriseFactory(region_id="110100", industry_id="38", size_class="small")
    Enterprise.objects.update(created_at=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC))
    official = "official"
    _fact(e["A"], layer=official, cycle=2025, level=3, score=3.5, published=D(2025, 3, 1))
    _fact(e["A"], layer="self", cycle=2025, level=3, score=3.9)
    _fact(e["B"], layer=official, cycle=2024, level=2, score=2.4, published=D(2024, 6, 1))
    _fact(e["C"], layer=official, cycle=2025, level=4, score=4.2, published=D(2025, 5, 1), revoked=D(2025, 10, 1))
    _fact(e["D"], layer=official, cycle=2021, level=1, score=1.5, published=D(2022, 1, 10), until=D(2025, 1, 10))
    _fact(e["E"], layer=official, cycle=2022, level=2, score=2.0, published=D(2023, 2, 1))
    _fact(e["E"], layer=official, cycle=2025, level=3, score=3.0, published=D(2025, 9, 1))
    _fact(e["E"], layer="self", cycle=2025, level=3, score=3.6)
    _fact(e["F"], layer=official, cycle=2025, level=2, score=2.6, published=D(2026, 1, 5))
    _fact(e["G"], layer=official, cycle=2025, level=5, score=5.0, published=D(2025, 7, 1))
    _fact(e["H"], layer=official, cycle=2025, level=1, score=1.2, published=D(2025, 4, 1))
    return e


def cell(year, region=COUNTRY, industry=ALL, size=ALL) -> IndexCell:
    return IndexCell.objects.get(year=year, region_code=region, industry_code=industry, size_class=size)


@pytest.mark.django_db
def test_the_national_index_matches_the_hand_computed_figures(data):
    written = services.indices_recompute(today=TODAY)
    assert sorted(written) == [2021, 2022, 2023, 2024, 2025, 2026]

    c2025 = cell(2025)
    # counted at 2025-12-31: A 3.5, B 2.4, E 3.0 (its latest), G 5.0, H 1.2; C revoked, D expired, F later
    assert c2025.n == 5
    assert c2025.index == pytest.approx(20 * 15.1 / 5)
    assert c2025.registered == 8
    assert c2025.coverage == pytest.approx(5 / 8)
    assert c2025.levels == {"0": 0, "1": 1, "2": 1, "3": 2, "4": 0, "5": 1}
    # first reaching >= k in 2025: A (1,2,3), G (1..5), H (1), E (3); C's revoked result reaches nothing
    assert c2025.new_levels == {"1": 3, "2": 2, "3": 3, "4": 1, "5": 1}
    assert c2025.self_n == 2
    assert c2025.self_index == pytest.approx(75.0)
    assert c2025.calibration_gap == pytest.approx(75.0 - 60.4)

    c2024 = cell(2024)  # B 2.4, D 1.5 (valid until 2025-01-10), E 2.0
    assert c2024.n == 3
    assert c2024.index == pytest.approx(20 * 5.9 / 3)
    assert c2025.index_change == pytest.approx(60.4 - 20 * 5.9 / 3, abs=1e-3)
    assert c2025.coverage_change == pytest.approx(5 / 8 - 3 / 8)

    c2026 = cell(2026)  # the current year is counted at today: A, B, E, F, G, H
    assert c2026.n == 6
    assert c2026.index == pytest.approx(20 * 17.7 / 6)


@pytest.mark.django_db
def test_roll_ups_by_region_industry_and_size(data):
    services.indices_recompute(years=[2025], today=TODAY)

    shenzhen = cell(2025, "440300", "39", "medium")
    assert (shenzhen.n, shenzhen.registered) == (3, 6)
    assert shenzhen.index == pytest.approx(20 * (3.5 + 2.4 + 3.0) / 3)
    assert cell(2025, "440300").n == 3

    guangdong = cell(2025, "440000")
    assert (guangdong.n, guangdong.registered) == (4, 7)
    assert guangdong.index == pytest.approx(20 * 13.9 / 4)
    assert guangdong.region_level == "province"
    assert cell(2025, "440000", "39").n == 4
    assert cell(2025, "440000", size="medium").n == 4

    assert cell(2025, COUNTRY, "38").n == 1
    assert cell(2025, COUNTRY, size="small").index == pytest.approx(24.0)
    assert cell(2025, "110000", "38", "small").n == 1
    assert not IndexCell.objects.filter(year=2025, region_code="440300", industry_code="38").exists()


@pytest.mark.django_db
def test_year_boundaries_count_a_result_from_its_publication_day_to_its_last_valid_day(data):
    services.indices_recompute(years=[2021, 2022, 2024, 2025], today=TODAY)
    assert cell(2021).n == 0  # D was published on 2022-01-10
    assert cell(2021).index is None
    assert cell(2022).n == 1
    assert cell(2024).n == 3  # D valid until 2025-01-10 counts at 2024-12-31
    assert cell(2025).n == 5  # and not at 2025-12-31
    # the change is on the year before even when that year is not recomputed: 2023 counts D 1.5 and E 2.0
    assert cell(2024).index_change == pytest.approx(20 * 5.9 / 3 - 20 * 3.5 / 2, abs=1e-3)


@pytest.mark.django_db
def test_registrations_count_to_midnight_in_beijing(data):
    late = EnterpriseFactory(region_id="110100", industry_id="38", size_class="small")
    # 2026-01-01 04:00 in Beijing: registered in 2026, although it is still 31 December in UTC
    Enterprise.objects.filter(pk=late.pk).update(created_at=datetime.datetime(2025, 12, 31, 20, tzinfo=datetime.UTC))
    services.indices_recompute(years=[2025, 2026], today=TODAY)
    assert (cell(2025).registered, cell(2026).registered) == (8, 9)


@pytest.mark.django_db
def test_quartiles_only_where_at_least_five_enterprises(data):
    services.indices_recompute(years=[2025], today=TODAY)
    national = cell(2025).quartiles
    assert national["S"] == [pytest.approx(2.4), pytest.approx(3.0), pytest.approx(3.5)]
    assert national["dimensions"]["D2"] == national["S"]
    assert cell(2025, "440000").quartiles == {}  # 4 enterprises
    assert cell(2025, COUNTRY, "39").quartiles == {}


@pytest.mark.django_db
def test_recomputing_twice_gives_the_same_rows(data):
    services.indices_recompute(today=TODAY)
    fields = ["id", "year", "region_code", "industry_code", "size_class", "n", "index", "levels", "quartiles"]
    first = list(IndexCell.objects.order_by("id").values(*fields))
    services.indices_recompute(today=TODAY)
    assert list(IndexCell.objects.order_by("id").values(*fields)) == first


@pytest.mark.django_db
def test_a_recompute_rewrites_only_the_cells_whose_values_changed(data):
    first = services.indices_recompute(years=[2025], today=TODAY)[2025]
    assert first["written"] == first["cells"] == IndexCell.objects.filter(year=2025).count()
    stamped = dict(IndexCell.objects.filter(year=2025).values_list("pk", "computed_at"))
    snapshot = IndexSnapshot.objects.get(year=2025)

    assert services.indices_recompute(years=[2025], today=TODAY)[2025] == {"cells": first["cells"], "written": 0}
    assert dict(IndexCell.objects.filter(year=2025).values_list("pk", "computed_at")) == stamped
    later = IndexSnapshot.objects.get(year=2025)
    assert (later.cells, later.changed) == (first["cells"], 0)
    assert later.computed_at > snapshot.computed_at  # the year is fresh even though nothing changed

    # H (Beijing, industry 38, small) scores higher: its city, province and the country change, each with its
    # industry and size roll-ups (12 cells); Guangdong's cells keep their values and their stamps.
    EvaluationFact.objects.filter(enterprise=data["H"]).update(score=1.8)
    assert services.indices_recompute(years=[2025], today=TODAY)[2025]["written"] == 12
    changed = {
        (cell.region_code, cell.industry_code, cell.size_class)
        for cell in IndexCell.objects.filter(year=2025)
        if cell.computed_at != stamped[cell.pk]
    }
    assert changed == {
        (region, industry, size)
        for region in (COUNTRY, "110000", "110100")
        for industry in ("38", ALL)
        for size in ("small", ALL)
    }
    assert cell(2025, "110100").index == pytest.approx(36.0)


@pytest.mark.django_db
def test_cells_that_lost_their_data_disappear_on_recompute(data):
    services.indices_recompute(years=[2025], today=TODAY)
    assert IndexCell.objects.filter(year=2025, region_code="110100").exists()
    EvaluationFact.objects.filter(enterprise=data["H"]).delete()
    Enterprise.objects.filter(pk=data["H"].pk).update(status="rejected")
    services.indices_recompute(years=[2025], today=TODAY)
    assert not IndexCell.objects.filter(year=2025, region_code="110100").exists()
    assert cell(2025).n == 4


@pytest.mark.django_db
def test_an_error_mid_year_leaves_that_years_previous_snapshot(data, monkeypatch):
    services.indices_recompute(years=[2025], today=TODAY)
    before = cell(2025).index
    EvaluationFact.objects.filter(enterprise=data["G"]).delete()

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    # the failure comes after the new cells were written, inside the year's transaction
    monkeypatch.setattr(IndexSnapshot.objects, "update_or_create", broken)
    with pytest.raises(RuntimeError):
        services.indices_recompute(years=[2025], today=TODAY)
    monkeypatch.undo()
    assert cell(2025).index == before


@pytest.mark.django_db
def test_publications_in_a_burst_queue_one_recompute(data, django_capture_on_commit_callbacks, settings):
    settings.INDEX_RECOMPUTE_DELAY_SECONDS = 60
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert services.recompute_soon() is True
        assert services.recompute_soon() is False
    assert len(callbacks) == 1
    assert IndexCell.objects.filter(region_code=COUNTRY, industry_code=ALL, size_class=ALL).exists()  # ran inline
    assert services.recompute_soon() is True  # the task cleared the key when it started
