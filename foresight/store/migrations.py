"""Named schema changes, applied in order, each in its own transaction.

A new store is created from the tables of ``foresight.store.schema`` and marked with every
name; an older one runs the changes it lacks when it is opened.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import inspect, select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DatabaseError
from sqlmodel import SQLModel

from foresight.errors import ProjectError
from foresight.store.schema import (
    Adjudication,
    LearningQueue,
    SchemaMigration,
    Suggestion,
    SuggestionDecision,
    SuggestModel,
    utcnow,
)

# Named schema changes, applied in order, each in its own transaction. A new database is
# created from the models and marked with every name; an older one runs what it lacks.
Migration = Callable[[Connection], None]


def _initial(conn: Connection) -> None:
    SQLModel.metadata.create_all(conn)


def _suggest_models(conn: Connection) -> None:
    for table in (SuggestModel, LearningQueue):
        table.__table__.create(conn, checkfirst=True)  # type: ignore[attr-defined]


def _adjudication(conn: Connection) -> None:
    Adjudication.__table__.create(conn)  # type: ignore[attr-defined]


def _unit_indexes(conn: Connection) -> None:
    """The band columns are read by ingest into memory, not looked up; source_id leads the
    unique index on (source_id, ordinal): indexes each unit stored would write for nothing."""
    for name in ("ix_unit_band0", "ix_unit_band1", "ix_unit_band2", "ix_unit_band3", "ix_unit_source_id"):
        conn.exec_driver_sql(f"DROP INDEX IF EXISTS {name}")


def _suggestion_decisions(conn: Connection) -> None:
    """Decisions become each coder's own; the ones made before were their decider's."""
    table = SuggestionDecision.__table__  # type: ignore[attr-defined]
    table.create(conn, checkfirst=True)
    suggestion = Suggestion.__table__  # type: ignore[attr-defined]
    rows = conn.execute(
        select(suggestion.c.id, suggestion.c.status, suggestion.c.decided_by, suggestion.c.decided_at).where(
            suggestion.c.status != "open", suggestion.c.decided_by.is_not(None)
        )
    ).all()
    if rows:
        conn.execute(
            table.insert(),
            [
                {"suggestion_id": sid, "coder": who, "status": status, "decided_at": at or utcnow()}
                for sid, status, who, at in rows
            ],
        )


def _code_domain(conn: Connection) -> None:
    """A code may name the Visual Roadmap domain its evidence goes to (empty: none)."""
    conn.exec_driver_sql("ALTER TABLE code ADD COLUMN domain VARCHAR NOT NULL DEFAULT ''")


def _unit_language(conn: Connection) -> None:
    """Each unit has a language; those stored before take their source's."""
    conn.exec_driver_sql("ALTER TABLE unit ADD COLUMN language VARCHAR")
    conn.exec_driver_sql(
        "UPDATE unit SET language = (SELECT source.language FROM source WHERE source.id = unit.source_id)"
    )


def _code_keywords_lang(conn: Connection) -> None:
    """A code may have keywords in other languages than English (none before)."""
    conn.exec_driver_sql("ALTER TABLE code ADD COLUMN keywords_lang JSON NOT NULL DEFAULT '{}'")


MIGRATIONS: list[tuple[str, Migration]] = [
    ("0001_initial", _initial),
    ("0002_suggest_models", _suggest_models),
    ("0003_adjudication", _adjudication),
    ("0004_unit_indexes", _unit_indexes),
    ("0005_suggestion_decisions", _suggestion_decisions),
    ("0006_code_domain", _code_domain),
    ("0007_unit_language", _unit_language),
    ("0008_code_keywords_lang", _code_keywords_lang),
]


def applied_migrations(engine: Engine) -> set[str] | None:
    """The names of the schema changes the store has; None when it holds no foresight schema.

    A store that cannot be opened (no server, not a database) raises a one-line
    :class:`~foresight.errors.ProjectError` naming it (a server by its host, no password)."""
    try:
        with engine.connect() as conn:
            if not inspect(conn).has_table(SchemaMigration.__tablename__):
                return None
            return set(conn.execute(select(SchemaMigration.name)).scalars())
    except DatabaseError as exc:
        raise _cannot_open(engine, exc) from None


def _cannot_open(engine: Engine, exc: DatabaseError) -> ProjectError:
    reason = " ".join(str(exc.orig).split("\n")[0].split())  # a driver's message may run to lines
    return ProjectError(f"{engine.url.render_as_string()}: cannot open the store ({reason})")


def newer_schema(engine: Engine, done: set[str]) -> ProjectError | None:
    """The refusal of a store that has schema changes this version of foresight does not know."""
    unknown = sorted(done - {name for name, _ in MIGRATIONS})
    if not unknown:
        return None
    return ProjectError(
        f"{engine.url.render_as_string()}: the store's schema is newer than this foresight "
        f"({', '.join(unknown)}); upgrade foresight to use it"
    )


def pending_migrations(engine: Engine) -> list[str]:
    done = applied_migrations(engine) or set()
    return [name for name, _ in MIGRATIONS if name not in done]


def schema_version(engine: Engine) -> str | None:
    """The newest schema change the store has, in the order of :data:`MIGRATIONS`."""
    done = applied_migrations(engine) or set()
    known = [name for name, _ in MIGRATIONS if name in done]
    return known[-1] if known else None


def migrate(engine: Engine) -> list[str]:
    """Bring the schema up to date; return the names of the migrations applied.

    A store made by a newer foresight (schema changes this one does not know) is refused."""
    done = applied_migrations(engine)
    problem = newer_schema(engine, done or set())
    if problem is not None:
        raise problem
    try:
        with engine.begin() as conn:
            fresh = not inspect(conn).has_table(SchemaMigration.__tablename__)
            if fresh:
                SQLModel.metadata.create_all(conn)
                for name, _ in MIGRATIONS:
                    conn.execute(SchemaMigration.__table__.insert().values(name=name))
                return [name for name, _ in MIGRATIONS]
        applied = []
        for name in pending_migrations(engine):
            step = dict(MIGRATIONS)[name]
            with engine.begin() as conn:
                step(conn)
                conn.execute(SchemaMigration.__table__.insert().values(name=name))
            applied.append(name)
        return applied
    except DatabaseError as exc:  # no file, no server, or not a database at all
        raise _cannot_open(engine, exc) from None
