import datetime
from collections import Counter
from zoneinfo import ZoneInfo

import pytest
import time_machine

from accounts.models import User
from brands.models import BrandAssessment, BrandEntry, BrandList
from core.demo import DEMO_USERS, seed_demo
from enterprises import credit_code
from enterprises.models import Enterprise
from evaluations.choices import CertificateStatus, EvaluationStatus
from evaluations.models import Certificate, Evaluation
from indices.models import ALL, EvaluationFact, IndexCell
from labs.models import Lab
from pilots.models import Platform, Scenario, ServiceRequest
from products.models import GradingRecord, InspectionBatch, ThreeProductsEntry, ThreeProductsList
from selections.models import Application, Call, Case
from training.models import Enrolment

TODAY = datetime.datetime(2026, 11, 30, 10, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.mark.django_db
def test_demo_data_is_valid_spread_and_idempotent():
    summary = seed_demo(enterprises=300, seed=7)
    codes = list(Enterprise.objects.values_list("credit_code", flat=True))
    assert len(codes) == 300 + summary["history"]["enterprises_added"]
    assert all(credit_code.is_valid(code) for code in codes)
    provinces = Counter(Enterprise.objects.values_list("region__parent_id", flat=True))
    assert provinces["440000"] > provinces["620000"]
    assert provinces["320000"] > provinces["630000"]
    assert User.objects.filter(username__in=[d.username for d in DEMO_USERS]).count() == len(DEMO_USERS)

    evaluations = Evaluation.objects.count()
    seed_demo(enterprises=300, seed=7)
    assert Enterprise.objects.count() == len(codes)
    assert Evaluation.objects.count() == evaluations
    assert sorted(Enterprise.objects.values_list("credit_code", flat=True)) == sorted(codes)


@pytest.mark.django_db
def test_same_seed_gives_the_same_enterprises():
    seed_demo(enterprises=50, seed=3)
    first = sorted(Enterprise.objects.values_list("credit_code", "name_zh"))
    InspectionBatch.objects.all().delete()  # its results with it
    GradingRecord.objects.all().delete()
    ThreeProductsEntry.objects.all().delete()
    ThreeProductsList.objects.all().delete()
    BrandAssessment.objects.all().delete()
    BrandEntry.objects.all().delete()
    BrandList.objects.all().delete()
    ServiceRequest.objects.all().delete()
    Scenario.objects.all().delete()
    Platform.objects.all().delete()
    Lab.objects.all().delete()
    Case.objects.all().delete()
    Application.objects.all().delete()
    Call.objects.all().delete()
    Certificate.objects.all().delete()
    Evaluation.objects.all().delete()
    Enrolment.objects.all().delete()  # a training record keeps the enterprise the person belonged to
    Enterprise.objects.all().delete()
    seed_demo(enterprises=50, seed=3)
    assert sorted(Enterprise.objects.values_list("credit_code", "name_zh")) == first


@pytest.mark.django_db
def test_demo_history_gives_the_index_four_years_of_published_results():
    with time_machine.travel(TODAY, tick=False):
        seed_demo(enterprises=300, seed=7)
    today = TODAY.date()

    published = Evaluation.objects.filter(status__in=["published", "expired", "revoked"])
    assert set(published.values_list("cycle", flat=True)) >= {2023, 2024, 2025, 2026}
    imported = published.filter(history__from_status="", history__to_status=EvaluationStatus.PUBLISHED)
    assert imported.filter(official_score__isnull=False, consensus__isnull=False).distinct().count() > 400
    assert Certificate.objects.filter(status=CertificateStatus.EXPIRED).exists()
    assert Certificate.objects.filter(status=CertificateStatus.REVOKED).count() >= 2
    # every published evaluation and every submitted self-assessment has its fact
    assert EvaluationFact.objects.filter(layer="official").count() == published.count()

    totals = IndexCell.objects.filter(industry_code=ALL, size_class=ALL)
    provinces = totals.filter(region_level="province")
    assert set(provinces.values_list("year", flat=True)) >= {2023, 2024, 2025, 2026}
    assert provinces.filter(year=2026, n__gte=5).count() >= 20
    assert provinces.filter(year=2026, n__lt=5, n__gt=0).exists()  # and some stay suppressed on the public map
    assert provinces.filter(year__in=[2025, 2026], n__gte=5, index_change__lte=-3).exists()
    assert provinces.filter(year=2026, n__gte=5, coverage_change__lt=0).exists()
    assert totals.filter(region_level="city", year=2026, n__gte=5).exists()
    country = dict(totals.filter(region_level="country").values_list("year", "index"))
    assert country[2023] < country[2024] < country[2025] < country[2026]
    expiring = Certificate.objects.filter(
        status=CertificateStatus.VALID, valid_until__gte=today, valid_until__lte=today + datetime.timedelta(days=90)
    )
    assert expiring.exists()

    # The annual summaries: 2024 and 2025 in mixed states; every frozen KPI block equals the same figures
    # counted independently from the demo data (tests/summaries/independent.py), as does a fresh computation.
    from enterprises.models import Authority
    from summaries.kpis import kpis_compute
    from summaries.models import AnnualSummary
    from tests.summaries.independent import assert_figures_match, expected_figures

    statuses = {year: Counter() for year in (2024, 2025)}
    for summary in AnnualSummary.objects.select_related("template"):
        statuses[summary.template.year][summary.board_status] += 1
    assert statuses[2024]["accepted"] >= 25
    assert statuses[2024]["late"] >= 1
    assert {"accepted", "submitted", "late", "returned", "draft"} <= set(statuses[2025])
    assert sum(statuses[2025].values()) < 37  # some have not started
    assert AnnualSummary.objects.get(template__year=2025, authority="GD").status == "returned"
    submitted = AnnualSummary.objects.filter(submitted_at__isnull=False).select_related("template", "authority")
    for code in ("GD", "SZ", "BJ", "XJ", "XPCC", "JS"):
        authority = Authority.objects.get(code=code)
        for year in (2024, 2025):
            with time_machine.travel(TODAY, tick=False):
                expected = expected_figures(authority, year, today=today)
                assert_figures_match(kpis_compute(authority=authority, year=year), expected)
    for summary in submitted:
        if summary.authority_id in ("GD", "SZ", "BJ", "XJ", "XPCC", "JS"):
            expected = expected_figures(summary.authority, summary.template.year, today=today)
            assert_figures_match(summary.kpis, expected)
