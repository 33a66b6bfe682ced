"""The store: SQLModel tables (the one definition of the schema), engine and migrations.

SQLite (WAL, foreign keys on, busy timeout) is the embedded default; the same schema runs on
PostgreSQL through psycopg. Every write of a coder's work is its own transaction.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, Index, LargeBinary, Table, UniqueConstraint, event, inspect
from sqlalchemy.engine import Connection, Dialect, Engine
from sqlalchemy.exc import DatabaseError, DBAPIError
from sqlmodel import Field, Session, SQLModel, create_engine, select

from foresight.errors import ProjectError


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def iso(moment: dt.datetime | None) -> str | None:
    """A stored moment as ISO 8601 in UTC (SQLite hands back naive values, PostgreSQL too)."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC).isoformat(timespec="seconds")


class SchemaMigration(SQLModel, table=True):
    __tablename__ = "schema_migration"
    name: str = Field(primary_key=True)
    applied_at: dt.datetime = Field(default_factory=utcnow)


class Source(SQLModel, table=True):
    """One document (or one feed item): its metadata and the cleaned plain text units index."""

    __tablename__ = "source"
    __table_args__ = (Index("ix_source_location", "path", "locator"),)
    id: int | None = Field(default=None, primary_key=True)
    title: str
    path: str  # file path or URL the source was read from
    locator: str = ""  # which part of the file: a feed item's id; empty for whole files
    sha256: str = Field(index=True)  # of the source's own bytes (the item's, for a feed item)
    file_sha256: str = Field(index=True)  # of the whole file read
    format: str
    source_type: str = "other"
    actor_type: str | None = None
    date: dt.date | None = None
    date_origin: str = "unknown"  # metadata | flag | unknown
    language: str | None = None
    author: str | None = None
    ingested_at: dt.datetime = Field(default_factory=utcnow)
    text: str = ""  # the cleaned plain text the units were cut from
    version: int = 1
    previous_id: int | None = Field(default=None, foreign_key="source.id")
    current: bool = True
    attributes: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))


class Unit(SQLModel, table=True):
    """An information unit: one paragraph of a source, with offsets into the source's text."""

    __tablename__ = "unit"
    __table_args__ = (UniqueConstraint("source_id", "ordinal"),)
    id: int | None = Field(default=None, primary_key=True)
    source_id: int = Field(foreign_key="source.id")  # indexed first in (source_id, ordinal)
    ordinal: int
    text: str
    start: int
    end: int
    page: int | None = None
    section: str | None = None
    period: str | None = Field(default=None, index=True)
    attributes: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))
    # MinHash bands for finding near-duplicates (foresight.ingest.dedupe), looked up in memory
    # by an ingest run (foresight.ingest.nearby), so not indexed
    band0: int | None = Field(default=None, sa_column=Column(BigInteger))
    band1: int | None = Field(default=None, sa_column=Column(BigInteger))
    band2: int | None = Field(default=None, sa_column=Column(BigInteger))
    band3: int | None = Field(default=None, sa_column=Column(BigInteger))
    sketch: int | None = Field(default=None, sa_column=Column(BigInteger))
    duplicate_of: int | None = Field(default=None, foreign_key="unit.id")


class Codebook(SQLModel, table=True):
    """A codebook; the project codes against its one active codebook. Each edit raises version."""

    __tablename__ = "codebook"
    id: int | None = Field(default=None, primary_key=True)
    name: str
    version: int = 1
    description: str = ""
    active: bool = True
    groups: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON))
    created_at: dt.datetime = Field(default_factory=utcnow)


class Code(SQLModel, table=True):
    __tablename__ = "code"
    __table_args__ = (UniqueConstraint("codebook_id", "code_id"),)
    id: int | None = Field(default=None, primary_key=True)
    codebook_id: int = Field(foreign_key="codebook.id", index=True)
    code_id: str  # the stable id users see (e.g. MT.IOT)
    name: str
    group: str = ""
    parent_id: int | None = Field(default=None, foreign_key="code.id")
    definition: str = ""
    use_when: str = ""
    not_when: str = ""
    example: str = ""
    keywords: list[str] = Field(default_factory=list, sa_column=Column(JSON))
    colour: str = "#808080"
    guid: str = ""  # REFI-QDA guid, stable across exports
    status: str = "active"  # active | retired | merged | split
    merged_into_id: int | None = Field(default=None, foreign_key="code.id")
    split_into: list[str] = Field(default_factory=list, sa_column=Column(JSON))


