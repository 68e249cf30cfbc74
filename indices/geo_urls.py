"""Boundary maps, included under ``/indices/geo/``."""

from django.urls import path, re_path

from indices import geo_views

urlpatterns = [
    path("provinces.json", geo_views.provinces_map, name="geo_provinces"),
    path("maritime.json", geo_views.maritime_line, name="geo_maritime"),
    re_path(r"^(?P<code>\d{6})\.json$", geo_views.province_cities_map, name="geo_province_cities"),
]
