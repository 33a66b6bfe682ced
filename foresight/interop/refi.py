"""Reading the parts of a REFI-QDA project: guids, moments, selections, variables, texts,
code notes and foresight's own ``foresight.json``."""

from __future__ import annotations

import datetime as dt
import io
import json
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from lxml import etree

from foresight.codebook.qdc import GUID, children_named
from foresight.interop.archive import Archive, decode_text
from foresight.interop.qdpx_format import SIDECAR, SIDECAR_FORMAT, SIDECAR_TEXTS, VARIABLES


@lru_cache(maxsize=4096)  # code and user guids repeat on every coding
def guid_of(value: str | None) -> str | None:
    """A guid in lower case without braces, or None when ``value`` is not one."""
    match = GUID.match(value.strip()) if value else None
    return match.group(1).lower() if match else None


def child(el: etree._Element, name: str) -> etree._Element | None:
    return next(children_named(el, name), None)


def moment(value: str | None) -> dt.datetime | None:
    if not value:
        return None
    try:
        when = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)


@dataclass
class Selection:
    start: int
    end: int
    codings: list[tuple[str | None, str | None, dt.datetime | None, str | None]]  # code, user, when, guid
    notes: list[str]
    user: str | None


def selections_of(source_el: etree._Element) -> tuple[list[Selection], int]:
    """A text source's selections, and how many of its codings code the whole source."""
    found = []
    for sel in children_named(source_el, "PlainTextSelection"):
        try:
            start, end = int(sel.get("startPosition", "")), int(sel.get("endPosition", ""))
        except ValueError:
            start, end = -1, -1
        codings = []
        for coding in children_named(sel, "Coding"):
            ref = child(coding, "CodeRef")
            codings.append(
                (
                    guid_of(ref.get("targetGUID")) if ref is not None else None,
                    guid_of(coding.get("creatingUser")),
                    moment(coding.get("creationDateTime")),
                    guid_of(coding.get("guid")),
                )
            )
        notes = [g for g in (guid_of(n.get("targetGUID")) for n in children_named(sel, "NoteRef")) if g]
        found.append(Selection(start, end, codings, notes, guid_of(sel.get("creatingUser"))))
    whole = sum(1 for _ in children_named(source_el, "Coding"))
    return found, whole


def name_from_path(el: etree._Element) -> str:
    """A source's name from its text file's name, for tools that leave ``name`` out."""
    for candidate in (el, child(el, "Representation")):
        reference = candidate.get("plainTextPath") if candidate is not None else None
        if reference:
            stem = reference.replace("\\", "/").rsplit("/", 1)[-1].rsplit(".", 1)[0]
            if stem and not GUID.match(stem):
                return stem
    return ""


def units_fit(units: Any, text: str) -> bool:
    """Whether units from ``foresight.json`` are well-formed spans of this text."""
    if not isinstance(units, list):
        return False
    last = 0
    for unit in units:
        if not (isinstance(unit, list) and len(unit) == 6):
            return False
        ordinal, start, end, page, section, attributes = unit
        if not all(isinstance(n, int) and not isinstance(n, bool) for n in (ordinal, start, end)):
            return False
        if not last <= start < end <= len(text):
            return False
        if not (
            (page is None or (isinstance(page, int) and not isinstance(page, bool)))
            and (section is None or isinstance(section, str))
            and (attributes is None or isinstance(attributes, dict))
        ):
            return False
        last = end
    return True


def variable_names(root: etree._Element) -> dict[str, str]:
    """The project's variables: guid -> name."""
    variables_el = child(root, "Variables")
    names = {}
    for var in children_named(variables_el, "Variable") if variables_el is not None else ():
        guid = guid_of(var.get("guid"))
        if guid:
            names[guid] = (var.get("name") or "").strip()
    return names


