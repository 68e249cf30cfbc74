"""Pilot-scale scenarios (issue 6 item 3): a published application of a pilot-scenario call enters the public
scenario list, linked to the applicant's platform; the list is searched, filtered and downloaded."""

import io

import openpyxl
import pytest
from django.urls import reverse

from pilots.models import Platform, Scenario
from selections.choices import CallKind
from tests.labs.conftest import make_call, publish
from tests.selections.data import ANSWERS, TODAY

pytestmark = pytest.mark.django_db

SCENARIO = {
    "summary": "Thermal-runaway validation.",
    "contact_name": "Li Si",
    "contact_phone": "0755-87654321",
    "key_field": "new_energy",
    "industry_direction": "Power batteries",
    "scenario": "电池包热失控验证：针刺、过充与外部加热。",
    "results": "验证周期缩短 30%。",
}


@pytest.fixture
def published(miit_officer, alice, shenzhen_enterprise, shenzhen_officer):
    platform_call = make_call(miit_officer, kind=CallKind.PILOT_PLATFORM)
    publish(
        platform_call,
        enterprise=shenzhen_enterprise,
        member=alice,
        officer=shenzhen_officer,
        miit=miit_officer,
        title="深圳功率电子中试平台",
        data=ANSWERS,
    )
    call = make_call(miit_officer, kind=CallKind.PILOT_SCENARIO)
    publish(
        call,
        enterprise=shenzhen_enterprise,
        member=alice,
        officer=shenzhen_officer,
        miit=miit_officer,
        title="电池包热失控验证场景",
        data=SCENARIO,
    )
    return Scenario.objects.get()


def test_a_published_scenario_application_enters_the_list_linked_to_its_platform(published, shenzhen_enterprise):
    assert (published.title, published.enterprise, published.key_field, published.year) == (
        "电池包热失控验证场景",
        shenzhen_enterprise,
        "new_energy",
        TODAY.year,
    )
    assert published.platform == Platform.objects.get(host=shenzhen_enterprise)
    assert published.region_id == shenzhen_enterprise.region_id
    assert published.application.status == "published"


def test_anyone_finds_the_scenario_by_field_and_province_and_reads_it_in_chinese(client, published):
    url = reverse("pilots:scenario_list")
    assert "电池包热失控验证场景" in client.get(url, {"field": "new_energy", "province": "440000"}).content.decode()
    assert "电池包热失控验证场景" not in client.get(url, {"field": "equipment"}).content.decode()
    assert "电池包热失控验证场景" not in client.get(url, {"province": "110000"}).content.decode()
    assert "电池包热失控验证场景" in client.get(url, {"q": "热失控"}).content.decode()
    page = client.get(reverse("pilots:scenario_detail", args=[published.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans")
    body = page.content.decode()
    assert "验证周期缩短 30%" in body
    assert "深圳功率电子中试平台" in body
    platform = client.get(reverse("pilots:platform_detail", args=[published.platform_id])).content.decode()
    assert "电池包热失控验证场景" in platform


def test_the_scenario_list_downloads_as_a_spreadsheet(client, published):
    response = client.get(reverse("pilots:scenario_download", args=["xlsx"]))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert "电池包热失控验证场景" in rows[-1]
    assert "深圳功率电子中试平台" in rows[-1]
