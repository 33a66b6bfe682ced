"""The project as tables: sources, units, codes, codings, suggestions and memos, for pandas and Excel.

Each table is a function returning a pandas DataFrame, and the same rows can be read in
chunks (one select per table, streamed), which is how :func:`export_csv` and
:func:`export_xlsx` write a project of a million units without holding it in memory.

Only current versions of sources count, with their units and the codings, suggestions and memos
on those units, unless ``all_versions``: the tables then hold every version, with ``current``
in the sources table saying which is which.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import Select, and_, func, or_, select

from foresight.codebook.catalog import active_codebook, codes_of, tree_order
from foresight.corpus import list_sources
from foresight.interop.sheets import Written, check_file, check_folder, write_csv, write_xlsx
from foresight.project import Project
from foresight.store.schema import Code, Coding, Memo, Source, Suggestion, Unit

CHUNK_ROWS = 20_000

# column -> pandas dtype: whole numbers stay whole where a value is missing
SOURCES = {
    "id": "Int64",
    "title": "object",
    "author": "object",
    "date": "object",
    "date_origin": "object",
    "source_type": "object",
    "actor_type": "object",
    "format": "object",
    "language": "object",
    "path": "object",
    "locator": "object",
    "units": "Int64",
    "version": "Int64",
    "current": "boolean",
    "previous_id": "Int64",
    "sha256": "object",
    "ingested_at": "object",
}
UNITS = {
    "id": "Int64",
    "source_id": "Int64",
    "source_title": "object",
    "ordinal": "Int64",
    "page": "Int64",
    "section": "object",
    "period": "object",
    "start": "Int64",
    "end": "Int64",
    "text": "object",
    "duplicate_of": "Int64",
    "attributes": "object",
}
CODES = {
    "code_id": "object",
    "name": "object",
    "group": "object",
    "group_name": "object",
    "parent": "object",
    "depth": "Int64",
    "status": "object",
    "merged_into": "object",
    "definition": "object",
    "use_when": "object",
    "not_when": "object",
    "example": "object",
    "keywords": "object",
    "keywords_lang": "object",  # the keywords of other languages than English, as JSON
    "colour": "object",
    "codings": "Int64",
    "units": "Int64",
}
CODINGS = {
    "unit_id": "Int64",
    "source_id": "Int64",
    "source_title": "object",
    "code_id": "object",
    "code_name": "object",
    "coder": "object",
    "origin": "object",
    "created_at": "object",
}
SUGGESTIONS = {
    "unit_id": "Int64",
    "source_id": "Int64",
    "code_id": "object",
    "code_name": "object",
    "model": "object",
    "score": "float64",
    "method": "object",
    "status": "object",
    "decided_by": "object",
    "decided_at": "object",
    "created_at": "object",
}
MEMOS = {
    "kind": "object",
    "unit_id": "Int64",
    "code_id": "object",
    "coder": "object",
    "text": "object",
    "updated_at": "object",
}
TABLES: dict[str, dict[str, str]] = {
    "sources": SOURCES,
    "units": UNITS,
    "codes": CODES,
    "codings": CODINGS,
    "suggestions": SUGGESTIONS,
    "memos": MEMOS,
}
Progress = Callable[[str, int, int], None]  # table, rows written so far, rows in the table


def _frame(rows: list[Any], columns: dict[str, str]) -> pd.DataFrame:
    frame = (
        pd.DataFrame.from_records(rows, columns=list(columns))
        if rows
        else pd.DataFrame(columns=list(columns))
    )
    return _typed(frame, columns)


def _typed(frame: pd.DataFrame, columns: dict[str, str]) -> pd.DataFrame:
    """``frame`` with the table's dtypes; a missing text is None in every chunk."""
    frame = frame.astype(columns)
    for name, dtype in columns.items():
        if dtype == "object":
            frame[name] = frame[name].astype(object).where(frame[name].notna(), None)
    return frame


