"""Benchmark of the quality digital map's payloads and render time in headless Chromium (ARCHITECTURE §7).

Prints the size of every boundary file the map loads (raw and gzipped, as served) and the time Plotly takes to
draw, measured in the same browser run against an empty Plotly figure:
- the national map: province choropleth with the maritime line, plus the South China Sea inset (the same layout
  as static/js/quality-map.js);
- Guangdong's city map (the largest drill-down a visitor meets first) and Sichuan's (the largest file).
The page is served from a temporary directory on a loopback port; any request elsewhere is aborted and counted.
Not a test: run it by hand from the repository root,

    .venv/bin/python benchmarks/bench_map.py [--runs N] [--json figures.json]

``--json PATH`` also writes the figures (``benchmarks/figures.py``). It builds the cached maps first if needed
(``indices.geo``; about 12 s the first time).
"""

import argparse
import functools
import http.server
import json
import os
import shutil
import statistics
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_SECRET_KEY", "benchmark-only")

import django  # noqa: E402 - after the path and settings above

django.setup()

import plotly  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

from benchmarks.figures import figure, write_figures  # noqa: E402
from indices import geo  # noqa: E402

CASES = {"empty": None, "national": geo.PROVINCES, "guangdong": "440000", "sichuan": "510000"}
PROVINCE_MAP_BUDGET = 200_000  # bytes gzipped (ARCHITECTURE §7: "province map <= 200 KB gzip")

PAGE = """<!doctype html><meta charset="utf-8"><script src="plotly.min.js"></script>
<div id="map" style="width:1100px;height:720px"></div>
<script>
const ALBERS = {type: "albers", parallels: [25, 47], rotation: {lon: 105}};
async function load(name) { return (await fetch(name)).json(); }
function lines(geojson) {
  const lon = [], lat = [];
  for (const feature of geojson.features) {
    const g = feature.geometry;
    const parts = g.type === "LineString" ? [g.coordinates] : g.coordinates;
    for (const part of parts) {
      for (const [x, y] of part) { lon.push(x); lat.push(y); }
      lon.push(null); lat.push(null);
    }
  }
  return {lon, lat};
}
window.draw = async function (kind, file) {
  const el = document.getElementById("map");
  Plotly.purge(el);
  let data = [], layout = {margin: {l: 0, r: 0, t: 0, b: 0}, showlegend: false};
  if (kind !== "empty") {
    const shapes = await load(file);
    const ids = shapes.features.map(f => f.id);
    const z = ids.map((_, i) => 40 + (i * 7) % 50);
    const base = {type: "choropleth", geojson: shapes, locations: ids, z, zmin: 0, zmax: 100,
                  featureidkey: "id", marker: {line: {color: "#fff", width: 0.5}}};
    data.push({...base, geo: "geo"});
    layout.geo = {visible: false, projection: ALBERS, lonaxis: {range: [73, 136]}, lataxis: {range: [18, 54]},
                  center: {lon: 104.5, lat: 36}};
    if (kind === "national") {
      const sea = lines(await load("maritime.json"));
      data.push({...base, geo: "geo2", showscale: false});
      for (const g of ["geo", "geo2"]) {
        data.push({type: "scattergeo", mode: "lines", lon: sea.lon, lat: sea.lat, geo: g, hoverinfo: "skip"});
      }
      layout.geo2 = {domain: {x: [0.8, 0.99], y: [0.01, 0.33]}, visible: false, projection: ALBERS,
                     lonaxis: {range: [106, 123]}, lataxis: {range: [3, 24]}, center: {lon: 114.5, lat: 13.5},
                     showframe: true};
    } else {
      layout.geo.fitbounds = "locations";
    }
  }
  const started = performance.now();
  await Plotly.newPlot(el, data, layout, {topojsonURL: "./", displayModeBar: false});
  return performance.now() - started;
};
</script>"""


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


