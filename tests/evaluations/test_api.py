import pytest
from django.urls import reverse
from rest_framework.throttling import ScopedRateThrottle

from evaluations.models import Evaluation

PREVIEW = "api:scoring_preview"


def _all(qmc, value):
    return dict.fromkeys(qmc.requirements.values_list("code", flat=True), value)


@pytest.mark.django_db
def test_model_structure_is_public_and_complete(client, qmc):
    listing = client.get(reverse("api:evaluation-model-list")).json()
    assert [row["code"] for row in listing] == ["BCM-2025", "QMC-2024"]
    body = client.get(reverse("api:evaluation-model-detail", kwargs={"code": "QMC-2024"})).json()
    assert [level["number"] for level in body["levels"]] == [1, 2, 3, 4, 5]
    assert body["threshold"] == 0.8
    assert len(body["dimensions"]) == 4
    requirement = body["dimensions"][0]["indicators"][0]["requirements"][0]
    assert set(requirement) >= {"code", "level", "text", "mandatory", "na_allowed"}
    assert requirement["text"]["zh"]
    assert requirement["text"]["en"]
    assert body["eligibility_conditions"][0]["blocks_from_level"] >= 1
    assert sum(len(i["requirements"]) for d in body["dimensions"] for i in d["indicators"]) == qmc.requirements.count()


@pytest.mark.django_db
def test_model_structure_query_count_is_fixed(client, qmc, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        client.get(reverse("api:evaluation-model-detail", kwargs={"code": "QMC-2024"}))


@pytest.mark.django_db
def test_preview_of_a_perfect_self_assessment_is_excellence(client, qmc):
    response = client.post(
        reverse(PREVIEW), {"model": "QMC-2024", "ratings": _all(qmc, 1)}, content_type="application/json"
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["level"], body["score"], body["unanswered"], body["gap_plan"]) == (5, 5.0, [], [])
    assert body["level_name"] == "Excellence"
    assert set(body) >= {"level_scores", "dimension_scores", "not_reached_reasons"}


@pytest.mark.django_db
def test_preview_reports_unanswered_and_the_gap_plan(client, qmc):
    ratings = dict.fromkeys(qmc.requirements.filter(level__lte=2).values_list("code", flat=True), 1)
    ratings |= dict.fromkeys(qmc.requirements.filter(level=3).values_list("code", flat=True), 0.5)
    body = client.post(
        reverse(PREVIEW), {"model": "QMC-2024", "ratings": ratings}, content_type="application/json"
    ).json()
    assert body["level"] == 2
    assert body["score"] == pytest.approx(2.5)
    assert body["unanswered"]
    assert body["gap_plan"]
    assert body["not_reached_reasons"][0]["level"] == 3


@pytest.mark.django_db
def test_eligibility_false_blocks_from_its_level(client, qmc):
    condition = qmc.conditions.filter(blocks_from_level=3).first()
    body = client.post(
        reverse(PREVIEW),
        {"model": "QMC-2024", "ratings": _all(qmc, 1), "eligibility": {condition.code: False}},
        content_type="application/json",
    ).json()
    assert body["level"] == 2
    assert any(reason["condition"] == condition.code for reason in body["not_reached_reasons"])


@pytest.mark.django_db
def test_tampered_preview_input_names_each_offending_key_and_stores_nothing(client, qmc, shipped_data):
    some = qmc.requirements.first().code
    response = client.post(
        reverse(PREVIEW),
        {
            "model": "QMC-2024",
            "ratings": {some: 0.7, "OTHER-2024/D1/1.1/L1": 1},
            "eligibility": {"QMC-2024/E1": "maybe"},
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    fields = response.json()["fields"]
    assert set(fields) == {f"ratings.{some}", "ratings.OTHER-2024/D1/1.1/L1", "eligibility.QMC-2024/E1"}
    assert not Evaluation.objects.exists()


@pytest.mark.django_db
def test_unknown_model_is_a_400_on_the_model_field(client):
    response = client.post(reverse(PREVIEW), {"model": "NOPE", "ratings": {}}, content_type="application/json")
    assert response.status_code == 400
    assert "model" in response.json()["fields"]


@pytest.mark.django_db
def test_preview_is_rate_limited(client, qmc, monkeypatch):
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"scoring_preview": "3/min"})
    codes = [
        client.post(reverse(PREVIEW), {"model": "QMC-2024", "ratings": {}}, content_type="application/json").status_code
        for _ in range(4)
    ]
    assert codes == [200, 200, 200, 429]
