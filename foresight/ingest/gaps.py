"""Where a line that pdfium gives must be cut: at wide gaps between the runs of text on it.

pdfium joins the text of two columns, or of a table's cells, that share a baseline into one
line, with a space between. Its rectangles of text runs show where text resumes after a gap
(:func:`gap_starts`); a run that spans a gap between cells, or a cell drawn out of order, shows
in the boxes of the characters around a space (:func:`wide_spaces`). A line is cut there
(:func:`cut`), and each piece is then placed by its own box.
"""

from __future__ import annotations

import ctypes
import re
from typing import Any

import pypdfium2.raw as pdfium_c

from foresight.ingest.layout import RTL_SCRIPT
from foresight.ingest.pdfium_calls import char_box

_SPACES = re.compile(" +")
_LIST_MARK = re.compile(r"^(?:[^\w\s]{1,2}|\(?(?:\d{1,2}|[a-zA-Z]|[ivxIVX]{1,4})[.)])?$")
NUMBER = re.compile(r"(?<!\S)[-+(]?\d[\d,.%)]*(?!\S)")


def wide_spaces(handle: Any, ref: Any, rect: Any, text: str, first: int) -> list[int]:
    """Where text resumes after a space wider than the type is tall (a gap between a table's
    cells that one text object of the file spans, so that pdfium's rectangles do not show it),
    or three times as far back to the left (a cell the file draws after the one right of it:
    "247 REP" of a row reading "REP 247"): offsets into ``text``, from the boxes of the
    characters around each space."""
    out = []
    for run in _SPACES.finditer(text):
        start, end = run.span()
        if start == 0 or end == len(text):
            continue
        if RTL_SCRIPT.match(text[start - 1]) or RTL_SCRIPT.match(text[end]):
            continue  # pdfium's order is not the page's there: the characters are not neighbours
        char_box(handle, first + start - 1, ref)
        right, top, bottom = rect.right, rect.top, rect.bottom
        char_box(handle, first + end, ref)
        tall = max(top - bottom, rect.top - rect.bottom)
        if rect.left - right > tall or (
            right - rect.left > 3 * tall and bottom <= (rect.top + rect.bottom) / 2 <= top
        ):  # (back to the left on the same line: not the next letter of text set on its side)
            out.append(end)
    return out


_TYPE_SHARE = 0.6  # the height of tall letters' ink, in heights of a character's box (the font's)


def _loose_height(textpage: int, index: int) -> float:
    """The height of a character's box (from the font's ascent and descent)."""
    rect = pdfium_c.FS_RECTF()
    pdfium_c.FPDFText_GetLooseCharBox(textpage, index, rect)
    return rect.top - rect.bottom


def gap_starts(textpage: int) -> tuple[list[int], list[int]]:
    """Where text resumes after a wide gap on its line: the first character after each gap
    wider than the type is tall (the ink of the runs beside it, and the box of the character
    after it) between two runs of text (pdfium's rectangles of text objects; with no other run
    in it, for right-to-left text), sorted; and among them, the first characters of runs of
    left-to-right text that start three type heights back inside the run before (a table's
    cell the file draws after the one right of it). pdfium
    joins text of two columns or of table cells that share a baseline into one line with a
    space; these are the places to cut such a line."""
    count = pdfium_c.FPDFText_CountRects(textpage, 0, -1)
    if count < 2:
        return [], []
    left, top, right, bottom = (ctypes.c_double() for _ in range(4))
    refs = [ctypes.byref(v) for v in (left, top, right, bottom)]
    get = pdfium_c.FPDFText_GetRect
    rects = []
    for i in range(count):
        get(textpage, i, *refs)
        rects.append((left.value, top.value, right.value, bottom.value))
    cuts: list[int] = []
    backs: list[int] = []
    prev: tuple[float, float, float, float] | None = None
    for rect in rects:
        if prev is not None and rect[1] - rect[3] < 0.4 * (prev[1] - prev[3]):
            # an accent, a dot or a minus drawn on its own is no run of text: what follows is
            # judged against the run before it (which it widens when it sits beside it)
            if rect[0] - prev[2] <= prev[1] - prev[3]:
                prev = (prev[0], prev[1], max(prev[2], rect[2]), prev[3])
            continue
        if prev is not None:
            height = max(prev[1] - prev[3], rect[1] - rect[3])
            middle = (rect[1] + rect[3]) / 2
            # (right-to-left text runs on to the left: its gap is before the run's right end)
            leftwards = prev[0] - rect[2] > height
            if prev[3] < middle < prev[1] and (rect[0] - prev[2] > height or leftwards):
                x = rect[2] - 0.25 * height if leftwards else rect[0] + 0.25 * height
                index = pdfium_c.FPDFText_GetCharIndexAtPos(textpage, x, middle, 0.25 * height, 0.25 * height)
                gap = prev[0] - rect[2] if leftwards else rect[0] - prev[2]
                # (the ink of a run without tall letters, Hebrew say, is short of the type's
                # size: a space between its words may be wider)
                lo, hi = (rect[2], prev[0]) if leftwards else (prev[2], rect[0])
                # (a justified line of right-to-left script, whose words are long and few, is
                # stretched at its spaces more than English is: a gap before such a word must be
                # half as wide again as the type is high; one before a figure, in a table's
                # row, need not)
                after = chr(pdfium_c.FPDFText_GetUnicode(textpage, index))
                share = 1.5 if RTL_SCRIPT.match(after) and after.isalpha() else _TYPE_SHARE
                if (
                    index > 0
                    and gap > share * _loose_height(textpage, index)
                    # (runs of right-to-left text and of numbers in it come in pdfium's order,
                    # not the page's: the gap between two may hold a third, or a kashida)
                    and not (
                        leftwards
                        and any(r[0] < hi and r[2] > lo and r[3] < prev[1] and r[1] > prev[3] for r in rects)
                    )
                ):
                    cuts.append(index)
            elif prev[3] < middle < prev[1] and prev[0] < rect[0] < prev[2] - 3 * height:
                index = pdfium_c.FPDFText_GetCharIndexAtPos(
                    textpage, rect[0] + 0.25 * height, middle, 0.25 * height, 0.25 * height
                )
                if index > 0 and not RTL_SCRIPT.match(chr(pdfium_c.FPDFText_GetUnicode(textpage, index))):
                    cuts.append(index)
                    backs.append(index)
        prev = rect
    return sorted(cuts), backs


def cut(text: str, offsets: list[int]) -> list[tuple[int, str]]:
    """``text`` cut at the word each offset falls in: each piece's offset and its text (without
    the space that ended it)."""
    pieces, start = [], 0
    for offset in offsets:
        offset = text.rfind(" ", start, offset) + 1  # a narrow first letter: found by its neighbour
        # (a bullet or an item's number stays with its item's text)
        if start < offset < len(text) and not _LIST_MARK.match(text[start:offset].strip()):
            pieces.append((start, text[start:offset].rstrip()))
            start = offset
    pieces.append((start, text[start:]))
    return pieces
