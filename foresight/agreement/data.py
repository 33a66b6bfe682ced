"""The reliability data in the store: who finished which unit, and who applied which code.

A unit counts as finished by a coder when the coder applied a code to it or marked it done.
A unit a coder has not finished is missing for that coder, never "absent". Adjudicated codings
are the team's agreed coding, not a coder's own, so they never enter the reliability data.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import Select, select
from sqlmodel import Session

from foresight.codebook.catalog import require_codebook, tree_order
from foresight.errors import ForesightError
from foresight.store.schema import Batch, Code, Coding, Source, Unit, UnitState

ADJUDICATED = "adjudicated"


@dataclass(frozen=True)
class CodeInfo:
    row_id: int
    code: str  # the id users see
    name: str
    group: str


@dataclass
class Decisions:
    """Present/absent decisions of several coders on many units and codes.

    ``present[u, c, k]``: coder ``c`` applied code ``k`` to unit ``u``; ``finished[u, c]``: the
    coder finished the unit. Units are those of current sources that at least one coder finished.
    """

    coders: list[str]
    codes: list[CodeInfo]
    unit_ids: NDArray[np.int64]
    finished: NDArray[np.bool_]
    present: NDArray[np.bool_]

    @property
    def complete(self) -> NDArray[np.bool_]:
        """Units every coder finished."""
        return np.asarray(self.finished.all(axis=1))


def check_coders(coders: Sequence[str]) -> list[str]:
    """The coders, stripped; at least two and each once."""
    names = [c.strip() for c in coders if c.strip()]
    if len(names) < 2:
        got = ", ".join(names) or "nobody"
        raise ForesightError(f"agreement needs at least two coders (got {got}); name them with --coders A,B")
    repeated = sorted({c for c in names if names.count(c) > 1})
    if repeated:
        raise ForesightError(f"coder {repeated[0]} is named twice in --coders")
    return names


def default_coders(session: Session) -> list[str]:
    """The coders of the newest double-coding batch."""
    batch = session.execute(select(Batch).order_by(Batch.id.desc()).limit(1)).scalar_one_or_none()
    if batch is None:
        raise ForesightError(
            "the project has no double-coding batch; name the coders with --coders A,B "
            "or draw a batch with 'foresight agreement assign'"
        )
    return list(batch.coders)


def select_codes(session: Session, group: str | None, used: set[int]) -> list[CodeInfo]:
    """The active codebook's codes in tree order (of ``group`` when given); retired ones only if used."""
    book = require_codebook(session)
    rows = list(session.execute(select(Code).where(Code.codebook_id == book.id)).scalars())
    groups = [g["id"] for g in book.groups]
    if group is not None and group not in groups:
        raise ForesightError(
            f"no code group {group!r} in codebook {book.name!r} (groups: {', '.join(groups)})"
        )
    return [
        CodeInfo(code.id, code.code_id, code.name, code.group)  # type: ignore[arg-type]
        for code, _depth in tree_order(rows, groups)
        if (group is None or code.group == group) and (code.status == "active" or code.id in used)
    ]


def fetch_ints(session: Session, statement: Select[Any], width: int) -> NDArray[np.int64]:
    """The integer rows of ``statement`` as a rows x ``width`` array, straight from the driver.

    A report reads a million codings; going around the ORM's row objects makes that several
    times faster. The statement is still built and its parameters bound by SQLAlchemy. On SQLite
    the rows travel as one string (group_concat), which halves the time again.
    """
    connection = session.connection()
    compiled = statement.compile(dialect=connection.dialect)
    params = compiled.construct_params()
    positions = compiled.positiontup
    args: Any = tuple(params[name] for name in positions) if positions is not None else params
    sql = str(compiled)
    cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        if connection.dialect.name == "sqlite":
            joined = " || ' ' || ".join(f'q."{column.name}"' for column in statement.selected_columns)
            cursor.execute(f"SELECT group_concat({joined}, ' ') FROM ({sql}) AS q", args)
            text = cursor.fetchone()[0]
            values = np.array(text.split(), dtype=np.int64) if text else np.empty(0, dtype=np.int64)
            return values.reshape(-1, width)
        cursor.execute(sql, args)
        rows = cursor.fetchall()
    finally:
        cursor.close()
    if not rows:
        return np.empty((0, width), dtype=np.int64)
    return np.array(rows, dtype=np.int64).reshape(len(rows), width)


def current_units(session: Session) -> NDArray[np.int64]:
    query = select(Unit.id).join(Source, Source.id == Unit.source_id).where(Source.current.is_(True))
    return np.sort(fetch_ints(session, query, 1)[:, 0])


def _positions(
    sorted_ids: NDArray[np.int64], ids: NDArray[np.int64]
) -> tuple[NDArray[np.int64], NDArray[np.bool_]]:
    """Where each id sits in ``sorted_ids``, and whether it is there at all."""
    if len(sorted_ids) == 0:
        return np.zeros(len(ids), dtype=np.int64), np.zeros(len(ids), dtype=bool)
    at = np.minimum(np.searchsorted(sorted_ids, ids), len(sorted_ids) - 1)
    return at, sorted_ids[at] == ids


def load_decisions(session: Session, coders: Sequence[str], group: str | None = None) -> Decisions:
    """Each coder's own decisions on the units of current sources (two queries per coder)."""
    coders = check_coders(coders)
    current = current_units(session)
    codings, done = [], []
    for coder in coders:
        codings.append(
            fetch_ints(
                session,
                select(Coding.unit_id, Coding.code_id).where(
                    Coding.coder == coder, Coding.origin != ADJUDICATED
                ),
                2,
            )
        )
        done.append(
            fetch_ints(
                session,
                select(UnitState.unit_id).where(UnitState.coder == coder, UnitState.done.is_(True)),
                1,
            )[:, 0]
        )
    all_codes = np.concatenate([c[:, 1] for c in codings])
    used = set(np.nonzero(np.bincount(all_codes))[0].tolist()) if len(all_codes) else set()
    codes = select_codes(session, group, used)
    column = np.full(max([c.row_id for c in codes] + list(used) + [0]) + 1, -1, dtype=np.int64)
    column[[c.row_id for c in codes]] = np.arange(len(codes))
    finished = np.zeros((len(current), len(coders)), dtype=bool)
    present = np.zeros((len(current), len(coders), len(codes)), dtype=bool)
    for i, (rows, marked) in enumerate(zip(codings, done, strict=True)):
        at, found = _positions(current, marked)
        finished[at[found], i] = True
        at, found = _positions(current, rows[:, 0])
        finished[at[found], i] = True
        keep = found & (column[rows[:, 1]] >= 0)
        present[at[keep], i, column[rows[keep, 1]]] = True
    touched = finished.any(axis=1)
    return Decisions(list(coders), codes, current[touched], finished[touched], present[touched])
