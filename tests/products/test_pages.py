"""The public pages (Three Products, grading, inspections; search, filters, CSV/XLSX), the import pages for
authorities and MIIT, the API, and an enterprise's public profile."""

import csv
import io
import re
from datetime import date, timedelta

import openpyxl
import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.choices import AuditAction
from accounts.models import AuditLog
from brands.models import BrandEntry, BrandList
from core.models import Job
from labs.models import Lab
from products import selectors, services
from products.models import GradingRecord, InspectionBatch
from products.workbook import HEADER
from tests.products.conftest import XLSX, failing_rows, meta, row, upload, workbook_bytes

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def three_products(shenzhen_enterprise, beijing_enterprise):
    published = services.three_products_list_create(
        name_zh="升级和创新消费品指南",
        name_en="Upgrade and innovation consumer goods guide",
        year=2025,
        issuer="工业和信息化部",
        published_on=date(2025, 3, 15),
        entries=[
            {"enterprise": shenzhen_enterprise, "product_zh": "智能热水器", "product_en": "Smart water heater"},
            {
                "enterprise": beijing_enterprise,
                "product_zh": "护眼台灯",
                "product_en": "Eye-care lamp",
                "field": "照明",
            },
        ],
        by=None,
    )
    draft = services.three_products_list_create(
        name_zh="未发布名单", name_en="", year=2026, issuer="工业和信息化部", published_on=None,
        entries=[{"enterprise": beijing_enterprise, "product_zh": "秘密新品"}],
        by=None,
    )  # fmt: skip
    return published, draft


def grading(enterprise, number, *, grade=4, issued=TODAY - timedelta(days=10), days=3 * 365, body="演示认证中心"):
    return services.grading_record_create(
        by=None,
        enterprise=enterprise,
        product_zh=f"锂电池{number}",
        product_en=f"Battery {number}",
        grade=grade,
        scheme="锂离子电池产品质量分级",
        certifying_body=body,
        report_number=f"GR-{number}",
        issued_on=issued,
        valid_until=issued + timedelta(days=days),
    )


def text_of(response) -> str:
    return response.content.decode("utf-8-sig")


# --- Three Products and grading -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "lang", "product"), [("en", "en", "Smart water heater"), ("zh-hans", "zh-Hans", "智能热水器")]
)
def test_the_three_products_page_shows_published_lists_only(client, three_products, language, lang, product):
    page = client.get(reverse("products:entry_list"), headers={"accept-language": language})
    assert page.status_code == 200
    assert f'<html lang="{lang}">' in page.text
    assert product in page.text
    assert "秘密新品" not in page.text
    assert reverse("enterprises:public_profile", args=[three_products[0].entries.first().enterprise_id]) in page.text


def test_the_three_products_page_searches_and_filters_by_province(client, three_products):
    page = client.get(reverse("products:entry_list"), {"province": "110000"})
    assert "Eye-care lamp" in page.text
    assert "Smart water heater" not in page.text
    assert "Eye-care lamp" not in client.get(reverse("products:entry_list"), {"q": "热水器"}).text
    assert "Eye-care lamp" not in client.get(reverse("products:entry_list"), {"year": "2024"}).text


def test_the_three_products_download_in_csv_and_xlsx(client, three_products):
    rows = list(csv.reader(io.StringIO(text_of(client.get(reverse("products:entry_download", args=["csv"]))))))
    assert rows[0][0].startswith("# Data vintage: ")  # when the data were read, before the header row
    assert rows[1][:3] == ["List", "Year", "Product"]
    assert sorted(r[2] for r in rows[2:]) == ["护眼台灯", "智能热水器"]
    response = client.get(reverse("products:entry_download", args=["xlsx"]))
    assert response["Content-Type"] == XLSX
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert workbook.active.max_row == 3
    assert workbook.sheetnames[-1] == "About"
    about = dict(workbook["About"].iter_rows(min_row=2, values_only=True))
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} \(CST\)", about["Data vintage"])
    assert client.get(reverse("products:entry_download", args=["pdf"])).status_code == 404