def _stream(
    project: Project,
    query: Select,
    columns: dict[str, str],
    fix: Callable[[pd.DataFrame], None] | None = None,
    chunk_rows: int = CHUNK_ROWS,
) -> Iterator[pd.DataFrame]:
    """The rows of ``query`` in DataFrames of ``chunk_rows``, read with one streamed select."""
    with project.engine.connect() as conn:
        result = conn.execution_options(yield_per=chunk_rows).execute(query)
        produced = False
        for part in result.partitions():
            frame = pd.DataFrame.from_records([tuple(row) for row in part], columns=list(columns))
            if fix is not None:
                fix(frame)
            produced = True
            yield _typed(frame, columns)
        if not produced:
            yield _frame([], columns)


def _moments(*names: str) -> Callable[[pd.DataFrame], None]:
    def fix(frame: pd.DataFrame) -> None:
        for name in names:  # as foresight.store.iso does, for a whole column at once
            stamps = pd.to_datetime(frame[name], utc=True)  # the store's naive moments are UTC
            text = stamps.dt.strftime("%Y-%m-%dT%H:%M:%S+00:00")
            frame[name] = text.astype(object).where(stamps.notna(), None)

    return fix


def _current(query: Select, all_versions: bool) -> Select:
    return query if all_versions else query.where(Source.current.is_(True))


# ---------------------------------------------------------------- the tables, in chunks


def sources_chunks(project: Project, *, all_versions: bool = False, **_: Any) -> Iterator[pd.DataFrame]:
    rows = list_sources(project, all_versions=all_versions)
    yield _frame([[r[c] for c in SOURCES] for r in rows], SOURCES)


def _units_query(all_versions: bool) -> Select:
    query = (
        select(
            Unit.id,
            Unit.source_id,
            Source.title,
            Unit.ordinal,
            Unit.page,
            Unit.section,
            Unit.period,
            Unit.start,
            Unit.end,
            Unit.text,
            Unit.duplicate_of,
            Unit.attributes,
        )
        .join(Source, Source.id == Unit.source_id)
        .order_by(Unit.source_id, Unit.ordinal)
    )
    return _current(query, all_versions)


def units_chunks(
    project: Project, *, all_versions: bool = False, chunk_rows: int = CHUNK_ROWS
) -> Iterator[pd.DataFrame]:
    def fix(frame: pd.DataFrame) -> None:
        frame["attributes"] = frame["attributes"].map(
            lambda a: json.dumps(a, ensure_ascii=False, default=str) if a else ""
        )

    yield from _stream(project, _units_query(all_versions), UNITS, fix, chunk_rows)


def codes_chunks(project: Project, *, all_versions: bool = False, **_: Any) -> Iterator[pd.DataFrame]:
    """The active codebook's codes in tree order (retired and merged ones too, by status), with
    the codings and units counted as the codings table counts them."""
    with project.session() as session:
        book = active_codebook(session)
        if book is None:
            yield _frame([], CODES)
            return
        codes = codes_of(session, book)
        counted = (
            select(Coding.code_id, func.count(Coding.id), func.count(func.distinct(Coding.unit_id)))
            .join(Unit, Unit.id == Coding.unit_id)
            .join(Source, Source.id == Unit.source_id)
            .join(Code, Code.id == Coding.code_id)
            .where(Code.codebook_id == book.id)
            .group_by(Coding.code_id)
        )
        counts = {code: (n, units) for code, n, units in session.execute(_current(counted, all_versions))}
    by_row = {c.id: c.code_id for c in codes}
    groups = {g["id"]: g.get("name", "") for g in book.groups}
    table = [
        [
            code.code_id,
            code.name,
            code.group,
            groups.get(code.group, ""),
            by_row.get(code.parent_id) if code.parent_id else None,
            depth,
            code.status,
            by_row.get(code.merged_into_id) if code.merged_into_id else None,
            code.definition,
            code.use_when,
            code.not_when,
            code.example,
            "; ".join(code.keywords),
            json.dumps(code.keywords_lang, ensure_ascii=False) if code.keywords_lang else "",
            code.colour,
            *counts.get(code.id, (0, 0)),
        ]
        for code, depth in tree_order(codes, [g["id"] for g in book.groups])
    ]
    yield _frame(table, CODES)


