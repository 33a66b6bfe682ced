"""Engines and sessions: the settings the store relies on, and one-line messages for a store
that cannot be written (a full disk, a read-only folder).

SQLite (WAL, foreign keys on, busy timeout) is the embedded default; the same schema runs on
PostgreSQL through psycopg. Every write of a coder's work is its own transaction.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError
from sqlmodel import Session, create_engine

from foresight.errors import ProjectError
from foresight.store.dbapi import SQLITE_PRAGMAS, cannot_write


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    for pragma in SQLITE_PRAGMAS:
        cursor.execute(pragma)
    cursor.close()


# seconds to wait for a server before saying it cannot be reached
CONNECT_TIMEOUT = 10


def on_server(url: str) -> bool:
    """Whether ``url`` names a database server (PostgreSQL) rather than a SQLite file."""
    return url.startswith("postgresql")


def without_password(url: str) -> tuple[str, bool]:
    """``url`` with its password left out, and whether it held one."""
    parsed = make_url(url)
    if parsed.password is None:
        return url, False
    # (URL is a named tuple; its set() takes None for "unchanged", so _replace leaves it out)
    return parsed._replace(password=None).render_as_string(hide_password=False), True


def make_engine(url: str) -> Engine:
    """An engine for ``url`` with the settings the store relies on."""
    try:
        make_url(url).port  # noqa: B018 (a port that is not a number fails here, not on connecting)
    except (ArgumentError, ValueError) as exc:  # the URL itself is not shown: it may hold a password
        raise ProjectError(
            f"the database URL is not valid ({exc}); write it as sqlite:///PATH or "
            "postgresql+psycopg://USER@HOST:PORT/DBNAME"
        ) from None
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if url.startswith("postgresql"):
        return create_engine(url, pool_pre_ping=True, connect_args={"connect_timeout": CONNECT_TIMEOUT})
    raise ProjectError(f"database_url {url!r}: only sqlite:/// and postgresql+psycopg:// work")


def store_name(engine: Engine) -> str:
    """The store as a user knows it: the SQLite file, or the server and database."""
    url = engine.url
    if url.get_backend_name() == "sqlite" and url.database:
        return url.database.removeprefix("file:")
    return url.render_as_string(hide_password=True)


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session whose work is committed together, or not at all."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except (DBAPIError, engine.dialect.loaded_dbapi.Error) as exc:  # (a step's: foresight.store.dbapi)
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
