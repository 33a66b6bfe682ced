"""Tables on a page: a table across the page, and the rows a table's drawn rules mark.

A table across the page (a results sheet, a balance sheet) is a run of rows of short cells
(:func:`table_region`), read across, top to bottom. A table whose cells wrap ("Hong Kong
Securities / Clearing (nominees) / Ltd.") sets each of its rows on several visual lines; read
line by line, a row's cells come apart and a cell's words land in three rows. When the file
draws the table's rules, the horizontal ones bound its rows and the vertical ones its columns:
the lines between two rules are one row, the lines of one column in it one cell
(:func:`ruled_rows`). A band between two rules that holds several full rows (a table ruled
only above and below its body) is read line by line.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence

from foresight.ingest.model import Line
from foresight.ingest.segment import FORMULA, LETTER, is_cjk, join_lines

# a rule: where it stands across (y of a horizontal one, x of a vertical one) and its extent along
Rule = tuple[float, float, float]
Rules = tuple[list[Rule], list[Rule]]  # the rules a page draws, horizontal and vertical

_FIGURES = re.compile(r"^[-+−(]?[\d.,' %]+\)?$")  # a cell of figures: 1,234.5  -3.2%  (12)
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")

NEAR = 1.5  # rules closer than this (points) are one: a cell's border drawn by both its cells


def _merged(values: Sequence[float]) -> list[float]:
    out: list[float] = []
    for value in sorted(values):
        if not out or value - out[-1] > NEAR:
            out.append(value)
    return out


def visual_rows(lines: list[Line]) -> list[list[Line]]:
    """Lines that share a baseline, top to bottom, each row's highest line first: a line whose
    middle is within the box of the row's first line is in its row."""
    rows: list[list[Line]] = []
    for line in sorted(lines, key=lambda ln: -ln[3]):
        middle = (line[3] + line[4]) / 2
        if rows and rows[-1][0][4] <= middle <= rows[-1][0][3]:
            rows[-1].append(line)
        else:
            rows.append([line])
    return rows


def _cell(texts: list[str]) -> str:
    """A cell's lines as one text: wrapped words joined as in a paragraph (Chinese without a
    space); lines of figures side by side."""
    if all(LETTER.search(text) for text in texts):
        return join_lines(texts)
    out = texts[0]
    for text in texts[1:]:
        out = f"{out}{text}" if is_cjk(out[-1]) and is_cjk(text[0]) else f"{out} {text}"
    return out


def ruled_rows(
    lines: list[Line], horizontal: list[Rule], vertical: list[Rule], rtl: bool = False
) -> list[str] | None:
    """A table's rows read across, cells joined by " | ", when rules drawn across it bound its
    rows (three rules at least); None when they do not, or when no row has wrapped."""
    x0, x1 = min(ln[1] for ln in lines), max(ln[2] for ln in lines)
    top, bottom = max(ln[3] for ln in lines), min(ln[4] for ln in lines)
    height = max(ln[3] - ln[4] for ln in lines)
    ys = _merged([y for y, a, b in horizontal if a < x1 and b > x0 and bottom - height <= y <= top + height])
    if len(ys) < 3:
        return None
    xs = _merged([x for x, a, b in vertical if x0 < x < x1 and a < top and b > bottom])
    bands: dict[int, list[Line]] = {}
    for line in lines:  # (bands counted from the top)
        bands.setdefault(len(ys) - bisect.bisect(ys, (line[3] + line[4]) / 2), []).append(line)
    out: list[str] = []
    wrapped = False
    for _, band in sorted(bands.items()):
        visual = [sorted(row, key=lambda ln: ln[1]) for row in visual_rows(band)]
        full = [row for row in visual if len(row) >= 3]
        if len(visual) == 1 or len(full) > 1:  # one line, or full rows under one rule: as they stand
            out += [" | ".join(ln[0] for ln in (reversed(row) if rtl else row)) for row in visual]
            continue
        wrapped = True
        anchors = max(visual, key=len)  # the band's line of most cells: its columns, without rules

        def column(line: Line, anchors: list[Line] = anchors) -> int:
            middle = (line[1] + line[2]) / 2
            if xs:
                return bisect.bisect(xs, middle)
            return min(range(len(anchors)), key=lambda i: abs((anchors[i][1] + anchors[i][2]) / 2 - middle))

        cells: dict[int, list[str]] = {}
        for row in visual:
            for line in row:
                cells.setdefault(column(line), []).append(line[0])
        texts = [_cell(cells[key]) for key in sorted(cells, reverse=rtl)]
        out.append(" | ".join(texts))
    return out if wrapped else None


