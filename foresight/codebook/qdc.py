"""REFI-QDA codebook exchange: ``.qdc`` files in and out.

A ``.qdc`` file (QDA-XML 1.0, ``Codebook.xsd``) holds a tree of ``Code`` elements with a guid, a
name, a colour, an ``isCodable`` flag and a ``Description``; nothing else. foresight maps its
codebook onto that tree as follows:

- every group becomes a top-level ``Code`` with ``isCodable="false"``; its codes sit beneath it,
  each under its parent code; codes without a group sit at the top level;
- whatever the schema has no field for (when to use a code, when not, an example, keywords, the
  code's id; a group's id and whether it is exclusive) is written into the ``Description`` as
  labelled lines after the definition (``One code per unit: yes`` marks an exclusive group;
  ``Keywords (de): Lieferkette; Halbleiter`` holds the keywords of a language other than English), so
  that foresight can read it back and other tools still show it to their users;
- a ``Sets`` element lists the codes of each group (one ``Set`` per group), which is how tools
  such as ATLAS.ti and MAXQDA show code groups.

Reading accepts what ATLAS.ti, MAXQDA, NVivo and QualCoder write (see :func:`read_qdc`). The
codebook's name is the file's stem, because the ``origin`` attribute names the program that wrote
the file; the codebook's description and version have no place in the format and are not kept.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from foresight.codebook.model import CODE_ID, CodebookSpec, CodeSpec, GroupSpec, stable_guid
from foresight.errors import ForesightError
from foresight.files import whole_file

NS = "urn:QDA-XML:codebook:1.0"
PROJECT_NS = "urn:QDA-XML:project:1.0"
ACCEPTED_NAMESPACES = (NS, PROJECT_NS, None)
ORIGIN = "foresight"
MAX_BYTES = 50 * 1024 * 1024
# a parsed element takes over 100 bytes of memory and may be written in 4 (<a/>): a tree of this
# many takes under a GB; a few MB of zipped ``<a/>`` would otherwise take tens of GB
MAX_ELEMENTS = 5_000_000
DEFAULT_COLOUR = "#808080"

GUID = re.compile(r"^\{?([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\}?$")
RGB = re.compile(r"^#?([0-9a-fA-F]{6}|[0-9a-fA-F]{3})$")
# characters XML 1.0 cannot hold, not even as character references
NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

# (field of CodeSpec, label in the Description), in the order they are written
LABELS = (
    ("use_when", "Use when"),
    ("not_when", "Do not use when"),
    ("example", "Example"),
    ("keywords", "Keywords"),
    ("domain", "Roadmap domain"),
    ("exclusive", "One code per unit"),  # groups only
    ("id", "Id"),
)
GROUP_LABELS = ("exclusive", "id")  # the labels foresight writes for a group
# keywords in a language other than English: "Keywords (de): Lieferkette; Halbleiter"
KEYWORDS_IN = r"Keywords[ \t]*\([A-Za-z]{2}\)"
LABEL_LINE = re.compile(
    r"^(" + "|".join([KEYWORDS_IN, *(re.escape(label) for _, label in LABELS)]) + r"):[ \t]*(.*)$",
    re.IGNORECASE,
)
FIELD_OF_LABEL = {label.casefold(): key for key, label in LABELS}
INDENT = "  "  # continuation lines of a multi-line labelled value


# ---------------------------------------------------------------------------------------- writing


def write_qdc(spec: CodebookSpec, path: Path) -> None:
    """Write ``spec`` as a REFI-QDA codebook that validates against ``Codebook.xsd``.

    guids are the ones the groups and codes carry, or derived from the codebook name and their
    ids, so writing the same codebook twice gives the same bytes. A codebook whose structure cannot
    be written as a tree (duplicate ids, unknown groups or parents, a cycle of parents, a guid
    that is not a GUID) raises :class:`ForesightError`. A colour that is not ``#rrggbb`` or
    ``#rgb`` is left out (other tools then choose one). A code whose parent belongs to another
    group sits under its parent (the ``Set`` of its own group still lists it); read back, it
    belongs to its parent's group.
    """
    path = Path(path)
    tree = codebook_tree(spec, NS, f"{path}: cannot write the codebook as .qdc")
    root = tree.codebook
    root.set("origin", ORIGIN)
    if tree.sets is not None:
        root.append(tree.sets)
    data = b'<?xml version="1.0" encoding="utf-8"?>\n' + etree.tostring(
        root, encoding="unicode", pretty_print=True
    ).encode("utf-8")
    _write_atomically(path, data)


@dataclass
class CodebookTree:
    """A codebook as REFI-QDA elements: the ``CodeBook`` (with its ``Codes``) and its ``Sets``."""

    codebook: etree._Element
    sets: etree._Element | None
    code_guid: dict[str, str]  # code id -> guid
    code_element: dict[str, etree._Element]  # code id -> its Code element


def codebook_tree(spec: CodebookSpec, namespace: str, context: str) -> CodebookTree:
    """The ``CodeBook`` and ``Sets`` elements of ``spec`` in ``namespace`` (codebook or project).

    ``context`` opens the message of a :class:`ForesightError` (the file and what failed).
    """

    def fail(problem: str) -> ForesightError:
        return ForesightError(f"{context}: {problem}")

    if not spec.groups and not spec.codes:
        raise fail("it has no groups and no codes")
    groups: dict[str, GroupSpec] = {}
    for group in spec.groups:
        if group.id in groups:
            raise fail(f"duplicate group id {group.id!r}")
        groups[group.id] = group
    codes: dict[str, CodeSpec] = {}
    for code in spec.codes:
        if code.id in codes:
            raise fail(f"duplicate code id {code.id!r}")
        codes[code.id] = code
    for code in spec.codes:
        if code.group and code.group not in groups:
            raise fail(f"code {code.id}: unknown group {code.group!r}")
        if code.parent and code.parent not in codes:
            raise fail(f"code {code.id}: unknown parent {code.parent!r}")

    guids: dict[str, str] = {}

    def guid_of(given: str | None, default: str, what: str) -> str:
        if given:
            match = GUID.match(given.strip())
            if not match:
                raise fail(f"{what}: guid {given!r} is not a GUID")
            guid = match.group(1).lower()
        else:
            guid = default
        if guid in guids:
            raise fail(f"{what} has the same guid as {guids[guid]} ({guid})")
        guids[guid] = what
        return guid

    group_guid = {
        g.id: guid_of(g.guid, stable_guid(spec.name, "group", g.id), f"group {g.id}") for g in spec.groups
    }
    code_guid = {c.id: guid_of(c.guid, stable_guid(spec.name, c.id), f"code {c.id}") for c in spec.codes}
    # derived from the group's guid, so that a codebook read back and written again keeps them
    set_guid = {g.id: guid_of(None, stable_guid("set", group_guid[g.id]), f"set {g.id}") for g in spec.groups}

    children: dict[str, list[CodeSpec]] = {}
    for code in spec.codes:
        if code.parent:
            children.setdefault(code.parent, []).append(code)

    root = etree.Element(f"{{{namespace}}}CodeBook", nsmap={None: namespace})
    codes_el = etree.SubElement(root, f"{{{namespace}}}Codes")
    written: list[CodeSpec] = []
    elements: dict[str, etree._Element] = {}

    def add_code(parent_el: etree._Element, code: CodeSpec) -> None:
        # iterative, so that a deep tree cannot exhaust Python's stack
        stack = [(parent_el, code)]
        while stack:
            under, current = stack.pop()
            written.append(current)
            el = _code_element(under, code_guid[current.id], current.name, True, current.colour)
            _description(el, _code_description(current))
            elements[current.id] = el
            stack.extend((el, child) for child in reversed(children.get(current.id, [])))

    for group in spec.groups:
        el = _code_element(codes_el, group_guid[group.id], group.name, False, group.colour)
        exclusive = [("One code per unit", "yes" if group.exclusive else "")]
        _description(el, _join(group.description, [*exclusive, ("Id", group.id)]))
        for code in spec.codes:
            if code.group == group.id and not code.parent:
                add_code(el, code)
    for code in spec.codes:
        if not code.group and not code.parent:
            add_code(codes_el, code)
    placed = {c.id for c in written}
    missing = [c.id for c in spec.codes if c.id not in placed]
    if missing:
        raise fail(f"{', '.join(missing)}: no place in the tree (their parents form a cycle)")

    sets_el = None
    if spec.groups:
        sets_el = etree.Element(f"{{{namespace}}}Sets", nsmap={None: namespace})
        # a codebook's Set names its members by guid, a project's by targetGUID
        member_attribute = "targetGUID" if namespace == PROJECT_NS else "guid"
        for group in spec.groups:
            set_el = etree.SubElement(sets_el, f"{{{namespace}}}Set")
            set_el.set("guid", set_guid[group.id])
            set_el.set("name", _xml_text(group.name))
            for code in written:  # in the order of the tree, so that reading back changes nothing
                if code.group == group.id:
                    member = etree.SubElement(set_el, f"{{{namespace}}}MemberCode")
                    member.set(member_attribute, code_guid[code.id])
    return CodebookTree(root, sets_el, code_guid, elements)


def _code_element(parent: etree._Element, guid: str, name: str, codable: bool, colour: str) -> etree._Element:
    el = etree.SubElement(parent, f"{{{etree.QName(parent).namespace}}}Code")
    el.set("guid", guid)
    el.set("name", _xml_text(name))
    el.set("isCodable", "true" if codable else "false")
    rgb = _colour(colour)
    if rgb:
        el.set("color", rgb)
    return el


def _description(el: etree._Element, text: str) -> None:
    if text:
        etree.SubElement(el, f"{{{etree.QName(el).namespace}}}Description").text = _xml_text(text)


def _code_description(code: CodeSpec) -> str:
    return _join(
        code.definition,
        [
            ("Use when", code.use_when),
            ("Do not use when", code.not_when),
            ("Example", code.example),
            ("Keywords", _keyword_line(code.keywords)),
            *(
                (f"Keywords ({lang})", _keyword_line(words))
                for lang, words in sorted(code.keywords_lang.items())
            ),
            ("Roadmap domain", code.domain),
            ("Id", code.id),
        ],
    )


def _keyword_line(words: list[str]) -> str:
    return "; ".join(k.strip() for k in words if k.strip())


def _keyword_list(value: str) -> list[str]:
    return [k for k in (k.strip() for k in value.replace("\n", ";").split(";")) if k]


def _field_of(label: str) -> str:
    """The field a description's label fills: ``keywords:de`` for "Keywords (de)"."""
    label = label.casefold()
    if label.startswith("keywords") and label.endswith(")"):
        return "keywords:" + label[-3:-1]
    return FIELD_OF_LABEL[label]


