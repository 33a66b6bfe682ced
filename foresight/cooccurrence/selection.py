"""Which codings count and which units: the selection every co-occurrence analysis starts from.

The store is read with two raw selects (eligible units, then codings) and filtered with numpy,
so a million units and three million codings load in a few seconds; the unit x code matrix is
then a binary ``scipy.sparse`` CSR matrix indexed by the unit's row id.
"""

from __future__ import annotations

import io
import itertools
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sqlalchemy import select

from foresight.codebook.catalog import require_codebook
from foresight.errors import ForesightError
from foresight.project import Project
from foresight.store.bulk import driver_sql
from foresight.store.schema import Code

CHOOSE_ONE = "choose one of --coder, --adjudicated, --consensus K and --all"


@dataclass(frozen=True)
class Codings:
    """Whose codings count. Exactly one of: one coder, adjudicated codings, K coders agreeing, all."""

    coder: str | None = None
    adjudicated: bool = False
    consensus: int | None = None

    def __post_init__(self) -> None:
        chosen = sum([self.coder is not None, self.adjudicated, self.consensus is not None])
        if chosen > 1:
            raise ForesightError(CHOOSE_ONE)
        if self.consensus is not None and self.consensus < 1:
            raise ForesightError(f"--consensus {self.consensus}: K is a number of coders, at least 1")

    def describe(self) -> dict[str, Any]:
        """The ``codings`` entry of the JSON output."""
        if self.coder is not None:
            return {"coder": self.coder}
        if self.adjudicated:
            return {"adjudicated": True}
        if self.consensus is not None:
            return {"consensus": self.consensus}
        return {"all": True}

    def flags(self) -> str:
        """The command-line flags that choose these codings (with a leading space), or ''."""
        if self.coder is not None:
            return f" --coder {self.coder}"
        if self.adjudicated:
            return " --adjudicated"
        if self.consensus is not None:
            return f" --consensus {self.consensus}"
        return ""

    def label(self) -> str:
        if self.coder is not None:
            return f"coder {self.coder}"
        if self.adjudicated:
            return "adjudicated codings"
        if self.consensus is not None:
            return f"units where at least {self.consensus} coders applied the code"
        return "union of all coders"


@dataclass(frozen=True)
class Filters:
    """Which units count: slices by period, source type, actor type, source and the unit's
    language (empty: no limit)."""

    periods: tuple[str, ...] = ()
    source_types: tuple[str, ...] = ()
    actor_types: tuple[str, ...] = ()
    sources: tuple[int, ...] = ()
    languages: tuple[str, ...] = ()  # ISO 639-1: "de", "fr"

    def describe(self) -> dict[str, Any]:
        """The ``filters`` entry of the JSON output: only the filters that are set."""
        names = {
            "period": self.periods,
            "source_type": self.source_types,
            "actor_type": self.actor_types,
            "source": self.sources,
            "language": self.languages,
        }
        return {key: list(values) for key, values in names.items() if values}

    def label(self) -> str:
        """The filters in words, e.g. ``period 2007-2014, source_type news`` ('' for none)."""
        return ", ".join(f"{key} {', '.join(map(str, values))}" for key, values in self.describe().items())


@dataclass(frozen=True)
class CodeInfo:
    row: int  # the code's row id in the store
    id: str  # the id users see (MT.IOT)
    name: str
    group: str


@dataclass
class Selection:
    """The codings that count, as parallel arrays, and the codes they may carry.

    ``units`` and ``cols`` hold one entry per (unit, code) that counts (no duplicates);
    ``cols`` indexes ``codes``. ``unit_source`` and ``unit_period`` (only when loaded with
    ``meta=True``) map a unit's row id to its source id and period name.
    """

    codes: list[CodeInfo]
    units: np.ndarray
    cols: np.ndarray
    codings: Codings
    filters: Filters
    unit_source: dict[int, int] = field(default_factory=dict)
    unit_period: dict[int, str | None] = field(default_factory=dict)

    def matrix(self) -> sp.csr_matrix:
        """The binary unit x code matrix; row i is the unit whose row id is i."""
        rows = int(self.units.max()) + 1 if len(self.units) else 0
        data = np.ones(len(self.units), dtype=np.int32)
        return sp.csr_matrix((data, (self.units, self.cols)), shape=(rows, len(self.codes)))

    def column(self, ref: str) -> int:
        """The column of the code whose id (or name, any case) is ``ref``."""
        for i, code in enumerate(self.codes):
            if code.id == ref:
                return i
        for i, code in enumerate(self.codes):
            if code.name.lower() == ref.strip().lower():
                return i
        raise ForesightError(f"no code {ref!r} in the active codebook (see 'foresight codebook list')")


