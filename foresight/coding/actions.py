"""A coder's work: apply and remove codes, mark units done, undo and redo, memos, suggestions.

Every function is one committed transaction: when it returns, the work is in the store, so a
screen that shows a coding as applied never shows more than the store holds. Machine work never
deletes a coding; accepting a suggestion creates one with origin ``accepted-suggestion``.
Decisions on suggestions are each coder's own (in a blind batch another coder's accept or
reject must not show), and every step is recorded for undo and redo and in the event log.

These rules are stated once, as SQL over a bare DB-API connection (:mod:`foresight.store.dbapi`):
the functions take a :class:`~foresight.project.Project` (SQLAlchemy's connection, SQLite or
PostgreSQL) or a :class:`~foresight.store.dbapi.SqliteStore` (``sqlite3`` alone, which
``foresight code`` takes so that it starts at once), and write the same rows on either. This
module loads no SQLAlchemy.
"""

from __future__ import annotations

from dataclasses import dataclass

from foresight.codebook.lookup import find_code
from foresight.errors import ForesightError
from foresight.store.dbapi import Db, Store, committed, utcnow

ORIGINS = ("manual", "accepted-suggestion", "adjudicated", "carried")


def _unit(db: Db, unit_id: int) -> None:
    if db.one("SELECT 1 FROM unit WHERE id = ?", unit_id) is None:
        raise ForesightError(f"no unit {unit_id} in the project (see 'foresight units')")


def _record(db: Db, coder: str, kind: str, unit_id: int, code_id: int | None, origin: str) -> None:
    """Note a new step of the coder's; steps undone before it can no longer be redone."""
    db.run("UPDATE coder_action SET state = 'dropped' WHERE coder = ? AND state = 'undone'", coder)
    db.insert(
        "coder_action",
        coder=coder,
        kind=kind,
        unit_id=unit_id,
        code_id=code_id,
        origin=origin,
        state="done",
        at=db.moment(utcnow()),
    )


def _insert_coding(db: Db, unit_id: int, code_id: int, coder: str, origin: str) -> bool:
    exists = db.one(
        "SELECT 1 FROM coding WHERE unit_id = ? AND code_id = ? AND coder = ?", unit_id, code_id, coder
    )
    if exists:
        return False
    db.insert(
        "coding",
        unit_id=unit_id,
        code_id=code_id,
        coder=coder,
        origin=origin,
        created_at=db.moment(utcnow()),
    )
    return True


def _delete_coding(db: Db, unit_id: int, code_id: int, coder: str) -> str | None:
    """Delete a coder's coding; return its origin, or None when there was none."""
    row = db.one(
        "SELECT id, origin FROM coding WHERE unit_id = ? AND code_id = ? AND coder = ?",
        unit_id,
        code_id,
        coder,
    )
    if row is None:
        return None
    db.run("DELETE FROM coding WHERE id = ?", row[0])
    return str(row[1])


def _open_for(db: Db, unit_id: int, code_id: int, coder: str) -> list[int]:
    """The suggestions (ids) of a code on a unit that the coder has not decided: the others are
    open for the coder, whatever other coders decided."""
    rows = db.rows(
        "SELECT id FROM suggestion WHERE unit_id = ? AND code_id = ? AND id NOT IN "
        "(SELECT suggestion_id FROM suggestion_decision WHERE coder = ?) ORDER BY id",
        unit_id,
        code_id,
        coder,
    )
    return [suggestion for (suggestion,) in rows]


def _decide(db: Db, suggestion_id: int, coder: str, status: str) -> None:
    """Record the coder's decision; the suggestion keeps the latest one, of any coder."""
    now = db.moment(utcnow())
    db.insert("suggestion_decision", suggestion_id=suggestion_id, coder=coder, status=status, decided_at=now)
    db.run(
        "UPDATE suggestion SET status = ?, decided_by = ?, decided_at = ? WHERE id = ?",
        status,
        coder,
        now,
        suggestion_id,
    )


