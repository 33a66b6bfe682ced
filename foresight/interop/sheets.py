"""Tables written to CSV and XLSX files that open right in Excel and in pandas, whatever text they hold.

Text taken from the web can start with ``=``, ``+``, ``-`` or ``@``: a spreadsheet would run it
as a formula (CSV or formula injection). In XLSX every text is stored as a text cell, never as
a formula, so it reads back exactly; in CSV, which has no types, such a text gets a leading
apostrophe, the mark spreadsheets read as "this is text". CSV is UTF-8 with a byte order mark,
so that Excel reads accents and dashes right; pandas reads the mark as such.

XLSX has limits: a cell holds at most 32,767 characters (a longer text is cut, and counted),
a sheet at most 1,048,576 rows (a longer table goes on over sheets ``name 2``, ``name 3``),
a sheet name at most 31 characters, and control characters other than tab and line breaks are
not allowed (each becomes U+FFFD, so that the text keeps its length).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from foresight.errors import ForesightError
from foresight.files import whole_file

CSV_ENCODING = "utf-8-sig"
FORMULA_CHARS = ("=", "+", "-", "@", "\t", "\r")  # a cell starting so runs as a formula
EXCEL_ROWS = 1_048_576  # rows of a sheet, the header included
EXCEL_CELL = 32_767  # characters of a cell
EXCEL_SHEET_NAME = 31
CUT_MARK = "…"
ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # as openpyxl's ILLEGAL_CHARACTERS_RE
SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")
EXCEL_ERRORS = frozenset(("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A"))

Frames = pd.DataFrame | Iterable[pd.DataFrame]
Progress = Callable[[int], None]  # called with the rows just written
SheetProgress = Callable[[str, int], None]  # called with a table's name and the rows just written


@dataclass
class Written:
    """One table written: where, how many rows, and what Excel's limits changed."""

    table: str
    path: Path
    rows: int
    sheets: list[str] | None = None  # XLSX: the sheets it fills (more than one past 1,048,575 rows)
    cut: int = 0  # XLSX: texts cut to 32,767 characters


def _chunks(frames: Frames) -> Iterator[pd.DataFrame]:
    if isinstance(frames, pd.DataFrame):
        yield frames
    else:
        yield from frames


def check_file(path: Path, suffix: str, *, strict: bool = True) -> Path:
    """``path`` is a file that can be written: its folder exists and it is not a folder itself;
    with ``strict``, its name ends in ``suffix``."""
    path = Path(path)
    if path.is_dir():
        raise ForesightError(f"{path}: is a folder; give a file name ending in {suffix}")
    if strict and path.suffix.lower() != suffix:
        raise ForesightError(f"{path}: the file name must end in {suffix}")
    if not path.parent.is_dir():
        raise ForesightError(f"{path}: the folder {path.parent} does not exist")
    return path


def check_folder(path: Path) -> Path:
    """``path`` is a folder, made (with its parents) if it does not exist yet."""
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise ForesightError(f"{path}: is a file; give a folder for the CSV files")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ForesightError(f"{path}: cannot make the folder ({exc.strerror})") from None
    return path


