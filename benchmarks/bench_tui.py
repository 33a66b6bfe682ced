"""The coders' screen on a big project: time to open, and latency per keystroke.

Builds a synthetic project of ``--units`` units (default 100,000: 1,000 sources of 100
paragraphs; the last ten paragraphs of every tenth source, the last source among them, are
long: 3,000 to 6,000 characters, taller than the unit panel) with the shipped codebook and
some codings, then drives the Textual app headless with its Pilot and measures:

- open: from creating the app until the unit list is loaded and the first unit shown
  (target: under 2 s);
- for each action (next, previous, next uncoded, apply a recent code, undo, redo, mark done,
  next and previous across the long units at the end of the list, from and to a short one,
  and each key of a palette search: /, a letter, Enter, Escape), over ``--presses`` presses,
  the work one keystroke costs: the CPU time of the process from the key press until the app
  is idle again, with the screen redrawn (median and p95; target: every keystroke under
  50 ms). The app runs on one thread, so a keystroke's latency is this work plus at most one
  frame (1/60 s). Beside it: the Pilot's round trip in wall time, which also counts the test
  harness's own idle waits; the round trip of a key bound to nothing shows that floor.

Usage::

    python benchmarks/bench_tui.py [--units 100000] [--presses 40] [--json]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from report import Result, report
from sqlalchemy import insert

from foresight import coding
from foresight.codebook import import_codebook
from foresight.project import Project
from foresight.resources import DEFAULT_CODEBOOK
from foresight.store import Source, Unit

OPEN_TARGET_S = 2.0
KEY_TARGET_MS = 50.0
LONG = 10  # the last units of every tenth source are long
WORDS = [
    "cluster",
    "policy",
    "supplier",
    "network",
    "photonics",
    "firms",
    "alliance",
    "logistics",
    "region",
    "growth",
    "digital",
    "platform",
    "sensor",
    "data",
    "energy",
    "materials",
    "skills",
    "export",
    "innovation",
    "funding",
    "start-up",
]


def build(folder: Path, units: int, per_source: int = 100) -> Project:
    project = Project.init(folder)
    import_codebook(project, DEFAULT_CODEBOOK, actor="bench")
    rng = random.Random(7)
    with project.transaction() as session:
        for s in range(units // per_source):
            source = Source(
                title=f"Report {s:04d}",
                path=f"/bench/{s}.txt",
                sha256=f"{s:064x}",
                file_sha256=f"{s:064x}",
                format="txt",
                source_type="report",
            )
            session.add(source)
            session.flush()
            rows, offset = [], 0
            for o in range(per_source):
                long = (units // per_source - 1 - s) % 10 == 0 and o >= per_source - LONG
                words = rng.randint(400, 800) if long else 60  # 3,000 to 6,000 characters
                text = " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."
                rows.append(
                    {
                        "source_id": source.id,
                        "ordinal": o + 1,
                        "text": text,
                        "start": offset,
                        "end": offset + len(text),
                        "period": "2007-2014",
                        "attributes": {},
                    }
                )
                offset += len(text) + 2
            session.execute(insert(Unit), rows)
    for unit_id in range(1, 2000, 3):  # some earlier work
        coding.apply_code(project, unit_id, "FC.TREND", coder="anna")
    return project


def stats(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]


Timings = dict[str, tuple[list[float], list[float]]]  # action -> (CPU ms per key, wall ms)


async def drive(project: Project, presses: int) -> tuple[float, Timings]:
    from foresight.tui.app import CodingApp

    start = time.perf_counter()
    app = CodingApp(project, "anna")
    timings: Timings = {}
    async with app.run_test(size=(120, 36)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        opened = time.perf_counter() - start

        async def timed(name: str, *keys: str) -> None:
            wall, cpu = time.perf_counter(), time.process_time()
            await pilot.press(*keys)
            await pilot.pause()
            cpu_ms, wall_ms = (time.process_time() - cpu) * 1000, (time.perf_counter() - wall) * 1000
            samples = timings.setdefault(name, ([], []))
            samples[0].append(cpu_ms / len(keys))
            samples[1].append(wall_ms)

        await pilot.press("slash", *"FC.DRIVER", "enter")
        await pilot.pause()
        await pilot.press("escape")
        for _ in range(presses):
            await timed("unbound key (z)", "z")
            await timed("next (n)", "n")
            await timed("previous (p)", "p")
            await timed("next uncoded (N)", "N")
            await timed("apply recent code (1)", "1")
            await timed("undo (u)", "u")
            await timed("redo (ctrl+r)", "ctrl+r")
            await timed("mark done (d)", "d")
        await pilot.press("end")  # the long units: the last ones of the last source
        await pilot.pause()
        for _ in range(max(2, presses // (LONG + 1))):  # from the last long unit to a short one and back
            for _ in range(LONG + 1):
                await timed("next/previous across long units (n/p)", "p")
            for _ in range(LONG + 1):
                await timed("next/previous across long units (n/p)", "n")
        for _ in range(max(5, presses // 4)):  # each key of a palette search on its own
            await timed("palette: / (search)", "slash")
            for letter in "drive":
                await timed("palette: type a letter", letter)
            await timed("palette: Enter (apply or remove)", "enter")
            await timed("palette: Escape (leave)", "escape")
        await pilot.press("q")
    return opened, timings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--units", type=int, default=100_000)
    parser.add_argument("--presses", type=int, default=40)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="foresight-bench-tui-") as tmp:
        t = time.perf_counter()
        project = build(Path(tmp) / "project", args.units)
        built = time.perf_counter() - t
        opened, timings = asyncio.run(drive(project, args.presses))
    work = f"{args.units:,} units"
    results = [
        Result("build synthetic project", work, built, "s"),
        Result(
            "open (list loaded, first unit shown)",
            work,
            opened,
            "s",
            f"< {OPEN_TARGET_S:g}",
            opened < OPEN_TARGET_S,
        ),
    ]
    target = f"< {KEY_TARGET_MS:g}"
    for name, (cpu, wall) in timings.items():
        median, p95 = stats(cpu)
        presses = f"{work}, {len(cpu)} presses"
        results.append(
            Result(f"{name}: work per key, median", presses, median, "ms", target, median < KEY_TARGET_MS)
        )
        results.append(Result(f"{name}: work per key, p95", presses, p95, "ms", target, p95 < KEY_TARGET_MS))
        results.append(Result(f"{name}: Pilot round trip, median", presses, stats(wall)[0], "ms"))
    return report(results, "foresight TUI benchmark", as_json=args.json)


if __name__ == "__main__":
    sys.exit(main())
