"""Writing a project as a REFI-QDA project archive (``.qdpx``) for ATLAS.ti, MAXQDA, NVivo, QualCoder.

The archive holds ``project.qde`` (QDA-XML 1.0, valid against ``Project.xsd``) and each current
source's stored plain text as UTF-8 under ``sources/``:

- ``Users``: every coder, with a guid derived from the name;
- ``CodeBook``: the active codebook as in a ``.qdc`` file (groups as codes that cannot be
  coded, the fields REFI-QDA has no place for as labelled lines of the description), and its
  groups as ``Sets``;
- ``Variables``: source type, actor type, date, period, language, author, format and location,
  with each source's values;
- ``Sources``: a ``TextSource`` per current source, with a ``PlainTextSelection`` over each span
  a coding carries and over each unit with a coding without spans or a memo (start and end are
  offsets into the source's text, in code points), one ``Coding`` per coder and code;
- ``Notes``: memos, referenced from the unit's selection or from the code.

guids are derived from what they name (a source's content, a unit's span, a coder's name), so the
same project exported twice gives the same guids, and a source imported from an archive keeps
the guid it had there. What REFI-QDA has no place for travels in ``foresight.json`` beside
``project.qde``, which other tools ignore: where each source's units start and end (a heading
between them is no unit), the origin of each coding that is not manual (accepted suggestion,
adjudicated, carried), and which units each coder marked done. Codings on retired codes, on
older codebooks or on older versions of a source are not written; the report counts them.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import tempfile
import zipfile
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lxml import etree
from sqlalchemy import false, func, select

from foresight import __version__
from foresight.codebook.catalog import active_codebook, to_spec
from foresight.codebook.model import stable_guid
from foresight.codebook.qdc import NOT_XML, codebook_tree
from foresight.files import file_to_write, whole_file
from foresight.interop.qdpx_format import (
    NS,
    SIDECAR,
    SIDECAR_FORMAT,
    VARIABLES,
    coding_guid,
    selection_guid,
    source_guid,
    user_guid,
)
from foresight.project import Project
from foresight.store.schema import Code, Coding, CodingSpan, Memo, Source, Unit, UnitState, iso


@dataclass
class ExportReport:
    path: Path
    sources: int = 0
    units: int = 0
    selections: int = 0
    codings: int = 0
    coders: int = 0
    codes: int = 0
    memos: int = 0
    codings_left_out: int = 0  # on retired codes, older codebooks or older source versions


_TAGS: dict[str, str] = {}


def _el(parent: etree._Element, tag: str, **attributes: str) -> etree._Element:
    qualified = _TAGS.get(tag) or _TAGS.setdefault(tag, f"{{{NS}}}{tag}")
    return etree.SubElement(parent, qualified, attributes)


def _text(value: str) -> str:
    return NOT_XML.sub("", value)


def _when(moment: dt.datetime | None) -> str | None:
    """A stored moment as xsd:dateTime in UTC (stored moments are UTC, naive or not)."""
    if moment is None:
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC)
    return moment.replace(tzinfo=None, microsecond=0).isoformat() + "Z"


def export_qdpx(
    project: Project, path: str | Path, *, progress: Callable[[int, int], None] | None = None
) -> ExportReport:
    """Write the project to ``path`` as a REFI-QDA project; the file appears whole or not at all.

    Sources are read and written one at a time (their texts into the archive, their selections
    into ``project.qde`` and their units into ``foresight.json``, both streamed through temporary
    files), so memory does not grow with the project. ``progress(done, total)`` is called as
    sources are written.
    """
    path = file_to_write(path, "the .qdpx file")
    report = ExportReport(path)
    with (
        whole_file(path) as partial,
        project.session() as session,
        tempfile.TemporaryDirectory(prefix="foresight-qdpx-", dir=path.parent) as scratch,
        zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as zf,
    ):
        qde, sidecar = Path(scratch) / "project.qde", Path(scratch) / SIDECAR
        with qde.open("wb") as qde_file, sidecar.open("w", encoding="utf-8") as side_file:
            _write(project, session, report, zf, qde_file, side_file, progress)
        zf.write(qde, "project.qde")
        zf.write(sidecar, SIDECAR)
    return report


def _grouped(rows: Any) -> Iterator[tuple[int, list[Any]]]:
    """(source id, its rows) from a result ordered by source id (its first column)."""
    for key, group in itertools.groupby(rows, key=lambda row: row[0]):
        yield key, list(group)


class _Lockstep:
    """Rows of one streamed query, handed out source by source as the sources go by (both in
    source id order)."""

    def __init__(self, rows: Any) -> None:
        self._groups = _grouped(rows)
        self._next: tuple[int, list[Any]] | None = next(self._groups, None)

    def take(self, source_id: int) -> list[Any]:
        while self._next is not None and self._next[0] < source_id:
            self._next = next(self._groups, None)
        if self._next is not None and self._next[0] == source_id:
            rows = self._next[1]
            self._next = next(self._groups, None)
            return rows
        return []


def _write(
    project: Project,
    session: Any,
    report: ExportReport,
    zf: zipfile.ZipFile,
    qde_file: Any,
    side_file: Any,
    progress: Callable[[int, int], None] | None,
) -> None:
    book = active_codebook(session)
    spec = to_spec(session, book) if book is not None else None
    codes = (
        {
            c.id: c
            for c in session.execute(
                select(Code).where(Code.codebook_id == book.id, Code.status == "active")
            ).scalars()
        }
        if book is not None
        else {}
    )
    current = Source.current.is_(True)
    source_ids = list(session.execute(select(Source.id).where(current).order_by(Source.id)).scalars())
    memos = list(session.execute(select(Memo).where(Memo.text != "")).scalars())
    coders = sorted(
        set(session.execute(select(Coding.coder).distinct()).scalars())
        | {m.coder for m in memos}
        | set(session.execute(select(UnitState.coder).where(UnitState.done.is_(True)).distinct()).scalars())
    )
    all_codings = session.execute(select(func.count()).select_from(Coding)).scalar_one()
    stream = {"yield_per": 20_000}
    units = _Lockstep(
        session.execute(
            select(
                Unit.source_id,
                Unit.id,
                Unit.ordinal,
                Unit.start,
                Unit.end,
                Unit.page,
                Unit.section,
                Unit.period,
                Unit.attributes,
            )
            .join(Source, Source.id == Unit.source_id)
            .where(current)
            .order_by(Unit.source_id, Unit.ordinal),
            execution_options=stream,
        )
    )
    codings = _Lockstep(
        session.execute(
            select(
                Unit.source_id,
                Coding.unit_id,
                Coding.code_id,
                Coding.coder,
                Coding.origin,
                Coding.created_at,
                Coding.id,
            )
            .join(Unit, Unit.id == Coding.unit_id)
            .join(Source, Source.id == Unit.source_id)
            .where(current, Coding.code_id.in_(list(codes)) if codes else false())
            .order_by(Unit.source_id, Coding.unit_id),
            execution_options=stream,
        )
    )
    spans = _Lockstep(
        session.execute(
            select(Unit.source_id, CodingSpan.coding_id, CodingSpan.start, CodingSpan.end)
            .join(Coding, Coding.id == CodingSpan.coding_id)
            .join(Unit, Unit.id == Coding.unit_id)
            .join(Source, Source.id == Unit.source_id)
            .where(current)
            .order_by(Unit.source_id, CodingSpan.start, CodingSpan.end),
            execution_options=stream,
        )
    )
    done = _Lockstep(
        session.execute(
            select(Unit.source_id, UnitState.unit_id, UnitState.coder)
            .join(Unit, Unit.id == UnitState.unit_id)
            .join(Source, Source.id == Unit.source_id)
            .where(current, UnitState.done.is_(True))
            .order_by(Unit.source_id, UnitState.unit_id),
            execution_options=stream,
        )
    )

    code_guid: dict[int, str] = {}
    codebook_el = sets = None
    if spec is not None and spec.codes:
        tree = codebook_tree(spec, NS, f"{report.path}: cannot write the codebook")
        codebook_el, sets = tree.codebook, tree.sets
        by_id = {c.code_id: c.id for c in codes.values()}
        code_el = {}
        for code_id, guid in tree.code_guid.items():
            code_guid[by_id[code_id]] = guid
            code_el[by_id[code_id]] = tree.code_element[code_id]
        report.codes = len(spec.codes)
    notes: list[tuple[str, Memo, str]] = []  # memos, each a Note: (guid, memo, title)
    for memo in memos:  # a code's memo hangs on the code
        if memo.kind == "code" and memo.target_id in code_guid:
            note = stable_guid("memo", "code", code_guid[memo.target_id], memo.coder)
            notes.append((note, memo, f"Memo by {memo.coder} on code {codes[memo.target_id].code_id}"))
            el = code_el[memo.target_id]
            ref = etree.Element(f"{{{NS}}}NoteRef")
            ref.set("targetGUID", note)
            description = el.find(f"{{{NS}}}Description")
            if description is not None:
                description.addnext(ref)
            else:
                el.insert(0, ref)
    unit_memos: dict[int, list[Memo]] = defaultdict(list)
    for memo in memos:
        if memo.kind == "unit":
            unit_memos[memo.target_id].append(memo)
    variable_guid = {name: stable_guid("variable", name) for name, _, _ in VARIABLES}

    side_file.write(f'{{"format": "{SIDECAR_FORMAT}", "version": 1, "sources": {{')
    origins: dict[str, str] = {}
    done_marks: dict[str, dict[str, list[int]]] = {}
    with etree.xmlfile(qde_file, encoding="utf-8") as xf:
        xf.write_declaration()
        attributes = {
            "name": _text(project.config.name),
            "origin": f"foresight {__version__}",
            "creationDateTime": _when(dt.datetime.now(dt.UTC)) or "",
        }
        with xf.element(f"{{{NS}}}Project", nsmap={None: NS}, attrib=attributes):
            if coders:
                users = etree.Element(f"{{{NS}}}Users", nsmap={None: NS})
                for coder in coders:
                    _el(users, "User", guid=user_guid(coder), name=_text(coder))
                xf.write(users)
            if codebook_el is not None:
                xf.write(codebook_el)
            if source_ids:
                variables = etree.Element(f"{{{NS}}}Variables", nsmap={None: NS})
                for name, _, kind in VARIABLES:
                    _el(variables, "Variable", guid=variable_guid[name], name=name, typeOfVariable=kind)
                xf.write(variables)
                with xf.element(f"{{{NS}}}Sources"):
                    for number, source_id in enumerate(source_ids, start=1):
                        source = session.get(Source, source_id)
                        source_el = _source(
                            source,
                            units.take(source_id),
                            codings.take(source_id),
                            spans.take(source_id),
                            done.take(source_id),
                            code_guid,
                            unit_memos,
                            variable_guid,
                            notes,
                            origins,
                            done_marks,
                            report,
                            zf,
                            side_file,
                            first=number == 1,
                        )
                        xf.write(source_el)
                        session.expunge(source)  # its text is in the archive now: let it go
                        if progress:
                            progress(number, len(source_ids))
            if notes:
                notes_el = etree.Element(f"{{{NS}}}Notes", nsmap={None: NS})
                for note, memo, title in notes:
                    note_el = _el(
                        notes_el, "Note", guid=note, name=_text(title), creatingUser=user_guid(memo.coder)
                    )
                    when = _when(memo.updated_at)
                    if when:
                        note_el.set("creationDateTime", when)
                    _el(note_el, "PlainTextContent").text = _text(memo.text)
                    report.memos += 1
                xf.write(notes_el)
            if sets is not None:
                xf.write(sets)
    side_file.write('}, "origins": ')
    json.dump(origins, side_file, ensure_ascii=False)
    side_file.write(', "done": ')
    json.dump(done_marks, side_file, ensure_ascii=False)
    side_file.write("}")
    report.coders = len(coders)
    report.codings_left_out = all_codings - report.codings


def _selections(
    units: list[Any], codings: list[Any], spans: list[Any], unit_memos: dict[int, list[Memo]]
) -> dict[tuple[int, int], tuple[int, dict[tuple[str, int], Any], list[Memo]]]:
    """A source's selections in text order: (start, end) -> the ordinal of the unit it is named
    after, the codings it holds by (coder, code), and the memos on it. A coding selects each of
    its spans, one without spans its whole unit; a unit's memos hang on its whole-unit selection.
    A span several codings carry (a selection across units, or of several codes) is written once."""
    of_unit = {u.id: u for u in units}
    spans_of: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for row in spans:
        spans_of[row.coding_id].append((row.start, row.end))
    found: dict[tuple[int, int], tuple[int, dict[tuple[str, int], Any], list[Memo]]] = {}

    def at(span: tuple[int, int], unit: Any) -> tuple[int, dict[tuple[str, int], Any], list[Memo]]:
        return found.setdefault(span, (unit.ordinal, {}, []))

    for row in codings:
        unit = of_unit[row.unit_id]
        for span in spans_of.get(row.id) or [(unit.start, unit.end)]:
            at(span, unit)[1].setdefault((row.coder, row.code_id), row)
    for unit in units:
        for memo in unit_memos.get(unit.id, ()):
            at((unit.start, unit.end), unit)[2].append(memo)
    return dict(sorted(found.items()))


def _source(
    source: Source,
    units: list[Any],
    codings: list[Any],
    spans: list[Any],
    done: list[Any],
    code_guid: dict[int, str],
    unit_memos: dict[int, list[Memo]],
    variable_guid: dict[str, str],
    notes: list[tuple[str, Memo, str]],
    origins: dict[str, str],
    done_marks: dict[str, dict[str, list[int]]],
    report: ExportReport,
    zf: zipfile.ZipFile,
    side_file: Any,
    *,
    first: bool,
) -> etree._Element:
    """One source: its text into the archive, its units into foresight.json, its element back."""
    guid = source_guid(source)
    name = f"{guid}.txt"
    zf.writestr(f"sources/{name}", source.text.encode("utf-8"))
    source_el = etree.Element(
        f"{{{NS}}}TextSource",
        {"guid": guid, "name": _text(source.title or name), "plainTextPath": f"internal://{name}"},
        nsmap={None: NS},
    )
    for (start, end), (ordinal, held, memos) in _selections(units, codings, spans, unit_memos).items():
        sel = selection_guid(guid, start, end)
        selection = _el(
            source_el,
            "PlainTextSelection",
            guid=sel,
            name=f"unit {ordinal}",
            startPosition=str(start),
            endPosition=str(end),
        )
        report.selections += 1
        for (coder, code), row in sorted(held.items(), key=lambda item: (item[0][0], code_guid[item[0][1]])):
            cguid = coding_guid(sel, code_guid[code], coder)
            coding_el = _el(selection, "Coding", guid=cguid, creatingUser=user_guid(coder))
            when = _when(row.created_at)
            if when:
                coding_el.set("creationDateTime", when)
            _el(coding_el, "CodeRef", targetGUID=code_guid[code])
            if row.origin != "manual":  # what the importer assumes: only the others are listed
                origins[cguid] = row.origin
        for memo in memos:
            note = stable_guid("memo", "unit", sel, memo.coder)
            notes.append((note, memo, f"Memo by {memo.coder} on unit {ordinal}"))
            _el(selection, "NoteRef", targetGUID=note)
    report.codings += len(codings)
    ordinal = {u.id: u.ordinal for u in units}
    for row in done:
        done_marks.setdefault(guid, {}).setdefault(row.coder, []).append(ordinal[row.unit_id])
    values = {
        "source_type": source.source_type,
        "actor_type": source.actor_type,
        "date": source.date.isoformat() if source.date else None,
        "period": units[0].period if units else None,
        "language": source.language,
        "author": source.author,
        "format": source.format,
        "path": source.path,
    }
    for vname, field, kind in VARIABLES:
        value = values[field]
        if value in (None, ""):
            continue
        vv = _el(source_el, "VariableValue")
        _el(vv, "VariableRef", targetGUID=variable_guid[vname])
        _el(vv, "DateValue" if kind == "Date" else "TextValue").text = _text(str(value))
    entry = {
        "title": source.title,
        "path": source.path,
        "locator": source.locator,
        "sha256": source.sha256,
        "file_sha256": source.file_sha256,
        "format": source.format,
        "source_type": source.source_type,
        "actor_type": source.actor_type,
        "date": source.date.isoformat() if source.date else None,
        "date_origin": source.date_origin,
        "language": source.language,
        "author": source.author,
        "ingested_at": iso(source.ingested_at),
        "attributes": {k: v for k, v in (source.attributes or {}).items() if k != "refi_guid"},
        "units": [[u.ordinal, u.start, u.end, u.page, u.section, u.attributes or {}] for u in units],
    }
    side_file.write(("" if first else ", ") + json.dumps(guid) + ": " + json.dumps(entry, ensure_ascii=False))
    report.sources += 1
    report.units += len(units)
    return source_el
