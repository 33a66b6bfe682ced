"""Word documents (.docx) with python-docx: the body in reading order, headings as sections.

What :func:`read_docx` promises:

- the body is read once, in the order Word shows it: paragraphs, tables, and what content
  controls (``w:sdt``) hold, which ``Document.paragraphs`` skips;
- a table of contents is left out: what Word marks as one (its styles, its TOC field, its
  contents control) and what reads as one (:func:`_contents`);
- text in tables is kept, and never twice (:meth:`_Body.table`): a row with prose in a cell is
  one block, its cells joined by " | "; consecutive rows of short labels and figures are one
  table unit (``attributes={"table": True}``); a row whose only filled cell holds prose (a box,
  a layout table) is read as body text.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass

import docx
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import qn
from lxml.etree import _Element

from foresight.errors import InputError
from foresight.ingest.model import MARK, SUPERSCRIPT, Block, Document, is_placeholder_title
from foresight.ingest.segment import SENTENCE_END, squeeze, table_blocks
from foresight.ingest.zipped import READ_ERRORS, check_unpacked

W_P, W_TBL, W_TR, W_TC = qn("w:p"), qn("w:tbl"), qn("w:tr"), qn("w:tc")
W_SDT, W_SDT_CONTENT, W_CUSTOM_XML = qn("w:sdt"), qn("w:sdtContent"), qn("w:customXml")
W_FLD_CHAR, W_INSTR_TEXT, W_FLD_SIMPLE = qn("w:fldChar"), qn("w:instrText"), qn("w:fldSimple")
W_VAL = qn("w:val")
W_R, W_HYPERLINK, W_VERT_ALIGN = qn("w:r"), qn("w:hyperlink"), qn("w:vertAlign")
_MARK = re.compile(MARK)  # a footnote's mark, a power: "2", "7,8"

# A cell holds prose when one of its paragraphs is a sentence of five words or more, or runs to
# twelve words without one: in the handbook's tables, "Examination of the Debtor" (four words) is a
# label; a name such as "Federal Ministry for Economic Affairs and Climate Action" (eight) is too.
PROSE_WORDS, PROSE_WORDS_UNPUNCTUATED = 5, 12
# Rows of labels go into table units of at most this many characters (split between rows), under
# the default max_unit_chars of 1,200, so that a table unit is no longer than a prose unit.

CONTENTS_TITLES = {
    "contents",
    "table of contents",
    "table des matières",
    "sommaire",
    "inhalt",
    "inhaltsverzeichnis",
    "índice",
    "indice",
    "inhoud",
    "inhoudsopgave",
}
_PAGE = r"(?:\d{1,4}|[ivxlcdm]{1,7}|[IVXLCDM]{1,7}|[A-Z]?\d{1,3}[-–]\d{1,4})"
# "Heading ....... 12", "Heading … 12", "Heading\t12": a page number after dot leaders or a tab
LEADER_PAGE = re.compile(rf"(?:(?:[ \t]*\.){{3,}}|[ \t]*…+|\t+)[ \t]*{_PAGE}$")
LETTER = re.compile(r"[^\W\d_]")
_PAGE_ENDS = "0123456789ivxlcdmIVXLCDM"  # the last character of a page number
# "A. PURPOSE1-1": a chapter-page number glued to the entry, as the handbook's contents have it
# (exported without its tab); counted only in a run of such lines (see _contents)
GLUED_PAGE = re.compile(r"[^\W\d_][ .]*\d{1,3}[-–]\d{1,4}$")
# Contents lines in a row that make a table of contents without a title above them; an entry may
# be wrapped or preceded by a chapter line without a page number: at most this many such lines
# between two entries
CONTENTS_RUN, CONTENTS_GAP = 3, 3
CONTENTS_LINE_WORDS = 25  # the handbook's longest entry, wrapped entries joined, has 13


def read_docx(data: bytes, name: str) -> list[Document]:
    check_unpacked(data, name, "Word .docx file")
    try:
        document = docx.Document(io.BytesIO(data))
        return [_document(document)]
    except (PackageNotFoundError, *READ_ERRORS) as exc:
        raise InputError(name, f"not a readable Word .docx file ({exc})") from None
    except (AttributeError, TypeError) as exc:  # python-docx met XML that Word does not write
        raise InputError(
            name, f"not a readable Word .docx file (a part is not what Word writes: {exc})"
        ) from None


def _document(document: docx.document.Document) -> Document:
    # paragraph.style searches all styles on every call; look the names up once
    styles = {style.style_id: style.name or "" for style in document.styles}
    body = _Body(styles)
    items = body.items(document.element.body, _Fields())
    _contents(items)
    body.read(items)
    props = document.core_properties
    created = props.created
    return Document(
        format="docx",
        blocks=body.blocks,
        title=_title(props.title or "", body.blocks),
        author=(props.author or "").strip() or None,
        date=created.date() if created is not None else None,
        language=(props.language or "").strip() or None,
    )


@dataclass
class _Paragraph:
    text: str
    style: str
    numbered: bool
    contents: bool  # a line of a table of contents


class _Fields:
    """The complex fields (``w:fldChar`` begin ... end) open at a point of the body, with their
    codes: Word's table of contents is a TOC field whose result spans many paragraphs."""

    def __init__(self) -> None:
        self.codes: list[str] = []

    def _in_contents(self) -> bool:
        return any(code.lstrip().upper().startswith("TOC") for code in self.codes)

    def read(self, p: _Element) -> bool:
        """Follow the fields through paragraph ``p``: whether any of it is inside a TOC field."""
        inside = self._in_contents()
        for element in p.iter(W_FLD_CHAR, W_INSTR_TEXT, W_FLD_SIMPLE):
            if element.tag == W_FLD_CHAR:
                kind = element.get(qn("w:fldCharType"))
                if kind == "begin":
                    self.codes.append("")
                elif kind == "end" and self.codes:
                    self.codes.pop()
            elif element.tag == W_INSTR_TEXT:
                if self.codes:
                    self.codes[-1] += element.text or ""
            elif (element.get(qn("w:instr")) or "").lstrip().upper().startswith("TOC"):
                inside = True
            inside = inside or self._in_contents()
        return inside


