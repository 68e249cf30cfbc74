"""The lab registry (issue 6 item 2): accredited through a published application, re-assessed (and renamed)
through a re-assessment call, revoked by MIIT, reported on by its host; its re-assessment raises an early
warning 90 days ahead; the public registry with search and downloads."""

import csv
import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.exceptions import NotPermitted
from evaluations.working_days import add_years
from indices.models import EarlyWarning
from indices.warning_services import warnings_raise
from labs import services
from labs.models import Lab, LabEvent, LabStatus
from selections.choices import ApplicationStatus, CallKind
from selections.models import Application
from tests.labs.conftest import LAB_ANSWERS, make_call, publish
from tests.selections.data import DAY, TODAY

pytestmark = pytest.mark.django_db


@pytest.fixture
def lab(lab_call, alice, shenzhen_enterprise, shenzhen_officer, miit_officer):
    publish(
        lab_call,
        enterprise=shenzhen_enterprise,
        member=alice,
        officer=shenzhen_officer,
        miit=miit_officer,
        title="深圳电池安全实验室",
        data=LAB_ANSWERS,
    )
    return Lab.objects.get()


def test_a_published_lab_application_becomes_an_accredited_lab_due_in_three_years(lab, shenzhen_enterprise):
    assert (lab.name_zh, lab.host, lab.product_field, lab.region_id) == (
        "深圳电池安全实验室",
        shenzhen_enterprise,
        "Lithium-ion batteries",
        "440300",
    )
    assert (lab.accredited_on, lab.reassessment_due, lab.status) == (TODAY, add_years(TODAY, 3), LabStatus.ACTIVE)
    assert list(lab.events.values_list("kind", flat=True)) == ["accredited"]


def test_a_reassessment_passes_renames_and_sets_the_next_due_day(
    lab, alice, shenzhen_enterprise, shenzhen_officer, miit_officer
):
    Lab.objects.filter(pk=lab.pk).update(reassessment_due=TODAY + 10 * DAY)
    call = make_call(miit_officer, kind=CallKind.LAB_REASSESSMENT)
    answers = {
        "summary": "Three years of work.",
        "contact_name": "Li Si",
        "contact_phone": "0755-87654321",
        "achievements": "120 standards-based test methods.",
        "new_name_zh": "深圳新能源电池安全实验室",
    }
    publish(
        call,
        enterprise=shenzhen_enterprise,
        member=alice,
        officer=shenzhen_officer,
        miit=miit_officer,
        title="复核",
        data=answers,
    )
    lab.refresh_from_db()
    assert (lab.name_zh, lab.reassessment_due) == ("深圳新能源电池安全实验室", add_years(TODAY, 3))
    renamed = lab.events.get(kind="renamed")
    assert renamed.details["from"]["name_zh"] == "深圳电池安全实验室"
    assert list(lab.events.values_list("kind", flat=True)) == ["accredited", "renamed", "reassessed"]


def test_a_reassessment_of_a_host_without_a_lab_is_refused_and_nothing_is_published(
    bob, guangzhou_enterprise, guangdong_officer, miit_officer
):
    call = make_call(miit_officer, kind=CallKind.LAB_REASSESSMENT)
    answers = {"summary": "x", "contact_name": "x", "contact_phone": "1", "achievements": "x"}
    with pytest.raises(services.LabError, match="hosts no accredited laboratory"):
        publish(
            call,
            enterprise=guangzhou_enterprise,
            member=bob,
            officer=guangdong_officer,
            miit=miit_officer,
            title="复核",
            data=answers,
        )
    assert Application.objects.get().status == ApplicationStatus.SELECTED  # the publication was rolled back


