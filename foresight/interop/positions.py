"""Where a REFI-QDA selection starts and ends, in each tool's own way of counting.

Tools disagree on what a position counts: Unicode code points, or UTF-16 code units (tools built
on .NET or Java); a Windows line break as one character or two; a byte-order mark or not.
foresight keeps a source's text with ``\\n`` line breaks and no byte-order mark, and counts code
points. For each file the convention is worked out from its own selections: under the right one
they start and end on word boundaries, under a wrong one they drift into words, past the end of
the text or into the middle of a character. A selection that still does not fit is reported,
never placed on other text.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from foresight.ingest.language import paragraph_language
from foresight.nlp import sentencizer

BOM = "\ufeff"


@dataclass(frozen=True)
class Convention:
    """How a tool counts positions in a text."""

    utf16: bool = False  # UTF-16 code units: a character beyond U+FFFF counts two
    crlf_one: bool = False  # a Windows line break "\r\n" counts one
    bom: bool = False  # a byte-order mark at the start counts one

    def describe(self) -> str:
        parts = ["UTF-16 code units" if self.utf16 else "code points"]
        if self.crlf_one:
            parts.append("a Windows line break as one")
        if self.bom:
            parts.append("the byte-order mark counted")
        return ", ".join(parts)


PLAIN = Convention()


def canonical(raw: str) -> str:
    """The text as foresight keeps it: no byte-order mark, every line break ``\\n``."""
    return raw.removeprefix(BOM).replace("\r\n", "\n").replace("\r", "\n")


def position_map(raw: str, convention: Convention) -> np.ndarray:
    """For every position 0..N of ``raw`` counted the tool's way, the position in
    :func:`canonical` text; -1 where a position falls inside a character (a UTF-16 pair)."""
    points = np.frombuffer(raw.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    n = len(points)
    weight = np.ones(n, dtype=np.int64)  # positions each character takes in the tool's count
    kept = np.ones(n, dtype=np.int64)  # characters each takes in the canonical text
    if convention.utf16:
        weight[points > 0xFFFF] = 2
    cr = points == 0x0D
    crlf = cr.copy()
    crlf[:-1] &= points[1:] == 0x0A
    if n:
        crlf[-1] = False
    kept[crlf] = 0  # "\r\n" -> "\n": the "\r" goes
    if convention.crlf_one:
        weight[crlf] = 0
    if n and points[0] == 0xFEFF:
        kept[0] = 0
        weight[0] = 1 if convention.bom else 0
    tool = np.concatenate(([0], np.cumsum(weight)))
    ours = np.concatenate(([0], np.cumsum(kept)))
    mapping = np.full(int(tool[-1]) + 1, -1, dtype=np.int64)
    mapping[tool] = ours  # characters counting zero share a position, with the same canonical value
    return mapping


def candidates(raw: str) -> list[Convention]:
    """The conventions that would count this text differently, the plainest first."""
    astral = any(ord(ch) > 0xFFFF for ch in raw) if not raw.isascii() else False
    choices = [
        (False, True) if astral else (False,),
        (False, True) if "\r\n" in raw else (False,),
        (False, True) if raw.startswith(BOM) else (False,),
    ]
    return [Convention(u, c, b) for u, c, b in itertools.product(*choices)]


def _word(ch: str) -> bool:
    return ch.isalnum()


def on_boundaries(text: str, start: int, end: int) -> tuple[bool, bool]:
    """Whether a span starts and ends between words (not inside one)."""
    first = start <= 0 or start >= len(text) or not (_word(text[start - 1]) and _word(text[start]))
    last = end >= len(text) or end <= 0 or not (_word(text[end - 1]) and _word(text[end]))
    return first, last


@dataclass(frozen=True)
class Placement:
    """A selection in canonical positions, or why it has none."""

    start: int = -1
    end: int = -1
    problem: str | None = None


def place(
    spans: Sequence[tuple[int, int]], raw: str, convention: Convention, text: str | None = None
) -> list[Placement]:
    """The selections ``spans`` (the tool's positions in ``raw``) in canonical positions."""
    text = canonical(raw) if text is None else text
    mapping = position_map(raw, convention)
    placed = []
    for start, end in spans:
        if start < 0 or end < start or end >= len(mapping):
            placed.append(Placement(problem="outside the text"))
            continue
        a, b = int(mapping[start]), int(mapping[end])
        if a < 0 or b < 0:
            placed.append(Placement(problem="inside a character"))
            continue
        if not text[a:b].strip():
            placed.append(Placement(problem="selects no text"))
            continue
        first, last = on_boundaries(text, a, b)
        if not (first or last):
            placed.append(Placement(problem="starts and ends inside words"))
            continue
        placed.append(Placement(a, b))
    return placed


def _score(placements: list[Placement], text: str) -> int:
    score = 0
    for p in placements:
        if p.problem is None:
            first, last = on_boundaries(text, p.start, p.end)
            score += 2 + first + last
    return score


@dataclass(frozen=True)
class Fitted:
    convention: Convention
    placements: list[Placement]
    fits: bool  # False when the positions fit the text under no convention
    on_words: int  # selection ends on word boundaries under the chosen convention
    ends: int  # selection ends in all


def fit(spans: Sequence[tuple[int, int]], raw: str) -> Fitted:
    """Choose the convention under which the selections fit ``raw`` best, and place them.

    When fewer than half the selections' ends fall on word boundaries even under the best
    convention, the positions were counted on some other text: ``fits`` is False and the caller
    places none of them.
    """
    text = canonical(raw)
    best: tuple[int, Convention, list[Placement]] | None = None
    for convention in candidates(raw):
        placements = place(spans, raw, convention, text)
        score = _score(placements, text)
        if best is None or score > best[0]:
            best = (score, convention, placements)
    assert best is not None
    _, convention, placements = best
    on_words = sum(sum(on_boundaries(text, p.start, p.end)) if p.problem is None else 0 for p in placements)
    ends = 2 * len(spans)
    return Fitted(
        convention, placements, fits=not spans or on_words * 2 >= ends, on_words=on_words, ends=ends
    )


# -------------------------------------------------------------------- cutting text into units

BLANK_LINES = re.compile(r"\n[ \t\u00a0]*\n\s*")
BULLET_LINE = re.compile(r"\n(?=[ \t]*(?:[•●▪◦‣⁃*–—-]|\(?\d{1,2}[.)]|\(?[a-z][.)])[ \t]+)")


def unwrap(text: str) -> str:
    """Single line breaks inside paragraphs become spaces (a bullet keeps its line).

    The text keeps its length, so positions counted on the original still hold.
    """
    keep = {m.start() for m in BULLET_LINE.finditer(text)}
    chars = list(text)
    for m in re.finditer(r"(?<!\n)\n(?!\n)", text):
        i = m.start()
        if i in keep:
            continue
        after = text[i + 1 : i + 2]
        if after and after not in " \t\u00a0" and not text[i + 1 :].lstrip(" \t").startswith("\n"):
            chars[i] = " "
    return "".join(chars)


def paragraph_spans(text: str, max_chars: int) -> list[tuple[int, int]]:
    """Units of a text that came without them: its paragraphs (runs between blank lines), each
    trimmed of surrounding space, and a paragraph longer than ``max_chars`` cut at sentence
    boundaries. Spans index ``text`` itself."""
    spans: list[tuple[int, int]] = []
    position = 0
    pieces = [*BLANK_LINES.finditer(text), None]
    for match in pieces:
        stop = match.start() if match is not None else len(text)
        chunk = text[position:stop]
        lead = len(chunk) - len(chunk.lstrip())
        body = chunk.strip()
        if body:
            start = position + lead
            spans.extend(_split_long(text, start, start + len(body), max_chars))
        if match is not None:
            position = match.end()
    return spans


def _split_long(text: str, start: int, end: int, max_chars: int) -> list[tuple[int, int]]:
    if end - start <= max_chars:
        return [(start, end)]
    doc = sentencizer(paragraph_language(text[start:end]))(text[start:end])  # in its own language
    sentences = [(start + s.start_char, start + s.end_char) for s in doc.sents if s.text.strip()]
    out: list[tuple[int, int]] = []
    for a, b in sentences:
        if out and b - out[-1][0] <= max_chars:
            out[-1] = (out[-1][0], b)
        else:
            out.append((a, b))
    return [(a, b) for a, b in ((a + len(text[a:b]) - len(text[a:b].lstrip()), b) for a, b in out) if b > a]


def units_overlapped(units: list[tuple[int, int, int]], starts: list[int], start: int, end: int) -> list[int]:
    """The ids of the units a span overlaps; ``units`` are (id, start, end) in text order and
    ``starts`` their starts."""
    i = max(bisect.bisect_right(starts, start) - 1, 0)
    found = []
    while i < len(units) and units[i][1] < end:
        if units[i][2] > start:
            found.append(units[i][0])
        i += 1
    return found
