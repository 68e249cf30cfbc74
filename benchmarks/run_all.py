"""Run the benchmark suite and print one table of its figures (``make bench``, ``make bench-quick``).

Each script of ``benchmarks/`` runs as a subprocess, one after the other (never two at once: each measures the
machine, and a 2-CPU machine has nothing to spare), with ``--json`` into ``benchmarks/results/<stamp>/``; its
output goes to the terminal as it comes and to ``<name>.log`` beside its JSON. Then one table: every figure, the
baseline it was measured against in the same run, their ratio, the project's target and whether it is met; and
``benchmarks/results/bench-<stamp>.json`` with the rows, each script's own summary and time, and the machine (CPU
model and count, memory, Python, the PostgreSQL server, the git commit).

``--quick`` passes small sizes to every script (a few minutes in all): a smoke run of the whole suite; ratios at
those sizes are not the figures to quote. Without it every script runs at its own defaults (20-40 minutes on
2 CPUs). A script that fails is a FAILED row and makes the exit status 1; the others still run. A target not met
is a finding, not a failure: it shows as "NO" and leaves the exit status alone.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/qualitypath_bench DJANGO_SECRET_KEY=bench DJANGO_HTTPS=false \\
        .venv/bin/python benchmarks/run_all.py [--quick] [--only scoring,map] [--results DIR]

The scripts that need PostgreSQL create their own scratch databases from DATABASE_URL (the named one is not
touched, nor needs to exist); the map benchmark needs Chromium at /usr/bin/chromium.
"""

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Benchmark:
    name: str
    script: str
    quick: tuple[str, ...]  # arguments of the quick run; the full run passes none (the script's defaults)
    needs_database: bool = True


SUITE = (
    Benchmark("scoring", "bench_scoring.py", ("--evaluations", "1000"), needs_database=False),
    Benchmark("workbooks", "bench_workbooks.py", ("--evaluations", "50")),
    Benchmark(
        "indices",
        "bench_indices.py",
        ("--enterprises", "3000", "--facts", "1200", "--changed", "50", "--clients", "10", "--requests", "5"),
    ),
    Benchmark("map", "bench_map.py", ("--runs", "3"), needs_database=False),
    Benchmark("exports", "bench_exports.py", ("--rows", "20000")),
)


@dataclass
class Outcome:
    benchmark: Benchmark
    arguments: list[str]
    seconds: float
    returncode: int
    log: Path
    summary: dict = field(default_factory=dict)
    figures: list[dict] = field(default_factory=list)
    error: str = ""

    @property
    def failed(self) -> bool:
        return bool(self.error)


def shown(path: Path) -> Path:
    """A path as the repository root sees it, when it is under it."""
    return path.relative_to(ROOT) if path.is_relative_to(ROOT) else path


def say(line: str = "") -> None:
    """The runner's output goes to stdout (a benchmark, not library code)."""
    print(line, flush=True)  # noqa: T201


# --- The machine -------------------------------------------------------------------------------------------------


def _read(path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except OSError:
        return ""


def _command(*command: str) -> str:
    try:
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False, timeout=30)  # noqa: S603
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return done.stdout.strip() if done.returncode == 0 else ""


def _postgresql_version(url: str) -> str | None:
    """The server's version, asked of DATABASE_URL's server (its ``postgres`` database when the named one is absent)."""
    if not url.startswith(("postgres://", "postgresql://")):
        return None
    import psycopg
    from psycopg.conninfo import make_conninfo

    for conninfo in (url, make_conninfo(url, dbname="postgres")):
        try:
            with psycopg.connect(conninfo, connect_timeout=5) as connection:
                return connection.execute("SHOW server_version").fetchone()[0]
        except psycopg.Error:
            continue
    return None


