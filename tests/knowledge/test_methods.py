"""The methods toolbox (issue 9, part 3): the shipped file links every indicator of the evaluation model to a
method, a wrong file is refused whole and changes nothing, search in both languages, a method's page with its
requirements and the typical cases that used it, and the gap plan linking each gap to methods and cases."""

import io

import pytest
import yaml
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone, translation

from enterprises.models import Authority, Region
from evaluations.models import EvaluationModel, Indicator, Requirement
from evaluations.services import evaluation_start
from knowledge import selectors, services
from knowledge.management.commands.load_methods import SHIPPED
from knowledge.models import Method, MethodLink
from selections.choices import ApplicationStatus, CallKind, CaseTheme
from selections.models import Application, Case
from tests.factories import EnterpriseFactory
from tests.labs.conftest import make_call

pytestmark = pytest.mark.django_db


@pytest.fixture
def qmc(db):
    return EvaluationModel.objects.get(code="QMC-2024")


def shipped() -> dict:
    return yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))


@pytest.fixture
def cases(miit_officer):
    """Three published cases: one names FMEA, one SPC and QC circles (in Chinese), one neither."""
    today = timezone.localdate()
    call = make_call(miit_officer, kind=CallKind.TYPICAL_CASE)
    made = {}
    for key, title, methods in (
        ("fmea", "压铸壳体零渗漏", "过程FMEA、真空压铸"),
        ("spc", "轴承外径稳定", "统计过程控制（SPC）和QC小组活动"),
        ("other", "品牌故事", "品牌传播"),
    ):
        enterprise = EnterpriseFactory(region_id="440300")
        application = Application.objects.create(
            call=call,
            enterprise=enterprise,
            title=title,
            data={},
            status=ApplicationStatus.PUBLISHED,
            authority=Authority.objects.get(code="SZ"),
            submitted_at=timezone.now(),
            created_by=miit_officer,
        )
        made[key] = Case.objects.create(
            application=application,
            enterprise=enterprise,
            title=title,
            theme=CaseTheme.QUALITY_IMPROVEMENT,
            region=Region.objects.get(code="440300"),
            year=today.year - 1,
            methods=methods,
            results="合格率提升",
        )
    return made


def test_every_indicator_and_requirement_of_the_shipped_model_points_to_a_method(qmc):
    requirements = list(Requirement.objects.filter(model=qmc).select_related("indicator"))
    methods = selectors.methods_for(requirements)
    assert len(requirements) == 143  # 30 indicators, some without a requirement at every level
    assert all(methods[r.code] for r in requirements), [r.code for r in requirements if not methods[r.code]]
    # FMEA helps the design-control indicator at every level.
    design = Indicator.objects.get(model=qmc, short_code="1.4")
    assert {"fmea", "apqp"} <= {m.code for r in design.requirements.all() for m in methods[r.code]}


def test_a_requirement_level_link_adds_to_the_indicator_links(qmc):
    requirement = Requirement.objects.select_related("indicator").get(model=qmc, code="QMC-2024/D1/1.1/L4")
    before = [m.code for m in selectors.methods_for([requirement])[requirement.code]]
    MethodLink.objects.create(method=Method.objects.get(code="six-sigma"), target=requirement.code)
    after = [m.code for m in selectors.methods_for([requirement])[requirement.code]]
    assert after == sorted([*before, "six-sigma"], key=lambda code: Method.objects.get(code=code).order)
    other_level = Requirement.objects.select_related("indicator").get(model=qmc, code="QMC-2024/D1/1.1/L3")
    assert "six-sigma" not in [m.code for m in selectors.methods_for([other_level])[other_level.code]]


def test_loading_twice_changes_nothing_and_updates_by_code(qmc):
    before = (Method.objects.count(), MethodLink.objects.count())
    call_command("load_methods", stdout=io.StringIO())
    assert (Method.objects.count(), MethodLink.objects.count()) == before
    data = shipped()
    data["methods"][0]["purpose"]["en"] = "A changed purpose."
    data["methods"][0]["links"] = ["QMC-2024/D1/1.1"]
    services.methods_import(data=data)
    pdca = Method.objects.get(code=data["methods"][0]["code"])
    assert pdca.purpose_en == "A changed purpose."
    assert list(pdca.links.values_list("target", flat=True)) == ["QMC-2024/D1/1.1"]


