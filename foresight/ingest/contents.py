"""A PDF's table of contents, left out of its units: a coder codes the text, not the list of
its headings (whose words the units keep as their sections).

A line of a table of contents ends in leader dots and a page number. With it go the parts of
its entry that the reader gives as lines of their own: the page number, set apart after a gap
(when the dots end the line), the entry's number, set apart on its
row ("1.1", "IV"), and the first line of an entry wrapped on two, which stands right above it,
within its width.
"""

from __future__ import annotations

import re

from foresight.ingest.model import Line

# leader dots (or an ellipsis) before a page number at a line's end
_ENTRY = re.compile(r"(?:\.\s?){4,}[\s.]*\d{1,4}\s*$|…+[\s.…]*\d{1,4}\s*$")
_DOTS = re.compile(r"(?:\.\s?){3,}$")  # leader dots at a line's end
_PAGE = re.compile(r"^\d{1,4}$")
# an entry's number on its own: "1", "1.1.", "IV", "A."
_NUMBER = re.compile(r"^(?:\d{1,2}(?:\.\d{1,2})*\.?|[IVXLC]{1,6}\.?|[A-Z]\.)$")


def is_entry(text: str) -> bool:
    """A line of a table of contents: leader dots before a page number at its end (told by a
    look for the dots first: the regular expression is slow on long lines)."""
    return ("..." in text or ". . ." in text or "…" in text) and _ENTRY.search(text) is not None


def without_contents(lines: list[Line]) -> list[Line]:
    """The page's lines less those of a table of contents (see the module's docstring)."""
    entries = [ln for ln in lines if is_entry(ln[0])]
    # leader dots whose page number stands apart (after a gap, or wrapped onto the next line)
    dots = [ln for ln in lines if ln[0].endswith("..") and _DOTS.search(ln[0])]
    for line in dots:
        middle, height = (line[3] + line[4]) / 2, line[5]
        page = [
            ln
            for ln in lines
            if _PAGE.match(ln[0])
            and (
                (ln[1] >= line[2] and ln[4] <= middle <= ln[3])  # on its row, right of it
                or (line[1] <= ln[1] < line[2] and -0.3 * height <= line[4] - ln[3] <= height)  # below
            )
        ]
        if page:
            entries += [line, page[0]]
    if not entries:
        return lines
    dropped = set(map(id, entries))
    rest = [ln for ln in lines if id(ln) not in dropped]
    # the first line of a wrapped entry: right above an entry, within its width
    for line in rest:
        for entry in entries:
            reach = max(1.0, 0.15 * entry[5])
            if (
                entry[1] - reach <= line[1]
                and line[2] <= entry[2] + reach
                and -0.3 * entry[5] <= line[4] - entry[3] <= entry[5]
            ):
                dropped.add(id(line))
                entries.append(line)  # (its number is dropped too)
                break
    for line in rest:  # an entry's number, left of it on its row
        if id(line) not in dropped and _NUMBER.match(line[0].strip()):
            middle = (line[3] + line[4]) / 2
            if any(e[4] <= middle <= e[3] and line[2] <= e[1] for e in entries):
                dropped.add(id(line))
    return [ln for ln in lines if id(ln) not in dropped]
