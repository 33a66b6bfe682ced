"""Reading a REFI-QDA project archive (``.qdpx``) into a project.

What comes in: the coders (``Users``), the codebook, the text sources (and the text of PDF
sources where the archive carries it), the codings and the memos (``Notes``). A source becomes a
source with units: the units foresight wrote into ``foresight.json`` when the archive is its own,
else the text's paragraphs. A selection codes every unit it overlaps, so a selection over part of
a paragraph codes that unit and one spanning several paragraphs codes each; its exact span is
kept on each of those codings (:class:`~foresight.store.schema.CodingSpan`), unless every
selection of the coding is its whole unit. Positions are read in the convention each file's own
selections fit (see :mod:`foresight.interop.positions`); a selection that fits no text is
reported, never placed.

Importing again adds nothing twice: sources are matched by guid (or by the guid foresight gives a
source it exported), codes by guid, codings by unit, code and coder, spans by coding, start and
end. The whole import is one transaction: a failure or a kill leaves the project as it was.

``project.qde`` is read as it unpacks, one source at a time (see
:meth:`~foresight.interop.archive.Archive.project_parts`), so memory follows the largest source,
not the file. The sources need what ``Users``, ``CodeBook`` and ``Variables`` say, which
Project.xsd puts before them; memos wait for ``Notes``, which it puts after them. A file with one
of the first three after its sources is read twice: the first reading is undone, the second knows
them from the start.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from lxml import etree
from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import load_only
from sqlmodel import Session

from foresight.codebook.catalog import merge_spec
from foresight.codebook.model import CodebookSpec
from foresight.codebook.qdc import children_named, spec_from_codebook
from foresight.ingest import dedupe
from foresight.interop.archive import SOURCE_KINDS, Archive, decode_text
from foresight.interop.import_report import ImportReport
from foresight.interop.positions import (
    PLAIN,
    Convention,
    canonical,
    fit,
    paragraph_spans,
    units_overlapped,
    unwrap,
)
from foresight.interop.qdpx_format import source_guid
from foresight.interop.refi import (
    Selection,
    child,
    code_notes,
    date_of,
    guid_of,
    moment,
    name_from_path,
    read_sidecar,
    selections_of,
    source_text,
    units_fit,
    variable_names,
    variable_values,
)
from foresight.project import Project
from foresight.store.bulk import write_alone
from foresight.store.schema import Coding, Memo, Source, Unit, UnitState, log_event, utcnow
from foresight.store.spans import add_spans, spans_of

DEFAULT_CODER = "imported"
# a coding wanted on a unit: unit, code, coder, origin, when, and the selection's span
_Wanted = tuple[int, int, str, str, dt.datetime | None, tuple[int, int]]
NEEDED_BY_SOURCES = ("Users", "CodeBook", "Variables")


class _Late(Exception):
    """A section the sources need came after them: what the first reading found, for the second."""

    def __init__(self, importer: _Importer) -> None:
        self.importer = importer


class _Importer:
    def __init__(
        self,
        project: Project,
        archive: Archive,
        actor: str,
        sidecar: dict[str, Any],
        progress: Callable[[int, int | None], None] | None,
        known: _Importer | None = None,
    ) -> None:
        self.project = project
        self.archive = archive
        self.actor = actor
        self.report = ImportReport(archive.path)
        self.sidecar = sidecar
        self.progress = progress
        self.users: dict[str, str] = {}
        self.default_user = DEFAULT_CODER
        self.codebook: CodebookSpec | None = None
        self.code_notes: list[tuple[str, str]] = []  # code guid, note guid
        self.codes: dict[str, int] = {}  # guid -> code row id
        self.notes: dict[str, tuple[str, str | None, dt.datetime | None]] = {}  # guid -> text, user, when
        self.variables: dict[str, str] = {}
        self.read: set[str] = set()  # the sections read
        self.name = archive.path.stem  # the project's, and its creating user, from its root element
        self.creator: str | None = None
        if known is not None:  # the second reading: the sections as the first found them
            self.users, self.default_user = known.users, known.default_user
            self.codebook, self.code_notes = known.codebook, known.code_notes
            self.notes, self.variables, self.read = known.notes, known.variables, known.read - {"Sources"}
        self.sources_el: etree._Element | None = None  # the Sources section read (the first)
        self.sources = 0
        self.by_guid: dict[str, int] = {}  # source guid -> source row id
        self.unit_memos: list[tuple[int, str]] = []  # unit id, note guid: the Notes come later
        self.late = False

    def run(self, parts: Iterator[etree._Element]) -> ImportReport:
        root = next(parts)
        self.report.origin = (root.get("origin") or "").strip()
        self.name = (root.get("name") or "").strip() or self.name
        self.creator = guid_of(root.get("creatingUserGUID"))
        with self.project.transaction() as session:
            # (sources and units written one import or ingest at a time: an ingest running
            # meanwhile sees all of this project's units when it looks for near-duplicates)
            write_alone(session.connection())
            self.by_guid = {
                source_guid(s).lower(): s.id
                for s in session.execute(
                    select(Source)
                    .options(load_only(Source.attributes, Source.sha256, Source.locator))  # type: ignore[arg-type]
                    .where(Source.current.is_(True))
                ).scalars()
            }
            self.import_codes(session)
            for part in parts:
                if part.getparent() is root:
                    self.section(session, part)
                else:
                    self.source(session, part)
            if self.late:
                raise _Late(self)
            self._add_memos(session, "unit", self.unit_memos)
            self._add_memos(
                session, "code", [(self.codes[c], n) for c, n in self.code_notes if c in self.codes]
            )
            self.import_done(session)
            log_event(
                session,
                self.actor,
                "import",
                "qdpx",
                None,
                file=str(self.archive.path),
                **self.report.summary(),
            )
        self.report.coders = sorted(set(self.users.values()))
        return self.report

    def section(self, session: Session, el: etree._Element) -> None:
        """A top-level section, the first of its name."""
        name = etree.QName(el).localname
        if name in self.read:
            return
        self.read.add(name)
        if name in NEEDED_BY_SOURCES and self.sources:
            self.late = True
        if name == "Users":
            self.read_users(el)
        elif name == "CodeBook":
            self.codebook = spec_from_codebook(el, self.name)
            self.code_notes = code_notes(el)
            self.import_codes(session)
        elif name == "Variables":
            self.variables = variable_names(el)
        elif name == "Notes":
            self.read_notes(el)
        elif name == "Sources" and self.progress:
            self.progress(self.sources, self.sources)

    # ------------------------------------------------------------------ parts of the archive
    def read_users(self, users_el: etree._Element) -> None:
        taken: set[str] = set()
        for user in children_named(users_el, "User"):
            guid = guid_of(user.get("guid"))
            if guid is None:
                continue
            name = (user.get("name") or user.get("id") or "").strip() or f"user-{guid[:8]}"
            if name in taken:  # two users of one name stay two coders
                name = f"{name}-{guid[:8]}"
            taken.add(name)
            self.users[guid] = name
        self.default_user = self.users.get(self.creator or "", self.default_user)

    def coder(self, *guids: str | None) -> str:
        for guid in guids:
            if guid and guid in self.users:
                return self.users[guid]
        return self.default_user

    def read_notes(self, notes_el: etree._Element) -> None:
        for note in children_named(notes_el, "Note"):
            guid = guid_of(note.get("guid"))
            if guid is None:
                continue
            content = child(note, "PlainTextContent")
            text = "".join(content.itertext()) if content is not None else ""
            if not text and note.get("plainTextPath"):
                data, _ = self.archive.source(note.get("plainTextPath", ""))
                text = canonical(decode_text(data)) if data else ""
            if text.strip():
                when = moment(note.get("modifiedDateTime") or note.get("creationDateTime"))
                self.notes[guid] = (text.strip(), guid_of(note.get("creatingUser")), when)

    def import_codes(self, session: Session) -> None:
        if self.codebook is None or not self.codebook.codes:
            return
        merged = merge_spec(session, self.codebook, actor=self.actor, source=str(self.archive.path))
        self.codes = merged.rows
        self.report.codes_added, self.report.codes_known = merged.added, merged.known

    # ------------------------------------------------------------------------------ sources
    def source(self, session: Session, el: etree._Element) -> None:
        """A source of the first ``Sources`` section (a source of another is not read)."""
        if self.sources_el is None and "Sources" not in self.read:
            self.sources_el = el.getparent()
        kind = etree.QName(el).localname
        if el.getparent() is not self.sources_el or kind not in SOURCE_KINDS or self.late:
            return
        self.sources += 1
        if self.progress:
            self.progress(self.sources, None)  # how many there are is known at the section's end
        name = (el.get("name") or "").strip() or name_from_path(el) or kind
        guid = guid_of(el.get("guid"))
        if guid is None:
            return
        text_el: etree._Element | None = el
        pdf_selections = 0
        if kind == "PDFSource":
            pdf_selections = sum(1 for _ in children_named(el, "PDFSelection"))
            text_el = child(el, "Representation")
            if pdf_selections:
                self.report.selections += pdf_selections
                self.report.not_placed["on PDF page areas (no text positions)"] += pdf_selections
            if text_el is None:
                self.report.sources_skipped.append(f"{name}: a PDF source with no text in the archive")
                return
        elif kind != "TextSource":
            self.report.sources_skipped.append(f"{name}: a {kind.removesuffix('Source').lower()} source")
            return
        self._import_text_source(session, text_el, guid, name, pdf=kind == "PDFSource")

    def _import_text_source(
        self, session: Session, el: etree._Element, guid: str, name: str, *, pdf: bool
    ) -> None:
        selections, whole = selections_of(el)
        raw, problem = source_text(self.archive, el)
        if raw is not None and not raw.strip():
            raw, problem = None, "its text is empty"
        if raw is None:
            self.report.sources_skipped.append(f"{name}: {problem}")
            self._not_placed("its source has no text", len(selections))
            return
        if whole:
            self.report.codings_skipped["on a whole source, not on a selection"] += whole
        source_id = self.by_guid.get(guid)
        if source_id is not None:
            self.report.sources_known += 1
            text = session.execute(select(Source.text).where(Source.id == source_id)).scalar_one()
            if canonical(raw) != text and unwrap(canonical(raw)) != text:
                self._not_placed("text differs from the project's copy of the source", len(selections))
                return
            units = list(
                session.execute(
                    select(Unit.id, Unit.start, Unit.end)
                    .where(Unit.source_id == source_id)
                    .order_by(Unit.start)
                ).all()
            )
        else:
            source_id, units = self._add_source(session, el, guid, name, raw, pdf=pdf)
            self.by_guid[guid] = source_id
        self._place(session, name, raw, selections, [(u[0], u[1], u[2]) for u in units])

    def _add_source(
        self, session: Session, el: etree._Element, guid: str, name: str, raw: str, *, pdf: bool
    ) -> tuple[int, list[tuple[int, int, int]]]:
        text = canonical(raw)
        meta = self.sidecar.get("sources", {}).get(guid) if self.sidecar else None
        unit_rows: list[dict[str, Any]] = []
        if isinstance(meta, dict) and units_fit(meta.get("units"), text):
            for ordinal, start, end, page, section, attributes in meta["units"]:
                unit_rows.append(
                    {
                        "ordinal": ordinal,
                        "start": start,
                        "end": end,
                        "page": page,
                        "section": section,
                        "attributes": attributes or {},
                    }
                )
        else:
            meta = None
            text = unwrap(text)
            spans = paragraph_spans(text, self.project.config.ingest.max_unit_chars)
            unit_rows = [
                {"ordinal": i, "start": a, "end": b, "page": None, "section": None, "attributes": {}}
                for i, (a, b) in enumerate(spans, start=1)
            ]
        values = variable_values(el, self.variables)
        meta = meta or {}
        day = date_of(meta.get("date") or values.get("date"))
        attributes = dict(meta.get("attributes") or {})
        attributes["refi_guid"] = guid
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        source = Source(
            title=meta.get("title") or name,
            path=meta.get("path") or values.get("path") or f"{self.archive.path.name}#{name}",
            locator=meta.get("locator") or "",
            sha256=meta.get("sha256") or digest,
            file_sha256=meta.get("file_sha256") or digest,
            format=meta.get("format") or values.get("format") or ("pdf" if pdf else "txt"),
            source_type=meta.get("source_type") or values.get("source_type") or "other",
            actor_type=meta.get("actor_type") or values.get("actor_type"),
            date=day,
            date_origin=meta.get("date_origin") or ("metadata" if day else "unknown"),
            language=meta.get("language") or values.get("language") or self.project.config.default_language,
            author=meta.get("author") or values.get("author"),
            text=text,
            attributes=attributes,
        )
        if moment(meta.get("ingested_at")):
            source.ingested_at = moment(meta.get("ingested_at"))  # type: ignore[assignment]
        session.add(source)
        session.flush()
        period = self.project.config.period_of(day)
        bands = dedupe.band_values_many([text[r["start"] : r["end"]] for r in unit_rows])
        for row, band in zip(unit_rows, bands, strict=True):
            values_ = band or (None,) * (dedupe.BANDS + 1)
            row.update(
                source_id=source.id,
                text=text[row["start"] : row["end"]],
                period=period,
                language=source.language,
                **{f"band{i}": b for i, b in enumerate(values_[: dedupe.BANDS])},
                sketch=values_[dedupe.BANDS],
            )
        if unit_rows:
            session.connection().execute(insert(Unit.__table__), unit_rows)  # type: ignore[attr-defined]
        units = [
            (r[0], r[1], r[2])
            for r in session.execute(
                select(Unit.id, Unit.start, Unit.end).where(Unit.source_id == source.id).order_by(Unit.start)
            )
        ]
        log_event(
            session,
            self.actor,
            "import",
            "source",
            source.id,
            archive=str(self.archive.path),
            guid=guid,
            units=len(units),
        )
        self.report.sources_added += 1
        self.report.units_added += len(units)
        return source.id, units  # type: ignore[return-value]

    # --------------------------------------------------------------------------- selections
    def _not_placed(self, why: str, count: int) -> None:
        if count:
            self.report.selections += count
            self.report.not_placed[why] += count

    def _place(
        self,
        session: Session,
        name: str,
        raw: str,
        selections: list[Selection],
        units: list[tuple[int, int, int]],
    ) -> None:
        if not selections:
            return
        fitted = fit([(s.start, s.end) for s in selections], raw)
        if not fitted.fits:
            self._not_placed("positions fit the source's text in no convention", len(selections))
            return
        if fitted.convention != PLAIN:
            self.report.conventions[name] = fitted.convention.describe()
        origins = self.sidecar.get("origins", {}) if self.sidecar else {}
        starts = [u[1] for u in units]
        wanted: list[_Wanted] = []
        for selection, placement in zip(selections, fitted.placements, strict=True):
            self.report.selections += 1
            if placement.problem is not None:
                self.report.not_placed[placement.problem] += 1
                continue
            covered = units_overlapped(units, starts, placement.start, placement.end)
            if not covered:
                self.report.not_placed["covers no unit (a heading or the space between paragraphs)"] += 1
                continue
            if len(covered) == 1:
                self.report.placed_in_one_unit += 1
            else:
                self.report.placed_across_units += 1
            for code_guid, user, when, cguid in selection.codings:
                code = self.codes.get(code_guid or "")
                if code is None:
                    self.report.codings_skipped["on a code the archive does not define"] += 1
                    continue
                origin = origins.get(cguid or "", "manual")
                coder = self.coder(user, selection.user)
                span = (placement.start, placement.end)
                wanted.extend((unit_id, code, coder, origin, when, span) for unit_id in covered)
            for note in selection.notes:
                self.unit_memos.extend((unit_id, note) for unit_id in covered)
        self._add_codings(session, wanted, {u[0]: (u[1], u[2]) for u in units})

    def _add_codings(
        self, session: Session, wanted: list[_Wanted], extent: dict[int, tuple[int, int]]
    ) -> None:
        """The codings wanted that the project lacks, and the span of each selection on its
        coding: on every coding this import adds, unless each of its selections is its whole unit
        (``extent``), and on a known one that has spans already (one without codes its whole
        unit, which holds any span)."""
        if not wanted:
            return
        unit_ids = sorted({w[0] for w in wanted})
        have = self._coding_ids(session, unit_ids)
        spanned = set(spans_of(session.connection(), list(have.values())))
        rows, added = [], set()
        for unit_id, code, coder, origin, when, _ in wanted:
            key = (unit_id, code, coder)
            if key in have or key in added:
                self.report.codings_known += 1
                continue
            added.add(key)
            rows.append(
                {
                    "unit_id": unit_id,
                    "code_id": code,
                    "coder": coder,
                    "origin": origin,
                    "created_at": when or utcnow(),
                }
            )
        if rows:
            session.connection().execute(insert(Coding.__table__), rows)  # type: ignore[attr-defined]
            self.report.codings_added += len(rows)
            have = self._coding_ids(session, unit_ids)
        partial = {(w[0], w[1], w[2]) for w in wanted if w[5] != extent[w[0]]}
        spans = [
            (have[key], *w[5])
            for w in wanted
            if ((key := (w[0], w[1], w[2])) in added and key in partial) or have[key] in spanned
        ]
        self.report.spans_added += add_spans(session.connection(), spans)

    @staticmethod
    def _coding_ids(session: Session, unit_ids: list[int]) -> dict[tuple[int, int, str], int]:
        """The codings on these units: (unit, code, coder) -> coding id."""
        found = {}
        for chunk in range(0, len(unit_ids), 5000):
            rows = session.execute(
                select(Coding.unit_id, Coding.code_id, Coding.coder, Coding.id).where(
                    Coding.unit_id.in_(unit_ids[chunk : chunk + 5000])
                )
            )
            found.update({(unit, code, coder): id_ for unit, code, coder, id_ in rows})
        return found

    def _add_memos(self, session: Session, kind: str, targets: list[tuple[int, str]]) -> None:
        for target, note in targets:
            if note not in self.notes:
                continue
            text, user, when = self.notes[note]
            coder = self.coder(user)
            memo = session.execute(
                select(Memo).where(Memo.kind == kind, Memo.target_id == target, Memo.coder == coder)
            ).scalar_one_or_none()
            if memo is None:
                session.add(
                    Memo(kind=kind, target_id=target, coder=coder, text=text, updated_at=when or utcnow())
                )
                self.report.memos_added += 1
            elif text not in memo.text:
                memo.text = f"{memo.text}\n\n{text}" if memo.text else text
                memo.updated_at = utcnow()
                session.add(memo)
                self.report.memos_added += 1
            session.flush()

    def import_done(self, session: Session) -> None:
        """Units each coder marked done, as foresight wrote them in its own archives."""
        marks = self.sidecar.get("done", {}) if self.sidecar else {}
        if not marks:
            return
        for guid, by_coder in marks.items():
            source_id = self.by_guid.get(str(guid).lower())  # the project's sources, with those added
            if source_id is None or not isinstance(by_coder, dict):
                continue
            ordinals = dict(
                session.execute(select(Unit.ordinal, Unit.id).where(Unit.source_id == source_id)).all()
            )
            states = {
                (unit, coder): done
                for unit, coder, done in session.execute(
                    select(UnitState.unit_id, UnitState.coder, UnitState.done)
                    .join(Unit, Unit.id == UnitState.unit_id)
                    .where(Unit.source_id == source_id)
                )
            }
            new, undone = [], []
            for coder, numbers in by_coder.items():
                for number in numbers if isinstance(numbers, list) else ():
                    unit_id = ordinals.get(number)
                    if unit_id is None:
                        continue
                    known = states.get((unit_id, str(coder)))
                    if known is None:
                        new.append(
                            {"unit_id": unit_id, "coder": str(coder), "done": True, "updated_at": utcnow()}
                        )
                        states[(unit_id, str(coder))] = True
                    elif not known:
                        undone.append({"u": unit_id, "c": str(coder)})
            table = UnitState.__table__  # type: ignore[attr-defined]
            if new:
                session.connection().execute(insert(table), new)
            if undone:
                session.connection().execute(
                    update(table)
                    .where(table.c.unit_id == bindparam("u"), table.c.coder == bindparam("c"))
                    .values(done=True),
                    undone,
                )


def import_qdpx(
    project: Project,
    path: str | Path,
    *,
    actor: str,
    progress: Callable[[int, int | None], None] | None = None,
) -> ImportReport:
    """Add a REFI-QDA project's codebook, coders, sources, codings and memos to ``project``.

    ``progress(done, total)`` is called with each source read; ``total`` is None until the last.
    """
    path = Path(path)
    with Archive(path) as archive:
        parts = archive.project_parts()
        sidecar = read_sidecar(archive)
        try:
            return _Importer(project, archive, actor, sidecar, progress).run(parts)
        except _Late as late:
            first = late.importer
    with Archive(path) as archive:  # afresh, so that nothing counts twice towards its caps
        parts = archive.project_parts()
        return _Importer(project, archive, actor, sidecar, progress, known=first).run(parts)


__all__ = ["Convention", "ImportReport", "import_qdpx"]
