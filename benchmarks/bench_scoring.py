"""Benchmark of the scoring engine on a model shaped like "QMC 2024" (ARCHITECTURE §4).

Builds a synthetic model - 4 dimensions, 30 indicators (10/7/7/6), 140 requirements (some mandatory, some
allowing N/A), 4 eligibility conditions - and scores 10,000 complete evaluations with seeded random ratings
through the public ``score()`` (validation included), then prints the figures. Not a test: run it by hand,

    .venv/bin/python benchmarks/bench_scoring.py [--evaluations N] [--seed S] [--json figures.json]

from the repository root (``--json PATH`` also writes the figures, ``benchmarks/figures.py``). No baseline is
measured: the figures stand alone. Inputs are generated before the clock starts; peak memory is measured with
tracemalloc in a separate pass, because tracing slows everything down.
"""

import argparse
import platform
import random
import statistics
import sys
import time
import tracemalloc
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.figures import figure, write_figures
from evaluations.scoring import (  # importable thanks to the sys.path line above
    NA,
    Dimension,
    EligibilityCondition,
    Indicator,
    ModelSpec,
    Requirement,
    score,
    validate,
)

INDICATORS_PER_DIMENSION = {"D1": 10, "D2": 7, "D3": 7, "D4": 6}
DIMENSION_WEIGHTS = {"D1": 0.30, "D2": 0.25, "D3": 0.25, "D4": 0.20}
LEVELS = 5
MISSING_PAIRS = 10  # indicator x level pairs without a requirement: 30 x 5 - 10 = 140 requirements
MANDATORY = 12
NA_ALLOWED = 20
CONDITIONS = (("NO-DISHONESTY", 1), ("ENV-COMPLIANCE", 2), ("NO-MAJOR-ACCIDENT", 3), ("NO-RECALL", 4))


def report(line: str = "") -> None:
    """The script's output goes to stdout (a benchmark, not library code)."""
    print(line)  # noqa: T201


def build_model(rng: random.Random) -> ModelSpec:
    """A model with the shape of §4; weights are random but sum to 1 within each dimension."""
    dimensions = tuple(Dimension(code, weight) for code, weight in DIMENSION_WEIGHTS.items())
    indicators: list[Indicator] = []
    for dimension, count in INDICATORS_PER_DIMENSION.items():
        raw = [rng.uniform(0.5, 1.5) for _ in range(count)]
        indicators.extend(
            Indicator(f"QMC-2024/{dimension}/{dimension[1:]}.{n + 1}", dimension, weight / sum(raw))
            for n, weight in enumerate(raw)
        )
    pairs = [(indicator, level) for indicator in indicators for level in range(1, LEVELS + 1)]
    missing = set(rng.sample(range(len(pairs)), MISSING_PAIRS))
    kept = [pair for position, pair in enumerate(pairs) if position not in missing]
    flagged = rng.sample(range(len(kept)), MANDATORY + NA_ALLOWED)
    mandatory, na_allowed = set(flagged[:MANDATORY]), set(flagged[MANDATORY:])
    requirements = tuple(
        Requirement(
            f"{indicator.code}/L{level}",
            indicator.code,
            level,
            mandatory=position in mandatory,
            na_allowed=position in na_allowed,
        )
        for position, (indicator, level) in enumerate(kept)
    )
    conditions = tuple(EligibilityCondition(code, level) for code, level in CONDITIONS)
    return ModelSpec("QMC-2024-BENCH", dimensions, tuple(indicators), requirements, conditions)


def random_rating(rng: random.Random, maturity: float, level: int) -> float:
    """An enterprise of a given maturity (0…5.5) meets low levels well and high levels poorly, with noise."""
    margin = maturity - level + rng.gauss(0, 0.7)
    if margin > 0.5:
        return 1.0
    if margin > 0:
        return 0.8
    if margin > -0.7:
        return 0.5
    return 0.0


def build_evaluations(
    model: ModelSpec, rng: random.Random, count: int
) -> list[tuple[dict[str, object], dict[str, object]]]:
    """Complete evaluations: N/A used for 15 % of N/A-allowed items, 2 % left unanswered, rare False conditions."""
    evaluations = []
    for _ in range(count):
        maturity = rng.uniform(0, 5.5)
        ratings: dict[str, object] = {}
        for requirement in model.requirements:
            if rng.random() < 0.02:
                continue
            if requirement.na_allowed and rng.random() < 0.15:
                ratings[requirement.code] = NA
            else:
                ratings[requirement.code] = random_rating(rng, maturity, requirement.level)
        eligibility: dict[str, object] = {
            condition.code: rng.random() >= 0.03 for condition in model.conditions if rng.random() < 0.9
        }
        evaluations.append((ratings, eligibility))
    return evaluations


