"""Ingest: files, folders and URLs in; sources and their units in the store.

Each source is written in one transaction: a failure or a kill leaves nothing half-ingested.
Re-ingesting an unchanged file does nothing; a changed file becomes a new version of its source,
and codings of units whose text did not change are carried to the new version (the old
version and all its codings stay in the store).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from sqlalchemy import insert, or_, select, update
from sqlmodel import Session

from foresight.errors import ForesightError, InputError
from foresight.ingest import dedupe
from foresight.ingest.feed import is_feed, read_feed
from foresight.ingest.model import Document
from foresight.ingest.pdf import read_pdf
from foresight.ingest.segment import segment
from foresight.ingest.survey import read_csv, read_xlsx
from foresight.ingest.textfile import read_markdown, read_text
from foresight.ingest.web import read_html
from foresight.ingest.word import read_docx
from foresight.project import Project
from foresight.store import Coding, Source, Unit, log_event

SOURCE_TYPES = ("news", "blog", "policy", "report", "proceedings", "interview", "survey", "other")
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
HINTS = {
    ".doc": "old Word .doc files are not read; save it as .docx",
    ".xls": "old Excel .xls files are not read; save it as .xlsx",
    ".pptx": "slides are not read; export them to PDF",
}
FILE_NAME = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:[_ -]+([a-z]+))?")


@dataclass(frozen=True)
class IngestOptions:
    source_type: str | None = None
    actor_type: str | None = None
    date: dt.date | None = None
    language: str | None = None


@dataclass
class FileOutcome:
    location: str
    status: str  # ingested | updated | skipped | failed
    message: str = ""
    sources: int = 0
    units: int = 0


@dataclass
class IngestReport:
    outcomes: list[FileOutcome] = field(default_factory=list)

    def count(self, *statuses: str) -> int:
        return sum(o.status in statuses for o in self.outcomes)

    @property
    def units(self) -> int:
        return sum(o.units for o in self.outcomes)

    @property
    def failed(self) -> list[FileOutcome]:
        return [o for o in self.outcomes if o.status == "failed"]


class Progress(Protocol):
    def found(self, files: int) -> None: ...
    def done(self, outcome: FileOutcome) -> None: ...


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
        raise InputError(url, f"over the {cap / 1e6:g} MB limit (max_file_mb in foresight.toml)")
    ext = {
        "application/pdf": ".pdf",
        "application/rss+xml": ".rss",
        "application/atom+xml": ".atom",
        "application/xml": ".xml",
        "text/xml": ".xml",
        "text/plain": ".txt",
        "text/markdown": ".md",
        "text/csv": ".csv",
    }.get(kind, ".html")
    return data, ext


def read_location(location: str, cap: int) -> tuple[bytes, str]:
    if is_url(location):
        return fetch(location, cap)
    path = Path(location)
    if not path.is_file():
        raise InputError(location, "no such file")
    size = path.stat().st_size
    if size > cap:
        raise InputError(
            location,
            f"{size / 1e6:.1f} MB is over the {cap / 1e6:g} MB limit (max_file_mb in foresight.toml)",
        )
    try:
        return path.read_bytes(), path.suffix.lower()
    except OSError as exc:
        raise InputError(location, f"cannot read it ({exc.strerror})") from None


def read_documents(data: bytes, ext: str, location: str) -> list[Document]:
    if not data.strip():
        raise InputError(location, "empty file")
    if ext == ".xml" and not is_feed(data):
        raise InputError(location, "an XML file that is not an RSS or Atom feed")
    if ext in (".html", ".htm") and is_feed(data[:512]):
        ext = ".rss"
    reader = READERS.get(ext)
    if reader is None:
        hint = (
            HINTS.get(ext)
            or f"unsupported file type '{ext or '(none)'}' (reads {', '.join(sorted(READERS))})"
        )
        raise InputError(location, hint)
    if reader is read_html and is_url(location):
        return read_html(data, location, url=location)
    return reader(data, location)


def _name_hints(location: str) -> tuple[dt.date | None, str | None]:
    """A date and a source type from a file name like ``2011-05-14_policy_brief.pdf``."""
    match = FILE_NAME.match(Path(location).name)
    if not match:
        return None, None
    try:
        day = dt.date.fromisoformat(match.group(1))
    except ValueError:
        return None, None
    kind = match.group(2)
    return day, kind if kind in SOURCE_TYPES else None


def _title(document: Document, location: str) -> str:
    if document.title:
        return document.title.strip()
    stem = Path(location).stem if not is_url(location) else location
    return (
        re.sub(r"^\d{4}-\d{2}-\d{2}[_ -]+([a-z]+[_ -]+)?", "", stem).replace("_", " ").replace("-", " ")
        or stem
    )


def _carry_codings(session: Session, old_id: int, new_units: dict[str, int]) -> tuple[int, int]:
    """Copy codings of unchanged units to the new version; count those left on the old one."""
    rows = session.execute(
        select(Coding.unit_id, Coding.code_id, Coding.coder, Coding.origin, Unit.text)
        .join(Unit, Unit.id == Coding.unit_id)
        .where(Unit.source_id == old_id)
    ).all()
    carried = [
        {"unit_id": new_units[text], "code_id": code, "coder": coder, "origin": origin}
        for _, code, coder, origin, text in rows
        if text in new_units
    ]
    if carried:
        session.execute(insert(Coding), carried)
    return len(carried), len(rows) - len(carried)


def _near_duplicates(session: Session, source_id: int, max_shared: int = 200) -> int:
    """Flag this source's units that nearly repeat a unit of another source."""
    mine = session.execute(
        select(Unit.id, Unit.text, Unit.band0, Unit.band1, Unit.band2, Unit.band3).where(
            Unit.source_id == source_id, Unit.band0.is_not(None)
        )
    ).all()
    flagged = 0
    for uid, text, *bands in mine:
        candidates = session.execute(
            select(Unit.id, Unit.text)
            .join(Source, Source.id == Unit.source_id)
            .where(
                Unit.source_id != source_id,
                Source.current.is_(True),
                Unit.duplicate_of.is_(None),
                or_(*(getattr(Unit, f"band{i}") == b for i, b in enumerate(bands))),
            )
            .order_by(Unit.id)
            .limit(max_shared)
        ).all()
        match = next((cid for cid, ctext in candidates if dedupe.jaccard(text, ctext) >= 0.7), None)
        if match is not None:
            session.execute(update(Unit).where(Unit.id == uid).values(duplicate_of=match))
            flagged += 1
    return flagged