def _is_contents_style(style: str) -> bool:
    """Word's own styles of a table of contents: "toc 1" ... "toc 9", "TOC Heading"."""
    name = style.lower()
    return name.startswith("toc ") or name == "toc heading"


def _is_contents_gallery(sdt: _Element) -> bool:
    """Whether a content control is Word's table-of-contents block (docPartGallery)."""
    gallery = sdt.find(f"{qn('w:sdtPr')}/{qn('w:docPartObj')}/{qn('w:docPartGallery')}")
    return gallery is not None and (gallery.get(W_VAL) or "").startswith("Table of Contents")


class _Body:
    """Reads body elements into blocks; ``blocks`` holds what was read so far."""

    def __init__(self, styles: dict[str, str]) -> None:
        self.styles = styles
        self.blocks: list[Block] = []
        self.section: str | None = None  # the last heading: the section of table units

    def items(
        self, container: _Element, fields: _Fields, contents: bool = False
    ) -> list[_Paragraph | _Element]:
        """The paragraphs and tables of a body or a cell, in order, content controls opened;
        paragraphs that Word marks as contents (style, TOC field, contents control) are marked."""
        out: list[_Paragraph | _Element] = []
        for child in container.iterchildren():
            if child.tag == W_P:
                style = self.styles.get(child.style or "Normal", "")
                p_pr = child.pPr
                in_field = fields.read(child)
                toc = contents or in_field or _is_contents_style(style)
                numbered = p_pr is not None and p_pr.numPr is not None
                out.append(_Paragraph(_text(child), style, numbered, toc))
            elif child.tag == W_TBL:
                out.append(child)
            elif child.tag == W_SDT:
                inner = child.find(W_SDT_CONTENT)
                if inner is not None:
                    out += self.items(inner, fields, contents or _is_contents_gallery(child))
            elif child.tag == W_CUSTOM_XML:
                out += self.items(child, fields, contents)
        return out

    def read(self, items: list[_Paragraph | _Element]) -> None:
        for item in items:
            if isinstance(item, _Paragraph):
                self.paragraph(item)
            else:
                self.table(item)

    def paragraph(self, item: _Paragraph) -> None:
        if item.contents or not item.text.strip():
            return
        style = item.style
        if style.startswith("Heading") or style == "Title":
            self.blocks.append(Block(item.text, kind="heading"))
            self.section = _one_line(item.text) or None
        elif item.numbered or style.startswith("List"):
            self.blocks.append(Block(item.text, kind="list_item"))
        else:
            self.blocks.append(Block(item.text))

    def table(self, tbl: _Element) -> None:
        """A table's blocks, each cell's text once.

        Cells are read from the XML (``w:tc``), not from python-docx's ``row.cells``, which
        repeats a merged cell in every grid column it spans (and raises on some vertical merges,
        as tables-in-word.docx shows). The continuation of a vertical merge is skipped; a cell
        spanning columns is one ``w:tc``. A row with one filled cell of prose is read as body
        text (a box or a layout table, where the document's own paragraphs are); a row with
        prose in a cell among others is one block, cells joined by " | " (the segmenter joins
        a block's lines with spaces, which would run one cell into the next; a bar reads as a
        column rule); consecutive rows of labels and figures are one table unit, a line for
        each row. Nested tables follow the row that holds them.
        """
        labels: list[str] = []  # label rows waiting to become a table unit

        for tr in _children(tbl, W_TR):
            cells = [tc for tc in _children(tr, W_TC) if not _continues_merge(tc)]
            texts = [_cell_text(tc) for tc in cells]
            filled = [(tc, text) for tc, text in zip(cells, texts, strict=True) if text]
            prose = [is_prose(tc) for tc, _ in filled]
            if len(filled) == 1 and prose[0]:  # a box: read as body text, nested tables in place
                self._table_unit(labels)
                box = filled[0][0]
                self.read(self.items(box, _Fields()))
                cells = [tc for tc in cells if tc is not box]
            elif any(prose):
                self._table_unit(labels)
                row = " | ".join(text for _, text in filled)
                self.blocks.append(Block(row, attributes={"table": True}))
            elif filled:
                labels.append(" | ".join(text for _, text in filled))
            nested = [inner for tc in cells for inner in _nested_tables(tc)]
            if nested:
                self._table_unit(labels)
                for inner in nested:
                    self.table(inner)
        self._table_unit(labels)

    def _table_unit(self, rows: list[str]) -> None:
        """Rows of labels as table units (:func:`~foresight.ingest.segment.table_blocks`)."""
        self.blocks += table_blocks(rows, section=self.section)
        rows.clear()