def _undecide(db: Db, unit_id: int, code_id: int, coder: str, status: str) -> None:
    """Take back the coder's decisions (``status``) on the suggestions of a code on a unit:
    open again for the coder; each suggestion keeps the latest decision left, or is open."""
    mine = db.rows(
        "SELECT d.id, d.suggestion_id FROM suggestion_decision d "
        "JOIN suggestion s ON s.id = d.suggestion_id "
        "WHERE s.unit_id = ? AND s.code_id = ? AND d.coder = ? AND d.status = ? ORDER BY d.id",
        unit_id,
        code_id,
        coder,
        status,
    )
    for decision, suggestion in mine:
        db.run("DELETE FROM suggestion_decision WHERE id = ?", decision)
        latest = db.one(
            "SELECT status, coder, decided_at FROM suggestion_decision WHERE suggestion_id = ? "
            "ORDER BY decided_at DESC, id DESC LIMIT 1",
            suggestion,
        )
        db.run(
            "UPDATE suggestion SET status = ?, decided_by = ?, decided_at = ? WHERE id = ?",
            *(latest or ("open", None, None)),
            suggestion,
        )


def apply_code(store: Store, unit_id: int, code: str, *, coder: str, origin: str = "manual") -> bool:
    """Apply ``code`` (an id or exact name) to a unit; False when the coder had applied it already."""
    if origin not in ORIGINS:
        raise ForesightError(f"origin {origin!r} is not one of {', '.join(ORIGINS)}")

    def work(db: Db) -> bool:
        _unit(db, unit_id)
        row = find_code(db, code, active_only=True)
        given = origin
        open_: list[int] = []
        if origin == "manual":  # applying a suggested code accepts the suggestion, for this coder
            open_ = _open_for(db, unit_id, row.id, coder)
            given = "accepted-suggestion" if open_ else origin
        if not _insert_coding(db, unit_id, row.id, coder, given):
            return False
        for suggestion in open_:
            _decide(db, suggestion, coder, "accepted")
        _record(db, coder, "apply", unit_id, row.id, given)
        db.log_event(coder, "apply", "coding", unit_id, code=row.code_id, origin=given)
        return True

    return committed(store, work)


def remove_code(store: Store, unit_id: int, code: str, *, coder: str) -> bool:
    """Remove the coder's coding of ``code`` from a unit; False when there was none."""

    def work(db: Db) -> bool:
        _unit(db, unit_id)
        row = find_code(db, code)
        origin = _delete_coding(db, unit_id, row.id, coder)
        if origin is None:
            return False
        _record(db, coder, "remove", unit_id, row.id, origin)
        db.log_event(coder, "remove", "coding", unit_id, code=row.code_id)
        return True

    return committed(store, work)


def _set_done(db: Db, unit_id: int, coder: str, done: bool) -> bool:
    """Mark the unit done or not; return whether it was done before."""
    state = db.one("SELECT done FROM unit_state WHERE unit_id = ? AND coder = ?", unit_id, coder)
    now = db.moment(utcnow())
    if state is None:
        db.run(
            "INSERT INTO unit_state (unit_id, coder, done, updated_at) VALUES (?, ?, ?, ?)",
            unit_id,
            coder,
            done,
            now,
        )
    else:
        db.run(
            "UPDATE unit_state SET done = ?, updated_at = ? WHERE unit_id = ? AND coder = ?",
            done,
            now,
            unit_id,
            coder,
        )
    return bool(state and state[0])


def mark_done(store: Store, unit_id: int, *, coder: str, done: bool = True) -> None:
    """Mark a unit finished by the coder (with or without codes), or not finished."""

    def work(db: Db) -> None:
        _unit(db, unit_id)
        before = _set_done(db, unit_id, coder, done)
        if before != done:
            _record(db, coder, "done" if done else "undone", unit_id, None, "manual")
            db.log_event(coder, "done" if done else "not done", "unit", unit_id)

    committed(store, work)


@dataclass(frozen=True)
class _Action:
    """A recorded step of a coder's (a row of ``coder_action``)."""

    id: int
    kind: str  # apply | remove | done | undone | reject (a suggestion)
    unit_id: int
    code_id: int | None
    origin: str


def _invert(db: Db, action: _Action, coder: str, forward: bool) -> None:
    """Do (``forward``) or undo one recorded step."""
    apply = (action.kind == "apply") == forward
    if action.kind == "reject":  # a suggestion rejected: open again for the coder, or rejected again
        assert action.code_id is not None
        if forward:
            for suggestion in _open_for(db, action.unit_id, action.code_id, coder):
                _decide(db, suggestion, coder, "rejected")
        else:
            _undecide(db, action.unit_id, action.code_id, coder, "rejected")
    elif action.kind in ("apply", "remove"):
        assert action.code_id is not None
        accept = action.kind == "apply" and action.origin == "accepted-suggestion"
        if apply:
            _insert_coding(db, action.unit_id, action.code_id, coder, action.origin)
            if accept:  # redo: the suggestion accepted again
                for suggestion in _open_for(db, action.unit_id, action.code_id, coder):
                    _decide(db, suggestion, coder, "accepted")
        else:
            _delete_coding(db, action.unit_id, action.code_id, coder)
            if accept:  # undo of an accept: the suggestion is open again
                _undecide(db, action.unit_id, action.code_id, coder, "accepted")
    else:
        _set_done(db, action.unit_id, coder, (action.kind == "done") == forward)


