"""Near-duplicate units across sources, found while ingesting, from band values held in memory.

The store keeps each unit's MinHash bands and sketch (:mod:`foresight.ingest.dedupe`) in plain
columns. An ingest run reads those of the units of current sources once, into a
:class:`BandTable`, and before each source only the units stored since (a range of the primary
key, so the run sees the sources it stored itself and those others stored meanwhile). Indexes on
the band columns would do the lookups in the database, but their values are random: every unit
stored would write a page of each of four indexes, which cost more than storing the unit.

A unit is flagged as a near-duplicate of the first earlier unit, of another current source and
itself not flagged, that shares a band with it, whose length and sketch make 70% shingle overlap
possible, and whose word 3-shingles overlap its own by at least 70% (Jaccard).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any

import numpy as np
from sqlalchemy import and_, bindparam, select
from sqlalchemy.engine import Connection, Dialect

from foresight.ingest import dedupe
from foresight.store.schema import Source, Unit

BANDS = dedupe.BANDS
_BANDS = (Unit.band0, Unit.band1, Unit.band2, Unit.band3)
# every unit stored after the last one read: its id, length, sketch, bands, and whether a new unit
# may repeat it
_SINCE = (
    select(
        Unit.id,
        Unit.end - Unit.start,
        Unit.sketch,
        *_BANDS,
        and_(Source.current.is_(True), Unit.duplicate_of.is_(None), Unit.sketch.is_not(None)),
    )
    .join(Source, Source.id == Unit.source_id)
    .where(Unit.id > bindparam("seen"))
    .order_by(Unit.id)
)


@lru_cache(maxsize=8)  # a few engines' dialects
def _since(dialect: Dialect) -> str:
    """The statement for the driver: SQLAlchemy's handling of each row costs more than reading it."""
    return str(_SINCE.compile(dialect=dialect))


COLUMNS = 3 + BANDS  # of a row: unit id, length, sketch, band 0 .. band 3
CHUNK = 50_000  # rows read from the store at a time
SHINGLES_KEPT = 10_000  # units whose shingle hashes a table remembers (~8 bytes a word of each)


