"""Running lines: heads, footers, page numbers and margin stamps, found across a document's
pages so that the layout (:mod:`foresight.ingest.layout`) drops them before it reads a page."""

from __future__ import annotations

import math
import re
from collections import Counter

from foresight.ingest.layout import Line, is_vertical
from foresight.ingest.segment import PAGE_NUMBER

_DIGITS = re.compile(r"\d+")


def _key(text: str) -> str:
    return _DIGITS.sub("#", " ".join(text.split()).lower())


EDGE_ZONE = 0.12  # the share of a page's height at its top and at its bottom where heads stand
# the share of pages a running line is on: a quarter, for reports whose annexes (maps, tables
# in landscape) drop the footer of the body pages
RUNNING_SHARE = 0.25


def running(
    pages: list[list[Line]],
    body: float,
    boxes: list[tuple[float, float]],
    edge: int = 1,
    share: float = RUNNING_SHARE,
    large_kept: bool = False,
) -> list[set[int]]:
    """Which lines of each page are running heads, footers, page numbers or margin stamps.

    ``boxes`` gives each page's bottom and top. The lines looked at on a page are its top
    ``edge`` and bottom ``edge`` lines (by their place on the page, not by the order the file
    gives them in) and any other line in the top or bottom eighth of the page, up to 400
    characters long. One is running when the same text, digits aside, is looked at on at
    least ``share`` of the pages (a quarter), or of the even or of the odd pages (heads that alternate
    sides; two pages at least), unless it stands in the top half of the first page in type larger
    than the body text's (``body``): a paper's title, which its running heads repeat. Page numbers at the
    edges (not a figure in a table's row there), text set on its side (a margin stamp) and edge
    lines that begin or end with the page's own number (:func:`_numbered_edges`) are running
    too, and so is an edge line on the same baseline as a page number there. A page drawn twice
    counts once. With ``large_kept`` (a slide deck) no line in type larger than the body
    text's is running: a frame's title repeats over the slides that build the frame up.
    """
    keyed: list[dict[int, str]] = []
    extremes: list[set[int]] = []
    drawn: set[tuple[str, ...]] = set()
    repeats: list[bool] = []
    for page, (low, high) in zip(pages, boxes, strict=True):
        whole = tuple(sorted(ln[0] for ln in page))  # (its lines, whatever their order and place)
        repeats.append(whole in drawn)
        drawn.add(whole)
        flat = [i for i, ln in enumerate(page) if not is_vertical(ln)]
        by_top = sorted(flat, key=lambda i: -page[i][3])
        zone = EDGE_ZONE * (high - low)
        ends = set(by_top[:edge] + by_top[-edge:])
        extremes.append(set(ends))  # where a page number stands
        ends |= {i for i in flat if page[i][4] >= high - zone or page[i][3] <= low + zone}
        keyed.append({i: _key(page[i][0]) for i in ends if len(page[i][0]) <= 400})
    running_keys: set[str] = set()
    distinct = [keys for keys, repeat in zip(keyed, repeats, strict=True) if not repeat]
    for group in (distinct, distinct[0::2], distinct[1::2]):
        group = [keys for keys in group if keys]
        if len(group) < 2:
            continue
        seen: Counter[str] = Counter()
        for keys in group:
            seen.update(set(keys.values()))
        need = max(2, math.ceil(share * len(group)))
        running_keys |= {k for k, n in seen.items() if n >= need and k}
    numbered = _numbered_edges(pages, keyed)
    out = []
    for number, (page, keys, extra) in enumerate(zip(pages, keyed, numbered, strict=True)):
        drop = {
            i
            for i, k in keys.items()
            if (
                k in running_keys
                and (page[i][5] < 1.2 * body or not (large_kept or _title_place(page, i, number)))
            )
            or (i in extremes[number] and PAGE_NUMBER.match(page[i][0]) and not _in_row(page, i))
        }
        # a head that shares its baseline with the page's number ("97    5.4. Erste und zweite
        # Fundamentalform", set apart by a wide gap): the section it names changes too often to
        # repeat on a quarter of the pages
        numbers = [i for i in drop | extra if PAGE_NUMBER.match(page[i][0])] if len(pages) >= 3 else []
        for n in numbers:
            middle = (page[n][3] + page[n][4]) / 2
            drop |= {i for i in keys if len(page[i][0]) <= 120 and page[i][4] < middle < page[i][3]}
        drop |= {i for i, ln in enumerate(page) if is_vertical(ln)}
        out.append(drop | extra)
    return out


def _in_row(page: list[Line], index: int) -> bool:
    """Whether a line shares its baseline with two others or more: a cell of a table's row (a
    figure at the foot of a page is no page number then)."""
    middle = (page[index][3] + page[index][4]) / 2
    return sum(ln[4] < middle < ln[3] for ln in page) >= 3  # (itself too)


def _title_place(page: list[Line], index: int, number: int) -> bool:
    """Whether a line stands where a title does: on the first page, in its top half."""
    if number:
        return False
    tops = [ln[3] for ln in page]
    return page[index][3] >= (max(tops) + min(ln[4] for ln in page)) / 2 if tops else False


_END_NUMBERS = re.compile(r"^\W*(\d{1,4})\b|\b(\d{1,4})\W*$")


def _numbered_edges(pages: list[list[Line]], keyed: list[dict[int, str]]) -> list[set[int]]:
    """Edge lines that begin or end with the page's own number ("9 1.2. Metric spaces", "Annual
    report 2021 | 14"): heads whose words change from chapter to chapter. The page's number is
    its place in the file plus an offset that holds on at least a third of the pages (three at
    least)."""
    found: list[list[tuple[int, int]]] = []  # per page: (line, offset) pairs
    offsets: Counter[int] = Counter()
    for index, (page, keys) in enumerate(zip(pages, keyed, strict=True)):
        pairs = []
        for i in keys:
            text = page[i][0]
            if len(text) > 120:
                continue
            for match in _END_NUMBERS.finditer(text):
                number = int(match.group(1) or match.group(2))
                pairs.append((i, number - index))
        found.append(pairs)
        offsets.update({offset for _, offset in pairs})
    if not offsets:
        return [set() for _ in pages]
    offset, count = offsets.most_common(1)[0]
    if count < max(3, len(pages) / 3):
        return [set() for _ in pages]
    return [{i for i, o in pairs if o == offset} for pairs in found]
