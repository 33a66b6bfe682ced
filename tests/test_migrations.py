"""Named migrations bring a store made by an older version up to date, keeping its data."""

from __future__ import annotations

from sqlalchemy import delete, inspect, text
from sqlmodel import select

from foresight.project import Project
from foresight.store import MIGRATIONS, SchemaMigration, pending_migrations


def test_an_older_store_gets_the_tables_it_lacks(project: Project) -> None:
    with project.transaction() as session:
        session.add(SchemaMigration(name="kept-row-marker"))
    with project.engine.begin() as conn:  # the store as 0001_initial left it
        conn.execute(text("DROP TABLE learning_queue"))
        conn.execute(text("DROP TABLE suggest_model"))
        conn.execute(delete(SchemaMigration).where(SchemaMigration.name == "0002_suggest_models"))
    assert pending_migrations(project.engine) == ["0002_suggest_models"]
    project.close()
    reopened = Project.open(project.root)
    tables = set(inspect(reopened.engine).get_table_names())
    assert {"suggest_model", "learning_queue"} <= tables
    assert pending_migrations(reopened.engine) == []
    with reopened.session() as session:
        names = set(session.exec(select(SchemaMigration.name)))
    assert names == {name for name, _ in MIGRATIONS} | {"kept-row-marker"}
    reopened.close()


def test_an_older_store_loses_the_indexes_units_no_longer_need(project: Project) -> None:
    with project.engine.begin() as conn:  # the store as 0003_adjudication left it
        for i in range(4):
            conn.execute(text(f"CREATE INDEX ix_unit_band{i} ON unit (band{i})"))
        conn.execute(text("CREATE INDEX ix_unit_source_id ON unit (source_id)"))
        conn.execute(delete(SchemaMigration).where(SchemaMigration.name == "0004_unit_indexes"))
    assert pending_migrations(project.engine) == ["0004_unit_indexes"]
    project.close()
    reopened = Project.open(project.root)
    names = {index["name"] for index in inspect(reopened.engine).get_indexes("unit")}
    assert not any(name.startswith("ix_unit_band") for name in names)
    assert "ix_unit_source_id" not in names
    assert "ix_unit_period" in names
    assert pending_migrations(reopened.engine) == []
    reopened.close()
