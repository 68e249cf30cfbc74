"""Benchmark of the streaming exports (``core.exports``, ARCHITECTURE §10): a large table from PostgreSQL to XLSX
and to CSV.

Builds, in a scratch PostgreSQL database, ``--rows`` enterprises (500,000 by default) over the real cities,
industries and sizes, written with COPY (names and addresses in Chinese, a few addresses starting with "-" or "="
so that the formula check has work to do). Then runs the same single query of 20 columns (the enterprise, its city
and province, its industry: ``Enterprise.objects.values_list(...).iterator(chunk_size=...)``, a server-side cursor
read a chunk at a time) three times, each in a fresh Python process so that its peak resident memory is its own
(``VmHWM`` of /proc/self/status; not ``ru_maxrss``, which Linux carries over from the process that spawned it):

1. read: the rows fetched and thrown away: the floor under both writers;
2. csv: the rows written with ``core.exports.write_csv`` to a file;
3. xlsx: the rows written with ``core.exports.write_xlsx`` to a file (XlsxWriter in constant-memory mode: one
   data sheet and the "About" sheet).

It prints, for each, the wall time (query included), rows/s, the output size and the peak RSS of its process
next to the RSS it had before the query (Django and the libraries loaded), then the ratio XLSX / CSV.
``--json PATH`` also writes the figures as JSON (``benchmarks/figures.py``). Not a test: run it by hand from the
repository root against PostgreSQL. It creates its own scratch database (``bench_exp_<name>`` of DATABASE_URL,
migrated; dropped at the end unless ``--keep``, and reused by the next run with ``--keep``), so the named database
itself is not touched:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/qualitypath DJANGO_SECRET_KEY=bench DJANGO_HTTPS=false \\
        .venv/bin/python benchmarks/bench_exports.py [--rows 500000] [--chunk 5000] [--keep] [--json figures.json]
"""

import argparse
import json
import os
import platform
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.db import connection, transaction  # noqa: E402

from benchmarks.figures import figure, write_figures  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
VINTAGE = datetime(2026, 11, 30, 1, 0, tzinfo=UTC)
# The export's 20 columns: the enterprise, its city and province, its industry (one query, three joins).
COLUMNS = (
    "pk",
    "credit_code",
    "name_zh",
    "name_en",
    "region_id",
    "region__name_zh",
    "region__name_en",
    "region__parent_id",
    "region__parent__name_zh",
    "region__parent__name_en",
    "industry_id",
    "industry__name_zh",
    "industry__name_en",
    "size_class",
    "is_listed",
    "address",
    "status",
    "registered_year",
    "created_at",
    "verified_at",
)
MODES = ("read", "csv", "xlsx")


def report(line: str = "") -> None:
    """The script's output goes to stdout (a benchmark, not library code)."""
    print(line, flush=True)  # noqa: T201


