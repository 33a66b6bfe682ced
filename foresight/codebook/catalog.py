"""The project's codebooks in the store: import, export, the code tree with its counts, lookup.

A project can hold several codebooks over time; coders code against the active one (the one
imported last). Codings point at codes, never at names, so renaming a code changes nothing
in them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session

from foresight.codebook import lookup
from foresight.codebook.lookup import Book
from foresight.codebook.model import CodebookSpec, CodeSpec, GroupSpec, Problem, stable_guid, validate
from foresight.errors import ForesightError
from foresight.project import Project
from foresight.store.dbapi import Db
from foresight.store.schema import Code, Codebook, Coding, log_event

FORMATS = {".yaml": "yaml", ".yml": "yaml", ".qdc": "qdc"}


@dataclass(frozen=True)
class LoadedCodebook:
    id: int
    name: str
    version: int
    codes: int
    gaps: list[str] = field(default_factory=list)  # what the codebook lacks, each with its line


def file_format(path: Path) -> str:
    kind = FORMATS.get(path.suffix.lower())
    if kind is None:
        raise ForesightError(f"{path}: a codebook file ends in .yaml, .yml or .qdc")
    return kind


def read_codebook_file(path: Path) -> tuple[CodebookSpec, list[Problem]]:
    """The codebook in a YAML or .qdc file and every problem found in it."""
    # (the readers and writers load YAML and XML libraries: imported when a file is read or
    # written, not by every command that looks a code up)
    from foresight.codebook.qdc import read_qdc
    from foresight.codebook.yamlio import read_yaml

    if file_format(path) == "yaml":
        spec, problems = read_yaml(path)
        return spec, sorted(problems + validate(spec, complete=False), key=lambda p: (p.line or 0, p.message))
    spec = read_qdc(path)
    return spec, validate(spec, complete=False)


def _raise_problems(path: Path, problems: list[Problem]) -> None:
    problems = [p for p in problems if p.is_error]
    if problems:
        more = f" (and {len(problems) - 1} more problems; run 'foresight codebook validate {path}')"
        raise ForesightError(problems[0].render(str(path)) + (more if len(problems) > 1 else ""))


def active_codebook(session: Session) -> Codebook | None:
    return (
        session.execute(select(Codebook).where(Codebook.active.is_(True)).order_by(Codebook.id.desc()))
        .scalars()
        .first()
    )


def require_codebook(session: Session) -> Codebook:
    book = active_codebook(session)
    if book is None:
        raise ForesightError(lookup.NO_CODEBOOK)
    return book


def store_spec(session: Session, spec: CodebookSpec, *, actor: str, source: str) -> Codebook:
    """Add ``spec`` as the project's new active codebook (within the caller's transaction)."""
    for old in session.execute(select(Codebook).where(Codebook.active.is_(True))).scalars():
        old.active = False
        session.add(old)
    book = Codebook(
        name=spec.name,
        version=spec.version,
        description=spec.description,
        active=True,
        groups=[
            {
                "id": g.id,
                "name": g.name,
                "description": g.description,
                "colour": g.colour,
                "exclusive": g.exclusive,
                "guid": g.guid or stable_guid(spec.name, "group", g.id),
            }
            for g in spec.groups
        ],
    )
    session.add(book)
    session.flush()
    rows: dict[str, Code] = {}
    for item in spec.codes:
        row = code_row(book, item, item.id, item.guid or stable_guid(spec.name, item.id))
        session.add(row)
        rows[item.id] = row
    session.flush()
    for item in spec.codes:
        if item.parent:
            rows[item.id].parent_id = rows[item.parent].id
    log_event(session, actor, "import", "codebook", book.id, file=source, codes=len(rows))
    return book


def code_row(book: Codebook, item: CodeSpec, code_id: str, guid: str) -> Code:
    """A new row of ``book`` for the code ``item``, under the id ``code_id`` (no parent yet)."""
    return Code(
        codebook_id=book.id,
        code_id=code_id,
        name=item.name,
        group=item.group,
        definition=item.definition,
        use_when=item.use_when,
        not_when=item.not_when,
        example=item.example,
        keywords=list(item.keywords),
        keywords_lang={lang: list(words) for lang, words in item.keywords_lang.items()},
        colour=item.colour,
        domain=item.domain,
        guid=guid,
    )


@dataclass(frozen=True)
class Merged:
    rows: dict[str, int]  # guid (lower case) -> code row id, for every code of the spec
    added: int
    known: int


def merge_spec(session: Session, spec: CodebookSpec, *, actor: str, source: str) -> Merged:
    """Bring ``spec``'s codes into the project (within the caller's transaction).

    A project with no codebook takes ``spec`` as it is. Otherwise the active codebook keeps its
    codes; those of ``spec`` it lacks (by guid) join it under their parents, with ids made unique
    (``_2``, ``_3``), their groups added where new, and the codebook's version raised.
    """
    book = active_codebook(session)
    if book is None:
        book = store_spec(session, spec, actor=actor, source=source)
        made = session.execute(select(Code).where(Code.codebook_id == book.id)).scalars()
        return Merged({c.guid.lower(): c.id for c in made if c.guid}, len(spec.codes), 0)  # type: ignore[misc]
    rows = list(session.execute(select(Code).where(Code.codebook_id == book.id)).scalars())
    known = {c.guid.lower(): c for c in rows if c.guid}
    taken = {c.code_id for c in rows}
    by_spec: dict[str, Code] = {}
    groups = {g["id"] for g in book.groups}
    new_groups = [
        {
            "id": g.id,
            "name": g.name,
            "description": g.description,
            "colour": g.colour,
            "exclusive": g.exclusive,
            "guid": g.guid,
        }
        for g in spec.groups
        if g.id not in groups and any(c.group == g.id and (c.guid or "") not in known for c in spec.codes)
    ]
    if new_groups:
        book.groups = [*book.groups, *new_groups]
    added: list[tuple[CodeSpec, Code]] = []
    for item in spec.codes:
        guid = (item.guid or "").lower()
        if guid and guid in known:
            by_spec[item.id] = known[guid]
            continue
        code_id, n = item.id, 2
        while code_id in taken:
            code_id, n = f"{item.id}_{n}", n + 1
        taken.add(code_id)
        row = code_row(book, item, code_id, guid)
        session.add(row)
        by_spec[item.id] = row
        added.append((item, row))
    session.flush()
    for item, row in added:
        if item.parent and item.parent in by_spec:
            row.parent_id = by_spec[item.parent].id
    if added:
        book.version += 1
        log_event(
            session,
            actor,
            "import",
            "codebook",
            book.id,
            file=source,
            codes_added=[r.code_id for _, r in added],
        )
    session.add(book)
    mapping = {c.guid.lower(): c.id for c in rows if c.guid}
    mapping.update({(item.guid or "").lower(): row.id for item, row in added if item.guid})
    return Merged(mapping, len(added), len(spec.codes) - len(added))  # type: ignore[arg-type]


def check_codebook(path: str | Path) -> tuple[CodebookSpec, list[Problem]]:
    """The codebook in a file and its gaps; a problem that stops it loading is raised."""
    file = Path(path)
    spec, problems = read_codebook_file(file)
    _raise_problems(file, problems)
    return spec, problems


def import_codebook(project: Project, path: str | Path, *, actor: str) -> LoadedCodebook:
    """Check a YAML or .qdc codebook and make it the project's active codebook."""
    file = Path(path)
    spec, problems = check_codebook(file)
    with project.transaction() as session:
        book = store_spec(session, spec, actor=actor, source=str(file))
    gaps = [p.render(str(file)) for p in problems if not p.is_error]
    return LoadedCodebook(book.id, book.name, book.version, len(spec.codes), gaps)  # type: ignore[arg-type]


