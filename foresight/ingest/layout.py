"""Page layout from the positions of text lines: blocks, columns, reading order, paragraphs.

A reader gives each page's visual lines with their boxes (:data:`Line`); this module, which
knows nothing of PDF, turns them into paragraphs in reading order:

1. Lines of running heads and footers, page numbers and margin stamps are found across the
   pages (:func:`foresight.ingest.running.running`) and dropped: a line at a page's top or
   bottom edge whose text, digits aside, stands at the edge of many pages, or of many even or
   odd pages (heads that alternate sides), a page number at an edge, and text set on its side
   (the side stamp).
2. The rest are grouped into blocks: a line joins the recent block whose last line it follows
   closely below, overlapping it across, in about the same type size.
3. Blocks are put in reading order by recursive cuts through the gaps between them: a gap that
   runs the whole height of a region separates columns (left to right; right to left on a page
   of right-to-left script), a gap across its whole width separates bands (top to bottom).
   Bands with a column gap in common are cut as one region first, so that paragraph gaps that
   happen to line up in two columns do not cut the page into bands. Columns whose headings
   stand at one height (a flyer's panels, two by two) are cut across above those headings
   first, so that the panels are read row by row.
4. A table across the page (most of its lines short cells in rows of three or more, with no
   line of running text in its rows) is read as one: its rows across, top to bottom, between
   the text above and below it (:mod:`foresight.ingest.tables`; the rules the file draws bound
   its rows, when it draws them). A page with no such table whose lines a gap cuts from top to
   bottom, with running text on both sides, is read column by column first, so that a table in
   one column of a paper is found there and the column beside it stays whole.
5. A block is split into paragraphs at a first-line indent and after a line that ends a
   sentence well short of the block's right edge ("short" is judged within the block's own
   column, not against the page's widest line); on a page of right-to-left script, at an
   indent on the right and after a line that ends short of the left edge.
6. A paragraph in larger type than the document's body text is a heading, unless the paragraph
   after it continues its sentence; one in smaller type (footnotes, captions) is a note, which
   the segmenter keeps apart so that a paragraph running past it is joined across it.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from foresight.ingest.contents import without_contents
from foresight.ingest.model import MARK, SUPERSCRIPT, Line
from foresight.ingest.segment import FORMULA, TERMINAL, count_letters, symbols_only
from foresight.ingest.tables import Rules, apart, at_edge, edge_columns, is_prose, row_parts, table_region

_CAPTION = re.compile(r"^(?:figure|fig\.|table|tableau|abbildung|abb\.|tabelle|chart|exhibit)\s*\d", re.I)
# a section's number and its title in capitals: "VI. DISCUSSION", "2.3 RESULTS"
_NUMBERED_CAPS = re.compile(r"^(?:[IVXLC]{1,6}|\d{1,2}(?:\.\d{1,2})*)\.?\s+\w[^\W\d]{2,}")
_STATEMENT_END = re.compile(r"[.。!！;；,，][\"'”’)\]]*$")  # headings may end in ? or :
RTL_SCRIPT = re.compile(r"[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]")


@dataclass
class Paragraph:
    """Lines of one paragraph in reading order, and what the layout says it is."""

    lines: list[str]
    kind: str = "paragraph"  # paragraph | heading | note | table
    height: float = 0.0


@dataclass
class _Block:
    lines: list[Line] = field(default_factory=list)
    x0: float = math.inf
    x1: float = -math.inf
    top: float = -math.inf
    bottom: float = math.inf
    height: float = 0.0

    def add(self, line: Line) -> None:
        if not self.lines:
            self.height = line[5]
        self.lines.append(line)
        self.x0, self.x1 = min(self.x0, line[1]), max(self.x1, line[2])
        self.top, self.bottom = max(self.top, line[3]), min(self.bottom, line[4])


def is_vertical(line: Line) -> bool:
    """Text set on its side (a margin stamp): a line of several characters whose box is more
    than twice as tall as it is wide."""
    text, x0, x1, top, bottom, _ = line
    return len(text) >= 4 and top - bottom > 2 * (x1 - x0)


def _rejoined(lines: list[Line], edges: Sequence[float] = ()) -> list[Line]:
    """Lines the file gives in pieces put back together: a piece that follows the one before on
    its line (a superscript, a subscript, a formula's part, a word in another font) joins it,
    with a space when a gap stands between them; after it, or before it when the two are
    mostly right-to-left script (read from the right). A footnote's mark that the file gives
    as a piece of its own, set raised right after a word, joins it as superscript figures
    (marks inside a piece are found as it is read: :mod:`foresight.ingest.spacing`). A piece
    that starts at a column's left edge (``edges``) starts a column's line."""
    out: list[Line] = []
    for line in lines:
        if out and not any(at_edge(line, edge) for edge in edges):
            text, x0, x1, top, bottom, height = out[-1]
            size = max(height, line[5])
            overlap = min(top, line[3]) - max(bottom, line[4])
            gap = line[1] - x1
            if overlap > 0.3 * min(height, line[5]) and -0.2 * size < gap < 0.8 * size:
                joint = "" if gap < 0.1 * size else " "
                piece = line[0]
                raised = joint == "" and line[4] - bottom >= 0.25 * height
                if raised and _MARK.match(piece) and _WORD_END.search(text):
                    piece = piece.translate(SUPERSCRIPT)  # a footnote's mark set raised: "practice²"
                out[-1] = (
                    f"{piece}{joint}{text}" if mostly_rtl(text + piece) else f"{text}{joint}{piece}",
                    x0,
                    max(x1, line[2]),
                    max(top, line[3]),
                    min(bottom, line[4]),
                    _joint_height(text, height, line[0], line[5]),
                )
                continue
        out.append(line)
    return out


_MARK = re.compile(rf"[.,;:]?{MARK}$")  # a footnote's mark: "2", ".12", "7,8"
_WORD_END = re.compile(r"[^\W\d_][.,;:)’”]?$")


def _joint_height(text: str, height: float, other: str, other_height: float) -> float:
    """The type height of a line joined from two pieces: the taller one's, unless that one is
    a sign of less than two letters (a root sign, an integral, a drop capital), which does not
    make its line a line in larger type."""
    if other_height > height:
        text, height, other_height = other, other_height, height
    return height if count_letters(text) >= 2 else other_height


_REFERENCE_LABEL = re.compile(r"^\[[^\]\s]{1,12}\]$")  # [12]  [Cop87]  [KMN+02]
_REFERENCE_ITEM = re.compile(r"^\[[^\]\s]{1,12}\] ")  # a line that starts with such a label


def _labels_joined(lines: list[Line]) -> list[Line]:
    """A list of references whose labels stand in a column of their own ("[Cop87]", "[12]", the
    entries beside them): each label goes at the start of the line on its baseline to its right,
    so that the entry is one item that starts with its label."""
    labels = [ln for ln in lines if _REFERENCE_LABEL.match(ln[0])]
    if not labels:
        return lines
    joined: dict[Line, Line] = {}
    taken: set[Line] = set()
    for label in labels:
        size = label[5]
        beside = [
            ln
            for ln in lines
            if ln is not label
            and ln not in joined
            and 0 < ln[1] - label[2] < 4 * size
            and min(label[3], ln[3]) - max(label[4], ln[4]) > 0.5 * min(size, ln[5])
        ]
        if beside:
            entry = min(beside, key=lambda ln: ln[1])
            joined[entry] = (f"{label[0]} {entry[0]}", label[1], *entry[2:])
            taken.add(label)
    return [joined.get(ln, ln) for ln in lines if ln not in taken]


def _lead(lines: list[Line]) -> float:
    """The usual gap between a line and the next one below it in the same type (a low
    quartile, so that paragraph gaps do not count)."""
    gaps = sorted(
        a[4] - b[3]
        for a, b in zip(lines, lines[1:], strict=False)
        if abs(a[5] - b[5]) <= 0.15 * a[5] and -0.5 * a[5] < a[4] - b[3] < 1.5 * a[5]
    )
    return gaps[len(gaps) // 4] if gaps else 0.2 * (lines[0][5] if lines else 10.0)


def _blocks(lines: list[Line], lead: float) -> list[_Block]:
    blocks: list[_Block] = []
    for line in lines:
        _, x0, x1, top, _, height = line
        home = None
        for block in reversed(blocks[-12:]):  # lines of a few columns may come interleaved
            last = block.lines[-1]
            gap = last[4] - top  # from the last line's bottom down to this line's top
            size = max(height, last[5])
            if (
                -0.6 * size <= gap <= lead + 0.3 * size
                and x0 < last[2] + 0.5 * size
                and x1 > last[1] - 0.5 * size
                and abs(height - block.height) <= 0.2 * block.height
            ):
                home = block
                break
        if home is None:
            home = _Block()
            blocks.append(home)
        home.add(line)
    return blocks


def _gaps(spans: list[tuple[float, float]], least: float) -> list[tuple[float, float]]:
    """The empty stretches, at least ``least`` wide, between the union of ``spans``."""
    out: list[tuple[float, float]] = []
    spans = sorted(spans)
    reach = spans[0][1]
    for lo, hi in spans[1:]:
        if lo - reach >= least:
            out.append((reach, lo))
        reach = max(reach, hi)
    return out


def _columns(blocks: list[_Block], least: float) -> list[tuple[float, float]]:
    return _gaps([(b.x0, b.x1) for b in blocks], least)


def _order(blocks: list[_Block], size: float, rtl: bool) -> list[_Block]:
    """Blocks in reading order (recursive cuts; see the module's docstring)."""
    if len(blocks) <= 1:
        return blocks
    gutters = _columns(blocks, 0.8 * size)
    if gutters:  # a gap down the whole region: columns
        cuts = [mid for mid in ((lo + hi) / 2 for lo, hi in gutters)]
        groups: list[list[_Block]] = [[] for _ in range(len(cuts) + 1)]
        for block in blocks:
            groups[sum(block.x0 > cut for cut in cuts)].append(block)
        panels = _panel_rows(groups, size)
        if panels:  # panels side by side, row under row (a flyer): the rows first
            bands: list[list[_Block]] = [[] for _ in range(len(panels) + 1)]
            for block in blocks:
                bands[sum(block.top < cut for cut in panels)].append(block)
            return [b for band in bands for b in _order(band, size, rtl)]
        if rtl:
            groups.reverse()
        return [b for group in groups for b in _order(group, size, rtl)]
    # gaps across the whole width: bands, top to bottom
    spans = [(-b.top, -b.bottom) for b in blocks]
    cuts = [-(lo + hi) / 2 for lo, hi in _gaps(spans, 0.01)]
    if not cuts:
        return sorted(blocks, key=lambda b: (-b.top, b.x0))
    bands: list[list[_Block]] = [[] for _ in range(len(cuts) + 1)]
    for block in blocks:
        bands[sum(block.top < cut for cut in cuts)].append(block)
    # neighbouring bands that share a column gap are one region of columns
    merged: list[list[_Block]] = [bands[0]]
    for band in bands[1:]:
        joint = merged[-1] + band
        if _columns(merged[-1], 0.8 * size) and _columns(band, 0.8 * size) and _columns(joint, 0.8 * size):
            merged[-1] = joint
        else:
            merged.append(band)
    if len(merged) == 1 and len(bands) > 1 and not _columns(merged[0], 0.8 * size):
        merged = bands
    if len(merged) == 1:
        return sorted(blocks, key=lambda b: (-b.top, b.x0))
    return [b for band in merged for b in _order(band, size, rtl)]


def _panel_rows(groups: list[list[_Block]], size: float) -> list[float]:
    """Where a page of columns is cut across first: just above headings (type larger than the
    body's) that stand at one height in every column, with text above them in each (a flyer's
    or a designed report's panels, row under row, each opening with its heading). Descending."""
    heads = [[b.top for b in group if b.height >= 1.15 * size] for group in groups]
    if len(groups) < 2 or not all(heads):
        return []
    cuts = []
    for top in heads[0]:
        cut = top + 0.5 * size
        if all(any(abs(t - top) <= 0.5 * size for t in other) for other in heads[1:]) and all(
            any(b.bottom > cut and b.height < 1.15 * size for b in group) for group in groups
        ):  # (and text, not only headings, above it in every column: a panel ends there)
            cuts.append(cut)
    return sorted(cuts, reverse=True)


def _split(block: _Block, lead: float, rtl: bool = False) -> list[list[Line]]:
    """A block's lines cut into paragraphs (indents, short lines that end sentences, gaps); in
    right-to-left script (``rtl``) lines start at the right and a short line ends on the right
    of the left edge, so the block is read as its mirror image."""
    lines = block.lines
    if rtl:
        lines = [(ln[0], -ln[2], -ln[1], *ln[3:]) for ln in lines]
    left, right = min(ln[1] for ln in lines), max(ln[2] for ln in lines)
    size = block.height
    # hanging indents (a list of references): most lines indented, each item starting at the left
    hanging = len(lines) >= 3 and 2 * sum(ln[1] - left > 0.8 * size for ln in lines) > len(lines)
    paras: list[list[Line]] = [[lines[0]]]
    for prev, line in zip(lines, lines[1:], strict=False):
        text_a = prev[0]
        first = paras[-1][0]
        in_list = first[0][:1] in _BULLETS or first[1] < prev[1] - 0.5 * size
        # a first-line indent, after a line that ends a paragraph: with a closing mark, or well
        # short of the column's edge (a heading)
        indent = (
            line[1] - left > 0.8 * size
            and prev[1] - left < 0.5 * size
            and not in_list
            and (TERMINAL.search(text_a) is not None or prev[2] < left + 0.6 * (right - left))
        )
        new = (
            prev[4] - line[3] > lead + 0.3 * size  # a wider gap (blocks allow a little)
            or (indent and not hanging)
            or (hanging and line[1] - left < 0.5 * size)  # the next item of a hanging list
            or (  # a short line ending a sentence (in a hanging list, items start at the left)
                not hanging
                and prev[2] < right - 2.0 * size
                and TERMINAL.search(text_a) is not None
                and not text_a.endswith("-")
            )
            or line[0][:1] in _BULLETS
            or _REFERENCE_ITEM.match(line[0]) is not None  # the next entry of a list of references
            or (  # a heading set right on top of its text, in type a size larger
                len(paras[-1]) == 1
                and prev[5] >= 1.15 * line[5]
                and prev[2] < line[2] - 2.0 * size  # (short of the line under it)
                and TERMINAL.search(text_a) is None
            )
            or (len(paras[-1]) == 1 and not (hanging or in_list) and _broken_early(prev, line, right))
        )
        if new:
            paras.append([line])
        else:
            paras[-1].append(line)
    return paras


def _broken_early(prev: Line, line: Line, right: float) -> bool:
    """Whether a paragraph's first line ends where the next line's first word would have fitted
    after it, before a line that starts in a capital and runs on to the column's edge: the text
    broke there on purpose (a heading in the text's type, right on top of its text), not where
    the column ran out. (Short lines one after the other are a list's.)"""
    word = line[0].split(maxsplit=1)[0] if line[0].strip() else ""
    if not word[:1].isupper() or prev[0].endswith(("-", ",")) or not prev[0].strip():
        return False
    if line[2] < right - 0.1 * (right - min(prev[1], line[1])):
        return False
    per_char = (prev[2] - prev[1]) / len(prev[0])
    return prev[2] + 1.2 * (len(word) + 1) * per_char < right


_BULLETS = frozenset("•●▪▫◦○■□‣⁃∙·➢➤►▶✓✔❖\uf0b7\uf0a7\uf076\uf0d8\uf0fc\uf0a8\uf06e\uf0e0\uf02d")


_PRIVATE_BULLETS = "\uf0b7\uf0a7\uf076\uf0d8\uf0fc\uf0a8\uf06e\uf0e0"


def _symbol_bullet(text: str) -> str:
    """A line that starts with a bullet of a symbol font (a private-use character, shown as a
    box by any other font) starts with a plain bullet instead."""
    return f"•{text[1:]}" if text[:1] in _PRIVATE_BULLETS else text


CELL_CHARS = 40  # a block of a table's cell: at most this many characters, on one or two lines


def _is_cell(block: _Block) -> bool:
    """Whether a block is short enough to be a table's cell: a line or two, or a list of names
    wrapped on up to four lines that ends no sentence."""
    chars = sum(len(ln[0]) for ln in block.lines)
    if len(block.lines) <= 2:
        return chars <= CELL_CHARS
    text = _text(block)
    return (
        len(block.lines) <= 4
        and chars <= 2 * CELL_CHARS
        and text.count(",") >= 2
        and not TERMINAL.search(text)
        and not FORMULA.search(text)
    )


def _is_heading_type(block: _Block, body: float) -> bool:
    text = _text(block)
    return block.height >= 1.15 * body and 2 * count_letters(text) > len(text)


def _tables(blocks: list[_Block], body: float, rtl: bool = False) -> list[_Block | Paragraph]:
    """The blocks, with each run of table cells made one paragraph of kind "table".

    A run is four or more blocks in a row (in reading order) that are short (:func:`_is_cell`)
    and stand in at least two rows and two columns; its rows are read across (right to left
    on a page of right-to-left script, ``rtl``), top to bottom, their cells joined by " | ", as
    a coder reads a table.
    """
    out: list[_Block | Paragraph] = []
    run: list[_Block] = []
    for block in [*blocks, None]:
        if block is not None and _is_cell(block) and (run or not _is_heading_type(block, body)):
            run.append(block)  # (words in a heading's type open no table: a panel's heading)
            continue
        # (cells of a table hold words or figures; pieces of a formula are mostly one or two
        # characters: a sub- or superscript, a variable)
        if len(run) >= 4 and sum(len(_text(b)) >= 3 for b in run) >= 0.75 * len(run):
            rows = _rows(run, rtl)
            if len(rows) >= 2 and max(len(row) for row in rows) >= 2:
                cells = [" | ".join(_text(b) for b in row) for row in rows]
                out.append(Paragraph(cells, "table", max(b.height for b in run)))
                run = []
        out += run
        run = []
        if block is not None:
            out.append(block)
    return out


def _prose_columns(lines: list[Line], body: float) -> list[list[Line]]:
    """The page's lines cut at the gaps that run down the whole page with running text on both
    sides (three lines of prose at least: :data:`PROSE_CHARS` characters, five words), left to
    right; one group when there is none.

    A table's columns are cut by gaps too, but their cells are short: this cut, made before a
    table is looked for across the page, keeps a table that stands in one column of a paper from
    taking in the lines of the column beside it."""
    gaps = _gaps([(ln[1], ln[2]) for ln in lines], 0.8 * body)
    if not gaps:
        return [lines]

    cuts: list[float] = []
    for lo, hi in gaps:
        middle = (lo + hi) / 2
        left = sum(is_prose(ln) for ln in lines if ln[2] <= middle and (not cuts or ln[1] >= cuts[-1]))
        right = sum(is_prose(ln) for ln in lines if ln[1] >= middle)
        if left >= 3 and right >= 3:
            cuts.append(middle)
    if not cuts:
        return [lines]
    groups: list[list[Line]] = [[] for _ in range(len(cuts) + 1)]
    for line in lines:
        groups[sum(line[1] > cut for cut in cuts)].append(line)
    return [g for g in groups if g]


def _grid_column(
    lines: list[Line], body: float, box: tuple[float, float] | None, rules: Rules | None
) -> list[Paragraph]:
    """One of the columns set a space apart: read as a page of its own when it holds running
    text; else as the grid of a fixed-width report (a results bulletin), its rows read across
    and cut into parts (a contest, an item) where a row is left empty."""
    if 2 * sum(is_prose(ln) for ln in lines) > len(lines):
        return page_paragraphs(lines, body, box, rules)
    texts: list[str] = []
    for part in row_parts(lines, body):
        if texts:
            texts.append("")  # (an empty row between: the next part)
        texts += [" | ".join(ln[0] for ln in sorted(row, key=lambda ln: ln[1])) for row in part]
    return [Paragraph(texts, "table", body)]


def _text(block: _Block) -> str:
    return " ".join(ln[0] for ln in block.lines).strip()


def _middle(block: _Block) -> float:
    return (block.top + block.bottom) / 2


def _same_row(first: _Block, cell: _Block, middle: float) -> bool:
    return first.bottom <= middle <= first.top or cell.bottom <= _middle(first) <= cell.top


def _rows(cells: list[_Block], rtl: bool = False) -> list[list[_Block]]:
    """Cells grouped into rows (a cell joins the row whose first cell's middle its own top and
    bottom span, or which spans its middle: a cell wrapped on several lines), top to bottom,
    each row's cells left to right (right to left: ``rtl``)."""
    rows: list[list[_Block]] = []
    for cell in sorted(cells, key=lambda b: -b.top):
        middle = _middle(cell)
        row = next((r for r in rows if _same_row(r[0], cell, middle)), None)
        if row is None:
            rows.append([cell])
        else:
            row.append(cell)
    return [sorted(row, key=lambda b: -b.x1 if rtl else b.x0) for row in rows]


def _is_figure_text(texts: list[str]) -> bool:
    """Labels of a chart or a diagram: several lines of a few words each, or one line that is
    mostly figures ("−4 −2 2 4 6 8")."""
    if len(texts) >= 2:
        return all(len(t) <= 30 and t.count(" ") <= 3 for t in texts)
    text = texts[0]
    return 2 * count_letters(text) < len(text) - text.count(" ")


def body_height(pages: list[list[Line]]) -> float:
    """The type height that most of the document's characters are set in."""
    sizes: Counter[float] = Counter()
    for page in pages:
        for line in page:
            sizes[round(line[5], 1)] += count_letters(line[0])
    return sizes.most_common(1)[0][0] if sizes else 10.0


def is_rtl(lines: list[Line]) -> bool:
    """Whether most letters of these lines are of a right-to-left script."""
    return mostly_rtl("".join(ln[0] for ln in lines[:200]))


def mostly_rtl(text: str) -> bool:
    """Whether most letters of ``text`` are of a right-to-left script."""
    if text.isascii():
        return False
    letters = count_letters(text)
    return letters > 0 and len(RTL_SCRIPT.findall(text)) > letters / 2


def page_paragraphs(
    lines: list[Line],
    body: float,
    box: tuple[float, float] | None = None,
    rules: Rules | None = None,
    edges: Sequence[float] = (),
) -> list[Paragraph]:
    """A page's lines (running ones already dropped) as paragraphs in reading order.

    ``edges``: the left edges of columns set no more than a space apart (found where the reader
    cut lines at them): the page is read in those columns, not as one table across it.

    With the page's bottom and top (``box``), lines outside the page are dropped. Other lines
    are all kept: a line at the page's edge that no other page repeats may be a table's head,
    a list's last entry or a one-page document's head, and :func:`running` tells the heads
    and footers that repeat."""
    lines = _labels_joined(_rejoined(without_contents(lines), edges))
    if box is not None:  # text drawn outside the page is not seen
        lines = [ln for ln in lines if ln[3] > box[0] and ln[4] < box[1]]
    if not lines:
        return []
    rtl = is_rtl(lines)
    # three columns or more set a space apart (a fixed-width report's; two may be a glossary's
    # symbols and their meanings, which the columns beside them are read with)
    if len(edges) >= 2 and (split := edge_columns(lines, edges)) and apart(split[1], body):
        above, columns, below = split
        return [
            *page_paragraphs(above, body, box, rules),
            *(para for column in columns for para in _grid_column(column, body, box, rules)),
            *page_paragraphs(below, body, box, rules),
        ]
    table = table_region(lines, rtl, rules)
    if table is not None:  # a table across the page: the text above it, its rows, the text below
        above, rows, below = table
        return [
            *page_paragraphs(above, body, box, rules),
            Paragraph(rows, "table", body),
            *page_paragraphs(below, body, box, rules),
        ]
    sides = _prose_columns(lines, body)
    if len(sides) > 1:  # columns of prose: each read on its own (a table may stand in one)
        if rtl:
            sides.reverse()
        return [para for side in sides for para in page_paragraphs(side, body, box, rules)]
    lead = _lead(lines)
    blocks = _order(_blocks(lines, lead), body, rtl)
    out: list[Paragraph] = []
    for block in _tables(blocks, body, rtl):
        if isinstance(block, Paragraph):
            out.append(block)
            continue
        for para in _split(block, lead, rtl):
            texts = [_symbol_bullet(ln[0]) for ln in para]
            height = block.height
            kind = "paragraph"
            chars = sum(len(t) for t in texts)
            if (
                height >= 1.15 * body
                and len(texts) <= 3
                and chars <= 100
                and not _STATEMENT_END.search(texts[-1])
                and 2 * count_letters(" ".join(texts)) > chars - sum(t.count(" ") for t in texts)
                and not symbols_only(" ".join(texts))
            ):
                kind = "heading"
            elif len(texts) == 1 and _NUMBERED_CAPS.match(texts[0]) and texts[0].upper() == texts[0]:
                pass  # a numbered head in small capitals ("VI. DISCUSSION"): smaller type, no note
            elif height <= 0.88 * body or _CAPTION.match(texts[0]) or _is_figure_text(texts):
                kind = "note"
            out.append(Paragraph(texts, kind, height))
    # a heading that the next paragraph continues is not a heading
    for para, after in zip(out, out[1:], strict=False):
        if para.kind == "heading" and after.lines[0][:1].islower() and after.kind != "heading":
            para.kind = "paragraph"
    return out
