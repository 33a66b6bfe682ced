"""The agreement report on a big double-coded project.

Builds a synthetic project of ``--units`` units (default 100,000: 1,000 sources of 100
paragraphs) coded independently by ``--coders`` coders (default 3) against ``--codes`` codes of
the shipped codebook (default 100): each unit has three "true" codes; each coder keeps each one
with probability 0.9 and adds a stray code with probability 0.2, and marks the unit done. Then
times the full report (load every coder's decisions, per-code alpha, kappas and agreement,
overall alpha, confusions, JSON) from a freshly opened project (target: under 5 s).

Usage::

    python benchmarks/bench_agreement.py [--units 100000] [--codes 100] [--coders 3] [--json]
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from report import Result, report
from sqlalchemy import insert, select

from foresight import agreement
from foresight.codebook import import_codebook
from foresight.project import Project
from foresight.resources import DEFAULT_CODEBOOK
from foresight.store import Code, Coding, Source, Unit, UnitState

TARGET_S = 5.0
CODERS = ["anna", "ben", "cleo", "dan", "eve"]


def build(folder: Path, units: int, codes: int, coders: int, per_source: int = 100) -> Project:
    project = Project.init(folder)
    import_codebook(project, DEFAULT_CODEBOOK, actor="bench")
    rng = np.random.default_rng(11)
    with project.transaction() as session:
        code_ids = list(session.execute(select(Code.id).order_by(Code.id)).scalars())[:codes]
        for s in range(units // per_source):
            source = Source(
                title=f"Report {s:04d}",
                path=f"/bench/{s}.txt",
                sha256=f"{s:064x}",
                file_sha256=f"{s:064x}",
                format="txt",
                source_type=("news", "policy", "blog")[s % 3],
            )
            session.add(source)
            session.flush()
            session.execute(
                insert(Unit),
                [
                    {
                        "source_id": source.id,
                        "ordinal": o + 1,
                        "text": f"Paragraph {o + 1} of report {s}.",
                        "start": 0,
                        "end": 20,
                        "attributes": {},
                    }
                    for o in range(per_source)
                ],
            )
        unit_ids = np.array(list(session.execute(select(Unit.id).order_by(Unit.id)).scalars()))
    truth = np.stack([rng.choice(len(code_ids), size=3, replace=False) for _ in range(len(unit_ids))])
    for coder in CODERS[:coders]:
        kept = rng.random(truth.shape) < 0.9
        pairs = {
            (int(unit_ids[u]), code_ids[c])
            for u, c in zip(*np.nonzero(kept), strict=True)
            for c in [truth[u, c]]
        }
        stray = np.nonzero(rng.random(len(unit_ids)) < 0.2)[0]
        pairs |= {(int(unit_ids[u]), code_ids[int(rng.integers(len(code_ids)))]) for u in stray}
        rows = [{"unit_id": u, "code_id": c, "coder": coder, "origin": "manual"} for u, c in sorted(pairs)]
        with project.transaction() as session:
            for start in range(0, len(rows), 50_000):
                session.execute(insert(Coding), rows[start : start + 50_000])
            session.execute(
                insert(UnitState), [{"unit_id": int(u), "coder": coder, "done": True} for u in unit_ids]
            )
    return project


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--units", type=int, default=100_000)
    parser.add_argument("--codes", type=int, default=100)
    parser.add_argument("--coders", type=int, default=3, choices=range(2, len(CODERS) + 1))
    parser.add_argument("--keep", type=Path, help="Build the project in this folder, or reuse it.")
    parser.add_argument(
        "--runs", type=int, default=3, help="time the report this many times; the median is shown"
    )
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="foresight-bench-agreement-") as tmp:
        folder = args.keep or Path(tmp) / "project"
        t = time.perf_counter()
        if not (folder / "foresight.toml").exists():
            build(folder, args.units, args.codes, args.coders).close()
        built = time.perf_counter() - t
        times = []
        for _ in range(max(1, args.runs)):
            t = time.perf_counter()
            project = Project.open(folder)
            result = agreement.agreement_report(project, coders=CODERS[: args.coders])
            text = json.dumps(result.as_json())
            times.append(time.perf_counter() - t)
            project.close()
        elapsed = statistics.median(times)
    assert "NaN" not in text
    work = f"{args.units:,} units x {len(result.codes)} codes x {args.coders} coders"
    work += f", median of {len(times)} runs"
    overall = result.overall.alpha if result.overall.alpha is not None else math.nan
    results = [
        Result("build synthetic project", work, built, "s"),
        Result(
            "full report (open, load, statistics, JSON)",
            work,
            elapsed,
            "s",
            f"< {TARGET_S:g}",
            elapsed < TARGET_S,
        ),
        Result("units every coder finished", work, result.units, "units"),
        Result("overall alpha (a check, not a target)", work, overall, ""),
    ]
    return report(results, "foresight agreement benchmark", as_json=args.json)


if __name__ == "__main__":
    sys.exit(main())
