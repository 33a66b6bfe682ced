"""Candidate roadmap cards drawn from the analysis: the evidence about a topic, placed on its roadmap.

A :class:`Candidate` is one card: a concept (a code, or a flagged code pair) in one cell of the
matrix, with the units behind it. Candidates come from codings (:func:`candidates_from_codings`):
the units of a topic are those coded with one of its codes; each of the topic's own codes, then
each code co-coded with them on those units, becomes a card in every cell its units fall in.

A unit falls in a row by the workshop's domain rule (:data:`~foresight.workshops.definition.DOMAIN_RULES`,
``roadmap: domain_rule`` in the workshop file): by default the unit's own domain codes (VR.*)
and, when it has none, the default domain of the code the card is about (``domain:`` in the
codebook, or ``roadmap: domains`` in the workshop file). It falls in the time slot its nearest
time-horizon code (TH.*) points to, or in the :data:`UNDATED` lane when it has none. Evidence
that finds no row is kept with an empty domain, so the poster can list it.

Cards also come from the trend flags (``foresight trends``, :func:`candidates_from_trends`): each
code or code pair flagged as a strong or weak signal (novel pairs count as growing) whose units
touch the topic becomes a card with ``origin="trend"`` and its class as ``kind``, in the cell most
of its topic units fall in. A flag on a single code joins that code's card in the same cell
(:func:`roadmap_candidates`): one card per concept per cell.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import select

from foresight.codebook.catalog import active_codebook
from foresight.errors import ForesightError
from foresight.project import Project
from foresight.store.schema import Code, Coding, Unit
from foresight.workshops.definition import (
    DOMAIN_NAMES,
    DOMAINS,
    HORIZON_CODES,
    UNDATED,
    Topic,
    Workshop,
)

__all__ = ["DOMAINS", "DOMAIN_NAMES", "UNDATED"]

KINDS = {
    "FC.TREND": "trend",
    "FC.DRIVER": "driver",
    "FC.WEAK_SIGNAL": "weak signal",
    "FC.WILD_CARD": "wild card",
}
STRUCTURAL = ("VR.", "TH.", "FC.")  # code groups that describe a unit's place, not its content


@dataclass(frozen=True)
class Evidence:
    code_id: str
    units: int
    sources: int
    unit_ids: tuple[int, ...] = ()
    source_ids: tuple[int, ...] = ()

    @property
    def counts(self) -> str:
        units = "unit" if self.units == 1 else "units"
        sources = "source" if self.sources == 1 else "sources"
        return f"{self.units} {units} · {self.sources} {sources}"

    def short(self) -> str:
        return f"{self.code_id} · {self.counts}"

    def forms(self) -> tuple[str, ...]:
        """The counts for a card, longest first (``12u/5s``: 12 units, 5 sources): no code ids."""
        return (self.counts, f"{self.units}u/{self.sources}s")

    def merged(self, other: Evidence) -> Evidence:
        """This evidence and ``other`` together: their units and sources, each counted once."""
        units = tuple(sorted({*self.unit_ids, *other.unit_ids}))
        sources = tuple(sorted({*self.source_ids, *other.source_ids}))
        return replace(
            self,
            units=len(units) if units else max(self.units, other.units),
            sources=len(sources) if sources else max(self.sources, other.sources),
            unit_ids=units,
            source_ids=sources,
        )


@dataclass(frozen=True)
class Candidate:
    label: str
    domain: str  # a VR.* code id; "" when the rule finds no row for its units
    slot: str  # a slot of the workshop, or UNDATED
    evidence: Evidence
    kind: str = ""  # trend | driver | weak signal | wild card | "" (from the FC.* co-codes)
    origin: str = "codings"  # codings | trend
    own: bool = False  # about one of the topic's own codes

    @property
    def concept(self) -> str:
        """What the card is about: its code, or its pair of codes."""
        return self.evidence.code_id


@dataclass(frozen=True)
class CodedUnit:
    unit_id: int
    source_id: int
    codes: frozenset[str]


def coded_units(project: Project) -> list[CodedUnit]:
    """Every coded unit with the code ids any coder gave it."""
    with project.session() as session:
        rows = session.execute(
            select(Coding.unit_id, Unit.source_id, Code.code_id)
            .join(Code, Code.id == Coding.code_id)
            .join(Unit, Unit.id == Coding.unit_id)
        ).all()
    codes: dict[int, set[str]] = defaultdict(set)
    source: dict[int, int] = {}
    for unit_id, source_id, code_id in rows:
        codes[unit_id].add(code_id)
        source[unit_id] = source_id
    return [CodedUnit(u, source[u], frozenset(c)) for u, c in sorted(codes.items())]


def code_names(project: Project) -> dict[str, str]:
    """Code id -> name, the newest codebook's name winning."""
    with project.session() as session:
        rows = session.execute(select(Code.code_id, Code.name).order_by(Code.id)).all()
    return dict(rows)


