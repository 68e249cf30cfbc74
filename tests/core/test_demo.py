from collections import Counter

import pytest

from accounts.models import User
from core.demo import DEMO_USERS, seed_demo
from enterprises import credit_code
from enterprises.models import Enterprise
from evaluations.models import Evaluation


@pytest.mark.django_db
def test_demo_data_is_valid_spread_and_idempotent():
    seed_demo(enterprises=300, seed=7)
    codes = list(Enterprise.objects.values_list("credit_code", flat=True))
    assert len(codes) == 300
    assert all(credit_code.is_valid(code) for code in codes)
    provinces = Counter(Enterprise.objects.values_list("region__parent_id", flat=True))
    assert provinces["440000"] > provinces["620000"]
    assert provinces["320000"] > provinces["630000"]
    assert User.objects.filter(username__in=[d.username for d in DEMO_USERS]).count() == len(DEMO_USERS)

    evaluations = Evaluation.objects.count()
    seed_demo(enterprises=300, seed=7)
    assert Enterprise.objects.count() == 300
    assert Evaluation.objects.count() == evaluations
    assert sorted(Enterprise.objects.values_list("credit_code", flat=True)) == sorted(codes)


@pytest.mark.django_db
def test_same_seed_gives_the_same_enterprises():
    seed_demo(enterprises=50, seed=3)
    first = sorted(Enterprise.objects.values_list("credit_code", "name_zh"))
    Evaluation.objects.all().delete()
    Enterprise.objects.all().delete()
    seed_demo(enterprises=50, seed=3)
    assert sorted(Enterprise.objects.values_list("credit_code", "name_zh")) == first
