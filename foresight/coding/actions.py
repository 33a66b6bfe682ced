"""A coder's work: apply and remove codes, mark units done, undo and redo, memos, suggestions.

Every function is one committed transaction: when it returns, the work is in the store, so a
screen that shows a coding as applied never shows more than the store holds. Machine work never
deletes a coding; accepting a suggestion creates one with origin ``accepted-suggestion``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from foresight.codebook.catalog import find_code
from foresight.errors import ForesightError
from foresight.project import Project
from foresight.store.schema import (
    Batch,
    BatchUnit,
    Code,
    CoderAction,
    Coding,
    Memo,
    Source,
    Suggestion,
    SuggestionDecision,
    Unit,
    UnitState,
    log_event,
    utcnow,
)

ORIGINS = ("manual", "accepted-suggestion", "adjudicated", "carried")


def _unit(session: Session, unit_id: int) -> Unit:
    unit = session.get(Unit, unit_id)
    if unit is None:
        raise ForesightError(f"no unit {unit_id} in the project (see 'foresight units')")
    return unit


def _record(session: Session, coder: str, kind: str, unit_id: int, code_id: int | None, origin: str) -> None:
    """Note a new step of the coder's; steps undone before it can no longer be redone."""
    session.execute(
        update(CoderAction)
        .where(CoderAction.coder == coder, CoderAction.state == "undone")
        .values(state="dropped")
    )
    session.add(CoderAction(coder=coder, kind=kind, unit_id=unit_id, code_id=code_id, origin=origin))


def _insert_coding(session: Session, unit_id: int, code_id: int, coder: str, origin: str) -> bool:
    exists = session.execute(
        select(Coding.id).where(Coding.unit_id == unit_id, Coding.code_id == code_id, Coding.coder == coder)
    ).first()
    if exists:
        return False
    session.add(Coding(unit_id=unit_id, code_id=code_id, coder=coder, origin=origin))
    return True


def _delete_coding(session: Session, unit_id: int, code_id: int, coder: str) -> str | None:
    """Delete a coder's coding; return its origin, or None when there was none."""
    row = session.execute(
        select(Coding).where(Coding.unit_id == unit_id, Coding.code_id == code_id, Coding.coder == coder)
    ).scalar_one_or_none()
    if row is None:
        return None
    session.delete(row)
    return row.origin


def decided_by(coder: str) -> Select[tuple[int]]:
    """The ids of the suggestions the coder has decided (accepted or rejected): the others are
    open for the coder, whatever other coders decided."""
    return select(SuggestionDecision.suggestion_id).where(SuggestionDecision.coder == coder)


def _open_for(session: Session, unit_id: int, code_id: int, coder: str) -> list[Suggestion]:
    """The suggestions of a code on a unit that the coder has not decided."""
    return list(
        session.execute(
            select(Suggestion).where(
                Suggestion.unit_id == unit_id,
                Suggestion.code_id == code_id,
                Suggestion.id.not_in(decided_by(coder)),
            )
        ).scalars()
    )


def _decide(session: Session, suggestion: Suggestion, coder: str, status: str) -> None:
    """Record the coder's decision; the suggestion keeps the latest one, of any coder."""
    now = utcnow()
    session.add(SuggestionDecision(suggestion_id=suggestion.id, coder=coder, status=status, decided_at=now))
    suggestion.status, suggestion.decided_by, suggestion.decided_at = status, coder, now
    session.add(suggestion)


def _undecide(session: Session, unit_id: int, code_id: int, coder: str, status: str) -> None:
    """Take back the coder's decisions (``status``) on the suggestions of a code on a unit:
    open again for the coder; each suggestion keeps the latest decision left, or is open."""
    mine = session.execute(
        select(SuggestionDecision, Suggestion)
        .join(Suggestion, Suggestion.id == SuggestionDecision.suggestion_id)
        .where(
            Suggestion.unit_id == unit_id,
            Suggestion.code_id == code_id,
            SuggestionDecision.coder == coder,
            SuggestionDecision.status == status,
        )
    ).all()
    for decision, suggestion in mine:
        session.delete(decision)
        session.flush()
        latest = session.execute(
            select(SuggestionDecision)
            .where(SuggestionDecision.suggestion_id == suggestion.id)
            .order_by(SuggestionDecision.decided_at.desc(), SuggestionDecision.id.desc())
            .limit(1)
        ).scalar_one_or_none()
        if latest is None:
            suggestion.status, suggestion.decided_by, suggestion.decided_at = "open", None, None
        else:
            suggestion.status, suggestion.decided_by = latest.status, latest.coder
            suggestion.decided_at = latest.decided_at
        session.add(suggestion)


