import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError

from accounts.choices import Role
from accounts.models import AuditLog
from core.exceptions import NotPermitted
from enterprises.models import Authority
from summaries import services
from summaries.choices import BoardStatus, SummaryStatus
from summaries.models import AnnualSummary, ReminderSent, SummaryTemplate
from summaries.selectors import board, board_counts
from tests.factories import UserFactory, grant

BEIJING = ZoneInfo("Asia/Shanghai")


def at(year, month, day, hour=10):
    return datetime.datetime(year, month, day, hour, tzinfo=BEIJING)


@pytest.fixture
def templates(db):
    return {t.year: t for t in services.templates_load()}


def written(summary):
    return {section.code: f"{section.title_zh}：本年度工作情况。" for section in summary.template.sections.all()}


def test_shipped_templates_follow_each_years_notice(templates):
    t2024, t2025 = templates[2024], templates[2025]
    assert t2024.deadline == datetime.date(2024, 12, 10)
    assert t2025.deadline == datetime.date(2025, 12, 15)
    # 2024: the five areas of the twenty tasks, then the requirements; 2025: seven areas, then safeguards
    assert [s.code for s in t2024.sections.all()][:5] == [
        "excellence-quality",
        "reliability",
        "foundations",
        "pilot-scale",
        "brand",
    ]
    assert "任务18\u201320" in t2024.sections.get(code="brand").guidance_zh
    assert t2025.sections.count() == 8
    assert t2025.sections.get(number=7).title_zh == "（七）打造“中国制造”品牌"
    assert "inspection_failure_rate" in t2025.kpis
    assert services.templates_load()[0].sections.count() == t2024.sections.count()  # idempotent


def test_a_draft_is_saved_half_written_and_submitting_it_names_the_empty_sections(templates, guangdong_officer):
    summary = services.summary_start(
        template=templates[2025], authority=Authority.objects.get(code="GD"), by=guangdong_officer
    )
    services.summary_save(summary=summary, narratives={"brand": "品牌工作。"}, by=guangdong_officer)
    with pytest.raises(services.SummaryError) as refused:
        services.summary_submit(summary=summary, by=guangdong_officer)
    assert refused.value.code == "incomplete"
    assert "pilot-scale" in refused.value.fields
    assert "brand" not in refused.value.fields
    assert "（六）推进制造业中试创新发展" in refused.value.message or "(6)" in refused.value.message
    summary.refresh_from_db()
    assert summary.status == SummaryStatus.DRAFT
    assert summary.narratives["brand"] == "品牌工作。"
    assert summary.kpis == {}
    assert summary.submitted_at is None


def test_submission_freezes_the_kpis_with_their_vintage_and_flags_lateness(templates, shenzhen_officer):
    summary = services.summary_start(
        template=templates[2025], authority=Authority.objects.get(code="SZ"), by=shenzhen_officer
    )
    services.summary_save(summary=summary, narratives=written(summary), by=shenzhen_officer)
    with time_machine.travel(at(2025, 12, 18, 9), tick=False):
        services.summary_submit(summary=summary, by=shenzhen_officer)
    summary.refresh_from_db()
    assert summary.status == SummaryStatus.SUBMITTED
    assert summary.days_late == 3
    assert summary.is_late
    assert summary.board_status == BoardStatus.LATE
    assert summary.data_vintage == at(2025, 12, 18, 9)
    assert set(summary.kpis) >= {"self_total", "index", "labs_accredited", "inspection_failure_rate"}
    with pytest.raises(services.SummaryError):  # frozen: no edits while MIIT has it
        services.summary_save(summary=summary, narratives={"brand": "改"}, by=shenzhen_officer)


def test_submitted_on_the_deadline_day_is_on_time(templates, shenzhen_officer):
    summary = services.summary_start(
        template=templates[2024], authority=Authority.objects.get(code="SZ"), by=shenzhen_officer
    )
    services.summary_save(summary=summary, narratives=written(summary), by=shenzhen_officer)
    with time_machine.travel(at(2024, 12, 10, 23), tick=False):  # 23:00 Beijing time, still the 10th
        services.summary_submit(summary=summary, by=shenzhen_officer)
    summary.refresh_from_db()
    assert summary.days_late == 0
    assert summary.board_status == BoardStatus.SUBMITTED


def test_miit_returns_with_comments_then_accepts_the_resubmission(templates, guangdong_officer, miit_officer):
    summary = services.summary_start(
        template=templates[2025], authority=Authority.objects.get(code="GD"), by=guangdong_officer
    )
    services.summary_save(summary=summary, narratives=written(summary), by=guangdong_officer)
    services.summary_submit(summary=summary, by=guangdong_officer)
    with pytest.raises(ValidationError):
        services.summary_return(summary=summary, by=miit_officer, comment="  ")
    with pytest.raises(NotPermitted):
        services.summary_accept(summary=summary, by=guangdong_officer)
    services.summary_return(summary=summary, by=miit_officer, comment="请补充典型案例。")
    summary.refresh_from_db()
    assert summary.status == SummaryStatus.RETURNED
    assert summary.editable
    with pytest.raises(services.SummaryError):  # a returned summary is not reviewed again until resubmitted
        services.summary_accept(summary=summary, by=miit_officer)
    services.summary_save(summary=summary, narratives={"brand": "补充了典型案例。"}, by=guangdong_officer)
    services.summary_submit(summary=summary, by=guangdong_officer)
    services.summary_accept(summary=summary, by=miit_officer)
    summary.refresh_from_db()
    assert summary.status == SummaryStatus.ACCEPTED
    assert not summary.editable
    assert [e.action for e in summary.events.all()] == ["create", "submit", "return", "submit", "accept"]
    assert AuditLog.objects.filter(object_type="summaries.annualsummary", object_id=str(summary.pk)).count() == 5