def _describe(db: Db, action: _Action) -> str:
    if action.code_id is None:
        return f"{action.kind} unit {action.unit_id}"
    code = db.one("SELECT code_id FROM code WHERE id = ?", action.code_id)
    return f"{action.kind} {code[0] if code else action.code_id} on unit {action.unit_id}"


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
    order: str
    forward: bool
    becomes: str
    verb: str
    did: str


_UNDO = _Way("done", "id DESC", False, "undone", "undo", "undid")  # the latest done
_REDO = _Way("undone", "id ASC", True, "done", "redo", "redid")  # the earliest undone


def _step(store: Store, coder: str, way: _Way) -> Step | None:
    """Undo or redo the coder's step; None when there is nothing to take back or do again."""

    def work(db: Db) -> Step | None:
        row = db.one(
            "SELECT id, kind, unit_id, code_id, origin FROM coder_action WHERE coder = ? AND state = ? "
            f"ORDER BY {way.order} LIMIT 1",
            coder,
            way.state,
        )
        if row is None:
            return None
        action = _Action(*row)
        _invert(db, action, coder, forward=way.forward)
        db.run("UPDATE coder_action SET state = ? WHERE id = ?", way.becomes, action.id)
        text = _describe(db, action)
        db.log_event(coder, way.verb, "unit", action.unit_id, step=text)
        return Step(f"{way.did} {text}", action.unit_id)

    return committed(store, work)


def undo(store: Store, *, coder: str) -> Step | None:
    """Take back the coder's last step; None when there is nothing to undo."""
    return _step(store, coder, _UNDO)


def redo(store: Store, *, coder: str) -> Step | None:
    """Do again the step the coder undid last; None when there is nothing to redo."""
    return _step(store, coder, _REDO)


def set_memo(store: Store, kind: str, target_id: int, *, coder: str, text: str) -> None:
    """Write the coder's memo on a unit (``kind="unit"``) or a code (``kind="code"``, by row id)."""
    if kind not in ("unit", "code"):
        raise ForesightError("a memo belongs to a unit or a code")

    def work(db: Db) -> None:
        memo = db.one(
            "SELECT id FROM memo WHERE kind = ? AND target_id = ? AND coder = ?", kind, target_id, coder
        )
        now = db.moment(utcnow())
        if memo is None:
            db.insert("memo", kind=kind, target_id=target_id, coder=coder, text=text, updated_at=now)
        else:
            db.run("UPDATE memo SET text = ?, updated_at = ? WHERE id = ?", text, now, memo[0])
        db.log_event(coder, "memo", kind, target_id, length=len(text))

    committed(store, work)


def decide_suggestion(store: Store, suggestion_id: int, *, coder: str, accept: bool) -> bool:
    """Accept (a coding with origin accepted-suggestion) or reject a suggestion, for this coder.

    Decisions are each coder's own: another coder still sees the suggestion open. Deciding it
    again the same way changes nothing; the other way is refused (undo the first decision).
    Both are steps the coder can undo, which opens the suggestion again.
    """

    def work(db: Db) -> bool:
        suggestion = db.one("SELECT unit_id, code_id FROM suggestion WHERE id = ?", suggestion_id)
        if suggestion is None:
            raise ForesightError(f"no suggestion {suggestion_id}")
        unit_id, code_id = suggestion
        wanted = "accepted" if accept else "rejected"
        mine = db.one(
            "SELECT status FROM suggestion_decision WHERE suggestion_id = ? AND coder = ?",
            suggestion_id,
            coder,
        )
        if mine is not None:
            if mine[0] == wanted:
                return False
            raise ForesightError(f"{coder} {mine[0]} suggestion {suggestion_id} already (undo that first)")
        _decide(db, suggestion_id, coder, wanted)
        applied = False
        if accept and _insert_coding(db, unit_id, code_id, coder, "accepted-suggestion"):
            _record(db, coder, "apply", unit_id, code_id, "accepted-suggestion")
            applied = True
        elif not accept:
            _record(db, coder, "reject", unit_id, code_id, "manual")
        db.log_event(coder, "accept" if accept else "reject", "suggestion", suggestion_id)
        return applied

    return committed(store, work)
