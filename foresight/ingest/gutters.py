"""Columns whose gutter is no wider than a space: where pdfium's lines run across them.

pdfium joins the text of two columns that share a baseline into one line. Where the gap
between them is wide, the line is cut at the gap (:func:`foresight.ingest.gaps.gap_starts`);
a results bulletin or a report printed in a fixed-width font sets its columns one space apart,
so its rows run on across the page ("NO 142 NO 105 NO 216") and its columns mix.

Such a column still shows: several lines or words start at one position (its left edge), and
every line that runs across that position, from the first to the last that starts there, has
a word starting exactly there. A paragraph's indent is no such position: the lines below it
run across it within their words.

A page is searched in two steps, so that an ordinary page costs little: first the positions
where lines start (a column that some lines reach alone, after a wide gap); only when one of
those is a column's edge, the positions where words start too (the columns that no line
reaches alone).
"""

from __future__ import annotations

import ctypes
import re
from collections import Counter
from typing import Any

import pypdfium2.raw as pdfium_c

from foresight.ingest.model import Line
from foresight.ingest.pdfium_calls import char_box
from foresight.ingest.tables import at_edge, edge_reach, is_figures

STARTS = 4  # lines or words starting at a position for it to be a column's edge, at least
CROSSING = 4  # lines running across it with a word starting there, for a cut, at least
WITHIN_SHARE = 0.1  # the share of the lines across it that may run on within a word, at most
_WORD = re.compile(r" (?=\S)")
# what starts an item, not a column: a bullet, an item's or a section's number ("3)", "1.1.",
# "2.3.1"), a letter ("a)")
_LABEL = re.compile(
    r"^(?:[^\w\s]{1,2}|\(?(?:\d{1,3}(?:\.\d{1,3})*[.)]|\d{1,3}(?:\.\d{1,3})+|[a-zA-Z][.)]|[ivxIVX]{1,4}[.)]))$"
)

Start = tuple[float, int]  # where a word starts: its left, and its offset in the page's text


def _edges(positions: list[float]) -> list[int]:
    """Positions (whole points) where ``STARTS`` lines or words or more start, within a point."""
    counts = Counter(round(x) for x in positions)
    return [
        x
        for x in counts
        if counts[x] >= max(counts[x - 1], counts[x + 1])
        and counts[x] + counts[x - 1] + counts[x + 1] >= STARTS
    ]


def _column_cuts(
    x: float, text: str, lines: list[Line], firsts: list[int], starts: list[list[Start]]
) -> list[int]:
    """The offsets of the words starting at ``x`` in the lines that run across it, when that is
    a column's edge (see the module's docstring); else none. A word after an item's label (a
    bullet, "1.1.", "a)"; a number that starts its row) starts the item's text, not a column (a
    list's hanging indent, a listing's line numbers)."""
    at = [
        next((offset for left, offset in words if abs(left - x) <= edge_reach(line)), None)
        for line, words in zip(lines, starts, strict=True)
    ]
    starting = [ln for ln, offset in zip(lines, at, strict=True) if offset is not None or at_edge(ln, x)]
    if len(starting) < STARTS:
        return []
    top, bottom = max(ln[3] for ln in starting), min(ln[4] for ln in starting)
    found: list[int] = []
    within = 0
    for line, first, offset in zip(lines, firsts, at, strict=True):
        _, x0, x1, line_top, line_bottom, _ = line
        if x0 < x - 1.0 and x1 > x + 1.0 and bottom <= (line_top + line_bottom) / 2 <= top:
            if offset is None:
                within += 1
            elif _LABEL.match(label := text[first:offset].strip()) or (
                label.isdigit() and not any(ln[2] <= x0 and _same_row(ln, line) for ln in lines)
            ):  # (a number that starts its row: a listing's line number)
                return []
            else:
                found.append(offset)
    beside = _cut_beside(lines, x)
    if len(found) + len(beside) < CROSSING or within > WITHIN_SHARE * (len(found) + within):
        return []
    # the words on either side differ from row to row: no phrase repeated ("STATE MEASURE 1",
    # "STATE MEASURE 2" in a fixed-width font)
    after = {text[i : text.find(" ", i) if " " in text[i : i + 64] else i + 64] for i in found}
    before = {text[max(text.rfind(" ", 0, i - 1), text.rfind("\n", 0, i - 1)) + 1 : i - 1] for i in found}
    after |= {line[0].split(" ")[0] for line, _ in beside}
    before |= {left[0].rsplit(" ")[-1] for _, left in beside}
    if min(len(after), len(before)) < 2:
        return []
    return found


def _same_row(a: Line, b: Line) -> bool:
    return a[4] <= (b[3] + b[4]) / 2 <= a[3]


def _cut_beside(lines: list[Line], x: float) -> list[tuple[Line, Line]]:
    """The lines starting at ``x`` that were already cut from a table's figures on their left,
    no more than two type heights away (cells the file drew apart: "REP" and "247" of a row
    "REP 247 NO 142"): each with those figures. Like a line running across ``x`` with a word
    starting there, each shows a column starting at ``x``."""
    pairs = []
    for line in lines:
        if at_edge(line, x):
            left = [ln for ln in lines if x - 2 * line[5] <= ln[2] <= x and _same_row(ln, line)]
            if (
                left
                and is_figures((near := max(left, key=lambda ln: ln[2]))[0])
                and any(ln[2] <= near[1] and _same_row(ln, near) for ln in lines)
            ):  # (figures that start their row are an item's number: "1.1 Options")
                pairs.append((line, near))
    return pairs


