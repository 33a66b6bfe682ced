"""Named migrations bring a store made by an older version up to date, keeping its data."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import delete, inspect, text
from sqlmodel import select

from foresight.errors import ProjectError
from foresight.project import Project
from foresight.store import MIGRATIONS, Event, SchemaMigration, pending_migrations


def test_an_older_store_gets_the_tables_it_lacks(project: Project) -> None:
    with project.transaction() as session:
        session.add(Event(actor="test", action="kept-row-marker", entity="store"))
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
        kept = list(session.exec(select(Event.action).where(Event.action == "kept-row-marker")))
    assert names == {name for name, _ in MIGRATIONS}
    assert kept == ["kept-row-marker"]
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


def test_an_older_store_keeps_each_decision_on_a_suggestion_as_its_decider_s(
    project: Project, tmp_path: Path
) -> None:
    from foresight.codebook import import_codebook
    from foresight.coding.worklist import unit_view
    from foresight.ingest import ingest
    from foresight.resources import DEFAULT_CODEBOOK
    from foresight.store import Code, Suggestion, SuggestionDecision, Unit

    import_codebook(project, DEFAULT_CODEBOOK, actor="test")
    brief = tmp_path / "brief.txt"
    brief.write_text("Ports and offshore wind farms grow along the coast of the region.\n")
    ingest(project, [str(brief)])
    with project.transaction() as session:
        unit = session.exec(select(Unit)).one()
        code = session.exec(select(Code).where(Code.code_id == "EI.BLUE_GROWTH")).one()
        session.add(Suggestion(unit_id=unit.id, code_id=code.id, model="rules-1", score=0.9,
                               status="rejected", decided_by="anna"))  # fmt: skip
    with project.engine.begin() as conn:  # the store as 0004_unit_indexes left it
        conn.execute(text("DROP TABLE suggestion_decision"))
        conn.execute(delete(SchemaMigration).where(SchemaMigration.name == "0005_suggestion_decisions"))
    project.close()
    reopened = Project.open(project.root)
    with reopened.session() as session:
        kept = [(d.coder, d.status) for d in session.exec(select(SuggestionDecision))]
    assert kept == [("anna", "rejected")]
    assert unit_view(reopened, unit.id, "anna").suggestions == []  # still rejected for her
    assert [s.code.id for s in unit_view(reopened, unit.id, "ben").suggestions] == ["EI.BLUE_GROWTH"]
    reopened.close()


def test_an_older_store_gets_a_roadmap_domain_for_its_codes(project: Project) -> None:
    from foresight.codebook import import_codebook
    from foresight.resources import DEFAULT_CODEBOOK
    from foresight.store import Code

    import_codebook(project, DEFAULT_CODEBOOK, actor="test")
    with project.engine.begin() as conn:  # the store as 0005_suggestion_decisions left it
        conn.execute(text("ALTER TABLE code DROP COLUMN domain"))
        conn.execute(delete(SchemaMigration).where(SchemaMigration.name == "0006_code_domain"))
    project.close()
    reopened = Project.open(project.root)
    with reopened.session() as session:
        domains = {c.code_id: c.domain for c in session.exec(select(Code))}
    assert set(domains.values()) == {""}  # codes imported before name no domain
    assert pending_migrations(reopened.engine) == []
    reopened.close()


def test_a_store_made_by_a_newer_foresight_is_refused(project: Project) -> None:
    with project.transaction() as session:
        session.add(SchemaMigration(name="0099_future"))
    project.close()
    with pytest.raises(ProjectError) as refused:
        Project.open(project.root)
    assert str(refused.value).endswith(
        ": the store's schema is newer than this foresight (0099_future); upgrade foresight to use it"
    )


def test_an_older_store_gets_the_table_of_spans(project: Project) -> None:
    from foresight.store import CodingSpan

    with project.engine.begin() as conn:  # the store as 0007_unit_language left it
        conn.execute(text("DROP TABLE coding_span"))
        conn.execute(delete(SchemaMigration).where(SchemaMigration.name == "0008_coding_spans"))
    project.close()
    reopened = Project.open(project.root)
    assert "coding_span" in inspect(reopened.engine).get_table_names()
    assert pending_migrations(reopened.engine) == []
    with reopened.session() as session:
        assert list(session.exec(select(CodingSpan))) == []
    reopened.close()
