"""Where everything on a Visual Roadmap poster goes: pure geometry, no drawing.

The poster is a matrix: the time slots run along the x axis, the four domains down the y axis.
Cards are packed into a grid inside each domain x slot cell, in the cell's upper part so the lower
part stays free for sticky notes. Every card's text is fitted to its box (smaller font, then an
ellipsis), and a cell with more cards than fit ends in a "+N more" card. All lengths are inches
from the page's lower-left corner; font sizes are points.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from foresight.errors import ForesightError

MM = 1 / 25.4
PAPER_MM = {"A0": (841, 1189), "A1": (594, 841), "A3": (297, 420), "A4": (210, 297)}
ELLIPSIS = "…"
LINE = 1.25  # line height in font sizes
SAFETY = 1.06  # measured widths are padded by this much against renderer differences

Measure = Callable[[str, float, bool], float]  # (text, font size in pt, bold) -> width in pt
FONT = "DejaVu Sans"  # matplotlib's own font, always there


@functools.lru_cache(maxsize=2)
def _font(bold: bool):  # type: ignore[no-untyped-def]
    """A font object of our own: matplotlib's shared one changes size whenever it draws."""
    from matplotlib.font_manager import FontProperties, findfont
    from matplotlib.ft2font import FT2Font

    return FT2Font(findfont(FontProperties(family=FONT, weight="bold" if bold else "normal")))


@functools.lru_cache(maxsize=4096)
def _advance(char: str, bold: bool) -> float:
    """How far the pen moves after ``char`` at 1 pt, in points."""
    from matplotlib.ft2font import LoadFlags

    font = _font(bold)
    font.set_size(100, 72)
    glyph = font.load_char(ord(char), flags=LoadFlags.NO_HINTING)
    return glyph.linearHoriAdvance / 65536 / 100


def text_width(text: str, size: float, bold: bool = False) -> float:
    """The width in points of ``text`` set in :data:`FONT` at ``size`` points, padded by :data:`SAFETY`.

    The sum of the glyphs' advances (no kerning, which only narrows text): fast enough to try many
    wrappings, and never narrower than what matplotlib draws.
    """
    return sum(_advance(ch, bold) for ch in text) * size * SAFETY


def page_size(size: str) -> tuple[float, float]:
    """Landscape width and height in inches of a paper size."""
    if size not in PAPER_MM:
        raise ForesightError(f"unknown paper size {size!r} (use {', '.join(PAPER_MM)})")
    short, long = PAPER_MM[size]
    return long * MM, short * MM


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    w: float
    h: float

    @property
    def right(self) -> float:
        return self.x + self.w

    @property
    def top(self) -> float:
        return self.y + self.h

    def contains(self, other: Box, tol: float = 1e-9) -> bool:
        return (
            other.x >= self.x - tol
            and other.y >= self.y - tol
            and other.right <= self.right + tol
            and other.top <= self.top + tol
        )

    def overlaps(self, other: Box) -> bool:
        return self.x < other.right and other.x < self.right and self.y < other.top and other.y < self.top


@dataclass(frozen=True)
class CardSpec:
    """What a card says, before it has a place: title, a detail line, and where it belongs."""

    key: str
    domain: str
    slot: str
    title: str
    details: tuple[str, ...] = ()  # ways to say the detail line, longest first; the first that fits is used
    kind: str = ""
    links: tuple[str, ...] = ()  # keys of the cards this one points to
    marked: bool = False  # drawn with a bold coloured edge (cards from the trend flags)


@dataclass(frozen=True)
class PlacedCard:
    box: Box
    lines: tuple[str, ...]  # title lines then, when there is one, the detail line
    detail_lines: int  # how many of the last lines are the detail
    fontsize: float
    spec: CardSpec | None  # None for a "+N more" card
    more: int = 0
    pad: float = 0.0  # inner margin in inches


@dataclass(frozen=True)
class Label:
    box: Box
    text: str
    fontsize: float