def test_the_grading_page_lists_valid_records_and_filters_by_grade(client, shenzhen_enterprise, beijing_enterprise):
    grading(shenzhen_enterprise, 1, grade=5)
    grading(beijing_enterprise, 2, grade=3)
    grading(beijing_enterprise, 3, issued=TODAY - timedelta(days=400), days=365)  # expired
    grading(beijing_enterprise, 4, issued=TODAY + timedelta(days=3))  # not yet valid
    page = client.get(reverse("products:grading_list"))
    assert ("GR-1" in page.text, "GR-2" in page.text, "GR-3" in page.text, "GR-4" in page.text) == (
        True,
        True,
        False,
        False,
    )
    assert "AAAAA" in page.text
    filtered = client.get(reverse("products:grading_list"), {"grade": "3"})
    assert ("GR-1" in filtered.text, "GR-2" in filtered.text) == (False, True)
    rows = list(csv.reader(io.StringIO(text_of(client.get(reverse("products:grading_download", args=["csv"]))))))
    assert rows[0][0].startswith("# Data vintage: ")
    assert sorted((r[6], r[3]) for r in rows[2:]) == [("GR-1", "AAAAA"), ("GR-2", "AAA")]


def test_a_report_number_is_unique_per_certifying_body(shenzhen_enterprise):
    grading(shenzhen_enterprise, 1)
    grading(shenzhen_enterprise, 1, body="另一认证机构")
    with pytest.raises(ValidationError, match="Report number"):
        grading(shenzhen_enterprise, 1)
    assert GradingRecord.objects.count() == 2


# --- Inspections ----------------------------------------------------------------------------------------------


@pytest.fixture
def unpublished_batch(guangdong_officer, guangzhou_enterprise):
    batch, _ = services.inspection_import(
        data=workbook_bytes([row(guangzhou_enterprise, product="秘密光伏组件")]),
        name="pv.xlsx",
        meta=meta(category="pv_module", title_zh="未发布光伏抽查", publish=False),
        by=guangdong_officer,
    )
    return batch


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_inspection_page_shows_published_batches_and_results_only(
    client, published_batch, unpublished_batch, language
):
    page = client.get(reverse("products:inspection_list"), headers={"accept-language": language})
    assert page.status_code == 200
    assert published_batch.title_zh in page.text or published_batch.title_en in page.text
    assert "未发布光伏抽查" not in page.text
    assert "秘密光伏组件" not in page.text
    assert page.text.count("过充 Overcharge") == 2
    assert (published_batch.title_zh if language == "zh-hans" else "Failed") in page.text


def test_the_inspection_results_filter_and_download_with_formulas_neutralised(client, published_batch):
    failed = client.get(reverse("products:inspection_list"), {"result": "failed"})
    assert failed.text.count("过充 Overcharge") == 2
    assert "S004" not in failed.text
    assert "S000" not in client.get(reverse("products:inspection_list"), {"province": "110000"}).text
    assert "S000" not in client.get(reverse("products:inspection_list"), {"category": "pv_module"}).text
    published_batch.results.filter(row=2).update(defects="=HYPERLINK(1)")
    rows = list(csv.reader(io.StringIO(text_of(client.get(reverse("products:inspection_download", args=["csv"]))))))
    assert len(rows) == 2 + 7  # the data vintage, the header, the results
    assert rows[0][0].startswith("# Data vintage: ")
    assert rows[2][10] == "'=HYPERLINK(1)"
    assert {r[9] for r in rows[2:]} == {"Passed", "Failed"}


def test_a_batch_page_shows_its_results_and_failure_rate_per_province(client, published_batch):
    page = client.get(reverse("products:inspection_detail", args=[published_batch.pk]))
    assert page.status_code == 200
    assert "Guangdong" in page.text
    assert "40%" in page.text


def test_an_unpublished_batch_is_hidden_from_the_public_and_other_authorities(
    client, unpublished_batch, shenzhen_officer
):
    url = reverse("products:inspection_detail", args=[unpublished_batch.pk])
    assert client.get(url).status_code == 404
    assert AuditLog.objects.filter(action=AuditAction.ACCESS_DENIED, object_id=str(unpublished_batch.pk)).exists()
    client.force_login(shenzhen_officer)
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    assert not InspectionBatch.objects.get().is_published


def test_the_importing_authority_sees_and_publishes_its_batch(client, unpublished_batch, guangdong_officer):
    client.force_login(guangdong_officer)
    url = reverse("products:inspection_detail", args=[unpublished_batch.pk])
    page = client.get(url)
    assert "秘密光伏组件" in page.text
    assert 'type="submit"' in page.text
    assert client.post(url).status_code == 302
    assert InspectionBatch.objects.get().is_published
    assert "秘密光伏组件" in client.get(reverse("products:inspection_list")).text


# --- Import pages ---------------------------------------------------------------------------------------------


