"""Importing inspection results: the dry run writes nothing, a clean file becomes one batch through a background
job, every bad input is an error with its row and stores nothing, the same file twice is one batch, and only
authorities (inside their area) and MIIT import."""

from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from accounts.choices import Role
from core.exceptions import NotPermitted
from core.models import Job
from enterprises.credit_code import with_check_character
from products import services
from products.models import InspectionBatch, InspectionResult
from tests.factories import UserFactory, grant
from tests.products.conftest import failing_rows, meta, row, upload, workbook_bytes

pytestmark = pytest.mark.django_db


def stored_files(root) -> list[Path]:
    return [path for path in Path(root).rglob("*") if path.is_file()]


def nothing_stored(settings) -> bool:
    return (
        not InspectionBatch.objects.exists()
        and not InspectionResult.objects.exists()
        and not Job.objects.exists()
        and stored_files(settings.MEDIA_ROOT) == []
    )


@pytest.fixture
def good_file(shenzhen_enterprise, guangzhou_enterprise):
    return workbook_bytes(failing_rows([shenzhen_enterprise, guangzhou_enterprise], samples=6, failed=1))


def test_the_dry_run_lists_what_would_be_stored_and_stores_nothing(good_file, miit_officer, settings):
    outcome = services.inspection_upload_check(file=upload(good_file), meta=meta(), by=miit_officer)
    assert outcome.problems == []
    assert (outcome.rows, len(outcome.plan.results), outcome.plan.failed, outcome.plan.enterprises) == (6, 6, 1, 2)
    assert outcome.as_dict()["by_province"] == {"440000": (6, 1)}
    assert nothing_stored(settings)


def test_a_clean_file_is_imported_by_a_job_as_one_published_batch(
    good_file, miit_officer, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = services.inspection_import_start(file=upload(good_file), meta=meta(), by=miit_officer)
    assert isinstance(job, Job)
    job.refresh_from_db()
    assert job.status == Job.Status.DONE, job.error
    batch = InspectionBatch.objects.get()
    assert job.result == {"batch": batch.pk, "created": True, "samples": 6, "failed": 1}
    assert (batch.title_zh, batch.category, batch.year, batch.authority) == (
        "2026年锂离子电池监督抽查",
        "lithium_battery",
        2026,
        None,
    )
    assert (batch.sample_count, batch.failed_count, batch.is_published, batch.imported_by) == (6, 1, True, miit_officer)
    assert list(batch.results.values_list("row", "sample_number", "passed")) == [
        (2, "S000", False),
        (3, "S001", True),
        (4, "S002", True),
        (5, "S003", True),
        (6, "S004", True),
        (7, "S005", True),
    ]
    assert batch.results.get(row=2).defects == "过充 Overcharge"
    assert batch.source_file.name == f"inspection-workbooks/{batch.source_sha256[:2]}/{batch.source_sha256}.xlsx"
    assert batch.source_file.read() == good_file


def test_the_same_file_twice_is_one_batch(good_file, miit_officer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.inspection_import_start(file=upload(good_file), meta=meta(), by=miit_officer)
    batch = InspectionBatch.objects.get()
    again = services.inspection_import_start(file=upload(good_file, name="copy.xlsx"), meta=meta(), by=miit_officer)
    assert again == batch
    assert services.inspection_import(data=good_file, name="x.xlsx", meta=meta(), by=miit_officer) == (batch, False)
    assert (InspectionBatch.objects.count(), InspectionResult.objects.count(), Job.objects.count()) == (1, 6, 1)


def test_every_bad_row_is_listed_with_its_row_and_nothing_is_stored(
    miit_officer, guangzhou_enterprise, shenzhen_enterprise, settings
):
    typo = guangzhou_enterprise.credit_code[:-1] + ("0" if guangzhou_enterprise.credit_code[-1] != "0" else "1")
    unregistered = with_check_character("91440300MA5FFFFF0")
    rows = [
        row(shenzhen_enterprise, sample="1"),
        row(typo, sample="2"),
        row(unregistered, sample="3"),
        row(guangzhou_enterprise, sample="4", product=""),
        ["", "", "电池", "", "5", "合格", ""],
        [shenzhen_enterprise.credit_code, "", "电池", "", "6", "maybe", ""],
        row(shenzhen_enterprise, sample="1"),
    ]
    with pytest.raises(services.InspectionWorkbookError) as caught:
        services.inspection_import_start(file=upload(workbook_bytes(rows)), meta=meta(), by=miit_officer)
    problems = [(p.kind, p.sheet, p.row, p.column) for p in caught.value.problems]
    assert problems == [
        ("bad_credit_code", "inspections", 3, "A"),
        ("not_registered", "inspections", 4, "A"),
        ("missing_product", "inspections", 5, "C"),
        ("missing_credit_code", "inspections", 6, "A"),
        ("bad_result", "inspections", 7, "F"),
        ("duplicate_sample", "inspections", 8, "E"),
    ]
    assert caught.value.message == "The workbook has 6 problems; nothing was stored. See the list below."
    assert nothing_stored(settings)
    with pytest.raises(services.InspectionWorkbookError):
        services.inspection_import(data=workbook_bytes(rows), name="bad.xlsx", meta=meta(), by=miit_officer)
    assert nothing_stored(settings)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("results.xlsx", b"%PDF-1.7 not a workbook", "The content of results.xlsx is not a XLSX file; it was refused."),
        ("results.pdf", b"%PDF-1.7 a pdf", "Only Excel workbooks (.xlsx) are accepted"),
        ("results.csv", b"credit code,product\n", "Only Excel workbooks (.xlsx) are accepted"),
        ("results.xlsx", b"", "The file is empty."),
    ],
)
def test_a_file_of_the_wrong_type_is_refused_and_not_stored(name, content, message, miit_officer, settings):
    with pytest.raises(ValidationError) as caught:
        services.inspection_import_start(file=upload(content, name=name), meta=meta(), by=miit_officer)
    assert message in caught.value.message_dict["file"][0]
    assert nothing_stored(settings)