class Coding(SQLModel, table=True):
    """A coder's decision that a code applies to a unit. Machine work never deletes one."""

    __tablename__ = "coding"
    __table_args__ = (UniqueConstraint("unit_id", "code_id", "coder"),)
    id: int | None = Field(default=None, primary_key=True)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    code_id: int = Field(foreign_key="code.id", index=True)
    coder: str = Field(index=True)
    origin: str = "manual"  # manual | accepted-suggestion | adjudicated | carried
    created_at: dt.datetime = Field(default_factory=utcnow)


class UnitState(SQLModel, table=True):
    """A coder's mark that a unit is finished, with or without codes."""

    __tablename__ = "unit_state"
    unit_id: int = Field(foreign_key="unit.id", primary_key=True)
    coder: str = Field(primary_key=True)
    done: bool = False
    updated_at: dt.datetime = Field(default_factory=utcnow)


class Memo(SQLModel, table=True):
    """A coder's note on a unit or on a code."""

    __tablename__ = "memo"
    __table_args__ = (UniqueConstraint("kind", "target_id", "coder"),)
    id: int | None = Field(default=None, primary_key=True)
    kind: str  # unit | code
    target_id: int = Field(index=True)
    coder: str
    text: str = ""
    updated_at: dt.datetime = Field(default_factory=utcnow)


class CoderAction(SQLModel, table=True):
    """A coder's own steps, newest last: what undo and redo walk back and forth."""

    __tablename__ = "coder_action"
    id: int | None = Field(default=None, primary_key=True)
    coder: str = Field(index=True)
    kind: str  # apply | remove | done | undone | reject (a suggestion)
    unit_id: int = Field(foreign_key="unit.id")
    code_id: int | None = Field(default=None, foreign_key="code.id")
    origin: str = "manual"
    state: str = "done"  # done | undone (redo can bring it back) | dropped
    at: dt.datetime = Field(default_factory=utcnow)


class Suggestion(SQLModel, table=True):
    """A machine's proposal that a code applies to a unit; a coder accepts or rejects it."""

    __tablename__ = "suggestion"
    __table_args__ = (UniqueConstraint("unit_id", "code_id", "model"),)
    id: int | None = Field(default=None, primary_key=True)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    code_id: int = Field(foreign_key="code.id", index=True)
    model: str  # the model version that made it
    score: float
    source: str = "rules"  # rules | classifier | both
    status: str = "open"  # open | accepted | rejected
    decided_by: str | None = None
    decided_at: dt.datetime | None = None
    created_at: dt.datetime = Field(default_factory=utcnow)


class SuggestionDecision(SQLModel, table=True):
    """One coder's accept or reject of a suggestion. Decisions are each coder's own: what one
    coder decided never changes what another sees (in a blind batch, it would tell that they
    worked there). The suggestion's own ``status`` and ``decided_by`` keep the latest decision
    of any coder, for tables and for not suggesting a rejected code again."""

    __tablename__ = "suggestion_decision"
    __table_args__ = (UniqueConstraint("suggestion_id", "coder"),)
    id: int | None = Field(default=None, primary_key=True)
    suggestion_id: int = Field(foreign_key="suggestion.id", index=True)
    coder: str = Field(index=True)
    status: str  # accepted | rejected
    decided_at: dt.datetime = Field(default_factory=utcnow)


class SuggestModel(SQLModel, table=True):
    """A trained classifier: what it was trained on, and the fitted model itself."""

    __tablename__ = "suggest_model"
    id: int | None = Field(default=None, primary_key=True)
    version: str = Field(index=True, unique=True)
    trained_at: dt.datetime = Field(default_factory=utcnow)
    training_size: int = 0
    codes: list[str] = Field(default_factory=list, sa_column=Column(JSON))  # learned by the classifier
    fallback: list[str] = Field(default_factory=list, sa_column=Column(JSON))  # too few examples: rules
    blob: bytes = Field(sa_column=Column(LargeBinary))


class LearningQueue(SQLModel, table=True):
    """The units a coder should code next, in the order active learning chose them."""

    __tablename__ = "learning_queue"
    position: int = Field(primary_key=True)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    uncertainty: float
    model: str
    created_at: dt.datetime = Field(default_factory=utcnow)


class Batch(SQLModel, table=True):
    """A double-coding batch: units that several coders code blind."""

    __tablename__ = "batch"
    id: int | None = Field(default=None, primary_key=True)
    name: str
    coders: list[str] = Field(default_factory=list, sa_column=Column(JSON))
    details: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))
    created_at: dt.datetime = Field(default_factory=utcnow)


class BatchUnit(SQLModel, table=True):
    __tablename__ = "batch_unit"
    batch_id: int = Field(foreign_key="batch.id", primary_key=True)
    unit_id: int = Field(foreign_key="unit.id", primary_key=True, index=True)


