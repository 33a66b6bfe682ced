"""Lines of right-to-left script (Arabic, Hebrew) read from a PDF page in reading order.

pdfium reverses right-to-left text itself, but not as the Unicode bidirectional algorithm
does; these functions put a line's glyphs back in the order they stand in, from their boxes,
and read them with :mod:`foresight.ingest.bidi`. :mod:`foresight.ingest.pdf` calls them for
the lines that hold such script.
"""

from __future__ import annotations

import ctypes
import unicodedata
from collections import Counter
from collections.abc import Sequence
from typing import Any

from foresight.ingest.bidi import MIRROR, balanced, levels, logical, paired
from foresight.ingest.layout import RTL_SCRIPT, Line
from foresight.ingest.pdfium_calls import CONTROL, char_box, char_origin, font_size, map_error, tight_box

# the characters of a presentation form (an Arabic ligature, a Hebrew letter with its point),
# which pdfium gives in reading order in place of the form
_DECOMPOSED = frozenset(
    text
    for code in [*range(0xFB1D, 0xFE00), *range(0xFE70, 0xFF00)]
    if len(text := unicodedata.normalize("NFKC", chr(code))) > 1
)


_WEAK = frozenset(("EN", "AN", "NSM", "CS", "ES", "ET", "BN"))
# what pdfium turns the other way in text it reads right to left: what the bidirectional
# algorithm does, and quotation marks
_PDFIUM_MIRROR = MIRROR | {"“": "”", "”": "“", "‘": "’", "’": "‘"}
# the least gap between two glyphs that is a space between words, in type heights: letters
# touch, or all but, and a space may be narrow (XePersian sets some at a tenth of a glyph box's
# height); beside a bracket or a quotation mark, whose glyph has room on its side, more
_WORD_GAP = 0.07
_MARK_GAP = 0.15


def mirrored_by_pdfium(line: str) -> list[bool]:
    """Which characters of a line of pdfium's text are brackets (or quotation marks) that
    pdfium turned the other way, as it does to neutral characters it reads right to left.

    pdfium cuts the line into runs (left to right letters, right to left letters, numbers and
    separators, other neutrals), takes the line as right to left when it has no fewer runs of
    right-to-left letters than of left-to-right ones, and reads a run of neutrals right to
    left when the last run of letters before it (in its own text) is right to left, or when
    there is none and the line is right to left. This follows that on pdfium's text, whose
    runs are the same, in the order it read them.
    """
    kinds = []
    for char in line:
        cls = unicodedata.bidirectional(char)
        kinds.append("L" if cls == "L" else "R" if cls in ("R", "AL") else "W" if cls in _WEAK else "N")
    runs: list[tuple[int, int]] = []
    for i, kind in enumerate(kinds):
        if runs and kinds[runs[-1][0]] == kind:
            runs[-1] = (runs[-1][0], i + 1)
        else:
            runs.append((i, i + 1))
    right = sum(kinds[a] == "R" for a, _ in runs)
    current = "R" if right and right >= sum(kinds[a] == "L" for a, _ in runs) else "L"
    out = [False] * len(line)
    for a, b in runs:
        kind = kinds[a]
        if kind == "R" or (kind == "N" and current == "R"):
            current = "R"
            for i in range(a, b):
                out[i] = line[i] in _PDFIUM_MIRROR
        elif kind != "W":
            current = "L"
    return out


def _open_gap(left: float, right: float, fillers: list[tuple[float, float]]) -> float:
    """The widest stretch of the gap from ``left`` to ``right`` that no filler covers."""
    widest, start = 0.0, left
    for lo, hi in sorted(fillers):
        if hi <= start or lo >= right:
            continue
        widest, start = max(widest, lo - start), max(start, hi)
    return max(widest, right - start)


def _flat(handle: Any, index: int, rect: Any, tight: list[ctypes.c_double], share: float = 0.2) -> bool:
    """Whether a character's ink is less tall than ``share`` of its type's size, or of its box
    (``rect``, its loose box) when that is smaller: a letter's or a digit's is taller, a
    kashida's stroke is not (nor a space's). (Some Arabic fonts have a box twice as tall as
    their size: there a medial seen's ink is less than a fifth of the box, not of the size.)"""
    tight_box(handle, index, *map(ctypes.byref, tight))
    scale = rect.top - rect.bottom
    size = font_size(handle, index)
    return tight[3].value - tight[2].value < share * (min(scale, size) if size > 0 else scale)


