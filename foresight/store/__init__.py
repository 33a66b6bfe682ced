"""The store: where a project keeps its sources, units, codebooks, codings and their history.

- ``schema``: the tables (SQLModel classes, the one definition of the schema) and the audit log;
- ``migrations``: named schema changes, run when an older store is opened;
- ``engine``: engines and sessions with the settings the store relies on, and one-line
  messages for a store that cannot be written;
- ``bulk``: writes of many rows through the database driver, SQLite's log copied while an
  ingest writes, and the lock that lets one ingest write at a time;
- ``dbapi``: the store through a bare DB-API connection, the layer a coder's steps are written
  over, and a SQLite store opened with the standard library to write them;
- ``readonly``: reads of a SQLite store with the standard library, for commands that must start
  at once.

The package's own modules import from these modules; ``from foresight.store import Unit``
works too, for every name of ``_HOME`` below (in a notebook, say). Each is loaded when first
asked for, so that ``foresight.store.readonly`` and ``foresight.store.dbapi`` load no
SQLAlchemy.
"""

from __future__ import annotations

from foresight.lazy import attributes

_HOME = {
    **dict.fromkeys(["Checkpoints", "driver_rows", "driver_sql", "insert_one", "write_alone"], "bulk"),
    **dict.fromkeys(
        ["cannot_write", "connection_scope", "make_engine", "session_scope", "store_name"], "engine"
    ),
    **dict.fromkeys(["MIGRATIONS", "migrate", "pending_migrations"], "migrations"),
    **dict.fromkeys(
        [
            "Adjudication",
            "Batch",
            "BatchUnit",
            "Code",
            "Codebook",
            "CoderAction",
            "Coding",
            "CodingSpan",
            "Event",
            "LearningQueue",
            "Memo",
            "SchemaMigration",
            "Source",
            "Suggestion",
            "SuggestionDecision",
            "SuggestModel",
            "Unit",
            "UnitState",
            "iso",
            "log_event",
            "utcnow",
        ],
        "schema",
    ),
}
__all__ = sorted(_HOME)

__getattr__ = attributes(__name__, _HOME, globals())