def time_scoring(model: ModelSpec, evaluations: list[tuple[dict[str, object], dict[str, object]]]) -> float:
    """Seconds to score every evaluation once through the public API."""
    started = time.perf_counter()
    for ratings, eligibility in evaluations:
        score(model, ratings, eligibility)
    return time.perf_counter() - started


def time_validation(model: ModelSpec, evaluations: list[tuple[dict[str, object], dict[str, object]]]) -> float:
    """Seconds spent in input validation alone, for the breakdown."""
    started = time.perf_counter()
    for ratings, eligibility in evaluations:
        validate(model, ratings, eligibility)
    return time.perf_counter() - started


def peak_memory(model: ModelSpec, evaluations: list[tuple[dict[str, object], dict[str, object]]]) -> tuple[int, int]:
    """Peak traced bytes (beyond the inputs) scoring one by one, and scoring while keeping all results."""
    tracemalloc.start()
    for ratings, eligibility in evaluations:
        score(model, ratings, eligibility)
    _, streaming_peak = tracemalloc.get_traced_memory()
    tracemalloc.reset_peak()
    baseline, _ = tracemalloc.get_traced_memory()
    results = [score(model, ratings, eligibility) for ratings, eligibility in evaluations]
    _, retained_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del results
    return streaming_peak, retained_peak - baseline


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--evaluations", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=20240101)
    parser.add_argument("--repeats", type=int, default=3, help="timed passes; the median is reported")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    arguments = parser.parse_args()

    rng = random.Random(arguments.seed)  # noqa: S311 - reproducible synthetic data, not security
    started = time.perf_counter()
    model = build_model(rng)
    model_seconds = time.perf_counter() - started
    evaluations = build_evaluations(model, rng, arguments.evaluations)
    count = len(evaluations)

    time_scoring(model, evaluations[: min(count, 500)])  # warm-up
    passes = [time_scoring(model, evaluations) for _ in range(max(arguments.repeats, 1))]
    seconds = statistics.median(passes)
    validation_seconds = time_validation(model, evaluations)
    streaming_peak, retained_peak = peak_memory(model, evaluations)
    results = [score(model, ratings, eligibility) for ratings, eligibility in evaluations]
    levels = Counter(result.level for result in results)
    mean_plan = statistics.fmean(len(result.gap_plan) for result in results)

    mandatory = sum(r.mandatory for r in model.requirements)
    na_allowed = sum(r.na_allowed for r in model.requirements)
    report(f"QualityPath scoring benchmark - Python {platform.python_version()} on {platform.machine()}")
    report(
        f"model: {len(model.dimensions)} dimensions, {len(model.indicators)} indicators, "
        f"{len(model.requirements)} requirements ({mandatory} mandatory, {na_allowed} N/A-allowed), "
        f"{len(model.conditions)} eligibility conditions; built and indexed in {model_seconds * 1e3:.2f} ms"
    )
    report(f"evaluations: {count:,} (seed {arguments.seed}), passes: {', '.join(f'{p:.3f} s' for p in passes)}")
    report(f"total seconds (median pass): {seconds:.3f}")
    report(f"evaluations per second:      {count / seconds:,.0f}")
    report(f"microseconds per evaluation: {seconds / count * 1e6:.1f}")
    report(f"  of which validation:       {validation_seconds / count * 1e6:.1f}")
    report(f"peak memory (tracemalloc), scoring one by one:       {streaming_peak / 1024:,.1f} KiB")
    report(f"peak memory (tracemalloc), keeping all {count:,} results: {retained_peak / 2**20:,.1f} MiB")
    report(f"levels reached: {', '.join(f'{level}: {levels[level]}' for level in range(LEVELS + 1))}")
    report(f"mean gap-plan length: {mean_plan:.1f} steps")
    if arguments.json:
        rows = [
            figure(f"score() per evaluation ({count:,}, validation included)", seconds / count * 1e6, "µs"),
            figure("peak memory, scoring one by one (tracemalloc)", streaming_peak / 1024, "KiB"),
        ]
        summary = {
            "python": platform.python_version(),
            "evaluations": count,
            "seed": arguments.seed,
            "passes": passes,
            "seconds": seconds,
            "evaluations_per_second": count / seconds,
            "validation_microseconds": validation_seconds / count * 1e6,
            "peak_streaming_bytes": streaming_peak,
            "peak_retained_bytes": retained_peak,
        }
        write_figures(arguments.json, summary, rows)
        report(f"figures written to {arguments.json}")


if __name__ == "__main__":
    main()