def form_data(content, *, action="import", name="results.xlsx", **changes):
    data = {
        "category": "lithium_battery",
        "title_zh": "锂电池抽查",
        "title_en": "Battery spot check",
        "year": "2026",
        "batch_label": "",
        "authority": "GD",
        "publish": "on",
        "action": action,
        "file": upload(content, name=name),
    }
    return {**data, **changes}


def test_the_import_page_is_for_authorities_and_miit(client, alice, guangdong_officer):
    client.force_login(alice)
    assert client.get(reverse("products:inspection_import")).status_code == 403
    assert client.get(reverse("products:inspection_template")).status_code == 403
    client.force_login(guangdong_officer)
    page = client.get(reverse("products:inspection_import"))
    assert page.status_code == 200
    assert 'value="GD"' in page.text
    assert "MIIT (national)" not in page.text
    template = client.get(reverse("products:inspection_template"))
    assert template["Content-Type"] == XLSX
    sheet = openpyxl.load_workbook(io.BytesIO(template.content))["inspections"]
    assert next(sheet.iter_rows(values_only=True)) == HEADER


def test_the_dry_run_page_says_what_would_be_stored(client, guangdong_officer, guangzhou_enterprise):
    client.force_login(guangdong_officer)
    content = workbook_bytes(failing_rows([guangzhou_enterprise], samples=3, failed=1))
    page = client.post(reverse("products:inspection_import"), form_data(content, action="check"))
    assert page.status_code == 200
    assert "3 samples of 1 enterprises, 1 failed. Nothing has been stored yet." in page.text
    assert not InspectionBatch.objects.exists()


def test_importing_on_the_page_runs_the_job_and_shows_the_batch(
    client, guangdong_officer, guangzhou_enterprise, django_capture_on_commit_callbacks
):
    client.force_login(guangdong_officer)
    content = workbook_bytes(failing_rows([guangzhou_enterprise], samples=3, failed=1))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("products:inspection_import"), form_data(content))
    job = Job.objects.get()
    assert response.url == reverse("products:inspection_job", args=[job.pk])
    batch = InspectionBatch.objects.get()
    page = client.get(response.url, follow=True)
    assert page.redirect_chain[-1][0] == reverse("products:inspection_detail", args=[batch.pk])
    assert "Imported: 3 samples, 1 failed." in page.text
    again = client.post(reverse("products:inspection_import"), form_data(content), follow=True)
    assert "This file was already imported" in again.text
    assert InspectionBatch.objects.count() == 1


def test_a_bad_file_on_the_page_lists_its_problems_and_stores_nothing(client, guangdong_officer, beijing_enterprise):
    client.force_login(guangdong_officer)
    page = client.post(reverse("products:inspection_import"), form_data(workbook_bytes([row(beijing_enterprise)])))
    assert page.status_code == 400
    assert "The workbook has 1 problems; nothing was stored." in page.text
    assert 'id="problems"' in page.text
    assert "is outside the area of" in page.text
    wrong = client.post(reverse("products:inspection_import"), form_data(b"%PDF-1.7", name="results.pdf"))
    assert wrong.status_code == 400
    assert "Only Excel workbooks (.xlsx) are accepted" in wrong.text
    assert (InspectionBatch.objects.count(), Job.objects.count()) == (0, 0)


def test_someone_elses_import_job_is_a_404(client, miit_officer, guangdong_officer, guangzhou_enterprise):
    job = services.inspection_import_start(
        file=upload(workbook_bytes([row(guangzhou_enterprise)])), meta=meta(), by=miit_officer
    )
    client.force_login(guangdong_officer)
    assert client.get(reverse("products:inspection_job", args=[job.pk])).status_code == 404
    client.force_login(miit_officer)
    assert client.get(reverse("products:inspection_job", args=[job.pk])).status_code == 200


def test_the_navigation_and_the_authority_home_link_to_the_pages(client, guangdong_officer):
    assert reverse("products:entry_list") in client.get(reverse("home")).text
    client.force_login(guangdong_officer)
    assert reverse("products:inspection_import") in client.get(reverse("home")).text


# --- API ------------------------------------------------------------------------------------------------------


def test_the_api_lists_published_results_only(client, published_batch, unpublished_batch):
    body = client.get("/api/v1/inspections/", {"result": "failed"}).json()
    assert body["count"] == 2
    assert {r["batch"] for r in body["results"]} == {published_batch.pk}
    assert body["results"][0]["category"] == "lithium_battery"
    hidden = unpublished_batch.results.get().pk
    assert client.get(f"/api/v1/inspections/{hidden}/").status_code == 404


# --- The public profile ---------------------------------------------------------------------------------------