def codes_of(session: Session, book: Codebook) -> list[Code]:
    return list(session.execute(select(Code).where(Code.codebook_id == book.id).order_by(Code.id)).scalars())


def to_spec(session: Session, book: Codebook) -> CodebookSpec:
    """The active codes of ``book`` as plain data; a child of a retired code moves up a level."""
    codes = codes_of(session, book)
    by_row = {c.id: c for c in codes}

    def live_parent(code: Code) -> str | None:
        parent = by_row.get(code.parent_id) if code.parent_id else None
        while parent is not None and parent.status != "active":
            parent = by_row.get(parent.parent_id) if parent.parent_id else None
        return parent.code_id if parent is not None else None

    return CodebookSpec(
        name=book.name,
        version=book.version,
        description=book.description,
        groups=[
            GroupSpec(
                id=g["id"],
                name=g["name"],
                description=g.get("description", ""),
                colour=g.get("colour", "#808080"),
                exclusive=bool(g.get("exclusive", False)),
                guid=g.get("guid"),
            )
            for g in book.groups
        ],
        codes=[
            CodeSpec(
                id=c.code_id,
                name=c.name,
                group=c.group,
                parent=live_parent(c),
                definition=c.definition,
                use_when=c.use_when,
                not_when=c.not_when,
                example=c.example,
                keywords=list(c.keywords),
                keywords_lang={lang: list(words) for lang, words in (c.keywords_lang or {}).items()},
                colour=c.colour,
                domain=c.domain,
                guid=c.guid,
            )
            for c in codes
            if c.status == "active"
        ],
    )