@dataclass
class RoadmapLayout:
    size: str
    width: float
    height: float
    title: Label
    subtitle: Label
    domains: list[Label]
    slots: list[Label]
    cells: dict[tuple[str, str], Box]
    cards: list[PlacedCard] = field(default_factory=list)
    grid: Box = Box(0, 0, 0, 0)
    scale: float = 1.0  # text size relative to A4
    legend: str = ""  # how to read a card's detail, shown with the colour key below the matrix


def _scale(height: float) -> float:
    """How much bigger than on A4 text is set on a page this high (grows slower than the page)."""
    return (height / (210 * MM)) ** 0.6


def fit_lines(
    text: str, width: float, size: float, max_lines: int, measure: Measure, bold: bool = False
) -> tuple[list[str], bool]:
    """``text`` wrapped into at most ``max_lines`` lines of ``width`` points; True when nothing was cut."""
    words = text.split()
    lines: list[str] = []
    current = ""
    complete = True
    i = 0
    while i < len(words):
        word = words[i]
        trial = f"{current} {word}" if current else word
        if measure(trial, size, bold) <= width:
            current = trial
            i += 1
            continue
        if not current:  # one word longer than the line: cut it
            cut = word
            while cut and measure(cut + ELLIPSIS, size, bold) > width:
                cut = cut[:-1]
            lines.append(cut + ELLIPSIS if cut else "")
            complete = False
            i += 1
        else:
            lines.append(current)
            current = ""
        if len(lines) == max_lines:
            break
    if len(lines) < max_lines and current:
        lines.append(current)
        current = ""
    if i < len(words) or current:
        complete = False
        last = lines[-1] if lines else ""
        while last and measure(last + ELLIPSIS, size, bold) > width:
            last = last[:-1].rstrip()
        if lines:
            lines[-1] = last + ELLIPSIS
        else:
            lines = [ELLIPSIS]
    return lines, complete


def fit_card(
    title: str,
    details: Sequence[str],
    box: Box,
    base: float,
    *,
    title_lines: int,
    measure: Measure = text_width,
    pad: float,
) -> tuple[tuple[str, ...], int, float]:
    """The lines, how many of them are detail, and the font size that fit a card into ``box``.

    ``details`` are alternative ways to say the detail, longest first; a newline in one splits it
    over two lines. Tries each font size from ``base`` down to 70% of it with each alternative in
    turn; at the smallest size it cuts the title and the last alternative with an ellipsis.
    """
    inner_w = (box.w - 2 * pad) * 72
    inner_h = (box.h - 2 * pad) * 72
    alternatives = [d.split("\n") for d in details] or [[]]
    smallest = base * 0.7
    # every size is tried with the full alternatives before the last, shortest one gets its turn
    passes = [alternatives[:-1], alternatives[-1:]] if len(alternatives) > 1 else [alternatives]
    for group in passes:
        size = base
        while size >= smallest - 1e-9:
            room = int((inner_h + 1e-6) / (size * LINE))
            for detail in group:
                max_title = min(title_lines, room - len(detail))
                if max_title < 1 or any(measure(d, size, False) > inner_w for d in detail):
                    continue
                lines, complete = fit_lines(title, inner_w, size, max_title, measure, bold=True)
                if complete:
                    return (*lines, *detail), len(detail), size
            size -= 0.5
    size = smallest
    room = int((inner_h + 1e-6) / (size * LINE))
    detail = alternatives[-1][:1]
    if room - len(detail) < 1:
        detail = []
    lines, _ = fit_lines(
        title, inner_w, size, max(1, min(title_lines, room - len(detail))), measure, bold=True
    )
    cut: list[str] = []
    for d in detail:
        cut += fit_lines(d, inner_w, size, 1, measure)[0]
    return (*lines, *cut), len(cut), size


def fit_label(
    text: str, box: Box, size: float, measure: Measure, *, max_lines: int = 3, pad: float = 0.0
) -> Label:
    """A label whose text is wrapped (and if need be shrunk, then cut) to fit inside ``box``."""
    lines, _, fontsize = fit_card(text, [], box, size, title_lines=max_lines, measure=measure, pad=pad)
    return Label(box, "\n".join(lines), fontsize)