def test_a_profile_with_nothing_published_is_a_404_and_audited(client, shenzhen_enterprise, unpublished_batch):
    url = reverse("enterprises:public_profile", args=[shenzhen_enterprise.pk])
    assert client.get(url).status_code == 404
    assert AuditLog.objects.filter(
        action=AuditAction.ACCESS_DENIED, object_id=str(shenzhen_enterprise.pk), details__reason="nothing_published"
    ).exists()
    guangzhou = unpublished_batch.results.get().enterprise_id
    assert client.get(reverse("enterprises:public_profile", args=[guangzhou])).status_code == 404
    assert client.get(reverse("enterprises:public_profile", args=[987654])).status_code == 404


def publish_everything_for(enterprise):
    grading(enterprise, 90)
    grading(enterprise, 91, issued=TODAY - timedelta(days=800), days=365)
    brand_list = BrandList.objects.create(name_zh="品牌名单", year=2025, issuer="MIIT")
    BrandEntry.objects.create(
        brand_list=brand_list, brand="精工牌", owner=enterprise, brand_type="enterprise", region_id=enterprise.region_id
    )
    Lab.objects.create(
        name_zh="电池安全实验室",
        host=enterprise,
        product_field="电池",
        region_id=enterprise.region_id,
        batch=2025,
        accredited_on=date(2025, 1, 1),
        reassessment_due=date(2028, 1, 1),
    )


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_profile_shows_everything_published_about_the_enterprise(
    client, shenzhen_enterprise, three_products, published_batch, language
):
    publish_everything_for(shenzhen_enterprise)
    page = client.get(
        reverse("enterprises:public_profile", args=[shenzhen_enterprise.pk]), headers={"accept-language": language}
    )
    assert page.status_code == 200
    assert shenzhen_enterprise.credit_code in page.text
    for marker in ('id="three-products"', 'id="grading"', 'id="inspections"', 'id="brands"', 'id="labs"'):
        assert marker in page.text
    assert "GR-90" in page.text
    assert "GR-91" in page.text  # expired, and marked so
    if language == "en":
        assert "(expired)" in page.text
    assert "精工牌" in page.text
    assert "电池安全实验室" in page.text
    assert 'id="platforms"' not in page.text


def test_the_profile_query_count_does_not_grow_with_what_is_published(
    client, shenzhen_enterprise, three_products, published_batch, miit_officer, django_assert_max_num_queries
):
    publish_everything_for(shenzhen_enterprise)
    url = reverse("enterprises:public_profile", args=[shenzhen_enterprise.pk])
    with django_assert_max_num_queries(10):
        assert client.get(url).status_code == 200
    for number in range(5):
        grading(shenzhen_enterprise, 100 + number)
    services.inspection_import(
        data=workbook_bytes(failing_rows([shenzhen_enterprise], samples=8, failed=1, start=50)),
        name="more.xlsx",
        meta=meta(title_zh="第二批"),
        by=miit_officer,
    )
    with django_assert_max_num_queries(10):
        assert client.get(url).status_code == 200


def test_the_registers_show_what_is_published_whoever_asks(
    published_batch, unpublished_batch, three_products, guangdong_officer, miit_officer
):

    for user in (AnonymousUser(), guangdong_officer, miit_officer):
        assert {r.batch_id for r in selectors.result_list(user=user)} == {published_batch.pk}
        assert {e.products_list_id for e in selectors.entry_list(user=user)} == {three_products[0].pk}
    assert selectors.batch_results(user=guangdong_officer, batch=unpublished_batch).count() == 1


def test_the_inspection_page_query_count_does_not_grow_with_results(
    client, published_batch, miit_officer, beijing_enterprise, django_assert_max_num_queries
):
    url = reverse("products:inspection_list")
    with django_assert_max_num_queries(6):
        assert client.get(url).status_code == 200
    services.inspection_import(
        data=workbook_bytes(failing_rows([beijing_enterprise], samples=20, failed=2, start=100)),
        name="more.xlsx",
        meta=meta(title_zh="第三批"),
        by=miit_officer,
    )
    with django_assert_max_num_queries(6):
        assert client.get(url).status_code == 200


def test_the_three_products_map_follows_the_filters(client, three_products):
    page = client.get(reverse("products:entry_list"), {"province": "110000"})
    payload = page.context["registry_map"]["payload"]
    assert set(payload["provinces"]) == {"110000"}
    assert "Eye-care lamp" in [e["label"] for m in payload["markers"] for e in m["entries"]]
