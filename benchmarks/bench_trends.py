"""Trend flags and bursts on a big project.

Builds a synthetic project (``benchmarks/synthetic.py``) of ``--units`` units (default 1,000,000)
over two periods, coded by one coder with about three codes a unit (skewed: a few frequent
codes, a long tail), then times from a freshly opened project:

- ``trends()``: every code and code pair's c and counts per period, growth, class and evidence,
  the documented ``foresight trends --json`` object (target: under 30 s);
- ``bursts()``: Kleinberg's automaton over each code's share per year (target: under 30 s);
- with ``--emergence``: ``trends()`` with Porter et al.'s emergence score of every code and pair
  (give ``--periods 10`` or more: the score needs at least 5 periods).

Usage::

    python benchmarks/bench_trends.py [--units 1000000] [--periods 2] [--emergence] [--json]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

from report import Result, report
from synthetic import generate

from foresight.cooccurrence import Codings
from foresight.cooccurrence.bursts import bursts
from foresight.cooccurrence.emergence import EmergenceSettings
from foresight.cooccurrence.trends import TrendSettings, trends
from foresight.project import Project

WITH_EMERGENCE = TrendSettings(emergence=EmergenceSettings())
TRENDS_TARGET_S = 30.0
BURSTS_TARGET_S = 30.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3, help="time each this many times; the median is shown")
    parser.add_argument("--periods", type=int, default=2)
    parser.add_argument(
        "--emergence", action="store_true", help="also time trends() with the emergence score"
    )
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="foresight-bench-") as tmp:
        started = time.perf_counter()
        made = generate(Path(tmp) / "project", units=args.units, coders=1, periods=args.periods)
        made.project.close()
        print(
            f"built {made.units:,} units, {made.codings:,} codings in {time.perf_counter() - started:.1f} s",
            file=sys.stderr,
        )
        work = f"{made.units:,} units, {made.codings:,} codings, {args.periods} periods"
        project = Project.open(Path(tmp) / "project")
        trend_times, burst_times, emergence_times = [], [], []
        for _ in range(max(1, args.runs)):
            started = time.perf_counter()
            found = trends(project, Codings(coder=made.coders[0]))
            trend_times.append(time.perf_counter() - started)
            started = time.perf_counter()
            bursts(project, Codings(coder=made.coders[0]))
            burst_times.append(time.perf_counter() - started)
            if args.emergence:
                started = time.perf_counter()
                scored = trends(project, Codings(coder=made.coders[0]), settings=WITH_EMERGENCE)
                emergence_times.append(time.perf_counter() - started)
                assert all("emergence" in item for item in scored["pairs"])
        project.close()
    assert found["pairs"] and found["codes"], "no trends to rank"
    trends_s, bursts_s = statistics.median(trend_times), statistics.median(burst_times)
    work += f", median of {len(trend_times)} runs"
    results = [
        Result(
            "trends()", work, round(trends_s, 2), "s", f"< {TRENDS_TARGET_S:g} s", trends_s < TRENDS_TARGET_S
        ),
        Result(
            "bursts()", work, round(bursts_s, 2), "s", f"< {BURSTS_TARGET_S:g} s", bursts_s < BURSTS_TARGET_S
        ),
        *(
            [Result("trends() with emergence", work, round(statistics.median(emergence_times), 2), "s")]
            if emergence_times
            else []
        ),
        Result(
            "peak memory",
            work,
            round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            "MiB",
        ),
    ]
    return report(results, "foresight trends benchmark", as_json=args.json)


if __name__ == "__main__":
    sys.exit(main())
