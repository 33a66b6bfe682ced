"""Ingest: files, folders and URLs in; sources and their units in the store.

Files are read and cut into units in worker processes (:mod:`foresight.ingest.reading`,
:mod:`foresight.ingest.pool`) while this process writes the results; a file that takes longer
than ``max_file_seconds`` to read, or whose worker dies, fails alone. Each source is written in
one transaction: a failure or a kill leaves nothing half-ingested. Re-ingesting an unchanged file
does nothing; a changed file becomes a new version of its source, and codings of units whose text
did not change are carried to the new version (the old version and all its codings stay in the
store).

Several ingests may run at once on one store (the machines of a team on one server): each
source's transaction holds the store's write lock (:func:`~foresight.store.bulk.write_alone`)
from its first statement, so whether the file is already stored, which version it becomes and
which stored units its units repeat are decided on everything the others committed, and ids
and ordinals follow one another without gaps. Reading and cutting files stay parallel.
"""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing
import os
from collections.abc import Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Protocol

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.engine import Connection, Dialect

from foresight.config import IngestSettings
from foresight.errors import ForesightError
from foresight.ingest import dedupe
from foresight.ingest.metadata import SOURCE_TYPES, settle
from foresight.ingest.model import Document, Segmented
from foresight.ingest.nearby import BandTable, near_duplicates
from foresight.ingest.ocr import ocr_languages
from foresight.ingest.pool import read_in_workers
from foresight.ingest.reading import Prepared, discover, prepare
from foresight.project import Project
from foresight.store.bulk import Checkpoints, driver_rows, driver_sql, insert_one, write_alone
from foresight.store.engine import connection_scope
from foresight.store.schema import Coding, Source, Unit, log_event, utcnow
from foresight.store.spans import add_spans, move_span, spans_of

PARALLEL_FROM = 8  # files; fewer are read by one worker process (in this one without a time cap)


@dataclass(frozen=True)
class IngestOptions:
    source_type: str | None = None
    actor_type: str | None = None
    date: dt.date | None = None
    language: str | None = None
    ocr: bool = False  # read scanned PDFs (no text layer, or one that cannot be read) with Tesseract
    ocr_languages: str | None = None  # Tesseract's, "eng+fra"; None: every installed one


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


@dataclass(frozen=True)
class Carried:
    codings: int  # carried to the new version
    left: int  # on units whose text changed: they stay on the old version
    spans_dropped: int  # of carried codings, whose text is no longer found in their unit


def _carry_codings(
    conn: Connection, old_id: int, new_units: dict[str, tuple[int, int, int]], new_text: str
) -> Carried:
    """Copy codings of unchanged units to the new version; count those left on the old one.

    A carried coding's spans move with it when their text is still there (where its unit moved to,
    else the nearest place in the unit where the same text is); a span whose text is not found
    is dropped, and the coding codes the whole unit if it has no span left."""
    rows = conn.execute(
        select(
            Coding.unit_id,
            Coding.code_id,
            Coding.coder,
            Coding.origin,
            Coding.created_at,
            Unit.text,
            Coding.id,
        )
        .join(Unit, Unit.id == Coding.unit_id)
        .where(Unit.source_id == old_id)
    ).all()
    carried = [  # as the coder made it: same origin, same time
        {"unit_id": new_units[text][0], "code_id": code, "coder": coder, "origin": origin, "created_at": at}
        for _, code, coder, origin, at, text, _ in rows
        if text in new_units
    ]
    if not carried:
        return Carried(0, len(rows), 0)
    conn.execute(insert(Coding), carried)
    spans = spans_of(conn, [row[6] for row in rows if row[5] in new_units])
    dropped = 0
    if spans:
        new_ids = {
            (unit, code, coder): id_
            for unit, code, coder, id_ in conn.execute(
                select(Coding.unit_id, Coding.code_id, Coding.coder, Coding.id).where(
                    Coding.unit_id.in_(sorted({c["unit_id"] for c in carried}))
                )
            )
        }
        old_text = conn.execute(select(Source.text).where(Source.id == old_id)).scalar_one()
        old_start = dict(conn.execute(select(Unit.id, Unit.start).where(Unit.source_id == old_id)).all())
        moved = []
        for unit, code, coder, _, _, text, old_coding in rows:
            new_unit, start, end = new_units.get(text, (0, 0, 0))
            for a, b in spans.get(old_coding, ()):
                place = move_span(old_text, new_text, a, b, start - old_start[unit], (start, end))
                if place.kept:
                    moved.append((new_ids[(new_unit, code, coder)], place.start, place.end))
                else:
                    dropped += 1
        add_spans(conn, moved)
    return Carried(len(carried), len(rows) - len(carried), dropped)


_UNIT_COLUMNS = ("source_id", "ordinal", "text", "start", "end", "page", "section", "period", "language")
_UNIT_COLUMNS += ("attributes",)
_UNIT_COLUMNS += ("band0", "band1", "band2", "band3", "sketch", "duplicate_of")


