"""Backups while coders work, restoring one without losing the store as it was, integrity checks."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from foresight import coding, corpus
from foresight.codebook import import_codebook
from foresight.codebook.edits import retire_code
from foresight.errors import ForesightError
from foresight.ingest import ingest
from foresight.maintenance import backup, check, restore
from foresight.project import Project
from foresight.resources import DEFAULT_CODEBOOK
from foresight.store import Coding, Event
from tests import builders


@pytest.fixture
def units(project: Project, tmp_path: Path) -> list[int]:
    import_codebook(project, DEFAULT_CODEBOOK, actor="test")
    ingest(project, [builders.word_document(tmp_path / "blue.docx")])
    return [u["id"] for u in corpus.list_units(project)]


def count(project: Project, query) -> int:  # type: ignore[no-untyped-def]
    with project.session() as session:
        return int(session.execute(query).scalar_one())


CODES = ["FC.TREND", "FC.DRIVER", "FC.WEAK_SIGNAL", "EI.BLUE_GROWTH", "MT.IOT", "MT.BIG_DATA"]


def test_a_backup_taken_while_a_coder_works_is_one_consistent_moment(
    project: Project, units: list[int], tmp_path: Path
) -> None:
    stop = threading.Event()

    def code_all_the_time() -> None:
        other = Project.open(project.root)
        try:
            for i in range(10_000):
                if stop.is_set():
                    break
                unit, code = units[i % len(units)], CODES[(i // len(units)) % len(CODES)]
                coding.apply_code(other, unit, code, coder="anna")
                if i % 3 == 0:
                    coding.remove_code(other, unit, code, coder="anna")
        finally:
            other.close()

    worker = threading.Thread(target=code_all_the_time)
    worker.start()
    try:
        while count(project, select(func.count()).select_from(Coding)) < 5:
            stop.wait(0.01)
        made = backup(project, tmp_path / "snapshot")
    finally:
        stop.set()
        worker.join()
    assert made.path.exists()
    if made.kind != "sqlite":
        return  # a pg_dump snapshot is one transaction by construction; restoring it is tested below
    snapshot = sqlite3.connect(made.path)
    try:
        assert snapshot.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        codings = snapshot.execute("select count(*) from coding").fetchone()[0]
        applied = snapshot.execute("select count(*) from event where action = 'apply'").fetchone()[0]
        removed = snapshot.execute("select count(*) from event where action = 'remove'").fetchone()[0]
    finally:
        snapshot.close()
    # each step wrote its coding and its event together: a moment between steps has both or none
    assert codings == applied - removed > 0


def test_restore_brings_the_snapshot_back_and_keeps_the_store_as_it_was(
    project: Project, units: list[int], tmp_path: Path
) -> None:
    coding.apply_code(project, units[0], "FC.TREND", coder="anna")
    made = backup(project, tmp_path / "monday.backup")
    coding.apply_code(project, units[1], "FC.DRIVER", coder="anna")  # work after the snapshot
    before = restore(project, made.path)
    assert [(r["unit_id"], r["code_id"]) for r in coding.list_codings(project, coder="anna")] == [
        (units[0], "FC.TREND")
    ]
    # nothing is lost: the store as it was before the restore can itself be restored
    restore(project, before)
    assert len(coding.list_codings(project, coder="anna")) == 2
    assert count(project, select(func.count()).select_from(Event).where(Event.action == "apply")) == 2


def test_restore_refuses_what_is_not_a_backup_and_changes_nothing(
    project: Project, units: list[int], tmp_path: Path
) -> None:
    coding.apply_code(project, units[0], "FC.TREND", coder="anna")
    junk = tmp_path / "junk.backup"
    junk.write_bytes(b"this is not a snapshot of anything")
    with pytest.raises(ForesightError) as caught:
        restore(project, junk)
    expected = (
        "not a backup of a SQLite project"
        if project.database_url.startswith("sqlite")
        else "not a pg_dump backup of a PostgreSQL project"
    )
    assert str(caught.value) == f"{junk}: {expected}"
    with pytest.raises(ForesightError, match="no such file"):
        restore(project, tmp_path / "missing.backup")
    assert len(coding.list_codings(project, coder="anna")) == 1


def test_a_sqlite_file_that_is_not_a_foresight_store_is_refused(tmp_path: Path) -> None:
    project = Project.init(tmp_path / "p")
    other = tmp_path / "other.db"
    db = sqlite3.connect(other)
    db.execute("create table t (x)")
    db.commit()
    db.close()
    with pytest.raises(ForesightError) as caught:
        restore(project, other)
    assert str(caught.value) == f"{other}: not a foresight backup (no foresight tables in it)"


def test_check_finds_nothing_in_a_sound_project_and_names_what_is_wrong(
    project: Project, units: list[int]
) -> None:
    coding.apply_code(project, units[0], "FC.TREND", coder="anna")
    coding.apply_code(project, units[1], "CP.SMART_SPECIALISATION", coder="anna")
    assert check(project) == []
    retire_code(project, "CP.SMART_SPECIALISATION", actor="lead")
    with project.transaction() as session:  # someone edits a unit's text behind the toolkit's back
        session.execute(text("update unit set text = 'edited by hand' where id = :u"), {"u": units[2]})
    findings = {f.problem: f for f in check(project)}
    assert set(findings) == {
        "units whose offsets no longer match their source's text",
        "codings on retired codes",
    }
    bad = findings["units whose offsets no longer match their source's text"]
    assert (bad.severity, bad.count, bad.examples) == ("error", 1, [units[2]])
    retired = findings["codings on retired codes"]
    assert (retired.severity, retired.count) == ("warning", 1)


def test_check_finds_spans_off_their_text_and_spans_of_a_missing_coding(tmp_path: Path) -> None:
    from foresight.store.spans import add_spans

    project = Project.init(tmp_path / "p")
    import_codebook(project, DEFAULT_CODEBOOK, actor="test")
    ingest(project, [builders.word_document(tmp_path / "blue.docx")])
    first, second = (u["id"] for u in corpus.list_units(project)[:2])
    coding.apply_code(project, first, "FC.TREND", coder="anna")
    coding.apply_code(project, second, "FC.TREND", coder="anna")
    with project.session() as session:
        ids = dict(session.execute(select(Coding.unit_id, Coding.id)).all())
        start, end = corpus.list_units(project)[0]["start"], corpus.list_units(project)[0]["end"]
    with project.engine.begin() as conn:  # a sound span, one on another unit's text, one past the text
        add_spans(
            conn, [(ids[first], start, end - 1), (ids[second], start, start + 4), (ids[first], 0, 10**6)]
        )
    assert {f.problem: f.count for f in check(project)} == {
        "spans outside their source's text or their unit": 2
    }
    db = sqlite3.connect(tmp_path / "p" / "foresight.db")  # foreign keys off: no cascade
    db.execute("delete from coding where id = ?", (ids[second],))
    db.commit()
    db.close()
    findings = {f.problem: (f.severity, f.count) for f in check(project)}
    assert findings["spans of a missing coding"] == ("error", 1)


def test_check_finds_orphaned_rows(tmp_path: Path) -> None:
    project = Project.init(tmp_path / "p")
    import_codebook(project, DEFAULT_CODEBOOK, actor="test")
    ingest(project, [builders.word_document(tmp_path / "blue.docx")])
    unit = corpus.list_units(project)[0]["id"]
    coding.apply_code(project, unit, "FC.TREND", coder="anna")
    db = sqlite3.connect(tmp_path / "p" / "foresight.db")  # foreign keys off, as an old tool would
    db.execute("delete from unit where id = ?", (unit,))
    db.commit()
    db.close()
    findings = {f.problem: (f.severity, f.count) for f in check(project)}
    assert findings["codings of a missing unit"] == ("error", 1)


def test_check_finds_a_file_stored_twice_and_units_missing_from_a_source(
    project: Project, tmp_path: Path
) -> None:
    """What two ingests writing at once without the store's write lock would leave behind."""
    ingest(project, [builders.word_document(tmp_path / "blue.docx"), builders.web_page(tmp_path / "a.html")])
    first, second = sorted(s["id"] for s in corpus.list_sources(project))
    columns = "title, path, locator, sha256, file_sha256, format, source_type, date_origin, ingested_at"
    columns += ", text, version, current"
    with project.transaction() as session:
        session.execute(
            text(f"insert into source ({columns}) select {columns} from source where id = :s"), {"s": first}
        )
        middle = corpus.list_units(project, source_id=second)[1]["id"]
        session.execute(text("delete from unit where id = :u"), {"u": middle})
    findings = {f.problem: (f.severity, f.count, f.examples) for f in check(project)}
    assert findings == {
        "files with more than one current version": ("error", 1, [first]),
        "sources whose units are not numbered 1, 2, 3, ...": ("error", 1, [second]),
    }


def test_backup_restore_and_check_from_the_command_line(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert cli("init", str(tmp_path / "p")).code == 0
    root = str(tmp_path / "p")
    done = cli("--project", root, "check")
    assert (done.code, done.out.strip()) == (0, "No problems found")
    done = cli("--project", root, "backup", str(tmp_path / "b.db"))
    assert done.code == 0 and done.out.startswith(f"Wrote {tmp_path / 'b.db'} (sqlite, ")
    done = cli("--project", root, "backup", str(tmp_path / "nowhere" / "b.db"))
    assert (done.code, done.err.strip()) == (1, f"Error: {tmp_path / 'nowhere'}: no such folder")
    done = cli("--project", root, "restore", str(tmp_path / "b.db"))
    assert done.code == 0 and done.out.startswith(f"Restored {tmp_path / 'b.db'}; the store as it was is in ")
    db = sqlite3.connect(tmp_path / "p" / "foresight.db")
    db.execute(
        "insert into memo (kind, target_id, coder, text, updated_at) "
        "values ('unit', 999, 'x', 'y', '2020-01-01')"
    )
    db.commit()
    db.close()
    done = cli("--project", root, "check", "--json")
    assert done.code == 1
    assert '"problem": "memos on a missing unit"' in done.out
