"""Brand cultivation self-evaluation (issue 6 item 4, second half): a second, smaller evaluation model loaded by the
same loader and scored by the same engine, kept apart from the QMC self-assessment, its index and its on-site work.
"""

import copy
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from accounts.choices import AuditAction, Role
from accounts.models import AuditLog
from brands import selectors, services
from brands.demo import seed_brand_self_evaluations
from brands.models import BrandAssessment
from core.exceptions import NotPermitted
from evaluations import model_file, scoring
from evaluations import selectors as evaluation_selectors
from evaluations.management.commands.load_evaluation_model import BRAND_CULTIVATION
from evaluations.models import Evaluation, EvaluationModel
from evaluations.services import evaluation_model_import
from indices.models import EvaluationFact
from tests.factories import EnterpriseFactory, UserFactory, grant

pytestmark = pytest.mark.django_db

YEAR = 2026
MANDATORY_L3 = "BCM-2025/B1/1.1/L3"  # brand strategy, mandatory at assurance level
NA_ALLOWED = "BCM-2025/B3/3.1/L5"  # overseas communication: N/A where nothing is sold abroad
NOT_NA = "BCM-2025/B1/1.1/L1"
E2 = "BCM-2025/E2"  # an infringement judgment blocks levels 3 and up


@pytest.fixture
def bcm():
    return EvaluationModel.objects.get(code="BCM-2025")


@pytest.fixture
def codes(bcm):
    return list(bcm.requirements.order_by("position").values_list("code", flat=True))


@pytest.fixture
def draft(alice, shenzhen_enterprise, bcm):
    return services.assessment_start(enterprise=shenzhen_enterprise, by=alice, year=YEAR)


def _all(codes, rating="1"):
    return {code: {"rating": rating, "comment": ""} for code in codes}


def _conditions(value="yes"):
    return {"BCM-2025/E1": value, E2: value}


def _submitted(assessment, by, codes, **changes):
    answers = _all(codes)
    answers.update({code: {"rating": rating, "comment": ""} for code, rating in changes.items()})
    services.assessment_save(assessment=assessment, by=by, answers=answers, eligibility=_conditions())
    return services.assessment_submit(assessment=assessment, by=by)


# --- The model file ---------------------------------------------------------------------------------------------


def test_the_brand_model_file_passes_the_loader_with_no_problem():
    data = model_file.read(BRAND_CULTIVATION.read_bytes(), BRAND_CULTIVATION.name)
    assert model_file.problems(data) == []


def test_the_brand_model_is_small_bilingual_and_on_the_same_five_levels(bcm):
    qmc = EvaluationModel.objects.get(code="QMC-2024")
    assert bcm.dimensions.count() == 5
    assert bcm.indicators.count() == 12
    assert 40 <= bcm.requirements.count() <= 60
    assert set(bcm.requirements.values_list("level", flat=True)) == {1, 2, 3, 4, 5}
    assert [level["name"] for level in bcm.levels] == [level["name"] for level in qmc.levels]
    assert sum(d.weight for d in bcm.dimensions.all()) == Decimal(1)
    assert bcm.requirements.filter(mandatory=True).count() >= 3
    assert bcm.requirements.filter(na_allowed=True).count() >= 2
    assert not bcm.requirements.filter(mandatory=True, na_allowed=True).exists()
    assert [c.blocks_from_level for c in bcm.conditions.all()] == [1, 3]
    assert not bcm.requirements.filter(text_zh="").exists()
    assert not bcm.requirements.filter(evidence_en="").exists()
    # its dimension codes never collide with QMC's (pages name dimensions by code across models)
    assert not set(bcm.dimensions.values_list("code", flat=True)) & set(qmc.dimensions.values_list("code", flat=True))


def test_loading_the_shipped_models_again_changes_nothing(bcm):
    requirements = bcm.requirements.count()
    call_command("load_evaluation_model", stdout=io.StringIO())
    call_command("load_evaluation_model", stdout=io.StringIO())
    assert list(EvaluationModel.objects.values_list("code", flat=True).order_by("code")) == ["BCM-2025", "QMC-2024"]
    assert EvaluationModel.objects.get(code="BCM-2025").requirements.count() == requirements


