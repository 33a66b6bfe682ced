"""PDF text with pypdfium2: lines with their positions, paragraphs from the gaps between them."""

from __future__ import annotations

import ctypes
import datetime as dt
import math
import re
import threading
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from foresight.errors import InputError
from foresight.ingest.model import Block, Document
from foresight.ingest.segment import count_letters, ends_like_a_sentence, looks_like_heading, running_lines

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


def _untyped(function: Any, restype: Any) -> Any:
    """A twin of one of pypdfium2's pdfium functions without its argument types.

    ctypes checks a typed pointer argument at every call, which costs more than pdfium's work
    for one character; the two functions called for every line of every page go without, and
    the one giving a page's text, so that it takes a plain byte buffer.
    """
    twin = type(function)(ctypes.cast(function, ctypes.c_void_p).value)
    twin.restype = restype
    return twin


_char_box = _untyped(pdfium_c.FPDFText_GetLooseCharBox, ctypes.c_int)
_font_size = _untyped(pdfium_c.FPDFText_GetFontSize, ctypes.c_double)
_get_text = _untyped(pdfium_c.FPDFText_GetText, ctypes.c_int)


# A visual line: its text, left edge, top and bottom (of its first character's box: the font's
# ascent and descent at its size), font size and length. Tuples: a page has tens of lines, and a
# tuple is made and read faster than an object.
_Line = tuple[str, float, float, float, float, int]


def _lines(textpage: int, text: str) -> list[_Line]:
    """The page's visual lines; a line pdfium joined at an end-of-line hyphen is split again."""
    lines: list[_Line] = []
    add = lines.append
    pos = 0
    # pdfium's C functions called directly, with one reused rectangle: a page has many lines
    rect = pdfium_c.FS_RECTF()
    box, font_size, ref = _char_box, _font_size, ctypes.byref(rect)
    handle = ctypes.c_void_p(ctypes.cast(textpage, ctypes.c_void_p).value)
    height, size = -1.0, 0.0
    for raw in text.split("\r\n"):
        start, pos = pos, pos + len(raw) + 2
        parts = raw.split(LINE_END_HYPHEN) if LINE_END_HYPHEN in raw else (raw,)
        last = len(parts) - 1
        for number, part in enumerate(parts):
            stripped = part.strip()
            if stripped:
                first = start + part.index(stripped[0])
                if not box(handle, first, ref):
                    raise pdfium.PdfiumError("Failed to get charbox.")
                top, bottom = rect.top, rect.bottom
                if top - bottom != height:  # a line as tall as the one before is in the same font size
                    height, size = top - bottom, font_size(handle, first)
                if number < last:
                    stripped += "-"
                add((stripped, rect.left, top, bottom, size, len(stripped)))
            start += len(part) + 1
    return lines


def _median(values: list[float]) -> float:
    """statistics.median without its generality: this runs twice for every page."""
    values.sort()
    half = len(values) // 2
    return values[half] if len(values) % 2 else (values[half - 1] + values[half]) / 2


def _page_paragraphs(textpage: int, text: str) -> list[tuple[list[str], bool]]:
    """A page's lines grouped into paragraphs, each flagged when it is a heading.

    A paragraph starts after a wider vertical gap, at a first-line indent, where the font size
    changes, after a short line that ends a sentence, and after a short line with no closing
    punctuation (a heading set in body type).
    """
    lines = _lines(textpage, text)
    if not lines:
        return []
    _, lefts, tops, bottoms, sizes, lengths = zip(*lines, strict=True)
    pairs = list(zip(lines, lines[1:], strict=False))
    leads = sorted(
        bottom - top
        for bottom, top, size, next_size in zip(bottoms, tops[1:], sizes, sizes[1:], strict=False)
        if abs(size - next_size) <= 0.5 and bottom > top - size
    )
    lead = leads[len(leads) // 4] if leads else None  # the usual space between lines
    margin = _median(list(lefts))
    body = _median(list(sizes))
    wide = lead + 0.5 * body if lead is not None else math.inf
    short = 0.7 * max(lengths)
    groups: list[list[_Line]] = [[lines[0]]]
    for (text_a, left_a, _, bottom_a, size_a, length_a), line in pairs:
        _, left, top, _, size, _ = line
        new = (
            bottom_a - top > wide  # a wider gap between the lines
            or top > bottom_a + 2 * body  # back up the page: a new column
            or (left - margin > 8 and left_a - margin <= 8)  # a first-line indent
            or abs(size - size_a) > 0.5
            or (
                length_a < short  # a short line ending a sentence or a heading
                and not text_a.endswith("-")
                and (ends_like_a_sentence(text_a) or looks_like_heading(text_a))
            )
        )
        if new:
            groups.append([line])
        else:
            groups[-1].append(line)
    return [
        (
            [ln[0] for ln in group],
            all(ln[4] >= body + 1 for ln in group) and sum(ln[5] for ln in group) <= 160,
        )
        for group in groups
    ]


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
    written = _get_text(textpage, 0, count, buffer)  # code units, with the closing NUL
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


def read_pdf(data: bytes, name: str) -> list[Document]:
    pdf = open_pdf(data, name)
    try:
        pages: list[list[tuple[list[str], bool]]] = []
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
                if letters < 20:
                    letters += count_letters(text[:2000])
                pages.append(_page_paragraphs(textpage, text))
            finally:
                pdfium_c.FPDFText_ClosePage(textpage)
                pdfium_c.FPDF_ClosePage(page)
        if len(pdf) and letters < 20:
            raise InputError(name, "has no text layer (a scanned PDF?); run OCR on it first")
        meta = {key: _metadata(pdf, key) for key in ("Title", "Author", "CreationDate")}
    finally:
        pdf.close()
    # Running headers and footers are lines at the pages' edges; look for them line by line.
    dropped = running_lines([[line for para, _ in page for line in para] for page in pages])
    blocks: list[Block] = []
    for number, (page, drop) in enumerate(zip(pages, dropped, strict=True), start=1):
        first, last = (min(drop), max(drop)) if drop else (0, -1)
        at = 0  # the index of the paragraph's first line on its page
        for para, heading in page:
            end = at + len(para)
            if at <= last and end > first:  # the paragraph holds a line to drop
                para = [line for i, line in enumerate(para, start=at) if i not in drop]
            at = end
            if para:
                kind = "heading" if heading else "paragraph"
                blocks.append(Block("\n".join(para), kind=kind, page=number, wrapped=True))
    return [
        Document(
            format="pdf",
            blocks=blocks,
            title=(meta.get("Title") or "").strip() or None,
            author=(meta.get("Author") or "").strip() or None,
            date=pdf_date(meta.get("CreationDate") or ""),
        )
    ]
