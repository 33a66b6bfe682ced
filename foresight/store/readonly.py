"""Reads straight from a project's SQLite file, with the standard library's ``sqlite3``.

A command that only lists what is stored starts in a fraction of the time the full store
takes to load (SQLAlchemy and the table models in :mod:`foresight.store`, a third of a second
and more on a small machine). It reads here when the project keeps its store in SQLite and
the store's schema is current; otherwise (PostgreSQL, a store still to migrate) the caller
takes the full way, :class:`foresight.project.Project`. Each query returns exactly what its
full-way twin returns; the tests hold the two to the same rows.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path
from typing import Any

from foresight.config import DATABASE_NAME, find_project

# The newest of foresight.store.migrations.MIGRATIONS: a store that has it is read as it is.
LATEST_MIGRATION = "0006_code_domain"


def sqlite_store(root: str | Path | None = None) -> sqlite3.Connection | None:
    """The project's SQLite store, open to read; None when the full way must be taken.

    A folder that is not a project raises :class:`~foresight.errors.ProjectError`, as
    ``Project.open`` does."""
    folder, config = find_project(root)
    if config.database_url is None:
        path = folder / DATABASE_NAME
    elif config.database_url.startswith("sqlite:///") and "?" not in config.database_url:
        path = Path(config.database_url.removeprefix("sqlite:///"))
    else:
        return None
    if not path.is_file():
        return None
    conn = sqlite3.connect(path, timeout=30)
    try:
        conn.execute("PRAGMA query_only=ON")
        current = conn.execute(
            "SELECT 1 FROM schema_migration WHERE name = ?", (LATEST_MIGRATION,)
        ).fetchone()
    except sqlite3.Error:  # not a store of ours, or damaged: the full way says what is wrong
        current = None
    if current is None:
        conn.close()
        return None
    return conn


def _seconds(stored: str) -> str:
    """A moment as the store keeps it in SQLite (UTC, naive), written as the full way writes it."""
    moment = dt.datetime.fromisoformat(stored)
    return (moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)).isoformat(timespec="seconds")


def list_codings(conn: sqlite3.Connection, *, coder: str | None = None) -> list[dict[str, Any]]:
    """:func:`foresight.coding.list_codings` (without its code filter), read from SQLite."""
    query = (
        "SELECT coding.unit_id, code.code_id, code.name, coding.coder, coding.origin, coding.created_at "
        "FROM coding JOIN code ON code.id = coding.code_id"
    )
    rows = conn.execute(
        query + (" WHERE coding.coder = ? ORDER BY coding.id" if coder else " ORDER BY coding.id"),
        (coder,) if coder else (),
    )
    return [
        {
            "unit_id": unit_id,
            "code_id": code_id,
            "code_name": name,
            "coder": who,
            "origin": origin,
            "created_at": _seconds(created_at),
        }
        for unit_id, code_id, name, who, origin, created_at in rows
    ]