def test_only_miit_revokes_with_a_reason_and_a_revoked_lab_stops_reporting(lab, alice, shenzhen_officer, miit_officer):
    with pytest.raises(NotPermitted):
        services.lab_revoke(lab=lab, reason="Failed.", by=shenzhen_officer)
    with pytest.raises(ValidationError):
        services.lab_revoke(lab=lab, reason=" ", by=miit_officer)
    services.lab_revoke(lab=lab, reason="Re-assessment missed.", by=miit_officer)
    lab.refresh_from_db()
    assert (lab.status, lab.revoked_on) == (LabStatus.REVOKED, TODAY)
    assert LabEvent.objects.get(lab=lab, kind="revoked").note == "Re-assessment missed."
    with pytest.raises(services.LabError, match="no longer reports"):
        services.annual_report_submit(lab=lab, year=TODAY.year, values={}, by=alice)


REPORT = {
    "capabilities": "Cell and pack abuse tests.",
    "staff": 48,
    "equipment": 120,
    "projects": 9,
    "reports_issued": 1400,
    "standards_drafted": 2,
}


def test_the_host_reports_each_year_and_a_bad_report_changes_nothing(lab, alice, bob):
    with pytest.raises(NotPermitted):
        services.annual_report_submit(lab=lab, year=TODAY.year, values=REPORT, by=bob)
    services.annual_report_submit(lab=lab, year=TODAY.year, values=REPORT, by=alice)
    with pytest.raises(ValidationError) as refused:
        services.annual_report_submit(lab=lab, year=TODAY.year, values={**REPORT, "staff": -1}, by=alice)
    assert "staff" in refused.value.message_dict
    with pytest.raises(ValidationError, match="Report a year from"):
        services.annual_report_submit(lab=lab, year=TODAY.year + 1, values=REPORT, by=alice)
    services.annual_report_submit(lab=lab, year=TODAY.year, values={**REPORT, "projects": 11}, by=alice)
    assert list(lab.reports.values_list("year", "staff", "projects")) == [(TODAY.year, 48, 11)]


def test_a_reassessment_due_within_ninety_days_raises_one_warning_for_the_labs_region(lab):
    Lab.objects.filter(pk=lab.pk).update(reassessment_due=TODAY + 200 * DAY)
    warnings_raise(today=TODAY)
    assert not EarlyWarning.objects.filter(kind="lab_reassessment_due").exists()
    Lab.objects.filter(pk=lab.pk).update(reassessment_due=TODAY + 60 * DAY)
    warnings_raise(today=TODAY)
    warnings_raise(today=TODAY)
    warning = EarlyWarning.objects.get(kind="lab_reassessment_due")
    assert (warning.region_code, warning.details["days_left"]) == ("440300", 60)


def test_the_public_registry_searches_and_downloads_with_formulas_neutralised(client, lab):
    Lab.objects.filter(pk=lab.pk).update(product_field="=HYPERLINK(1)")
    page = client.get(reverse("labs:lab_list"), {"q": "电池"}, headers={"accept-language": "en"})
    assert "深圳电池安全实验室" in page.text
    assert "深圳电池安全实验室" not in client.get(reverse("labs:lab_list"), {"q": "光伏"}).text
    rows = list(
        csv.reader(io.StringIO(client.get(reverse("labs:lab_download", args=["csv"])).content.decode("utf-8-sig")))
    )
    assert rows[0][0].startswith("# Data vintage: ")  # when the data were read, before the header row
    assert rows[2][3] == "'=HYPERLINK(1)"
    assert client.get(reverse("labs:lab_download", args=["pdf"])).status_code == 404
    assert client.get(reverse("labs:lab_detail", args=[lab.pk])).status_code == 200
    api = client.get(reverse("api:lab-list")).json()["results"]
    assert api[0]["name_zh"] == "深圳电池安全实验室"


def test_the_host_reports_on_the_labs_page_and_sees_errors_on_the_fields(client, lab, alice):
    client.force_login(alice)
    url = reverse("labs:lab_detail", args=[lab.pk])
    response = client.post(url, {**REPORT, "year": TODAY.year, "staff": "-3"}, headers={"accept-language": "en"})
    assert response.status_code == 200
    assert "Ensure this value is greater than or equal to 0." in response.text
    assert not lab.reports.exists()
    client.post(url, {**REPORT, "year": TODAY.year})
    assert lab.reports.get().staff == 48
