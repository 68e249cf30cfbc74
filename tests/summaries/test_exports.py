"""MIIT's exports of a year's annual work summaries: the XLSX of KPIs and narratives, the PDF bundle, the DOCX;
formula injection neutralised, the data vintage stated, the same vintage giving the same bytes; run as a job."""

import datetime
import io

import openpyxl
import pytest
import time_machine
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext
from docx import Document

from accounts.choices import Role
from core.exceptions import NotPermitted
from core.exports import export_kinds, vintage_moment
from core.models import Job
from enterprises.models import Authority
from summaries import documents, kpis, services
from summaries.choices import BoardStatus
from summaries.jobs import EXPORT_JOBS, year_export_start
from summaries.selectors import year_bundle
from tests.factories import UserFactory, grant
from tests.pdf import pdf_pages
from tests.summaries.conftest import EXPORT_FORMULA, EXPORT_VINTAGE, export_at

WRITERS = {"xlsx": documents.write_year_xlsx, "pdf": documents.write_year_pdf, "docx": documents.write_year_docx}


def written(template, fmt: str, language: str = "zh-hans") -> bytes:
    buffer = io.BytesIO()
    with translation.override(language):
        WRITERS[fmt](buffer, year_bundle(template=template))
    return buffer.getvalue()


def workbook(template, language: str = "zh-hans"):
    return openpyxl.load_workbook(io.BytesIO(written(template, "xlsx", language)))


def heading(code: str) -> str:
    return f"{code} · {Authority.objects.get(code=code).name}"


@pytest.fixture
def no_live_kpis(monkeypatch):
    """The exports must read the figures frozen at submission, never live data."""

    def refuse(**kwargs):
        raise AssertionError("an export computed live KPIs")

    monkeypatch.setattr(kpis, "kpis_compute", refuse)


# --- XLSX ----------------------------------------------------------------------------------------------------------


def test_the_xlsx_has_a_kpi_row_per_authority_with_figures_of_submitted_summaries_only(export_year, no_live_kpis):
    template = export_year.template
    codes = template.kpis
    with translation.override("zh-hans"):
        sheet = workbook(template)[gettext("KPIs")]
        label = {status: str(status.label) for status in BoardStatus}
        national_target = gettext("National target")
    rows = list(sheet.iter_rows(values_only=True))
    header, authorities, target = rows[0], rows[1:38], rows[38:]
    assert len(header) == 6 + len(codes)
    assert [row[0] for row in authorities] == list(Authority.objects.order_by("code").values_list("code", flat=True))
    by_code = {row[0]: row for row in authorities}
    for summary, status in (
        (export_year.accepted, label[BoardStatus.ACCEPTED]),
        (export_year.late, label[BoardStatus.LATE]),
        (export_year.returned, label[BoardStatus.RETURNED]),
    ):
        row = by_code[summary.authority_id]
        assert row[1] == summary.authority.name_zh
        assert row[2] == status
        assert row[3] == timezone.localtime(summary.submitted_at).isoformat()
        assert row[5] == timezone.localtime(summary.data_vintage).isoformat()
        assert list(row[6:]) == [summary.kpis[code] for code in codes]
    assert by_code["ZJ"][4] == 3
    assert by_code["GD"][4] == 0
    for code in ("JS", "BJ"):  # a draft and an authority that has not started: their state, no figures
        assert all(value is None for value in by_code[code][3:])
    assert (by_code["JS"][2], by_code["BJ"][2]) == (label[BoardStatus.DRAFT], label[BoardStatus.NOT_STARTED])
    assert len(target) == 1
    assert target[0][1] == national_target
    assert target[0][6 + codes.index("reached_level_2")] == 5000


def test_the_xlsx_has_a_sheet_per_section_with_each_authoritys_submitted_narrative(export_year):
    template = export_year.template
    with translation.override("zh-hans"):
        book = workbook(template)
        titles = [section.title_zh for section in template.sections.all()]
        expected = [gettext("KPIs"), *titles, gettext("About")]
        draft = str(BoardStatus.DRAFT.label)
    assert book.sheetnames == expected
    rows = {row[0]: row for row in book[titles[0]].iter_rows(values_only=True)}
    header = next(book[titles[0]].iter_rows(max_row=1, values_only=True))
    assert header[3] == titles[0]
    assert rows["GD"][3] == export_year.accepted.narratives["excellence-quality"]
    assert rows["ZJ"][3].startswith("（一）实施制造业卓越质量工程：本年度")
    assert rows["JS"][3] is None  # the draft's text stays with its authority
    brand = {row[0]: row for row in book[titles[6]].iter_rows(values_only=True)}
    assert brand["JS"][3] is None
    assert brand["JS"][2] == draft