def default_domains(project: Project, workshop: Workshop) -> dict[str, str]:
    """Code id -> the domain (VR.*) its evidence goes to when a unit names none.

    The codebook's ``domain`` of each code of the active codebook, overridden by the workshop
    file's ``roadmap: domains`` (by code id, else by group id). A workshop naming a code or group
    the codebook lacks is refused.
    """
    with project.session() as session:
        book = active_codebook(session)
        rows = (
            session.execute(
                select(Code.code_id, Code.group, Code.domain).where(Code.codebook_id == book.id)
            ).all()
            if book is not None
            else []
        )
        groups = {g["id"] for g in book.groups} if book is not None else set()
    given = workshop.roadmap.domains
    unknown = [key for key in given if key not in groups and key not in {r[0] for r in rows}]
    if unknown:
        raise ForesightError(
            f"{workshop.path}: roadmap domains name codes or groups the project's codebook lacks: "
            + ", ".join(unknown)
        )
    found = {}
    for code, group, domain in rows:
        chosen = given.get(code) or given.get(group) or domain
        if chosen in DOMAIN_NAMES:
            found[code] = chosen
    return found


def topic_units(units: Iterable[CodedUnit], topic: Topic | None) -> list[CodedUnit]:
    """The units that count for ``topic``: those with one of its codes (all, when it lists none)."""
    if topic is None or not topic.codes:
        return list(units)
    wanted = set(topic.codes)
    return [u for u in units if u.codes & wanted]


def lane_of(unit: CodedUnit, workshop: Workshop) -> str:
    """The slot of the unit's nearest time-horizon code; :data:`UNDATED` when it has none."""
    for code in HORIZON_CODES:
        if code in unit.codes:
            return workshop.slot_of(code)
    return UNDATED


def slot_of(members: Iterable[CodedUnit], workshop: Workshop) -> str:
    """The slot most of the units fall in (the nearer on a tie; undated last)."""
    order = {slot: i for i, slot in enumerate((*workshop.slots, UNDATED))}
    lanes = Counter(lane_of(u, workshop) for u in members)
    return min(lanes, key=lambda s: (-lanes[s], order[s])) if lanes else UNDATED


def rows_of(unit: CodedUnit, codes: Iterable[str], defaults: dict[str, str], rule: str) -> list[str]:
    """The domains a unit's evidence on ``codes`` goes to under the workshop's domain ``rule``."""
    coded = [d for d, _ in DOMAINS if d in unit.codes]
    fallback = list(dict.fromkeys(defaults[c] for c in codes if c in defaults))
    if rule == "unit":
        return coded
    if rule == "code":
        return fallback
    return coded or fallback


def domain_of(members: Iterable[CodedUnit], codes: Iterable[str], defaults: dict[str, str], rule: str) -> str:
    """The domain most of the units' evidence on ``codes`` goes to, the earlier on a tie; "" if none."""
    order = {code: i for i, (code, _) in enumerate(DOMAINS)}
    codes = tuple(codes)
    counts = Counter(d for u in members for d in rows_of(u, codes, defaults, rule))
    return min(counts, key=lambda d: (-counts[d], order[d])) if counts else ""


def _kind(members: Iterable[CodedUnit]) -> str:
    kinds = Counter(c for u in members for c in u.codes if c in KINDS)
    return KINDS[min(kinds, key=lambda c: (-kinds[c], c))] if kinds else ""


def _evidence(code: str, members: Sequence[CodedUnit]) -> Evidence:
    sources = tuple(sorted({u.source_id for u in members}))
    return Evidence(code, len(members), len(sources), tuple(u.unit_id for u in members), sources)


