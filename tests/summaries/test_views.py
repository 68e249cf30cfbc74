import datetime

import pytest
import time_machine
from django.urls import reverse

from accounts.models import AuditLog
from enterprises.models import Authority
from summaries import services
from summaries.models import AnnualSummary, SummaryTemplate

DETAIL = ("summaries:detail", 2025, "GD")


@pytest.fixture
def templates(db):
    return {t.year: t for t in services.templates_load()}


def url(name, *args):
    return reverse(name, args=args)


def sections(year=2025):
    return list(SummaryTemplate.objects.get(year=year).sections.all())


def full_narratives(year=2025):
    return {section.code: f"{section.title_zh}：完成了年度任务。" for section in sections(year)}


def test_the_authority_sees_live_figures_and_its_form(client, templates, guangdong_officer):
    client.force_login(guangdong_officer)
    response = client.get(url(*DETAIL))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Read from live data now" in text
    assert "Laboratories accredited in the year" in text
    assert 'name="submit"' in text
    assert "(7) Building the" in text
    assert not AnnualSummary.objects.exists()  # opening the page writes nothing


def test_another_authoritys_summary_is_a_404_and_audited(client, templates, shenzhen_officer, alice):
    client.force_login(shenzhen_officer)
    assert client.get(url(*DETAIL)).status_code == 404
    assert AuditLog.objects.filter(action="access_denied", object_id="GD").exists()
    client.force_login(alice)
    assert client.get(url(*DETAIL)).status_code == 404
    assert client.get(url("summaries:index")).status_code == 403
    assert client.get(url("summaries:board", 2025)).status_code == 403


def test_a_half_filled_submission_keeps_the_text_and_says_which_sections_are_empty(
    client, templates, guangdong_officer
):
    client.force_login(guangdong_officer)
    response = client.post(url("summaries:save", 2025, "GD"), {"brand": "品牌建设取得进展。", "submit": "1"})
    assert response.status_code == 400
    text = response.content.decode()
    assert "Saved as a draft, but not submitted." in text
    assert "This section is empty." in text
    assert "品牌建设取得进展。" in text
    summary = AnnualSummary.objects.get(authority="GD")
    assert summary.status == "draft"
    assert summary.narratives["brand"] == "品牌建设取得进展。"


def test_submitting_late_freezes_the_figures_and_shows_the_lateness(client, templates, guangdong_officer):
    client.force_login(guangdong_officer)
    with time_machine.travel(datetime.datetime(2025, 12, 17, 3, tzinfo=datetime.UTC), tick=False):
        response = client.post(url("summaries:save", 2025, "GD"), {**full_narratives(), "submit": "1"}, follow=True)
    text = response.content.decode()
    assert "Submitted to MIIT, 2 days after the deadline." in text
    assert "Frozen at submission." in text
    assert "2 days late" in text
    assert 'name="submit"' not in text  # no more editing while MIIT has it


def test_miit_reviews_on_the_board(client, templates, guangdong_officer, miit_officer, django_assert_max_num_queries):
    summary = services.summary_start(
        template=templates[2025], authority=Authority.objects.get(code="GD"), by=guangdong_officer
    )
    services.summary_save(summary=summary, narratives=full_narratives(), by=guangdong_officer)
    services.summary_submit(summary=summary, by=guangdong_officer)
    client.force_login(miit_officer)
    with django_assert_max_num_queries(15):
        board = client.get(url("summaries:board", 2025))
    assert board.status_code == 200
    assert board.content.decode().count("data-authority=") == 37
    refused = client.post(url("summaries:review", 2025, "GD"), {"action": "return", "comment": ""})
    assert refused.status_code == 400
    assert "Say what the authority should change." in refused.content.decode()
    client.post(url("summaries:review", 2025, "GD"), {"action": "return", "comment": "请补充数据。"})
    summary.refresh_from_db()
    assert summary.status == "returned"
    client.force_login(guangdong_officer)
    page = client.get(url(*DETAIL)).content.decode()
    assert "请补充数据。" in page
    assert 'name="submit"' in page


def test_pages_render_in_chinese(client, templates, miit_officer):
    client.force_login(miit_officer)
    client.cookies["django_language"] = "zh-hans"
    text = client.get(url("summaries:board", 2024)).content.decode()
    assert "未开始" in text
    assert "2024年工业和信息化质量工作总结" in text


def test_miit_adds_a_template_and_edits_its_sections(client, templates, miit_officer, guangdong_officer):
    client.force_login(miit_officer)
    response = client.post(
        url("summaries:template_create"),
        {
            "year": 2026,
            "deadline": "2026-12-15",
            "title_zh": "2026年工作总结",
            "title_en": "2026 work summary",
            "copy_from": templates[2025].pk,
            "kpis": ["self_total", "index"],
        },
    )
    assert response.status_code == 302
    template = SummaryTemplate.objects.get(year=2026)
    assert template.sections.count() == 8
    page = client.get(url("summaries:template_edit", 2026))
    assert page.status_code == 200
    formset = page.context["formset"]
    data = {"title_zh": "2026年工作总结", "title_en": "2026 work summary", "notice": "", "deadline": "2026-12-16"}
    data.update({f"sections-{key}": value for key, value in formset.management_form.initial.items()})
    for index, form in enumerate(formset.forms):
        for name in form.fields:
            value = form[name].value()
            data[f"sections-{index}-{name}"] = "" if value is None else value
    data["sections-0-title_en"] = "(1) Manufacturing excellence"
    data["sections-7-DELETE"] = "on"
    saved = client.post(url("summaries:template_edit", 2026), data)
    assert saved.status_code == 302, (saved.context["form"].errors, saved.context["formset"].errors)
    template.refresh_from_db()
    assert template.deadline == datetime.date(2026, 12, 16)
    assert template.sections.count() == 7
    assert template.sections.get(number=1).title_en == "(1) Manufacturing excellence"
    client.force_login(guangdong_officer)
    assert client.get(url("summaries:template_edit", 2026)).status_code == 403
