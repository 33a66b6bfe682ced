"""The project as tables at scale: ``export_csv`` and ``export_xlsx`` of a big project.

Builds a SQLite project of ``--units`` units (default 100,000, in sources of 100 paragraphs of
about 400 characters each, some with commas, quotes, line breaks, accents and a leading "=")
coded with about ``--codings`` codings (default 3 per unit) by three coders with the four
origins, one suggestion per ten units and a memo per hundred, written with sqlite3's
executemany. Then, each in a fresh process (so that one's memory does not count for the
other), it measures:

- ``export_csv`` into a folder, and ``export_xlsx`` into a workbook: wall seconds of the call;
- the peak resident set size of that process (``VmHWM`` from ``/proc/self/status``), and the
  same after only the imports and opening the project, to show what the export itself adds.

Usage::

    python benchmarks/bench_tables.py [--units 100000] [--codings 300000] [--json]
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from report import Result, report

WORDS = (  # a paragraph is 60 of these
    "cluster firms sensors packaging logistics region policy funding digital platform data "
    "energy marine biotech design makers network alliance market export skills research "
    "university startup supply chain circular economy smart city mobility health ageing"
)
ODD = ['Firms, "smart" labels;', "Größe – 5 €", "=SUM(A1)", "line\nbreak", "-3 firms", "@team"]
MEMORY_TARGET_MIB = 1024


def peak_rss_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def build(folder: Path, units: int, codings: int, per_source: int = 100, seed: int = 0) -> None:
    from foresight.codebook import import_codebook
    from foresight.config import DATABASE_NAME
    from foresight.project import Project
    from foresight.resources import DEFAULT_CODEBOOK

    project = Project.init(folder)
    import_codebook(project, DEFAULT_CODEBOOK, actor="bench")
    project.close()
    rng = np.random.default_rng(seed)
    db = sqlite3.connect(folder / DATABASE_NAME)
    codes = [row[0] for row in db.execute("SELECT id FROM code ORDER BY id")]
    sources = (units + per_source - 1) // per_source
    words = np.asarray(WORDS.split())

    def text(u: int) -> str:
        body = " ".join(words[rng.integers(0, len(words), 60)])
        return (ODD[u % len(ODD)] + " " + body) if u % 7 == 0 else body.capitalize() + "."

    with db:
        db.executemany(
            "INSERT INTO source (id, title, path, locator, sha256, file_sha256, format, source_type, "
            "date_origin, ingested_at, text, version, current, attributes) "
            "VALUES (?, ?, ?, '', ?, ?, 'pdf', 'policy', 'unknown', '2026-01-01', '', 1, 1, '{}')",
            (
                (s + 1, f"Report {s}, part «{s % 9}»", f"/s{s}.pdf", f"{s:064x}", f"{s:064x}")
                for s in range(sources)
            ),
        )
        db.executemany(
            'INSERT INTO unit (id, source_id, ordinal, text, start, "end", page, section, period, '
            "attributes) VALUES (?, ?, ?, ?, 0, 400, ?, 'Findings', '2007-2014', '{}')",
            ((u + 1, u // per_source + 1, u % per_source + 1, text(u), u % 30 + 1) for u in range(units)),
        )
    coders = np.asarray(["anna", "ben", "cleo"])
    origins = np.asarray(["manual", "manual", "manual", "accepted-suggestion", "adjudicated", "carried"])
    unit_ids = rng.integers(1, units + 1, codings)
    code_ids = np.asarray(codes)[rng.integers(0, len(codes), codings)]
    who = coders[rng.integers(0, 3, codings)]
    seen: set[tuple[int, int, str]] = set()
    rows = []
    for u, c, w in zip(unit_ids.tolist(), code_ids.tolist(), who.tolist(), strict=True):
        if (u, c, w) not in seen:
            seen.add((u, c, w))
            rows.append((u, c, w, str(origins[len(rows) % len(origins)])))
    with db:
        db.executemany(
            "INSERT INTO coding (unit_id, code_id, coder, origin, created_at) "
            "VALUES (?, ?, ?, ?, '2026-01-01')",
            rows,
        )
        db.executemany(
            "INSERT INTO suggestion (unit_id, code_id, model, score, source, status, created_at) "
            "VALUES (?, ?, 'rules-1', 0.7, 'rules', 'open', '2026-01-01')",
            ((u, codes[u % len(codes)]) for u in range(1, units + 1, 10)),
        )
        db.executemany(
            "INSERT INTO memo (kind, target_id, coder, text, updated_at) "
            "VALUES ('unit', ?, 'anna', 'Check, \"this\" one', '2026-01-01')",
            ((u,) for u in range(1, units + 1, 100)),
        )
    db.close()


def measure(kind: str, folder: Path, target: Path) -> None:
    """In this (fresh) process: open the project, export, print seconds and peak memory as JSON."""
    from foresight.interop.tables import export_csv, export_xlsx
    from foresight.project import Project

    project = Project.open(folder)
    before = peak_rss_kib()
    started = time.perf_counter()
    written = (export_csv if kind == "csv" else export_xlsx)(project, target)
    seconds = time.perf_counter() - started
    rows = {w.table: w.rows for w in written}
    print(json.dumps({"seconds": seconds, "peak_kib": peak_rss_kib(), "before_kib": before, "rows": rows}))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--units", type=int, default=100_000)
    parser.add_argument("--codings", type=int, default=None, help="default: 3 per unit")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--measure", nargs=3, metavar=("KIND", "PROJECT", "TARGET"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        kind, folder, target = args.measure
        measure(kind, Path(folder), Path(target))
        return 0
    with tempfile.TemporaryDirectory(prefix="foresight-bench-") as tmp:
        folder = Path(tmp) / "project"
        started = time.perf_counter()
        build(folder, args.units, args.codings or 3 * args.units)
        print(f"built {args.units:,} units in {time.perf_counter() - started:.1f} s", file=sys.stderr)
        results = []
        for kind, target in (("csv", Path(tmp) / "tables"), ("xlsx", Path(tmp) / "project.xlsx")):
            done = subprocess.run(
                [sys.executable, __file__, "--measure", kind, str(folder), str(target)],
                check=True,
                capture_output=True,
                text=True,
            )
            figures = json.loads(done.stdout)
            rows = figures["rows"]
            work = (
                f"{rows['units']:,} units, {rows['codings']:,} codings, {rows['suggestions']:,} suggestions"
            )
            size = sum(p.stat().st_size for p in ([target] if target.is_file() else target.iterdir()))
            peak = figures["peak_kib"] / 1024
            results += [
                Result(f"export {kind}", work, figures["seconds"], "s"),
                Result(f"export {kind}: file size", work, size / 2**20, "MiB"),
                Result(f"export {kind}: peak RSS (before export)", work, figures["before_kib"] / 1024, "MiB"),
                Result(
                    f"export {kind}: peak RSS",
                    work,
                    peak,
                    "MiB",
                    f"< {MEMORY_TARGET_MIB} MiB",
                    peak < MEMORY_TARGET_MIB,
                ),
            ]
    return report(results, "foresight tables benchmark", as_json=args.json)


if __name__ == "__main__":
    sys.exit(main())
