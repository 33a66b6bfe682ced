"""Disagreements between coders and their adjudication.

An adjudication records the team's agreed coding of a unit: codings with origin ``adjudicated``
under the adjudicator's name (none when the agreed answer is that no code applies) and an
:class:`~foresight.store.Adjudication` row saying who decided, over whose codings, when. Each
coder's own coding stays as it was, so the reliability figures never change by adjudicating.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, select
from sqlmodel import Session

from foresight.agreement.data import ADJUDICATED, check_coders, default_coders
from foresight.codebook.catalog import find_code
from foresight.coding.listing import batch_units
from foresight.errors import ForesightError
from foresight.project import Project
from foresight.store.schema import Adjudication, Code, Coding, Source, Unit, UnitState, log_event, utcnow


@dataclass
class Agreed:
    by: str
    codes: list[str]
    at: str


@dataclass
class UnitCodings:
    """One unit: each coder's own codes, and the agreed coding if there is one."""

    unit_id: int
    source_title: str
    text: str
    codes: dict[str, list[str]]  # coder -> code ids (coders who finished the unit)
    differing: list[str] = field(default_factory=list)  # codes some coders applied, others not
    adjudication: Agreed | None = None


def _finished_codes(session: Session, unit_ids: Sequence[int] | None, coders: Sequence[str] | None):  # type: ignore[no-untyped-def]
    """unit -> coder -> set of own code ids, for coders who finished the unit."""
    query = select(Coding.unit_id, Coding.coder, Code.code_id).join(Code, Code.id == Coding.code_id)
    query = query.where(Coding.origin != ADJUDICATED)
    done = select(UnitState.unit_id, UnitState.coder).where(UnitState.done.is_(True))
    if unit_ids is not None:
        query = query.where(Coding.unit_id.in_(unit_ids))
        done = done.where(UnitState.unit_id.in_(unit_ids))
    if coders is not None:
        query = query.where(Coding.coder.in_(coders))
        done = done.where(UnitState.coder.in_(coders))
    found: dict[int, dict[str, set[str]]] = defaultdict(dict)
    for unit_id, coder in session.execute(done):
        found[unit_id].setdefault(coder, set())
    for unit_id, coder, code in session.execute(query.order_by(Code.id)):
        found[unit_id].setdefault(coder, set()).add(code)
    return found


def _agreed(session: Session, unit_ids: Sequence[int] | None = None) -> dict[int, Agreed]:
    query = select(Adjudication)
    codes = select(Coding.unit_id, Code.code_id).join(Code, Code.id == Coding.code_id)
    codes = codes.where(Coding.origin == ADJUDICATED)
    if unit_ids is not None:
        query = query.where(Adjudication.unit_id.in_(unit_ids))
        codes = codes.where(Coding.unit_id.in_(unit_ids))
    agreed_codes: dict[int, list[str]] = defaultdict(list)
    for unit_id, code in session.execute(codes.order_by(Code.id)):
        agreed_codes[unit_id].append(code)
    result = {}
    for row in session.execute(query).scalars():
        at = row.decided_at.isoformat(timespec="seconds")
        result[row.unit_id] = Agreed(row.adjudicator, agreed_codes.get(row.unit_id, []), at)
    return result


def _order(session: Session) -> dict[str, int]:
    return {code: i for code, i in session.execute(select(Code.code_id, Code.id))}


def disagreements_frame(rows: list[UnitCodings]) -> Any:
    """Disagreements as a pandas DataFrame: a row per unit, each coder's codes in a column
    ``codes_NAME``, the codes they differ on, and the agreed coding if there is one."""
    import pandas as pd

    coders = list(dict.fromkeys(coder for r in rows for coder in r.codes))
    table = [
        {
            "unit_id": r.unit_id,
            "source_title": r.source_title,
            "state": "adjudicated" if r.adjudication else "open",
            "differing": "; ".join(r.differing),
            **{f"codes_{c}": "; ".join(r.codes[c]) if c in r.codes else None for c in coders},
            "agreed": "; ".join(r.adjudication.codes) if r.adjudication else None,
            "adjudicated_by": r.adjudication.by if r.adjudication else None,
            "text": r.text,
        }
        for r in rows
    ]
    columns = ["unit_id", "source_title", "state", "differing", *[f"codes_{c}" for c in coders]]
    return pd.DataFrame(table, columns=[*columns, "agreed", "adjudicated_by", "text"])


def list_disagreements(
    project: Project, *, coders: list[str] | None = None, code: str | None = None
) -> list[UnitCodings]:
    """Units every named coder finished on which their codes differ (on ``code``, when given)."""
    with project.session() as session:
        names = check_coders(coders) if coders is not None else default_coders(session)
        only = find_code(session, code).code_id if code else None
        found = _finished_codes(session, None, names)
        order = _order(session)
        units = []
        for unit_id, by_coder in sorted(found.items()):
            if len(by_coder) < len(names):
                continue
            sets = [by_coder[c] for c in names]
            differing = sorted(set.union(*sets) - set.intersection(*sets), key=lambda c: order.get(c, 0))
            if only is not None:
                differing = [c for c in differing if c == only]
            if differing:
                units.append(
                    (
                        unit_id,
                        {c: sorted(by_coder[c], key=lambda x: order.get(x, 0)) for c in names},
                        differing,
                    )
                )
        ids = [u for u, _, _ in units]
        rows = {
            unit_id: (title, text)
            for unit_id, title, text in session.execute(
                select(Unit.id, Source.title, Unit.text)
                .join(Source, Source.id == Unit.source_id)
                .where(Source.current.is_(True), Unit.id.in_(ids))
            )
        }
        agreed = _agreed(session, ids)
    return [
        UnitCodings(unit_id, rows[unit_id][0], rows[unit_id][1], codes, differing, agreed.get(unit_id))
        for unit_id, codes, differing in units
        if unit_id in rows
    ]


