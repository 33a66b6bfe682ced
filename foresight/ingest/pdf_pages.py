"""What a PDF's pages are besides their lines of text: the rules a page draws (a table's), and
whether the document is a slide deck.

A slide deck (most pages wider than tall, with few lines each) is read a slide at a time: a
slide's title is the section of its text, its text is one unit (tables apart), and lines are
running only when they repeat on half the slides (a footline, a navigation bar), not when a
frame's title repeats over the few slides that build it up.
"""

from __future__ import annotations

import ctypes
from collections import Counter
from typing import Any

import pypdfium2.raw as pdfium_c

from foresight.ingest.layout import Paragraph, is_vertical
from foresight.ingest.model import Block, Line
from foresight.ingest.segment import join_lines, table_blocks
from foresight.ingest.tables import Rule, Rules


def may_hold_table(lines: list[Line]) -> bool:
    """Whether a page may hold a table: five baselines with three lines or more (cells)."""
    if len(lines) < 15:
        return False
    rows, count, span = 0, 0, (0.0, 0.0)
    for line in sorted(lines, key=lambda ln: -ln[3]):
        if span[0] <= (line[3] + line[4]) / 2 <= span[1]:
            count += 1
            rows += count == 3
        else:
            count, span = 1, (line[4], line[3])
    return rows >= 5


_THIN = 2.0  # a rule is at most this thick (points)


def page_rules(page: Any) -> Rules:
    """The rules the page draws: thin paths across (horizontal) and down (vertical), and the
    edges of drawn rectangles (a cell's border), each as where it stands and its extent."""
    horizontal: list[Rule] = []
    vertical: list[Rule] = []
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    refs = [ctypes.byref(v) for v in (left, bottom, right, top)]
    get, kind, bounds = (
        pdfium_c.FPDFPage_GetObject,
        pdfium_c.FPDFPageObj_GetType,
        pdfium_c.FPDFPageObj_GetBounds,
    )
    for index in range(pdfium_c.FPDFPage_CountObjects(page)):
        obj = get(page, index)
        if kind(obj) != pdfium_c.FPDF_PAGEOBJ_PATH or not bounds(obj, *refs):
            continue
        x0, y0, x1, y1 = left.value, bottom.value, right.value, top.value
        if y1 - y0 <= _THIN and x1 - x0 > 4 * _THIN:
            horizontal.append(((y0 + y1) / 2, x0, x1))
        elif x1 - x0 <= _THIN and y1 - y0 > 4 * _THIN:
            vertical.append(((x0 + x1) / 2, y0, y1))
        elif x1 - x0 > _THIN and y1 - y0 > _THIN:
            horizontal += [(y0, x0, x1), (y1, x0, x1)]
            vertical += [(x0, y0, y1), (x1, y0, y1)]
    return horizontal, vertical


SLIDE_RATIO = 1.15  # a slide is this much wider than tall, at least (4:3 is 1.33)
SLIDE_LINES = 30  # a deck's slides hold this many lines or fewer (the median slide)
DECK_SHARE = 0.8  # the share of a deck's pages that are slides, at least
SLIDE_TYPE = 0.025  # a slide's body type is this share of its height at least (a 4:3 slide: 13 pt)
DECK_RUNNING_SHARE = 0.5  # the share of slides a running line of a deck is on, at least


