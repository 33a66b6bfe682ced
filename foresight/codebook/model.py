"""The codebook as plain data, and the checks every codebook must pass before it is used."""

from __future__ import annotations

import hashlib
import re
import uuid
from dataclasses import dataclass, field

COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
CODE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
# guids of codes written by foresight are derived from the code's id, so they stay the same
# from one export to the next
GUID_NAMESPACE = uuid.UUID("5b1f6c2e-8a3d-4f0e-9a57-1c2d3e4f5a6b")
_NAMESPACE_BYTES = GUID_NAMESPACE.bytes


def stable_guid(*parts: str) -> str:
    """``str(uuid.uuid5(GUID_NAMESPACE, "/".join(parts)))``, computed without the UUID object
    (an export writes hundreds of thousands of them)."""
    digest = bytearray(hashlib.sha1(_NAMESPACE_BYTES + "/".join(parts).encode("utf-8")).digest()[:16])
    digest[6] = (digest[6] & 0x0F) | 0x50  # version 5
    digest[8] = (digest[8] & 0x3F) | 0x80  # RFC 4122 variant
    h = digest.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


# what a user writes for a code, in the order a codebook file lists it
CODE_FIELDS = (
    "id",
    "name",
    "group",
    "parent",
    "definition",
    "use_when",
    "not_when",
    "example",
    "keywords",
    "colour",
    "domain",
)


@dataclass
class GroupSpec:
    id: str
    name: str
    description: str = ""
    colour: str = "#808080"
    # one variable with the group's codes as its values: at most one of them per unit and coder
    exclusive: bool = False
    guid: str | None = None
    line: int | None = None  # where it stands in the file it was read from


@dataclass
class CodeSpec:
    id: str
    name: str
    group: str = ""
    parent: str | None = None
    definition: str = ""
    use_when: str = ""
    not_when: str = ""
    example: str = ""
    keywords: list[str] = field(default_factory=list)  # in English (a plain list in a codebook file)
    colour: str = "#808080"
    domain: str = ""  # the Visual Roadmap domain (a code's id) its evidence goes to when a unit names none
    guid: str | None = None
    line: int | None = None
    # keywords in other languages: ISO 639-1 code ("de", "fr") -> keywords, never "en"
    keywords_lang: dict[str, list[str]] = field(default_factory=dict)

    def same_as(self, other: CodeSpec) -> bool:
        """Equal in everything a user wrote (not in where it was read from)."""
        keys = (*CODE_FIELDS, "keywords_lang")
        return all(getattr(self, k) == getattr(other, k) for k in keys)

    def keywords_by_language(self) -> dict[str, list[str]]:
        """Language -> keywords, English first, for the languages that have any."""
        return by_language(self.keywords, self.keywords_lang)


def by_language(english: list[str], other: dict[str, list[str]]) -> dict[str, list[str]]:
    """English keywords and those of other languages as one mapping, English first, none empty."""
    return {lang: list(words) for lang, words in {"en": english, **other}.items() if words}


def split_languages(keywords: dict[str, list[str]]) -> tuple[list[str], dict[str, list[str]]]:
    """The reverse of :func:`by_language`: the English keywords, and the other languages'."""
    other = {lang: list(words) for lang, words in sorted(keywords.items()) if lang != "en" and words}
    return list(keywords.get("en", [])), other


