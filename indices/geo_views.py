"""Public boundary maps for the quality digital map: cached GeoJSON, gzipped when the client accepts it."""

import hashlib
import re

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.views.decorators.http import require_safe

from indices import geo

GEOJSON = "application/geo+json"
MAX_AGE = 86400
ACCEPTS_GZIP = re.compile(r"\bgzip\b")


def _geojson_response(request: HttpRequest, key: str) -> HttpResponse:
    gzipped = bool(ACCEPTS_GZIP.search(request.headers.get("Accept-Encoding", "")))
    body = geo.map_bytes(key, gzipped=gzipped)
    etag = '"{digest}{suffix}"'.format(digest=hashlib.sha256(body).hexdigest()[:32], suffix="-gz" if gzipped else "")
    response = HttpResponse(body, content_type=GEOJSON)
    if gzipped:
        response.headers["Content-Encoding"] = "gzip"
    response.headers["ETag"] = etag
    patch_vary_headers(response, ["Accept-Encoding"])
    patch_cache_control(response, public=True, max_age=MAX_AGE)
    return get_conditional_response(request, etag=etag, response=response)


@require_safe
def provinces_map(request: HttpRequest) -> HttpResponse:
    """The 34 province-level units."""
    return _geojson_response(request, geo.PROVINCES)


@require_safe
def maritime_line(request: HttpRequest) -> HttpResponse:
    """The maritime boundary line, drawn over the South China Sea inset."""
    return _geojson_response(request, geo.MARITIME)


@require_safe
def province_cities_map(request: HttpRequest, code: str) -> HttpResponse:
    """A province's prefecture-level units; 404 for a code that is not a province."""
    if code not in geo.province_codes():
        raise Http404("No such province.")
    return _geojson_response(request, code)


def boundary_urls() -> dict[str, str]:
    """The boundary maps' URLs for the map script; the city map's URL with a {code} slot."""
    return {
        "geo_provinces": reverse("geo_provinces"),
        "geo_maritime": reverse("geo_maritime"),
        "geo_province_cities": reverse("geo_province_cities", kwargs={"code": "000000"}).replace("000000", "{code}"),
    }