def fit_line(text: str, box: Box, size: float, measure: Measure) -> Label:
    """One line of ``text`` that fits the width of ``box`` (smaller, then cut); the height is not checked."""
    lines, _, fontsize = fit_card(
        text, [], Box(box.x, box.y, box.w, 1e3), size, title_lines=1, measure=measure, pad=0
    )
    return Label(box, lines[0], fontsize)


def layout_roadmap(
    title: str,
    subtitle: str,
    domains: Sequence[tuple[str, str]],
    slots: Sequence[str],
    cards: Sequence[CardSpec] = (),
    *,
    size: str = "A3",
    fill: float = 0.7,
    title_lines: int = 2,
    measure: Measure = text_width,
) -> RoadmapLayout:
    """Boxes for the title, the axis labels, the cells and every card.

    ``fill`` is the share of each cell's height cards may take (the rest is for sticky notes).
    Cards go into their cell in the order given; those that do not fit become one "+N more" card.
    """
    width, height = page_size(size)
    s = _scale(height)
    margin = 0.35 * s
    title_h = 0.55 * s
    header_h = 0.4 * s
    label_w = max(1.5 * s, width * 0.12)
    grid = Box(
        margin + label_w, margin, width - 2 * margin - label_w, height - 2 * margin - title_h - header_h
    )
    cell_w = grid.w / len(slots)
    cell_h = grid.h / len(domains)
    layout = RoadmapLayout(
        size=size,
        width=width,
        height=height,
        title=fit_line(
            title,
            Box(margin, height - margin - title_h * 0.62, width - 2 * margin, title_h * 0.62),
            20 * s,
            measure,
        ),
        subtitle=fit_line(
            subtitle,
            Box(margin, height - margin - title_h, width - 2 * margin, title_h * 0.38),
            9 * s,
            measure,
        ),
        domains=[
            fit_label(
                name, Box(margin, grid.top - (i + 1) * cell_h, label_w, cell_h), 11 * s, measure, pad=0.1 * s
            )
            for i, (_, name) in enumerate(domains)
        ],
        slots=[
            fit_label(
                slot, Box(grid.x + j * cell_w, grid.top, cell_w, header_h), 12 * s, measure, max_lines=1
            )
            for j, slot in enumerate(slots)
        ],
        cells={
            (code, slot): Box(grid.x + j * cell_w, grid.top - (i + 1) * cell_h, cell_w, cell_h)
            for i, (code, _) in enumerate(domains)
            for j, slot in enumerate(slots)
        },
        grid=grid,
        scale=s,
    )
    base = 7.0 * s
    pad = 0.05 * s
    gap = 0.06 * s
    card_h = (title_lines + 1) * base * LINE / 72 + 2 * pad
    min_card_w = 1.05 * s
    for (code, slot), cell in layout.cells.items():
        members = [c for c in cards if c.domain == code and c.slot == slot]
        if not members:
            continue
        cols = max(1, int((cell.w - gap) // (min_card_w + gap)))
        card_w = (cell.w - gap * (cols + 1)) / cols
        rows = max(1, int((cell.h * fill - gap) // (card_h + gap)))
        h = min(card_h, cell.h - 2 * gap)
        capacity = cols * rows
        shown = members if len(members) <= capacity else members[: capacity - 1]
        for k in range(len(shown) + (len(members) > capacity)):
            r, c = divmod(k, cols)
            box = Box(cell.x + gap + c * (card_w + gap), cell.top - gap - (r + 1) * h - r * gap, card_w, h)
            if k < len(shown):
                spec = shown[k]
                details = list(spec.details)
                lines, n_detail, fontsize = fit_card(
                    spec.title, details, box, base, title_lines=title_lines, measure=measure, pad=pad
                )
                layout.cards.append(PlacedCard(box, lines, n_detail, fontsize, spec, pad=pad))
            else:
                more = len(members) - len(shown)
                lines, _, fontsize = fit_card(
                    f"+{more} more", [], box, base, title_lines=1, measure=measure, pad=pad
                )
                layout.cards.append(PlacedCard(box, lines, 0, fontsize, None, more=more, pad=pad))
    return layout