# --- The engine on the brand model ------------------------------------------------------------------------------


def test_every_requirement_fully_met_reaches_excellence(bcm, codes):
    result = scoring.score(evaluation_selectors.model_spec(model=bcm), dict.fromkeys(codes, 1.0))
    assert (result.level, result.score) == (5, 5.0)


def test_a_mandatory_requirement_below_largely_met_holds_the_level(bcm, codes):
    ratings = dict.fromkeys(codes, 1.0) | {MANDATORY_L3: 0.5}
    result = scoring.score(evaluation_selectors.model_spec(model=bcm), ratings)
    # L(3): B1 = 0.55·0.5 + 0.45·1 = 0.725, every other dimension 1 → 0.20·0.725 + 0.80 = 0.945 ≥ θ, yet held at 2
    assert result.level == 2
    assert result.score == pytest.approx(2.945)
    assert [(r.kind, r.requirement) for r in result.not_reached] == [("mandatory", MANDATORY_L3)]
    assert result.gap_plan[0].requirement == MANDATORY_L3


def test_an_infringement_judgment_blocks_the_levels_from_assurance(bcm, codes):
    result = scoring.score(evaluation_selectors.model_spec(model=bcm), dict.fromkeys(codes, 1.0), {E2: False})
    assert result.level == 2
    assert result.blocked_levels == (3, 4, 5)


# --- Services ---------------------------------------------------------------------------------------------------


def test_starting_twice_gives_one_self_evaluation_on_the_brand_model(alice, shenzhen_enterprise, draft, bcm):
    again = services.assessment_start(enterprise=shenzhen_enterprise, by=alice, year=YEAR)
    assert again == draft
    assert BrandAssessment.objects.count() == 1
    assert (draft.model, draft.model_code, draft.status) == (bcm, "BCM-2025", "draft")
    assert AuditLog.objects.filter(action=AuditAction.CREATE, object_type="brands.brandassessment").count() == 1


def test_only_the_enterprises_own_members_start_or_answer(bob, shenzhen_enterprise, draft, codes):
    with pytest.raises(NotPermitted):
        services.assessment_start(enterprise=shenzhen_enterprise, by=bob, year=YEAR + 1)
    with pytest.raises(NotPermitted):
        services.assessment_save(assessment=draft, by=bob, answers=_all(codes[:1]))


def test_an_unverified_enterprise_cannot_start(db, bcm):
    enterprise = EnterpriseFactory(status="pending")
    carol = grant(UserFactory(username="carol"), Role.ENTERPRISE_ADMIN, enterprise=enterprise)
    with pytest.raises(services.BrandError) as excinfo:
        services.assessment_start(enterprise=enterprise, by=carol)
    assert excinfo.value.code == "not_verified"


def test_answers_are_kept_and_a_blank_rating_clears_one(alice, draft, codes):
    services.assessment_save(assessment=draft, by=alice, answers=_all(codes[:3], "0.8"), eligibility=_conditions())
    services.assessment_save(assessment=draft, by=alice, answers={codes[0]: {"rating": "", "comment": ""}})
    draft.refresh_from_db()
    assert draft.answers == {code: {"rating": "0.8", "comment": ""} for code in codes[1:3]}
    assert draft.eligibility == {"BCM-2025/E1": True, E2: True}
    assert selectors.assessment_progress(assessment=draft) == {"answered": 2, "total": len(codes)}


@pytest.mark.parametrize(
    ("code", "rating", "comment", "problem"),
    [
        (NOT_NA, "na", "we do not do this", "cannot be rated not applicable"),
        (NA_ALLOWED, "na", "", "Say why"),
        (NOT_NA, "0.7", "", "is not a rating"),
        ("QMC-2024/D1/1.1/L1", "1", "", "is not a requirement of this evaluation's model"),
    ],
)
def test_a_wrong_answer_is_refused_and_nothing_of_the_save_is_kept(alice, draft, codes, code, rating, comment, problem):
    answers = _all(codes[5:8]) | {code: {"rating": rating, "comment": comment}}
    with pytest.raises(ValidationError) as excinfo:
        services.assessment_save(assessment=draft, by=alice, answers=answers)
    assert problem in excinfo.value.message_dict[code][0]
    assert set(excinfo.value.message_dict) == {code}
    draft.refresh_from_db()
    assert draft.answers == {}


