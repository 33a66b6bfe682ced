"""Edits that keep codings right: add, rename, move, merge, split, retire.

Each edit is one transaction, raises the codebook's version by one and is written to the event
log with who made it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, select, update
from sqlmodel import Session

from foresight.codebook.catalog import codes_of, find_code, require_codebook
from foresight.codebook.model import CODE_ID, COLOUR, CodeSpec, stable_guid
from foresight.errors import ForesightError
from foresight.nlp import knows, unknown_language
from foresight.project import Project
from foresight.store.schema import Code, Codebook, Coding, log_event


def _record(session: Session, book: Codebook, actor: str, action: str, code: Code, **details: Any) -> None:
    book.version += 1
    session.add(book)
    log_event(
        session, actor, action, "code", code.id, code=code.code_id, codebook_version=book.version, **details
    )


def _check_name(session: Session, book: Codebook, name: str, *, other_than: int | None = None) -> str:
    name = name.strip()
    if not name:
        raise ForesightError("a code needs a name")
    for code in codes_of(session, book):
        if code.id != other_than and code.name.casefold() == name.casefold():
            raise ForesightError(f"code {code.code_id} is already called {code.name!r}")
    return name


def _descendants(codes: list[Code], root: Code) -> list[Code]:
    found, frontier = [], [root.id]
    while frontier:
        level = [c for c in codes if c.parent_id in frontier]
        found += level
        frontier = [c.id for c in level]
    return found


def add_code(project: Project, spec: CodeSpec, *, actor: str) -> str:
    """Add a code to the active codebook; return its id."""
    with project.transaction() as session:
        book = require_codebook(session)
        if not CODE_ID.match(spec.id):
            raise ForesightError(f"code id {spec.id!r} may hold only letters, digits and . _ -")
        if any(c.code_id == spec.id for c in codes_of(session, book)):
            raise ForesightError(f"code id {spec.id} is taken")
        name = _check_name(session, book, spec.name)
        if not spec.definition.strip():
            raise ForesightError(f"code {spec.id} needs a definition")
        if not COLOUR.match(spec.colour):
            raise ForesightError(f"colour {spec.colour!r} is not #rrggbb")
        for lang in spec.keywords_lang:
            if not knows(lang):
                raise ForesightError(unknown_language(lang))
        parent = find_code(session, spec.parent, book=book, active_only=True) if spec.parent else None
        if spec.domain:
            find_code(session, spec.domain, book=book, active_only=True)
        group = parent.group if parent else spec.group
        groups = {g["id"] for g in book.groups}
        if groups and group not in groups:
            raise ForesightError(f"unknown group {group!r} (groups: {', '.join(sorted(groups))})")
        code = Code(
            codebook_id=book.id,
            code_id=spec.id,
            name=name,
            group=group,
            parent_id=parent.id if parent else None,
            definition=spec.definition.strip(),
            use_when=spec.use_when,
            not_when=spec.not_when,
            example=spec.example,
            keywords=list(spec.keywords),
            keywords_lang={lang: list(words) for lang, words in spec.keywords_lang.items()},
            colour=spec.colour,
            domain=spec.domain,
            guid=stable_guid(book.name, spec.id),
        )
        session.add(code)
        session.flush()
        _record(session, book, actor, "add", code, name=name, group=group)
    return spec.id


def rename_code(project: Project, ref: str, new_name: str, *, actor: str) -> None:
    with project.transaction() as session:
        book = require_codebook(session)
        code = find_code(session, ref, book=book)
        old = code.name
        code.name = _check_name(session, book, new_name, other_than=code.id)
        session.add(code)
        _record(session, book, actor, "rename", code, old=old, new=code.name)


def move_code(project: Project, ref: str, new_parent: str | None, *, actor: str) -> None:
    """Give a code a new parent (``None``: the top of its group); its children come along."""
    with project.transaction() as session:
        book = require_codebook(session)
        code = find_code(session, ref, book=book)
        parent = find_code(session, new_parent, book=book, active_only=True) if new_parent else None
        moved = _descendants(codes_of(session, book), code)
        if parent is not None and (parent.id == code.id or parent.id in {c.id for c in moved}):
            raise ForesightError(f"cannot move {code.code_id} under {parent.code_id}: that is inside it")
        old = next((c.code_id for c in codes_of(session, book) if c.id == code.parent_id), None)
        code.parent_id = parent.id if parent else None
        if parent is not None and parent.group != code.group:
            for item in [code, *moved]:
                item.group = parent.group
                session.add(item)
        session.add(code)
        _record(session, book, actor, "move", code, old_parent=old, new_parent=new_parent)


@dataclass(frozen=True)
class MergeResult:
    moved: int  # codings of A now on B
    dropped: int  # codings of A on units the same coder had coded with B already


def merge_codes(project: Project, source: str, target: str, *, actor: str) -> MergeResult:
    """Move every coding of ``source`` to ``target``; a unit a coder coded with both keeps one."""
    with project.transaction() as session:
        book = require_codebook(session)
        a = find_code(session, source, book=book, active_only=True)
        b = find_code(session, target, book=book, active_only=True)
        if a.id == b.id:
            raise ForesightError(f"cannot merge {a.code_id} into itself")
        if b.id in {c.id for c in _descendants(codes_of(session, book), a)}:
            raise ForesightError(f"cannot merge {a.code_id} into {b.code_id}, which is inside it")
        have = set(session.execute(select(Coding.unit_id, Coding.coder).where(Coding.code_id == b.id)).all())
        codings = session.execute(select(Coding).where(Coding.code_id == a.id)).scalars().all()
        twice = [c for c in codings if (c.unit_id, c.coder) in have]
        dropped = [{"unit": c.unit_id, "coder": c.coder, "origin": c.origin} for c in twice]
        if twice:
            session.execute(delete(Coding).where(Coding.id.in_([c.id for c in twice])))
        moved = session.execute(update(Coding).where(Coding.code_id == a.id).values(code_id=b.id)).rowcount
        session.execute(update(Code).where(Code.parent_id == a.id).values(parent_id=b.id))
        a.status, a.merged_into_id = "merged", b.id
        session.add(a)
        _record(session, book, actor, "merge", a, into=b.code_id, moved=moved, dropped=dropped)
    return MergeResult(moved=moved, dropped=len(dropped))


@dataclass
class SplitResult:
    codes: list[str]
    to_recode: list[dict[str, Any]] = field(default_factory=list)  # unit and coder of each coding


def _slug(name: str) -> str:
    return re.sub(r"[^A-Z0-9]+", "_", name.upper()).strip("_") or "PART"


def split_code(project: Project, ref: str, names: list[str], *, actor: str) -> SplitResult:
    """Replace a code by new ones (same group and parent); its codings wait for recoding.

    The old code is no longer offered to coders; its codings stay on it, listed, until coders
    recode each unit with one of the new codes.
    """
    if len(names) < 2:
        raise ForesightError("split a code into at least two new codes")
    with project.transaction() as session:
        book = require_codebook(session)
        code = find_code(session, ref, book=book, active_only=True)
        taken = {c.code_id for c in codes_of(session, book)}
        new_ids = []
        for name in names:
            new_id = f"{code.code_id}.{_slug(name)}"
            if new_id in taken:
                raise ForesightError(f"code id {new_id} is taken; choose another name than {name!r}")
            taken.add(new_id)
            part = Code(
                codebook_id=book.id,
                code_id=new_id,
                name=_check_name(session, book, name),
                group=code.group,
                parent_id=code.parent_id,
                definition=f"{code.definition} (Split from {code.code_id} {code.name}.)",
                use_when=code.use_when,
                not_when=code.not_when,
                example=code.example,
                keywords=[],
                colour=code.colour,
                domain=code.domain,
                guid=stable_guid(book.name, new_id),
            )
            session.add(part)
            session.flush()
            new_ids.append(new_id)
        code.status, code.split_into = "split", new_ids
        session.add(code)
        rows = session.execute(
            select(Coding.unit_id, Coding.coder).where(Coding.code_id == code.id).order_by(Coding.unit_id)
        ).all()
        _record(session, book, actor, "split", code, into=new_ids, waiting=len(rows))
    return SplitResult(new_ids, [{"unit_id": u, "coder": c} for u, c in rows])


def retire_code(project: Project, ref: str, *, actor: str) -> int:
    """Hide a code from coders; its codings are kept. Return how many it has."""
    with project.transaction() as session:
        book = require_codebook(session)
        code = find_code(session, ref, book=book, active_only=True)
        code.status = "retired"
        session.add(code)
        kept = len(session.execute(select(Coding.id).where(Coding.code_id == code.id)).all())
        _record(session, book, actor, "retire", code, codings_kept=kept)
    return kept


def waiting_for_recoding(project: Project) -> list[dict[str, Any]]:
    """Codings on codes that were split: the units each coder still has to recode."""
    with project.session() as session:
        book = require_codebook(session)
        rows = session.execute(
            select(Code.code_id, Code.split_into, Coding.unit_id, Coding.coder)
            .join(Coding, Coding.code_id == Code.id)
            .where(Code.codebook_id == book.id, Code.status == "split")
            .order_by(Code.code_id, Coding.unit_id)
        ).all()
    return [{"code": c, "into": into, "unit_id": u, "coder": coder} for c, into, u, coder in rows]