class Adjudication(SQLModel, table=True):
    """The agreed coding of a double-coded unit: decided by whom, over whose codings, when.

    The agreed codes themselves are codings with origin ``adjudicated`` under the adjudicator's
    name; an adjudication with no such coding says that no code applies. Each coder's own codings
    stay as they were.
    """

    __tablename__ = "adjudication"
    unit_id: int = Field(foreign_key="unit.id", primary_key=True)
    adjudicator: str
    coders: list[str] = Field(default_factory=list, sa_column=Column(JSON))
    note: str = ""
    decided_at: dt.datetime = Field(default_factory=utcnow)


class Event(SQLModel, table=True):
    """The append-only log: who did what, when."""

    __tablename__ = "event"
    id: int | None = Field(default=None, primary_key=True)
    at: dt.datetime = Field(default_factory=utcnow, index=True)
    actor: str
    action: str
    entity: str
    entity_id: int | None = None
    details: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))


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


MIGRATIONS: list[tuple[str, Migration]] = [
    ("0001_initial", _initial),
    ("0002_suggest_models", _suggest_models),
    ("0003_adjudication", _adjudication),
    ("0004_unit_indexes", _unit_indexes),
    ("0005_suggestion_decisions", _suggestion_decisions),
]


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    # the log is copied into the database every 10,000 pages (40 MiB), not every 1,000: a page
    # written by many transactions in between is copied once
    cursor.execute("PRAGMA wal_autocheckpoint=10000")
    cursor.close()


class Checkpoints:
    """SQLite's write-ahead log copied into the database by a thread of its own, every ``every``
    transactions of a long run of writes (an ingest); nothing on PostgreSQL.

    SQLite copies the log itself in the connection whose commit takes it past 10,000 pages: that
    commit then waits for the copy and two fsyncs (tens of milliseconds), and the work that waits
    for it (an ingest's readers, once they have read what was handed to them) waits too. A
    passive checkpoint by another connection holds no writer up, and the log starts again from
    its beginning once it is all copied; SQLite's own checkpoint stays, should these fall behind.
    """

    def __init__(self, engine: Engine, every: int = 32) -> None:
        self.every = every
        self._written = 0
        self._asked = 0  # checkpoints asked for, and made
        self._made = 0
        self._wake = threading.Event()
        self._stopping = False
        self._started = False
        self._thread: threading.Thread | None = None
        if engine.url.get_backend_name() == "sqlite":
            # the file as SQLAlchemy opens it (a file: URI with its options, decoded)
            args, kwargs = engine.dialect.create_connect_args(engine.url)
            target = str(args[0]) if args else ""
            if target and target != ":memory:" and "mode=memory" not in target:
                kwargs = {"uri": bool(kwargs.get("uri")), "timeout": 30}
                self._thread = threading.Thread(target=self._run, args=(target, kwargs), daemon=True)

    def wrote(self, transactions: int = 1) -> None:
        """Count transactions written; every ``every`` of them, the log is copied.

        The thread starts at the first copy: an ingest's readers are forked before it runs."""
        before, self._written = self._written, self._written + transactions
        if self._thread is not None and self._written // self.every > before // self.every:
            self._asked += 1
            if not self._started:
                self._started = True
                self._thread.start()
            self._wake.set()

    def _run(self, target: str, kwargs: dict[str, Any]) -> None:
        try:
            conn = sqlite3.connect(target, **kwargs)
        except sqlite3.Error:
            return  # the writes go on; SQLite copies the log itself
        try:
            while not self._stopping or self._made < self._asked:
                self._wake.wait()
                self._wake.clear()
                if self._made < self._asked:
                    self._made = self._asked
                    # (the GIL is released while SQLite copies: the writing thread goes on)
                    with contextlib.suppress(sqlite3.Error):
                        conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
        finally:
            conn.close()

    def close(self) -> None:
        """Stop the thread, once the checkpoint last asked for is made."""
        if self._started and self._thread is not None:
            self._stopping = True
            self._wake.set()
            self._thread.join()
        self._thread = None

    def __enter__(self) -> Checkpoints:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def make_engine(url: str) -> Engine:
    """An engine for ``url`` with the settings the store relies on."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if url.startswith("postgresql"):
        return create_engine(url, pool_pre_ping=True)
    raise ProjectError(f"database_url {url!r}: only sqlite:/// and postgresql+psycopg:// work")


def pending_migrations(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        if not inspect(conn).has_table(SchemaMigration.__tablename__):
            return [name for name, _ in MIGRATIONS]
        done = set(conn.execute(select(SchemaMigration.name)).scalars())
    return [name for name, _ in MIGRATIONS if name not in done]


def migrate(engine: Engine) -> list[str]:
    """Bring the schema up to date; return the names of the migrations applied."""
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
        raise ProjectError(f"{engine.url.render_as_string()}: cannot open the store ({exc.orig})") from None


# what the database says when it cannot write at all, and what the user reads instead
CANNOT_WRITE = (
    ("database or disk is full", "the disk is full"),
    ("no space left on device", "the disk is full"),
    ("attempt to write a readonly database", "the store is read-only"),
    ("readonly database", "the store is read-only"),
    ("read-only transaction", "the store is read-only"),
    ("disk i/o error", "the disk cannot be written (I/O error)"),
)


def store_name(engine: Engine) -> str:
    """The store as a user knows it: the SQLite file, or the server and database."""
    url = engine.url
    if url.get_backend_name() == "sqlite" and url.database:
        return url.database.removeprefix("file:")
    return url.render_as_string(hide_password=True)


def cannot_write(exc: BaseException, where: str) -> ProjectError | None:
    """A one-line error for a store that cannot be written (a full disk, a read-only folder)."""
    message = str(getattr(exc, "orig", exc)).lower()
    for marker, meaning in CANNOT_WRITE:
        if marker in message:
            return ProjectError(f"{where}: {meaning}; this step was not saved, nothing saved before is lost")
    return None


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session whose work is committed together, or not at all."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except DBAPIError as exc:
            session.rollback()
            problem = cannot_write(exc, store_name(engine))
            if problem is not None:
                raise problem from None
            raise
        except BaseException:
            session.rollback()
            raise


@contextmanager
def connection_scope(engine: Engine) -> Iterator[Connection]:
    """A connection whose work is committed together, or not at all: for writes of many rows,
    where an ORM session would cost more than the database's work."""
    try:
        with engine.begin() as conn:
            yield conn
    except (DBAPIError, engine.dialect.loaded_dbapi.Error) as exc:  # (the driver's own: insert_one)
        problem = cannot_write(exc, store_name(engine))
        if problem is not None:
            raise problem from None
        raise


