"""What readers hand to the segmenter: documents made of raw blocks."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from foresight.nlp import SUPERSCRIPT_FIGURES

if TYPE_CHECKING:
    from foresight.ingest.layout import Paragraph

# A visual line of a page: its text, left, right, top and bottom (y grows up the page), and the
# height of its type (the box of one character of its text font: a stand-in for the font size
# that also holds where the font size is 1 and a text matrix scales it).
Line = tuple[str, float, float, float, float, float]

# figures set raised (a footnote's mark, a unit's power) are written as superscript figures
SUPERSCRIPT = str.maketrans("0123456789", SUPERSCRIPT_FIGURES)
MARK = r"\d{1,3}(?:[,–-]\d{1,3})*"  # a footnote's mark in figures: "2", "7,8", "12–14"


@dataclass
class Block:
    """A run of raw text as a reader found it: a paragraph, a heading or a list item."""

    text: str
    kind: str = "paragraph"  # paragraph | heading | list_item
    page: int | None = None
    section: str | None = None
    wrapped: bool = False  # line breaks inside are soft wraps, to be joined
    fixed: bool = False  # a unit as it stands (a survey answer): never merged, dropped or split
    attributes: dict[str, Any] = field(default_factory=dict)


@dataclass
class Document:
    """One source as read from a file (a feed file yields one per item)."""

    format: str
    blocks: list[Block]
    title: str | None = None
    date: dt.date | None = None
    author: str | None = None
    language: str | None = None
    source_type: str | None = None  # from the document itself (front matter), when it says
    locator: str = ""  # which part of the file, for files holding several sources
    url: str | None = None
    sha256: str | None = None  # of the part's own bytes; None means the whole file's
    attributes: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class UnitDraft:
    text: str
    start: int
    end: int
    page: int | None
    section: str | None
    attributes: dict[str, Any]
    bands: tuple[int, ...] | None = None  # MinHash bands and sketch (foresight.ingest.dedupe)
    language: str | None = None  # detected in its own text; None: too short or unsure


@dataclass
class Segmented:
    """A document's cleaned text and the units cut from it (``text[unit.start:unit.end]``)."""

    text: str
    units: list[UnitDraft]
    language: str | None = None  # detected in the units' text (foresight.ingest.language)

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled (from the process that read the file) without the units' texts, which are
        slices of the text; their fields go as tuples, which pickle faster than objects."""
        fields = [(u.start, u.end, u.page, u.section, u.attributes, u.bands, u.language) for u in self.units]
        return _segmented, (self.text, fields, self.language)


def _segmented(text: str, fields: list[tuple[Any, ...]], language: str | None = None) -> Segmented:
    return Segmented(text, [UnitDraft(text[f[0] : f[1]], *f) for f in fields], language)


_NOT_A_TITLE = re.compile(
    r"^(?:untitled|title|document\d*|microsoft (?:word|powerpoint)\b.*|.*\.(?:exe|docx?|pdf|tex|dvi|indd"
    r"|qxd|rtf|odt|pptx?|xlsx?|ps|eps|tmp))$|^[\W\d_]*$|^\S*[_\d]\S*$",
    re.IGNORECASE,
)


def is_placeholder_title(title: str) -> bool:
    """Whether a file's own title is no title: a file name ("10811.exe", "report.docx",
    "905_Precinct_NoOU"), a placeholder ("Untitled", "Microsoft Word - draft"), or no letters."""
    return _NOT_A_TITLE.match(" ".join(title.split())) is not None


_TITLE_WORD = re.compile(r"[^\W\d_]{3,}")


def pdf_title(metadata: str, first_pages: list[list[Paragraph]], lines: list[str]) -> str | None:
    """The metadata title when it is plausible, else the first page's first heading
    (``first_pages``: the paragraphs of each of the first two pages; ``lines``: all their
    lines, running heads too, where a title often stands).

    Not plausible: a file name ("10811.exe", "report.docx", "905_Precinct"), a placeholder
    ("Untitled", "Microsoft Word - draft"), no letters, or, when the first page has a heading,
    a title of which fewer than four words in five stand on the first two pages (a template's
    title left in the file, the working title of a paper).
    """
    title = " ".join(metadata.split())
    headings = [p for p in (first_pages or [[]])[0] if p.kind == "heading"]
    if title and not is_placeholder_title(title):
        words = [w.lower() for w in _TITLE_WORD.findall(title)]
        page = {w.lower() for line in lines for w in _TITLE_WORD.findall(line)}
        if not headings or not words or sum(w in page for w in words) >= 0.8 * len(words):
            return title
    if not headings:
        return None
    return " ".join(" ".join(headings[0].lines).split())[:200]