def _text(p: _Element) -> str:
    """A paragraph's text, with the figures of a run set raised (a footnote's mark typed in,
    a power: "m²") as superscript figures, as a PDF's are read."""
    if next(p.iter(W_VERT_ALIGN), None) is None:
        return p.text
    parts = []
    for element in p.iterchildren(W_R, W_HYPERLINK):
        for run in [element] if element.tag == W_R else element.iterchildren(W_R):
            text = run.text
            align = run.find(f"{qn('w:rPr')}/{W_VERT_ALIGN}")
            if align is not None and align.get(W_VAL) == "superscript" and _MARK.fullmatch(text):
                text = text.translate(SUPERSCRIPT)
            parts.append(text)
    return "".join(parts)


def _title(title: str, blocks: list[Block]) -> str | None:
    """The document's title from its properties when it is one, else its first heading."""
    if title.strip() and not is_placeholder_title(title):
        return title.strip()
    return next((" ".join(b.text.split()) for b in blocks if b.kind == "heading"), None)


def _opened(element: _Element) -> Iterator[_Element]:
    """An element's children, with those wrapped in content controls (``w:sdt``) and custom
    XML put in the wrappers' places."""
    for child in element.iterchildren():
        if child.tag == W_SDT:
            inner = child.find(W_SDT_CONTENT)
            if inner is not None:
                yield from _opened(inner)
        elif child.tag == W_CUSTOM_XML:
            yield from _opened(child)
        else:
            yield child


def _children(element: _Element, tag: str) -> list[_Element]:
    """The ``tag`` children of a table or row, also those wrapped in content controls."""
    return [child for child in _opened(element) if child.tag == tag]