def driver_sql(sql: str, dialect: Dialect) -> str:
    """A statement written with ``?`` placeholders, for the dialect's own driver (``%s`` for
    psycopg). The statements written for the driver hold no other ``?``."""
    return sql if dialect.paramstyle == "qmark" else sql.replace("?", "%s")


def driver_rows(conn: Connection, sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    """The rows of a statement with ``?`` placeholders, run by the driver in ``conn``'s transaction:
    for a few rows, SQLAlchemy's handling of a statement costs more than the database's work."""
    cursor = conn.connection.cursor()
    try:
        cursor.execute(driver_sql(sql, conn.dialect), params)
        return cursor.fetchall()
    finally:
        cursor.close()


@lru_cache(maxsize=8)  # a few engines' dialects
def _insert_one(dialect: Dialect, table: Table) -> tuple[str, tuple[tuple[str, Any], ...]]:
    """The insert of one row of a table for the driver itself, giving the new row's id, and the
    columns in order, each with its type's conversion for the database (None: none)."""
    columns = [column for column in table.columns if not column.primary_key]
    names = ", ".join(dialect.identifier_preparer.quote(column.name) for column in columns)
    sql = driver_sql(f"INSERT INTO {table.name} ({names}) VALUES ({', '.join('?' * len(columns))})", dialect)
    if dialect.name != "sqlite":  # (SQLite gives the id as the cursor's lastrowid, in any version)
        sql += " RETURNING id"
    return sql, tuple((c.name, c.type.dialect_impl(dialect).bind_processor(dialect)) for c in columns)


def insert_one(conn: Connection, table: Table, values: dict[str, Any]) -> int:
    """Insert a row, every column but the id given, through the driver, and return its id.

    For the rows written once for every source an ingest stores: SQLAlchemy's handling of a
    statement costs several times the database's work for one row. The columns' types convert
    the values as they would for SQLAlchemy's own insert.
    """
    sql, columns = _insert_one(conn.dialect, table)
    params = [values[name] if convert is None else convert(values[name]) for name, convert in columns]
    cursor = conn.connection.cursor()
    try:
        cursor.execute(sql, params)
        return cursor.lastrowid if conn.dialect.name == "sqlite" else cursor.fetchall()[0][0]
    finally:
        cursor.close()


_INSERT_EVENT = Event.__table__.insert()  # type: ignore[attr-defined]  # built once, its cache key too


def log_event(
    session: Session | Connection,
    actor: str,
    action: str,
    entity: str,
    entity_id: int | None = None,
    **details: Any,
) -> None:
    row = {"at": utcnow(), "actor": actor, "action": action, "entity": entity, "entity_id": entity_id}
    row["details"] = details
    if isinstance(session, Connection):  # a bulk write's: through the driver
        insert_one(session, Event.__table__, row)  # type: ignore[attr-defined]
    else:
        session.execute(_INSERT_EVENT, row)
