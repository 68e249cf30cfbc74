"""The enterprise's self-assessment: start, autosave, evidence, submit — and what it refuses."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.choices import AuditAction, Role
from accounts.models import AuditLog
from core.exceptions import DomainError, NotPermitted
from evaluations.choices import EvaluationStatus
from evaluations.models import Answer, Evidence, StatusChange
from evaluations.services import answer_save, evaluation_model_import, evaluation_start, evaluation_submit
from tests.factories import UserFactory, grant

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _answer(client, evaluation, **payload):
    return client.post(
        reverse("api:evaluation_answer", kwargs={"pk": evaluation.pk}), payload, content_type="application/json"
    )


@pytest.mark.django_db
def test_starting_twice_in_a_cycle_is_refused(draft, alice, shenzhen_enterprise):
    assert draft.status == EvaluationStatus.DRAFT
    assert StatusChange.objects.filter(evaluation=draft, to_status="draft").count() == 1
    with pytest.raises(DomainError, match="already"):
        evaluation_start(enterprise=shenzhen_enterprise, by=alice, cycle=2026)


@pytest.mark.django_db
def test_only_members_of_a_verified_enterprise_start(shenzhen_enterprise, shenzhen_officer, qmc):
    with pytest.raises(NotPermitted):
        evaluation_start(enterprise=shenzhen_enterprise, by=shenzhen_officer, cycle=2026)
    shenzhen_enterprise.status = "pending"
    shenzhen_enterprise.save(update_fields=["status"])
    member = grant(UserFactory(), Role.ENTERPRISE_MEMBER, enterprise=shenzhen_enterprise)
    with pytest.raises(DomainError, match="verified"):
        evaluation_start(enterprise=shenzhen_enterprise, by=member, cycle=2026)


@pytest.mark.django_db
def test_autosave_returns_progress_and_estimate(client, alice, draft, qmc):
    client.force_login(alice)
    code = qmc.requirements.first().code
    response = _answer(client, draft, requirement=code, rating="1", comment="见质量手册")
    assert response.status_code == 200
    body = response.json()
    assert body["progress"] == {"answered": 1, "total": qmc.requirements.count()}
    assert set(body["estimate"]) == {"level", "level_name", "score"}
    assert Answer.objects.get(evaluation=draft, requirement__code=code).comment == "见质量手册"
    assert AuditLog.objects.filter(action=AuditAction.UPDATE, details__requirement=code).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("rating", "field"),
    [("0.7", "rating"), ("1.0", "rating"), ("na", "rating")],
)
def test_tampered_ratings_are_refused_and_nothing_changes(client, alice, draft, qmc, rating, field):
    client.force_login(alice)
    requirement = qmc.requirements.filter(na_allowed=False).first()
    _answer(client, draft, requirement=requirement.code, rating="0.5")
    response = _answer(client, draft, requirement=requirement.code, rating=rating)
    assert response.status_code == 400
    assert field in response.json()["fields"]
    assert Answer.objects.get(evaluation=draft, requirement=requirement).rating == "0.5"


@pytest.mark.django_db
def test_na_needs_a_reason_where_it_is_allowed(client, alice, draft, qmc):
    client.force_login(alice)
    requirement = qmc.requirements.filter(na_allowed=True).first()
    assert _answer(client, draft, requirement=requirement.code, rating="na").json()["fields"].keys() == {"na_reason"}
    ok = _answer(client, draft, requirement=requirement.code, rating="na", na_reason="来料加工、无设计职责")
    assert ok.status_code == 200


@pytest.mark.django_db
def test_a_requirement_of_another_model_is_refused(client, alice, draft, small_data):
    other = evaluation_model_import(data=small_data)
    client.force_login(alice)
    response = _answer(client, draft, requirement=other.requirements.first().code, rating="1")
    assert response.status_code == 400
    assert "requirement" in response.json()["fields"]
    assert not Answer.objects.filter(evaluation=draft).exists()


@pytest.mark.django_db
def test_other_enterprises_cannot_see_or_write(client, draft, beijing_enterprise, qmc):
    stranger = grant(UserFactory(), Role.ENTERPRISE_ADMIN, enterprise=beijing_enterprise)
    client.force_login(stranger)
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert _answer(client, draft, requirement=qmc.requirements.first().code, rating="1").status_code == 404
    assert not Answer.objects.exists()


@pytest.mark.django_db
def test_authority_reads_but_cannot_answer(client, draft, shenzhen_officer, qmc):
    client.force_login(shenzhen_officer)
    assert client.get(reverse("evaluations:evaluation_result", kwargs={"pk": draft.pk})).status_code == 200
    assert _answer(client, draft, requirement=qmc.requirements.first().code, rating="1").status_code == 403


@pytest.mark.django_db
def test_submit_freezes_records_history_and_scores(client, alice, draft, qmc):
    for code in qmc.requirements.filter(level__lte=2).values_list("code", flat=True):
        answer_save(evaluation=draft, requirement_code=code, rating="1", by=alice)
    client.force_login(alice)
    response = client.post(reverse("evaluations:evaluation_review", kwargs={"pk": draft.pk}))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.status, draft.self_level) == (EvaluationStatus.SUBMITTED, 2)
    assert draft.self_result["level_name"] == "Inspection"
    assert StatusChange.objects.filter(evaluation=draft, from_status="draft", to_status="submitted").exists()
    with pytest.raises(DomainError, match="frozen"):
        answer_save(evaluation=draft, requirement_code=qmc.requirements.first().code, rating="0", by=alice)
    with pytest.raises(DomainError):
        evaluation_submit(evaluation=draft, by=alice)
    page = client.get(reverse("evaluations:evaluation_result", kwargs={"pk": draft.pk}))
    assert "Inspection" in page.text
    assert "Gap plan" in page.text


def qmc_count(enterprise) -> int:
    from evaluations.models import EvaluationModel

    return EvaluationModel.objects.get(code="QMC-2024").requirements.count()


def _upload(client, evaluation, indicator, name, content):
    return client.post(
        reverse("evaluations:evidence_upload", kwargs={"pk": evaluation.pk}),
        {"indicator": indicator.code, "file": SimpleUploadedFile(name, content)},
        follow=True,
    )


@pytest.mark.django_db
def test_evidence_is_kept_with_its_hash_and_served_only_in_scope(client, alice, draft, qmc, beijing_enterprise):
    import hashlib

    indicator = qmc.indicators.first()
    client.force_login(alice)
    _upload(client, draft, indicator, "质量手册.pdf", PDF)
    _upload(client, draft, indicator, "质量手册.pdf", PDF + b"\n% v2")
    files = list(Evidence.objects.filter(evaluation=draft).order_by("version"))
    assert [(f.original_name, f.version) for f in files] == [("质量手册.pdf", 1), ("质量手册.pdf", 2)]
    assert files[0].sha256 == hashlib.sha256(PDF).hexdigest()
    url = reverse("evaluations:evidence_download", kwargs={"pk": draft.pk, "evidence_pk": files[0].pk})
    download = client.get(url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    client.force_login(grant(UserFactory(), Role.ENTERPRISE_ADMIN, enterprise=beijing_enterprise))
    assert client.get(url).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("report.pdf", b"MZ\x90\x00" + b"\x00" * 200, "is not a PDF"),
        ("tool.exe", b"MZ\x90\x00" + b"\x00" * 200, "not accepted"),
        ("empty.pdf", b"", "empty"),
        ("../../etc/passwd.pdf", b"root:x:0:0", "is not a PDF"),
    ],
)
def test_bad_evidence_is_refused_with_a_clear_message(client, alice, draft, qmc, name, content, message):
    client.force_login(alice)
    response = _upload(client, draft, qmc.indicators.first(), name, content)
    assert message in " ".join(str(m) for m in response.context["messages"])
    assert not Evidence.objects.exists()


@pytest.mark.django_db
def test_a_50_mb_file_is_refused(client, alice, draft, qmc):
    client.force_login(alice)
    response = _upload(client, draft, qmc.indicators.first(), "big.pdf", b"%PDF-" + b"0" * (50 * 1_048_576))
    assert "limit is 20 MB" in " ".join(str(m) for m in response.context["messages"])
    assert not Evidence.objects.exists()


@pytest.mark.django_db
def test_a_zip_bomb_dressed_as_a_spreadsheet_is_refused(client, alice, draft, qmc):
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", b"\x00" * (30 * 1_048_576))
    client.force_login(alice)
    response = _upload(client, draft, qmc.indicators.first(), "data.xlsx", buffer.getvalue())
    assert "zip bomb" in " ".join(str(m) for m in response.context["messages"])
    assert not Evidence.objects.exists()


@pytest.mark.django_db
def test_form_page_query_count_does_not_depend_on_the_number_of_requirements(
    client, alice, shenzhen_enterprise, small_data, settings
):
    small = evaluation_model_import(data=small_data)
    assert small.requirements.count() < 15 < qmc_count(shenzhen_enterprise)
    client.force_login(alice)
    counts = {}
    for code, cycle in (("SMALL", 2030), ("QMC-2024", 2031)):
        settings.EVALUATION_MODEL_CODE = code
        evaluation = evaluation_start(enterprise=shenzhen_enterprise, by=alice, cycle=cycle)
        client.get(evaluation.get_absolute_url())  # warm the per-process model cache
        with CaptureQueriesContext(connection) as queries:
            assert client.get(evaluation.get_absolute_url()).status_code == 200
        counts[code] = len(queries)
    assert counts["SMALL"] == counts["QMC-2024"], counts


@pytest.mark.django_db
def test_self_diagnosis_estimates_without_storing(client, qmc):
    from evaluations.models import Evaluation

    indicators = list(qmc.indicators.all())
    data = {f"q-{i.pk}": "3" for i in indicators}
    data[f"q-{indicators[0].pk}"] = "1"
    response = client.post(reverse("evaluations:self_diagnosis"), data, headers={"Accept-Language": "en"})
    assert response.status_code == 200
    outcome = response.context["outcome"]
    assert outcome["result"].level == 3  # one weak indicator lowers S, not the level (it is not mandatory)
    assert outcome["weakest"][0]["indicator"] == indicators[0]
    assert outcome["weakest"][0]["level"] == 1
    assert len(outcome["weakest"]) == 5
    assert not Evaluation.objects.exists()


@pytest.mark.django_db
def test_self_diagnosis_lists_unanswered_questions(client, qmc):
    first = qmc.indicators.first()
    response = client.post(reverse("evaluations:self_diagnosis"), {f"q-{first.pk}": "2"})
    assert response.status_code == 400
    assert len(response.context["missing"]) == qmc.indicators.count() - 1


@pytest.mark.django_db
def test_a_self_diagnosis_becomes_a_prefilled_draft_after_login(client, alice, qmc):
    indicators = list(qmc.indicators.all())
    answers = {f"q-{i.pk}": "2" for i in indicators}
    outcome = client.post(reverse("evaluations:self_diagnosis"), answers).context["outcome"]
    link = f"{reverse('evaluations:evaluation_list')}?diagnosis={outcome['token']}"
    assert client.get(link).status_code == 302  # anonymous: log in first, the link survives as ?next=
    client.force_login(alice)
    page = client.get(link)
    assert page.context["diagnosis_token"] == outcome["token"]
    response = client.post(reverse("evaluations:evaluation_list"), {"diagnosis": outcome["token"]})
    assert response.status_code == 302
    evaluation = alice.memberships.get().enterprise.evaluations.get()
    ratings = dict(evaluation.answers.values_list("requirement__level", "rating").distinct())
    assert ratings[1] == "1"
    assert ratings[2] == "1"
    assert ratings[3] == "0"
    assert evaluation.answers.count() == qmc.requirements.count()


@pytest.mark.django_db
def test_a_forged_diagnosis_token_is_ignored(client, alice, qmc):
    client.force_login(alice)
    client.post(reverse("evaluations:evaluation_list"), {"diagnosis": "forged:token"})
    evaluation = alice.memberships.get().enterprise.evaluations.get()
    assert not evaluation.answers.exists()


@pytest.mark.django_db
def test_enterprise_home_leads_to_the_self_assessment(client, alice, qmc):
    client.force_login(alice)
    home = client.get(reverse("home"), headers={"Accept-Language": "en"})
    assert "Start the self-assessment" in home.text
    client.post(reverse("evaluations:evaluation_list"))
    home = client.get(reverse("home"), headers={"Accept-Language": "en"})
    assert "Continue the self-assessment" in home.text
    assert f"0 of {qmc.requirements.count()}" in home.text


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "text"), [("en", "Quality policy and objectives"), ("zh-CN", "质量方针与目标")])
def test_the_model_page_is_public_and_bilingual(client, qmc, language, text):
    page = client.get(
        reverse("evaluations:model_detail", kwargs={"code": "QMC-2024"}), headers={"Accept-Language": language}
    )
    assert page.status_code == 200
    assert text in page.text
    assert "QMC-2024/D2/2.5/L3" in page.text


@pytest.mark.parametrize(
    ("score", "shown"),
    [(0.797, "The level score is 0.7970, 0.0030 below the threshold."), (0.62, "The level score is 0.62, 0.18 below")],
)
def test_a_shortfall_that_rounds_to_nothing_is_shown_with_enough_decimals(score, shown):
    """0.797 against 0.8 would read "0.80, 0.00 below the threshold" at two decimals."""
    from types import SimpleNamespace

    from django.template.loader import render_to_string

    reason = SimpleNamespace(kind="threshold", score=score, shortfall=round(0.8 - score, 6))
    html = render_to_string("evaluations/_result_report.html", {"reasons": [{"reason": reason}]})
    assert shown in html