def _may_be_edge(textpage: Any, handle: Any, rect: Any, text: str, lines: list[Line], x: float) -> bool:
    """Whether the lines that run across ``x`` (a position where lines start), from the first
    to the last that starts there, have a word starting at ``x`` often enough for it to be a
    column's edge: pdfium asked for the character at ``x`` in each, until too many run on
    within a word there (a paragraph's indent) for it to be one."""
    near = [ln for ln in lines if at_edge(ln, x)]
    top, bottom = max(ln[3] for ln in near), min(ln[4] for ln in near)
    across = [
        ln for ln in lines if ln[1] < x - 1.0 and ln[2] > x + 1.0 and bottom <= (ln[3] + ln[4]) / 2 <= top
    ]
    found = within = 0
    ref = ctypes.byref(rect)
    for k, line in enumerate(across):
        height, middle = line[5], (line[3] + line[4]) / 2
        index = pdfium_c.FPDFText_GetCharIndexAtPos(
            textpage, x + 0.2 * height, middle, 0.2 * height, 0.2 * height
        )
        if (
            0 < index < len(text)
            and text[index - 1] == " "
            and char_box(handle, index, ref)
            and abs(rect.left - x) <= edge_reach(line)
        ):
            found += 1
        else:
            within += 1
        if within > WITHIN_SHARE * (found + within + len(across) - k - 1):
            return False  # (too many within a word, whatever the lines left give)
    return found + len(_cut_beside(lines, x)) >= CROSSING


def gutter_cuts(
    textpage: Any, handle: Any, text: str, lines: list[Line], firsts: list[int]
) -> tuple[list[int], list[float]]:
    """The offsets into the page's ``text`` where a column starts inside one of ``lines``
    (whose first characters are at ``firsts``), sorted: to cut those lines at, as at a gap; and
    those columns' left edges, for the page's layout to find its columns by though their
    gutters are narrow."""
    if len(lines) < 3 * STARTS:
        return [], []
    rect = pdfium_c.FS_RECTF()
    ref = ctypes.byref(rect)
    # first step: the positions where lines start
    if not any(_may_be_edge(textpage, handle, rect, text, lines, x) for x in _edges([ln[1] for ln in lines])):
        return [], []
    # second step: every word's start
    starts: list[list[Start]] = []
    for line, first in zip(lines, firsts, strict=True):
        words = []
        if text[first : first + len(line[0])] == line[0]:  # (not a line put in another order)
            for match in _WORD.finditer(line[0]):
                if char_box(handle, first + match.end(), ref):
                    words.append((rect.left, first + match.end()))
        starts.append(words)
    positions = [ln[1] for ln in lines] + [left for words in starts for left, _ in words]
    cuts = {x: _column_cuts(x, text, lines, firsts, starts) for x in _edges(positions)}
    cut = sorted({c for found in cuts.values() for c in found})
    if not cut:
        return [], []
    # the page's other columns, whose gutters are wide: for the layout to read them apart too
    edges = [float(x) for x in sorted(cuts) if cuts[x] or _clean_edge(x, lines)]
    return cut, edges


def _clean_edge(x: float, lines: list[Line], narrow: float | None = None) -> bool:
    """Whether ``x`` is the left edge of a column that lines start at after a gap: several lines
    start there, with several different first words (not a column of "yes" and "no"), no line
    runs across it beside them, and a column stands to its left (``narrow``: less than that far
    from it). A column of figures is no such column: it belongs to the table of its words."""
    starting = [ln for ln in lines if at_edge(ln, x)]
    if len(starting) < STARTS:
        return False
    top, bottom = max(ln[3] for ln in starting), min(ln[4] for ln in starting)
    beside = [ln for ln in lines if bottom <= (ln[3] + ln[4]) / 2 <= top]
    left = [ln[2] for ln in beside if ln[2] < x]
    heads = [ln[0].split(" ")[0] for ln in starting]
    words = {w for w in heads if any(c.isalpha() for c in w)}
    return (
        len(words) >= 3
        and 2 * sum(any(c.isalpha() for c in w) for w in heads) > len(heads)
        and len(left) >= STARTS
        and (narrow is None or x - max(left) < narrow)
        and not any(ln[1] < x - 1.0 and ln[2] > x + 1.0 for ln in beside)
    )


GUTTER = 0.8  # a gutter at least this many type heights wide the layout finds by itself


def column_edges(lines: list[Line], body: float, cut: list[float]) -> list[float]:
    """The left edges of the page's columns set closer than a gutter the layout finds by itself
    (:data:`GUTTER`): those where lines were cut (``cut``), and those where lines drawn apart
    start (a fixed-width report's columns drawn one by one)."""
    if len(lines) < 3 * STARTS:
        return cut
    narrow = [float(x) for x in _edges([ln[1] for ln in lines]) if _clean_edge(x, lines, GUTTER * body)]
    return sorted({*cut, *narrow})