def test_only_the_authoritys_own_staff_write_its_summary(templates, shenzhen_officer, guangdong_officer, miit_officer):
    gd = Authority.objects.get(code="GD")
    with pytest.raises(NotPermitted):  # Shenzhen's staff do not write Guangdong's, though Guangdong's area holds it
        services.summary_start(template=templates[2025], authority=gd, by=shenzhen_officer)
    with pytest.raises(NotPermitted):
        services.summary_start(template=templates[2025], authority=gd, by=miit_officer)
    summary = services.summary_start(template=templates[2025], authority=gd, by=guangdong_officer)
    with pytest.raises(NotPermitted):
        services.summary_save(summary=summary, narratives={"brand": "x"}, by=shenzhen_officer)


def test_the_board_shows_every_authority_with_its_state(templates, guangdong_officer, shenzhen_officer):
    template = templates[2025]
    gd = services.summary_start(template=template, authority=Authority.objects.get(code="GD"), by=guangdong_officer)
    sz = services.summary_start(template=template, authority=Authority.objects.get(code="SZ"), by=shenzhen_officer)
    services.summary_save(summary=sz, narratives=written(sz), by=shenzhen_officer)
    with time_machine.travel(at(2025, 12, 20), tick=False):
        services.summary_submit(summary=sz, by=shenzhen_officer)
    rows = {row.authority.pk: row for row in board(template=template, today=datetime.date(2025, 12, 22))}
    assert len(rows) == 37
    assert rows["SZ"].status == BoardStatus.LATE
    assert rows["SZ"].days_late == 5
    assert rows["GD"].status == BoardStatus.DRAFT
    assert rows["GD"].overdue_days == 7
    assert rows["BJ"].status == BoardStatus.NOT_STARTED
    assert rows["BJ"].overdue_days == 7
    counts = {status: n for status, _label, n in board_counts(list(rows.values()))}
    assert counts == {"not_started": 35, "draft": 1, "submitted": 0, "late": 1, "returned": 0, "accepted": 0}
    assert gd.pk


def test_miit_adds_next_years_template_from_this_years(templates, miit_officer, guangdong_officer):
    with pytest.raises(NotPermitted):
        services.template_create(
            year=2026,
            deadline=datetime.date(2026, 12, 15),
            title_zh="2026年工作总结",
            title_en="2026 summary",
            notice="",
            kpi_codes=["self_total"],
            copy_from=templates[2025],
            by=guangdong_officer,
        )
    template = services.template_create(
        year=2026,
        deadline=datetime.date(2026, 12, 15),
        title_zh="2026年工作总结",
        title_en="2026 summary",
        notice="",
        kpi_codes=["index", "self_total"],
        copy_from=templates[2025],
        by=miit_officer,
    )
    assert template.kpis == ["self_total", "index"]  # catalogue order
    assert list(template.sections.values_list("code", flat=True)) == list(
        templates[2025].sections.values_list("code", flat=True)
    )
    with pytest.raises(ValidationError) as duplicate:
        services.template_create(
            year=2026,
            deadline=datetime.date(2026, 12, 15),
            title_zh="x",
            title_en="x",
            notice="",
            kpi_codes=[],
            copy_from=None,
            by=miit_officer,
        )
    assert "year" in duplicate.value.error_dict


def test_reminders_go_out_14_and_3_days_before_to_those_who_have_not_submitted(templates, shenzhen_officer, settings):
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    template = SummaryTemplate.objects.get(year=2025)
    grant(UserFactory(username="gd_staff", email="gd@example.com"), Role.AUTHORITY, authority="GD")
    sz = services.summary_start(template=template, authority=Authority.objects.get(code="SZ"), by=shenzhen_officer)
    services.summary_save(summary=sz, narratives=written(sz), by=shenzhen_officer)
    services.summary_submit(summary=sz, by=shenzhen_officer)  # Shenzhen has submitted: no reminder

    assert services.reminders_send(today=datetime.date(2025, 11, 30)) == 0  # 15 days before: nothing yet
    assert services.reminders_send(today=datetime.date(2025, 12, 1)) == 1  # 14 days before: Guangdong
    assert services.reminders_send(today=datetime.date(2025, 12, 2)) == 0  # sent once
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["gd@example.com"]
    assert "14" in mail.outbox[0].subject
    assert "2025" in mail.outbox[0].body
    assert "/summaries/2025/GD/" in mail.outbox[0].body
    assert services.reminders_send(today=datetime.date(2025, 12, 13)) == 1  # 2 days before: the 3-day one, caught up
    assert services.reminders_send(today=datetime.date(2025, 12, 16)) == 0  # past the deadline
    assert not ReminderSent.objects.filter(authority="SZ").exists()
    assert ReminderSent.objects.filter(authority="BJ", days_before=14, recipients=0).exists()  # nobody to write to


def test_a_wrong_attachment_is_refused_and_nothing_is_stored(templates, guangdong_officer):
    from django.core.files.uploadedfile import SimpleUploadedFile

    summary = services.summary_start(
        template=templates[2025], authority=Authority.objects.get(code="GD"), by=guangdong_officer
    )
    fake = SimpleUploadedFile("report.pdf", b"MZ\x90\x00 this is an executable", content_type="application/pdf")
    with pytest.raises(ValidationError):
        services.attachment_add(summary=summary, upload=fake, by=guangdong_officer)
    assert not summary.attachments.exists()
    pdf = SimpleUploadedFile("report.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    item = services.attachment_add(summary=summary, upload=pdf, by=guangdong_officer)
    assert item.original_name == "report.pdf"
    assert AnnualSummary.objects.get(pk=summary.pk).attachments.count() == 1
