"""The store through a bare DB-API connection: the thin layer a coder's steps are written over.

A coder's step (:mod:`foresight.coding.actions`) is SQL text run by :class:`Db`, so the one
statement of the coding rules runs on two connections: the full store's (SQLAlchemy's, on
SQLite or PostgreSQL: the library, the coders' screen) and a bare ``sqlite3`` connection
(:class:`SqliteStore`), which ``foresight code`` takes when the project keeps its store in
SQLite and the store's schema is current. That command then starts without SQLAlchemy and the
table models: on a 2-core machine they take 0.3 to 0.5 s to load, the step itself a few
milliseconds.

Values are written as SQLAlchemy writes them for the store's columns (on SQLite a moment is the
text of its UTC time with microseconds and JSON is ``json.dumps``' text; psycopg takes the
objects themselves), so the rows are the same whichever connection wrote them; the tests hold
the two to the same rows. This module loads nothing but the standard library.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from foresight.config import DATABASE_NAME, ProjectConfig, find_project
from foresight.errors import ProjectError

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

T = TypeVar("T")

# The newest of foresight.store.migrations.MIGRATIONS: a store that has it is used as it is.
LATEST_MIGRATION = "0008_code_keywords_lang"

# The settings every connection to a SQLite store has (foresight.store.engine sets them too).
SQLITE_PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA foreign_keys=ON",
    "PRAGMA busy_timeout=30000",
    "PRAGMA synchronous=NORMAL",
    # the log is copied into the database every 10,000 pages (40 MiB), not every 1,000: a page
    # written by many transactions in between is copied once
    "PRAGMA wal_autocheckpoint=10000",
)

# what the database says when it cannot write at all, and what the user reads instead
CANNOT_WRITE = (
    ("database or disk is full", "the disk is full"),
    ("no space left on device", "the disk is full"),
    ("attempt to write a readonly database", "the store is read-only"),
    ("readonly database", "the store is read-only"),
    ("read-only transaction", "the store is read-only"),
    ("disk i/o error", "the disk cannot be written (I/O error)"),
)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def cannot_write(exc: BaseException, where: str) -> ProjectError | None:
    """A one-line error for a store that cannot be written (a full disk, a read-only folder)."""
    message = str(getattr(exc, "orig", exc)).lower()
    for marker, meaning in CANNOT_WRITE:
        if marker in message:
            return ProjectError(f"{where}: {meaning}; this step was not saved, nothing saved before is lost")
    return None


@dataclass(frozen=True)
class Db:
    """A DB-API connection in a transaction, with statements written with ``?`` placeholders."""

    conn: Any
    sqlite: bool  # else PostgreSQL through psycopg

    @classmethod
    def over(cls, connection: Connection) -> Db:
        """The driver's connection under a SQLAlchemy connection, in its transaction."""
        return cls(connection.connection, connection.dialect.name == "sqlite")

    def _execute(self, sql: str, params: tuple[Any, ...]) -> Any:
        cursor = self.conn.cursor()
        cursor.execute(sql if self.sqlite else sql.replace("?", "%s"), params)
        return cursor

    def rows(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        cursor = self._execute(sql, params)
        try:
            return list(cursor.fetchall())
        finally:
            cursor.close()

    def one(self, sql: str, *params: Any) -> tuple[Any, ...] | None:
        """The first row, or None."""
        rows = self.rows(sql, *params)
        return rows[0] if rows else None

    def run(self, sql: str, *params: Any) -> None:
        self._execute(sql, params).close()

    def insert(self, table: str, **values: Any) -> int:
        """Insert a row of a table with an ``id`` column and return its id."""
        names = ", ".join(f'"{name}"' for name in values)
        sql = f'INSERT INTO "{table}" ({names}) VALUES ({", ".join("?" * len(values))})'
        if self.sqlite:
            cursor = self._execute(sql, tuple(values.values()))
            new = int(cursor.lastrowid)
        else:
            cursor = self._execute(sql + " RETURNING id", tuple(values.values()))
            new = int(cursor.fetchall()[0][0])
        cursor.close()
        return new

    def moment(self, when: dt.datetime) -> Any:
        """A moment as a column takes it: SQLAlchemy writes SQLite's as text, without a zone."""
        return when.replace(tzinfo=None).isoformat(" ", "microseconds") if self.sqlite else when

    def json(self, value: Any) -> Any:
        """A value for a JSON column, as SQLAlchemy writes it."""
        if self.sqlite:
            return json.dumps(value)
        from psycopg.types.json import Json

        return Json(value)

    def log_event(self, actor: str, action: str, entity: str, entity_id: int | None, **details: Any) -> None:
        """A row of the audit log (:class:`foresight.store.schema.Event`)."""
        self.insert(
            "event",
            at=self.moment(utcnow()),
            actor=actor,
            action=action,
            entity=entity,
            entity_id=entity_id,
            details=self.json(details),
        )


class Store(Protocol):
    """Where a coder's steps are written: a :class:`~foresight.project.Project` (the full
    store) or a :class:`SqliteStore`."""

    config: ProjectConfig

    def dbapi_transaction(self) -> Any:  # a context manager giving a Db
        ...

    @property
    def integrity_error(self) -> type[Exception]: ...

    def close(self) -> None: ...


def committed(store: Store, work: Callable[[Db], T]) -> T:
    """Run ``work(db)`` in a transaction of its own; a clash with another process is retried."""
    for attempt in range(3):
        try:
            with store.dbapi_transaction() as db:
                return work(db)
        except store.integrity_error:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def sqlite_path(root: str | Path | None) -> tuple[Path | None, ProjectConfig]:
    """The project's SQLite file (None when its store is elsewhere) and its settings.

    A folder that is not a project raises :class:`~foresight.errors.ProjectError`, as
    ``Project.open`` does."""
    folder, config = find_project(root)
    if config.database_url is None:
        return folder / DATABASE_NAME, config
    if config.database_url.startswith("sqlite:///") and "?" not in config.database_url:
        return Path(config.database_url.removeprefix("sqlite:///")), config
    return None, config


def open_current(path: Path | None, *, write: bool) -> sqlite3.Connection | None:
    """A connection to the SQLite store in ``path`` when its schema is current, else None (the
    full way, ``Project.open``, migrates it or says what is wrong)."""
    if path is None or not path.is_file():
        return None
    conn = sqlite3.connect(path, timeout=30, isolation_level=None if write else "")
    try:
        for pragma in SQLITE_PRAGMAS if write else ("PRAGMA query_only=ON",):
            conn.execute(pragma)
        current = conn.execute(
            "SELECT 1 FROM schema_migration WHERE name = ?", (LATEST_MIGRATION,)
        ).fetchone()
    except sqlite3.Error:  # not a store of ours, or damaged: the full way says what is wrong
        current = None
    if current is None:
        conn.close()
        return None
    return conn


@dataclass
class SqliteStore:
    """A project's SQLite store on a bare ``sqlite3`` connection, to write a coder's steps."""

    path: Path
    config: ProjectConfig
    conn: sqlite3.Connection

    @classmethod
    def open(cls, root: str | Path | None = None) -> SqliteStore | None:
        """The project's store, when it is SQLite and its schema current; None otherwise."""
        path, config = sqlite_path(root)
        conn = open_current(path, write=True)
        return None if conn is None or path is None else cls(path, config, conn)

    @property
    def integrity_error(self) -> type[Exception]:
        return sqlite3.IntegrityError

    @contextmanager
    def dbapi_transaction(self) -> Iterator[Db]:
        """A transaction that holds the store's write lock from its first statement (as a step
        reads before it writes), committed on success and rolled back on an error."""
        try:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield Db(self.conn, sqlite=True)
            except BaseException:
                self.conn.rollback()
                raise
            self.conn.commit()
        except sqlite3.Error as exc:
            problem = cannot_write(exc, str(self.path))
            if problem is not None:
                raise problem from None
            raise

    def close(self) -> None:
        self.conn.close()
