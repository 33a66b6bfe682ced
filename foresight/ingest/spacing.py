"""Spaces that pdfium puts inside a word, and figures raised after a word.

pdfium adds a space of its own where the next character is not where the last one's advance
leaves the pen. Some text layers (an OCR program's, over a scan) set every letter at its own
place, with wide letter spacing, and pdfium then puts a space before the last letter of
nearly every word: "Chin a Ocea n Shippin g Compan y". Such a space is no wider than the gaps
between the word's other letters; a space between words is wider by a space's width.

A footnote's mark set raised right after a word ("practice2", "growth.12") is written as
superscript figures ("practice²"), as are a unit's and a power's ("m²", "10⁶"): the word stays
a word for the keyword rules and the models, and the text reads as printed.
"""

from __future__ import annotations

import ctypes
import re
from typing import Any

import pypdfium2.raw as pdfium_c

from foresight.ingest.model import MARK, SUPERSCRIPT
from foresight.ingest.pdfium_calls import char_box, char_origin, tight_box, untyped

get_unicode = untyped(pdfium_c.FPDFText_GetUnicode, ctypes.c_uint)
is_generated = untyped(pdfium_c.FPDFText_IsGenerated, ctypes.c_int)

# figures right after a letter (and a stop, a comma or a bracket): "practice2", "growth.12",
# "uptake7,8", "trials12–14"
_AFTER_LETTER = re.compile(rf"(?<=[^\W\d_])([.,;:)’”]?)({MARK})(?!\d|\.\d)")

# a footnote's mark that pdfium put at the start of a line: "8 Thyroid carcinoma"
_LEADING_MARK = re.compile(rf"({MARK})(?=[ ,]|$)")
_WORD_END = re.compile(r"(?:[^\W\d_]|[.,;:)’”])\n$")  # a line that ends in a word, before the mark

# a space before a word's last character: "Ocea n", "Lt d", "13858 8", "o f"
_BEFORE_LAST = re.compile(r"(?<=\S) (?=\S(?: |$))")
_LETTERS = re.compile(r"[^\W\d_]+")


def rejoined_words(handle: Any, text: str, first: int) -> str:
    """``text`` (a line starting at character ``first`` of the page) less the spaces pdfium
    put between a word's letters: one it generated, before a word's last character, where the
    gap between the letters on either side is no wider than the gap between the two letters
    before it, and a tenth of the letters' height (in a word of two letters, than the gap
    between two letters of the line's other words). A line set letter by letter is left as it
    is: joining some of its letters would not make its words."""
    spots = [m.start() for m in _BEFORE_LAST.finditer(text)]
    if not spots or _letter_by_letter(text):
        return text
    sides = [ctypes.c_double() for _ in range(4)]  # left, right, bottom, top
    refs = [ctypes.byref(v) for v in sides]

    def box(index: int) -> tuple[float, float, float]:
        tight_box(handle, index, *refs)
        return sides[0].value, sides[1].value, sides[3].value - sides[2].value

    found: list[tuple[int, float, float | None, float]] = []  # (where, gap, letters' gap, height)
    for at in spots:
        index = first + at
        if is_generated(handle, index) != 1:
            continue
        left, right, height = box(index - 1)
        gap = box(index + 1)[0] - right
        letters = None if at < 2 or text[at - 2] == " " else left - box(index - 2)[1]
        found.append((at, gap, letters, height))
    known = sorted(letters for _, _, letters, _ in found if letters is not None)
    usual = known[len(known) // 2] if known else None
    drop = set()
    for at, gap, letters, height in found:
        letters = usual if letters is None else letters
        if letters is not None and gap <= max(letters, 0) + height / 10:
            drop.add(at)
    return "".join(c for i, c in enumerate(text) if i not in drop) if drop else text


def _letter_by_letter(text: str) -> bool:
    """Whether a line is set letter by letter ("Add t a b l e o f c o n t e n t s", a listing's):
    more than four in five of its runs of letters are single letters. (An OCR layer's split
    words leave one in two: "Chin a Ocea n".)"""
    runs = _LETTERS.findall(text)
    return 5 * sum(len(r) == 1 for r in runs) > 4 * len(runs)


def raised_figures(handle: Any, text: str, first: int) -> str:
    """``text`` (a line starting at character ``first`` of the page) with the figures set
    raised right after a letter as superscript figures: figures whose baseline stands above
    the letter's by a fifth of its type's height or more ("CO2"'s figure is set lower, "A4"'s
    and "[Cop87]"'s on the line). A mark that pdfium put at the start of the next line of its
    text ("States." then "8 Thyroid") counts too. The text keeps its length."""
    found = [(m.start(1) - 1, m.start(2), m.end(2)) for m in _AFTER_LETTER.finditer(text)]
    if text[:1].isdigit() and first >= 3 and (lead := _LEADING_MARK.match(text)):
        before = first - 3  # the last character of pdfium's line before, then "\r\n"
        if _WORD_END.match(chr(get_unicode(handle, before)) + chr(get_unicode(handle, first - 1))):
            found.append((before - first, 0, lead.end(1)))
    if not found:
        return text
    x, y = ctypes.c_double(), ctypes.c_double()
    rect = pdfium_c.FS_RECTF()
    out = list(text)
    for letter, start, end in found:
        char_origin(handle, first + letter, ctypes.byref(x), ctypes.byref(y))
        base, right = y.value, x.value
        char_box(handle, first + letter, ctypes.byref(rect))
        height = rect.top - rect.bottom
        char_origin(handle, first + start, ctypes.byref(x), ctypes.byref(y))
        if height > 0 and y.value - base >= 0.2 * height and x.value - right < 2 * height:
            out[start:end] = text[start:end].translate(SUPERSCRIPT)
    return "".join(out)
