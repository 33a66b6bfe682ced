"""What a coder works through: the units in reading order, their status, filters, one unit's view.

Headless: the terminal UI shows what these functions return, and a notebook can use them too.
Loading the rows of a 100,000-unit project takes one query per kind of fact.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

from sqlalchemy import func, select

from foresight.agreement.adjudication import disputed_units
from foresight.codebook.catalog import active_codebook, tree_order
from foresight.coding.listing import batch_units, decided_by
from foresight.project import Project
from foresight.store.schema import (
    Batch,
    BatchUnit,
    Code,
    Coding,
    LearningQueue,
    Memo,
    Source,
    Suggestion,
    Unit,
    UnitState,
)

ORDERS = ("reading", "learning")  # learning: the units 'foresight suggest next' chose, in its order
STATUSES = ("uncoded", "coded", "suggested", "batch", "done", "disputed")  # disputed: coders differ
PREVIEW = 120


@dataclass
class Filters:
    """Which units the coder sees; empty fields filter nothing."""

    source_id: int | None = None
    source_type: str | None = None
    period: str | None = None
    code: str | None = None  # a code id: units the coder applied it to
    status: str | None = None  # one of STATUSES
    search: str | None = None
    order: str = "reading"  # one of ORDERS: reading order, or the active-learning queue's

    def describe(self) -> str:
        shown = {k: v for k, v in asdict(self).items() if v not in (None, "")}
        if shown.get("order") == "reading":
            del shown["order"]  # the default order goes without saying
        parts = [f"{k}={v}" for k, v in shown.items()]
        return ", ".join(parts) or "all units"


@dataclass
class Row:
    id: int
    source_id: int
    source_title: str
    ordinal: int
    preview: str
    codes: list[str] = field(default_factory=list)  # the coder's codes (ids)
    done: bool = False
    suggested: bool = False
    in_batch: bool = False

    @property
    def status(self) -> str:
        if self.codes:
            return "coded"
        if self.done:
            return "done"
        if self.suggested:
            return "suggested"
        return "uncoded"


def load_rows(project: Project, coder: str, filters: Filters | None = None) -> list[Row]:
    """The units the coder sees, in reading order, with what the coder has done to each."""
    filters = filters or Filters()
    query = (
        select(Unit.id, Unit.source_id, Source.title, Unit.ordinal, func.substr(Unit.text, 1, PREVIEW))
        .join(Source, Source.id == Unit.source_id)
        .where(Source.current.is_(True))
    )
    if filters.order == "learning":
        query = query.join(LearningQueue, LearningQueue.unit_id == Unit.id).order_by(LearningQueue.position)
    else:
        query = query.order_by(Unit.source_id, Unit.ordinal)
    if filters.source_id is not None:
        query = query.where(Unit.source_id == filters.source_id)
    if filters.source_type:
        query = query.where(Source.source_type == filters.source_type)
    if filters.period:
        query = query.where(Unit.period == filters.period)
    if filters.search:
        query = query.where(func.lower(Unit.text).contains(filters.search.lower(), autoescape=True))
    with project.session() as session:
        units = session.execute(query).all()
        codes: dict[int, list[str]] = {}
        for unit_id, code_id in session.execute(
            select(Coding.unit_id, Code.code_id)
            .join(Code, Code.id == Coding.code_id)
            .where(Coding.coder == coder)
            .order_by(Coding.id)
        ):
            codes.setdefault(unit_id, []).append(code_id)
        done = set(
            session.execute(
                select(UnitState.unit_id).where(UnitState.coder == coder, UnitState.done.is_(True))
            ).scalars()
        )
        suggested = set(
            session.execute(
                select(Suggestion.unit_id).where(Suggestion.id.not_in(decided_by(coder))).distinct()
            ).scalars()
        )
        batch = batch_units(session, coder)
    rows = [
        Row(
            uid,
            sid,
            title,
            ordinal,
            (preview or "").replace("\n", " "),
            codes.get(uid, []),
            uid in done,
            uid in suggested,
            uid in batch,
        )
        for uid, sid, title, ordinal, preview in units
    ]
    if filters.code:
        rows = [r for r in rows if filters.code in r.codes]
    if filters.status == "batch":
        rows = [r for r in rows if r.in_batch]
    elif filters.status == "disputed":  # for the adjudicator: units where the other coders differ
        disputed = disputed_units(project, exclude=coder)
        rows = [r for r in rows if r.id in disputed]
    elif filters.status:
        rows = [r for r in rows if r.status == filters.status]
    return rows


def learning_queue_size(project: Project) -> int:
    """How many units the learning queue holds ('foresight suggest next' fills it)."""
    with project.session() as session:
        return int(session.execute(select(func.count()).select_from(LearningQueue)).scalar_one())


@dataclass
class CodeChip:
    id: str
    name: str
    colour: str
    coder: str = ""
    origin: str = "manual"


@dataclass
class SuggestionView:
    id: int
    code: CodeChip
    score: float
    source: str
    reason: str = ""  # why it was made: the code's keywords found in the text, or the classifier


ENDINGS = "(?:e?s|e?n|e|er|x)?"  # plural and case endings of English, German and French words


def suggestion_reason(source: str, keywords: list[str] | None, text: str) -> str:
    """Why a suggestion was made, for the coder: the code's keywords that occur in the text
    (as words, a plural or another common ending too: "Lieferketten" for "Lieferkette"), the
    classifier, or both."""
    lowered = text.lower()
    found = [
        word
        for word in dict.fromkeys(keywords or [])
        if word.strip() and re.search(rf"\b{re.escape(word.lower().strip())}{ENDINGS}\b", lowered)
    ]
    said = f"keywords: {', '.join(found[:4])}" if found else "keywords"
    if source == "classifier":
        return "classifier"
    if source == "both":
        return f"classifier and {said}"
    return said


@dataclass
class UnitView:
    id: int
    text: str
    source_title: str
    source_type: str
    date: str | None
    section: str | None
    page: int | None
    ordinal: int
    before: str | None  # the neighbouring paragraphs, for context
    after: str | None
    mine: list[CodeChip]
    others: list[CodeChip]  # empty when blind
    blind: bool
    suggestions: list[SuggestionView]
    memo: str
    duplicate_of: int | None


def unit_view(project: Project, unit_id: int, coder: str) -> UnitView:
    """Everything the coder's screen shows about one unit. Others' codings are hidden in blind batches.

    Called on every move of the coder's screen: plain column queries, each by an index, no ORM
    objects to build.
    """
    with project.session() as session:
        found = session.execute(
            select(
                Unit.id,
                Unit.text,
                Unit.section,
                Unit.page,
                Unit.ordinal,
                Unit.duplicate_of,
                Unit.source_id,
                Unit.language,
                Source.title,
                Source.source_type,
                Source.date,
            )
            .join(Source, Source.id == Unit.source_id)
            .where(Unit.id == unit_id)
        ).first()
        if found is None:
            raise LookupError(unit_id)
        near = dict(
            session.execute(
                select(Unit.ordinal, Unit.text).where(
                    Unit.source_id == found.source_id,
                    Unit.ordinal.in_([found.ordinal - 1, found.ordinal + 1]),
                )
            ).all()
        )
        codings = session.execute(
            select(Coding.coder, Coding.origin, Coding.code_id, Code.code_id, Code.name, Code.colour)
            .join(Code, Code.id == Coding.code_id)
            .where(Coding.unit_id == unit_id)
            .order_by(Coding.id)
        ).all()
        # the unit's own batches, not all the coder's batch units: blind when one of them has the coder
        blind = any(
            coder in (coders or [])
            for coders in session.execute(
                select(Batch.coders)
                .join(BatchUnit, BatchUnit.batch_id == Batch.id)
                .where(BatchUnit.unit_id == unit_id)
            ).scalars()
        )
        rejected_or_mine = {row_code for who, _, row_code, *_ in codings if who == coder}
        suggestions = session.execute(
            select(
                Suggestion.id,
                Suggestion.code_id,
                Suggestion.score,
                Suggestion.source,
                Code.code_id,
                Code.name,
                Code.colour,
                Code.keywords,
                Code.keywords_lang,
            )
            .join(Code, Code.id == Suggestion.code_id)
            .where(
                Suggestion.unit_id == unit_id,
                Suggestion.id.not_in(decided_by(coder)),
            )
            .order_by(Suggestion.score.desc())
        ).all()
        memo = session.execute(
            select(Memo.text).where(Memo.kind == "unit", Memo.target_id == unit_id, Memo.coder == coder)
        ).scalar_one_or_none()
    chips = [(who, CodeChip(cid, name, colour, who, origin)) for who, origin, _, cid, name, colour in codings]
    text = found.text
    return UnitView(
        id=found.id,
        text=found.text,
        source_title=found.title,
        source_type=found.source_type,
        date=found.date.isoformat() if found.date else None,
        section=found.section,
        page=found.page,
        ordinal=found.ordinal,
        before=near.get(found.ordinal - 1),
        after=near.get(found.ordinal + 1),
        mine=[chip for who, chip in chips if who == coder],
        others=[] if blind else [chip for who, chip in chips if who != coder],
        blind=blind,
        suggestions=[
            SuggestionView(
                sid,
                CodeChip(cid, name, colour),
                score,
                source,
                # the unit's language's keywords and the English ones, as the rules match them
                suggestion_reason(source, [*(keywords or []), *(others or {}).get(found.language, [])], text),
            )
            for sid, row_code, score, source, cid, name, colour, keywords, others in suggestions
            if row_code not in rejected_or_mine
        ],
        memo=memo or "",
        duplicate_of=found.duplicate_of,
    )


def palette_codes(project: Project) -> list[tuple[Code, int]]:
    """The codes a coder may apply, with their depth in the tree: retired ones left out."""
    with project.session() as session:
        book = active_codebook(session)
        if book is None:
            return []
        codes = list(
            session.execute(
                select(Code).where(Code.codebook_id == book.id, Code.status == "active").order_by(Code.id)
            ).scalars()
        )
        return tree_order(codes, [g["id"] for g in book.groups])


def blind_units(project: Project, coder: str) -> set[int]:
    """The units of the double-coding batches the coder is in: coded blind."""
    with project.session() as session:
        return batch_units(session, coder)


def filter_choices(project: Project) -> tuple[list[str], list[str]]:
    """What the worklist can be filtered on: the sources' types and the units' periods."""
    with project.session() as session:
        types = sorted(set(session.execute(select(Source.source_type)).scalars()))
        periods = sorted({p for p in session.execute(select(Unit.period).distinct()).scalars() if p})
    return types, periods
