"""The demo's product-quality data: every kind, marked as demo, imported through the import service, with one
province (Guangdong) over the failure-rate threshold; seeding again adds nothing."""

import random

import pytest

from indices.warning_services import warnings_raise
from products.demo import seed_products
from products.models import GradingRecord, InspectionBatch, ThreeProductsEntry, ThreeProductsList
from tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def enterprises(db):
    cities = ["440300", "440100", "440600", "320100", "320500", "330100", "330200", "350100", "370200", "370100"]
    return [EnterpriseFactory(region_id=city) for city in cities] + [
        EnterpriseFactory(region_id="440300", status="pending")
    ]


def test_the_demo_seeds_every_kind_through_the_import_and_warns_guangdong(enterprises, miit_officer):
    summary = seed_products(rng=random.Random(1), enterprises=enterprises, by=miit_officer)
    assert summary == {
        "three_products_entries": 10,
        "grading_records": 20,
        "inspection_batches": 2,
        "inspection_results": 25 + 25,
    }
    assert "演示" in ThreeProductsList.objects.get().name_zh
    assert all("演示" in r.product_zh and r.report_number.startswith("DEMO-") for r in GradingRecord.objects.all())
    assert not ThreeProductsEntry.objects.filter(enterprise__status="pending").exists()
    batches = InspectionBatch.objects.order_by("category")
    assert [(b.category, b.is_published, len(b.source_sha256)) for b in batches] == [
        ("lithium_battery", True, 64),
        ("pv_module", True, 64),
    ]
    assert GradingRecord.objects.filter(valid_until__lt=batches[0].imported_at.date()).count() == 2
    raised = [w for w in warnings_raise() if w.kind == "inspection_failure_rate"]
    assert [(w.region_code, w.details["failed"], w.details["samples"]) for w in raised] == [("440000", 3, 9)]
    assert seed_products(rng=random.Random(1), enterprises=enterprises, by=miit_officer) == summary
