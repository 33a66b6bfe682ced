"""Survey sheets (CSV, XLSX): one unit per non-empty answer cell.

Answer columns are those whose header is a question (ends with "?") or whose cells hold prose
(40 characters on average); the other columns describe the respondent and are kept on every
unit as attributes.
"""

from __future__ import annotations

import csv
import io
import warnings
from collections.abc import Iterable
from typing import Any

import openpyxl

from foresight.errors import InputError
from foresight.ingest.model import Block, Document
from foresight.ingest.textfile import decode
from foresight.ingest.zipped import READ_ERRORS, check_unpacked

PROSE_CHARS = 40
MAX_CELLS = 5_000_000  # rows times columns of the widest row, empty rows left out
EXCEL_ROWS = 1_048_576


def _too_many_cells(name: str) -> InputError:
    return InputError(name, f"the sheet has over {MAX_CELLS:,} cells (rows times columns)")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def numbered(rows: Iterable[list[str]]) -> list[tuple[int, list[str]]]:
    """The non-empty rows, each with its number as a person counts it in the sheet or the file:
    the first row is 1, and blank rows are counted, not skipped."""
    return [(number, row) for number, row in enumerate(rows, start=1) if any(row)]


def blocks_from_rows(numbered_rows: list[tuple[int, list[str]]], name: str) -> list[Block]:
    """One block per answer cell; ``numbered_rows``: the non-empty rows with their numbers in
    the sheet (:func:`numbered`), the first of them the header."""
    numbers = [number for number, _ in numbered_rows]
    rows = [row for _, row in numbered_rows]
    if len(rows) < 2:
        raise InputError(name, "a survey sheet needs a header row and at least one answer row")
    if len(rows[0]) * len(rows) > MAX_CELLS:  # every row is padded to the header's width
        raise _too_many_cells(name)
    header = [h or f"column {i + 1}" for i, h in enumerate(rows[0])]
    width = len(header)
    body = [(row + [""] * width)[:width] for row in rows[1:]]

    def prose(col: int) -> bool:
        filled = [row[col] for row in body if row[col]]
        return bool(filled) and sum(map(len, filled)) / len(filled) >= PROSE_CHARS

    answers = [i for i, h in enumerate(header) if h.rstrip().endswith("?") or prose(i)]
    if not answers:
        raise InputError(name, "no answer columns (headers ending in '?' or columns of prose)")
    described = [i for i in range(width) if i not in answers]
    blocks = []
    for number, row in zip(numbers[1:], body, strict=True):
        respondent = {header[i]: row[i] for i in described if row[i]}
        for col in answers:
            if row[col]:
                attributes = {**respondent, "question": header[col], "row": number}
                blocks.append(Block(row[col], fixed=True, section=header[col], attributes=attributes))
    return blocks


def read_csv(data: bytes, name: str) -> list[Document]:
    text = decode(data, name)
    try:
        dialect: Any = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        # a record is a row as a spreadsheet shows it (a quoted cell may span lines in the file)
        rows = numbered([_cell(c) for c in row] for row in csv.reader(io.StringIO(text), dialect))
    except csv.Error as exc:  # a field over csv's size limit, or a quote the dialect cannot close
        raise InputError(name, f"not a readable CSV file ({exc})") from None
    return [Document(format="csv", blocks=blocks_from_rows(rows, name))]


def read_xlsx(data: bytes, name: str) -> list[Document]:
    check_unpacked(data, name, ".xlsx workbook")
    try:
        with warnings.catch_warnings():  # openpyxl's notes on parts it drops: nothing a user can do
            warnings.simplefilter("ignore")
            rows, title = _sheet_rows(data, name)
    except READ_ERRORS as exc:
        raise InputError(name, f"not a readable .xlsx workbook ({exc})") from None
    except (AttributeError, TypeError) as exc:  # openpyxl met XML that Excel does not write
        raise InputError(
            name, f"not a readable .xlsx workbook (a part is not what Excel writes: {exc})"
        ) from None
    return [Document(format="xlsx", blocks=blocks_from_rows(rows, name), title=title or None)]


def _sheet_rows(data: bytes, name: str) -> tuple[list[tuple[int, list[str]]], str | None]:
    """The non-empty rows of the first sheet with their row numbers, and the workbook's title."""
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        if not book.worksheets:
            raise InputError(name, "the workbook has no sheets")
        sheet = book.worksheets[0]
        sheet.reset_dimensions()  # the sheet's own claim (A1:XFD1048576) would pad every row to it
        rows: list[tuple[int, list[str]]] = []
        width = 0
        # (openpyxl yields an empty row for each row the file leaves out, so numbers are the sheet's)
        rows_read = sheet.iter_rows(max_row=EXCEL_ROWS, values_only=True)  # no row past Excel's last
        for number, values in enumerate(rows_read, start=1):
            row = [_cell(c) for c in values]
            if any(row):
                rows.append((number, row))
                width = max(width, len(row))
                if width * len(rows) > MAX_CELLS:
                    raise _too_many_cells(name)
        return rows, book.properties.title
    finally:
        book.close()