def variable_values(el: etree._Element, names: dict[str, str]) -> dict[str, str]:
    """foresight's own variables on a source, by the source field they stand for."""
    fields = {name: key for name, key, _ in VARIABLES}
    values = {}
    for vv in children_named(el, "VariableValue"):
        ref = child(vv, "VariableRef")
        name = names.get(guid_of(ref.get("targetGUID")) or "") if ref is not None else None
        key = fields.get(name or "")
        if key is None:
            continue
        for value_el in vv:
            local = etree.QName(value_el).localname if isinstance(value_el.tag, str) else ""
            if local.endswith("Value") and (value_el.text or "").strip():
                values[key] = value_el.text.strip()
    return values


def date_of(value: Any) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def docx_text(data: bytes) -> str | None:
    """The paragraphs of a Word file, a blank line between them (for a source with no plain
    text); None when the file is not a Word document python-docx can read."""
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception:  # noqa: BLE001 - python-docx raises many kinds on a broken file; None says so
        return None
    return "\n\n".join(p.text for p in document.paragraphs if p.text.strip())


def source_text(archive: Archive, source_el: etree._Element) -> tuple[str | None, str | None]:
    """The raw text of a text source (inline, in the archive's sources folder, or from its Word
    file), or why there is none."""
    content = child(source_el, "PlainTextContent")
    if content is not None:
        return "".join(content.itertext()), None
    reference = source_el.get("plainTextPath")
    if reference:
        data, problem = archive.source(reference)
        if data is not None:
            text = decode_text(data)
            if text.strip() or not source_el.get("richTextPath"):
                return text, None
        elif not source_el.get("richTextPath"):
            return None, problem
    rich = source_el.get("richTextPath")
    if rich and rich.lower().endswith(".docx"):
        data, problem = archive.source(rich)
        if data is None:
            return None, problem
        text = docx_text(data)
        return (text, None) if text is not None else (None, f"its Word file cannot be read ({rich})")
    return None, "it has no plain text"


def code_notes(book_el: etree._Element) -> list[tuple[str, str]]:
    """(code guid, note guid) for each note on a code of the ``CodeBook``."""
    found: list[tuple[str, str]] = []
    for code in book_el.iter():
        if not isinstance(code.tag, str) or etree.QName(code).localname != "Code":
            continue
        guid = guid_of(code.get("guid"))
        if guid is not None:
            notes = (guid_of(n.get("targetGUID")) for n in children_named(code, "NoteRef"))
            found.extend((guid, note) for note in notes if note)
    return found


# ------------------------------------------------------------- foresight.json, as read


def read_sidecar(archive: Archive) -> dict[str, Any]:
    """What ``foresight.json`` says, when the archive is foresight's own; else nothing."""
    data = archive.member(SIDECAR)
    if data is None:
        return {}
    try:
        sidecar = json.loads(data)
    except (ValueError, UnicodeDecodeError):
        return {}  # not ours after all: read the archive as any other tool's
    if isinstance(sidecar, dict) and sidecar.get("format") == SIDECAR_FORMAT:
        return well_formed_sidecar(sidecar)
    return {}


def well_formed_sidecar(sidecar: dict[str, Any]) -> dict[str, Any]:
    """The parts of ``foresight.json`` that have the shape foresight writes; the rest is dropped.

    The archive may come from anywhere: a field of the wrong type is treated as missing, so that
    the import falls back to what ``project.qde`` says."""

    def mapping(value: Any) -> dict[str, Any]:
        return {str(k): v for k, v in value.items()} if isinstance(value, dict) else {}

    sources = {}
    for guid, meta in mapping(sidecar.get("sources")).items():
        if isinstance(meta, dict):
            kept = {k: meta[k] for k in SIDECAR_TEXTS if isinstance(meta.get(k), str)}
            kept["attributes"] = mapping(meta.get("attributes"))
            kept["units"] = meta.get("units")
            sources[guid] = kept
    origins = {k: v for k, v in mapping(sidecar.get("origins")).items() if isinstance(v, str)}
    done = {
        guid: {
            coder: [n for n in numbers if isinstance(n, int) and not isinstance(n, bool)]
            for coder, numbers in mapping(by_coder).items()
            if isinstance(numbers, list)
        }
        for guid, by_coder in mapping(sidecar.get("done")).items()
    }
    return {"format": SIDECAR_FORMAT, "sources": sources, "origins": origins, "done": done}