class BandTable:
    """The ids, lengths, sketches and band values of the units that new units may repeat.

    The values of all four bands are kept together: values of different bands come from
    different hash functions, so one of them equal to another band's is a chance of one in 2^63
    (and the shingle check would reject it). The values of most rows are kept sorted, with the
    row of each, and found by binary search. Rows come in by the source, tens at a time; those
    added since the values were last sorted are found in a dictionary, until they are an eighth
    of all rows (at least ``recent``) and the values are sorted again.
    """

    def __init__(self, recent: int = 8192) -> None:
        self.recent = recent
        self.seen = 0  # the highest unit id read from the store
        self._data = np.empty((1024, COLUMNS), dtype=np.int64)  # rows in the order of their ids
        self._size = 0
        self._sorted = 0  # rows whose values are in the sorted array
        self._values = np.empty(0, dtype=np.int64)  # their band values, sorted
        self._rows = np.empty(0, dtype=np.intp)  # the row of each
        self._latest: dict[int, int | tuple[int, ...]] = {}  # the rows after: value -> row(s)
        # the shingle hashes of units checked before: a repeated paragraph is a candidate of many
        self._shingles: dict[int, np.ndarray] = {}

    def __len__(self) -> int:
        return self._size

    def catch_up(self, conn: Connection) -> None:
        """Read the units stored since the last call (all of them at the first, in chunks)."""
        sql = _since(conn.dialect)
        seen = {"seen": self.seen} if conn.dialect.paramstyle == "pyformat" else (self.seen,)
        chunks: Iterable[Sequence[Sequence[Any]]]
        if not self.seen:  # the whole store: streamed, a chunk at a time
            result = conn.exec_driver_sql(sql, seen, execution_options={"stream_results": True})
            chunks = result.partitions(CHUNK)
        else:  # a few sources' units: straight from the driver's cursor, in the same transaction
            cursor = conn.connection.cursor()
            cursor.execute(sql, seen)
            chunks = [cursor.fetchall()]
            cursor.close()
        for chunk in chunks:
            if chunk:
                self.seen = chunk[-1][0]
                self.add([row[:COLUMNS] for row in chunk if row[COLUMNS]])

    def add(self, rows: Sequence[Sequence[int]]) -> None:
        """Add rows (unit id, length, sketch, band values), with ids above those already in."""
        if not rows:
            return
        new = np.array(rows, dtype=np.int64).reshape(-1, COLUMNS)
        start, end = self._size, self._size + len(new)
        if end > len(self._data):
            grown = np.empty((max(end, 2 * len(self._data)), COLUMNS), dtype=np.int64)
            grown[:start] = self._data[:start]
            self._data = grown
        self._data[start:end] = new
        self._size = end
        if end - self._sorted > max(self.recent, self._sorted // 8):
            values = self._data[:end, 3:].ravel()  # row by row, band by band
            self._rows = np.argsort(values, kind="stable")
            self._values = values[self._rows]
            self._rows //= BANDS
            self._sorted, self._latest = end, {}
            return
        values = new[:, 3:].ravel().tolist()
        owners = [row for row in range(start, end) for _ in range(BANDS)]
        latest = self._latest
        if latest.keys().isdisjoint(values) and len(set(values)) == len(values):
            latest.update(zip(values, owners, strict=True))
            return
        for value, row in zip(values, owners, strict=True):
            held = latest.get(value)
            if held is None:
                latest[value] = row
            elif held != row:  # (a row holding one value in two bands is there once)
                latest[value] = (*held, row) if isinstance(held, tuple) else (held, row)

    def sharing(self, bands: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The pairs (new unit, row) that share a band value, sorted by new unit and row, each once.

        ``bands`` holds the band values of the new units, a row each."""
        asked = bands.ravel()
        units, rows = [], []
        if len(self._values):
            lo = self._values.searchsorted(asked)
            found = np.flatnonzero(self._values[np.minimum(lo, len(self._values) - 1)] == asked)
            if len(found):  # (most values asked are nowhere)
                lo = lo[found]
                counts = self._values.searchsorted(asked[found], "right") - lo
                ends = np.cumsum(counts)
                # the positions lo .. lo + count - 1 of each value found, one after the other
                positions = np.arange(ends[-1]) + np.repeat(lo - (ends - counts), counts)
                units.append(np.repeat(found // bands.shape[1], counts))
                rows.append(self._rows[positions])
        if self._latest:
            found_units, found_rows = [], []
            get = self._latest.get
            for at, value in enumerate(asked.tolist()):
                held = get(value)
                if held is None:
                    continue
                if isinstance(held, tuple):
                    found_units += [at // bands.shape[1]] * len(held)
                    found_rows += held
                else:
                    found_units.append(at // bands.shape[1])
                    found_rows.append(held)
            if found_units:
                units.append(np.array(found_units, dtype=np.intp))
                rows.append(np.array(found_rows, dtype=np.intp))
        if not units:
            return np.empty(0, dtype=np.intp), np.empty(0, dtype=np.intp)
        pairs = np.concatenate(units) * self._size + np.concatenate(rows)
        pairs.sort()
        keep = np.empty(len(pairs), dtype=bool)  # each pair once
        keep[0] = True
        np.not_equal(pairs[1:], pairs[:-1], out=keep[1:])
        pairs = pairs[keep]
        return pairs // self._size, pairs % self._size

    def shingles(self, unit_id: int, text: str) -> list[int]:
        """The shingle hashes of a stored unit (:func:`~foresight.ingest.dedupe.shingle_hashes`),
        each once; remembered for the next sources, in an array (a unit's text never changes)."""
        found = self._shingles.get(unit_id)
        if found is None:
            if len(self._shingles) >= SHINGLES_KEPT:
                self._shingles.clear()
            found = self._shingles[unit_id] = np.fromiter(dedupe.shingle_hashes(text), dtype=np.int64)
        return found.tolist()

    def column(self, rows: np.ndarray, name: str) -> np.ndarray:
        return self._data[rows, ("id", "length", "sketch").index(name)]


def _current_texts(conn: Connection, ids: list[int]) -> dict[int, str]:
    """The texts of those of the units that are still of current sources (a newer version of a
    source may have come since the table read them), through the driver: a few rows, for which
    SQLAlchemy's statement handling would cost ten times the database's work."""
    if conn.dialect.paramstyle == "qmark":
        where, values = f"unit.id IN ({', '.join('?' * len(ids))})", tuple(ids)
    else:
        where, values = "unit.id = ANY(%(ids)s)", {"ids": ids}
    sql = f"SELECT unit.id, unit.text FROM unit JOIN source ON source.id = unit.source_id WHERE {where}"
    return {uid: text for uid, text in conn.exec_driver_sql(f"{sql} AND source.current", values)}


def near_duplicates(
    conn: Connection,
    table: BandTable,
    mine: list[tuple[int, str, tuple[int, ...]]],
    limit: int = 50,
) -> dict[int, int]:
    """The units of other current sources that units of a source about to be stored nearly repeat.

    ``mine`` holds the ordinal, text and bands (:func:`~foresight.ingest.dedupe.band_values_many`)
    of each of the new source's units that has them; the answer maps ordinals to the unit each
    repeats. The table is brought up to date first; the texts of the candidates whose length and
    sketch pass are fetched, from units still of current sources, when there are any.
    """
    if not mine:
        return {}
    table.catch_up(conn)
    if not len(table):
        return {}
    own = np.array([unit_bands for _, _, unit_bands in mine], dtype=np.int64)
    units, rows = table.sharing(own[:, :BANDS])
    if not len(units):
        return {}
    # at most ``limit`` candidates a unit, the earliest
    first = np.r_[True, units[1:] != units[:-1]]
    starts = np.flatnonzero(first)
    rank = np.arange(len(units)) - np.repeat(starts, np.diff(np.r_[starts, len(units)]))
    units, rows = units[rank < limit], rows[rank < limit]
    # the cheap tests: length (else too different to be 70% alike) and sketch
    ratio = table.column(rows, "length") / np.array([len(text) for _, text, _ in mine])[units]
    sketches = dedupe.sketch_similarities(own[units, BANDS], table.column(rows, "sketch"))
    passing = (ratio > 0.6) & (ratio < 1.67) & (sketches >= 0.5)
    if not passing.any():
        return {}
    checks: dict[int, list[int]] = {}  # index in mine -> candidates that pass the cheap tests
    for unit, cid in zip(units[passing].tolist(), table.column(rows[passing], "id").tolist(), strict=True):
        checks.setdefault(unit, []).append(cid)
    wanted_ids = sorted({cid for passed in checks.values() for cid in passed})
    texts = _current_texts(conn, wanted_ids)
    found: dict[int, int] = {}  # ordinal -> the unit it repeats
    for unit, passed in checks.items():
        ordinal, text, _ = mine[unit]
        shingled = dedupe.shingle_hashes(text)
        for cid in passed:
            if cid not in texts:
                continue
            if dedupe.near(shingled, table.shingles(cid, texts[cid])):
                found[ordinal] = cid
                break
    return found
