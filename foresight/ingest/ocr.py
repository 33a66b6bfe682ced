"""OCR of scanned PDF pages with Tesseract: each page rendered by pdfium, read by the
``tesseract`` program, and given back as paragraphs of lines in Tesseract's reading order.

The program is run, not bound: Debian's ``tesseract-ocr`` (or Homebrew's ``tesseract``) is all
it needs, and a page goes to it on its standard input, so nothing is written to disk.
Tesseract's TSV output numbers each word's block, paragraph and line; a paragraph here is one of
its paragraphs, lines keep their breaks (the segmenter joins them, without a space between CJK
lines), and words of Chinese or Japanese are joined without spaces.

:func:`ocr_languages` checks, once per run, that Tesseract and the languages asked for are there
and raises :class:`~foresight.errors.ForesightError` when not; :func:`ocr_pages` reads the pages
and raises :class:`~foresight.errors.InputError` for the one file.
"""

from __future__ import annotations

import io
import math
import os
import shutil
import subprocess
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from foresight.errors import ForesightError, InputError
from foresight.ingest.model import Block
from foresight.ingest.segment import is_cjk

if TYPE_CHECKING:
    import pypdfium2 as pdfium

    from foresight.ingest.layout import Line

INSTALL = "install Tesseract: apt-get install tesseract-ocr (Debian/Ubuntu) or brew install tesseract"
MISSING = f"OCR needs Tesseract, which is not on PATH; {INSTALL}"
DPI = 300  # Tesseract reads best at 300 dpi; at 150 it lost paragraphs of the Chinese scan
MAX_PIXELS = 40_000_000  # a bigger page is rendered at less than DPI (A3 at 300 dpi: 17 million)
PAGE_SECONDS = 300.0  # one page; a page takes 2-8 s
NOT_LANGUAGES = frozenset({"osd", "equ"})  # orientation and equation data, not languages
MAX_DEFAULT_LANGUAGES = 4  # each language costs time: more installed ones must be chosen from
MIN_CONFIDENCE = 30.0  # a paragraph whose words Tesseract is less sure of is noise (a logo, a figure)


def tesseract() -> str:
    """The path of the ``tesseract`` program; ForesightError saying how to get it."""
    found = shutil.which("tesseract")
    if found is None:
        raise ForesightError(MISSING)
    return found


def installed_languages() -> list[str]:
    """The languages Tesseract has data for ("eng", "chi_sim", "osd"...), as it lists them."""
    try:
        done = subprocess.run(
            [tesseract(), "--list-langs"], capture_output=True, text=True, check=False, timeout=60
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise ForesightError(f"cannot run Tesseract ({exc}); {INSTALL}") from None
    # "List of available languages in ...:" then one a line (on stdout since Tesseract 4.1)
    lines = (done.stdout + done.stderr).splitlines()
    return [ln.strip() for ln in lines if ln.strip() and " " not in ln.strip()]


def ocr_languages(requested: str | None = None) -> str:
    """The Tesseract languages to read scans with, checked: ``requested`` ("eng+fra"), else every
    installed language (Debian's tesseract-ocr installs "eng"; each tesseract-ocr-LANG package
    adds its own), when there are at most :data:`MAX_DEFAULT_LANGUAGES`."""
    installed = installed_languages()
    if requested:
        wanted = [name.strip() for name in requested.replace(",", "+").split("+") if name.strip()]
        missing = [name for name in wanted if name not in installed]
        if missing:
            have = ", ".join(name for name in installed if name not in NOT_LANGUAGES) or "none"
            package = "tesseract-ocr-" + missing[0].replace("_", "-").lower()
            raise ForesightError(
                f"Tesseract has no language {', '.join(missing)} (installed: {have}); "
                f"install it: apt-get install {package} (Debian/Ubuntu) or brew install tesseract-lang"
            )
        if wanted:
            return "+".join(wanted)
    usable = [name for name in installed if name not in NOT_LANGUAGES]
    if not usable:
        raise ForesightError(
            "Tesseract has no language installed; install one: apt-get install tesseract-ocr-eng"
        )
    if len(usable) > MAX_DEFAULT_LANGUAGES:
        raise ForesightError(
            f"Tesseract has {len(usable)} languages installed; name the documents' languages "
            "with --ocr-languages, e.g. eng+fra"
        )
    return "+".join(usable)


@dataclass
class OcrPage:
    """What Tesseract read on one page: its paragraphs (each a list of lines) in its reading
    order, and the same lines as :data:`foresight.ingest.layout.Line` boxes in PDF points (y up
    the page, as pdfium gives a text layer's), for the layout's running heads and headings."""

    paragraphs: list[list[str]] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)
    box: tuple[float, float] = (0.0, 0.0)  # the page's bottom and top, in points