def machine() -> dict:
    """Where the figures came from: CPU, memory, Python, PostgreSQL, the code."""
    cpuinfo = _read("/proc/cpuinfo").splitlines()
    models = [line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")]
    processors = sum(line.startswith("processor") for line in cpuinfo)
    meminfo = dict(line.split(":", 1) for line in _read("/proc/meminfo").splitlines() if ":" in line)
    memory_kib = int(meminfo["MemTotal"].split()[0]) if "MemTotal" in meminfo else None
    commit = _command("git", "rev-parse", "HEAD")
    dirty = bool(_command("git", "status", "--porcelain", "--untracked-files=no"))
    return {
        "cpu_model": models[0] if models else platform.processor() or None,
        "cpu_count": processors or os.cpu_count(),
        "memory_gib": round(memory_kib / 1_048_576, 1) if memory_kib else None,
        "os": platform.platform(),
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "postgresql": _postgresql_version(os.environ.get("DATABASE_URL", "")),
        "git_commit": commit or None,
        "git_dirty": dirty,
    }


def describe(facts: dict) -> str:
    postgresql = f"PostgreSQL {facts['postgresql']}" if facts["postgresql"] else "PostgreSQL unknown"
    commit = (facts["git_commit"] or "unknown")[:10] + (" (uncommitted changes)" if facts["git_dirty"] else "")
    return (
        f"{facts['cpu_model']} x {facts['cpu_count']} CPUs · {facts['memory_gib']} GiB · {facts['python']} · "
        f"{postgresql} · commit {commit}"
    )


# --- Running -------------------------------------------------------------------------------------------------------


def run(benchmark: Benchmark, *, quick: bool, folder: Path) -> Outcome:
    """One script as a subprocess, its output shown and logged; its figures read back from its JSON."""
    target, log = folder / f"{benchmark.name}.json", folder / f"{benchmark.name}.log"
    arguments = [*(benchmark.quick if quick else ()), "--json", str(target)]
    command = [sys.executable, str(HERE / benchmark.script), *arguments]
    say(f"=== {benchmark.name}: {' '.join([benchmark.script, *arguments])}")
    started = time.perf_counter()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}  # its lines in order and as they come, not at the end
    with log.open("w", encoding="utf-8") as logged:
        process = subprocess.Popen(  # noqa: S603 - our own interpreter and scripts
            command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        for line in process.stdout:
            sys.stdout.write(line)
            sys.stdout.flush()
            logged.write(line)
        returncode = process.wait()
    outcome = Outcome(benchmark, arguments, time.perf_counter() - started, returncode, log)
    if returncode != 0:
        outcome.error = f"exit status {returncode}"
    else:
        try:
            written = json.loads(target.read_text(encoding="utf-8"))
            outcome.figures = written.pop("figures")
            outcome.summary = written
        except (OSError, ValueError, KeyError) as error:
            outcome.error = f"no figures in {target.name}: {error}"
    say(f"=== {benchmark.name}: {'FAILED, ' + outcome.error if outcome.failed else 'done'} in {outcome.seconds:.0f} s")
    say()
    return outcome


# --- The table -----------------------------------------------------------------------------------------------------


def number(value: float | None) -> str:
    if value is None:
        return ""
    if isinstance(value, int) or abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 1:
        return f"{value:.1f}" if abs(value) >= 10 else f"{value:.2f}"
    return f"{value:.2g}"  # two significant digits below 1: 0.28, 0.0031


def table_rows(outcomes: list[Outcome]) -> list[tuple[str, ...]]:
    rows = []
    for outcome in outcomes:
        if outcome.failed:
            failed = f"FAILED ({outcome.error}; see {shown(outcome.log)})"
            rows.append((outcome.benchmark.name, failed, "", "", "", "", "FAILED"))
            continue
        for row in outcome.figures:
            unit = row["unit"]
            baseline = row["baseline"] or ""
            if row["baseline_value"] is not None:
                baseline += f": {number(row['baseline_value'])} {unit}"
            ratio = f"{number(row['ratio'])}x" if row["ratio"] is not None else ""
            met = {True: "yes", False: "NO", None: "-"}[row["met"]]
            value = f"{number(row['value'])} {unit}"
            rows.append((outcome.benchmark.name, row["figure"], value, baseline, ratio, row["target"] or "", met))
    return rows


def print_table(rows: list[tuple[str, ...]]) -> None:
    header = ("benchmark", "figure", "value", "baseline (same run)", "ratio", "target", "met")
    widths = [max(len(cells[i]) for cells in [header, *rows]) for i in range(len(header))]
    right = {2, 4}  # numbers line up on the right

    def line(cells) -> str:
        return "  ".join(
            cell.rjust(width) if i in right else cell.ljust(width)
            for i, (cell, width) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    say(line(header))
    say(line("-" * width for width in widths))
    for cells in rows:
        say(line(cells))


# --- Main ----------------------------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes: the whole suite in a few minutes")
    parser.add_argument("--only", help="comma-separated names to run: " + ", ".join(b.name for b in SUITE))
    parser.add_argument("--results", type=Path, default=HERE / "results", help="folder for the JSON and the logs")
    args = parser.parse_args()
    chosen = SUITE
    if args.only:
        names = {name.strip() for name in args.only.split(",") if name.strip()}
        unknown = names - {b.name for b in SUITE}
        if unknown:
            parser.error(f"unknown benchmark(s): {', '.join(sorted(unknown))}")
        chosen = tuple(b for b in SUITE if b.name in names)
    url = os.environ.get("DATABASE_URL", "")
    if any(b.needs_database for b in chosen) and not url.startswith(("postgres://", "postgresql://")):
        parser.error("set DATABASE_URL to a PostgreSQL server (the scripts create their own scratch databases)")

    started_at = datetime.now(UTC)
    stamp = started_at.strftime("%Y-%m-%d-%H%M%S")
    folder = args.results.resolve() / stamp
    folder.mkdir(parents=True, exist_ok=True)
    facts = machine()
    mode = "quick (small sizes: a smoke run, not the figures to quote)" if args.quick else "full (default sizes)"
    say(f"QualityPath benchmarks, {mode}, {started_at:%Y-%m-%d %H:%M} UTC")
    say(describe(facts))
    say()

    started = time.perf_counter()
    outcomes = [run(benchmark, quick=args.quick, folder=folder) for benchmark in chosen]
    took = time.perf_counter() - started

    rows = table_rows(outcomes)
    say(f"QualityPath benchmarks, {mode}; {took / 60:.1f} min in all")
    say(describe(facts))
    say()
    print_table(rows)
    say()
    say("times: " + ", ".join(f"{o.benchmark.name} {o.seconds:.0f} s" for o in outcomes))
    missed = [f"{o.benchmark.name}: {row['figure']}" for o in outcomes for row in o.figures if row["met"] is False]
    failed = [o.benchmark.name for o in outcomes if o.failed]
    say("targets not met: " + ("; ".join(missed) if missed else "none"))
    if failed:
        say(f"FAILED: {', '.join(failed)} (logs in {folder})")

    report = {
        "started_at": started_at.isoformat(timespec="seconds"),
        "quick": args.quick,
        "seconds": round(took, 1),
        "machine": facts,
        "benchmarks": [
            {
                "name": o.benchmark.name,
                "script": f"benchmarks/{o.benchmark.script}",
                "arguments": o.arguments,
                "seconds": round(o.seconds, 1),
                "returncode": o.returncode,
                "failed": o.failed,
                "error": o.error or None,
                "log": str(o.log),
                "summary": o.summary,
                "figures": o.figures,
            }
            for o in outcomes
        ],
        "figures": [{"benchmark": o.benchmark.name, **row} for o in outcomes for row in o.figures],
    }
    written = args.results.resolve() / f"bench-{stamp}.json"
    written.write_text(json.dumps(report, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
    say(f"written to {shown(written)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
