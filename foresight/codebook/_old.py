"""The codebook: groups of codes with definitions, keywords and colours; YAML in and out."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select

from foresight.errors import ForesightError
from foresight.project import Project
from foresight.store import Code, Codebook, log_event

SCHEMA_VERSION = 1
COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


@dataclass
class CodeSpec:
    id: str
    name: str
    group: str
    definition: str
    parent: str | None = None
    use_when: str = ""
    not_when: str = ""
    example: str = ""
    keywords: list[str] = field(default_factory=list)
    colour: str = "#808080"


@dataclass
class CodebookSpec:
    name: str
    version: int
    description: str
    groups: list[dict[str, Any]]
    codes: list[CodeSpec]


@dataclass(frozen=True)
class LoadedCodebook:
    id: int
    name: str
    codes: int


def read_yaml(path: Path) -> CodebookSpec:
    """Read a codebook YAML file; a problem raises :class:`ForesightError` naming the file."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ForesightError(f"{path}: no such codebook file") from None
    except yaml.YAMLError as exc:
        raise ForesightError(f"{path}: not valid YAML ({exc})".replace("\n", " ")) from None
    if not isinstance(raw, dict) or raw.get("schema_version") != SCHEMA_VERSION:
        raise ForesightError(f"{path}: not a foresight codebook (schema_version {SCHEMA_VERSION})")
    meta = raw.get("codebook") or {}
    codes = []
    for i, item in enumerate(raw.get("codes") or []):
        try:
            spec = CodeSpec(**{k: v for k, v in item.items() if k in CodeSpec.__dataclass_fields__})
        except TypeError as exc:
            raise ForesightError(f"{path}: codes[{i}] is incomplete ({exc})") from None
        if not COLOUR.match(spec.colour):
            raise ForesightError(f"{path}: code {spec.id}: colour {spec.colour!r} is not #rrggbb")
        codes.append(spec)
    ids = [c.id for c in codes]
    if len(set(ids)) != len(ids):
        raise ForesightError(f"{path}: code ids are not unique")
    return CodebookSpec(
        name=str(meta.get("name", path.stem)),
        version=int(meta.get("version", 1)),
        description=str(meta.get("description", "")),
        groups=list(raw.get("groups") or []),
        codes=codes,
    )


def import_codebook(project: Project, path: str | Path, *, actor: str) -> LoadedCodebook:
    """Load a codebook file into the project as a new codebook, in one transaction."""
    spec = read_yaml(Path(path))
    with project.transaction() as session:
        book = Codebook(name=spec.name, version=spec.version, description=spec.description)
        session.add(book)
        session.flush()
        by_id: dict[str, Code] = {}
        for item in spec.codes:
            code = Code(
                codebook_id=book.id,
                code_id=item.id,
                name=item.name,
                group=item.group,
                definition=item.definition,
                use_when=item.use_when,
                not_when=item.not_when,
                example=item.example,
                keywords=list(item.keywords),
                colour=item.colour,
            )
            session.add(code)
            by_id[item.id] = code
        session.flush()
        for item in spec.codes:
            if item.parent:
                if item.parent not in by_id:
                    raise ForesightError(f"{path}: code {item.id}: unknown parent {item.parent}")
                by_id[item.id].parent_id = by_id[item.parent].id
        log_event(session, actor, "import", "codebook", book.id, path=str(path), codes=len(by_id))
    return LoadedCodebook(book.id, book.name, len(spec.codes))  # type: ignore[arg-type]


def codes(project: Project) -> list[Code]:
    with project.session() as session:
        return list(session.execute(select(Code).order_by(Code.id)).scalars())