def in_ruled_band(row: list[Line], neighbour: list[Line], horizontal: list[Rule], reach: float) -> bool:
    """Whether a row of lines just above or below a table's first or last row (``neighbour``)
    stands in that row's cell, between the same rules: no rule drawn between them, and one
    within ``reach`` beyond the row (the cell's border; a wrapped cell's first line stands
    above the line of the row's other cells)."""
    x0, x1 = min(ln[1] for ln in row), max(ln[2] for ln in row)
    middle = (row[0][3] + row[0][4]) / 2
    other = (neighbour[0][3] + neighbour[0][4]) / 2
    across = [y for y, a, b in horizontal if a < x1 and b > x0]
    if any(min(middle, other) < y < max(middle, other) for y in across):
        return False
    if middle > other:  # above the table: its border above the row
        edge = max(ln[3] for ln in row)
        return any(edge <= y <= edge + reach for y in across)
    edge = min(ln[4] for ln in row)
    return any(edge - reach <= y <= edge for y in across)


PROSE_CHARS = 35  # a line of running text in a column holds this many characters at least


def is_prose(line: Line) -> bool:
    """Whether a line is one of running text: long, of five words or more, a third of them in
    lowercase (a table's head of capitalised names is not)."""
    if len(line[0]) < PROSE_CHARS:
        return False
    if len(_CJK.findall(line[0])) >= 30:  # Chinese or Japanese text: no spaces, no case
        return True
    words = line[0].split()
    return len(words) >= 5 and 3 * sum(w[:1].islower() for w in words) >= len(words)


TABLE_CELL_CHARS = 20  # the cells of a table's row hold this many characters, on average, at most
# the share of the lines from a table's first dense row to its last that stand in dense rows, at
# least (a balance sheet's labels without figures and the lines of wrapped labels are the rest;
# lists side by side, a table of contents, have fewer)
DENSE_SHARE = 0.45


def table_region(
    lines: list[Line], rtl: bool = False, rules: Rules | None = None
) -> tuple[list[Line], list[str], list[Line]] | None:
    """A table that fills a stretch of the page's width (a results sheet, a balance sheet): the
    lines above it, its rows read across (cells joined by " | ", top to bottom; right to left
    on a page of right-to-left script, ``rtl``) and the lines below it; None when the page
    holds no such table.

    The table runs from the first to the last row of three cells or more, short ones
    (:data:`TABLE_CELL_CHARS` on average: columns of prose have longer lines); there must be
    five such rows at least, holding :data:`DENSE_SHARE` of the lines between them, and no line
    of running text (:func:`is_prose`) among them. Rows of labels just above and below that
    stand in the table's columns belong to it. The lines of a row share a baseline; the reader
    has cut lines at the gaps between cells.
    """
    if len(lines) < 15:
        return None
    rows = visual_rows(lines)
    # runs of dense rows, broken by a row that holds a line of running text (a column of prose
    # beside a figure's labels is no table); the table is the run with most dense rows
    runs: list[list[int]] = [[]]
    for i, row in enumerate(rows):
        if any(is_prose(ln) for ln in row):
            runs.append([])
        elif len(row) >= 3 and sum(len(ln[0]) for ln in row) <= TABLE_CELL_CHARS * len(row):
            runs[-1].append(i)
    dense = max(runs, key=len)
    if len(dense) < 5:
        return None
    cells = [ln[0] for i in dense for ln in rows[i]]
    if 5 * sum(FORMULA.search(c) is not None for c in cells) > len(cells):  # formulas set in pieces
        return None
    # rows of labels without figures just above or below (the first items of a balance sheet at
    # the top of its page) belong to the table when they stand in its columns: a cell's text
    # starts where others of its column start, to a point (text beside a table is set apart by
    # the cells' padding); figures end where others of their column end
    table = [ln for i in dense for ln in rows[i]]
    pitch = min(rows[a][0][3] - rows[b][0][3] for a, b in zip(dense, dense[1:], strict=False))

    def in_columns(row: list[Line]) -> bool:
        return all(
            not is_prose(ln)
            and any(
                abs(ln[5] - t[5]) <= 0.1 * t[5]
                and (abs(ln[1] - t[1]) <= 1 or (is_figures(ln[0]) and abs(ln[2] - t[2]) <= 1))
                for t in table
            )
            for ln in row
        )

    first, last = dense[0], dense[-1]
    inside = sum(len(rows[i]) for i in dense)
    if inside < DENSE_SHARE * sum(len(row) for row in rows[first : last + 1]):
        return None

    def belongs(row: list[Line], neighbour: list[Line]) -> bool:
        """A row of labels in the table's columns, or in its first or last row's ruled cell."""
        return in_columns(row) or (rules is not None and in_ruled_band(row, neighbour, rules[0], 1.5 * pitch))

    while (
        first > 0
        and rows[first - 1][0][3] - rows[first][0][3] <= 1.5 * pitch
        and belongs(rows[first - 1], rows[first])
    ):
        first -= 1
    while (
        last + 1 < len(rows)
        and rows[last][0][3] - rows[last + 1][0][3] <= 1.5 * pitch
        and belongs(rows[last + 1], rows[last])
    ):
        last += 1

    def across(line: Line) -> float:
        return -line[2] if rtl else line[1]

    cells = [" | ".join(ln[0] for ln in sorted(row, key=across)) for row in rows[first : last + 1]]
    if rules is not None:  # rows the file's rules bound, wrapped cells joined
        cells = ruled_rows([ln for row in rows[first : last + 1] for ln in row], *rules, rtl) or cells
    above = {ln for row in rows[:first] for ln in row}
    below = {ln for row in rows[last + 1 :] for ln in row}
    return [ln for ln in lines if ln in above], cells, [ln for ln in lines if ln in below]