def candidates_from_codings(
    units: Sequence[CodedUnit],
    names: dict[str, str],
    workshop: Workshop,
    *,
    defaults: dict[str, str],
    own: Iterable[str] = (),
    min_units: int = 1,
) -> list[Candidate]:
    """One card per code and cell its units fall in: the ``own`` codes first, then the others,
    each biggest first; a code needs ``min_units`` units in all (the structural codes VR.*, TH.*
    and FC.* get no card). A unit's evidence that finds no row gives a card with domain ""."""
    rule = workshop.roadmap.domain_rule
    mine = set(own)
    by_code: dict[str, list[CodedUnit]] = defaultdict(list)
    for unit in units:
        for code in unit.codes:
            if not code.startswith(STRUCTURAL):
                by_code[code].append(unit)
    found: list[Candidate] = []
    for code, members in by_code.items():
        if len(members) < min_units:
            continue
        cells: dict[tuple[str, str], list[CodedUnit]] = defaultdict(list)
        for unit in members:
            lane = lane_of(unit, workshop)
            for domain in rows_of(unit, (code,), defaults, rule) or [""]:
                cells[(domain, lane)].append(unit)
        for (domain, lane), cell in cells.items():
            found.append(
                Candidate(
                    label=names.get(code, code),
                    domain=domain,
                    slot=lane,
                    evidence=_evidence(code, cell),
                    kind=_kind(cell),
                    own=code in mine,
                )
            )
    found.sort(key=lambda c: (not c.own, -c.evidence.units, -c.evidence.sources, c.concept, c.slot))
    return found


def check_topic_codes(names: dict[str, str], workshop: Workshop, topic: Topic | None) -> None:
    """Refuse a topic naming codes the project's codebook lacks (``names``: :func:`code_names`)."""
    unknown = [code for code in (topic.codes if topic is not None else ()) if code not in names]
    if topic is not None and unknown:
        raise ForesightError(
            f"{workshop.path}: topic {topic.id!r} names codes the project's codebook lacks: "
            + ", ".join(unknown)
        )


TRENDS_UNAVAILABLE = (
    "No trend cards: the codings fall in fewer than two of the project's periods, "
    "so there is no change to flag; the cards come from the codings only."
)


class TrendsUnavailable(ForesightError):
    """The project's codings do not span two periods, so there are no trend flags."""


def trend_report(project: Project) -> dict[str, Any]:
    """The ``foresight trends`` result over all the project's periods (all coders' codings).

    Raises :class:`TrendsUnavailable` when the codings fall in fewer than two periods.
    """
    from foresight.cooccurrence.trends import trends

    periods = [p.name for p in project.config.periods]
    with project.session() as session:
        used = set(
            session.execute(
                select(Unit.period).join(Coding, Coding.unit_id == Unit.id).where(Unit.period.in_(periods))
            ).scalars()
        )
    if len(used) < 2:
        raise TrendsUnavailable(TRENDS_UNAVAILABLE)
    report = trends(project)
    if sum(1 for n in report["units_per_period"].values() if n) < 2:
        raise TrendsUnavailable(TRENDS_UNAVAILABLE)
    return report


def candidates_from_trends(
    project: Project,
    workshop: Workshop,
    topic: Topic | None,
    *,
    report: dict[str, Any] | None = None,
) -> list[Candidate]:
    """One card per code or code pair flagged as a strong or weak signal whose units touch the topic.

    The trends API takes no code filter, so the flags are kept when one of their units is a unit of
    the topic (see :func:`topic_units`). The card goes to the row and slot most of those units fall
    in (:func:`domain_of` under the workshop's domain rule, :func:`slot_of`); flags on the
    structural codes (VR.*, TH.*, FC.*) get no card. The evidence is the flag's units that are
    units of the topic, and their distinct sources. Strong signals come first, then weak ones, each in the
    order of the report (biggest change first). ``report`` is a :func:`trend_report` result
    (computed when omitted).
    """
    from foresight.cooccurrence.trends import STRONG, WEAK

    report = report if report is not None else trend_report(project)
    by_unit = {u.unit_id: u for u in topic_units(coded_units(project), topic)}
    own = set(topic.codes) if topic is not None else set()
    defaults = default_domains(project, workshop)
    rule = workshop.roadmap.domain_rule
    found: list[Candidate] = []
    for item in [*report["pairs"], *report["codes"]]:
        if item["class"] not in (STRONG, WEAK):
            continue
        if "code" in item:
            codes, names = (item["code"],), (item["name"],)
        else:
            codes, names = (item["code_a"], item["code_b"]), (item["name_a"], item["name_b"])
        if any(c.startswith(STRUCTURAL) for c in codes):
            continue
        unit_ids = tuple(item["evidence"]["units"])
        members = [by_unit[u] for u in unit_ids if u in by_unit]
        if not members:
            continue
        found.append(
            Candidate(
                label=" × ".join(names),
                domain=domain_of(members, codes, defaults, rule),
                slot=slot_of(members, workshop),
                evidence=_evidence(" × ".join(codes), members),
                kind=item["class"],
                origin="trend",
                own=len(codes) == 1 and codes[0] in own,
            )
        )
    found.sort(key=lambda c: c.kind != STRONG)  # stable: the report's order within each class
    return found


