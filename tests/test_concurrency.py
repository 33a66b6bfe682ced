"""Several coders at once, each in a process of its own, on SQLite (WAL) and on PostgreSQL."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

from sqlalchemy import select

from foresight import corpus
from foresight.codebook import import_codebook
from foresight.ingest import ingest
from foresight.project import Project
from foresight.resources import DEFAULT_CODEBOOK
from foresight.store import Code, Coding, Event, UnitState

ROOT = Path(__file__).resolve().parents[1]
SECONDS = 6.0


def test_four_processes_coding_overlapping_units_lose_nothing_and_log_everything(
    project: Project, tmp_path: Path
) -> None:
    import_codebook(project, DEFAULT_CODEBOOK, actor="test")
    paragraphs = [
        f"Paragraph {i}: the cluster's members discussed sensors, logistics and data platforms at length."
        for i in range(12)
    ]
    (tmp_path / "notes.txt").write_text("\n\n".join(paragraphs), encoding="utf-8")
    ingest(project, [tmp_path / "notes.txt"])
    assert len(corpus.list_units(project)) == 12
    # two terminals for anna and two for ben: the same coder's steps clash too
    coders = [("anna", 1), ("anna", 2), ("ben", 3), ("ben", 4)]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    workers = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.workers.coder", str(project.root), coder, str(seed), str(SECONDS)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            cwd=ROOT,
        )
        for coder, seed in coders
    ]
    results = []
    for worker in workers:
        out, err = worker.communicate(timeout=120)
        assert worker.returncode == 0, err
        results.append(json.loads(out))
    assert [r["errors"] for r in results] == [[], [], [], []]
    assert all(r["steps"] > 20 for r in results), [r["steps"] for r in results]

    with project.session() as session:
        code_ids = dict(session.execute(select(Code.id, Code.code_id)).all())
        stored = Counter(
            (unit, code_ids[code], coder)
            for unit, code, coder in session.execute(select(Coding.unit_id, Coding.code_id, Coding.coder))
        )
        applied = Counter(
            (e.entity_id, e.details["code"], e.actor)
            for e in session.execute(select(Event).where(Event.action == "apply")).scalars()
        )
        done = set(session.execute(select(UnitState.unit_id, UnitState.coder).where(UnitState.done)).all())
    shown = Counter((unit, code, r["coder"]) for r in results for unit, code in r["saved"])
    assert stored, "the coders saved nothing"
    # every coding a screen showed as saved is in the store, exactly once, and nothing else is
    assert shown == stored
    assert max(stored.values()) == 1
    # the event log has one 'apply' for each
    assert applied == stored
    assert {(unit, r["coder"]) for r in results for unit in r["done"]} <= done
