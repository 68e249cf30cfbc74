import copy

import pytest

from evaluations import model_file
from evaluations.model_file import ModelFileError
from evaluations.models import EvaluationModel, Requirement
from evaluations.services import evaluation_model_import, evaluation_start


@pytest.mark.django_db
def test_shipped_model_has_the_documented_shape(qmc):
    assert qmc.dimensions.count() == 4
    assert [d.indicators.count() for d in qmc.dimensions.all()] == [10, 7, 7, 6]
    assert 135 <= qmc.requirements.count() <= 150
    assert set(qmc.requirements.values_list("level", flat=True)) == {1, 2, 3, 4, 5}
    assert qmc.requirements.filter(code="QMC-2024/D2/2.5/L3").exists()
    assert not Requirement.objects.filter(model=qmc, mandatory=True, na_allowed=True).exists()
    assert not Requirement.objects.filter(model=qmc, text_zh="").exists()
    assert not Requirement.objects.filter(model=qmc, text_en="").exists()


def test_a_bad_file_is_rejected_with_every_problem_listed(shipped_data):
    data = copy.deepcopy(shipped_data)
    data["dimensions"][0]["weight"] = 0.5  # dimension weights no longer sum to 1
    data["dimensions"][1]["indicators"][1]["code"] = data["dimensions"][1]["indicators"][0]["code"]  # duplicate
    data["dimensions"][2]["indicators"][0]["name"]["en"] = ""  # a language missing
    requirement = data["dimensions"][0]["indicators"][0]["requirements"][0]
    requirement["mandatory"], requirement["na_allowed"] = True, True
    data["dimensions"][3]["indicators"][0]["requirements"][0]["level"] = 6
    with pytest.raises(ModelFileError) as excinfo:
        model_file.check(data)
    text = "\n".join(excinfo.value.problems)
    assert len(excinfo.value.problems) >= 5
    for fragment in ("not 1", "used twice", "both Chinese", "cannot allow N/A", "from 1 to 5"):
        assert fragment in text, fragment


def test_a_level_without_requirements_is_a_problem(small_data):
    data = copy.deepcopy(small_data)
    data["dimensions"][1]["indicators"][0]["requirements"] = [
        r for r in data["dimensions"][1]["indicators"][0]["requirements"] if r["level"] != 5
    ]
    assert "Level 5 has no requirements." in model_file.problems(data)


def test_excel_round_trip_keeps_the_model(shipped_data):
    again = model_file.read(model_file.write_workbook(shipped_data), "model.xlsx")
    assert model_file.problems(again) == []
    original = [(i["code"], len(i["requirements"])) for d in shipped_data["dimensions"] for i in d["indicators"]]
    assert [(i["code"], len(i["requirements"])) for d in again["dimensions"] for i in d["indicators"]] == original
    first = again["dimensions"][0]["indicators"][0]["requirements"][0]
    assert first["text"] == shipped_data["dimensions"][0]["indicators"][0]["requirements"][0]["text"]


def test_unreadable_files_say_so():
    with pytest.raises(ModelFileError, match="YAML"):
        model_file.read(b"code: [unclosed", "model.yaml")
    with pytest.raises(ModelFileError, match="Excel"):
        model_file.read(b"not a zip", "model.xlsx")
    with pytest.raises(ModelFileError, match=r"\.yaml or \.xlsx"):
        model_file.read(b"{}", "model.json")


@pytest.mark.django_db
def test_reimporting_a_version_is_a_no_op_and_changing_it_needs_a_new_version(qmc, shipped_data):
    assert evaluation_model_import(data=shipped_data) == qmc
    changed = copy.deepcopy(shipped_data)
    changed["name"]["en"] = "Changed"
    with pytest.raises(ModelFileError, match="new version"):
        evaluation_model_import(data=changed)
    assert EvaluationModel.objects.filter(code="QMC-2024").count() == 1


@pytest.mark.django_db
def test_an_evaluation_keeps_the_version_it_started_on(alice, shenzhen_enterprise, qmc, shipped_data):
    first = evaluation_start(enterprise=shenzhen_enterprise, by=alice, cycle=2025)
    newer = copy.deepcopy(shipped_data)
    newer["version"] = "2025.1"
    newer_model = evaluation_model_import(data=newer)
    first.refresh_from_db()
    assert first.model == qmc
    second = evaluation_start(enterprise=shenzhen_enterprise, by=alice, cycle=2026)
    assert second.model == newer_model


@pytest.mark.django_db
def test_platform_admin_imports_a_workbook_and_sees_every_problem_of_a_bad_file(client, small_data):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from accounts.choices import Role
    from tests.factories import UserFactory, grant

    client.force_login(grant(UserFactory(is_staff=True, is_superuser=True), Role.PLATFORM_ADMIN))
    url = reverse("admin:evaluations_evaluationmodel_import")
    bad = copy.deepcopy(small_data)
    bad["dimensions"][0]["weight"] = 0.9
    bad["dimensions"][1]["name"]["zh"] = ""
    response = client.post(url, {"file": SimpleUploadedFile("bad.xlsx", model_file.write_workbook(bad))})
    assert response.status_code == 200
    assert len(response.context["problems"]) == 2
    assert not EvaluationModel.objects.filter(code="SMALL").exists()

    response = client.post(url, {"file": SimpleUploadedFile("small.xlsx", model_file.write_workbook(small_data))})
    assert response.status_code == 302
    assert EvaluationModel.objects.get(code="SMALL").requirements.count() == 9
    workbook = client.get(
        reverse("admin:evaluations_evaluationmodel_workbook", args=[EvaluationModel.objects.get(code="SMALL").pk])
    )
    assert model_file.problems(model_file.read(workbook.content, "again.xlsx")) == []