def store_document(
    project: Project,
    document: Document,
    *,
    location: str,
    file_sha256: str,
    options: IngestOptions,
) -> FileOutcome:
    """Write one source and its units in one transaction; skip it if it is already there."""
    sha = document.sha256 or file_sha256
    path = document.url if document.format == "feed" and document.url else location
    settings = project.config.ingest
    with project.transaction() as session:
        if session.execute(select(Source.id).where(Source.sha256 == sha)).first():
            return FileOutcome(location, "skipped", "unchanged")
        previous = session.execute(
            select(Source).where(
                Source.path == path, Source.locator == document.locator, Source.current.is_(True)
            )
        ).scalar_one_or_none()
        cut = segment(document.blocks, settings)
        if not cut.units:
            raise InputError(location, "no text found to cut into units")
        name_date, name_type = _name_hints(location)
        if document.date is not None:
            day, origin = document.date, "metadata"
        elif name_date is not None:
            day, origin = name_date, "file name"
        elif options.date is not None:
            day, origin = options.date, "flag"
        else:
            day, origin = None, "unknown"
        default_type = {"csv": "survey", "xlsx": "survey", "feed": "news"}.get(document.format, "other")
        own_type = document.source_type if document.source_type in SOURCE_TYPES else None
        source = Source(
            title=_title(document, location),
            path=path,
            locator=document.locator,
            sha256=sha,
            file_sha256=file_sha256,
            format=document.format,
            source_type=own_type or name_type or options.source_type or default_type,
            actor_type=options.actor_type,
            date=day,
            date_origin=origin,
            language=document.language or options.language or project.config.default_language,
            author=document.author,
            text=cut.text,
            version=previous.version + 1 if previous else 1,
            previous_id=previous.id if previous else None,
            attributes=document.attributes,
        )
        session.add(source)
        if previous is not None:
            previous.current = False
            session.add(previous)
        session.flush()
        period = project.config.period_of(day)
        rows = []
        for ordinal, draft in enumerate(cut.units, start=1):
            bands = dedupe.band_values(draft.text) or (None,) * dedupe.BANDS
            rows.append(
                {
                    "source_id": source.id,
                    "ordinal": ordinal,
                    "text": draft.text,
                    "start": draft.start,
                    "end": draft.end,
                    "page": draft.page,
                    "section": draft.section,
                    "period": period,
                    "attributes": draft.attributes,
                    **{f"band{i}": b for i, b in enumerate(bands)},
                }
            )
        session.execute(insert(Unit), rows)
        duplicates = _near_duplicates(session, source.id)  # type: ignore[arg-type]
        message = f"{len(rows)} units"
        if duplicates:
            message += f", {duplicates} near-duplicates of units elsewhere"
        details: dict[str, object] = {"path": path, "sha256": sha, "units": len(rows)}
        if previous is not None:
            new_units = {
                r["text"]: unit_id
                for r, unit_id in zip(
                    rows,
                    session.execute(
                        select(Unit.id).where(Unit.source_id == source.id).order_by(Unit.ordinal)
                    ).scalars(),
                    strict=True,
                )
            }
            carried, left = _carry_codings(session, previous.id, new_units)  # type: ignore[arg-type]
            message += f"; version {source.version} of source #{previous.id}"
            if carried or left:
                message += f", {carried} codings carried over, {left} stay on the old version"
            details.update(previous=previous.id, carried=carried, left=left)
        log_event(session, "ingest", "new version" if previous else "ingest", "source", source.id, **details)
    status = "updated" if previous is not None else "ingested"
    return FileOutcome(location, status, message, sources=1, units=len(rows))


