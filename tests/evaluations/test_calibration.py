"""Calibration: the pure gap and deviation tables, and the page each role gets."""

import math
import statistics

import pandas as pd
import pytest
from django.urls import reverse

from accounts.choices import Role
from accounts.models import User
from enterprises.credit_code import with_check_character
from evaluations import calibration
from evaluations.models import Answer, ConsensusRating, Evaluation, Institution, Rating, Requirement, TeamMember
from tests.factories import EnterpriseFactory, UserFactory, default_institution, grant

SELF_ROWS = pd.DataFrame(
    [
        # evaluation, requirement, dimension, province, industry, self, consensus
        (1, "R1", "D1", "440000", "39", "1", "0.8"),  # +0.2
        (1, "R2", "D1", "440000", "39", "0.5", "0.5"),  # 0
        (1, "R3", "D2", "440000", "39", "na", "0.5"),  # n/a: left out
        (2, "R1", "D1", "440000", "39", "1", "0.5"),  # +0.5
        (2, "R2", "D1", "440000", "39", None, "0.8"),  # no self rating: left out
        (3, "R1", "D1", "440000", "39", "0.8", "1"),  # -0.2
        (3, "R3", "D2", "440000", "39", "1", "na"),  # n/a consensus: left out
        (4, "R1", "D1", "110000", "26", "1", "0"),  # +1
    ],
    columns=calibration.SELF_COLUMNS,
)

RATER_ROWS = [
    dict(zip(calibration.RATER_COLUMNS, row, strict=True))
    for row in [
        # evaluation, assessor, institution, requirement, rating, consensus
        (1, "A", "I1", "R1", "1", "0.8"),  # +0.2
        (1, "A", "I1", "R2", "0.8", "0.5"),  # +0.3
        (2, "A", "I1", "R1", "1", "0.5"),  # +0.5
        (3, "A", "I1", "R1", "0.8", "0.8"),  # 0
        (1, "B", "I1", "R1", "0.5", "0.8"),  # -0.3
        (2, "B", "I1", "R1", "na", "0.5"),  # left out
        (3, "B", "I1", "R1", "0.5", None),  # no consensus yet: left out
        (4, "C", "I2", "R1", "0", "0"),  # 0
    ]
]


def _rows(table):
    return {row["key"]: row for row in calibration.records(table)}


# --- Pure tables ----------------------------------------------------------------------------------------------


def test_gap_by_requirement_counts_only_numeric_pairs_and_withholds_small_groups():
    rows = _rows(calibration.self_gap(SELF_ROWS, by="requirement", min_n=3))
    assert set(rows) == {"R1", "R2"}  # R3 has no pair where both ratings are numeric
    assert (rows["R1"]["n"], rows["R1"]["ratings"]) == (4, 4)
    assert rows["R1"]["mean_gap"] == pytest.approx(0.375)
    assert rows["R1"]["mean_abs_gap"] == pytest.approx(0.475)
    assert rows["R2"] == {
        "key": "R2",
        "n": 1,
        "ratings": 1,
        "mean_gap": None,
        "mean_abs_gap": None,
        "too_small": True,
    }


def test_gap_by_dimension_province_and_industry():
    dimensions = _rows(calibration.self_gap(SELF_ROWS, by="dimension", min_n=3))
    assert list(dimensions) == ["D1"]
    assert (dimensions["D1"]["n"], dimensions["D1"]["ratings"]) == (4, 5)
    assert dimensions["D1"]["mean_gap"] == pytest.approx(0.3)
    assert dimensions["D1"]["mean_abs_gap"] == pytest.approx(0.38)

    provinces = _rows(calibration.self_gap(SELF_ROWS, by="province", min_n=3))
    assert provinces["440000"]["mean_gap"] == pytest.approx(0.125)
    assert (provinces["440000"]["n"], provinces["440000"]["too_small"]) == (3, False)
    assert provinces["110000"]["too_small"]
    assert provinces["110000"]["mean_gap"] is None

    industries = _rows(calibration.self_gap(SELF_ROWS, by="industry", min_n=1))
    assert industries["26"]["mean_gap"] == pytest.approx(1.0)


def test_overall_gap_and_the_threshold_setting():
    assert calibration.overall_gap(SELF_ROWS, min_n=3) == {
        "n": 4,
        "ratings": 5,
        "mean_gap": pytest.approx(0.3),
        "mean_abs_gap": pytest.approx(0.38),
        "too_small": False,
    }
    assert calibration.overall_gap(SELF_ROWS, min_n=5)["mean_gap"] is None