def escape_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy whose texts starting with = + - @ tab or CR begin with an apostrophe."""
    out = frame
    for column in frame.columns:
        values = frame[column]
        if values.dtype != object and not isinstance(values.dtype, pd.StringDtype):
            continue
        try:
            risky = values.str.startswith(FORMULA_CHARS, na=False)
        except AttributeError:  # no text in this column
            continue
        risky = risky.astype(object).where(risky.notna(), False).astype(bool)
        if risky.any():
            if out is frame:
                out = frame.copy()
            out.loc[risky, column] = "'" + values[risky].astype(str)
    return out


def write_csv(frames: Frames, path: Path, *, escape: bool = True, progress: Progress | None = None) -> int:
    """Write a table (a DataFrame, or its chunks in order) to ``path``; returns the rows written."""
    rows = 0
    try:
        with Path(path).open("w", encoding=CSV_ENCODING, newline="") as handle:
            header = True
            for chunk in _chunks(frames):
                (escape_formulas(chunk) if escape else chunk).to_csv(
                    handle, index=False, header=header, lineterminator="\r\n"
                )
                header = False
                rows += len(chunk)
                if progress is not None:
                    progress(len(chunk))
    except OSError as exc:
        raise ForesightError(f"{path}: cannot write ({exc.strerror})") from None
    return rows


def write_csv_tables(tables: Mapping[str, pd.DataFrame], path: Path) -> list[Written]:
    """The first table to ``path``, each further one beside it as ``STEM-NAME.csv``."""
    path = check_file(path, ".csv", strict=False)
    written = []
    for i, (name, frame) in enumerate(tables.items()):
        target = path if i == 0 else path.with_name(f"{path.stem}-{name}{path.suffix}")
        written.append(Written(name, target, write_csv(frame, target)))
    return written


def sheet_name(name: str, used: Iterable[str] = ()) -> str:
    """A valid sheet name for ``name``: no []:*?/\\, at most 31 characters, not one of ``used``."""
    base = SHEET_NAME_BAD.sub("_", name).strip("'") or "sheet"
    taken = {u.lower() for u in used}
    candidate, n = base[:EXCEL_SHEET_NAME], 1
    while candidate.lower() in taken:
        n += 1
        suffix = f" {n}"
        candidate = base[: EXCEL_SHEET_NAME - len(suffix)] + suffix
    return candidate


class _Cells:
    """Turns a chunk's values into what openpyxl writes as they are: text stays text."""

    def __init__(self, sheet) -> None:  # type: ignore[no-untyped-def]
        self.sheet = sheet
        self.cut = 0

    def text(self, value: str):  # type: ignore[no-untyped-def]
        if ILLEGAL_XML.search(value):
            value = ILLEGAL_XML.sub("\ufffd", value)
        if len(value) > EXCEL_CELL:
            value = value[: EXCEL_CELL - len(CUT_MARK)] + CUT_MARK
            self.cut += 1
        if value.startswith("=") or value in EXCEL_ERRORS:
            from openpyxl.cell import WriteOnlyCell

            cell = WriteOnlyCell(self.sheet, value=None)
            cell._value, cell.data_type = value, "s"  # a text cell: Excel never evaluates it
            return cell
        return value

    def rows(self, chunk: pd.DataFrame) -> Iterator[list[object]]:
        values = chunk.astype(object).where(chunk.notna(), None)
        for row in values.itertuples(index=False, name=None):
            yield [self.text(v) if isinstance(v, str) else v for v in row]


def write_xlsx(
    sheets: Mapping[str, Frames], path: Path, *, progress: SheetProgress | None = None
) -> list[Written]:
    """One sheet per table (``name``: a DataFrame or its chunks in order), streamed to ``path``.

    The file is written beside ``path`` and moved there when complete, so that a failure never
    leaves half a workbook.
    """
    from openpyxl import Workbook

    path = Path(path)
    book = Workbook(write_only=True)
    written: list[Written] = []
    names: list[str] = []
    for name, frames in sheets.items():
        entry = Written(name, path, 0, sheets=[])
        sheet, cells, room = None, None, 0
        for chunk in _chunks(frames):
            if sheet is None:  # even an empty table gets its sheet and header
                sheet, cells, room = _new_sheet(book, name, names, chunk, entry)
            start = 0
            while start < len(chunk):
                if room == 0:
                    entry.cut += cells.cut  # type: ignore[union-attr]
                    sheet, cells, room = _new_sheet(book, name, names, chunk, entry)
                part = chunk.iloc[start : start + room]
                for row in cells.rows(part):  # type: ignore[union-attr]
                    sheet.append(row)
                start += len(part)
                room -= len(part)
                entry.rows += len(part)
            if progress is not None:
                progress(name, len(chunk))
        if sheet is None:
            sheet, cells, room = _new_sheet(book, name, names, pd.DataFrame(), entry)
        entry.cut += cells.cut  # type: ignore[union-attr]
        written.append(entry)
    with whole_file(path) as partial:
        book.save(partial)
    return written


def _new_sheet(book, name: str, names: list[str], chunk: pd.DataFrame, entry: Written):  # type: ignore[no-untyped-def]
    title = sheet_name(name if not entry.sheets else f"{name} {len(entry.sheets) + 1}", names)
    names.append(title)
    entry.sheets.append(title)  # type: ignore[union-attr]
    sheet = book.create_sheet(title)
    cells = _Cells(sheet)
    sheet.append([cells.text(str(c)) for c in chunk.columns])
    return sheet, cells, EXCEL_ROWS - 1


def write_xlsx_tables(tables: Mapping[str, pd.DataFrame], path: Path) -> list[Written]:
    """Check ``path`` and write ``tables`` (sheet name -> table) to it as XLSX."""
    return write_xlsx(tables, check_file(path, ".xlsx"))
