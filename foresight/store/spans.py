"""The spans of codings (:class:`~foresight.store.schema.CodingSpan`): added without doubles,
and moved to a new version of a source's text.

A span is ``(coding id, start, end)``, offsets into the text of the coded unit's source. A coding
with no span codes its whole unit.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import insert, select
from sqlalchemy.engine import Connection

from foresight.store.schema import CodingSpan

_CHUNK = 5000  # ids in one IN list (SQLite allows 32,766 parameters, PostgreSQL 65,535)


def spans_of(conn: Connection, coding_ids: Sequence[int]) -> dict[int, set[tuple[int, int]]]:
    """The spans each of these codings carries (codings with none are left out)."""
    found: dict[int, set[tuple[int, int]]] = {}
    ids = sorted(set(coding_ids))
    for chunk in range(0, len(ids), _CHUNK):
        rows = conn.execute(
            select(CodingSpan.coding_id, CodingSpan.start, CodingSpan.end).where(
                CodingSpan.coding_id.in_(ids[chunk : chunk + _CHUNK])  # type: ignore[attr-defined]
            )
        )
        for coding, start, end in rows:
            found.setdefault(coding, set()).add((start, end))
    return found


def add_spans(conn: Connection, spans: Iterable[tuple[int, int, int]]) -> int:
    """Add spans ``(coding id, start, end)`` that their codings do not carry yet; return how many."""
    wanted = sorted(set(spans))
    if not wanted:
        return 0
    have = spans_of(conn, [coding for coding, _, _ in wanted])
    rows = [
        {"coding_id": coding, "start": start, "end": end}
        for coding, start, end in wanted
        if (start, end) not in have.get(coding, ())
    ]
    if rows:
        conn.execute(insert(CodingSpan), rows)
    return len(rows)


@dataclass(frozen=True)
class Moved:
    start: int = -1
    end: int = -1

    @property
    def kept(self) -> bool:
        return self.start >= 0


def move_span(
    old_text: str, new_text: str, start: int, end: int, shift: int, within: tuple[int, int]
) -> Moved:
    """Where a span of ``old_text`` is in ``new_text``: at the same place ``shift`` characters on
    (its unit moved), else the nearest place its text recurs that still overlaps ``within`` (the
    span's unit in the new text); nowhere (``kept`` False) when its text is not found there."""
    passage = old_text[start:end]
    if not passage:
        return Moved()
    if new_text[start + shift : end + shift] == passage:
        return Moved(start + shift, end + shift)
    low, high = within
    best: int | None = None
    at = new_text.find(passage, max(low - len(passage) + 1, 0))
    while 0 <= at < high:
        if best is None or abs(at - (start + shift)) < abs(best - (start + shift)):
            best = at
        at = new_text.find(passage, at + 1)
    return Moved() if best is None else Moved(best, best + len(passage))
