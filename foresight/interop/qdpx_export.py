"""Writing a project as a REFI-QDA project archive (``.qdpx``) for ATLAS.ti, MAXQDA, NVivo, QualCoder.

The archive holds ``project.qde`` (QDA-XML 1.0, valid against ``Project.xsd``) and each current
source's stored plain text as UTF-8 under ``sources/``:

- ``Users``: every coder, with a guid derived from the name;
- ``CodeBook``: the active codebook as in a ``.qdc`` file (groups as codes that cannot be
  coded, the fields REFI-QDA has no place for as labelled lines of the description), and its
  groups as ``Sets``;
- ``Variables``: source type, actor type, date, period, language, author, format and location,
  with each source's values;
- ``Sources``: a ``TextSource`` per current source, with a ``PlainTextSelection`` over each unit
  that carries a coding or a memo (start and end are the unit's offsets, in code points), one
  ``Coding`` per coder and code;
- ``Notes``: memos, referenced from the unit's selection or from the code.

guids are derived from what they name (a source's content, a unit's span, a coder's name), so the
same project exported twice gives the same guids, and a source imported from an archive keeps
the guid it had there. What REFI-QDA has no place for travels in ``foresight.json`` beside
``project.qde``, which other tools ignore: where each source's units start and end (a heading
between them is no unit), the origin of each coding (manual, accepted suggestion, adjudicated),
and which units each coder marked done. Codings on retired codes, on older codebooks or on older
versions of a source are not written; the report counts them.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import zipfile
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from lxml import etree
from sqlalchemy import select

from foresight import __version__
from foresight.codebook.catalog import active_codebook, to_spec
from foresight.codebook.model import stable_guid
from foresight.codebook.qdc import NOT_XML, PROJECT_NS, codebook_tree
from foresight.errors import ForesightError
from foresight.project import Project
from foresight.store import Code, Coding, Memo, Source, Unit, UnitState, iso

SIDECAR = "foresight.json"
SIDECAR_FORMAT = "foresight-qdpx"
NS = PROJECT_NS
VARIABLES = (  # (variable name, source field, REFI type)
    ("Source type", "source_type", "Text"),
    ("Actor type", "actor_type", "Text"),
    ("Date", "date", "Date"),
    ("Period", "period", "Text"),
    ("Language", "language", "Text"),
    ("Author", "author", "Text"),
    ("Format", "format", "Text"),
    ("Location", "path", "Text"),
)


@cache
def user_guid(coder: str) -> str:
    return stable_guid("user", coder)


def source_guid(source: Source) -> str:
    """The guid a source had in the archive it came from, else one derived from its content."""
    given = (source.attributes or {}).get("refi_guid")
    return str(given) if given else stable_guid("source", source.sha256, source.locator)


def selection_guid(source: str, start: int, end: int) -> str:
    return stable_guid("selection", source, str(start), str(end))


def coding_guid(selection: str, code: str, coder: str) -> str:
    return stable_guid("coding", selection, code, coder)


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

    ``progress(done, total)`` is called as sources are written.
    """
    path = Path(path)
    if path.is_dir():
        raise ForesightError(f"{path}: is a folder; name the .qdpx file to write")
    if not path.parent.is_dir():
        raise ForesightError(f"{path.parent}: no such folder")
    report = ExportReport(path)
    with project.session() as session:
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
        sources = list(
            session.execute(select(Source).where(Source.current.is_(True)).order_by(Source.id)).scalars()
        )
        current = {s.id for s in sources}
        units_by_source: dict[int, list[Any]] = defaultdict(list)
        for row in session.execute(
            select(
                Unit.id,
                Unit.source_id,
                Unit.ordinal,
                Unit.start,
                Unit.end,
                Unit.page,
                Unit.section,
                Unit.period,
                Unit.attributes,
            )
            .join(Source, Source.id == Unit.source_id)
            .where(Source.current.is_(True))
            .order_by(Unit.source_id, Unit.ordinal)
        ):
            units_by_source[row.source_id].append(row)
        codings: dict[int, list[Any]] = defaultdict(list)
        all_codings = 0
        for row in session.execute(
            select(
                Coding.unit_id, Coding.code_id, Coding.coder, Coding.origin, Coding.created_at, Unit.source_id
            ).join(Unit, Unit.id == Coding.unit_id)
        ):
            all_codings += 1
            if row.code_id in codes and row.source_id in current:
                codings[row.unit_id].append(row)
        memos = list(session.execute(select(Memo).where(Memo.text != "")).scalars())
        done = session.execute(
            select(UnitState.unit_id, UnitState.coder).where(UnitState.done.is_(True))
        ).all()
        coders = sorted(
            {r.coder for rows in codings.values() for r in rows}
            | {m.coder for m in memos}
            | {coder for _, coder in done}
        )

    root = etree.Element(f"{{{NS}}}Project", nsmap={None: NS})
    root.set("name", _text(project.config.name))
    root.set("origin", f"foresight {__version__}")
    root.set("creationDateTime", _when(dt.datetime.now(dt.UTC)) or "")
    if coders:
        users = _el(root, "Users")
        for coder in coders:
            _el(users, "User", guid=user_guid(coder), name=_text(coder))

    code_guid: dict[int, str] = {}
    code_el: dict[int, etree._Element] = {}
    sets = None
    if spec is not None and spec.codes:
        tree = codebook_tree(spec, NS, f"{path}: cannot write the codebook")
        root.append(tree.codebook)
        sets = tree.sets
        by_id = {c.code_id: c.id for c in codes.values()}
        for code_id, guid in tree.code_guid.items():
            code_guid[by_id[code_id]] = guid
            code_el[by_id[code_id]] = tree.code_element[code_id]
        report.codes = len(spec.codes)

    variables = _el(root, "Variables") if sources else None
    variable_guid = {}
    if variables is not None:
        for name, _, kind in VARIABLES:
            variable_guid[name] = stable_guid("variable", name)
            _el(variables, "Variable", guid=variable_guid[name], name=name, typeOfVariable=kind)

    notes: list[tuple[str, Memo, str]] = []  # memos, each a Note: (guid, memo, title)
    selection_el: dict[int, etree._Element] = {}  # unit row id -> its selection

    sidecar: dict[str, Any] = {
        "format": SIDECAR_FORMAT,
        "version": 1,
        "sources": {},
        "origins": {},
        "done": {},
    }
    done_by_unit: dict[int, list[str]] = defaultdict(list)
    for unit_id, coder in done:
        done_by_unit[unit_id].append(coder)

    files: list[tuple[str, bytes]] = []
    if sources:
        sources_el = _el(root, "Sources")
        memo_units = {m.target_id for m in memos if m.kind == "unit"}
        for number, source in enumerate(sources, start=1):
            guid = source_guid(source)
            name = f"{guid}.txt"
            files.append((name, source.text.encode("utf-8")))
            attributes = {
                "guid": guid,
                "name": _text(source.title or name),
                "plainTextPath": f"internal://{name}",
            }
            source_el = _el(sources_el, "TextSource", **attributes)
            units = units_by_source.get(source.id, [])
            for unit in units:
                unit_codings = codings.get(unit.id, [])
                if not unit_codings and unit.id not in memo_units:
                    continue
                sel = selection_guid(guid, unit.start, unit.end)
                selection = _el(
                    source_el,
                    "PlainTextSelection",
                    guid=sel,
                    name=f"unit {unit.ordinal}",
                    startPosition=str(unit.start),
                    endPosition=str(unit.end),
                )
                report.selections += 1
                for row in sorted(unit_codings, key=lambda r: (r.coder, code_guid[r.code_id])):
                    cguid = coding_guid(sel, code_guid[row.code_id], row.coder)
                    coding_el = _el(selection, "Coding", guid=cguid, creatingUser=user_guid(row.coder))
                    when = _when(row.created_at)
                    if when:
                        coding_el.set("creationDateTime", when)
                    _el(coding_el, "CodeRef", targetGUID=code_guid[row.code_id])
                    sidecar["origins"][cguid] = row.origin
                    report.codings += 1
                selection_el[unit.id] = selection
            for unit in units:
                if unit.id in done_by_unit:
                    for coder in done_by_unit[unit.id]:
                        sidecar["done"].setdefault(guid, {}).setdefault(coder, []).append(unit.ordinal)
            period = units[0].period if units else project.config.period_of(source.date)
            values = {
                "source_type": source.source_type,
                "actor_type": source.actor_type,
                "date": source.date.isoformat() if source.date else None,
                "period": period,
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
            sidecar["sources"][guid] = {
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
            report.sources += 1
            report.units += len(units)
            if progress:
                progress(number, len(sources))

    for memo in memos:  # a unit's memo hangs on the unit's selection
        if memo.kind == "unit" and memo.target_id in selection_el:
            selection = selection_el[memo.target_id]
            note = stable_guid("memo", "unit", selection.get("guid"), memo.coder)
            notes.append((note, memo, f"Memo by {memo.coder} on {selection.get('name')}"))
            _el(selection, "NoteRef", targetGUID=note)
    for memo in memos:
        if memo.kind == "code" and memo.target_id in code_el:
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
    if notes:
        notes_el = _el(root, "Notes")
        for note, memo, title in notes:
            note_el = _el(notes_el, "Note", guid=note, name=_text(title), creatingUser=user_guid(memo.coder))
            when = _when(memo.updated_at)
            if when:
                note_el.set("creationDateTime", when)
            _el(note_el, "PlainTextContent").text = _text(memo.text)
            report.memos += 1
    if sets is not None:
        root.append(sets)

    report.coders = len(coders)
    report.codings_left_out = all_codings - report.codings
    qde = b'<?xml version="1.0" encoding="utf-8"?>\n' + etree.tostring(root, encoding="utf-8")
    _write_zip(path, qde, files, json.dumps(sidecar, ensure_ascii=False).encode("utf-8"))
    return report


def _write_zip(path: Path, qde: bytes, files: list[tuple[str, bytes]], sidecar: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
            zf.writestr("project.qde", qde)
            for name, data in files:
                zf.writestr(f"sources/{name}", data)
            zf.writestr(SIDECAR, sidecar)
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise ForesightError(f"{path}: cannot write ({exc.strerror or exc})") from None