def rss_now() -> int:
    """This process's resident memory now, in bytes (Linux)."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize()


def rss_peak() -> int:
    """This process's peak resident memory so far, in bytes (Linux: VmHWM, the high-water mark of its own memory
    since it started; ``ru_maxrss`` would include the RSS of the parent at the moment it was spawned)."""
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith("VmHWM:"))
    return int(line.split()[1]) * 1024  # kB


# --- The data set --------------------------------------------------------------------------------------------


def build(count: int, seed: int) -> None:
    """Reference data and ``count`` enterprises, written with COPY."""
    from core.demo import INDUSTRY_WEIGHTS, SIZE_WEIGHTS
    from enterprises.models import Region
    from enterprises.services import reference_data_load

    rng = random.Random(seed)  # noqa: S311 - reproducible synthetic data, not security
    reference_data_load()
    cities = list(Region.objects.filter(level="city").values_list("code", "name_zh"))
    industries = rng.choices(list(INDUSTRY_WEIGHTS), weights=list(INDUSTRY_WEIGHTS.values()), k=count)
    sizes = rng.choices([str(size) for size in SIZE_WEIGHTS], weights=list(SIZE_WEIGHTS.values()), k=count)
    first, span = (
        datetime(2019, 1, 1, tzinfo=UTC),
        datetime(2026, 10, 31, tzinfo=UTC) - datetime(2019, 1, 1, tzinfo=UTC),
    )

    def rows():
        for n in range(count):
            city, city_name = rng.choice(cities)
            created = first + span * rng.random()
            verified = rng.random() < 0.8
            street = rng.choice(("-", "=", "")) if rng.random() < 0.001 else ""  # formula triggers, now and then
            yield (
                n + 1,
                f"91{city}{n:09d}0",
                f"{city_name}基准导出制造{n}有限公司",
                f"Benchmark Export Manufacturing {n} Co., Ltd.",
                city,
                industries[n],
                sizes[n],
                rng.random() < 0.05,
                f"{street}{city_name}高新区科技路{n % 997 + 1}号",
                "verified" if verified else "pending",
                created if verified else None,
                created,
                created,
            )

    columns = "id, credit_code, name_zh, name_en, region_id, industry_id, size_class, is_listed, address, status, "
    columns += "verified_at, created_at, updated_at"
    with transaction.atomic(), connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY enterprises_enterprise ({columns}) FROM STDIN") as copy:
            for row in rows():
                copy.write_row(row)
        cursor.execute("SELECT setval(pg_get_serial_sequence('enterprises_enterprise', 'id'), %s)", [count])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE enterprises_enterprise")


# --- One run, in a process of its own ----------------------------------------------------------------------------


def query(chunk: int):
    """The export's one query, read from a server-side cursor ``chunk`` rows at a time."""
    from django.db.models.functions import ExtractYear

    from enterprises.models import Enterprise

    return (
        Enterprise.objects.annotate(registered_year=ExtractYear("created_at"))
        .order_by("pk")
        .values_list(*COLUMNS)
        .iterator(chunk_size=chunk)
    )


def child(mode: str, output: str, chunk: int) -> None:
    """Run one export (``mode``) and print its figures as one JSON line."""
    from core.exports import Sheet, write_csv, write_xlsx

    before = rss_now()
    started = time.perf_counter()
    if mode == "read":
        rows = sum(1 for _row in query(chunk))
    elif mode == "csv":
        with open(output, "wb") as target:
            rows = write_csv(target, headers=COLUMNS, rows=query(chunk), vintage=VINTAGE)
    else:
        sheet = Sheet("Enterprises", COLUMNS, query(chunk))
        rows = write_xlsx(output, [sheet], vintage=VINTAGE, title="Enterprises (benchmark)")
    elapsed = time.perf_counter() - started
    peak = rss_peak()
    size = os.path.getsize(output) if mode != "read" else 0
    report(
        json.dumps(
            {"mode": mode, "rows": rows, "seconds": elapsed, "bytes": size, "rss_before": before, "rss_peak": peak}
        )
    )


def _database_url() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def run(mode: str, output: Path, chunk: int) -> dict:
    env = {**os.environ, "DATABASE_URL": _database_url()}
    command = [sys.executable, __file__, "--child", mode, "--output", str(output), "--chunk", str(chunk)]
    done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise SystemExit(f"The {mode} run failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def check_xlsx(path: Path, rows: int) -> None:
    """A small run's XLSX opens with openpyxl and holds every row and the About sheet."""
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True)
    assert book.sheetnames == ["Enterprises", "About"], book.sheetnames  # noqa: S101
    counted = sum(1 for _row in book["Enterprises"].iter_rows(values_only=True)) - 1
    assert counted == rows, (counted, rows)  # noqa: S101