def _commit(project: Project, work: Any) -> Any:
    """Run ``work(session)`` in its own transaction; a clash with another process is retried."""
    for attempt in range(3):
        try:
            with project.transaction() as session:
                return work(session)
        except IntegrityError:
            if attempt == 2:
                raise
    return None


def apply_code(project: Project, unit_id: int, code: str, *, coder: str, origin: str = "manual") -> bool:
    """Apply ``code`` (an id or exact name) to a unit; False when the coder had applied it already."""
    if origin not in ORIGINS:
        raise ForesightError(f"origin {origin!r} is not one of {', '.join(ORIGINS)}")

    def work(session: Session) -> bool:
        _unit(session, unit_id)
        row = find_code(session, code, active_only=True)
        given = origin
        open_: list[Suggestion] = []
        if origin == "manual":  # applying a suggested code accepts the suggestion, for this coder
            open_ = _open_for(session, unit_id, row.id, coder)  # type: ignore[arg-type]
            given = "accepted-suggestion" if open_ else origin
        if not _insert_coding(session, unit_id, row.id, coder, given):  # type: ignore[arg-type]
            return False
        for suggestion in open_:
            _decide(session, suggestion, coder, "accepted")
        _record(session, coder, "apply", unit_id, row.id, given)
        log_event(session, coder, "apply", "coding", unit_id, code=row.code_id, origin=given)
        return True

    return bool(_commit(project, work))


def remove_code(project: Project, unit_id: int, code: str, *, coder: str) -> bool:
    """Remove the coder's coding of ``code`` from a unit; False when there was none."""

    def work(session: Session) -> bool:
        _unit(session, unit_id)
        row = find_code(session, code)
        origin = _delete_coding(session, unit_id, row.id, coder)  # type: ignore[arg-type]
        if origin is None:
            return False
        _record(session, coder, "remove", unit_id, row.id, origin)
        log_event(session, coder, "remove", "coding", unit_id, code=row.code_id)
        return True

    return bool(_commit(project, work))


def _set_done(session: Session, unit_id: int, coder: str, done: bool) -> bool:
    state = session.get(UnitState, (unit_id, coder))
    before = bool(state and state.done)
    if state is None:
        state = UnitState(unit_id=unit_id, coder=coder)
    state.done, state.updated_at = done, utcnow()
    session.add(state)
    return before


def mark_done(project: Project, unit_id: int, *, coder: str, done: bool = True) -> None:
    """Mark a unit finished by the coder (with or without codes), or not finished."""

    def work(session: Session) -> None:
        _unit(session, unit_id)
        before = _set_done(session, unit_id, coder, done)
        if before != done:
            _record(session, coder, "done" if done else "undone", unit_id, None, "manual")
            log_event(session, coder, "done" if done else "not done", "unit", unit_id)

    _commit(project, work)


def _invert(session: Session, action: CoderAction, coder: str, forward: bool) -> None:
    """Do (``forward``) or undo one recorded step."""
    apply = (action.kind == "apply") == forward
    if action.kind == "reject":  # a suggestion rejected: open again for the coder, or rejected again
        assert action.code_id is not None
        if forward:
            for suggestion in _open_for(session, action.unit_id, action.code_id, coder):
                _decide(session, suggestion, coder, "rejected")
        else:
            _undecide(session, action.unit_id, action.code_id, coder, "rejected")
    elif action.kind in ("apply", "remove"):
        assert action.code_id is not None
        accept = action.kind == "apply" and action.origin == "accepted-suggestion"
        if apply:
            _insert_coding(session, action.unit_id, action.code_id, coder, action.origin)
            if accept:  # redo: the suggestion accepted again
                for suggestion in _open_for(session, action.unit_id, action.code_id, coder):
                    _decide(session, suggestion, coder, "accepted")
        else:
            _delete_coding(session, action.unit_id, action.code_id, coder)
            if accept:  # undo of an accept: the suggestion is open again
                _undecide(session, action.unit_id, action.code_id, coder, "accepted")
    else:
        _set_done(session, action.unit_id, coder, (action.kind == "done") == forward)


def _describe(session: Session, action: CoderAction) -> str:
    if action.code_id is None:
        return f"{action.kind} unit {action.unit_id}"
    code = session.get(Code, action.code_id)
    return f"{action.kind} {code.code_id if code else action.code_id} on unit {action.unit_id}"


@dataclass(frozen=True)
class Step:
    """What undo or redo did: the kind of step, its unit and code."""

    description: str
    unit_id: int


@dataclass(frozen=True)
class _Way:
    """Undo or redo: the recorded steps it takes (in ``state``, the first in ``order``), whether
    it does them forward, the state it leaves them in, and its words."""

    state: str
    order: Any
    forward: bool
    becomes: str
    verb: str
    did: str


