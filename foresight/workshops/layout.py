"""Where everything on a Visual Roadmap poster goes: pure geometry, no drawing.

The poster is a matrix: the time slots run along the x axis (with a marked lane for undated
evidence after them when there is any), the four domains down the y axis. Above it stand the
title, the framing question, the topic and blank fields for the group and its moderator; below
it the legend and the instructions. Cards are packed into a grid inside each domain x slot cell,
in the cell's upper part so the lower part stays free for sticky notes.

All text is set at one body size per paper size (:data:`BODY_PT`; the title and the axis labels
at fixed multiples of it), never shrunk to fit: a card's name is wrapped and, past its lines, cut
with an ellipsis. A cell with more cards than fit ends in a "+N more" card, and the cards it
stands for are kept in :attr:`RoadmapLayout.hidden` for the list on the following page. All
lengths are inches from the page's lower-left corner; font sizes are points.
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

# the body text size per paper size: A0 is read from 2 m at the wall, A3 and A4 at a table
BODY_PT = {"A0": 24.0, "A1": 16.0, "A3": 9.0, "A4": 7.5}
TITLE_TIMES = 2.0  # the title, and the axis labels (LABEL_TIMES), relative to the body size
LABEL_TIMES = 1.2
UNDATED_LABEL = "Undated"

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
    own: bool = False  # drawn with a bold dark edge (cards of the topic's own codes)
    listed: str = ""  # how the card reads in the list of cards a poster could not show


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


@dataclass(frozen=True)
class PosterText:
    """What a poster says besides its cards: the framing, the topic, fields to fill in, instructions."""

    framing: str = ""  # the framing question and the horizon
    topic: str = ""  # what the topic is about
    fields: tuple[str, ...] = ()  # blank fields written in by hand (Group, Moderator)
    instructions: tuple[str, ...] = ()  # short steps for the participants


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
    scale: float = 1.0  # lengths relative to A4
    legend: str = ""  # how to read a card's detail, shown with the colour key below the matrix
    body: float = 8.0  # the body text size in points
    lines: list[Label] = field(default_factory=list)  # framing question and topic, under the subtitle
    fields: list[Label] = field(default_factory=list)  # "Group:" etc., a line to write on after each
    instructions: Label | None = None
    footer: Box = Box(0, 0, 0, 0)  # the band under the matrix: legend, instructions, page number
    undated: str | None = None  # the slot key of the undated lane, when the page has one
    hidden: list[CardSpec] = field(default_factory=list)  # cards in a "+N more" or in no cell

    def legend_items(self) -> list[tuple[str, str]]:
        """(text, what to draw) for the legend: the kinds of the cards shown, then the edges used.

        What to draw is ``kind:<kind>``, ``edge:marked``, ``edge:own`` or ``lane:undated``.
        """
        shown = [c.spec for c in self.cards if c.spec is not None]
        items = [(k or "other", f"kind:{k}") for k in dict.fromkeys(sorted(s.kind for s in shown))]
        if not any(s.kind for s in shown):
            items = []
        if any(s.marked for s in shown):
            items.append(("a trend flag", "edge:marked"))
        if any(s.own for s in shown):
            items.append(("one of the topic's codes", "edge:own"))
        if self.undated is not None:
            items.append(("no time horizon coded", "lane:undated"))
        return items


def _scale(height: float) -> float:
    """How much bigger than on A4 lengths are on a page this high (grows slower than the page)."""
    return (height / (210 * MM)) ** 0.6


def body_size(size: str) -> float:
    """The body text size of a paper size, in points."""
    page_size(size)  # refuses an unknown size
    return BODY_PT[size]


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
    shrink: float = 0.7,
) -> tuple[tuple[str, ...], int, float]:
    """The lines, how many of them are detail, and the font size that fit a card into ``box``.

    ``details`` are alternative ways to say the detail, longest first; a newline in one splits it
    over two lines. Tries each font size from ``base`` down to ``shrink`` times it (1: ``base``
    only) with each alternative in turn; at the smallest size it cuts the title and the last
    alternative with an ellipsis.
    """
    inner_w = (box.w - 2 * pad) * 72
    inner_h = (box.h - 2 * pad) * 72
    alternatives = [d.split("\n") for d in details] or [[]]
    smallest = base * shrink
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
    """A label wrapped at ``size`` into ``box``, cut with an ellipsis past its lines."""
    lines, _, fontsize = fit_card(
        text, [], box, size, title_lines=max_lines, measure=measure, pad=pad, shrink=1.0
    )
    return Label(box, "\n".join(lines), fontsize)


def fit_line(text: str, box: Box, size: float, measure: Measure) -> Label:
    """One line of ``text`` at ``size`` that fits the width of ``box`` (cut if need be)."""
    lines, _, fontsize = fit_card(
        text, [], Box(box.x, box.y, box.w, 1e3), size, title_lines=1, measure=measure, pad=0, shrink=1.0
    )
    return Label(box, lines[0], fontsize)


def _wrapped(text: str, width: float, size: float, max_lines: int, measure: Measure) -> list[str]:
    return fit_lines(text, width * 72, size, max_lines, measure)[0] if text else []


def layout_roadmap(
    title: str,
    subtitle: str,
    domains: Sequence[tuple[str, str]],
    slots: Sequence[str],
    cards: Sequence[CardSpec] = (),
    *,
    size: str = "A3",
    fill: float = 0.7,
    title_lines: int = 3,
    measure: Measure = text_width,
    text: PosterText = PosterText(),
    undated: str | None = None,
) -> RoadmapLayout:
    """Boxes for the title, the header lines, the axis labels, the cells, every card and the footer.

    ``fill`` is the share of each cell's height cards may take (the rest is for sticky notes).
    Cards go into their cell in the order given; those that do not fit become one "+N more"
    card, and they and the cards whose domain or slot is no cell are kept in ``hidden``.
    ``undated`` names the slot of the evidence without a time: a lane after the slots, drawn
    marked, added when a card is in it.
    """
    width, height = page_size(size)
    s = _scale(height)
    body = BODY_PT[size]
    step = body * LINE / 72  # a line of body text, in inches
    margin = 0.35 * s
    lanes = list(slots)
    if undated is not None and any(c.slot == undated for c in cards):
        lanes.append(undated)
    else:
        undated = None

    # the header: title, subtitle, framing and topic lines on the left; blank fields on the right
    top = height - margin
    fields_w = (width - 2 * margin) * 0.28 if text.fields else 0.0
    left_w = width - 2 * margin - fields_w - (0.3 * s if text.fields else 0)
    title_size = body * TITLE_TIMES
    title_h = title_size * LINE / 72
    title_label = fit_line(title, Box(margin, top - title_h, left_w, title_h), title_size, measure)
    y = top - title_h - 0.15 * step
    wrapped = _wrapped(subtitle, left_w, body, 2, measure) or [""]
    subtitle_label = Label(
        Box(margin, y - step * len(wrapped), left_w, step * len(wrapped)), "\n".join(wrapped), body
    )
    y -= step * len(wrapped)
    lines: list[Label] = []
    for line in (text.framing, text.topic):
        wrapped = _wrapped(line, left_w, body, 2, measure)
        if wrapped:
            box = Box(margin, y - step * len(wrapped), left_w, step * len(wrapped))
            lines.append(Label(box, "\n".join(wrapped), body))
            y -= step * len(wrapped)
    field_labels = []
    field_step = 2.2 * step
    for i, name in enumerate(text.fields):
        box = Box(width - margin - fields_w, top - (i + 1) * field_step, fields_w, field_step)
        field_labels.append(Label(box, f"{name}:", body * LABEL_TIMES))
    header_top = min(y, top - len(text.fields) * field_step) - 0.4 * step

    # the footer: the legend line, then the instructions, the page number at the right
    steps = " ".join(f"{n}. {t}" for n, t in enumerate(text.instructions, start=1))
    foot_w = width - 2 * margin - text_width("Page 10 of 10  ", body) / 72  # the page number at the right
    instructions = _wrapped(f"How to work: {steps}" if steps else "", foot_w, body, 2, measure)
    footer_h = step * (1.5 + len(instructions)) + 0.2 * step
    footer = Box(margin, margin, width - 2 * margin, footer_h)
    instruction_label = (
        Label(Box(margin, margin, foot_w, step * len(instructions)), "\n".join(instructions), body)
        if instructions
        else None
    )

    label_size = body * LABEL_TIMES
    header_h = label_size * LINE / 72 * 1.6
    label_w = max(width * 0.09, measure("Technological", label_size, True) / 72 + 0.3 * s)
    grid = Box(
        margin + label_w,
        footer.top,
        width - 2 * margin - label_w,
        header_top - header_h - footer.top,
    )
    cell_w = grid.w / len(lanes)
    cell_h = grid.h / len(domains)
    layout = RoadmapLayout(
        size=size,
        width=width,
        height=height,
        title=title_label,
        subtitle=subtitle_label,
        domains=[
            fit_label(
                name,
                Box(margin, grid.top - (i + 1) * cell_h, label_w, cell_h),
                label_size,
                measure,
                pad=0.1 * s,
            )
            for i, (_, name) in enumerate(domains)
        ],
        slots=[
            fit_label(
                UNDATED_LABEL if slot == undated else slot,
                Box(grid.x + j * cell_w, grid.top, cell_w, header_h),
                label_size,
                measure,
                max_lines=1,
            )
            for j, slot in enumerate(lanes)
        ],
        cells={
            (code, slot): Box(grid.x + j * cell_w, grid.top - (i + 1) * cell_h, cell_w, cell_h)
            for i, (code, _) in enumerate(domains)
            for j, slot in enumerate(lanes)
        },
        grid=grid,
        scale=s,
        body=body,
        lines=lines,
        fields=field_labels,
        instructions=instruction_label,
        footer=footer,
        undated=undated,
    )
    pad = 0.2 * body / 72 + 0.01 * s
    gap = 0.04 * s
    min_card_w = 9 * body / 72  # about 15 characters of body text
    layout.hidden = [c for c in cards if (c.domain, c.slot) not in layout.cells]
    for (code, slot), cell in layout.cells.items():
        members = [c for c in cards if c.domain == code and c.slot == slot]
        if members:
            _pack(layout, cell, members, min_card_w, gap, pad, fill, title_lines, measure)
    return layout


def _pack(
    layout: RoadmapLayout,
    cell: Box,
    members: Sequence[CardSpec],
    min_card_w: float,
    gap: float,
    pad: float,
    fill: float,
    title_lines: int,
    measure: Measure,
) -> None:
    """Place ``members`` in rows of cards across ``cell``'s upper ``fill``; each row as high as its
    tallest card's text (up to ``title_lines`` lines of name and a detail line). When the next row
    would not fit, the row's last card becomes "+N more" and the rest go to ``layout.hidden``."""
    body = layout.body
    step = body * LINE / 72
    cols = max(1, int((cell.w - gap) // (min_card_w + gap)))
    card_w = (cell.w - gap * (cols + 1)) / cols
    bottom = cell.top - cell.h * fill
    probe = Box(0, 0, card_w, title_lines * 2 * step + 2 * pad)  # high enough for any text

    def fit(spec: CardSpec) -> tuple[tuple[str, ...], int]:
        lines, n_detail, _ = fit_card(
            spec.title,
            list(spec.details),
            probe,
            body,
            title_lines=title_lines,
            measure=measure,
            pad=pad,
            shrink=1.0,
        )
        return lines, n_detail

    fitted: dict[int, tuple[tuple[str, ...], int]] = {}

    def row_height(first: int) -> float:
        for i in range(first, min(first + cols, len(members))):
            if i not in fitted:
                fitted[i] = fit(members[i])
        tallest = max(len(fitted[i][0]) for i in range(first, min(first + cols, len(members))))
        return min(tallest * step + 2 * pad, cell.h - 2 * gap)

    y = cell.top - gap
    k = 0
    while k < len(members):
        h = row_height(k)
        end = min(k + cols, len(members))
        last = end < len(members) and y - h - gap - row_height(end) < bottom
        if last:
            end -= 1  # the row's last place is for "+N more"
        for c, i in enumerate(range(k, end)):
            lines, n_detail = fitted[i]
            box = Box(cell.x + gap + c * (card_w + gap), y - h, card_w, h)
            layout.cards.append(PlacedCard(box, lines, n_detail, body, members[i], pad=pad))
        if last:
            more = len(members) - end
            lines, _, _ = fit_card(
                f"+{more} more (next page)",
                [],
                Box(0, 0, card_w, h),
                body,
                title_lines=title_lines,
                measure=measure,
                pad=pad,
                shrink=1.0,
            )
            box = Box(cell.x + gap + (end - k) * (card_w + gap), y - h, card_w, h)
            layout.cards.append(PlacedCard(box, lines, 0, body, None, more=more, pad=pad))
            layout.hidden += members[end:]
            return
        k = end
        y -= h + gap
