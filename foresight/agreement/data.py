"""The reliability data in the store: who finished which unit, and who applied which code.

A unit counts as finished by a coder when the coder applied a code to it or marked it done.
A unit a coder has not finished is missing for that coder, never "absent". Adjudicated codings
are the team's agreed coding, not a coder's own, so they never enter the reliability data.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import select
from sqlmodel import Session

from foresight.codebook.catalog import require_codebook, tree_order
from foresight.errors import ForesightError
from foresight.store import Batch, Code, Coding, Source, Unit, UnitState

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


def _ints(rows: Sequence[Sequence[int]], width: int) -> NDArray[np.int64]:
    flat = np.fromiter((v for row in rows for v in row), dtype=np.int64, count=len(rows) * width)
    return flat.reshape(len(rows), width)


def current_units(session: Session) -> NDArray[np.int64]:
    rows = session.execute(
        select(Unit.id).join(Source, Source.id == Unit.source_id).where(Source.current.is_(True))
    ).scalars()
    return np.sort(np.fromiter(rows, dtype=np.int64))


def load_decisions(session: Session, coders: Sequence[str], group: str | None = None) -> Decisions:
    """Each coder's own decisions on the units of current sources (one query per coder and kind)."""
    coders = check_coders(coders)
    current = current_units(session)
    codings: list[NDArray[np.int64]] = []
    done: list[NDArray[np.int64]] = []
    for coder in coders:
        rows = session.execute(
            select(Coding.unit_id, Coding.code_id).where(Coding.coder == coder, Coding.origin != ADJUDICATED)
        ).all()
        codings.append(_ints(rows, 2))
        done.append(
            np.fromiter(
                session.execute(
                    select(UnitState.unit_id).where(UnitState.coder == coder, UnitState.done.is_(True))
                ).scalars(),
                dtype=np.int64,
            )
        )
    used = set(np.unique(np.concatenate([c[:, 1] for c in codings])).tolist()) if codings else set()
    codes = select_codes(session, group, used)
    finished_ids = [np.union1d(c[:, 0], d) for c, d in zip(codings, done, strict=True)]
    unit_ids = np.intersect1d(np.unique(np.concatenate(finished_ids)), current)
    finished = np.zeros((len(unit_ids), len(coders)), dtype=bool)
    present = np.zeros((len(unit_ids), len(coders), len(codes)), dtype=bool)
    column = np.full(max([c.row_id for c in codes] + [int(x) for x in used] + [0]) + 1, -1, dtype=np.int64)
    column[[c.row_id for c in codes]] = np.arange(len(codes))
    for i, (rows, ids) in enumerate(zip(codings, finished_ids, strict=True)):
        finished[:, i] = np.isin(unit_ids, ids, assume_unique=True)
        if len(rows) == 0 or len(unit_ids) == 0:
            continue
        position = np.minimum(np.searchsorted(unit_ids, rows[:, 0]), len(unit_ids) - 1)
        keep = (unit_ids[position] == rows[:, 0]) & (column[rows[:, 1]] >= 0)
        present[position[keep], i, column[rows[keep, 1]]] = True
    return Decisions(list(coders), codes, unit_ids, finished, present)
