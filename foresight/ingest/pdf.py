"""PDF text with pypdfium2: lines with their positions, paragraphs from the gaps between them."""

from __future__ import annotations

import bisect
import ctypes
import datetime as dt
import re
import threading
import unicodedata
from collections.abc import Callable
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from foresight.errors import InputError
from foresight.ingest.gaps import NUMBER, cut, gap_starts, wide_spaces
from foresight.ingest.gutters import column_edges, gutter_cuts
from foresight.ingest.layout import (
    RTL_SCRIPT,
    Line,
    Paragraph,
    body_height,
    is_vertical,
    mostly_rtl,
    page_paragraphs,
)
from foresight.ingest.ligatures import ODD_LETTER, mismapped_ligatures, unmapped_ligatures
from foresight.ingest.model import Block, Document, pdf_title
from foresight.ingest.ocr import OcrPage, ocr_blocks, ocr_pages
from foresight.ingest.pdf_pages import (
    DECK_RUNNING_SHARE,
    built_up,
    is_deck,
    may_hold_table,
    page_rules,
    slide_blocks,
    turn,
    upright_matrix,
)
from foresight.ingest.pdf_rtl import mirrored_by_pdfium, reading_order
from foresight.ingest.pdfium_calls import CONTROL, char_box, get_text
from foresight.ingest.running import RUNNING_SHARE, running
from foresight.ingest.segment import count_letters, table_blocks
from foresight.ingest.spacing import raised_figures, rejoined_words
from foresight.ingest.tables import Rules
from foresight.ingest.textlayer import NO_TEXT_LAYER, text_layer_problem, unreadable_message

PDF_DATE = re.compile(r"D?:?(\d{4})(\d{2})?(\d{2})?")
LINE_END_HYPHEN = "\ufffe"  # pdfium marks a hyphen it found at a line end with this


def pdf_date(value: str) -> dt.date | None:
    match = PDF_DATE.match(value.strip())
    if not match:
        return None
    try:
        return dt.date(int(match.group(1)), int(match.group(2) or 1), int(match.group(3) or 1))
    except ValueError:
        return None


def open_pdf(data: bytes, name: str) -> pdfium.PdfDocument:
    if not data.lstrip()[:5].startswith(b"%PDF"):
        raise InputError(name, "not a PDF (the file does not start with %PDF)")
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise InputError(
                name, "the PDF is encrypted (password protected); save an unlocked copy"
            ) from None
        raise InputError(name, f"not a readable PDF ({exc})") from None