def is_figures(text: str) -> bool:
    """Whether a cell holds figures (1,234.5  -3.2%  (12)), and nothing else."""
    return bool(_FIGURES.match(text)) and any(c.isdigit() for c in text)


def edge_reach(line: Line) -> float:
    """How near a column's left edge a line's start is at it: a point, or 0.15 of its type
    height when that is more."""
    return max(1.0, 0.15 * line[5])


def at_edge(line: Line, x: float) -> bool:
    """Whether a line starts at ``x``, a column's left edge (:func:`edge_reach`)."""
    return abs(line[1] - x) <= edge_reach(line)


def edge_columns(
    lines: list[Line], edges: Sequence[float]
) -> tuple[list[Line], list[list[Line]], list[Line]] | None:
    """The lines above the columns whose left ``edges`` are given, each column's lines (left to
    right) and the lines below them (None: no line starts at an edge). The columns run from the
    highest line that starts at one of the edges down to the lowest, and on up and down over
    the rows with no line across an edge."""

    def across(row: list[Line]) -> bool:
        return any(
            ln[1] < edge - edge_reach(ln) and ln[2] > edge + edge_reach(ln) for ln in row for edge in edges
        )

    rows = visual_rows(lines)
    starting = [i for i, row in enumerate(rows) if any(at_edge(ln, edge) for ln in row for edge in edges)]
    if not starting:
        return None
    first, last = starting[0], starting[-1]
    while first > 0 and not across(rows[first - 1]):
        first -= 1
    while last + 1 < len(rows) and not across(rows[last + 1]):
        last += 1
    columns: list[list[Line]] = [[] for _ in range(len(edges) + 1)]
    for row in rows[first : last + 1]:
        for line in row:
            columns[sum(line[1] >= edge or at_edge(line, edge) for edge in edges)].append(line)
    above = [ln for row in rows[:first] for ln in row]
    below = [ln for row in rows[last + 1 :] for ln in row]
    return above, [c for c in columns if c], below


def row_parts(lines: list[Line], body: float) -> list[list[list[Line]]]:
    """A column's rows (:func:`visual_rows`) in parts, cut where an empty row stands between
    two (a gap a half type height wider than the usual one)."""
    rows = visual_rows(lines)
    pitches = sorted(a[0][4] - b[0][3] for a, b in zip(rows, rows[1:], strict=False))
    usual = pitches[len(pitches) // 4] if pitches else 0.0
    parts: list[list[list[Line]]] = []
    for i, row in enumerate(rows):
        if not i or rows[i - 1][0][4] - row[0][3] > usual + 0.5 * body:
            parts.append([])
        parts[-1].append(row)
    return parts


def apart(columns: list[list[Line]], body: float) -> bool:
    """Whether columns are read each on its own (a bulletin's columns of items, each item's
    rows apart from the next's at its own heights), not as one table's (whose empty rows, if
    any, run across all its columns): three breaks or more, half of all, are not in every
    column."""
    breaks = [{round(part[0][0][3]) for part in row_parts(column, body)[1:]} for column in columns]
    every = set.intersection(*breaks) if breaks else set()
    seen = set.union(*breaks) if breaks else set()
    return len(seen - every) >= max(3, len(seen) / 2)