def read_tsv(tsv: str, scale: float = 1.0, page_height: float = 0.0) -> OcrPage:
    """A page from Tesseract's TSV output, its pixels ``scale`` times the page's points.

    Words are joined with a space, but not next to a Chinese or Japanese character; paragraphs
    whose words Tesseract reads with a mean confidence under :data:`MIN_CONFIDENCE` are left out
    (a logo, a photo's texture). A line's type height is its words' median height.
    """
    # (block, paragraph) -> line -> its words: (text, left, top, right, bottom, confidence)
    found: dict[tuple[str, str], dict[str, list[tuple[str, int, int, int, int, float]]]] = {}
    for row in tsv.splitlines()[1:]:
        fields = row.split("\t")
        if len(fields) < 12 or fields[0] != "5":  # level 5: a word
            continue
        text = fields[11].strip()
        if not text:
            continue
        left, top, width, height = map(int, fields[6:10])
        word = (text, left, top, left + width, top + height, float(fields[10]))
        found.setdefault((fields[2], fields[3]), {}).setdefault(fields[4], []).append(word)
    page = OcrPage(box=(0.0, page_height))
    for lines in found.values():
        scores = [word[5] for words in lines.values() for word in words]
        if sum(scores) / len(scores) < MIN_CONFIDENCE:
            continue
        texts = []
        for words in lines.values():
            text = _join_words([word[0] for word in words])
            texts.append(text)
            heights = sorted(word[4] - word[2] for word in words)
            page.lines.append(
                (
                    text,
                    min(word[1] for word in words) / scale,
                    max(word[3] for word in words) / scale,
                    page_height - min(word[2] for word in words) / scale,
                    page_height - max(word[4] for word in words) / scale,
                    heights[len(heights) // 2] / scale,
                )
            )
        page.paragraphs.append(texts)
    return page


def _join_words(words: list[str]) -> str:
    text = words[0]
    for word in words[1:]:
        text += word if is_cjk(text[-1]) or is_cjk(word[0]) else f" {word}"
    return text


def _page_image(page: pdfium.PdfPage) -> tuple[bytes, float]:
    """The page rendered in grey at :data:`DPI` (less for a huge page), as a PGM file (Tesseract
    reads it at once, where a PNG would first be compressed here and inflated there), and the
    scale it was rendered at: pixels a point."""
    width, height = page.get_size()  # in points
    scale = min(DPI / 72, math.sqrt(MAX_PIXELS / max(width * height, 1.0)))
    image = page.render(scale=scale, grayscale=True, draw_annots=False).to_pil()
    buffer = io.BytesIO()
    image.convert("L").save(buffer, format="PPM")
    return buffer.getvalue(), scale


def run_tesseract(image: bytes, languages: str, name: str, where: str = "the image") -> str:
    """Tesseract's TSV for one image (any format it reads: PGM, PNG, TIFF...)."""
    command = [tesseract_or_input_error(name), "stdin", "stdout", "-l", languages, "tsv"]
    # One thread per page: with its default OpenMP threads Tesseract took 10.4 s for a page of
    # the Chinese scan on two cores, with one 3.1 s; files are read in parallel processes anyway.
    env = {**os.environ, "OMP_THREAD_LIMIT": os.environ.get("OMP_THREAD_LIMIT", "1")}
    try:
        done = subprocess.run(
            command, input=image, capture_output=True, check=False, timeout=PAGE_SECONDS, env=env
        )
    except subprocess.TimeoutExpired:
        raise InputError(name, f"Tesseract took longer than {PAGE_SECONDS:g} s to read {where}") from None
    except OSError as exc:
        raise InputError(name, f"cannot run Tesseract ({exc.strerror or exc}); {INSTALL}") from None
    if done.returncode != 0:
        last = (done.stderr.decode("utf-8", "replace").strip().splitlines() or ["no message"])[-1]
        raise InputError(name, f"Tesseract failed on {where}: {last}")
    return done.stdout.decode("utf-8", "replace")


def tesseract_or_input_error(name: str) -> str:
    """:func:`tesseract` for a reader: a missing program fails the file, with the same line."""
    try:
        return tesseract()
    except ForesightError as exc:
        raise InputError(name, str(exc)) from None


def ocr_pages(pdf: pdfium.PdfDocument, languages: str, name: str) -> list[OcrPage]:
    """What Tesseract reads on each page of ``pdf``, rendered.

    ``languages`` is Tesseract's ("eng", "eng+fra"; see :func:`ocr_languages`); ``name`` names the
    file in errors. Slow: 2-8 s a page (300 dpi, one thread).
    """
    pages = []
    for index in range(len(pdf)):
        page = pdf[index]
        try:
            height = page.get_height()
            image, scale = _page_image(page)
        finally:
            page.close()
        tsv = run_tesseract(image, languages, name, f"page {index + 1}")
        pages.append(read_tsv(tsv, scale, height))
    return pages


def ocr_blocks(pages: list[OcrPage], dropped: list[set[int]] | None = None) -> list[Block]:
    """Tesseract's paragraphs as blocks, without the lines ``dropped`` names on each page (indexes
    into its ``lines``: running heads, footers and page numbers, as the layout finds them)."""
    dropped = dropped or [set() for _ in pages]
    blocks = []
    for number, (page, drop) in enumerate(zip(pages, dropped, strict=True), start=1):
        at = 0  # the index of the paragraph's first line among the page's lines
        for para in page.paragraphs:
            kept = [line for i, line in enumerate(para, start=at) if i not in drop]
            at += len(para)
            if kept:
                blocks.append(Block("\n".join(kept), kind="paragraph", page=number, wrapped=True))
    return blocks