def _lines(textpage: int, text: str) -> tuple[list[Line], list[float]]:
    """The page's visual lines (:data:`foresight.ingest.layout.Line`); a line pdfium joined at
    an end-of-line hyphen is split again, and one holding right-to-left script is put in
    reading order (:func:`foresight.ingest.pdf_rtl.reading_order`); and the left edges of
    columns set a space apart, where lines were cut (:mod:`foresight.ingest.gutters`).

    A line's box comes from its first and last characters' (two calls into pdfium a line, not
    one a character); its type height is mostly its last one's (see :func:`_line`).
    """
    lines: list[Line] = []
    add = lines.append
    text = _aligned(textpage, text)
    cuts, backs = gap_starts(textpage)
    # pdfium's C functions called directly, with one reused rectangle: a page has many lines
    rect = pdfium_c.FS_RECTF()
    box, ref = char_box, ctypes.byref(rect)
    handle = ctypes.c_void_p(ctypes.cast(textpage, ctypes.c_void_p).value)
    page_rtl: list[bool] = []  # whether the page is mostly right-to-left script, once asked

    def rtl_page(line: str) -> bool:
        """Whether a line holding right-to-left script runs right to left: it does when most
        of its letters are of such script by a third of them, it does not when most are of
        left-to-right script by as much (an English line quoting an Arabic title), else it
        runs as most letters of the page do."""
        right = len(RTL_SCRIPT.findall(line))
        left = sum(unicodedata.bidirectional(c) == "L" for c in line)
        if abs(right - left) >= (right + left) / 3:
            return right > left
        if not page_rtl:
            page_rtl.append(mostly_rtl(text))
        return page_rtl[0]

    mirrored: dict[int, list[bool]] = {}  # per line of pdfium's text (by its start), once asked
    brackets: list[bool] = []  # whether the file maps bracket glyphs to what they stand for

    def in_order(piece: str, at: int) -> Line | None:
        """A piece of the line holding right-to-left script, starting at ``at``, as a line in
        reading order (None: it has no glyphs)."""
        if line_start not in mirrored:
            mirrored[line_start] = mirrored_by_pdfium(raw)
        flags = mirrored[line_start][at - line_start : at - line_start + len(piece)]
        return reading_order(handle, ref, rect, piece, at, rtl_page(piece), flags, brackets)

    firsts: list[int] = []  # each line's first character
    edges: list[float] = []  # the left edges of columns set a space apart
    for attempt in range(2):
        pos = 0
        for raw in text.split("\r\n"):
            start, pos = pos, pos + len(raw) + 2
            line_start = start
            parts = _hyphen_parts(handle, ref, rect, raw, start) if LINE_END_HYPHEN in raw else (raw,)
            last = len(parts) - 1
            for number, part in enumerate(parts):
                stripped = part.strip()
                if stripped.strip(" \x00"):
                    first = start + part.index(stripped[0])
                    end = first + len(stripped) - 1
                    if not box(handle, first, ref):
                        raise pdfium.PdfiumError("Failed to get charbox.")
                    left, top, bottom = rect.left, rect.top, rect.bottom
                    if end != first:
                        box(handle, end, ref)
                    offsets = []  # text of two columns (or table cells) on one line: cut at the gaps
                    if cuts and (at := bisect.bisect_right(cuts, first)) < len(cuts) and cuts[at] <= end:
                        offsets = [c - first for c in cuts[at:] if c <= end]
                    # a table's row, maybe (two figures, or a figure and a cell drawn out of
                    # order): its gaps, one by one
                    if len(NUMBER.findall(stripped)) >= 2 or (
                        backs and any(first < b <= end for b in backs) and NUMBER.search(stripped)
                    ):
                        offsets = sorted({*offsets, *wide_spaces(handle, ref, rect, stripped, first)})
                    if offsets:
                        pieces = cut(stripped, offsets)
                        for offset, piece in pieces[:-1]:
                            add(_piece(handle, ref, rect, piece, first + offset, in_order))
                            firsts.append(first + offset)
                        offset, stripped = pieces[-1]
                        first += offset
                        box(handle, first, ref)
                        left, top, bottom = rect.left, rect.top, rect.bottom
                        box(handle, end, ref)
                    placed = None  # a line of right-to-left script, with the box of its glyphs
                    if not stripped.isascii() and RTL_SCRIPT.search(stripped):
                        placed = in_order(stripped, first)
                        stripped = placed[0] if placed else stripped
                        box(handle, end, ref)
                    elif _SPACING_ACCENT.search(stripped):
                        stripped = _accents_placed(handle, ref, rect, stripped, first)
                        box(handle, end, ref)
                    else:
                        stripped = _in_words(handle, stripped, first)
                    if LINE_END_HYPHEN in stripped:
                        stripped = unmapped_ligatures(stripped)
                    if not stripped.isascii() and ODD_LETTER.search(stripped):
                        stripped = mismapped_ligatures(stripped)
                    if number < last:
                        stripped += "-"
                    line = (
                        _line(stripped, left, top, bottom, rect)
                        if placed is None
                        else (stripped, *placed[1:])
                    )
                    if is_vertical(line):  # or a line whose first character pdfium placed a line up
                        line = _widened(handle, ref, rect, line, (first + end) // 2)
                    add(line)
                    firsts.append(first)
                start += len(part) + 1
        # columns one space apart, which no gap showed: cut where they start, once
        if attempt:
            break
        extra, edges = gutter_cuts(textpage, handle, text, lines, firsts)
        if not extra:
            break
        cuts = sorted({*cuts, *extra})
        lines.clear()
        firsts.clear()
    return lines, edges


# codes that pdfium's text leaves out (as it does a character without Unicode), unless the
# character is a hyphen it found at a line's end
_LEFT_OUT = frozenset((0x2, 0x3, 0x93, 0x94, 0x96, 0x97, 0x98, 0xFFFE))


def _aligned(textpage: int, text: str) -> str:
    """The page's text with a NUL where pdfium has a character that its text leaves out: one
    without Unicode (a glyph of a formula's big bracket, say), or one it maps to a control code
    (a glyph without Unicode whose code it took, 3 say), and after a character beyond 16 bits,
    of which pdfium counts two halves; so that an offset into the text is the index of its
    character's box. :func:`_line` takes the NULs (and control codes) out."""
    count = pdfium_c.FPDFText_CountChars(textpage)
    if count == len(text):
        return text
    unicode, hyphen = pdfium_c.FPDFText_GetUnicode, pdfium_c.FPDFText_IsHyphen
    missing = [
        i
        for i in range(count)
        if (code := unicode(textpage, i)) == 0
        or (code in _LEFT_OUT and not hyphen(textpage, i))
        or 0xDC00 <= code <= 0xDFFF  # the second half of a character beyond 16 bits (math italic
        # 𝑘): pdfium counts the two halves, the text holds the character once
    ]
    if len(text) + len(missing) != count:
        return text
    chars = list(text)
    for i in missing:
        chars.insert(i, "\x00")
    for i in missing:  # (an apostrophe without Unicode, "l’Impresa": kept, not left out)
        between = 0 < i < count - 1 and chars[i - 1].isalpha() and chars[i + 1].isalpha()
        if between and _raised_mark(textpage, i):
            chars[i] = "’"
    return "".join(chars)


def _raised_mark(textpage: int, index: int) -> bool:
    """Whether a character is a small mark set high between its neighbours (an apostrophe's
    place): narrower than half their height, and its bottom above the middle of theirs."""
    boxes = []
    for i in (index - 1, index, index + 1):
        left, bottom, right, top = (ctypes.c_double() for _ in range(4))
        pdfium_c.FPDFText_GetCharBox(textpage, i, left, right, bottom, top)
        boxes.append((left.value, bottom.value, right.value, top.value))
    (_, b0, _, t0), (x0, b1, x1, t1), (_, b2, _, t2) = boxes
    height = max(t0 - b0, t2 - b2)
    return height > 0 and x1 - x0 < 0.5 * height and b1 > max(b0, b2) + 0.45 * height and t1 > b1


def _widened(handle: Any, ref: Any, rect: Any, line: Line, middle: int) -> Line:
    """A line that looks set on its side (its first and last characters one above the other),
    widened to its middle character's box: text on its side stacks that one between them, a
    line of which pdfium gave the first character on the line above does not."""
    text, x0, x1, top, bottom, height = line
    char_box(handle, middle, ref)
    return (text, min(x0, rect.left), max(x1, rect.right), top, bottom, height)


def _hyphen_parts(handle: Any, ref: Any, rect: Any, raw: str, start: int) -> list[str]:
    """A line's text split where pdfium joined two lines at a line-end hyphen (which it marks
    with U+FFFE). pdfium gives the same mark for a glyph it cannot map inside a line (an "ffi"
    ligature without its Unicode): such a mark, the next character beside it on its line, is
    not a place to split."""
    parts: list[str] = []
    begin = 0
    at = raw.find(LINE_END_HYPHEN)
    while at >= 0:
        char_box(handle, start + at, ref)
        top, bottom, right = rect.top, rect.bottom, rect.right
        inside = False
        if at + 1 < len(raw):
            char_box(handle, start + at + 1, ref)
            middle = (rect.top + rect.bottom) / 2
            inside = bottom < middle < top and rect.left >= right - 0.5 * (top - bottom)
        if not inside:
            parts.append(raw[begin:at])
            begin = at + 1
        at = raw.find(LINE_END_HYPHEN, at + 1)
    parts.append(raw[begin:])
    return parts


# accents that TeX and other typesetters draw as glyphs of their own above a letter, with the
# combining marks they stand for
_ACCENTS = {
    "\u00b4": "\u0301", "`": "\u0300", "\u00a8": "\u0308", "\u02c7": "\u030c", "\u02da": "\u030a",
    "\u02c6": "\u0302", "\u02dc": "\u0303", "\u00b8": "\u0327", "\u02d8": "\u0306", "\u02d9": "\u0307",
    "\u00af": "\u0304", "\u02dd": "\u030b", "\u02db": "\u0328",
}  # fmt: skip
_SPACING_ACCENT = re.compile("[" + "".join(_ACCENTS) + "]")


def _accents_placed(handle: Any, ref: Any, rect: Any, text: str, first: int) -> str:
    """A line with each accent drawn as a glyph of its own ("Laszl ´ o") put on the letter it
    is drawn over ("László"): pdfium gives such a glyph where the file draws it, often after
    the word, with spaces around it. An accent over no letter of the line stays as it is."""
    boxes = []
    for i in range(len(text)):
        char_box(handle, first + i, ref)
        boxes.append((rect.left, rect.right, rect.bottom, rect.top))
    marks: dict[int, str] = {}
    gone: set[int] = set()
    for i, char in enumerate(text):
        if char not in _ACCENTS:
            continue
        left, right, bottom, top = boxes[i]
        centre = (left + right) / 2
        low = bottom + 0.5 * (top - bottom)
        under = [
            j
            for j, (x0, x1, y0, _) in enumerate(boxes)
            if text[j].isalpha() and j not in marks and x0 <= centre <= x1 and y0 < low
        ]
        if not under:
            continue
        marks[under[0]] = _ACCENTS[char]
        gone.add(i)
    # the spaces pdfium put around a glyph it took away, unless the letters beside them are apart
    for i in sorted(gone):
        for k in (i - 1, i + 1):
            if 0 < k < len(text) - 1 and text[k] == " " and k not in gone:
                kept = [j for j in range(len(text)) if j not in gone and text[j] != " "]
                before = max((j for j in kept if j < k), default=None)
                after = min((j for j in kept if j > k), default=None)
                if before is None or after is None:
                    gone.add(k)
                    continue
                height = boxes[before][3] - boxes[before][2]
                if boxes[after][0] - boxes[before][1] < 0.2 * height:
                    gone.add(k)
        if 0 < i < len(text) - 1 and text[i - 1] == text[i + 1] == " " and not {i - 1, i + 1} & gone:
            gone.add(i + 1)  # one space between the words is enough
    if not marks:
        return text
    out = [char + marks.get(i, "") for i, char in enumerate(text) if i not in gone]
    return unicodedata.normalize("NFC", "".join(out))


def _media_box(page: Any) -> tuple[float, float, float, float]:
    """A page's left, bottom, right and top, in the coordinates of its text (its media box)."""
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    if pdfium_c.FPDFPage_GetMediaBox(page, left, bottom, right, top):
        return (
            min(left.value, right.value),
            min(bottom.value, top.value),
            max(left.value, right.value),
            max(bottom.value, top.value),
        )
    return 0.0, 0.0, pdfium_c.FPDF_GetPageWidthF(page), pdfium_c.FPDF_GetPageHeightF(page)


def _piece(
    handle: Any,
    ref: Any,
    rect: Any,
    text: str,
    first: int,
    in_order: Callable[[str, int], Line | None],
) -> Line:
    """The line of one piece of a cut line, from its first and last characters' boxes (the line
    ``in_order`` makes of it when it holds right-to-left script)."""
    if not text.isascii() and RTL_SCRIPT.search(text) and (placed := in_order(text, first)):
        return placed
    char_box(handle, first, ref)
    left, top, bottom = rect.left, rect.top, rect.bottom
    char_box(handle, first + len(text) - 1, ref)
    return _line(_in_words(handle, text, first), left, top, bottom, rect)


def _in_words(handle: Any, text: str, first: int) -> str:
    """A line's text (starting at character ``first``) with footnotes' marks as superscript
    figures ("practice²") and an OCR layer's letters set apart read as words ("Ocea n")."""
    return rejoined_words(handle, raised_figures(handle, text, first), first)


_IN_TEXT = frozenset(",.;:()[]'\"‘’“”")  # signs that start a piece of a line of text


def _line(text: str, left: float, top: float, bottom: float, rect: Any) -> Line:
    """A line from its first character's left, top and bottom and its last character's box
    (``rect``); its type height is the last one's, or the first one's when that is a letter or
    a comma, stop or bracket set larger (the line ends in typewriter type or in a footnote's
    mark, say) or the last box is empty. (A bullet set larger is not the text's type.)"""
    height = rect.top - rect.bottom
    first = text[:1]
    if height <= 0 or (top - bottom > height and (first.isalnum() or first in _IN_TEXT)):
        height = top - bottom
    return (
        text if text.isprintable() else CONTROL.sub("", text),
        min(left, rect.left),
        max(rect.right, left),
        max(top, rect.top),
        min(bottom, rect.bottom),
        height,
    )


class _Buffers(threading.local):
    """One byte buffer per thread for pdfium to write text into, grown when a page needs more:
    making a ctypes buffer of a new size costs more than reading a short page's text."""

    def __init__(self) -> None:
        self.buffer = ctypes.create_string_buffer(1 << 16)

    def at_least(self, size: int) -> ctypes.Array[ctypes.c_char]:
        if len(self.buffer) < size:
            self.buffer = ctypes.create_string_buffer(max(size, 2 * len(self.buffer)))
        return self.buffer


_buffers = _Buffers()


def _page_text(textpage: int) -> str:
    """All text of a page, lines ended by CR LF (what pypdfium2's ``get_text_range`` gives)."""
    count = pdfium_c.FPDFText_CountChars(textpage)
    if count <= 0:
        return ""
    # room for twice the characters (pdfium may give more text than it counts characters), in
    # UTF-16 code units of two bytes
    buffer = _buffers.at_least(2 * (2 * count + 1))
    written = get_text(textpage, 0, count, buffer)  # code units, with the closing NUL
    return ctypes.string_at(buffer, 2 * max(written - 1, 0)).decode("utf-16-le", errors="ignore")


def _metadata(pdf: pdfium.PdfDocument, key: str) -> str:
    """One field of the document's information dictionary ("" when it has none)."""
    tag = key.encode("ascii") + b"\0"
    size = pdfium_c.FPDF_GetMetaText(pdf.raw, tag, None, 0)  # bytes, with the closing NUL
    if size <= 2:
        return ""
    buffer = _buffers.at_least(size)
    pdfium_c.FPDF_GetMetaText(pdf.raw, tag, buffer, size)
    return ctypes.string_at(buffer, size - 2).decode("utf-16-le", errors="ignore")


def read_pdf(data: bytes, name: str, *, ocr: str | None = None) -> list[Document]:
    """The PDF as one document. ``ocr``: Tesseract's languages ("eng+fra") to read it with when it
    has no text layer or one that cannot be read; None: such a PDF fails, saying so."""
    pdf = open_pdf(data, name)
    scanned: list[OcrPage] | None = None
    try:
        pages: list[list[Line]] = []
        texts: list[str] = []
        boxes: list[tuple[float, float]] = []  # each page's bottom and top
        rules: list[Rules | None] = []  # the rules each page draws, where it may hold a table
        edges: list[list[float]] = []  # the edges of each page's columns set a space apart
        sizes: list[tuple[float, float]] = []  # each page's width and height
        letters = 0
        # pages loaded with pdfium's C functions: pypdfium2's page objects cost more than reading
        # short pages' text
        handle = pdf.raw
        for index in range(len(pdf)):
            page = pdfium_c.FPDF_LoadPage(handle, index)
            textpage = pdfium_c.FPDFText_LoadPage(page) if page else None
            if not textpage:
                if page:
                    pdfium_c.FPDF_ClosePage(page)
                raise InputError(name, f"not a readable PDF (page {index + 1} cannot be loaded)")
            try:
                text = _page_text(textpage)
                texts.append(text)
                if letters < 20:
                    letters += count_letters(text[:2000])
                found, columns = _lines(textpage, text)
                left, bottom, right, top = _media_box(page)
                size = (pdfium_c.FPDF_GetPageWidthF(page), pdfium_c.FPDF_GetPageHeightF(page))
                turned = pdfium_c.FPDFPage_GetRotation(page) % 2 == 1  # (shown turned a quarter)
                if matrix := upright_matrix(found, textpage, (left, bottom, right, top), turned):
                    turn(page, matrix)  # text set on its side: read again, set upright
                    pdfium_c.FPDFText_ClosePage(textpage)
                    textpage = pdfium_c.FPDFText_LoadPage(page)
                    texts[-1] = text = _page_text(textpage)
                    found, columns = _lines(textpage, text)
                    bottom, top, size = left, right, size[::-1]
                pages.append(found)
                edges.append(columns)
                boxes.append((bottom, top))
                rules.append(page_rules(page) if may_hold_table(found) else None)
                sizes.append(size)
            finally:
                pdfium_c.FPDFText_ClosePage(textpage)
                pdfium_c.FPDF_ClosePage(page)
        problem = text_layer_problem(texts)
        if len(pdf) and (letters < 20 or problem):
            if ocr is None:
                raise InputError(name, unreadable_message(problem) if problem else NO_TEXT_LAYER)
            scanned = ocr_pages(pdf, ocr, name)
        meta = {key: _metadata(pdf, key) for key in ("Title", "Author", "CreationDate")}
    finally:
        pdf.close()
    blocks: list[Block] = []
    if scanned is not None:  # Tesseract's paragraphs, less the running lines found in its lines
        pages, boxes = [p.lines for p in scanned], [p.box for p in scanned]
        blocks = ocr_blocks(scanned, running(pages, body_height(pages), boxes))
        pages, boxes, rules, edges = [], [], [], []
    body = body_height(pages)
    deck = scanned is None and is_deck(sizes, pages, body)
    dropped = running(
        pages, body, boxes, share=DECK_RUNNING_SHARE if deck else RUNNING_SHARE, large_kept=deck
    )
    first_pages: list[list[Paragraph]] = []
    for number, (page, drop, box, ruling, columns) in enumerate(
        zip(pages, dropped, boxes, rules, edges, strict=True), start=1
    ):
        lines = [line for i, line in enumerate(page) if i not in drop] if drop else page
        paragraphs = page_paragraphs(lines, body, box, ruling, column_edges(lines, body, columns))
        if deck:
            blocks += slide_blocks(paragraphs, number)
        else:
            for para in paragraphs:
                if para.kind == "table":
                    blocks += table_blocks(para.lines, page=number)
                else:
                    blocks.append(Block("\n".join(para.lines), kind=para.kind, page=number, wrapped=True))
        if number <= 2:
            first_pages.append(paragraphs)
    return [
        Document(
            format="pdf",
            blocks=built_up(blocks) if deck else blocks,
            title=pdf_title(
                meta.get("Title") or "", first_pages, [ln[0] for page in pages[:2] for ln in page]
            ),
            author=(meta.get("Author") or "").strip() or None,
            date=pdf_date(meta.get("CreationDate") or ""),
        )
    ]
