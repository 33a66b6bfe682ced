"""Evidence for workshop documents: short quotes with their sources, and how the codings were made.

:func:`short_quote` cuts a unit's text to the sentence that best names a concept;
:func:`pick_quotes` chooses a few units to quote for a concept (distinct sources first, newest
first); :func:`coding_provenance` counts the codings behind a set of units by how they were made.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import select

from foresight.nlp import sentences
from foresight.project import Project
from foresight.store.schema import Code, Coding, SuggestionDecision
from foresight.workshops.candidates import SupportingUnit

QUOTE = 200  # characters of a quote at most: two lines and a half of A4 text
PEOPLE = ("manual", "adjudicated", "carried")  # origins of codings a coder applied themselves


@dataclass(frozen=True)
class Quote:
    """A short quote from a unit, with where it comes from."""

    unit_id: int
    text: str
    title: str
    date: str
    page: int | None

    @property
    def citation(self) -> str:
        """Title, date and page, then the unit id: "Report, 2013-02-12, p. 4 (unit 204)"."""
        parts = [self.title, self.date or "undated"]
        if self.page is not None:
            parts.append(f"p. {self.page}")
        return f"{', '.join(parts)} (unit {self.unit_id})"


def short_quote(
    text: str, keywords: Iterable[str] = (), limit: int = QUOTE, language: str | None = None
) -> str:
    """The sentence of ``text`` naming most ``keywords`` (the first on a tie), cut at a word to
    ``limit``. Sentences end by the rules of ``language`` (English when None): "z. B." or
    "M. Dupont" ends none."""
    parts = [s.strip() for s in sentences(" ".join(text.split()), language) if s.strip()] or [""]
    words = [k.lower() for k in keywords if k.strip()]
    best = max(parts, key=lambda s: (sum(k in s.lower() for k in words), -parts.index(s)))
    if len(best) <= limit:
        return best
    cut = best[: limit - 1]
    if best[limit - 1] != " ":  # the last word is cut: drop it
        cut = cut.rsplit(" ", 1)[0]
    cut = cut.rstrip(" ,;:")
    return cut + "…"


def code_keywords(project: Project) -> dict[str, tuple[str, ...]]:
    """Code id -> its name and keywords in every language (the newest codebook winning), to find
    a quote's sentence."""
    with project.session() as session:
        rows = session.execute(
            select(Code.code_id, Code.name, Code.keywords, Code.keywords_lang).order_by(Code.id)
        ).all()
    return {
        code: (name, *(keywords or ()), *(w for words in (others or {}).values() for w in words))
        for code, name, keywords, others in rows
    }


def quote_of(unit: SupportingUnit, keywords: Iterable[str]) -> Quote:
    return Quote(
        unit.unit_id,
        short_quote(unit.text, keywords, language=unit.language),
        unit.source_title,
        unit.source_date,
        unit.page,
    )


def pick_quotes(units: Sequence[SupportingUnit], keywords: Sequence[str], n: int) -> list[SupportingUnit]:
    """Up to ``n`` units to quote: those naming a keyword first, one per source before a second from
    any, newest source first, then by unit id."""
    words = [k.lower() for k in keywords if k.strip()]

    def rank(u: SupportingUnit) -> tuple[bool, str, int]:
        named = any(k in u.text.lower() for k in words)
        return (not named, _negated(u.source_date), u.unit_id)

    ordered = sorted(units, key=rank)
    seen: set[str] = set()
    first = []
    for u in ordered:
        if u.source_title not in seen:
            seen.add(u.source_title)
            first.append(u)
    rest = [u for u in ordered if u not in first]
    return (first + rest)[:n]


def _negated(date: str) -> str:
    """A key that sorts ISO dates newest first, undated last."""
    return "".join(chr(0x7F - ord(ch)) for ch in date) if date else "\x7f"


@dataclass(frozen=True)
class Provenance:
    """The codings on some units by how they were made.

    ``people``: applied by a coder (by hand, adjudicated or carried to a new source version);
    ``accepted``: suggestions accepted by coders who also rejected some or coded by hand;
    ``machine``: suggestions accepted by coders who did nothing else (every coding of theirs an
    accepted suggestion, no suggestion ever rejected), as a script accepting all of them does.
    """

    units: int
    people: int
    accepted: int
    machine: int
    coders: tuple[str, ...]
    machine_coders: tuple[str, ...]

    @property
    def codings(self) -> int:
        return self.people + self.accepted + self.machine

    def short(self) -> str:
        """The counts alone (for the document's properties, which hold 255 characters)."""
        return (
            f"Codings on {self.units} units: {self.people} by people, {self.accepted} accepted "
            f"suggestions, {self.machine} machine-made"
        )

    def sentence(self) -> str:
        if not self.codings:
            return "How the codings were made: no codings support this draft yet."
        who = ", ".join(self.machine_coders)
        machine = f"{self.machine} machine-made" + (
            f" (suggestions accepted by {who}, who accepted every suggestion and rejected none)"
            if self.machine
            else ""
        )
        coders = "coder" if len(self.coders) == 1 else "coders"
        return (
            f"How the codings were made: {self.codings} codings on {self.units} units by "
            f"{len(self.coders)} {coders}: {self.people} made by people (by hand or adjudicated), "
            f"{self.accepted} suggestions accepted by coders, {machine}."
        )


def coding_provenance(project: Project, unit_ids: Iterable[int]) -> Provenance:
    """How the codings on ``unit_ids`` were made (see :class:`Provenance`)."""
    wanted = set(unit_ids)
    with project.session() as session:
        rows = session.execute(select(Coding.unit_id, Coding.coder, Coding.origin)).all()
        rejecting = set(
            session.execute(
                select(SuggestionDecision.coder).where(SuggestionDecision.status == "rejected")
            ).scalars()
        )
    origins: dict[str, Counter[str]] = defaultdict(Counter)
    for _, coder, origin in rows:
        origins[coder][origin] += 1
    machine_coders = {
        coder
        for coder, made in origins.items()
        if set(made) == {"accepted-suggestion"} and coder not in rejecting
    }
    counts: Counter[str] = Counter()
    units, coders = set(), set()
    for unit_id, coder, origin in rows:
        if unit_id not in wanted:
            continue
        units.add(unit_id)
        coders.add(coder)
        if origin in PEOPLE:
            counts["people"] += 1
        elif coder in machine_coders:
            counts["machine"] += 1
        else:
            counts["accepted"] += 1
    return Provenance(
        len(units),
        counts["people"],
        counts["accepted"],
        counts["machine"],
        tuple(sorted(coders)),
        tuple(sorted(c for c in machine_coders if c in coders)),
    )