def test_na_with_a_reason_is_kept_where_the_model_allows_it(alice, draft):
    answer = {"rating": "na", "comment": "No product is sold abroad."}
    services.assessment_save(assessment=draft, by=alice, answers={NA_ALLOWED: answer})
    draft.refresh_from_db()
    assert draft.answers == {NA_ALLOWED: answer}


def test_an_eligibility_answer_must_be_yes_or_no(alice, draft):
    with pytest.raises(ValidationError) as excinfo:
        services.assessment_save(assessment=draft, by=alice, eligibility={E2: "maybe"})
    assert "is not an answer" in excinfo.value.message_dict[E2][0]


def test_an_incomplete_self_evaluation_is_not_submitted_and_nothing_changes(alice, draft, codes):
    services.assessment_save(assessment=draft, by=alice, answers=_all(codes[:-1]), eligibility={E2: "yes"})
    draft.refresh_from_db()
    before = (draft.answers, draft.eligibility, draft.updated_at)
    with pytest.raises(services.BrandError) as excinfo:
        services.assessment_submit(assessment=draft, by=alice)
    assert excinfo.value.code == "incomplete"
    assert set(excinfo.value.fields) == {codes[-1], "BCM-2025/E1"}
    draft.refresh_from_db()
    assert (draft.status, draft.level, draft.result, draft.submitted_at) == ("draft", None, None, None)
    assert (draft.answers, draft.eligibility, draft.updated_at) == before


def test_submission_freezes_the_engines_result(alice, draft, codes):
    assessment = _submitted(draft, alice, codes, **{MANDATORY_L3: "0.5"})
    assessment.refresh_from_db()
    assert (assessment.status, assessment.level, assessment.score) == ("submitted", 2, Decimal("2.9450"))
    assert assessment.result["level_name"] == "Inspection"
    assert assessment.result["not_reached"][0]["requirement"] == MANDATORY_L3
    assert (assessment.submitted_by, assessment.submitted_at is not None) == (alice, True)
    assert AuditLog.objects.filter(
        action=AuditAction.STATE_CHANGE, object_id=str(assessment.pk), details__to="submitted"
    ).exists()
    with pytest.raises(services.BrandError):
        services.assessment_save(assessment=assessment, by=alice, answers=_all(codes[:1], "0"))


def test_a_self_evaluation_keeps_the_model_version_it_started_on(alice, shenzhen_enterprise, draft, bcm, codes):
    data = model_file.read(BRAND_CULTIVATION.read_bytes(), BRAND_CULTIVATION.name)
    newer = copy.deepcopy(data)
    newer["version"] = "2026.1"
    newer["dimensions"][0]["indicators"][0]["requirements"][0]["text"]["en"] = "Reworded."
    version_2026 = evaluation_model_import(data=newer)
    services.assessment_save(assessment=draft, by=alice, answers=_all(codes[:1]))
    draft.refresh_from_db()
    assert draft.model == bcm
    following = services.assessment_start(enterprise=shenzhen_enterprise, by=alice, year=YEAR + 1)
    assert following.model == version_2026


def test_brand_self_evaluations_leave_the_qmc_lifecycle_and_the_index_alone(alice, draft, codes):
    evaluations, facts = Evaluation.objects.count(), EvaluationFact.objects.count()
    _submitted(draft, alice, codes)
    assert (Evaluation.objects.count(), EvaluationFact.objects.count()) == (evaluations, facts)


# --- Scope ------------------------------------------------------------------------------------------------------


@pytest.fixture
def submitted_pair(alice, bob, shenzhen_enterprise, guangzhou_enterprise, bcm, codes):
    """Alice's Shenzhen self-evaluation submitted, Bob's Guangzhou one submitted, and Alice's next year a draft."""
    shenzhen = _submitted(services.assessment_start(enterprise=shenzhen_enterprise, by=alice, year=YEAR), alice, codes)
    guangzhou = _submitted(services.assessment_start(enterprise=guangzhou_enterprise, by=bob, year=YEAR), bob, codes)
    shenzhen_draft = services.assessment_start(enterprise=shenzhen_enterprise, by=alice, year=YEAR + 1)
    return shenzhen, guangzhou, shenzhen_draft