def disputed_units(project: Project, *, exclude: str | None = None) -> set[int]:
    """Units that two or more coders finished with different codes (``exclude``: not counting them)."""
    with project.session() as session:
        found = _finished_codes(session, None, None)
    disputed = set()
    for unit_id, by_coder in found.items():
        sets = [frozenset(codes) for coder, codes in by_coder.items() if coder != exclude]
        if len(sets) >= 2 and len(set(sets)) > 1:
            disputed.add(unit_id)
    return disputed


def unit_codings(project: Project, unit_id: int, *, exclude: str | None = None) -> UnitCodings:
    """Each coder's own codes on one unit (``exclude``: leave this coder out), and the agreed coding."""
    with project.session() as session:
        row = session.execute(
            select(Unit.text, Source.title)
            .join(Source, Source.id == Unit.source_id)
            .where(Unit.id == unit_id)
        ).first()
        if row is None:
            raise ForesightError(f"no unit {unit_id} in the project (see 'foresight units')")
        found = _finished_codes(session, [unit_id], None).get(unit_id, {})
        order = _order(session)
        agreed = _agreed(session, [unit_id]).get(unit_id)
    codes = {
        coder: sorted(codes, key=lambda c: order.get(c, 0))
        for coder, codes in sorted(found.items())
        if coder != exclude
    }
    sets = [set(c) for c in codes.values()]
    differing = (
        sorted(set.union(*sets) - set.intersection(*sets), key=lambda c: order.get(c, 0)) if sets else []
    )
    return UnitCodings(unit_id, row.title, row.text, codes, differing, agreed)


def adjudication_problem(unit_id: int, coders: Sequence[str], adjudicator: str, in_batch: bool) -> str | None:
    """Why ``adjudicator`` cannot adjudicate the unit finished by ``coders``; None when they can."""
    if adjudicator in coders or in_batch:
        return (
            f"{adjudicator} {'coded' if adjudicator in coders else 'codes'} unit {unit_id}; adjudicate under "
            f"another name (e.g. --coder lead) so that {adjudicator}'s own coding is kept"
        )
    if len(coders) < 2:
        who = f" (only {coders[0]})" if coders else ""
        return f"unit {unit_id} is not double-coded yet{who}: nothing to adjudicate"
    return None


def can_adjudicate(project: Project, unit_id: int, adjudicator: str) -> str | None:
    """Why ``adjudicator`` cannot adjudicate the unit now (see :func:`adjudicate`); None when they can."""
    with project.session() as session:
        coders = sorted(_finished_codes(session, [unit_id], None).get(unit_id, {}))
        return adjudication_problem(
            unit_id, coders, adjudicator, unit_id in batch_units(session, adjudicator)
        )


def adjudicate(
    project: Project, unit_id: int, codes: Sequence[str], *, adjudicator: str, note: str = ""
) -> Agreed:
    """Record the agreed coding of a unit: exactly ``codes`` (ids or names; none: no code applies).

    The coders are those who finished the unit. The adjudicator must not be one of them, nor have
    the unit in a blind batch of their own, so that each coder's own coding is kept. Adjudicating
    again replaces the earlier agreed coding.
    """
    with project.transaction() as session:
        if session.get(Unit, unit_id) is None:
            raise ForesightError(f"no unit {unit_id} in the project (see 'foresight units')")
        rows = [find_code(session, c, active_only=True) for c in codes]
        coders = sorted(_finished_codes(session, [unit_id], None).get(unit_id, {}))
        problem = adjudication_problem(
            unit_id, coders, adjudicator, unit_id in batch_units(session, adjudicator)
        )
        if problem:
            raise ForesightError(problem)
        session.execute(delete(Coding).where(Coding.unit_id == unit_id, Coding.origin == ADJUDICATED))
        session.flush()
        chosen = sorted({c.id: c for c in rows}.values(), key=lambda c: c.id or 0)
        for code in chosen:
            session.add(Coding(unit_id=unit_id, code_id=code.id, coder=adjudicator, origin=ADJUDICATED))
        record = session.get(Adjudication, unit_id) or Adjudication(unit_id=unit_id, adjudicator=adjudicator)
        record.adjudicator, record.coders, record.note, record.decided_at = (
            adjudicator,
            coders,
            note,
            utcnow(),
        )
        session.add(record)
        ids = [c.code_id for c in chosen]
        log_event(session, adjudicator, "adjudicate", "unit", unit_id, codes=ids, coders=coders)
    return Agreed(adjudicator, ids, record.decided_at.isoformat(timespec="seconds"))