@lru_cache(maxsize=8)  # a few engines' dialects
def _insert_units(dialect: Dialect) -> str:
    """The insert of a source's units, for the driver itself: SQLAlchemy's handling of each row's
    parameters costs more than the database's insert."""
    names = ", ".join(f'"{name}"' for name in _UNIT_COLUMNS)
    return driver_sql(f"INSERT INTO unit ({names}) VALUES ({', '.join('?' * len(_UNIT_COLUMNS))})", dialect)


# A source with the same bytes (id, version, True), and the current version of the same file or
# feed item (id, version, False), for the driver: SQLAlchemy's statement handling costs ten times
# what the database does for it.
_SAME_OR_PREVIOUS = (
    "SELECT id, version, sha256 = ? FROM source WHERE sha256 = ? OR (path = ? AND locator = ? AND current)"
)


def _same_or_previous(conn: Connection, sha: str, path: str, locator: str) -> list[tuple[int, int, bool]]:
    rows = driver_rows(conn, _SAME_OR_PREVIOUS, (sha, sha, path, locator))
    return [(id_, version, bool(same)) for id_, version, same in rows]


_SOURCE = Source.__table__  # type: ignore[attr-defined]


def store_document(
    project: Project,
    document: Document,
    cut: Segmented,
    *,
    location: str,
    file_sha256: str,
    options: IngestOptions,
    bands: BandTable,
) -> FileOutcome:
    """Write one source and its units in one transaction; skip it if it is already there.

    Its facts (title, date, type, language, period) are settled first, by
    :func:`~foresight.ingest.metadata.settle`, and the units repeating others of the same source
    found; the rest is decided under the store's write lock, taken as the transaction begins.
    The rows go in through the driver and SQLAlchemy Core (one statement for all units), not
    through ORM objects.
    """
    sha = document.sha256 or file_sha256
    facts = settle(document, location, options, project.config, cut.language)
    repeats = dedupe.repeats_within([d.text for d in cut.units], [d.bands for d in cut.units])
    with connection_scope(project.engine) as conn:
        write_alone(conn)
        known = _same_or_previous(conn, sha, facts.path, document.locator)
        if any(same for _, _, same in known):
            return FileOutcome(location, "skipped", "unchanged")
        previous_id, previous_version, _ = known[0] if known else (None, 0, False)
        version = previous_version + 1
        if previous_id is not None:
            conn.execute(update(Source).where(Source.id == previous_id).values(current=False))
        source_id = insert_one(
            conn,
            _SOURCE,
            {
                "title": facts.title,
                "path": facts.path,
                "locator": document.locator,
                "sha256": sha,
                "file_sha256": file_sha256,
                "format": document.format,
                "source_type": facts.source_type,
                "actor_type": facts.actor_type,
                "date": facts.date,
                "date_origin": facts.date_origin,
                "language": facts.language,
                "author": document.author,
                "ingested_at": utcnow(),
                "text": cut.text,
                "version": version,
                "previous_id": previous_id,
                "current": True,
                "attributes": document.attributes,
            },
        )
        no_bands = (None,) * (dedupe.BANDS + 1)
        found = near_duplicates(
            conn,
            bands,
            [(ordinal, d.text, d.bands) for ordinal, d in enumerate(cut.units, start=1) if d.bands],
        )
        rows = [
            (
                source_id,
                ordinal,
                draft.text,
                draft.start,
                draft.end,
                draft.page,
                draft.section,
                facts.period,
                options.language or draft.language or facts.language,
                json.dumps(draft.attributes) if draft.attributes else "{}",
                *(draft.bands or no_bands),
                found.get(ordinal),
            )
            for ordinal, draft in enumerate(cut.units, start=1)
        ]
        conn.exec_driver_sql(_insert_units(conn.dialect), rows)
        message = f"{len(rows)} units"
        if found:
            message += f", {len(found)} near-duplicates of units elsewhere"
        inner = {i: j for i, j in repeats.items() if i + 1 not in found}
        if inner:
            _mark_repeats(conn, source_id, inner)
            message += f", {len(inner)} repeating units of the same source"
        details: dict[str, object] = {"path": facts.path, "sha256": sha, "units": len(rows)}
        if previous_id is not None:
            new_units = {
                row[2]: (unit_id, row[3], row[4])
                for row, unit_id in zip(
                    rows,
                    conn.execute(
                        select(Unit.id).where(Unit.source_id == source_id).order_by(Unit.ordinal)
                    ).scalars(),
                    strict=True,
                )
            }
            carry = _carry_codings(conn, previous_id, new_units, cut.text)
            message += f"; version {version} of source #{previous_id}"
            if carry.codings or carry.left:
                message += f", {carry.codings} codings carried over, {carry.left} stay on the old version"
            if carry.spans_dropped:
                message += f", {carry.spans_dropped} spans dropped (their text is gone; the unit stays coded)"
            details.update(previous=previous_id, carried=carry.codings, left=carry.left)
            details.update(spans_dropped=carry.spans_dropped)
        log_event(conn, "ingest", "new version" if previous_id else "ingest", "source", source_id, **details)
    status = "updated" if previous_id is not None else "ingested"
    return FileOutcome(location, status, message, sources=1, units=len(rows))