def test_assessor_leniency_spread_and_mean_absolute_deviation():
    rows = _rows(calibration.deviation(RATER_ROWS, by="assessor", min_n=3))
    a = rows["A"]
    assert (a["n"], a["ratings"], a["too_small"]) == (3, 4, False)
    assert a["leniency"] == pytest.approx(0.25)
    assert a["spread"] == pytest.approx(statistics.stdev([0.2, 0.3, 0.5, 0.0]))
    assert a["mean_abs_deviation"] == pytest.approx(0.25)
    assert rows["B"]["too_small"]
    assert rows["B"]["leniency"] is None
    assert (rows["C"]["n"], rows["C"]["too_small"]) == (1, True)


def test_institution_deviation_pools_its_assessors():
    rows = _rows(calibration.deviation(RATER_ROWS, by="institution", min_n=3))
    deviations = [0.2, 0.3, 0.5, 0.0, -0.3]
    assert (rows["I1"]["n"], rows["I1"]["ratings"]) == (3, 5)
    assert rows["I1"]["leniency"] == pytest.approx(statistics.mean(deviations))
    assert rows["I1"]["spread"] == pytest.approx(statistics.stdev(deviations))
    assert rows["I1"]["mean_abs_deviation"] == pytest.approx(0.26)
    assert rows["I2"]["too_small"]


def test_a_single_pair_has_no_spread():
    rows = _rows(calibration.deviation(RATER_ROWS, by="assessor", min_n=1))
    assert rows["B"]["leniency"] == pytest.approx(-0.3)
    assert rows["B"]["spread"] is None


def test_empty_and_malformed_input():
    assert calibration.self_gap([], by="dimension").empty
    assert calibration.deviation([], by="assessor").empty
    assert calibration.overall_gap([]) == {
        "n": 0,
        "ratings": 0,
        "mean_gap": None,
        "mean_abs_gap": None,
        "too_small": True,
    }
    with pytest.raises(ValueError, match="consensus"):
        calibration.self_gap([{"evaluation": 1, "requirement": "R1", "self": "1"}], by="requirement")
    with pytest.raises(ValueError, match="cannot group"):
        calibration.self_gap(SELF_ROWS, by="assessor")


def test_largest_gaps_first_without_withheld_groups():
    table = calibration.self_gap(SELF_ROWS, by="requirement", min_n=1)
    assert list(calibration.largest_gaps(table)["requirement"]) == ["R1", "R2"]
    assert list(
        calibration.largest_gaps(calibration.self_gap(SELF_ROWS, by="requirement", min_n=3))["requirement"]
    ) == ["R1"]
    assert math.isclose(calibration.largest_gaps(table, limit=1)["mean_gap"].iloc[0], 0.375)


# --- The page -------------------------------------------------------------------------------------------------


@pytest.fixture
def requirements(qmc):
    return list(Requirement.objects.filter(model=qmc).order_by("position")[:3])


@pytest.fixture
def team(db):
    institution = default_institution()
    # Users without a password (tests log in with force_login): a password hash takes a second on a busy machine.
    lenient = grant(User.objects.create(username="lenient", display_name="Lenient Li"), Role.ASSESSOR)
    strict = grant(User.objects.create(username="strict", display_name="Strict Su"), Role.ASSESSOR)
    return institution, lenient, strict


def scored_evaluation(enterprise, *, qmc, requirements, team, cycle=2025, status="published"):
    """An evaluation with a submitted result: self answers 1, consensus 0.8, lenient assessor 1, strict 0.5."""
    institution, lenient, strict = team
    starter = lenient  # who started the evaluation does not matter here (and each new user costs a password hash)
    evaluation = Evaluation.objects.create(
        enterprise=enterprise, model=qmc, cycle=cycle, status=status, started_by=starter, institution=institution
    )
    TeamMember.objects.create(evaluation=evaluation, assessor=lenient, role="lead", assigned_by=starter)
    TeamMember.objects.create(evaluation=evaluation, assessor=strict, role="member", assigned_by=starter)
    for requirement in requirements:
        Answer.objects.create(evaluation=evaluation, requirement=requirement, rating="1", updated_by=starter)
        ConsensusRating.objects.create(evaluation=evaluation, requirement=requirement, value="0.8", updated_by=lenient)
        Rating.objects.create(evaluation=evaluation, assessor=lenient, requirement=requirement, value="1")
        Rating.objects.create(evaluation=evaluation, assessor=strict, requirement=requirement, value="0.5")
    return evaluation


