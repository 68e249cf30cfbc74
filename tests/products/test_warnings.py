"""The early warning for inspection failure rates: the rule on hand-made tallies, and raising it end to end once a
batch is published."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import translation

from config.env import env_float
from indices import warnings as rules
from indices.choices import WarningKind
from indices.models import EarlyWarning
from indices.warning_selectors import warning_list
from indices.warning_services import warnings_raise
from products import services
from products.selectors import InspectionTally, inspection_tallies
from tests.products.conftest import failing_rows, meta, workbook_bytes


def tally(samples, failed, *, batch=7, province="440000"):
    return InspectionTally(
        batch_id=batch,
        year=2026,
        category="lithium_battery",
        title_zh="锂电池抽查",
        title_en="Battery spot check",
        province_code=province,
        samples=samples,
        failed=failed,
    )


def test_a_failure_rate_above_the_threshold_is_a_warning_for_the_province():
    [finding] = rules.inspection_failures([tally(10, 2)], threshold=0.10)
    assert (finding.kind, finding.key, finding.region_code, finding.industry_code, finding.year) == (
        WarningKind.INSPECTION_FAILURE_RATE,
        "inspection_failure_rate:7:440000",
        "440000",
        "",
        2026,
    )
    assert finding.details == {
        "batch_id": 7,
        "category": "lithium_battery",
        "title_zh": "锂电池抽查",
        "title_en": "Battery spot check",
        "samples": 10,
        "failed": 2,
        "rate": 0.2,
        "threshold": 0.1,
    }


def test_a_rate_at_or_below_the_threshold_is_no_warning():
    assert rules.inspection_failures([tally(10, 1), tally(20, 0, province="320000")], threshold=0.10) == []


def test_a_province_needs_five_samples():
    assert rules.INSPECTION_MIN_SAMPLES == 5
    assert rules.inspection_failures([tally(4, 4)], threshold=0.10) == []
    assert len(rules.inspection_failures([tally(5, 1)], threshold=0.10)) == 1


def test_each_batch_and_province_is_its_own_finding():
    found = rules.inspection_failures(
        [tally(5, 1), tally(5, 1, province="330000"), tally(5, 1, batch=8)], threshold=0.10
    )
    assert [f.key for f in found] == [
        "inspection_failure_rate:7:440000",
        "inspection_failure_rate:7:330000",
        "inspection_failure_rate:8:440000",
    ]


def test_the_warning_reads_in_words_in_the_readers_language():
    details = rules.inspection_failures([tally(8, 2)], threshold=0.10)[0].details
    assert rules.describe(WarningKind.INSPECTION_FAILURE_RATE, details) == (
        "2 of 8 samples failed in Battery spot check: 25.0%, above the threshold of 10.0%."
    )
    with translation.override("zh-hans"):
        assert "锂电池抽查" in rules.describe(WarningKind.INSPECTION_FAILURE_RATE, details)


def test_the_threshold_comes_from_the_environment_strictly(monkeypatch):
    monkeypatch.setenv("INSPECTION_FAILURE_RATE_WARNING", "0.25")
    assert env_float("INSPECTION_FAILURE_RATE_WARNING", default=0.1, minimum=0, maximum=1) == 0.25
    for bad in ("ten percent", "1.5", "nan"):
        monkeypatch.setenv("INSPECTION_FAILURE_RATE_WARNING", bad)
        with pytest.raises(ImproperlyConfigured):
            env_float("INSPECTION_FAILURE_RATE_WARNING", default=0.1, minimum=0, maximum=1)


# --- End to end ------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_tallies_count_published_batches_per_province_in_one_query(published_batch, django_assert_num_queries):
    with django_assert_num_queries(1):
        tallies = inspection_tallies()
    assert [(t.batch_id, t.province_code, t.samples, t.failed) for t in tallies] == [
        (published_batch.pk, "110000", 2, 0),
        (published_batch.pk, "440000", 5, 2),
    ]


@pytest.mark.django_db
def test_raising_stores_one_warning_for_the_province_over_the_threshold(
    published_batch, guangdong_officer, shenzhen_officer
):
    [warning] = warnings_raise()
    assert (warning.kind, warning.key, warning.region_code, warning.year) == (
        "inspection_failure_rate",
        f"inspection_failure_rate:{published_batch.pk}:440000",
        "440000",
        2026,
    )
    assert warning.details["rate"] == 0.4
    assert warnings_raise() == []
    assert list(warning_list(user=guangdong_officer)) == [warning]
    assert list(warning_list(user=shenzhen_officer)) == []  # a province's warning is Guangdong's, not Shenzhen's


@pytest.mark.django_db
def test_the_threshold_setting_decides(published_batch, settings):
    settings.INSPECTION_FAILURE_RATE_WARNING = 0.4
    assert warnings_raise() == []


@pytest.mark.django_db
def test_an_unpublished_batch_raises_nothing_until_it_is_published(
    miit_officer, shenzhen_enterprise, guangzhou_enterprise, django_capture_on_commit_callbacks
):
    rows = failing_rows([shenzhen_enterprise, guangzhou_enterprise], samples=5, failed=3)
    batch, _ = services.inspection_import(
        data=workbook_bytes(rows), name="b.xlsx", meta=meta(publish=False), by=miit_officer
    )
    assert warnings_raise() == []
    with django_capture_on_commit_callbacks(execute=True):
        services.inspection_batch_publish(batch=batch, by=miit_officer)
    assert EarlyWarning.objects.get().key == f"inspection_failure_rate:{batch.pk}:440000"


@pytest.mark.django_db
def test_an_import_that_publishes_raises_the_warning_after_it_commits(
    miit_officer, shenzhen_enterprise, guangzhou_enterprise, django_capture_on_commit_callbacks
):
    rows = failing_rows([shenzhen_enterprise, guangzhou_enterprise], samples=6, failed=2)
    with django_capture_on_commit_callbacks(execute=True):
        batch, _ = services.inspection_import(data=workbook_bytes(rows), name="b.xlsx", meta=meta(), by=miit_officer)
    assert EarlyWarning.objects.get().key == f"inspection_failure_rate:{batch.pk}:440000"