def reading_order(
    handle: Any,
    ref: Any,
    rect: Any,
    text: str,
    first: int,
    rtl: bool,
    mirrored: Sequence[bool],
    brackets: list[bool],
) -> Line | None:
    """A line holding right-to-left script as a line (:data:`foresight.ingest.layout.Line`) in
    reading (logical) order, its box that of its glyphs, its height that of its type (None:
    it has no glyphs). ``rtl``: its paragraph runs
    right to left; ``brackets``: empty, or whether the file maps a bracket's glyph to the
    bracket it stands for (as found on the page's lines before), which this line may tell and
    sets.

    pdfium reverses right-to-left runs itself, but not as the bidirectional algorithm does: it
    reverses each word of an Arabic phrase inside a left-to-right line and not the phrase, it
    takes a line's direction from its number of runs of each direction, and it moves signs
    around numbers ("45%-"). So the line's glyphs are put back in the order they stand in
    (their boxes, left to right) and read with :func:`foresight.ingest.bidi.logical`:

    - the characters of one glyph (a ligature, which pdfium gives reversed; a presentation
      form, which it gives in order) stay together, in reading order, with spaces around them
      when the glyph's text has any;
    - a combining mark drawn as a glyph of its own goes with the letter it is drawn over;
    - a space stands where a gap between two glyphs is wide enough (:data:`_WORD_GAP`, beside
      a bracket :data:`_MARK_GAP`), less
      what glyphs with ink that stand for no text fill of it (a kashida drawn to stretch a
      word, which pdfium gives no text; not a space's glyph without text); the spaces in
      pdfium's text are not used, as it puts some of those it makes up where a mark is drawn
      back over its letter, inside a word;
    - a glyph that stands for no text is left out: one without Unicode, for which pdfium makes
      up text from the glyph's code (shaping programs map a cluster's text to one of its glyphs
      and nothing to the others), a spacing modifier (U+02B0 to U+02FF) drawn over a letter of
      right-to-left script, which is such a glyph of a mark that pdfium did not flag, and a
      "letter" or "digit" whose ink is a flat stroke (a kashida, or a kashida some programs map
      to a letter or a digit);
    - a bracket pdfium turned the other way (``mirrored``, one flag a character of ``text``) is
      turned back, and turned again where the line's reading says so (unless the file gives
      the bracket a glyph stands for: ``brackets``); brackets that still do not pair up are
      made to (:func:`foresight.ingest.bidi.paired`), as pdfium does not always turn them
      the way its own rule says.
    """
    pieces: list[list[Any]] = []  # [text, left, right, index, height, bottom, top]
    marks: list[tuple[str, float]] = []  # (mark, the middle of its ink)
    fillers: list[tuple[float, float]] = []  # where glyphs that stand for no text are drawn
    tight = [ctypes.c_double() for _ in range(4)]
    last: tuple[float, float, float] | None = None
    for i, char in enumerate(text):
        index = first + i
        if char == "\x00" or map_error(handle, index):
            char_box(handle, index, ref)
            if not _flat(handle, index, rect, tight, 0.05):  # (a space's glyph has no ink)
                fillers.append((rect.left, rect.right))
            continue
        char_box(handle, index, ref)
        box = (rect.left, rect.right, rect.bottom)  # (the characters of one glyph share it exactly)
        if mirrored[i]:
            char = _PDFIUM_MIRROR[char]
        if box == last:
            pieces[-1][0] += char
        elif unicodedata.combining(char) or "\u02b0" <= char <= "\u02ff":
            tight_box(handle, index, *map(ctypes.byref, tight))
            marks.append((char, (tight[0].value + tight[1].value) / 2))
        elif char.isalnum() and char not in "٠۰" and _flat(handle, index, rect, tight):  # (zeros: dots)
            fillers.append((rect.left, rect.right))  # a kashida's stroke, mapped to a letter
        else:
            # (its left: where the pen stood, when the ink of a tail runs on left of it: ر, و)
            char_origin(handle, index, *map(ctypes.byref, tight[:2]))
            left = tight[0].value if rect.left < tight[0].value < rect.right else rect.left
            pieces.append([char, left, rect.right, index, rect.top - rect.bottom, rect.bottom, rect.top])
        last = box
    glyphs = [p for p in pieces if not p[0].isspace()]
    if not glyphs:
        return None
    for piece in glyphs:
        chars = piece[0]
        if len(chars) > 1 and chars not in _DECOMPOSED and RTL_SCRIPT.search(chars):
            piece[0] = chars[::-1]  # a glyph's letters, which pdfium reversed
    for mark, middle in marks:
        over = min(glyphs, key=lambda p: (not p[1] <= middle <= p[2], abs((p[1] + p[2]) / 2 - middle)))
        if unicodedata.combining(mark):
            over[0] += mark
        elif not (over[1] <= middle <= over[2] and RTL_SCRIPT.match(over[0])):
            pieces.append([mark, middle, middle, -1, 0.0, 0.0, 0.0])
    # (one glyph's text that pdfium split in runs of two directions: its right-to-left run first)
    pieces.sort(key=lambda p: ((p[1] + p[2]) / 2, -p[3]))
    visual: list[str] = []
    before = None
    for piece in pieces:
        chars = piece[0]
        if chars.isspace():
            continue
        least = (
            _WORD_GAP
            if before is not None and before[0][-1:].isalnum() and chars[:1].isalnum()
            else _MARK_GAP
        )
        if before is not None and _open_gap(before[2], piece[1], fillers) >= least * max(before[4], piece[4]):
            visual.append(" ")
        if len(chars) > 1 and chars != chars.strip():
            visual += [" ", chars.strip(), " "]
        else:
            visual.append(chars)
        before = piece
    found = levels(visual, rtl)
    read = "".join(logical(visual, rtl, found=found))
    if any(char in MIRROR for char in read):
        # some programs map a bracket's glyph to the bracket it stands for, not to its shape:
        # told by the brackets that pair up only so, on the line or on lines before it
        as_drawn = "".join(logical(visual, rtl, mirror=False, found=found))
        if balanced(as_drawn) != balanced(read):
            brackets[:] = [balanced(as_drawn)]
        if brackets and brackets[0]:
            read = as_drawn
        if not balanced(read):
            read = paired(read)
    # (glyphs of a fallback font have boxes of other heights: the least height a quarter of
    # the glyphs have is the line's type's, or the commonest when none has as many (a line of
    # glyphs from many fonts), and its glyphs give the line's top and bottom)
    heights = Counter(round(p[4], 1) for p in glyphs)
    typical = min(
        (h for h, n in heights.items() if 4 * n >= len(glyphs)), default=heights.most_common(1)[0][0]
    )
    typed = [p for p in glyphs if round(p[4], 1) == typical]
    return (
        " ".join(CONTROL.sub("", read).split()),
        min(p[1] for p in glyphs),
        max(p[2] for p in glyphs),
        max(p[6] for p in typed),
        min(p[5] for p in typed),
        typical,
    )