def is_deck(sizes: list[tuple[float, float]], pages: list[list[Line]], body: float) -> bool:
    """Whether a PDF is a slide deck: three pages or more, most of them wider than tall, the
    median of them holding few lines, its body text large for its pages (a book set for
    screens, wide too, has smaller type and more lines)."""
    if len(pages) < 3:
        return False
    wide = sum(width > SLIDE_RATIO * height for width, height in sizes)
    counts = sorted(len(page) for page in pages)
    height = sorted(size[1] for size in sizes)[len(sizes) // 2]
    return (
        wide >= DECK_SHARE * len(pages)
        and counts[len(counts) // 2] <= SLIDE_LINES
        and body >= SLIDE_TYPE * height
    )


def slide_blocks(paragraphs: list[Paragraph], number: int) -> list[Block]:
    """A slide's paragraphs as blocks: its title (a heading before any text) the section, the
    rest one unit with a line a paragraph (tables a unit each); a slide of a title alone is a
    heading, the section of the slides after it."""
    title = None
    rest = list(paragraphs)
    if rest and rest[0].kind == "heading":
        title = " ".join(" ".join(rest.pop(0).lines).split())
    blocks: list[Block] = []
    texts: list[str] = []
    for para in rest:
        if para.kind == "table":
            blocks += table_blocks(para.lines, page=number, section=title)
        elif text := join_lines(para.lines):
            texts.append(text)
    if texts:
        blocks.insert(0, Block("\n".join(texts), kind="slide", page=number, section=title, fixed=True))
    elif title:
        blocks.insert(0, Block(title, kind="heading", page=number))
    return blocks


def built_up(blocks: list[Block]) -> list[Block]:
    """A deck's slides less those that only build up the next one (a frame shown bullet by
    bullet): a slide under the same title whose every word the next slide holds too is left
    out, and its words stay in the slide that completes it."""
    slides = [i for i, block in enumerate(blocks) if block.kind == "slide"]
    drop = set()
    for here, after in zip(slides, slides[1:], strict=False):
        this, that = blocks[here], blocks[after]
        follows = this.section == that.section and that.page == (this.page or 0) + 1
        if follows and not Counter(this.text.split()) - Counter(that.text.split()):
            drop.add(here)
    return [block for i, block in enumerate(blocks) if i not in drop]


Matrix = tuple[float, float, float, float, float, float]


def upright_matrix(
    lines: list[Line], textpage: Any, box: tuple[float, float, float, float], turned: bool
) -> Matrix | None:
    """The turn that sets upright a page whose text is set on its side, so that it reads across,
    lines top to bottom; None for other pages. A page the file shows turned a quarter (its
    /Rotate, ``turned``: a landscape page) is set upright when most of its characters are on
    their side; another (a table drawn turned on a page of its own) when three quarters are, so
    that a page's text across beside a large table turned is not lost. ``box``: the page's
    left, bottom, right and top. (The page's few lines that read across come out on their side:
    stamps, to be dropped.)"""
    side = sum(len(ln[0]) for ln in lines if is_vertical(ln))
    if (2 if turned else 4 / 3) * side <= sum(len(ln[0]) for ln in lines):
        return None
    left, _, right, top = box
    if _reads_down(textpage):  # (its top at the page's right): x' = top - y, y' = x
        return (0.0, 1.0, -1.0, 0.0, top, 0.0)
    return (0.0, -1.0, 1.0, 0.0, 0.0, left + right)  # x' = y, y' = left + right - x


def turn(page: Any, matrix: Matrix) -> None:
    """Every object of the page moved by ``matrix`` (pdfium's text of the page, loaded after,
    is in the new frame)."""
    for i in range(pdfium_c.FPDFPage_CountObjects(page)):
        pdfium_c.FPDFPageObj_Transform(pdfium_c.FPDFPage_GetObject(page, i), *matrix)


def _reads_down(textpage: Any) -> bool:
    """Whether the first run of five letters set on its side on the page reads downwards."""
    rect = pdfium_c.FS_RECTF()
    ref = ctypes.byref(rect)
    run: list[tuple[float, float]] = []
    for i in range(pdfium_c.FPDFText_CountChars(textpage)):
        if not chr(pdfium_c.FPDFText_GetUnicode(textpage, i)).isalpha():
            run = []
            continue
        pdfium_c.FPDFText_GetLooseCharBox(textpage, i, ref)
        run.append((rect.left, rect.top))
        if len(run) == 5:
            dy = run[-1][1] - run[0][1]
            if abs(dy) > abs(run[-1][0] - run[0][0]):
                return dy < 0
            run = run[1:]
    return True