def one_per_cell(candidates: Sequence[Candidate]) -> list[Candidate]:
    """One card per concept and cell: a trend flag on a single code joins that code's card there.

    The joined card keeps its place, takes the flag's class as its kind and its origin, and counts
    the units and sources of both once. The order is kept (the first card of each concept and cell).
    """
    merged: dict[tuple[str, str, str], Candidate] = {}
    for c in candidates:
        key = (c.domain, c.slot, c.concept)
        first = merged.get(key)
        if first is None:
            merged[key] = c
            continue
        trend = c if c.origin == "trend" else first if first.origin == "trend" else None
        merged[key] = replace(
            first,
            evidence=first.evidence.merged(c.evidence),
            kind=trend.kind if trend is not None else first.kind or c.kind,
            origin="trend" if trend is not None else first.origin,
            own=first.own or c.own,
        )
    return list(merged.values())


def roadmap_candidates(
    project: Project,
    workshop: Workshop,
    topic: Topic | None,
    *,
    min_units: int = 1,
    extra: Sequence[Candidate] = (),
) -> list[Candidate]:
    """The cards for a topic's roadmap: the cards of the topic's own codes, then the trend cards
    (``extra``, :func:`candidates_from_trends`), then the cards of the codes co-coded with the
    topic's codes; one card per concept and cell (:func:`one_per_cell`)."""
    names = code_names(project)
    check_topic_codes(names, workshop, topic)
    own = topic.codes if topic is not None else ()
    units = topic_units(coded_units(project), topic)
    defaults = default_domains(project, workshop)
    found = candidates_from_codings(units, names, workshop, defaults=defaults, own=own, min_units=min_units)
    trend_own = [c for c in extra if c.own]
    ordered = [c for c in found if c.own] + trend_own + [c for c in extra if not c.own]
    return one_per_cell(ordered + [c for c in found if not c.own])


def by_concept(candidates: Sequence[Candidate]) -> list[Candidate]:
    """One candidate per concept and origin over all cells (for lists such as the scenario draft):
    in the placed cell with the most units, counting the units and sources of all its cells once."""
    best: dict[tuple[str, str], Candidate] = {}
    total: dict[tuple[str, str], Evidence] = {}
    for c in candidates:
        if not c.domain:
            continue
        key = (c.concept, c.origin)
        if key not in best or c.evidence.units > best[key].evidence.units:
            best[key] = c
        total[key] = total[key].merged(c.evidence) if key in total else c.evidence
    merged = [replace(c, evidence=total[key]) for key, c in best.items()]
    order = {key: i for i, key in enumerate(best)}
    merged.sort(key=lambda c: (c.origin != "trend", -c.evidence.units, order[(c.concept, c.origin)]))
    return merged


@dataclass(frozen=True)
class SupportingUnit:
    unit_id: int
    source_title: str
    source_path: str
    source_date: str
    text: str
    codes: tuple[str, ...]
    page: int | None = None
    language: str | None = None  # ISO 639-1, detected at ingest


def supporting_units(project: Project, unit_ids: Iterable[int]) -> list[SupportingUnit]:
    """The units behind some cards, with their sources and codes, in unit order."""
    from foresight.store.schema import Source

    wanted = sorted(set(unit_ids))
    if not wanted:
        return []
    codes = {u.unit_id: u.codes for u in coded_units(project) if u.unit_id in set(wanted)}
    found = []
    with project.session() as session:
        for start in range(0, len(wanted), 500):
            rows = session.execute(
                select(Unit.id, Unit.text, Source.title, Source.path, Source.date, Unit.page, Unit.language)
                .join(Source, Source.id == Unit.source_id)
                .where(Unit.id.in_(wanted[start : start + 500]))
                .order_by(Unit.id)
            ).all()
            for unit_id, text, title, path, date, page, language in rows:
                found.append(
                    SupportingUnit(
                        unit_id,
                        title,
                        path,
                        date.isoformat() if date else "",
                        text,
                        tuple(sorted(codes.get(unit_id, ()))),
                        page,
                        language,
                    )
                )
    return found


def candidates_frame(candidates: Sequence[Candidate]):  # type: ignore[no-untyped-def]
    """The cards as a pandas DataFrame, one row each (for notebooks)."""
    import pandas as pd

    return pd.DataFrame(
        [
            {
                "label": c.label,
                "domain": c.domain,
                "slot": c.slot,
                "kind": c.kind,
                "code": c.evidence.code_id,
                "units": c.evidence.units,
                "sources": c.evidence.sources,
                "origin": c.origin,
                "topic_code": c.own,
            }
            for c in candidates
        ],
        columns=["label", "domain", "slot", "kind", "code", "units", "sources", "origin", "topic_code"],
    )