def test_a_formula_looking_narrative_is_written_as_text_in_the_xlsx(export_year):
    book = workbook(export_year.template, "en")
    brand = next(section for section in export_year.template.sections.all() if section.code == "brand")
    cell = next(row[3] for row in book[brand.title_en[:31]].iter_rows() if row[0].value == "GD")
    assert cell.data_type == "s"
    assert cell.value == "'" + EXPORT_FORMULA


def test_the_xlsx_states_its_data_vintage_and_year_in_english_too(export_year):
    template = export_year.template
    book = workbook(template, "en")
    about = dict(book["About"].iter_rows(min_row=2, values_only=True))
    bundle = year_bundle(template=template)
    assert bundle.vintage == EXPORT_VINTAGE
    with translation.override("en"):
        assert about["Data vintage"] == vintage_moment(bundle.vintage)
    assert "2025-12-18 10:00:00" in about["Data vintage"]
    assert (about["Year"], about["Deadline"], about["Notice"]) == ("2025", "2025-12-15", template.notice)
    assert book["KPIs"]["C2"].value == "Not started"
    assert book["KPIs"]["G1"].value == "Self-assessments submitted"
    assert book["KPIs"]["B39"].value == "National target"


# --- PDF -----------------------------------------------------------------------------------------------------------


def test_the_pdf_has_a_cover_then_each_authority_from_a_new_page(export_year, no_live_kpis):
    with translation.override("zh-hans"):
        pages = pdf_pages(written(export_year.template, "pdf"))
        headings = {code: heading(code) for code in Authority.objects.values_list("code", flat=True)}
        last_page = gettext("Page {number}").format(number=len(pages))
    cover = pages[0]
    assert "2025年工业和信息化质量支撑、中试发展和品牌建设工作总结" in cover
    assert "2025-12-18 10:00:00" in cover  # the data vintage
    assert "广东省工业和信息化厅" in cover
    assert "新疆生产建设兵团工业和信息化局" in cover
    starts = {}
    for number, page in enumerate(pages):
        first = next(line for line in page.splitlines() if line.strip())
        for code, text in headings.items():
            if first.strip() == text:
                starts[code] = number
    assert sorted(starts) == sorted(headings)  # every authority opens a page of its own
    after = min(n for n in starts.values() if n > starts["GD"])
    guangdong = "\n".join(pages[starts["GD"] : after])
    for section in export_year.template.sections.all():
        assert section.title_zh in guangdong
    assert "总结全面，数据翔实。" in guangdong  # MIIT's comment
    assert after - starts["GD"] >= 3  # the long narrative takes pages
    assert "全文完。" in guangdong  # the long narrative flowed onto later pages to its end
    assert "江苏品牌工作（草稿）" not in "".join(pages)
    assert last_page in pages[-1]


def test_the_pdf_is_written_in_english_when_asked(export_year):
    pages = pdf_pages(written(export_year.template, "pdf", "en"))
    assert "2025 Annual Work Summary on Quality Support" in pages[0]
    assert "Data vintage: 2025-12-18 10:00:00" in pages[0]
    assert "Page 1" in pages[0]
    assert any(page.lstrip().startswith("GD · Department of Industry and Information Technology of") for page in pages)
    assert any('(7) Building the "Made in China" brand' in page for page in pages)


# --- DOCX ----------------------------------------------------------------------------------------------------------