_UNDO = _Way("done", CoderAction.id.desc(), False, "undone", "undo", "undid")  # the latest done
_REDO = _Way("undone", CoderAction.id.asc(), True, "done", "redo", "redid")  # the earliest undone


def _step(project: Project, coder: str, way: _Way) -> Step | None:
    """Undo or redo the coder's step; None when there is nothing to take back or do again."""

    def work(session: Session) -> Step | None:
        action = session.execute(
            select(CoderAction)
            .where(CoderAction.coder == coder, CoderAction.state == way.state)
            .order_by(way.order)
            .limit(1)
        ).scalar_one_or_none()
        if action is None:
            return None
        _invert(session, action, coder, forward=way.forward)
        action.state = way.becomes
        session.add(action)
        text = _describe(session, action)
        log_event(session, coder, way.verb, "unit", action.unit_id, step=text)
        return Step(f"{way.did} {text}", action.unit_id)

    return _commit(project, work)  # type: ignore[no-any-return]


def undo(project: Project, *, coder: str) -> Step | None:
    """Take back the coder's last step; None when there is nothing to undo."""
    return _step(project, coder, _UNDO)


def redo(project: Project, *, coder: str) -> Step | None:
    """Do again the step the coder undid last; None when there is nothing to redo."""
    return _step(project, coder, _REDO)


def set_memo(project: Project, kind: str, target_id: int, *, coder: str, text: str) -> None:
    """Write the coder's memo on a unit (``kind="unit"``) or a code (``kind="code"``, by row id)."""
    if kind not in ("unit", "code"):
        raise ForesightError("a memo belongs to a unit or a code")

    def work(session: Session) -> None:
        memo = session.execute(
            select(Memo).where(Memo.kind == kind, Memo.target_id == target_id, Memo.coder == coder)
        ).scalar_one_or_none() or Memo(kind=kind, target_id=target_id, coder=coder)
        memo.text, memo.updated_at = text, utcnow()
        session.add(memo)
        log_event(session, coder, "memo", kind, target_id, length=len(text))

    _commit(project, work)


def get_memo(project: Project, kind: str, target_id: int, *, coder: str) -> str:
    with project.session() as session:
        memo = session.execute(
            select(Memo.text).where(Memo.kind == kind, Memo.target_id == target_id, Memo.coder == coder)
        ).scalar_one_or_none()
    return memo or ""


def decide_suggestion(project: Project, suggestion_id: int, *, coder: str, accept: bool) -> bool:
    """Accept (a coding with origin accepted-suggestion) or reject a suggestion, for this coder.

    Decisions are each coder's own: another coder still sees the suggestion open. Deciding it
    again the same way changes nothing; the other way is refused (undo the first decision).
    Both are steps the coder can undo, which opens the suggestion again.
    """

    def work(session: Session) -> bool:
        suggestion = session.get(Suggestion, suggestion_id)
        if suggestion is None:
            raise ForesightError(f"no suggestion {suggestion_id}")
        wanted = "accepted" if accept else "rejected"
        mine = session.execute(
            select(SuggestionDecision.status).where(
                SuggestionDecision.suggestion_id == suggestion_id, SuggestionDecision.coder == coder
            )
        ).scalar_one_or_none()
        if mine is not None:
            if mine == wanted:
                return False
            raise ForesightError(f"{coder} {mine} suggestion {suggestion_id} already (undo that first)")
        _decide(session, suggestion, coder, wanted)
        applied = False
        if accept and _insert_coding(
            session, suggestion.unit_id, suggestion.code_id, coder, "accepted-suggestion"
        ):
            _record(session, coder, "apply", suggestion.unit_id, suggestion.code_id, "accepted-suggestion")
            applied = True
        elif not accept:
            _record(session, coder, "reject", suggestion.unit_id, suggestion.code_id, "manual")
        log_event(session, coder, "accept" if accept else "reject", "suggestion", suggestion_id)
        return applied

    return bool(_commit(project, work))


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
    """Codings with their code and coder, oldest first."""
    query = select(Coding, Code.code_id, Code.name).join(Code, Code.id == Coding.code_id).order_by(Coding.id)
    with project.session() as session:
        if coder:
            query = query.where(Coding.coder == coder)
        if code:
            query = query.where(Coding.code_id == find_code(session, code).id)
        rows = session.execute(query).all()
    return [
        {
            "unit_id": c.unit_id,
            "code_id": code_id,
            "code_name": name,
            "coder": c.coder,
            "origin": c.origin,
            "created_at": c.created_at.isoformat(timespec="seconds"),
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
