"""What a coder's work has left in the store: codings, memos, progress, the blind batches.

Reads through the store's models; the steps that write are :mod:`foresight.coding.actions`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Select, func, select
from sqlmodel import Session

from foresight.codebook.catalog import find_code
from foresight.project import Project
from foresight.store.schema import (
    Batch,
    BatchUnit,
    Code,
    Coding,
    Memo,
    Source,
    SuggestionDecision,
    Unit,
    UnitState,
)
from foresight.store.spans import spans_of


def decided_by(coder: str) -> Select[tuple[int]]:
    """The ids of the suggestions the coder has decided (accepted or rejected): the others are
    open for the coder, whatever other coders decided."""
    return select(SuggestionDecision.suggestion_id).where(SuggestionDecision.coder == coder)


def get_memo(project: Project, kind: str, target_id: int, *, coder: str) -> str:
    with project.session() as session:
        memo = session.execute(
            select(Memo.text).where(Memo.kind == kind, Memo.target_id == target_id, Memo.coder == coder)
        ).scalar_one_or_none()
    return memo or ""


def last_coded(project: Project, *, coder: str) -> dt.datetime | None:
    """When the coder's latest coding still in the store was made (UTC), None before the first."""
    with project.session() as session:
        when = session.execute(select(func.max(Coding.created_at)).where(Coding.coder == coder)).scalar()
    if when is None:
        return None
    return when if when.tzinfo is not None else when.replace(tzinfo=dt.UTC)


def list_codings(
    project: Project, *, coder: str | None = None, code: str | None = None
) -> list[dict[str, Any]]:
    """Codings with their code and coder, oldest first, each with its exact spans ([start, end]
    in its source's text, in text order; none: it codes its whole unit)."""
    query = select(Coding, Code.code_id, Code.name).join(Code, Code.id == Coding.code_id).order_by(Coding.id)
    with project.session() as session:
        if coder:
            query = query.where(Coding.coder == coder)
        if code:
            query = query.where(Coding.code_id == find_code(session, code).id)
        rows = session.execute(query).all()
        spans = spans_of(session.connection(), [c.id for c, _, _ in rows])
    return [
        {
            "unit_id": c.unit_id,
            "code_id": code_id,
            "code_name": name,
            "coder": c.coder,
            "origin": c.origin,
            "created_at": c.created_at.isoformat(timespec="seconds"),
            "spans": [list(span) for span in sorted(spans.get(c.id, ()))],
        }
        for c, code_id, name in rows
    ]


def batch_units(session: Session, coder: str) -> set[int]:
    """Units in a double-coding batch the coder is assigned to (coded blind)."""
    rows = session.execute(
        select(BatchUnit.unit_id, Batch.coders).join(Batch, Batch.id == BatchUnit.batch_id)
    )
    return {unit for unit, coders in rows if coder in coders}


def finished_units(project: Project, *, coder: str) -> set[int]:
    """Units the coder has coded or marked done."""
    with project.session() as session:
        coded = set(session.execute(select(Coding.unit_id).where(Coding.coder == coder).distinct()).scalars())
        done = set(
            session.execute(
                select(UnitState.unit_id).where(UnitState.coder == coder, UnitState.done.is_(True))
            ).scalars()
        )
    return coded | done


def unit_finished(project: Project, unit_id: int, *, coder: str) -> tuple[bool, bool]:
    """Whether the coder has coded one unit, and whether marked it done: a unit's share of
    :func:`finished_units`, without reading every coding."""
    with project.session() as session:
        coded = session.execute(
            select(Coding.id).where(Coding.unit_id == unit_id, Coding.coder == coder).limit(1)
        ).first()
        state = session.get(UnitState, (unit_id, coder))
    return coded is not None, bool(state and state.done)


def progress(project: Project, *, coder: str) -> tuple[int, int]:
    """(units the coder has coded or marked done, units of current sources)."""
    with project.session() as session:
        total = session.execute(
            select(func.count(Unit.id))
            .join(Source, Source.id == Unit.source_id)
            .where(Source.current.is_(True))
        ).scalar_one()
    return len(finished_units(project, coder=coder)), total