def ingest_location(
    project: Project, location: str, options: IngestOptions, *, strict: bool = False
) -> FileOutcome:
    """Ingest one file or URL; a problem raises :class:`InputError` naming it."""
    cap = int(project.config.ingest.max_file_mb * 1e6)
    data, ext = read_location(location, cap)
    file_sha = hashlib.sha256(data).hexdigest()
    multi = ext in (".xml", ".rss", ".atom")
    if not multi:
        with project.session() as session:
            if session.execute(select(Source.id).where(Source.file_sha256 == file_sha)).first():
                return FileOutcome(location, "skipped", "unchanged (same content already ingested)")
    try:
        documents = read_documents(data, ext, location)
    except InputError:
        raise
    except Exception as exc:  # a reader library choked on the bytes: report it for this file
        if strict:
            raise
        raise InputError(location, f"cannot be read ({type(exc).__name__}: {exc})") from exc
    total = FileOutcome(location, "skipped", "unchanged")
    messages = []
    for document in documents:
        outcome = store_document(project, document, location=location, file_sha256=file_sha, options=options)
        total.sources += outcome.sources
        total.units += outcome.units
        if outcome.status != "skipped":
            total.status = "updated" if "updated" in (total.status, outcome.status) else "ingested"
            messages.append(outcome.message)
    if total.status != "skipped":
        total.message = messages[0] if len(messages) == 1 else f"{len(messages)} sources, {total.units} units"
    return total


def ingest(
    project: Project,
    inputs: Sequence[str | Path],
    options: IngestOptions | None = None,
    progress: Progress | None = None,
    *,
    strict: bool = False,
) -> IngestReport:
    """Ingest files, folders and URLs; each bad input is reported and the run goes on.

    ``strict`` lets unexpected reader errors propagate with their traceback (``--debug``).
    """
    options = options or IngestOptions()
    if options.source_type is not None and options.source_type not in SOURCE_TYPES:
        raise ForesightError(f"source type {options.source_type!r} is not one of: {', '.join(SOURCE_TYPES)}")
    locations = list(discover(inputs))
    if progress:
        progress.found(len(locations))
    report = IngestReport()
    for location in locations:
        try:
            outcome = ingest_location(project, location, options, strict=strict)
        except InputError as exc:
            outcome = FileOutcome(exc.location, "failed", exc.problem)
        report.outcomes.append(outcome)
        if progress:
            progress.done(outcome)
    return report