def test_another_enterprises_self_evaluation_is_a_404(client, bob, submitted_pair):
    shenzhen, _guangzhou, shenzhen_draft = submitted_pair
    client.force_login(bob)
    for name, assessment in [
        ("brands:assessment_detail", shenzhen_draft),
        ("brands:assessment_result", shenzhen),
        ("brands:assessment_result", shenzhen_draft),
    ]:
        assert client.get(reverse(name, args=[assessment.pk])).status_code == 404
    assert AuditLog.objects.filter(action=AuditAction.ACCESS_DENIED, object_id=str(shenzhen.pk)).exists()


def test_an_authority_sees_only_the_submitted_ones_in_its_region(
    client, shenzhen_officer, guangdong_officer, alice, bob, submitted_pair
):
    shenzhen, guangzhou, shenzhen_draft = submitted_pair
    assert list(selectors.assessment_list(user=shenzhen_officer)) == [shenzhen]
    assert set(selectors.assessment_list(user=guangdong_officer)) == {shenzhen, guangzhou}
    assert set(selectors.assessment_list(user=alice)) == {shenzhen, shenzhen_draft}
    client.force_login(shenzhen_officer)
    assert client.get(reverse("brands:assessment_result", args=[shenzhen.pk])).status_code == 200
    assert client.get(reverse("brands:assessment_result", args=[guangzhou.pk])).status_code == 404
    assert client.get(reverse("brands:assessment_result", args=[shenzhen_draft.pk])).status_code == 404
    # an authority reads, never answers: the form sends it to the result
    response = client.get(reverse("brands:assessment_detail", args=[shenzhen.pk]))
    assert response.url == reverse("brands:assessment_result", args=[shenzhen.pk])


def test_the_public_sees_none(client, submitted_pair):
    shenzhen = submitted_pair[0]
    response = client.get(reverse("brands:assessment_result", args=[shenzhen.pk]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))
    assert not selectors.assessment_list(user=UserFactory(username="nobody")).exists()


# --- Pages ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "heading", "level"), [("en", "Brand cultivation", "Fully met"), ("zh-hans", "品牌", "全部满足")]
)
def test_the_form_and_the_result_read_in_both_languages(client, alice, draft, language, heading, level):
    client.force_login(alice)
    listing = client.get(reverse("brands:assessment_list"), HTTP_ACCEPT_LANGUAGE=language)
    assert heading in listing.text
    form = client.get(reverse("brands:assessment_detail", args=[draft.pk]), HTTP_ACCEPT_LANGUAGE=language)
    assert form.status_code == 200
    assert level in form.text
    requirement = draft.model.requirements.get(code=NOT_NA)
    assert escape(requirement.text_zh if language == "zh-hans" else requirement.text_en) in form.text
    result = client.get(reverse("brands:assessment_result", args=[draft.pk]), HTTP_ACCEPT_LANGUAGE=language)
    assert result.status_code == 200
    assert 'id="radar"' in result.text


def test_the_enterprise_starts_from_the_list_page(client, alice, bcm):
    client.force_login(alice)
    page = client.get(reverse("brands:assessment_list"))
    assert reverse("evaluations:model_detail", args=["BCM-2025"]) in page.text
    response = client.post(reverse("brands:assessment_list"))
    assessment = BrandAssessment.objects.get()
    assert response.url == assessment.get_absolute_url()
    assert assessment.year == timezone.localdate().year


def test_a_half_filled_submission_keeps_what_was_typed_and_names_what_is_missing(client, alice, draft, codes):
    client.force_login(alice)
    post = {f"r-{code}": "0.8" for code in codes[:10]} | {"c-" + codes[0]: "board minutes 2025", "action": "submit"}
    response = client.post(reverse("brands:assessment_detail", args=[draft.pk]), post)
    assert response.status_code == 400
    page = response.text
    assert f"{len(codes) - 10 + 2} questions are not answered yet." in page
    assert page.count("Not answered yet.") >= len(codes) - 10
    assert f'name="r-{codes[0]}" value="0.8" checked' in page
    assert 'value="board minutes 2025"' in page
    draft.refresh_from_db()
    assert draft.status == "draft"
    assert len(draft.answers) == 10  # the answers given are kept as a draft


