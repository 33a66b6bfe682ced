"""REFI-QDA export and import of a big coded project.

Builds a synthetic project (``benchmarks/synthetic.py``) of ``--units`` units (default 100,000,
in sources of 100 paragraphs) with the shipped codebook, two coders applying about three codes to
every unit, then times ``export_qdpx`` (the whole archive written) and ``import_qdpx`` of that archive
into a fresh project (targets: export under 30 s, import under 60 s, peak memory beside each).

The import's peak is the resident set's high-water mark from the start of the import (Linux resets
it through ``/proc/self/clear_refs``; elsewhere the figure is the process's peak and has no
target). Its target, under 500 MiB at any size, is about half of what parsing the 100,000-unit
project.qde whole took (1,050 MiB): the import reads it one source at a time, so what is left is
the interpreter and its libraries, SQLite's cache and the heap the export left behind.

Usage::

    python benchmarks/bench_qdpx.py [--units 100000] [--json]
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
from sqlalchemy import func, select
from synthetic import generate

from foresight.interop.qdpx_export import export_qdpx
from foresight.interop.qdpx_import import import_qdpx
from foresight.project import Project
from foresight.store import Coding

EXPORT_TARGET_S = 30.0
IMPORT_TARGET_S = 60.0
IMPORT_MEMORY_TARGET_MIB = 500


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def reset_peak() -> bool:
    """Start the peak resident set size again from what is resident now; False where it cannot."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3, help="time each this many times; the median is shown")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        made = generate(folder / "source", units=args.units, coders=2, codings_per_unit=3)
        project = made.project
        with project.session() as session:
            n_codings = session.execute(select(func.count()).select_from(Coding)).scalar_one()
        work = f"{args.units:,} units, {n_codings:,} codings, 2 coders"
        export_times, import_times, import_peaks = [], [], []
        reset = False
        for run in range(max(1, args.runs)):
            archive = folder / f"big{run}.qdpx"
            t0 = time.perf_counter()
            exported = export_qdpx(project, archive)
            export_times.append(time.perf_counter() - t0)
            export_peak = peak_mib()
            target = Project.init(folder / f"target{run}")
            reset = reset_peak()
            t0 = time.perf_counter()
            imported = import_qdpx(target, archive, actor="bench")
            import_times.append(time.perf_counter() - t0)
            import_peaks.append(peak_mib())
            target.close()
            assert imported.codings_added == exported.codings == n_codings, (imported, exported)
            assert imported.units_added == args.units
        export_s, import_s = statistics.median(export_times), statistics.median(import_times)
        work += f", median of {len(export_times)} runs"
        results = [
            Result(
                "export qdpx",
                work,
                round(export_s, 2),
                "s",
                f"< {EXPORT_TARGET_S:g} s",
                export_s < EXPORT_TARGET_S,
            ),
            Result("archive size", work, round(archive.stat().st_size / 2**20, 1), "MiB"),
            Result(
                "import qdpx",
                work,
                round(import_s, 2),
                "s",
                f"< {IMPORT_TARGET_S:g} s",
                import_s < IMPORT_TARGET_S,
            ),
            Result("peak memory after export", work, round(export_peak), "MiB"),
            Result(
                "peak memory while importing" if reset else "peak memory after import",
                work,
                round(max(import_peaks)),
                "MiB",
                f"< {IMPORT_MEMORY_TARGET_MIB} MiB" if reset else None,
                max(import_peaks) < IMPORT_MEMORY_TARGET_MIB if reset else None,
            ),
        ]
    return report(results, "REFI-QDA exchange", as_json=args.json)


if __name__ == "__main__":
    sys.exit(main())
