"""Reading: from a location (file or URL) to documents cut into units, ready to store.

:func:`prepare` touches no database, so it runs in worker processes while the main process
writes what earlier files gave.
"""

from __future__ import annotations

import hashlib
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from foresight.config import IngestSettings
from foresight.errors import InputError
from foresight.ingest.dedupe import band_values_many
from foresight.ingest.feed import is_feed, read_feed
from foresight.ingest.language import source_language, unit_languages
from foresight.ingest.model import Document, Segmented
from foresight.ingest.pdf import read_pdf
from foresight.ingest.segment import segment
from foresight.ingest.survey import read_csv, read_xlsx
from foresight.ingest.textfile import read_markdown, read_text
from foresight.ingest.web import read_html
from foresight.ingest.word import read_docx

Reader = Callable[[bytes, str], list[Document]]
READERS: dict[str, Reader] = {
    ".pdf": read_pdf,
    ".docx": read_docx,
    ".html": read_html,
    ".htm": read_html,
    ".xhtml": read_html,
    ".txt": read_text,
    ".text": read_text,
    ".md": read_markdown,
    ".markdown": read_markdown,
    ".rss": read_feed,
    ".atom": read_feed,
    ".xml": read_feed,
    ".csv": read_csv,
    ".xlsx": read_xlsx,
}
FEEDS = (".xml", ".rss", ".atom")
HINTS = {
    ".doc": "old Word .doc files are not read; save it as .docx",
    ".xls": "old Excel .xls files are not read; save it as .xlsx",
    ".pptx": "slides are not read; export them to PDF",
}
CONTENT_TYPES = {
    "application/pdf": ".pdf",
    "application/rss+xml": ".rss",
    "application/atom+xml": ".atom",
    "application/xml": ".xml",
    "text/xml": ".xml",
    "text/plain": ".txt",
    "text/markdown": ".md",
    "text/csv": ".csv",
}


def is_url(location: str) -> bool:
    return location.startswith(("http://", "https://"))


def discover(inputs: Iterable[str | Path]) -> Iterator[str]:
    """Files named, files under folders named (recursively, hidden ones skipped), and URLs."""
    for item in inputs:
        text = str(item)
        if is_url(text):
            yield text
            continue
        path = Path(text)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                rel = child.relative_to(path).parts
                if child.is_file() and not any(part.startswith(".") for part in rel):
                    yield str(child.resolve())
        else:
            yield str(path.resolve()) if path.exists() else text


def fetch(url: str, cap: int) -> tuple[bytes, str]:
    """The bytes of a URL and the extension its content type stands for."""
    request = urllib.request.Request(url, headers={"User-Agent": "foresight (horizon scanning)"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            data = response.read(cap + 1)
            kind = response.headers.get_content_type()
    except urllib.error.HTTPError as exc:
        raise InputError(url, f"cannot fetch it (HTTP {exc.code} {exc.reason})") from None
    except (urllib.error.URLError, TimeoutError, ValueError) as exc:
        raise InputError(url, f"cannot fetch it ({getattr(exc, 'reason', exc)})") from None
    if len(data) > cap:
        raise InputError(url, f"over the {_megabytes(cap)} limit (max_file_mb in foresight.toml)")
    return data, CONTENT_TYPES.get(kind, ".html")


def read_location(location: str, cap: int) -> tuple[bytes, str]:
    if is_url(location):
        return fetch(location, cap)
    path = Path(location)
    if not path.is_file():
        raise InputError(location, "no such file")
    size = path.stat().st_size
    if size > cap:
        limit = f"the {_megabytes(cap)} limit (max_file_mb in foresight.toml)"
        raise InputError(location, f"{_megabytes(size)} is over {limit}")
    try:
        return path.read_bytes(), path.suffix.lower()
    except OSError as exc:
        raise InputError(location, f"cannot read it ({exc.strerror})") from None


def read_documents(data: bytes, ext: str, location: str, *, ocr: str | None = None) -> list[Document]:
    """The documents in a file's bytes; ``ocr``: Tesseract's languages for a scanned PDF (None: no OCR)."""
    if not data.strip():
        raise InputError(location, "empty file")
    if ext == ".xml" and not is_feed(data):
        raise InputError(location, "an XML file that is not an RSS or Atom feed")
    if ext in (".html", ".htm") and is_feed(data[:512]):
        ext = ".rss"
    reader = READERS.get(ext)
    if reader is None:
        supported = ", ".join(sorted(READERS))
        raise InputError(
            location, HINTS.get(ext) or f"unsupported file type '{ext or '(none)'}' (reads {supported})"
        )
    if reader is read_html and is_url(location):
        return read_html(data, location, url=location)
    if reader is read_pdf and ocr:
        return read_pdf(data, location, ocr=ocr)
    return reader(data, location)


@dataclass
class Prepared:
    """A file read and cut: its documents (without their raw blocks) and their units."""

    location: str
    file_sha256: str = ""
    documents: list[tuple[Document, Segmented]] = field(default_factory=list)
    skipped: str = ""  # why nothing needs doing
    problem: str = ""  # why it failed


def prepare(
    location: str, settings: IngestSettings, known: frozenset[str] = frozenset(), *, strict: bool = False
) -> Prepared:
    """Read and segment one location; files whose sha256 is in ``known`` are skipped unread."""
    try:
        data, ext = read_location(location, int(settings.max_file_mb * 1e6))
        sha = hashlib.sha256(data).hexdigest()
        if sha in known and ext not in FEEDS:  # a feed may have gained items: look at each
            return Prepared(location, sha, skipped="unchanged (same content already ingested)")
        try:
            documents = read_documents(data, ext, location, ocr=settings.ocr_languages)
        except InputError:
            raise
        except Exception as exc:  # a reader library choked on the bytes: report it for this file
            if strict:
                raise
            raise InputError(location, f"cannot be read ({type(exc).__name__}: {exc})") from exc
        prepared = Prepared(location, sha)
        for document in documents:
            cut = segment(document.blocks, settings)
            if not cut.units:
                raise InputError(location, "no text found to cut into units")
            texts = [u.text for u in cut.units]
            languages = unit_languages(texts)
            for unit, bands, language in zip(cut.units, band_values_many(texts), languages, strict=True):
                unit.bands = bands
                unit.language = language
            cut.language = source_language(texts, languages, cut.text)
            document.blocks = []
            prepared.documents.append((document, cut))
        return prepared
    except InputError as exc:
        return Prepared(exc.location, problem=exc.problem)


def _megabytes(size: float) -> str:
    """A size in MB with the digits that tell it apart: 52.4 MB, 0.0043 MB."""
    return f"{size / 1e6:.3g} MB"
