"""Registries on the map: the places of a registry's entries (labs, pilot platforms, scenarios, cases) as markers
on the quality map's boundaries, with the number of entries per province and per city for the choropleth.
The payload goes into the page (``json_script``); ``static/js/registry-map.js`` draws it."""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from django.templatetags.static import static
from django.utils.translation import gettext as _

from enterprises.models import Region
from indices import geo, geo_views


@dataclass(frozen=True)
class Place:
    """One registry entry where it is: its city's region code, its name and its page."""

    region_code: str
    region_name: str
    label: str
    url: str


def map_payload(places: Iterable[Place]) -> dict:
    """Markers grouped by city (one marker a city, listing its entries) and counts by province and by city."""
    places = list(places)
    points = geo.city_points(place.region_code for place in places)
    by_city: dict[str, list[Place]] = {}
    for place in places:
        if place.region_code in points:
            by_city.setdefault(place.region_code, []).append(place)
    markers = [
        {
            "region": code,
            "province": f"{code[:2]}0000",
            "name": entries[0].region_name,
            "lon": points[code][0],
            "lat": points[code][1],
            "entries": [{"label": entry.label, "url": entry.url} for entry in entries],
        }
        for code, entries in sorted(by_city.items())
    ]
    provinces = Counter()
    for marker in markers:
        provinces[marker["province"]] += len(marker["entries"])
    return {
        "markers": markers,
        "provinces": dict(sorted(provinces.items())),
        "cities": {marker["region"]: len(marker["entries"]) for marker in markers},
        "unplaced": len(places) - sum(len(entries) for entries in by_city.values()),
    }


def map_context(places: Iterable[Place], *, title: str, file_name: str) -> dict:
    """What ``includes/registry_map.html`` needs: the payload, the boundary URLs, names and labels in the
    reader's language."""
    payload = map_payload(places)
    codes = {*payload["provinces"], *payload["cities"]}
    names = {region.code: region.name for region in Region.objects.filter(level="province")}
    names |= {region.code: region.name for region in Region.objects.filter(code__in=codes)}
    return {
        "payload": payload,
        "geo": geo_views.boundary_urls(),
        "topojson": static("geo/"),
        "region_names": names,
        "file_name": file_name,
        "labels": {
            "title": title,
            "country": _("China"),
            "scale": _("Entries"),
            "entries": _("{n} entries"),
            "one_entry": _("1 entry"),
            "none": _("none"),
            "load_failed": _("The map could not be loaded; the table below has every entry."),
        },
    }