def export_codebook(project: Project, path: str | Path) -> int:
    """Write the active codebook to a YAML or .qdc file (by its extension); return the codes written."""
    file = Path(path)
    kind = file_format(file)
    with project.session() as session:
        spec = to_spec(session, require_codebook(session))
    from foresight.codebook.qdc import write_qdc
    from foresight.codebook.yamlio import write_yaml

    (write_yaml if kind == "yaml" else write_qdc)(spec, file)
    return len(spec.codes)


def find_code(session: Session, ref: str, *, book: Codebook | None = None, active_only: bool = False) -> Code:
    """The code of the active codebook (or of ``book``) whose id is ``ref``, or whose name is
    (any case): :func:`foresight.codebook.lookup.find_code`, in the session's transaction."""
    session.flush()  # (what the session holds, as its own queries would see it)
    where = Book(book.id, book.name) if book is not None else None  # type: ignore[arg-type]
    found = lookup.find_code(Db.over(session.connection()), ref, book=where, active_only=active_only)
    code = session.get(Code, found.id)
    assert code is not None
    return code


def code_tree(project: Project, *, include_inactive: bool = False) -> list[dict[str, Any]]:
    """The active codebook's codes in tree order, each with its depth and counts of codings."""
    with project.session() as session:
        book = require_codebook(session)
        codes = codes_of(session, book)
        counts = dict(
            session.execute(
                select(Coding.code_id, func.count(Coding.id))
                .join(Code, Code.id == Coding.code_id)
                .where(Code.codebook_id == book.id)
                .group_by(Coding.code_id)
            ).all()
        )
        units = dict(
            session.execute(
                select(Coding.code_id, func.count(func.distinct(Coding.unit_id)))
                .join(Code, Code.id == Coding.code_id)
                .where(Code.codebook_id == book.id)
                .group_by(Coding.code_id)
            ).all()
        )
    parents = {c.id: c.code_id for c in codes}
    return [
        {
            "id": code.code_id,
            "name": code.name,
            "group": code.group,
            "parent": parents.get(code.parent_id),
            "depth": depth,
            "status": code.status,
            "colour": code.colour,
            "codings": counts.get(code.id, 0),
            "units": units.get(code.id, 0),
        }
        for code, depth in tree_order(codes, [g["id"] for g in book.groups])
        if code.status == "active" or include_inactive
    ]


def tree_order(codes: list[Code], groups: list[str]) -> list[tuple[Code, int]]:
    """Codes depth first under their parents, roots in the order of their groups; with depths."""
    ids = {c.id for c in codes}
    children: dict[int | None, list[Code]] = {}
    for code in codes:
        children.setdefault(code.parent_id if code.parent_id in ids else None, []).append(code)
    ordered: list[tuple[Code, int]] = []

    def walk(code: Code, depth: int) -> None:
        ordered.append((code, depth))
        for child in children.get(code.id, []):
            walk(child, depth + 1)

    def group_order(code: Code) -> tuple[int, int]:
        return (groups.index(code.group) if code.group in groups else len(groups), code.id or 0)

    for root in sorted(children.get(None, []), key=group_order):
        walk(root, 0)
    return ordered


def code_details(project: Project, ref: str) -> dict[str, Any]:
    """Everything about one code: its text, place in the tree, history and counts."""
    with project.session() as session:
        code = find_code(session, ref)
        by_id = {c.id: c for c in codes_of(session, require_codebook(session))}
        codings = session.execute(select(func.count(Coding.id)).where(Coding.code_id == code.id)).scalar_one()
        coders = sorted(
            session.execute(select(Coding.coder).where(Coding.code_id == code.id).distinct()).scalars()
        )
    parent = by_id.get(code.parent_id) if code.parent_id else None
    merged = by_id.get(code.merged_into_id) if code.merged_into_id else None
    return {
        "id": code.code_id,
        "name": code.name,
        "group": code.group,
        "parent": parent.code_id if parent else None,
        "children": [c.code_id for c in by_id.values() if c.parent_id == code.id],
        "definition": code.definition,
        "use_when": code.use_when,
        "not_when": code.not_when,
        "example": code.example,
        "keywords": code.keywords,
        "keywords_lang": code.keywords_lang or {},
        "colour": code.colour,
        "domain": code.domain,
        "guid": code.guid,
        "status": code.status,
        "merged_into": merged.code_id if merged else None,
        "split_into": code.split_into,
        "codings": codings,
        "coders": coders,
    }
