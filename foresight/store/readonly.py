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

from foresight.store.dbapi import LATEST_MIGRATION, open_current, sqlite_path

__all__ = ["LATEST_MIGRATION", "list_codings", "sqlite_store"]


def sqlite_store(root: str | Path | None = None) -> sqlite3.Connection | None:
    """The project's SQLite store, open to read; None when the full way must be taken.

    A folder that is not a project raises :class:`~foresight.errors.ProjectError`, as
    ``Project.open`` does."""
    return open_current(sqlite_path(root)[0], write=False)


def _seconds(stored: str) -> str:
    """A moment as the store keeps it in SQLite (UTC, naive), written as the full way writes it."""
    moment = dt.datetime.fromisoformat(stored)
    return (moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)).isoformat(timespec="seconds")


def list_codings(conn: sqlite3.Connection, *, coder: str | None = None) -> list[dict[str, Any]]:
    """:func:`foresight.coding.list_codings` (without its code filter), read from SQLite."""
    query = (
        "SELECT coding.unit_id, code.code_id, code.name, coding.coder, coding.origin, coding.created_at, "
        "coding.id FROM coding JOIN code ON code.id = coding.code_id"
    )
    rows = conn.execute(
        query + (" WHERE coding.coder = ? ORDER BY coding.id" if coder else " ORDER BY coding.id"),
        (coder,) if coder else (),
    ).fetchall()
    spans: dict[int, list[list[int]]] = {}
    for coding, start, end in conn.execute(
        'SELECT coding_id, start, "end" FROM coding_span'
        + (" WHERE coding_id IN (SELECT id FROM coding WHERE coder = ?)" if coder else "")
        + ' ORDER BY coding_id, start, "end"',
        (coder,) if coder else (),
    ):
        spans.setdefault(coding, []).append([start, end])
    return [
        {
            "unit_id": unit_id,
            "code_id": code_id,
            "code_name": name,
            "coder": who,
            "origin": origin,
            "created_at": _seconds(created_at),
            "spans": spans.get(coding, []),
        }
        for unit_id, code_id, name, who, origin, created_at, coding in rows
    ]