@dataclass
class CodebookSpec:
    name: str
    version: int = 1
    description: str = ""
    groups: list[GroupSpec] = field(default_factory=list)
    codes: list[CodeSpec] = field(default_factory=list)

    def code(self, code_id: str) -> CodeSpec | None:
        return next((c for c in self.codes if c.id == code_id), None)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a codebook file, with the line it is on when known."""

    line: int | None
    message: str
    severity: str = "error"  # error: the codebook cannot be loaded; gap: it can, with less help for coders

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def render(self, path: str) -> str:
        text = self.message if self.is_error else f"{self.message} (a gap: the codebook loads)"
        return f"{path}:{self.line}: {text}" if self.line else f"{path}: {text}"


REQUIRED_TEXT = ("definition", "use_when", "not_when", "example")


def validate(spec: CodebookSpec, *, complete: bool = True) -> list[Problem]:
    """Every problem in the codebook: duplicates, unknown groups and parents, cycles, gaps.

    ``complete`` also asks for the fields the shipped codebook promises for every code (when to
    use it, when not to, an example, keywords). Missing texts are gaps, not errors: codebooks
    from other QDA tools rarely carry a definition for every code, and they still load.
    """
    problems: list[Problem] = []
    group_ids: dict[str, GroupSpec] = {}
    for group in spec.groups:
        if group.id in group_ids:
            problems.append(Problem(group.line, f"duplicate group id {group.id!r}"))
        group_ids[group.id] = group
        if not COLOUR.match(group.colour):
            problems.append(
                Problem(group.line, f"group {group.id}: bad colour {group.colour!r} (use #rrggbb)")
            )
    ids: dict[str, CodeSpec] = {}
    names: dict[str, CodeSpec] = {}
    for code in spec.codes:
        where = f"code {code.id or '(no id)'}"
        if not code.id:
            problems.append(Problem(code.line, "a code without an id"))
        elif not CODE_ID.match(code.id):
            problems.append(Problem(code.line, f"{where}: id may hold only letters, digits and . _ -"))
        elif code.id in ids:
            problems.append(
                Problem(code.line, f"duplicate code id {code.id!r} (first on line {ids[code.id].line})")
            )
        else:
            ids[code.id] = code
        if not code.name.strip():
            problems.append(Problem(code.line, f"{where}: missing name"))
        elif code.name.casefold() in names:
            first = names[code.name.casefold()]
            # the same name under different parents (an "Other" in several branches, as other QDA
            # tools allow) is a gap: coders pick such codes by id; under one parent it is an error
            severity = "gap" if first.parent != code.parent else "error"
            problems.append(
                Problem(
                    code.line, f"duplicate code name {code.name!r} (first on line {first.line})", severity
                )
            )
        else:
            names[code.name.casefold()] = code
        if code.group and spec.groups and code.group not in group_ids:
            problems.append(Problem(code.line, f"{where}: unknown group {code.group!r}"))
        if not code.definition.strip():
            problems.append(Problem(code.line, f"{where}: missing definition", "gap"))
        if complete:
            for key in REQUIRED_TEXT[1:]:
                if not getattr(code, key).strip():
                    problems.append(Problem(code.line, f"{where}: missing {key}", "gap"))
            if not code.keywords_by_language():
                problems.append(Problem(code.line, f"{where}: no keywords", "gap"))
            if spec.groups and not code.group:
                problems.append(Problem(code.line, f"{where}: missing group", "gap"))
        if not COLOUR.match(code.colour):
            problems.append(Problem(code.line, f"{where}: bad colour {code.colour!r} (use #rrggbb)"))
    for code in spec.codes:
        if code.parent and code.parent not in ids:
            problems.append(Problem(code.line, f"code {code.id}: unknown parent {code.parent!r}"))
        if code.domain and (code.domain not in ids or code.domain == code.id):
            problems.append(
                Problem(code.line, f"code {code.id}: domain {code.domain!r} is no other code of the codebook")
            )
    reported: set[str] = set()
    for code in spec.codes:
        seen: list[str] = []
        current: CodeSpec | None = code
        while current is not None and current.parent and current.id not in seen:
            seen.append(current.id)
            current = ids.get(current.parent)
        if current is not None and current.id in seen and not reported & set(seen):
            cycle = seen[seen.index(current.id) :] + [current.id]
            problems.append(
                Problem(code.line, f"code {code.id}: parents form a cycle ({' -> '.join(cycle)})")
            )
            reported.update(seen)
    return sorted(problems, key=lambda p: (p.line or 0, p.message))
