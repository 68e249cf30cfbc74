"""Brand lists (issue 6 item 4, the lists): a published brand application becomes an entry of its call's list;
MIIT revokes an entry with a reason; the public lists search, filter and download."""

import csv
import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from brands import selectors, services
from brands.models import BrandEntry, BrandList
from core.exceptions import NotPermitted
from selections.choices import CallKind
from tests.labs.conftest import make_call, publish
from tests.selections.data import TODAY

pytestmark = pytest.mark.django_db

BRAND = {
    "summary": "A sewing-machine maker since 1958.",
    "contact_name": "Zhao Liu",
    "contact_phone": "020-55556666",
    "brand": "=Feiyue",
    "brand_type": "product",
    "category": "historic_classic",
    "field": "Light industry",
    "founded": "1958-06-01",
}


@pytest.fixture
def entry(miit_officer, alice, shenzhen_enterprise, shenzhen_officer):
    call = make_call(miit_officer, kind=CallKind.BRAND)
    publish(
        call,
        enterprise=shenzhen_enterprise,
        member=alice,
        officer=shenzhen_officer,
        miit=miit_officer,
        title="飞跃",
        data=BRAND,
    )
    return BrandEntry.objects.get()


def test_a_published_brand_application_becomes_an_entry_of_its_calls_list(entry, shenzhen_enterprise):
    brand_list = BrandList.objects.get()
    assert (brand_list.name_en, brand_list.year, brand_list.issuer) == (
        "Laboratory selection",
        TODAY.year,
        "工业和信息化部 MIIT",
    )
    assert (entry.brand, entry.owner, entry.brand_type, entry.category, entry.status) == (
        "=Feiyue",
        shenzhen_enterprise,
        "product",
        "historic_classic",
        "valid",
    )


def test_only_miit_revokes_an_entry_with_a_reason(entry, shenzhen_officer, miit_officer):
    with pytest.raises(NotPermitted):
        services.entry_revoke(entry=entry, reason="Spot check failed.", by=shenzhen_officer)
    with pytest.raises(ValidationError):
        services.entry_revoke(entry=entry, reason="", by=miit_officer)
    services.entry_revoke(entry=entry, reason="Spot check failed.", by=miit_officer)
    entry.refresh_from_db()
    assert (entry.status, entry.revoked_on, entry.revoked_reason) == ("revoked", TODAY, "Spot check failed.")
    with pytest.raises(services.BrandError, match="already revoked"):
        services.entry_revoke(entry=entry, reason="Again.", by=miit_officer)


def test_the_lists_search_filter_and_download_with_formulas_neutralised(client, entry, miit_officer):
    assert list(selectors.entry_list(search="Feiyue", category="historic_classic", province="440000")) == [entry]
    assert list(selectors.entry_list(brand_type="cluster")) == []
    assert "=Feiyue" in client.get(reverse("brands:entry_list"), {"q": "Feiyue"}).text
    rows = list(
        csv.reader(io.StringIO(client.get(reverse("brands:entry_download", args=["csv"])).content.decode("utf-8-sig")))
    )
    assert rows[0][0].startswith("# Data vintage: ")  # when the data were read, before the header row
    assert rows[2][2] == "'=Feiyue"
    client.force_login(miit_officer)
    client.post(reverse("brands:entry_list"), {"entry": entry.pk, "reason": "Spot check failed."})
    api = client.get(reverse("api:brand-list"), {"status": "revoked"}).json()["results"]
    assert (api[0]["brand"], api[0]["revoked_reason"]) == ("=Feiyue", "Spot check failed.")


def test_the_list_puts_each_entry_on_the_map_in_its_city_linking_its_owners_profile(client, entry):
    page = client.get(reverse("brands:entry_list"))
    markers = page.context["registry_map"]["payload"]["markers"]
    assert [(m["region"], [e["label"] for e in m["entries"]]) for m in markers] == [(entry.region_id, [entry.brand])]
    assert markers[0]["entries"][0]["url"] == reverse("enterprises:public_profile", args=[entry.owner_id])
    assert 'id="registry-map-data"' in page.text
