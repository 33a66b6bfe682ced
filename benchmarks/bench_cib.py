"""Cross-impact balance: the complete enumeration of a big public matrix.

Times :func:`foresight.workshops.cib.consistent_scenarios` on ScenarioWizard's public
``CIB_natl_regional.scw`` sample (15 descriptors, 22,674,816 scenarios; in ``tests/data/cib``):
every scenario examined (target: under 60 s; all 10 consistent scenarios found), beside the
succession procedure from 2,000 seeded starts, which misses one of them. ``--random N`` also times
the enumeration of a random matrix of about N scenarios (two- to four-variant descriptors,
impacts -3..+3), e.g. ``--random 100000000`` for the largest count that is enumerated.

Usage::

    python benchmarks/bench_cib.py [--runs 3] [--random 0] [--json]
"""

from __future__ import annotations

import argparse
import math
import resource
import statistics
import sys
import time
from pathlib import Path

import numpy as np
from report import Result, report

from foresight.workshops.cib import CIBMatrix, Descriptor, consistent_scenarios, load_cib

SAMPLE = Path(__file__).resolve().parent.parent / "tests" / "data" / "cib" / "CIB_natl_regional.scw"
ENUMERATION_TARGET_S = 60.0
CONSISTENT = 10  # what an exhaustive search finds (the samples' README)


def random_matrix(scenarios: int, seed: int = 0) -> CIBMatrix:
    """A random judgement matrix with nearly ``scenarios`` scenarios (at most that many)."""
    rng = np.random.default_rng(seed)
    counts: list[int] = []
    while math.prod(counts) * 2 <= scenarios:
        n = int(rng.integers(2, 5))
        counts.append(n if math.prod(counts) * n <= scenarios else 2)
    descriptors = tuple(
        Descriptor(f"D{i}", f"D{i}", tuple(f"v{j}" for j in range(n))) for i, n in enumerate(counts)
    )
    offsets = np.cumsum([0, *counts])
    impacts = rng.integers(-3, 4, size=(offsets[-1], offsets[-1])).astype(float)
    for start, stop in zip(offsets[:-1], offsets[1:], strict=True):
        impacts[start:stop, start:stop] = 0
    return CIBMatrix(descriptors, impacts)


def timed(matrix: CIBMatrix, runs: int, **options: int) -> tuple[float, int]:
    times, found = [], 0
    for _ in range(max(1, runs)):
        started = time.perf_counter()
        found = len(consistent_scenarios(matrix, **options).scenarios)
        times.append(time.perf_counter() - started)
    return statistics.median(times), found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="time each this many times; the median is shown")
    parser.add_argument(
        "--random", type=int, default=0, help="also enumerate a random matrix of this many scenarios"
    )
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    matrix = load_cib(SAMPLE)
    work = f"CIB_natl_regional, {matrix.scenario_count:,} scenarios, median of {max(1, args.runs)} runs"
    seconds, found = timed(matrix, args.runs)
    succession_s, reached = timed(matrix, 1, max_enumerate=0, starts=2000, seed=0)
    results = [
        Result(
            "enumeration",
            work,
            round(seconds, 2),
            "s",
            f"< {ENUMERATION_TARGET_S:g} s",
            seconds < ENUMERATION_TARGET_S,
        ),
        Result(
            "consistent scenarios found", "enumeration", found, "", f"= {CONSISTENT}", found == CONSISTENT
        ),
        Result("succession, 2,000 starts", "CIB_natl_regional, 1 run", round(succession_s, 2), "s"),
        Result("consistent scenarios found", "succession, 2,000 starts", reached, ""),
    ]
    if args.random:
        big = random_matrix(args.random)
        seconds, found = timed(big, 1, max_enumerate=big.scenario_count)
        results.append(
            Result(
                "enumeration",
                f"random matrix, {big.scenario_count:,} scenarios, 1 run",
                round(seconds, 2),
                "s",
            )
        )
    results.append(
        Result(
            "peak memory",
            "all of the above",
            round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            "MiB",
        )
    )
    return report(results, "foresight CIB benchmark", as_json=args.json)


if __name__ == "__main__":
    sys.exit(main())
