"""The library, the Q&A and the toolbox through the API: public reads with the pages' rules (a draft only for
those who may edit it, only published questions), search in both languages, bounded queries."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from knowledge.demo import seed_knowledge
from knowledge.models import DocumentStatus, PolicyDocument, Question, QuestionStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def library(miit_officer, guangdong_officer):
    seed_knowledge(by=miit_officer)
    return PolicyDocument.objects.create(
        kind="notice",
        number="粤工信[2026]1号",
        title_zh="广东草稿",
        issuer_zh="广东省工业和信息化厅",
        issued_on="2026-01-05",
        status=DocumentStatus.DRAFT,
        authority_id="GD",
        created_by=guangdong_officer,
    )


def _ids(response) -> list:
    assert response.status_code == 200
    return [row["id"] for row in response.json()["results"]]


def test_documents_are_public_and_a_draft_only_for_its_publishers(library, guangdong_officer, miit_officer):
    client = APIClient()
    public = _ids(client.get(reverse("api:policy-document-list")))
    assert library.pk not in public
    assert len(public) == PolicyDocument.objects.exclude(status=DocumentStatus.DRAFT).count()
    assert client.get(reverse("api:policy-document-detail", args=[library.pk])).status_code == 404
    for user in (guangdong_officer, miit_officer):
        client.force_authenticate(user)
        assert library.pk in _ids(client.get(reverse("api:policy-document-list")))
        assert client.get(reverse("api:policy-document-detail", args=[library.pk])).json()["authority"] == "GD"


@pytest.mark.parametrize(("search", "number"), [("质量管理体系", "GB/T 19001-2016"), ("excellence", "GB/T 19580-2012")])
def test_document_search_in_both_languages(library, search, number):
    rows = APIClient().get(reverse("api:policy-document-list"), {"q": search}).json()["results"]
    assert number in [row["number"] for row in rows]
    assert len(rows) < PolicyDocument.objects.count()


def test_only_published_questions_are_listed_and_searchable(library):
    client = APIClient()
    ids = _ids(client.get(reverse("api:question-list")))
    assert set(ids) == set(Question.objects.filter(status=QuestionStatus.PUBLISHED).values_list("pk", flat=True))
    waiting = Question.objects.get(status=QuestionStatus.SUBMITTED)
    assert client.get(reverse("api:question-detail", args=[waiting.pk])).status_code == 404
    found = client.get(reverse("api:question-list"), {"q": "workbook"}).json()["results"]
    assert [row["anchor"] for row in found] == ["workbook"]
    plain = Question.objects.filter(status=QuestionStatus.PUBLISHED, anchor="").first()  # its HTML id is q<pk>
    assert client.get(reverse("api:question-detail", args=[plain.pk])).json()["anchor"] == f"q{plain.pk}"


def test_a_method_carries_its_texts_and_the_codes_it_helps_to_meet(db):
    client = APIClient()
    fmea = client.get(reverse("api:method-detail", args=["fmea"])).json()
    assert fmea["name_en"] == "Failure mode and effects analysis (FMEA)"
    assert "QMC-2024/D1/1.4" in fmea["links"]
    assert [row["code"] for row in client.get(reverse("api:method-list"), {"q": "控制图"}).json()["results"]] == ["spc"]
    assert client.get(reverse("api:method-detail", args=["nothing"])).status_code == 404


def test_the_list_queries_are_bounded(library, django_assert_max_num_queries):
    client = APIClient()
    for name in ("api:policy-document-list", "api:question-list", "api:method-list"):
        with django_assert_max_num_queries(4):
            assert client.get(reverse(name)).status_code == 200