def _continues_merge(tc: _Element) -> bool:
    """Whether a cell continues a merge begun above (``w:vMerge``) or to the left (``w:hMerge``):
    its text, if any, is the merged cell's, which was read already."""
    tc_pr = tc.find(qn("w:tcPr"))
    if tc_pr is None:
        return False
    for tag in ("w:vMerge", "w:hMerge"):
        merge = tc_pr.find(qn(tag))
        if merge is not None and merge.get(W_VAL, "continue") == "continue":
            return True
    return False


def _cell_paragraphs(tc: _Element) -> list[str]:
    """The texts of a cell's own paragraphs (not those of tables nested in it), a line each."""
    return [line.strip() for p in _children(tc, W_P) for line in _text(p).splitlines() if line.strip()]


def _cell_text(tc: _Element) -> str:
    """A cell's paragraphs on one line: after a sentence a space, else " / " (a cell listing
    "11 U.S.C. § 343" and "11 U.S.C. § 344" must not read as one number)."""
    out = ""
    for text in _cell_paragraphs(tc):
        out = text if not out else f"{out} {text}" if SENTENCE_END.search(out) else f"{out} / {text}"
    return out


def _nested_tables(tc: _Element) -> list[_Element]:
    """The tables nested in a cell (content controls opened)."""
    return _children(tc, W_TBL)


def is_prose(tc: _Element) -> bool:
    """Whether a cell holds prose: a sentence of :data:`PROSE_WORDS` words or more, or a text
    running to :data:`PROSE_WORDS_UNPUNCTUATED` words without one."""
    for text in _cell_paragraphs(tc):
        words = len(text.split())
        if words >= PROSE_WORDS_UNPUNCTUATED or (words >= PROSE_WORDS and SENTENCE_END.search(text)):
            return True
    return False


def _one_line(text: str) -> str:
    """A paragraph's text as the segmenter makes a heading of it: lines stripped, joined by a
    space, runs of blanks squeezed, soft hyphens gone."""
    lines = (squeeze(line).strip() for line in text.replace("\u00ad", "").splitlines())
    return " ".join(line for line in lines if line)


def _is_contents_title(text: str) -> bool:
    return " ".join(text.split()).rstrip(":").lower() in CONTENTS_TITLES


def _is_contents_line(text: str) -> bool:
    """A line that ends with a page number as contents do (:data:`LEADER_PAGE`,
    :data:`GLUED_PAGE`)."""
    stripped = text.strip()
    if stripped[-1:] not in _PAGE_ENDS or len(stripped.split()) > CONTENTS_LINE_WORDS:
        return False  # (told without a regular expression for most lines)
    leader = LEADER_PAGE.search(stripped)
    if leader is not None and LETTER.search(stripped, 0, leader.start()):
        return True
    return GLUED_PAGE.search(stripped) is not None


def _contents(items: list[_Paragraph | _Element]) -> None:
    """Mark the lines of tables of contents that Word does not mark (typed, or exported from
    another program): a span of paragraphs that starts at a title such as "Contents" or at an
    entry, ends at an entry, and holds at least one entry after a title or
    :data:`CONTENTS_RUN` without; between two entries, blank lines and at most
    :data:`CONTENTS_GAP` short lines that are no sentence (chapter lines, wrapped entries). A
    table, a heading or a sentence ends the span."""
    i = 0
    while i < len(items):
        start = items[i]
        titled = isinstance(start, _Paragraph) and _is_contents_title(start.text)
        if not isinstance(start, _Paragraph) or not (titled or _is_contents_line(start.text)):
            i += 1
            continue
        entries, last, gap = 0, None, 0
        for j in range(i + 1 if titled else i, len(items)):
            item = items[j]
            if not isinstance(item, _Paragraph) or item.style.startswith("Heading") or item.style == "Title":
                break
            text = item.text.strip()
            if not text:
                continue
            if item.contents or _is_contents_line(text):
                entries, last, gap = entries + 1, j, 0
                continue
            gap += 1
            if gap > CONTENTS_GAP or len(text.split()) > CONTENTS_LINE_WORDS or SENTENCE_END.search(text):
                break
        if last is not None and entries >= (1 if titled else CONTENTS_RUN):
            for item in items[i : last + 1]:
                if isinstance(item, _Paragraph):
                    item.contents = True
            i = last + 1
        else:
            i += 1
