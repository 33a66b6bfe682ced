"""Co-occurrence at scale: the whole unit x code matrix from the store, and its product.

Builds a SQLite project of ``--units`` units (default 1,000,000, in sources of 100 paragraphs)
coded with ``--codings`` codings (default 3,000,000) by one coder over the shipped codebook's
codes, written with sqlite3's executemany, then measures:

- load: reading the counted (unit, code) pairs from the store and building the binary sparse
  unit x code matrix (target: under 5 s, with the matrix product, on this 2-core machine);
- product: X.T @ X, the code x code counts (target: well under a second);
- whole: ``foresight.cooccurrence.cooccurrence`` end to end (load, product, N);
- measures: the pairs table ranked by each co-word measure (inclusion, association, lift,
  equivalence) with ``--stats``, and Callon's centrality and density of themes (the codebook's
  groups as communities), from the counts above.

Usage::

    python benchmarks/bench_cooccurrence.py [--units 1000000] [--codings 3000000] [--json]
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from report import Result, report

from foresight.codebook import import_codebook
from foresight.config import DATABASE_NAME
from foresight.cooccurrence import Codings, cooccurrence, cooccurrence_counts, load
from foresight.cooccurrence.strategic import themes
from foresight.project import Project
from foresight.resources import DEFAULT_CODEBOOK

LOAD_TARGET_S = 5.0
PRODUCT_TARGET_S = 1.0


def build(folder: Path, units: int, codings: int, per_source: int = 100, seed: int = 0) -> Project:
    """A project with ``units`` units and about ``codings`` distinct codings by coder ``bench``."""
    project = Project.init(folder)
    import_codebook(project, DEFAULT_CODEBOOK, actor="bench")
    project.close()
    db = sqlite3.connect(folder / DATABASE_NAME)
    codes = [row[0] for row in db.execute("SELECT id FROM code ORDER BY id")]
    sources = (units + per_source - 1) // per_source
    with db:
        db.executemany(
            "INSERT INTO source (id, title, path, locator, sha256, file_sha256, format, source_type, "
            "date_origin, ingested_at, text, version, current, attributes) "
            "VALUES (?, ?, ?, '', ?, ?, 'txt', 'news', 'unknown', '2026-01-01', '', 1, 1, '{}')",
            ((s + 1, f"source {s}", f"/s{s}", f"{s:064x}", f"{s:064x}") for s in range(sources)),
        )
        db.executemany(
            'INSERT INTO unit (id, source_id, ordinal, text, start, "end", period, attributes) '
            "VALUES (?, ?, ?, 'text', 0, 4, '2007-2014', '{}')",
            ((u + 1, u // per_source + 1, u % per_source + 1) for u in range(units)),
        )
    # codings: each unit gets 1..5 distinct codes, skewed towards a few frequent ones
    rng = np.random.default_rng(seed)
    weights = 1.0 / np.arange(1, len(codes) + 1) ** 0.8
    weights /= weights.sum()
    per_unit = codings / units
    unit_ids = np.repeat(np.arange(1, units + 1), rng.poisson(per_unit * 1.15, units).clip(0, 8))
    code_ids = np.asarray(codes)[rng.choice(len(codes), size=len(unit_ids), p=weights)]
    pairs = np.unique(np.stack([unit_ids, code_ids], axis=1), axis=0)[:codings]
    with db:
        db.executemany(
            "INSERT INTO coding (unit_id, code_id, coder, origin, created_at) "
            "VALUES (?, ?, 'bench', 'manual', '2026-01-01')",
            pairs.tolist(),
        )
    db.close()
    return Project.open(folder)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--units", type=int, default=1_000_000)
    parser.add_argument("--codings", type=int, default=3_000_000)
    parser.add_argument(
        "--runs", type=int, default=3, help="time each step this many times; the median is shown"
    )
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="foresight-bench-") as tmp:
        started = time.perf_counter()
        project = build(Path(tmp) / "project", args.units, args.codings)
        built = time.perf_counter() - started
        count = project.engine.raw_connection().cursor().execute("SELECT count(*) FROM coding").fetchone()[0]
        print(f"built {args.units:,} units and {count:,} codings in {built:.1f} s", file=sys.stderr)
        work = f"{args.units:,} units, {count:,} codings"

        loads, products, wholes, measures, strategic = [], [], [], [], []
        for _ in range(max(1, args.runs)):
            started = time.perf_counter()
            selection = load(project, Codings(coder="bench"))
            matrix = selection.matrix()
            loads.append(time.perf_counter() - started)
            started = time.perf_counter()
            counts = cooccurrence_counts(matrix)
            products.append(time.perf_counter() - started)
            started = time.perf_counter()
            result = cooccurrence(project, Codings(coder="bench"))
            wholes.append(time.perf_counter() - started)
            started = time.perf_counter()
            for name in ("inclusion", "association", "lift", "equivalence"):
                ranked = result.pairs(stats=True, measure=name)
            measures.append((time.perf_counter() - started) / 4)
            groups: dict[str, list[str]] = {}
            for code in result.codes:
                groups.setdefault(code.group or "", []).append(code.id)
            started = time.perf_counter()
            found, _ = themes(result, list(groups.values()))
            strategic.append(time.perf_counter() - started)
        load_s, product_s, whole_s, measure_s, strategic_s = (
            statistics.median(t) for t in (loads, products, wholes, measures, strategic)
        )
        work += f", median of {len(loads)} runs"
        assert int(counts.trace()) == count and result.units <= args.units and ranked and found
        project.close()
    results = [
        Result("load + sparse matrix", work, load_s, "s"),
        Result(
            "product X.T @ X",
            f"{matrix.shape[0]:,} x {matrix.shape[1]} csr",
            product_s,
            "s",
            f"< {PRODUCT_TARGET_S:g} s",
            product_s < PRODUCT_TARGET_S,
        ),
        Result(
            "load + product",
            work,
            load_s + product_s,
            "s",
            f"< {LOAD_TARGET_S:g} s",
            load_s + product_s < LOAD_TARGET_S,
        ),
        Result(
            "cooccurrence() end to end", work, whole_s, "s", f"< {LOAD_TARGET_S:g} s", whole_s < LOAD_TARGET_S
        ),
        Result("pairs --stats by one measure", f"{len(ranked):,} pairs", measure_s, "s"),
        Result("strategic diagram's themes", f"{len(found)} themes", strategic_s, "s"),
    ]
    return report(results, "foresight co-occurrence benchmark", as_json=args.json)


if __name__ == "__main__":
    sys.exit(main())