def test_a_wrong_file_is_refused_whole_with_every_problem_and_changes_nothing(qmc, tmp_path):
    before = list(Method.objects.values_list("code", "purpose_en", "order"))
    links = MethodLink.objects.count()
    data = shipped()
    data["methods"][0]["purpose"]["en"] = "Would change"
    data["methods"][1]["links"].append("QMC-2024/D9/9.9")
    del data["methods"][2]["example"]["en"]
    data["methods"][3]["code"] = data["methods"][4]["code"]
    with pytest.raises(ValidationError) as refused:
        services.methods_import(data=data)
    problems = refused.value.messages
    assert len(problems) == 3
    assert any("QMC-2024/D9/9.9" in p for p in problems)
    assert any("example" in p and data["methods"][2]["code"] in p for p in problems)
    assert any("used twice" in p for p in problems)
    assert list(Method.objects.values_list("code", "purpose_en", "order")) == before
    assert MethodLink.objects.count() == links
    # The command says the same, in the file's name.
    bad = tmp_path / "methods.yaml"
    bad.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(CommandError, match=r"methods\.yaml was not loaded"):
        call_command("load_methods", str(bad), stdout=io.StringIO())


@pytest.mark.parametrize(
    ("search", "expected"),
    [("失效模式", "fmea"), ("control chart", "spc"), ("QC小组", "qc-circle"), ("qc circles", "qc-circle")],
)
def test_search_finds_methods_in_chinese_and_in_english(client, qmc, search, expected):
    response = client.get(reverse("knowledge:method_list"), {"q": search})
    assert response.status_code == 200
    assert expected in [m.code for m in response.context["methods"]]
    assert len(response.context["methods"]) < Method.objects.count()


def test_the_kind_filter_keeps_one_kind(client, qmc):
    response = client.get(reverse("knowledge:method_list"), {"kind": "digital"})
    assert {m.kind for m in response.context["methods"]} == {"digital"}
    assert {m.code for m in response.context["methods"]} == {"traceability", "quality-data"}


def test_a_method_page_shows_its_steps_requirements_and_the_cases_that_used_it(client, qmc, cases):
    response = client.get(reverse("knowledge:method_detail", kwargs={"code": "fmea"}), HTTP_ACCEPT_LANGUAGE="en")
    page = response.text
    assert "Form a cross-functional team" in page
    assert "Design and development control" in page  # indicator 1.4, linked at every level
    assert [c.title for c in response.context["cases"]] == ["压铸壳体零渗漏"]
    assert reverse("selections:case_detail", args=[cases["fmea"].pk]) in page
    assert reverse("selections:case_detail", args=[cases["other"].pk]) not in page
    with translation.override("zh-hans"):
        url = reverse("knowledge:method_detail", kwargs={"code": "fmea"})
        chinese = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "组建跨职能小组" in chinese.text
    assert "设计开发控制" in chinese.text
    assert client.get(reverse("knowledge:method_detail", kwargs={"code": "no-such-method"})).status_code == 404


def test_the_case_library_filters_by_method(client, qmc, cases):
    response = client.get(reverse("selections:case_list"), {"method": "spc"})
    assert [c.title for c in response.context["cases"]] == ["轴承外径稳定"]
    qc = client.get(reverse("selections:case_list"), {"method": "qc-circle"})
    assert [c.title for c in qc.context["cases"]] == ["轴承外径稳定"]
    everything = client.get(reverse("selections:case_list"), {"method": "unknown"})
    assert len(everything.context["cases"]) == 3


def test_the_gap_plan_links_each_gap_to_its_methods_and_their_cases(client, qmc, alice, shenzhen_enterprise):
    evaluation = evaluation_start(enterprise=shenzhen_enterprise, by=alice, cycle=2026)
    client.force_login(alice)
    response = client.get(
        reverse("evaluations:evaluation_result", kwargs={"pk": evaluation.pk}), HTTP_ACCEPT_LANGUAGE="en"
    )
    plan = response.context["gap_plan"]
    assert plan
    for item in plan:
        assert item["methods"], item["requirement"].code
        for method in item["methods"]:
            assert reverse("knowledge:method_detail", kwargs={"code": method.code}) in response.text
            assert f"{reverse('selections:case_list')}?method={method.code}" in response.text


def test_the_method_pages_query_counts_are_bounded(client, qmc, cases, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        assert client.get(reverse("knowledge:method_list"), {"q": "a"}).status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get(reverse("knowledge:method_detail", kwargs={"code": "spc"})).status_code == 200


def test_a_model_without_links_to_the_toolbox_shows_no_methods_column(qmc):
    from evaluations import scoring
    from evaluations import selectors as evaluation_selectors

    for model, linked in ((qmc, True), (EvaluationModel.objects.get(code="BCM-2025"), False)):
        result = scoring.score(evaluation_selectors.model_spec(model=model), {}, {})
        report = evaluation_selectors.result_report(
            model=evaluation_selectors.model_structure(model=model), result=result
        )
        assert report["gap_plan"]
        assert report["gap_methods"] is linked
