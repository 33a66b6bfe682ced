"""Spaces that pdfium puts inside a word.

pdfium adds a space of its own where the next character is not where the last one's advance
leaves the pen. Some text layers (an OCR program's, over a scan) set every letter at its own
place, with wide letter spacing, and pdfium then puts a space before the last letter of
nearly every word: "Chin a Ocea n Shippin g Compan y". Such a space is no wider than the gaps
between the word's other letters; a space between words is wider by a space's width.
"""

from __future__ import annotations

import ctypes
import re
from typing import Any

import pypdfium2.raw as pdfium_c

from foresight.ingest.pdfium_calls import tight_box, untyped

is_generated = untyped(pdfium_c.FPDFText_IsGenerated, ctypes.c_int)

# a space before a word's last character: "Ocea n", "Lt d", "13858 8", "o f"
_BEFORE_LAST = re.compile(r"(?<=\S) (?=\S(?: |$))")


def rejoined_words(handle: Any, text: str, first: int) -> str:
    """``text`` (a line starting at character ``first`` of the page) less the spaces pdfium
    put between a word's letters: one it generated, before a word's last character, where the
    gap between the letters on either side is no wider than the gap between the two letters
    before it, and a tenth of the letters' height (in a word of two letters, than the gap
    between two letters of the line's other words)."""
    spots = [m.start() for m in _BEFORE_LAST.finditer(text)]
    if not spots:
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