def _prepare(directory: Path) -> dict[str, tuple[int, int]]:
    """Copy what the page loads into ``directory``; return the served sizes (raw, gzip) of each boundary file."""
    shutil.copy(Path(plotly.__file__).parent / "package_data" / "plotly.min.js", directory / "plotly.min.js")
    shutil.copy(ROOT / "static" / "geo" / "world_110m.json", directory / "world_110m.json")
    (directory / "index.html").write_text(PAGE, encoding="utf-8")
    sizes = {}
    for key in [geo.PROVINCES, geo.MARITIME, "440000", "510000"]:
        raw, packed = geo.map_bytes(key), geo.map_bytes(key, gzipped=True)
        (directory / f"{key}.json").write_bytes(raw)
        sizes[key] = (len(raw), len(packed))
    return sizes


def say(line: str) -> None:
    print(line)  # noqa: T201


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="draws per case; the median is reported")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        sizes = _prepare(directory)
        handler = functools.partial(_QuietHandler, directory=str(directory))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_address[1]}/"
        outside = []
        timings: dict[str, list[float]] = {case: [] for case in CASES}
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True)
            page = browser.new_page()
            page.route(
                "**/*",
                lambda route: (
                    route.continue_()
                    if route.request.url.startswith(base)
                    else (outside.append(route.request.url), route.abort())
                ),
            )
            page.goto(base + "index.html")
            page.evaluate("draw('national', 'provinces.json')")  # warm-up: JIT and font loading
            for _run in range(args.runs):
                for case, key in CASES.items():
                    file = f"{key}.json" if key else ""
                    timings[case].append(page.evaluate(f"draw({json.dumps(case)}, {json.dumps(file)})"))
            browser.close()
        server.shutdown()

    say(f"Chromium headless, {args.runs} draws per case (median; min-max)")
    say("\nServed boundary files:")
    for key, (raw, packed) in sizes.items():
        say(f"  {key:<10} {raw / 1024:8.1f} KiB raw {packed / 1024:8.1f} KiB gzip")
    empty = statistics.median(timings["empty"])
    say("\nRender time of Plotly.newPlot:")
    for case, values in timings.items():
        median = statistics.median(values)
        ratio = "" if case == "empty" else f"  {median / empty:5.1f}x the empty figure"
        say(f"  {case:<10} {median:8.1f} ms ({min(values):.1f}-{max(values):.1f}){ratio}")
    say(f"\nRequests to other hosts: {len(outside)}" + (f" {outside[:3]}" if outside else ""))
    if args.json:
        write_figures(args.json, _summary(args.runs, sizes, timings, outside), _rows(sizes, timings, outside))
        say(f"figures written to {args.json}")


def _summary(runs: int, sizes: dict, timings: dict, outside: list) -> dict:
    return {
        "runs": runs,
        "sizes": {key: {"raw": raw, "gzip": packed} for key, (raw, packed) in sizes.items()},
        "render_ms": timings,
        "outside_requests": outside,
    }


def _rows(sizes: dict, timings: dict, outside: list) -> list[dict]:
    """The figures as rows (``benchmarks/figures.py``): payloads in KB (1,000 bytes, as the budget is written)."""
    raw, packed = sizes[geo.PROVINCES]
    rows = [
        figure(
            "national map payload (provinces), gzip",
            packed / 1000,
            "KB",
            baseline="raw",
            baseline_value=raw / 1000,
            ratio=packed / raw,
            target="<= 200 KB gzip",
            met=packed <= PROVINCE_MAP_BUDGET,
        )
    ]
    raw, packed = sizes["510000"]
    rows.append(
        figure(
            "Sichuan city map payload (largest), gzip",
            packed / 1000,
            "KB",
            baseline="raw",
            baseline_value=raw / 1000,
            ratio=packed / raw,
        )
    )
    empty = statistics.median(timings["empty"])
    for case in ("national", "guangdong", "sichuan"):
        median = statistics.median(timings[case])
        rows.append(
            figure(
                f"{case} map render (Plotly.newPlot)",
                median,
                "ms",
                baseline="empty figure",
                baseline_value=empty,
                ratio=median / empty,
            )
        )
    rows.append(figure("requests to other hosts", len(outside), "requests", target="0 (no CDN)", met=not outside))
    return rows


if __name__ == "__main__":
    main()
