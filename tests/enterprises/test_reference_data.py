import pytest

from enterprises.choices import RegionLevel
from enterprises.models import Authority, Industry, Region
from enterprises.services import reference_data_load


@pytest.mark.django_db
def test_reference_counts():
    assert Region.objects.filter(level=RegionLevel.PROVINCE).count() == 34
    assert Industry.objects.count() == 31
    assert Authority.objects.count() == 37
    assert Region.objects.filter(level=RegionLevel.CITY).count() > 330


@pytest.mark.django_db
def test_loading_twice_changes_nothing():
    before = (Region.objects.count(), Industry.objects.count(), Authority.objects.count())
    reference_data_load()
    assert (Region.objects.count(), Industry.objects.count(), Authority.objects.count()) == before


@pytest.mark.django_db
def test_authority_kinds_and_areas():
    kinds = {kind: Authority.objects.filter(kind=kind).count() for kind in ("province", "city", "xpcc")}
    assert kinds == {"province": 31, "city": 5, "xpcc": 1}
    guangdong, shenzhen = Authority.objects.get(code="GD"), Authority.objects.get(code="SZ")
    assert guangdong.covers("440300")
    assert shenzhen.covers("440300")
    assert not shenzhen.covers("440100")
    assert not Authority.objects.get(code="XJ").covers("659001")
    assert Authority.objects.get(code="XPCC").covers("659001")


@pytest.mark.django_db
def test_names_in_both_languages():
    shenzhen = Region.objects.get(code="440300")
    assert (shenzhen.name_zh, shenzhen.name_en, shenzhen.parent_id) == ("深圳市", "Shenzhen", "440000")
    assert Industry.objects.get(code="39").name_zh == "计算机、通信和其他电子设备制造业"
    assert not Region.objects.filter(name_en="").exists()
