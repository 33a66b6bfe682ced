"""A code looked up as a user names it: by its id or its exact name, in the active codebook.

Written over a bare DB-API connection (:class:`foresight.store.dbapi.Db`), so that a coder's
step finds its code in the same words whichever connection it runs on; ``catalog.find_code``
hands the row found to the store's models.
"""

from __future__ import annotations

from dataclasses import dataclass

from foresight.errors import ForesightError
from foresight.store.dbapi import Db

NO_CODEBOOK = "the project has no codebook; load one with 'foresight codebook import FILE'"


@dataclass(frozen=True)
class Book:
    id: int
    name: str


@dataclass(frozen=True)
class FoundCode:
    id: int  # the row's
    code_id: str  # the id users see
    name: str
    status: str


def active_book(db: Db) -> Book:
    """The project's active codebook (the one imported last)."""
    row = db.one("SELECT id, name FROM codebook WHERE active = ? ORDER BY id DESC LIMIT 1", True)
    if row is None:
        raise ForesightError(NO_CODEBOOK)
    return Book(*row)


def find_code(db: Db, ref: str, *, book: Book | None = None, active_only: bool = False) -> FoundCode:
    """The code of the active codebook (or of ``book``) whose id is ``ref``, or whose name is
    (any case)."""
    book = book or active_book(db)
    columns = "SELECT id, code_id, name, status FROM code WHERE codebook_id = ?"
    row = db.one(f"{columns} AND code_id = ?", book.id, ref)
    if row is None:
        named = db.rows(f"{columns} AND lower(name) = ?", book.id, ref.strip().lower())
        if len(named) > 1:  # codebooks from other tools may repeat a name in several branches
            ids = ", ".join(sorted(code_id for _, code_id, _, _ in named))
            raise ForesightError(f"several codes are named {ref!r} ({ids}): give the id")
        row = named[0] if named else None
    if row is None:
        raise ForesightError(f"no code {ref!r} in codebook {book.name!r} (see 'foresight codebook list')")
    code = FoundCode(*row)
    if active_only and code.status != "active":
        raise ForesightError(f"code {code.code_id} ({code.name}) is {code.status}; it cannot be used")
    return code
