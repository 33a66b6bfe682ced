"""Writes of many rows: statements run by the database driver itself, SQLite's log copied by a
thread of its own while an ingest writes, and the lock that lets one ingest write at a time.

For the rows an ingest writes once for every source, SQLAlchemy's handling of a statement
costs several times the database's work; these functions hand the statement to the driver.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from sqlalchemy import Table
from sqlalchemy.engine import Connection, Dialect, Engine


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


# the key of the PostgreSQL advisory lock an ingest's writes take ("fsig"), the second key being
# the hash of the project's schema: projects in other schemas of the database are not held up
WRITE_LOCK = 0x66736967


def write_alone(conn: Connection) -> None:
    """Make the transaction just begun on ``conn`` the one writing sources and units until it
    ends, among those that call this (every ingest): another waits for it, and what it reads
    afterwards includes all that the others committed.

    On PostgreSQL a transaction-scoped advisory lock, released by the commit or the rollback;
    on SQLite ``BEGIN IMMEDIATE``, the store's write lock (it must come before any other
    statement of the transaction). Reading files and cutting them into units go on in parallel
    meanwhile: only the writes of one source at a time wait for each other.
    """
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        driver_rows(conn, f"SELECT pg_advisory_xact_lock({WRITE_LOCK}, hashtext(current_schema()))", ())


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