# --- Main ------------------------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=500_000)
    parser.add_argument("--chunk", type=int, default=5000, help="rows fetched from the server-side cursor at a time")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", action="store_true", help="keep the scratch database (and reuse a kept one)")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--child", choices=MODES, help=argparse.SUPPRESS)
    parser.add_argument("--output", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.output, args.chunk)
        return
    if connection.vendor != "postgresql":
        raise SystemExit("Set DATABASE_URL to a PostgreSQL database (the data set is written with COPY).")
    from django.test.utils import setup_test_environment

    from enterprises.models import Enterprise

    setup_test_environment()
    original = connection.settings_dict["NAME"]
    connection.settings_dict.setdefault("TEST", {})["NAME"] = f"bench_exp_{original}"
    scratch = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False, keepdb=args.keep)
    figures = {}
    try:
        started = time.perf_counter()
        reused = Enterprise.objects.count() == args.rows
        if not reused:
            Enterprise.objects.all().delete()
            build(args.rows, args.seed)
        built = time.perf_counter() - started
        connection.close()  # the runs connect on their own
        with tempfile.TemporaryDirectory(prefix="bench-exports-") as directory:
            run("read", Path(directory) / "warm-up", args.chunk)  # warm-up: the table in PostgreSQL's cache
            for mode in MODES:
                output = Path(directory) / f"enterprises.{mode}"
                figures[mode] = run(mode, output, args.chunk)
                if mode == "xlsx" and args.rows <= 50_000:
                    check_xlsx(output, args.rows)
        pg_version = connection.pg_version
    finally:
        if not args.keep:
            connection.creation.destroy_test_db(original, verbosity=0)

    for mode in MODES:
        if figures[mode]["rows"] != args.rows:
            raise SystemExit(f"The {mode} run saw {figures[mode]['rows']:,} rows, not {args.rows:,}.")
    ratio = figures["xlsx"]["seconds"] / figures["csv"]["seconds"]
    report(
        f"python {platform.python_version()} · PostgreSQL {pg_version // 10000} · {os.cpu_count()} CPUs · "
        f"scratch database {scratch} ({'kept' if args.keep else 'dropped'})"
    )
    report(
        f"data: {args.rows:,} enterprises x {len(COLUMNS)} columns, one query, server-side cursor of {args.chunk:,} "
        f"rows; {'reused' if reused else 'built with COPY'} in {built:.1f} s"
    )
    report("each run in a fresh process; memory = peak RSS of that process (VmHWM), and its RSS before the query")
    labels = {"read": "read only (floor)", "csv": "CSV  write_csv", "xlsx": "XLSX write_xlsx"}
    for mode in MODES:
        f = figures[mode]
        size = f" · {f['bytes'] / 1_048_576:7.1f} MB" if f["bytes"] else " " * 13
        report(
            f"{labels[mode]:<18} {f['seconds']:7.2f} s · {f['rows'] / f['seconds']:>9,.0f} rows/s{size} · "
            f"peak RSS {f['rss_peak'] / 1_048_576:5.0f} MB (before the query {f['rss_before'] / 1_048_576:.0f} MB)"
        )
    report(f"ratio XLSX / CSV: {ratio:.2f}x")
    if args.json:
        summary = {
            "python": platform.python_version(),
            "postgresql": pg_version // 10000,
            "rows": args.rows,
            "columns": len(COLUMNS),
            "chunk": args.chunk,
            "memory": "peak RSS (VmHWM) of a fresh process per run",
            **figures,
            "ratio_xlsx_csv": ratio,
        }
        write_figures(args.json, summary, figure_rows(figures, args.rows))
        report(f"figures written to {args.json}")


def figure_rows(figures: dict, rows: int) -> list[dict]:
    """The figures as rows (``benchmarks/figures.py``): each writer against the run below it, and its memory."""
    read, csv, xlsx = (figures[mode] for mode in MODES)
    return [
        figure(
            f"XLSX export, {rows:,} rows x {len(COLUMNS)} columns",
            xlsx["seconds"],
            "s",
            baseline="CSV export, same rows",
            baseline_value=csv["seconds"],
            ratio=xlsx["seconds"] / csv["seconds"],
        ),
        figure(
            f"CSV export, {rows:,} rows x {len(COLUMNS)} columns",
            csv["seconds"],
            "s",
            baseline="read only (floor)",
            baseline_value=read["seconds"],
            ratio=csv["seconds"] / read["seconds"],
        ),
        figure(
            "XLSX export, peak RSS",
            xlsx["rss_peak"] / 1_048_576,
            "MB",
            baseline="RSS before the query",
            baseline_value=xlsx["rss_before"] / 1_048_576,
            ratio=xlsx["rss_peak"] / xlsx["rss_before"],
        ),
    ]


if __name__ == "__main__":
    main()