@pytest.fixture
def calibrated(qmc, requirements, team, beijing_enterprise):
    """Three scored evaluations in Guangdong, one in Beijing (another institution's), one still on site."""
    guangdong = [EnterpriseFactory(region_id=code) for code in ("440300", "440100", "440600")]
    for enterprise in guangdong:
        scored_evaluation(enterprise, qmc=qmc, requirements=requirements, team=team)
    other = Institution.objects.create(
        name_zh="北京评价机构",
        credit_code=with_check_character("12110000MA0000002"),
        accredited_from="2025-01-01",
        accredited_until="2028-01-01",
    )
    beijing = scored_evaluation(beijing_enterprise, qmc=qmc, requirements=requirements, team=team)
    Evaluation.objects.filter(pk=beijing.pk).update(institution=other)
    scored_evaluation(
        EnterpriseFactory(region_id="440300"), qmc=qmc, requirements=requirements, team=team, status="on_site"
    )
    return guangdong


def _page(client, user, **query):
    client.force_login(user)
    return client.get(reverse("evaluations:calibration"), query)


@pytest.mark.django_db
def test_authority_sees_its_region_only(client, guangdong_officer, calibrated):
    response = _page(client, guangdong_officer)
    assert response.status_code == 200
    report = response.context["report"]
    assert report["evaluations"] == 3  # Beijing is outside; the on-site one has no result yet
    assert [row["key"] for row in report["provinces"]] == ["440000"]
    assert report["provinces"][0]["mean_gap"] == pytest.approx(0.2)
    assessors = {row["label"]: row for row in report["assessors"]}
    assert assessors["Lenient Li"]["leniency"] == pytest.approx(0.2)
    assert assessors["Strict Su"]["leniency"] == pytest.approx(-0.3)
    assert assessors["Strict Su"]["spread"] == pytest.approx(0.0)
    page = response.text
    assert "Lenient Li" in page
    assert "calibration-data" in page
    assert "js/calibration.js" in page


@pytest.mark.django_db
def test_miit_sees_the_country_with_small_groups_withheld(client, miit_officer, calibrated):
    report = _page(client, miit_officer).context["report"]
    assert report["evaluations"] == 4
    provinces = {row["key"]: row for row in report["provinces"]}
    assert provinces["110000"]["too_small"]
    assert provinces["110000"]["mean_gap"] is None
    assert provinces["440000"]["n"] == 3
    institutions = {row["label"]: row for row in report["institutions"]}
    assert institutions["北京评价机构"]["too_small"]
    assert "Too few evaluations" in _page(client, miit_officer).text


@pytest.mark.django_db
def test_institution_admin_sees_its_institutions_evaluations(client, calibrated):
    admin = grant(UserFactory(), Role.INSTITUTION_ADMIN, institution=default_institution())
    report = _page(client, admin).context["report"]
    assert report["evaluations"] == 3
    assert [row["label"] for row in report["institutions"]] == ["Test Evaluation Institute"]


@pytest.mark.django_db
def test_filters_by_cycle_and_industry(client, miit_officer, calibrated):
    assert _page(client, miit_officer, cycle=2025).context["report"]["evaluations"] == 4
    assert _page(client, miit_officer, industry="26").context["report"]["evaluations"] == 0
    response = _page(client, miit_officer, cycle="nineteen")
    assert response.context["report"] is None
    assert response.context["form"].errors["cycle"]


@pytest.mark.django_db
def test_other_roles_are_refused(client, alice, calibrated, team):
    for user in (alice, team[1]):
        assert _page(client, user).status_code == 403
    client.logout()
    assert client.get(reverse("evaluations:calibration")).status_code == 302


@pytest.mark.django_db
def test_query_count_does_not_grow_with_evaluations(
    client, django_assert_max_num_queries, miit_officer, qmc, requirements, team, calibrated
):
    for _ in range(6):
        scored_evaluation(EnterpriseFactory(region_id="440300"), qmc=qmc, requirements=requirements, team=team)
    client.force_login(miit_officer)
    with django_assert_max_num_queries(15):  # 14 measured, whatever the number of evaluations
        response = client.get(reverse("evaluations:calibration"))
    assert response.context["report"]["evaluations"] == 10