def _codings_query(all_versions: bool) -> Select:
    query = (
        select(
            Coding.unit_id,
            Unit.source_id,
            Source.title,
            Code.code_id,
            Code.name,
            Coding.coder,
            Coding.origin,
            Coding.created_at,
        )
        .join(Unit, Unit.id == Coding.unit_id)
        .join(Source, Source.id == Unit.source_id)
        .join(Code, Code.id == Coding.code_id)
        .order_by(Coding.id)
    )
    return _current(query, all_versions)


def codings_chunks(
    project: Project, *, all_versions: bool = False, chunk_rows: int = CHUNK_ROWS
) -> Iterator[pd.DataFrame]:
    query = _codings_query(all_versions)
    yield from _stream(project, query, CODINGS, _moments("created_at"), chunk_rows)


def _suggestions_query(all_versions: bool) -> Select:
    query = (
        select(
            Suggestion.unit_id,
            Unit.source_id,
            Code.code_id,
            Code.name,
            Suggestion.model,
            Suggestion.score,
            Suggestion.source,
            Suggestion.status,
            Suggestion.decided_by,
            Suggestion.decided_at,
            Suggestion.created_at,
        )
        .join(Unit, Unit.id == Suggestion.unit_id)
        .join(Source, Source.id == Unit.source_id)
        .join(Code, Code.id == Suggestion.code_id)
        .order_by(Suggestion.id)
    )
    return _current(query, all_versions)


def suggestions_chunks(
    project: Project, *, all_versions: bool = False, chunk_rows: int = CHUNK_ROWS
) -> Iterator[pd.DataFrame]:
    fix = _moments("decided_at", "created_at")
    yield from _stream(project, _suggestions_query(all_versions), SUGGESTIONS, fix, chunk_rows)


def _memos_query(all_versions: bool) -> Select:
    query = (
        select(
            Memo.kind,
            Unit.id,
            Code.code_id,
            Memo.coder,
            Memo.text,
            Memo.updated_at,
        )
        .outerjoin(Unit, and_(Memo.kind == "unit", Unit.id == Memo.target_id))
        .outerjoin(Source, Source.id == Unit.source_id)
        .outerjoin(Code, and_(Memo.kind == "code", Code.id == Memo.target_id))
        .order_by(Memo.id)
    )
    if not all_versions:
        query = query.where(or_(Memo.kind != "unit", Source.current.is_(True)))
    return query


def memos_chunks(
    project: Project, *, all_versions: bool = False, chunk_rows: int = CHUNK_ROWS
) -> Iterator[pd.DataFrame]:
    """Memos on units (``unit_id``) and on codes (``code_id``), oldest first."""
    yield from _stream(project, _memos_query(all_versions), MEMOS, _moments("updated_at"), chunk_rows)


CHUNKS: dict[str, Callable[..., Iterator[pd.DataFrame]]] = {
    "sources": sources_chunks,
    "units": units_chunks,
    "codes": codes_chunks,
    "codings": codings_chunks,
    "suggestions": suggestions_chunks,
    "memos": memos_chunks,
}


def table_chunks(
    project: Project, name: str, *, all_versions: bool = False, chunk_rows: int = CHUNK_ROWS
) -> Iterator[pd.DataFrame]:
    """The rows of table ``name`` (one of :data:`TABLES`) in DataFrames of at most ``chunk_rows``."""
    return CHUNKS[name](project, all_versions=all_versions, chunk_rows=chunk_rows)


def table(project: Project, name: str, *, all_versions: bool = False) -> pd.DataFrame:
    """Table ``name`` (sources, units, codes, codings, suggestions or memos) as one DataFrame."""
    return pd.concat(list(table_chunks(project, name, all_versions=all_versions)), ignore_index=True)