def _mark_repeats(conn: Connection, source_id: int, repeats: dict[int, int]) -> None:
    """Point each unit of a source that repeats an earlier one of it (indexes into its units,
    from :func:`~foresight.ingest.dedupe.repeats_within`) at that unit."""
    ids = (
        conn.execute(select(Unit.id).where(Unit.source_id == source_id).order_by(Unit.ordinal))
        .scalars()
        .all()
    )
    conn.execute(
        update(Unit.__table__)  # type: ignore[arg-type]
        .where(Unit.__table__.c.id == bindparam("unit"))  # type: ignore[attr-defined]
        .values(duplicate_of=bindparam("of")),
        [{"unit": ids[i], "of": ids[j]} for i, j in repeats.items()],
    )


def store_prepared(
    project: Project, prepared: Prepared, options: IngestOptions, bands: BandTable | None = None
) -> FileOutcome:
    """Write what :func:`~foresight.ingest.reading.prepare` gave for one file.

    ``bands`` holds the band values of the units already stored, for finding near-duplicates; an
    ingest run passes the same table for every file (without one, the store's are read anew).
    """
    bands = bands if bands is not None else BandTable()
    if prepared.problem:
        return FileOutcome(prepared.location, "failed", prepared.problem)
    if prepared.skipped:
        return FileOutcome(prepared.location, "skipped", prepared.skipped)
    total = FileOutcome(prepared.location, "skipped", "unchanged")
    messages = []
    for document, cut in prepared.documents:
        outcome = store_document(
            project,
            document,
            cut,
            location=prepared.location,
            file_sha256=prepared.file_sha256,
            options=options,
            bands=bands,
        )
        total.sources += outcome.sources
        total.units += outcome.units
        if outcome.status != "skipped":
            total.status = "updated" if "updated" in (total.status, outcome.status) else "ingested"
            messages.append(outcome.message)
    if total.status != "skipped":
        total.message = messages[0] if len(messages) == 1 else f"{len(messages)} sources, {total.units} units"
    return total


def warm_up() -> None:
    """Load what cutting text needs (word frequencies, spaCy's sentencizer) once: forked workers
    then share it instead of each loading it. Idempotent; ``ingest`` calls it when it forks."""
    from foresight import nlp
    from foresight.ingest import hyphens, language

    hyphens._word_frequencies()
    nlp.sentencizer()  # English; the pipelines of other languages load when first needed
    language._identifier()


def _prepared(
    locations: list[str], settings: IngestSettings, known: frozenset[str], workers: int, strict: bool
) -> Iterator[Prepared]:
    """What each location gave, in order: read in worker processes when there is a time cap or
    enough files to share out, else in this process."""
    few = workers <= 1 or len(locations) < PARALLEL_FROM
    if not locations or (few and not settings.max_file_seconds):
        for location in locations:
            yield prepare(location, settings, known, strict=strict)
        return
    if not few and "fork" in multiprocessing.get_all_start_methods():
        warm_up()  # once here rather than in each worker; one worker loads what it needs itself
    yield from read_in_workers(locations, settings, known, workers=1 if few else workers, strict=strict)


def ingest(
    project: Project,
    inputs: Sequence[str | Path],
    options: IngestOptions | None = None,
    progress: Progress | None = None,
    *,
    workers: int | None = None,
    strict: bool = False,
) -> IngestReport:
    """Ingest files, folders and URLs; each bad input is reported and the run goes on.

    ``workers`` processes read and cut files (default: one per core, at most 4); a file still
    being read after ``max_file_seconds`` fails, and its worker is replaced. ``strict`` lets
    unexpected reader errors propagate with their traceback (``--debug``). ``options.ocr`` reads
    scanned PDFs with Tesseract; without it installed (or without a language asked for) the run
    stops at once with a :class:`ForesightError` saying how to install it.
    """
    options = options or IngestOptions()
    if options.source_type is not None and options.source_type not in SOURCE_TYPES:
        raise ForesightError(f"source type {options.source_type!r} is not one of: {', '.join(SOURCE_TYPES)}")
    settings = project.config.ingest
    if options.ocr:  # Tesseract and its languages checked once, before any file is read
        settings = replace(settings, ocr_languages=ocr_languages(options.ocr_languages))
    locations = list(discover(inputs))
    if progress:
        progress.found(len(locations))
    with project.session() as session:
        known = frozenset(session.execute(select(Source.file_sha256)).scalars())
    workers = workers if workers is not None else min(os.cpu_count() or 1, 4)
    report = IngestReport()
    bands = BandTable()
    with (
        closing(_prepared(locations, settings, known, workers, strict)) as prepared_files,
        Checkpoints(project.engine) as checkpoints,
    ):
        for prepared in prepared_files:
            outcome = store_prepared(project, prepared, options, bands)
            checkpoints.wrote(outcome.sources)
            report.outcomes.append(outcome)
            if progress:
                progress.done(outcome)
    return report