def _fetch(project: Project, sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    """Rows of a raw select on the DBAPI cursor (SQLAlchemy rows cost too much at millions)."""
    raw = project.engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute(driver_sql(sql, project.engine.dialect), params)
        rows = cursor.fetchall()
        cursor.close()
        return rows
    finally:
        raw.close()


def _ints(rows: list[tuple[Any, ...]], width: int) -> np.ndarray:
    flat = np.fromiter(itertools.chain.from_iterable(rows), dtype=np.int64, count=len(rows) * width)
    return flat.reshape(-1, width)


def _check_periods(project: Project, periods: tuple[str, ...]) -> None:
    known = [p.name for p in project.config.periods]
    for name in periods:
        if name not in known:
            listed = ", ".join(known) if known else "none (add [[periods]] to foresight.toml)"
            raise ForesightError(f"unknown period {name!r}; the project's periods are: {listed}")


def _coding_pairs(project: Project, where: str, params: list[Any]) -> np.ndarray:
    """(unit_id, code_id) rows of ``coding`` as an n x 2 int64 array.

    On SQLite the rows come back as one CSV text (group_concat) parsed by pandas' C reader:
    a third faster than building three million Python tuples.
    """
    if project.engine.dialect.name == "sqlite":
        sql = f"SELECT group_concat(unit_id || ',' || code_id, char(10)) FROM coding{where}"
        text = _fetch(project, sql, params)[0][0]
        if not text:
            return np.zeros((0, 2), dtype=np.int64)
        frame = pd.read_csv(io.StringIO(text), header=None, names=["unit", "code"], dtype=np.int64)
        return frame.to_numpy()
    return _ints(_fetch(project, f"SELECT unit_id, code_id FROM coding{where}", params), 2)


def _eligible_sql(filters: Filters, meta: bool, *, current: bool = True) -> tuple[str, list[Any]]:
    columns = "u.id, u.source_id, u.period" if meta else "u.id"
    sql = f"SELECT {columns} FROM unit u JOIN source s ON s.id = u.source_id WHERE s.current = ?"
    params: list[Any] = [current]
    for column, values in (
        ("u.period", filters.periods),
        ("s.source_type", filters.source_types),
        ("s.actor_type", filters.actor_types),
        ("s.id", filters.sources),
        ("u.language", filters.languages),
    ):
        if values:
            sql += f" AND {column} IN ({', '.join('?' for _ in values)})"
            params.extend(values)
    return sql, params


def codebook_codes(project: Project, filters: Filters) -> tuple[list[CodeInfo], set[int]]:
    """The active codebook's codes, in its order, and the row ids of those no longer in use
    (retired, merged, split); an unknown period or source in ``filters`` is refused."""
    _check_periods(project, filters.periods)
    with project.session() as session:
        book = require_codebook(session)
        rows = session.execute(
            select(Code.id, Code.code_id, Code.name, Code.group, Code.status)
            .where(Code.codebook_id == book.id)
            .order_by(Code.id)
        ).all()
    for source_id in filters.sources:
        if not _fetch(project, "SELECT id FROM source WHERE id = ?", [source_id]):
            raise ForesightError(f"no source {source_id} (see 'foresight sources')")
    return [CodeInfo(r[0], r[1], r[2], r[3]) for r in rows], {r[0] for r in rows if r[4] != "active"}


def whose(codings: Codings, alias: str = "") -> tuple[str, list[Any]]:
    """The WHERE clause (with a leading space, or '') on ``coding`` (named ``alias``) that keeps
    whose codings count."""
    column = f"{alias}." if alias else ""
    if codings.coder is not None:
        return f" WHERE {column}coder = ?", [codings.coder]
    if codings.adjudicated:
        return f" WHERE {column}origin = ?", ["adjudicated"]
    return "", []


def load(
    project: Project,
    codings: Codings | None = None,
    filters: Filters | None = None,
    *,
    meta: bool = False,
) -> Selection:
    """The codings that count under ``codings`` on the units ``filters`` lets through.

    Only current versions of sources count, and only codes of the active codebook.
    """
    codings = codings or Codings()
    filters = filters or Filters()
    codes, retired = codebook_codes(project, filters)
    where, params = whose(codings)
    pairs = _coding_pairs(project, where, params)

    excluded = np.zeros(0, dtype=np.int64)
    eligible_rows: list[tuple[Any, ...]] = []
    if meta or filters.describe():
        eligible_rows = _fetch(project, *_eligible_sql(filters, meta))
        eligible = np.fromiter((r[0] for r in eligible_rows), dtype=np.int64, count=len(eligible_rows))
    else:  # no filter: every unit but those of old source versions (usually few)
        old = _fetch(project, *_eligible_sql(filters, False, current=False))
        excluded = _ints(old, 1).ravel()
        eligible = np.zeros(0, dtype=np.int64)

    # code row id -> column; -1 for codes outside the active codebook
    top = max([c.row for c in codes] + [int(pairs[:, 1].max()) if len(pairs) else 0]) + 1
    column = np.full(top, -1, dtype=np.int64)
    for i, code in enumerate(codes):
        column[code.row] = i
    cols = column[pairs[:, 1]]
    top_unit = max(int(pairs[:, 0].max()) if len(pairs) else 0, int(eligible.max()) if len(eligible) else 0)
    if meta or filters.describe():
        allowed = np.zeros(top_unit + 1, dtype=bool)
        allowed[eligible] = True
    else:
        allowed = np.ones(top_unit + 1, dtype=bool)
        allowed[excluded[excluded <= top_unit]] = False
    keep = (cols >= 0) & allowed[pairs[:, 0]]
    units, cols = pairs[keep, 0], cols[keep]

    if codings.coder is None:
        # one entry per (unit, code): count the coders behind each, then keep what counts (one
        # coder's codings are unique already)
        key = units * len(codes) + cols
        unique, counts = np.unique(key, return_counts=True)
        if codings.consensus is not None:
            unique = unique[counts >= codings.consensus]
        units, cols = unique // max(len(codes), 1), unique % max(len(codes), 1)
    used = np.zeros(len(codes), dtype=bool)
    used[cols] = True
    codes_kept = [c for i, c in enumerate(codes) if c.row not in retired or used[i]]
    if len(codes_kept) != len(codes):
        remap = np.full(len(codes), -1, dtype=np.int64)
        for new, code in enumerate(codes_kept):
            remap[codes.index(code)] = new
        cols = remap[cols]
    selection = Selection(codes_kept, units, cols, codings, filters)
    if meta:
        selection.unit_source = {r[0]: r[1] for r in eligible_rows}
        selection.unit_period = {r[0]: r[2] for r in eligible_rows}
    return selection