def test_a_file_above_the_size_limit_is_refused(good_file, miit_officer, settings):
    settings.WORKBOOK_MAX_BYTES = 1000
    with pytest.raises(ValidationError, match="the limit is"):
        services.inspection_upload_check(file=upload(good_file), meta=meta(), by=miit_officer)
    assert nothing_stored(settings)


def test_bad_batch_details_are_errors_on_their_fields(good_file, miit_officer, settings):
    with pytest.raises(ValidationError) as caught:
        services.inspection_upload_check(
            file=upload(good_file), meta=meta(category="toys", title_zh=""), by=miit_officer
        )
    assert set(caught.value.message_dict) == {"category", "title_zh"}
    assert nothing_stored(settings)


def test_an_authority_imports_only_enterprises_inside_its_area(
    guangdong_officer, guangzhou_enterprise, beijing_enterprise, settings
):
    rows = [row(guangzhou_enterprise, sample="1"), row(beijing_enterprise, sample="2")]
    with pytest.raises(services.InspectionWorkbookError) as caught:
        services.inspection_import_start(file=upload(workbook_bytes(rows)), meta=meta(), by=guangdong_officer)
    [problem] = caught.value.problems
    assert (problem.kind, problem.row, problem.column) == ("outside_area", 3, "A")
    assert problem.message.startswith(f"{beijing_enterprise.name} (Beijing) is outside the area of Department")
    assert nothing_stored(settings)


def test_an_authoritys_batch_is_its_own(guangdong_officer, guangzhou_enterprise):
    content = workbook_bytes([row(guangzhou_enterprise)])
    batch, _ = services.inspection_import(data=content, name="gd.xlsx", meta=meta(), by=guangdong_officer)
    assert batch.authority_id == "GD"
    with pytest.raises(ValidationError) as caught:
        services.inspection_upload_check(file=upload(content), meta=meta(authority="BJ"), by=guangdong_officer)
    assert caught.value.message_dict == {"authority": ["You import for your own authority only."]}


def test_miit_may_import_for_an_authority_whose_area_then_applies(miit_officer, beijing_enterprise):
    content = workbook_bytes([row(beijing_enterprise)])
    outcome = services.inspection_upload_check(file=upload(content), meta=meta(authority="GD"), by=miit_officer)
    assert [p.kind for p in outcome.problems] == ["outside_area"]
    outcome = services.inspection_upload_check(file=upload(content), meta=meta(authority="BJ"), by=miit_officer)
    assert outcome.problems == []


def test_enterprise_users_and_experts_do_not_import(alice, good_file, settings):
    expert = grant(UserFactory(username="eve"), Role.EXPERT)
    for user in (alice, expert):
        with pytest.raises(NotPermitted):
            services.inspection_import_start(file=upload(good_file), meta=meta(), by=user)
    assert nothing_stored(settings)


def test_the_job_checks_again_and_stores_nothing_when_the_file_went_bad_meanwhile(
    good_file, miit_officer, shenzhen_enterprise, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = services.inspection_import_start(file=upload(good_file), meta=meta(), by=miit_officer)
    shenzhen_enterprise.delete()  # the enterprise is gone before the worker runs
    for callback in callbacks:
        callback()
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert "nothing was stored" in job.error
    assert not InspectionBatch.objects.exists()


def test_an_unpublished_batch_is_published_by_its_authority_or_miit_only(
    guangdong_officer, shenzhen_officer, miit_officer, guangzhou_enterprise
):
    content = workbook_bytes([row(guangzhou_enterprise)])
    batch, _ = services.inspection_import(data=content, name="gd.xlsx", meta=meta(publish=False), by=guangdong_officer)
    assert not batch.is_published
    with pytest.raises(NotPermitted):
        services.inspection_batch_publish(batch=batch, by=shenzhen_officer)
    batch = services.inspection_batch_publish(batch=batch, by=guangdong_officer)
    assert (batch.is_published, batch.published_by) == (True, guangdong_officer)
    with pytest.raises(services.ProductsError, match="already published"):
        services.inspection_batch_publish(batch=batch, by=miit_officer)
