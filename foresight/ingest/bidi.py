"""Right-to-left text put back in reading order from the order it is drawn in.

A PDF draws a line's glyphs where they stand, left to right: Arabic or Hebrew words come out
with their letters and their words reversed, and numbers or Latin words among them keep
their own direction. :func:`logical` reverses what the Unicode bidirectional algorithm
(UAX #9) reversed to show the line, from the bidirectional classes of its characters
(standard library :mod:`unicodedata`).

The algorithm, made for the logical order, is run here on the visual one: its rules that
look one way along the line (a number after Arabic letters is an Arabic number, a number
after Latin letters joins them) are read as "on either side". Explicit embeddings and
isolates are not read (PDFs do not draw them). Two texts may be drawn alike (in a Hebrew
line, a Latin phrase then a number, or the number then the phrase): the reading given is
one of them.
"""

from __future__ import annotations

import unicodedata

_STRONG = {"L": "L", "R": "R", "AL": "R"}
_NUMBER = {"EN", "AN"}
_PAIRS = "()[]{}<>«»‹›⁅⁆"
# a bracket (or a relation of mathematics) and the one it is drawn as in right-to-left text
MIRROR = {
    a: b
    for pair in zip(_PAIRS[0::2] + "≤∈⊂⊆≪", _PAIRS[1::2] + "≥∋⊃⊇≫", strict=True)
    for a, b in (pair, pair[::-1])
}


def _class(text: str) -> str:
    """The bidirectional class of a piece of a line: that of its first strong character (a
    glyph may stand for several characters), else of its first character."""
    classes = [unicodedata.bidirectional(c) for c in text]
    for cls in classes:
        if cls in _STRONG:
            return cls
    return classes[0] if classes else "ON"


def _nearest(classes: list[str], i: int, step: int, edge: str) -> str:
    """The nearest strong class (L, R or AL) from ``i`` in one direction; ``edge`` past the
    line's end."""
    j = i + step
    while 0 <= j < len(classes):
        if classes[j] in _STRONG:
            return classes[j]
        j += step
    return edge


def levels(pieces: list[str], rtl: bool) -> list[int]:
    """The embedding level of each piece of a line given in visual order (``rtl``: the
    paragraph runs right to left): even for left-to-right text, odd for right-to-left."""
    base = "R" if rtl else "L"
    classes = [_class(p) for p in pieces]
    n = len(classes)
    raw = list(classes)
    # W1: a combining mark not attached to its letter takes the class before it
    for i, cls in enumerate(classes):
        if cls == "NSM":
            classes[i] = classes[i - 1] if i else base
    # W2: a number beside Arabic letters is an Arabic number
    for i, cls in enumerate(classes):
        if cls == "EN" and "AL" in (_nearest(raw, i, -1, base), _nearest(raw, i, 1, base)):
            classes[i] = "AN"
    classes = ["R" if c == "AL" else c for c in classes]
    # W4: one separator between two numbers of one kind joins them
    for i in range(1, n - 1):
        before, cls, after = classes[i - 1], classes[i], classes[i + 1]
        if before == after and ((cls == "ES" and before == "EN") or (cls == "CS" and before in _NUMBER)):
            classes[i] = before
    # W5: currency and percent signs beside a European number belong to it
    for i in range(n):
        if classes[i] != "ET":
            continue
        j = i
        while j < n and classes[j] == "ET":
            j += 1
        k = i
        while k > 0 and classes[k - 1] == "ET":
            k -= 1
        if (j < n and classes[j] == "EN") or (k > 0 and classes[k - 1] == "EN"):
            classes[i] = "EN"
    # W6: other separators are neutral
    classes = ["ON" if c in ("ES", "ET", "CS") else c for c in classes]
    # W7: a European number among left-to-right text on both sides is left-to-right text
    for i, cls in enumerate(classes):
        if cls == "EN" and _nearest(classes, i, -1, base) == "L" == _nearest(classes, i, 1, base):
            classes[i] = "L"
    # N1, N2: neutrals between text of one direction take it (numbers count as right to
    # left), others the paragraph's
    direction = ["L" if c == "L" else "R" if c in ("R", "EN", "AN") else None for c in classes]
    i = 0
    while i < n:
        if direction[i] is not None:
            i += 1
            continue
        j = i
        while j < n and direction[j] is None:
            j += 1
        before = direction[i - 1] if i else base
        after = direction[j] if j < n else base
        side = before if before == after else base
        for k in range(i, j):
            classes[k] = side
        i = j
    # I1, I2
    level = 1 if rtl else 0
    out = []
    for cls in classes:
        if level % 2 == 0:
            out.append(level + {"R": 1, "AN": 2, "EN": 2}.get(cls, 0))
        else:
            out.append(level + (1 if cls in ("L", "EN", "AN") else 0))
    return out


def logical(pieces: list[str], rtl: bool, mirror: bool = True, found: list[int] | None = None) -> list[str]:
    """Pieces of a line given in visual order (left to right), in reading order (rule L2:
    each run at a level or higher reversed, from the highest level down to the lowest odd
    one), a bracket in right-to-left text turned the other way (rule L4: the glyph drawn for
    "(" there stands for ")"; not with ``mirror`` false, for pieces that give the characters a
    glyph stands for rather than its shape; ``found``: the pieces' :func:`levels`, when known).
    A piece keeps its own text: a glyph that stands for several characters gives them in
    reading order already."""
    found = levels(pieces, rtl) if found is None else found
    if not found:
        return []
    if mirror:
        pieces = [MIRROR.get(p, p) if level % 2 else p for p, level in zip(pieces, found, strict=True)]
    order = list(range(len(pieces)))
    top = max(found)
    lowest_odd = min((lv for lv in found if lv % 2), default=top + 1)
    for level in range(top, lowest_odd - 1, -1):
        i = 0
        while i < len(order):
            if found[order[i]] < level:
                i += 1
                continue
            j = i
            while j < len(order) and found[order[j]] >= level:
                j += 1
            order[i:j] = order[i:j][::-1]
            i = j
    return [pieces[k] for k in order]


def balanced(text: str) -> bool:
    """Whether each bracket of ``text`` closes one opened before it, and all are closed."""
    depth = dict.fromkeys(_PAIRS[0::2], 0)
    closing = dict(zip(_PAIRS[1::2], _PAIRS[0::2], strict=True))
    for char in text:
        if char in depth:
            depth[char] += 1
        elif char in closing:
            depth[closing[char]] -= 1
            if depth[closing[char]] < 0:
                return False
    return not any(depth.values())


def paired(text: str) -> str:
    """``text`` with the brackets of each kind that do not pair up turned to open and close in
    turn, when there is an even number of them (a line's brackets seldom nest); an odd number
    (a bracket closed on another line) stays as it is."""
    chars = list(text)
    for opening, closing in zip(_PAIRS[0::2], _PAIRS[1::2], strict=True):
        at = [i for i, char in enumerate(chars) if char in (opening, closing)]
        if len(at) % 2 == 0 and not balanced("".join(chars[i] for i in at)):
            for n, i in enumerate(at):
                chars[i] = closing if n % 2 else opening
    return "".join(chars)
