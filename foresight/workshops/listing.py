"""The pages that list what a roadmap poster could not show: pure geometry, no drawing.

A poster's cell holds as many cards as fit at the paper's one body size; the rest stand in a
"+N more" card, and the evidence no rule could place in a row has no cell at all. Both are listed
on the pages that follow the poster, section by section (a cell, or "no row"), in text columns at
the same body size, as many pages as they take.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from foresight.workshops.layout import (
    BODY_PT,
    LINE,
    TITLE_TIMES,
    Box,
    Label,
    Measure,
    _scale,
    fit_line,
    fit_lines,
    page_size,
    text_width,
)

COLUMNS = {"A0": 3, "A1": 3, "A3": 2, "A4": 2}


@dataclass(frozen=True)
class ListLine:
    text: str
    heading: bool  # a section's heading (bold), or one of its entries
    x: float  # where the line starts (entries' continuation lines are indented)
    y: float  # its baseline's top


@dataclass
class ListLayout:
    """One page of the list: a title, a subtitle and lines of text in columns."""

    size: str
    width: float
    height: float
    title: Label
    subtitle: Label
    body: float
    lines: list[ListLine] = field(default_factory=list)
    footer: Box = Box(0, 0, 0, 0)


def layout_list(
    title: str,
    subtitle: str,
    sections: Sequence[tuple[str, Sequence[str]]],
    *,
    size: str = "A3",
    measure: Measure = text_width,
) -> list[ListLayout]:
    """The pages listing ``sections`` (a heading and its entries each), at least one page.

    A heading never ends a column; an entry is wrapped within its column (continuation lines
    indented), never cut.
    """
    width, height = page_size(size)
    s = _scale(height)
    body = BODY_PT[size]
    step = body * LINE / 72
    margin = 0.35 * s
    columns = COLUMNS[size]
    gap = 0.4 * s
    col_w = (width - 2 * margin - gap * (columns - 1)) / columns
    indent = 1.2 * body / 72
    title_size = body * TITLE_TIMES
    title_h = title_size * LINE / 72
    top = height - margin - title_h - 1.6 * step
    bottom = margin + 1.5 * step  # the page number's line

    # every section as blocks of lines that stay together: a heading with its first entry, then entries
    blocks: list[tuple[str, list[tuple[str, bool, bool]]]] = []  # (section, [(text, heading, continued)])
    for heading, entries in sections:
        head = [(line, True, False) for line in _wrap(heading, col_w, body, measure, bold=True)]
        for i, entry in enumerate(entries):
            wrapped = _wrap(entry, col_w - indent, body, measure)
            block = [(line, False, n > 0) for n, line in enumerate(wrapped)]
            blocks.append((heading, head + block if i == 0 else block))
        if not entries:
            blocks.append((heading, head))

    pages: list[ListLayout] = []

    def new_page() -> ListLayout:
        page = ListLayout(
            size=size,
            width=width,
            height=height,
            title=fit_line(
                title if not pages else f"{title} (continued)",
                Box(margin, height - margin - title_h, width - 2 * margin, title_h),
                title_size,
                measure,
            ),
            subtitle=fit_line(
                subtitle,
                Box(margin, height - margin - title_h - step, width - 2 * margin, step),
                body,
                measure,
            ),
            body=body,
            footer=Box(margin, margin, width - 2 * margin, step),
        )
        pages.append(page)
        return page

    page = new_page()
    column, y = 0, top
    for section, block in blocks:
        need = len(block) * step + (0.4 * step if block[0][1] else 0)
        if y - need < bottom and y < top:
            column += 1
            y = top
            if column == columns:
                page, column = new_page(), 0
            if not block[0][1]:  # a section goes on in a new column: say which
                again = _wrap(f"{section} (continued)", col_w, body, measure, bold=True)
                block = [(line, True, False) for line in again] + block
        if block[0][1] and y < top:
            y -= 0.4 * step  # a little air before a heading
        x = margin + column * (col_w + gap)
        for text, heading, continued in block:
            page.lines.append(ListLine(text, heading, x + (indent if continued else 0), y))
            y -= step
    return pages


def _wrap(text: str, width: float, size: float, measure: Measure, *, bold: bool = False) -> list[str]:
    """``text`` in lines of ``width`` inches, as many as it takes (a word too long is cut)."""
    lines, _ = fit_lines(text, width * 72, size, 10_000, measure, bold=bold)
    return lines
