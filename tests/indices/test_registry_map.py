"""Registries on the map: a marker inside each city's boundary, entries grouped by city, counts by province."""

import pytest
from shapely.geometry import Point, shape

from indices import geo
from indices.registry_map import Place, map_context, map_payload

pytestmark = pytest.mark.django_db


def test_each_citys_point_lies_inside_its_boundary_on_our_map():
    points = geo.city_points(["440300", "440100", "500100", "650100"])
    assert set(points) == {"440300", "440100", "500100", "650100"}
    for code, (lon, lat) in points.items():
        collection = geo.cities_map(f"{code[:2]}0000")
        feature = next(f for f in collection["features"] if f["id"] == code)
        assert shape(feature["geometry"]).buffer(0.002).contains(Point(lon, lat)), code


def test_unknown_codes_have_no_point():
    assert geo.city_points(["990000", "999999"]) == {}


def test_entries_are_grouped_by_city_and_counted_by_province():
    payload = map_payload(
        [
            Place("440300", "Shenzhen", "Lab A", "/labs/1/"),
            Place("440300", "Shenzhen", "Lab B", "/labs/2/"),
            Place("440100", "Guangzhou", "Lab C", "/labs/3/"),
            Place("110100", "Beijing", "Lab D", "/labs/4/"),
            Place("999999", "Nowhere", "Lab E", "/labs/5/"),
        ]
    )
    assert payload["provinces"] == {"110000": 1, "440000": 3}
    assert payload["cities"] == {"110100": 1, "440100": 1, "440300": 2}
    assert payload["unplaced"] == 1
    shenzhen = next(m for m in payload["markers"] if m["region"] == "440300")
    assert [e["label"] for e in shenzhen["entries"]] == ["Lab A", "Lab B"]
    assert shenzhen["province"] == "440000"


def test_the_context_names_regions_in_the_readers_language():
    from django.utils import translation

    with translation.override("zh-hans"):
        context = map_context([Place("440300", "深圳市", "Lab", "/labs/1/")], title="实验室", file_name="labs")
    assert context["region_names"]["440000"] == "广东省"
    assert context["region_names"]["440300"] == "深圳市"
    assert context["geo"]["geo_province_cities"].endswith("{code}.json")
