"""Rows written through the driver read back as those SQLAlchemy writes, on both databases."""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlmodel import SQLModel

from foresight.project import Project
from foresight.store import (
    Checkpoints,
    Event,
    Source,
    connection_scope,
    insert_one,
    log_event,
    make_engine,
)


def source_row(sha: str) -> dict[str, object]:
    return {
        "title": "Cluster brief «Nord»",
        "path": f"/corpus/{sha}.pdf",
        "locator": "",
        "sha256": sha,
        "file_sha256": sha,
        "format": "pdf",
        "source_type": "policy",
        "actor_type": None,
        "date": dt.date(2009, 3, 31),
        "date_origin": "metadata",
        "language": "en",
        "author": "Ana Ortiz",
        "ingested_at": dt.datetime(2026, 11, 29, 12, 30, 15, 123456, tzinfo=dt.UTC),
        "text": "Text of the brief.\n\nSecond paragraph.",
        "version": 2,
        "previous_id": None,
        "current": False,
        "attributes": {"respondent": 7, "sector": ["plastics", "optics"], "note": None},
    }


def test_a_source_inserted_through_the_driver_reads_back_as_one_inserted_by_sqlalchemy(
    project: Project,
) -> None:
    with connection_scope(project.engine) as conn:
        driver_id = insert_one(conn, Source.__table__, source_row("a" * 64))
        core_id = conn.execute(Source.__table__.insert().values(source_row("b" * 64))).inserted_primary_key[0]
    assert driver_id != core_id
    with project.session() as session:
        driver = session.get(Source, driver_id).model_dump(exclude={"id", "sha256", "file_sha256", "path"})
        core = session.get(Source, core_id).model_dump(exclude={"id", "sha256", "file_sha256", "path"})
    assert driver == core
    assert driver["date"] == dt.date(2009, 3, 31)
    assert driver["current"] is False
    assert driver["attributes"] == {"respondent": 7, "sector": ["plastics", "optics"], "note": None}
    assert driver["ingested_at"].replace(tzinfo=None) == dt.datetime(2026, 11, 29, 12, 30, 15, 123456)


def test_events_logged_on_a_connection_and_in_a_session_read_back_alike(project: Project) -> None:
    with connection_scope(project.engine) as conn:
        log_event(conn, "ingest", "ingest", "source", 3, path="/corpus/a.pdf", units=12)
    with project.transaction() as session:
        log_event(session, "ingest", "ingest", "source", 3, path="/corpus/a.pdf", units=12)
    with project.session() as session:
        events = session.execute(select(Event).order_by(Event.id)).scalars().all()
        assert len(events) == 2
        first, second = (e.model_dump(exclude={"id", "at"}) for e in events)
    assert (
        first
        == second
        == {
            "actor": "ingest",
            "action": "ingest",
            "entity": "source",
            "entity_id": 3,
            "details": {"path": "/corpus/a.pdf", "units": 12},
        }
    )


def test_a_failed_write_on_a_connection_leaves_nothing(project: Project) -> None:
    with pytest.raises(KeyError), connection_scope(project.engine) as conn:
        insert_one(conn, Source.__table__, source_row("c" * 64))
        insert_one(conn, Source.__table__, {"title": "no other column"})
    with project.session() as session:
        assert session.execute(select(Source.id)).all() == []


def test_the_log_is_copied_into_the_database_file_while_a_run_of_writes_goes_on(tmp_path: Path) -> None:
    project = Project.init(tmp_path / "project")
    with Checkpoints(project.engine, every=2) as checkpoints:
        for number in range(6):
            with connection_scope(project.engine) as conn:
                insert_one(conn, Source.__table__, source_row(f"{number:064d}"))
            checkpoints.wrote()
    # the database file alone, as a copy without its log would have it
    shutil.copyfile(tmp_path / "project" / "foresight.db", tmp_path / "alone.db")
    with closing(sqlite3.connect(tmp_path / "alone.db")) as alone:
        assert alone.execute("SELECT count(*) FROM source").fetchone() == (6,)
    with project.session() as session:  # and the store goes on
        assert len(session.execute(select(Source.id)).all()) == 6
    project.close()


def test_a_postgresql_store_needs_no_thread_for_its_log(project: Project) -> None:
    with Checkpoints(project.engine) as checkpoints:
        running = checkpoints._thread is not None
    assert running == (project.engine.url.get_backend_name() == "sqlite")


def test_the_log_of_a_store_named_by_a_file_uri_is_copied_into_that_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "team store"
    folder.mkdir()
    database = folder / "foresight.db"
    # (SQLAlchemy decodes %25 to %, SQLite then decodes %20 to a space)
    engine = make_engine(f"sqlite:///file:{str(database).replace(' ', '%2520')}?uri=true")
    SQLModel.metadata.create_all(engine)
    with Checkpoints(engine, every=1) as checkpoints:
        for number in range(3):
            with connection_scope(engine) as conn:
                insert_one(conn, Source.__table__, source_row(f"{number:064d}"))
            checkpoints.wrote()
    shutil.copyfile(database, tmp_path / "alone.db")
    with closing(sqlite3.connect(tmp_path / "alone.db")) as alone:
        assert alone.execute("SELECT count(*) FROM source").fetchone() == (3,)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["alone.db", "team store"]  # no stray file
    engine.dispose()