def test_the_docx_has_the_cover_table_and_a_heading_and_kpi_table_per_submitted_authority(export_year):
    template = export_year.template
    with translation.override("zh-hans"):
        document = Document(io.BytesIO(written(template, "docx")))
        titles = [section.title_zh for section in template.sections.all()]
        expected = [heading(code) for code in Authority.objects.order_by("code").values_list("code", flat=True)]
        authority = gettext("Authority")
    level_one = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert level_one == expected
    assert all(p.paragraph_format.page_break_before for p in document.paragraphs if p.style.name == "Heading 1")
    level_two = [p.text for p in document.paragraphs if p.style.name == "Heading 2"]
    assert level_two == titles * 3  # the three submitted summaries: accepted, late, returned
    cover, *kpi_tables = document.tables
    assert len(cover.rows) == 38
    assert cover.rows[0].cells[1].text == authority
    assert len(kpi_tables) == 3
    assert kpi_tables[0].rows[2].cells[1].text == documents.figure_text(export_year.accepted.kpis["self_total"], 0)
    assert EXPORT_FORMULA in [p.text for p in document.paragraphs]  # no spreadsheet: the text as written
    properties = document.core_properties
    assert properties.title == template.title_zh
    assert properties.created == properties.modified == EXPORT_VINTAGE.astimezone(datetime.UTC)


# --- Reproducibility -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["xlsx", "pdf", "docx"])
def test_an_export_is_the_same_bytes_for_the_same_vintage_and_changes_with_it(export_year, fmt):
    template = export_year.template
    with time_machine.travel(export_at(1, 5, 9, year=2026), tick=False):
        first = written(template, fmt)
    with time_machine.travel(export_at(2, 20, 16, year=2026), tick=False):
        second = written(template, fmt)
    assert first == second
    with time_machine.travel(export_at(2, 21, year=2026), tick=False):
        services.summary_save(
            summary=export_year.draft, narratives={"brand": "江苏品牌工作（修改稿）。"}, by=export_year.jiangsu_officer
        )
        assert year_bundle(template=template).vintage == export_at(2, 21, year=2026)
        third = written(template, fmt)
    assert third != first


# --- The job -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["xlsx", "pdf", "docx"])
def test_miit_exports_a_year_in_the_background_and_keeps_the_file(
    export_year, miit_officer, fmt, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    with django_capture_on_commit_callbacks(execute=True):
        job = year_export_start(user=miit_officer, year=2025, fmt=fmt, language="zh-hans")
    job.refresh_from_db()
    assert (job.kind, job.status, job.error) == (EXPORT_JOBS[fmt], Job.Status.DONE, "")
    assert job.input == {"year": 2025, "language": "zh-hans"}
    assert (job.progress_done, job.progress_total) == (37, 37)
    assert job.result["filename"] == f"annual-summaries-2025.{fmt}"
    assert job.result["vintage"] == EXPORT_VINTAGE.isoformat()
    with job.output.open("rb") as handle:
        assert handle.read() == written(export_year.template, fmt)  # the same vintage, the same bytes
    assert job.result["size"] == job.output.size
    assert set(EXPORT_JOBS.values()) <= export_kinds()


def test_only_national_staff_and_platform_administrators_export_a_year(export_year, guangdong_officer, db):
    with pytest.raises(NotPermitted):
        year_export_start(user=guangdong_officer, year=2025, fmt="xlsx", language="en")
    admin = grant(UserFactory(username="export_admin"), Role.PLATFORM_ADMIN)
    assert year_export_start(user=admin, year=2025, fmt="pdf", language="en").kind == "summaries.export_pdf"
    assert not Job.objects.filter(created_by=guangdong_officer).exists()


def test_an_unknown_format_or_year_is_not_found(export_year, miit_officer):
    with pytest.raises(Http404):
        year_export_start(user=miit_officer, year=2025, fmt="csv", language="en")
    with pytest.raises(Http404):
        year_export_start(user=miit_officer, year=2019, fmt="pdf", language="en")


@pytest.mark.parametrize("fmt", ["xlsx", "pdf", "docx"])
def test_each_writer_reports_progress_per_authority_in_a_few_queries(export_year, fmt, django_assert_max_num_queries):
    bundle = year_bundle(template=export_year.template)
    reported = []
    with django_assert_max_num_queries(3):  # the sections and the level names; nothing per authority
        WRITERS[fmt](io.BytesIO(), bundle, lambda done, total: reported.append((done, total)))
    assert reported[0] == (0, 37)
    assert reported[-1] == (37, 37)
    assert [done for done, _total in reported] == sorted(done for done, _total in reported)