def sources_table(project: Project, *, all_versions: bool = False) -> pd.DataFrame:
    """One row per source: title, author, date, type, format, where it was read from, its units."""
    return table(project, "sources", all_versions=all_versions)


def units_table(project: Project, *, all_versions: bool = False) -> pd.DataFrame:
    """One row per unit in reading order: source, ordinal, page, section, period, offsets, text."""
    return table(project, "units", all_versions=all_versions)


def codes_table(project: Project, *, all_versions: bool = False) -> pd.DataFrame:
    """The active codebook's codes in tree order with group, parent, definition, status, counts."""
    return table(project, "codes", all_versions=all_versions)


def codings_table(project: Project, *, all_versions: bool = False) -> pd.DataFrame:
    """One row per coding: unit, source, code id and name, coder, origin (machine-made or not)."""
    return table(project, "codings", all_versions=all_versions)


def suggestions_table(project: Project, *, all_versions: bool = False) -> pd.DataFrame:
    """One row per suggestion: unit, code, model, score, method, status and who decided it."""
    return table(project, "suggestions", all_versions=all_versions)


def memos_table(project: Project, *, all_versions: bool = False) -> pd.DataFrame:
    """One row per memo: on a unit or on a code, by whom, its text."""
    return table(project, "memos", all_versions=all_versions)


# ---------------------------------------------------------------- counts and files


def count_rows(project: Project, *, all_versions: bool = False) -> dict[str, int]:
    """How many rows each table holds (for a progress bar): the tables' own selects, counted."""
    queries = {
        "units": _units_query(all_versions),
        "codings": _codings_query(all_versions),
        "suggestions": _suggestions_query(all_versions),
        "memos": _memos_query(all_versions),
    }
    with project.session() as session:
        counts = {
            name: int(
                session.execute(select(func.count()).select_from(q.order_by(None).subquery())).scalar_one()
            )
            for name, q in queries.items()
        }
        counts["sources"] = int(
            session.execute(_current(select(func.count(Source.id)), all_versions)).scalar_one()
        )
        book = active_codebook(session)
        counts["codes"] = (
            0
            if book is None
            else int(
                session.execute(select(func.count(Code.id)).where(Code.codebook_id == book.id)).scalar_one()
            )
        )
    return {name: counts[name] for name in TABLES}


@dataclass
class _Counter:
    table: str
    total: int
    progress: Progress | None
    done: int = 0

    def __call__(self, rows: int) -> None:
        self.done += rows
        if self.progress is not None:
            self.progress(self.table, self.done, self.total)


def _counters(project: Project, all_versions: bool, progress: Progress | None) -> dict[str, _Counter]:
    totals = (
        count_rows(project, all_versions=all_versions) if progress is not None else dict.fromkeys(TABLES, 0)
    )
    return {name: _Counter(name, totals[name], progress) for name in TABLES}


def export_csv(
    project: Project, folder: str | Path, *, all_versions: bool = False, progress: Progress | None = None
) -> list[Written]:
    """One CSV per table (``sources.csv``, ``units.csv``, ...) in ``folder``, made if missing.

    UTF-8 with a byte order mark; a text starting with = + - @ gets a leading apostrophe so that
    a spreadsheet shows it instead of running it (see :mod:`foresight.interop.sheets`).
    """
    target = check_folder(Path(folder))
    counters = _counters(project, all_versions, progress)
    written = []
    for name in TABLES:
        path = target / f"{name}.csv"
        rows = write_csv(
            table_chunks(project, name, all_versions=all_versions), path, progress=counters[name]
        )
        written.append(Written(name, path, rows))
    return written


def export_xlsx(
    project: Project, file: str | Path, *, all_versions: bool = False, progress: Progress | None = None
) -> list[Written]:
    """One sheet per table in the workbook ``file`` (its folder must exist)."""
    path = check_file(Path(file), ".xlsx")
    counters = _counters(project, all_versions, progress)
    sheets = {name: table_chunks(project, name, all_versions=all_versions) for name in TABLES}
    return write_xlsx(sheets, path, progress=lambda name, rows: counters[name](rows))