def test_an_out_of_scale_rating_is_refused_with_a_clear_message_and_changes_nothing(client, alice, draft, codes):
    services.assessment_save(assessment=draft, by=alice, answers=_all(codes[:2], "0.5"))
    draft.refresh_from_db()
    before = draft.answers
    client.force_login(alice)
    post = {f"r-{codes[0]}": "1", f"r-{codes[1]}": "0.7", "action": "save"}
    response = client.post(reverse("brands:assessment_detail", args=[draft.pk]), post)
    assert response.status_code == 400
    assert "“0.7” is not a rating; use 1, 0.8, 0.5, 0 or na." in response.text
    assert "Nothing was saved" in response.text
    draft.refresh_from_db()
    assert draft.answers == before


def test_a_complete_form_is_submitted_and_the_result_shows_the_level_and_gap_plan(client, alice, draft, codes):
    client.force_login(alice)
    post = {f"r-{code}": "1" for code in codes} | {f"r-{MANDATORY_L3}": "0.5"}
    post |= {"e-BCM-2025/E1": "yes", f"e-{E2}": "yes", "action": "submit"}
    response = client.post(reverse("brands:assessment_detail", args=[draft.pk]), post)
    assert response.url == reverse("brands:assessment_result", args=[draft.pk])
    draft.refresh_from_db()
    assert (draft.status, draft.level) == ("submitted", 2)
    page = client.get(response.url).text
    assert "S = 2.94" in page or "S = 2.95" in page
    assert "Inspection" in page
    assert "Gap plan" in page
    assert "A mandatory requirement is rated below" in page


def test_the_model_browser_shows_the_brand_model(client, bcm):
    for language in ("en", "zh-hans"):
        page = client.get(reverse("evaluations:model_detail", args=["BCM-2025"]), HTTP_ACCEPT_LANGUAGE=language)
        assert page.status_code == 200
        assert escape(bcm.name_en if language == "en" else bcm.name_zh) in page.text
        assert MANDATORY_L3 in page.text
    assert "Try the self-diagnosis" not in page.text  # the quick test is for the QMC model
    assert "Try the self-diagnosis" in client.get(reverse("evaluations:model_detail", args=["QMC-2024"])).text


# --- Demo -------------------------------------------------------------------------------------------------------


def test_the_demo_enterprise_has_a_submitted_self_evaluation_and_this_years_draft(shenzhen_enterprise, bcm):
    grant(UserFactory(username="enterprise_admin"), Role.ENTERPRISE_ADMIN, enterprise=shenzhen_enterprise)
    assert seed_brand_self_evaluations() == 2
    assert seed_brand_self_evaluations() == 2
    year = timezone.localdate().year
    submitted = BrandAssessment.objects.get(year=year - 1)
    draft = BrandAssessment.objects.get(year=year)
    assert submitted.status == "submitted"
    assert draft.status == "draft"
    assert 0 < len(draft.answers) < bcm.requirements.count()
    again = scoring.score(
        evaluation_selectors.model_spec(model=bcm),
        evaluation_selectors.engine_ratings((c, a["rating"]) for c, a in submitted.answers.items()),
        submitted.eligibility,
    )
    assert (submitted.level, submitted.score) == (again.level, Decimal(str(round(again.score, 4))))
    assert 1 <= submitted.level <= 4


def test_the_demo_self_evaluations_are_deterministic(shenzhen_enterprise, bcm):
    grant(UserFactory(username="enterprise_admin"), Role.ENTERPRISE_ADMIN, enterprise=shenzhen_enterprise)
    seed_brand_self_evaluations()
    first = list(BrandAssessment.objects.order_by("year").values_list("answers", "level", "score"))
    BrandAssessment.objects.all().delete()
    seed_brand_self_evaluations()
    assert list(BrandAssessment.objects.order_by("year").values_list("answers", "level", "score")) == first