def _join(text: str, labelled: list[tuple[str, str]]) -> str:
    """``text``, a blank line, then one ``Label: value`` line per non-empty value."""
    lines = []
    for label, value in labelled:
        value = _newlines(value).strip()
        if value:
            first, *rest = value.split("\n")
            lines.append(f"{label}: {first}")
            lines.extend(INDENT + line if line else "" for line in rest)
    text = _newlines(text).strip()
    block = "\n".join(lines)
    return f"{text}\n\n{block}" if text and block else text or block


def _xml_text(text: str) -> str:
    return NOT_XML.sub("", text)


def _write_atomically(path: Path, data: bytes) -> None:
    """Write beside the target, then rename: a failed write leaves no half-written codebook."""
    with whole_file(path) as partial:
        partial.write_bytes(data)


# ---------------------------------------------------------------------------------------- reading


@dataclass
class _Node:
    el: etree._Element
    name: str
    guid: str | None
    codable: bool
    colour: str
    text: str
    parent: _Node | None
    top: _Node | None = None  # the top-level code it stands under (itself at the top)
    id: str = ""
    fields: dict[str, str] = field(default_factory=dict)


def read_qdc(path: Path) -> CodebookSpec:
    """Read a REFI-QDA codebook as written by foresight, ATLAS.ti, MAXQDA, NVivo or QualCoder.

    The root ``CodeBook`` may be in the codebook namespace, the project namespace or none. guids
    lose their braces and are lower-cased; colours become ``#rrggbb`` (grey when missing).

    A top-level code that is not codable becomes a group; the codes beneath it belong to that
    group and keep their parent chain (codes directly beneath it have no parent). Every other
    code, at any depth, becomes a code: a top-level codable code and everything beneath it have
    no group. Ids come from an ``Id:`` line in the description (as foresight writes them), else
    from the name (upper case, letters, digits and ``_``, made unique with ``_2``, ``_3``).
    Labelled lines of a description fill use_when, not_when, example and keywords; the rest is the
    definition. ``Sets`` are not read. The codebook is named after the file's stem.
    """
    path = Path(path)
    return spec_from_codebook(_parse(path), path.stem)


