"""The store's tables: SQLModel classes, the one definition of the schema, and the audit log's writer.

Every table a project has is here, with what each row is; ``foresight.store.migrations`` brings
an older store up to them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, Index, LargeBinary, UniqueConstraint
from sqlalchemy.engine import Connection
from sqlmodel import Field, Session, SQLModel

from foresight.store.bulk import insert_one
from foresight.store.dbapi import utcnow as utcnow  # (the store's clock, kept in dbapi)


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
    language: str | None = None  # ISO 639-1: detected in its text, else its source's
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
    keywords: list[str] = Field(default_factory=list, sa_column=Column(JSON))  # in English
    # in other languages: ISO 639-1 code -> keywords (foresight.codebook.model.CodeSpec)
    keywords_lang: dict[str, list[str]] = Field(default_factory=dict, sa_column=Column(JSON))
    colour: str = "#808080"
    domain: str = ""  # the Visual Roadmap domain (VR.*) a unit coded with it goes to when it names none
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
