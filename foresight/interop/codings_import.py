"""``foresight import codings``: codings from a sheet (CSV or XLSX) in one transaction.

A coding team that coded in a spreadsheet, or a script that produced codings, hands over one
row per coding: the unit's id, the code (its id, or its exact name), the coder, and optionally
the coding's origin and a memo on the unit. Each row is applied, skipped (the coder has that
code on that unit already, in the store or earlier in the file) or refused (an unknown unit,
code or origin, no coder); the report gives the line number and the reason of each row not
applied. Everything applied goes in one transaction: a file that cannot be read applies nothing.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select

from foresight.codebook.catalog import codes_of, require_codebook
from foresight.coding import ORIGINS
from foresight.errors import ForesightError
from foresight.project import Project
from foresight.store.schema import Code, Coding, Memo, Unit, log_event, utcnow

COLUMNS = {  # the header names each column may have (any case)
    "unit": ("unit", "unit_id", "unit id"),
    "code": ("code", "code_id", "code id", "code name"),
    "coder": ("coder",),
    "origin": ("origin",),
    "memo": ("memo",),
}
REQUIRED = ("unit", "code", "coder")


@dataclass
class Problem:
    line: int  # the row's line in the file (the header is line 1)
    reason: str


@dataclass
class CodingsImport:
    file: str
    rows: int = 0
    applied: int = 0
    memos: int = 0
    skipped: list[Problem] = field(default_factory=list)
    refused: list[Problem] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "rows": self.rows,
            "applied": self.applied,
            "memos": self.memos,
            "skipped": [vars(p) for p in self.skipped],
            "refused": [vars(p) for p in self.refused],
        }


def _rows(path: Path) -> Iterator[list[str]]:
    """The file's rows as lists of strings, the header first."""
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        import openpyxl

        try:
            book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:  # zip, XML and openpyxl's own errors: the file is no workbook
            raise ForesightError(f"{path}: not a readable .xlsx workbook ({exc})") from None
        try:
            for row in book.worksheets[0].iter_rows(values_only=True):
                yield [
                    "" if v is None else str(int(v) if isinstance(v, float) and v.is_integer() else v)
                    for v in row
                ]
        finally:
            book.close()
        return
    if suffix not in (".csv", ".tsv", ".txt"):
        raise ForesightError(
            f"{path}: codings are read from .csv or .xlsx files, not {suffix or 'this file'}"
        )
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ForesightError(f"{path}: not UTF-8 text (save the sheet as CSV UTF-8)") from None
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    yield from csv.reader(io.StringIO(text), dialect)


def _header(path: Path, header: list[str]) -> dict[str, int]:
    names = [h.strip().lower() for h in header]
    where: dict[str, int] = {}
    for column, aliases in COLUMNS.items():
        found = next((i for i, name in enumerate(names) if name in aliases), None)
        if found is not None:
            where[column] = found
    missing = [c for c in REQUIRED if c not in where]
    if missing:
        raise ForesightError(
            f"{path}: the first row must name the columns unit, code and coder "
            f"(missing: {', '.join(missing)})"
        )
    return where


def import_codings(project: Project, file: str | Path, *, actor: str) -> CodingsImport:
    """Apply the codings of a CSV or XLSX file in one transaction (see the module's text)."""
    path = Path(file)
    if not path.is_file():
        raise ForesightError(f"{path}: no such file")
    rows = list(_rows(path))  # read whole before anything is applied
    if not rows:
        raise ForesightError(f"{path}: the file is empty")
    where = _header(path, rows[0])
    report = CodingsImport(str(path))
    with project.transaction() as session:
        book = require_codebook(session)
        codes = codes_of(session, book)
        by_id = {c.code_id: c for c in codes}
        by_name: dict[str, list[Code]] = {}
        for c in codes:
            by_name.setdefault(c.name.strip().lower(), []).append(c)
        units = set(session.execute(select(Unit.id)).scalars())
        have = {tuple(row) for row in session.execute(select(Coding.unit_id, Coding.code_id, Coding.coder))}
        new: list[dict[str, Any]] = []
        memos: dict[tuple[int, str], str] = {}
        now = utcnow()
        for line, row in enumerate(rows[1:], start=2):
            if not any(cell.strip() for cell in row):
                continue  # a blank line
            report.rows += 1

            def cell(column: str, row: list[str] = row) -> str:
                index = where.get(column)
                return row[index].strip() if index is not None and index < len(row) else ""

            unit_text, code_ref, coder = cell("unit"), cell("code"), cell("coder")
            origin = cell("origin") or "manual"
            try:
                unit_id = int(unit_text)
            except ValueError:
                report.refused.append(Problem(line, f"unit {unit_text!r} is not a unit id"))
                continue
            if unit_id not in units:
                report.refused.append(Problem(line, f"no unit {unit_id} in the project"))
                continue
            code = by_id.get(code_ref)
            if code is None:
                named = by_name.get(code_ref.lower(), [])
                if len(named) > 1:
                    report.refused.append(Problem(line, f"several codes are named {code_ref!r}: give the id"))
                    continue
                code = named[0] if named else None
            if code is None:
                report.refused.append(Problem(line, f"no code {code_ref!r} in codebook {book.name!r}"))
                continue
            if code.status != "active":
                report.refused.append(Problem(line, f"code {code.code_id} is {code.status}"))
                continue
            if not coder:
                report.refused.append(Problem(line, "no coder"))
                continue
            if origin not in ORIGINS:
                report.refused.append(Problem(line, f"origin {origin!r} is not one of {', '.join(ORIGINS)}"))
                continue
            key = (unit_id, code.id, coder)
            if key in have:
                report.skipped.append(Problem(line, f"{coder} has {code.code_id} on unit {unit_id} already"))
            else:
                have.add(key)
                new.append(
                    {
                        "unit_id": unit_id,
                        "code_id": code.id,
                        "coder": coder,
                        "origin": origin,
                        "created_at": now,
                    }
                )
            memo = cell("memo")
            if memo:
                memos[(unit_id, coder)] = memo
        if new:
            session.execute(insert(Coding), new)
        for (unit_id, coder), text in memos.items():  # a memo in the file takes the place of one kept
            kept = session.execute(
                select(Memo).where(Memo.kind == "unit", Memo.target_id == unit_id, Memo.coder == coder)
            ).scalar_one_or_none()
            if kept is None:
                session.add(Memo(kind="unit", target_id=unit_id, coder=coder, text=text))
            else:
                kept.text, kept.updated_at = text, now
                session.add(kept)
        report.applied, report.memos = len(new), len(memos)
        log_event(
            session, actor, "import", "codings", None, file=str(path), applied=len(new), memos=len(memos)
        )
    return report
