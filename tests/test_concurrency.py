"""Several coders at once, each in a process of its own, on SQLite (WAL) and on PostgreSQL."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from sqlalchemy import select

from foresight import corpus
from foresight.codebook import import_codebook
from foresight.ingest import ingest
from foresight.project import Project
from foresight.resources import DEFAULT_CODEBOOK
from foresight.store import Code, Coding, Event, Source, Unit, UnitState

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


def test_two_machines_ingesting_overlapping_folders_at_once_store_each_file_once(
    project: Project, tmp_path: Path
) -> None:
    """Two `foresight ingest` processes, started at the same moment, on folders that share files:
    one source for each file, one new version of the file that changed, every near-duplicate
    flagged as one ingest of everything would flag it, ids and ordinals without gaps."""
    from foresight.maintenance import check
    from tests.test_nearby import edited, paragraphs, reference_flags, stored_flags

    pool, rng = paragraphs(), random.Random(3)
    assert len(pool) >= 40
    folders = {name: tmp_path / name for name in ("anna", "ben", "shared")}
    for folder in folders.values():
        folder.mkdir()

    def write(path: Path, *texts: str) -> None:
        path.write_text("\n\n".join(texts) + "\n", encoding="utf-8")

    outlook = folders["shared"] / "outlook.txt"
    write(outlook, pool[0], pool[1])
    ingest(project, [outlook])  # its first version, before the two machines
    write(outlook, pool[0], pool[2])  # changed since: both machines find a new version
    for number in range(10):  # the same files, both machines
        write(folders["shared"] / f"report-{number:02}.txt", pool[3 + 2 * number], pool[4 + 2 * number])
    for number in range(6):  # each machine's own files, syndicating the same stories
        story = pool[23 + number]
        write(folders["anna"] / f"wire-{number}.txt", pool[29 + number], edited(story, rng))
        write(folders["ben"] / f"post-{number}.txt", edited(story, rng), pool[35 + number])
    write(folders["anna"] / "notes.txt", pool[41])  # a name alike, another file (another path)
    write(folders["ben"] / "notes.txt", pool[42])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    go = tmp_path / "go"
    machines = {
        "anna": [folders["anna"], folders["shared"]],
        "ben": [folders["ben"], folders["shared"]],
    }
    workers = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.workers.ingester",
                str(tmp_path / f"ready-{name}"),
                str(go),
                "0.2",
                "-P",
                str(project.root),
                "ingest",
                "--json",
                *map(str, inputs),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            cwd=ROOT,
        )
        for name, inputs in machines.items()
    ]
    deadline = time.monotonic() + 120
    while not all((tmp_path / f"ready-{name}").exists() for name in machines) and time.monotonic() < deadline:
        time.sleep(0.01)
    go.touch()  # both at once
    reports = []
    for worker in workers:
        out, err = worker.communicate(timeout=300)
        assert worker.returncode == 0, err
        reports.append(json.loads(out))

    files = [p for folder in folders.values() for p in sorted(folder.iterdir())]
    sources = sorted(corpus.list_sources(project, all_versions=True), key=lambda s: s["id"])
    current = [s for s in sources if s["current"]]
    # one current source for each file, and no file's text twice
    assert sorted(s["path"] for s in current) == sorted(str(p.resolve()) for p in files)
    with project.session() as session:
        assert len(set(session.execute(select(Source.sha256)).scalars())) == len(sources)
    # one new version of the changed file, the old one kept
    assert [(s["version"], s["current"]) for s in sources if s["path"] == str(outlook.resolve())] == [
        (1, False),
        (2, True),
    ]
    # what the two machines said: each file written by one of them, skipped by the other
    written = Counter(f["location"] for r in reports for f in r["files"] if f["status"] != "skipped")
    assert written == Counter(str(p.resolve()) for p in files)
    assert sum(r["skipped"] for r in reports) == len(files) - 2 * 7  # the shared files, once each
    # ids and ordinals without gaps
    assert [s["id"] for s in sources] == list(range(1, len(sources) + 1))
    with project.session() as session:
        unit_ids = sorted(session.execute(select(Unit.id)).scalars())
        ordinals = session.execute(select(Unit.source_id, Unit.ordinal).order_by(Unit.id)).all()
    assert unit_ids == list(range(1, len(unit_ids) + 1))
    for source in sources:
        assert [o for s, o in ordinals if s == source["id"]] == list(range(1, source["units"] + 1))
    # every near-duplicate flagged, the syndicated stories among them
    flags = stored_flags(project)
    assert flags == reference_flags(project)
    assert sum(flag is not None for flag in flags.values()) >= 6
    assert check(project) == []