def spec_from_codebook(root: etree._Element, name: str) -> CodebookSpec:
    """The codebook held by a ``CodeBook`` element (of a .qdc file or a project), named ``name``."""
    nodes: list[_Node] = []
    codes_el = next((c for c in children_named(root, "Codes")), None)
    if codes_el is not None:
        stack: list[tuple[etree._Element, _Node | None]] = [
            (el, None) for el in reversed(list(children_named(codes_el, "Code")))
        ]
        while stack:
            el, parent = stack.pop()
            node = _node(el, parent)
            nodes.append(node)
            stack.extend((child, node) for child in reversed(list(children_named(el, "Code"))))

    def is_group(node: _Node) -> bool:
        return node.parent is None and not node.codable

    group_nodes = [n for n in nodes if is_group(n)]
    code_nodes = [n for n in nodes if not is_group(n)]
    _assign_ids(group_nodes, "GROUP")
    _assign_ids(code_nodes, "CODE")

    groups = []
    for node in group_nodes:
        fields = node.fields
        if any(fields.get(key) for key, _ in LABELS if key not in GROUP_LABELS):
            # labels foresight does not write for a group: keep them as they were
            description = "\n".join(
                line for line in _newlines(node.text).split("\n") if not _is_group_line(line)
            ).strip()
        else:
            description = fields.get("definition", "")
        groups.append(
            GroupSpec(
                id=node.id,
                name=node.name,
                description=description,
                colour=node.colour,
                exclusive=fields.get("exclusive", "").strip().casefold() in ("yes", "true"),
                guid=node.guid,
                line=node.el.sourceline,
            )
        )
    codes = []
    for node in code_nodes:
        top = node.top
        assert top is not None
        in_group = is_group(top)
        parent = node.parent if node.parent is not None and not is_group(node.parent) else None
        keywords_lang = {
            key.removeprefix("keywords:"): _keyword_list(value)
            for key, value in sorted(node.fields.items())
            if key.startswith("keywords:") and _keyword_list(value)
        }
        codes.append(
            CodeSpec(
                id=node.id,
                name=node.name,
                group=top.id if in_group else "",
                parent=parent.id if parent is not None else None,
                definition=node.fields.get("definition", ""),
                use_when=node.fields.get("use_when", ""),
                not_when=node.fields.get("not_when", ""),
                example=node.fields.get("example", ""),
                keywords=_keyword_list(node.fields.get("keywords", "")),
                keywords_lang=keywords_lang,
                colour=node.colour,
                domain=node.fields.get("domain", ""),
                guid=node.guid,
                line=node.el.sourceline,
            )
        )
    return CodebookSpec(name=name, version=1, groups=groups, codes=codes)


