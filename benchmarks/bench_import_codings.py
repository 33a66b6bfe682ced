"""``foresight import codings`` on a big sheet: the time to apply 100,000 codings from CSV.

What it measures
----------------
A synthetic project of ``--units`` units (``synthetic.py``, the shipped codebook, no codings)
and a CSV of ``--codings`` rows (default 100,000): unit ids, code ids or names (one row in ten
names its code), two coders, and one row in a hundred refused (an unknown unit). The figure is
the wall time of :func:`foresight.interop.codings_import.import_codings`, reading the file and
applying every row in one transaction. Target: under 10 s for 100,000 codings.

Usage::

    python benchmarks/bench_import_codings.py [--units 50000] [--codings 100000] [--json]
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import tempfile
import time
from pathlib import Path

from report import Result, report
from synthetic import generate

from foresight.codebook import read_codebook_file
from foresight.interop.codings_import import import_codings
from foresight.resources import DEFAULT_CODEBOOK

TARGET = 10.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--units", type=int, default=50_000)
    parser.add_argument("--codings", type=int, default=100_000)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    spec = read_codebook_file(DEFAULT_CODEBOOK)[0]
    codes = [(c.id, c.name) for c in spec.codes]
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "big"
        project = generate(folder, units=args.units, coders=1, codings_per_unit=0, periods=1).project
        with project.session() as session:
            from sqlalchemy import select

            from foresight.store import Unit

            unit_ids = list(session.execute(select(Unit.id)).scalars())
        sheet = Path(tmp) / "codings.csv"
        seen: set[tuple[int, str, str]] = set()
        with sheet.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["unit", "code", "coder"])
            while len(seen) < args.codings:
                unit = rng.choice(unit_ids)
                code_id, name = rng.choice(codes)
                coder = rng.choice(("anna", "ben"))
                if (unit, code_id, coder) in seen:
                    continue
                seen.add((unit, code_id, coder))
                if len(seen) % 100 == 0:
                    unit = 10**9  # refused: no such unit
                writer.writerow([unit, name if len(seen) % 10 == 0 else code_id, coder])
        start = time.perf_counter()
        done = import_codings(project, sheet, actor="bench")
        seconds = time.perf_counter() - start
        project.close()
    work = f"{args.codings:,} rows, {args.units:,} units"
    results = [
        Result("import codings from CSV", work, seconds, "s", f"< {TARGET:g} s", seconds < TARGET),
        Result("codings applied", work, done.applied, "codings"),
        Result("rows skipped (the coder has the code there already)", work, len(done.skipped), "rows"),
        Result("rows refused", work, len(done.refused), "rows"),
    ]
    return report(results, "Codings from a sheet", as_json=args.json)


if __name__ == "__main__":
    sys.exit(main())