# no entity expansion, no DTD, no network, libxml2's default limits on size and depth
SAFE_XML = {"resolve_entities": False, "no_network": True, "load_dtd": False, "huge_tree": False}


def _parser() -> etree.XMLParser:
    return etree.XMLParser(**SAFE_XML)


DOCTYPE_MARKERS = tuple(
    "<!DOCTYPE".encode(encoding) for encoding in ("ascii", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be")
)


def _parse(path: Path) -> etree._Element:
    try:
        with path.open("rb") as fh:
            data = fh.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise ForesightError(f"{path}: no such file") from None
    except OSError as exc:
        raise ForesightError(f"{path}: cannot read ({exc.strerror or exc})") from None
    if len(data) > MAX_BYTES:
        raise ForesightError(f"{path}: too large for a .qdc file (over {MAX_BYTES // (1024 * 1024)} MB)")
    return parse_refi_xml(data, str(path), "CodeBook", "a .qdc file", "a REFI-QDA codebook")


def parse_refi_xml(data: bytes, where: str, root_name: str, container: str, kind: str) -> etree._Element:
    """Parse REFI-QDA XML safely: no DTD, no entities, no network; the root must be ``root_name``.

    Messages name ``where`` (the file), ``container`` ("a .qdc file") and ``kind`` ("a REFI-QDA
    codebook").
    """
    if data.count(b"<") > MAX_ELEMENTS:  # every element starts with one; so do comments and the like
        raise too_many_elements(where)
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        raise not_well_formed(exc, where, container, doctype=declares_doctype(data)) from None
    check_root(root, where, root_name, container, kind)
    return root


def declares_doctype(data: bytes) -> bool:
    return any(marker in data.upper() for marker in DOCTYPE_MARKERS)


def not_well_formed(
    exc: etree.XMLSyntaxError, where: str, container: str, *, doctype: bool
) -> ForesightError:
    """The one line for a parser's error; ``doctype``: the bytes read declare a DOCTYPE."""
    # a document that declares entities may fail on them (an external entity in an attribute)
    if doctype:
        return doctype_refused(where, container)
    # one line: libxml2 follows some messages with the text it stopped at, on a line of its own
    message = " ".join(re.sub(r", line \d+, column \d+$", "", exc.msg or "").split()) or "unreadable"
    return ForesightError(f"{where}: not well-formed XML (line {exc.lineno}: {message})")


def check_root(root: etree._Element, where: str, root_name: str, container: str, kind: str) -> None:
    """Refuse a document with a DOCTYPE, or whose root is not ``root_name`` in a REFI-QDA namespace."""
    tree = root.getroottree()
    if tree.docinfo.internalDTD is not None or tree.docinfo.doctype:
        raise doctype_refused(where, container)
    qname = etree.QName(root)
    if qname.localname != root_name or qname.namespace not in ACCEPTED_NAMESPACES:
        shown = qname.localname if qname.namespace in ACCEPTED_NAMESPACES else root.tag
        raise ForesightError(f"{where}: not {kind} (root element is {shown}, expected {root_name})")


def doctype_refused(where: str, container: str) -> ForesightError:
    return ForesightError(f"{where}: DOCTYPE declarations are not allowed in {container}")


def too_many_elements(where: str) -> ForesightError:
    return ForesightError(f"{where}: too many XML elements to read (over {MAX_ELEMENTS:,})")


def children_named(el: etree._Element, localname: str) -> Iterator[etree._Element]:
    """Child elements with this local name, in whatever namespace the tool put them."""
    suffix = "}" + localname
    for child in el:
        tag = child.tag
        if isinstance(tag, str) and (tag == localname or tag.endswith(suffix)):
            yield child


def _node(el: etree._Element, parent: _Node | None) -> _Node:
    guid = (el.get("guid") or "").strip()
    match = GUID.match(guid)
    description = next((d for d in children_named(el, "Description")), None)
    text = "".join(description.itertext()) if description is not None else ""
    node = _Node(
        el=el,
        name=(el.get("name") or "").strip(),
        guid=match.group(1).lower() if match else None,
        codable=(el.get("isCodable") or "true").strip().lower() not in ("false", "0"),
        colour=_colour(el.get("color") or "") or DEFAULT_COLOUR,
        text=text,
        parent=parent,
    )
    node.top = parent.top if parent is not None else node
    node.fields = _parse_description(text)
    return node


def _assign_ids(nodes: list[_Node], fallback: str) -> None:
    """Ids from ``Id:`` lines first (the first holder of an id keeps it), then from names."""
    taken: set[str] = set()
    for node in nodes:
        given = node.fields.get("id", "")
        if given and CODE_ID.match(given) and given not in taken:
            node.id = given
            taken.add(given)
    for node in nodes:
        if node.id:
            continue
        base = _slug(node.name) or fallback
        candidate, n = base, 2
        while candidate in taken:
            candidate, n = f"{base}_{n}", n + 1
        node.id = candidate
        taken.add(candidate)


def _slug(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^A-Za-z0-9]+", "_", ascii_name).strip("_").upper()[:48].rstrip("_")


def _parse_description(text: str) -> dict[str, str]:
    """Split a description into its definition and labelled lines.

    The labelled block starts at the first ``Label: value`` line that opens the text or follows a
    blank line; every later line is a label line or continues the value above it.
    """
    lines = _newlines(text).split("\n")
    start = next(
        (
            i
            for i, line in enumerate(lines)
            if LABEL_LINE.match(line) and (i == 0 or not lines[i - 1].strip())
        ),
        len(lines),
    )
    fields = {"definition": "\n".join(lines[:start]).strip()}
    values: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in lines[start:]:
        match = LABEL_LINE.match(line)
        if match:
            key = _field_of(match.group(1))
            current = values.setdefault(key, [])
            if current:  # the same label twice: keep both values
                current.append("")
            current.append(match.group(2))
        elif current is not None:
            current.append(line.removeprefix(INDENT))
    for key, parts in values.items():
        fields[key] = "\n".join(parts).strip()
    return fields


def _is_group_line(line: str) -> bool:
    """A labelled line foresight writes for a group (its id, whether it is exclusive)."""
    match = LABEL_LINE.match(line)
    return bool(match) and _field_of(match.group(1)) in GROUP_LABELS


def _newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _colour(value: str) -> str | None:
    """``#rrggbb`` in lower case, from ``#rrggbb``, ``#rgb`` or either without ``#``; else None."""
    match = RGB.match(value.strip())
    if not match:
        return None
    digits = match.group(1).lower()
    if len(digits) == 3:
        digits = "".join(ch * 2 for ch in digits)
    return f"#{digits}"
