"""Candidate roadmap cards drawn from the analysis: what the codings say about each Visual Roadmap domain.

A :class:`Candidate` is one card: a short label, the domain and time slot it belongs to, and the
evidence behind it. Candidates come from codings (:func:`candidates_from_codings`): a code
co-coded with a domain code (VR.*) on units of the topic becomes a card in that domain, placed in
the slot its units' time-horizon codes (TH.*) point to.

They also come from the trend flags (``foresight trends``, :func:`candidates_from_trends`): each
code or code pair flagged as a strong or weak signal (novel pairs count as growing) whose units
touch the topic becomes a card with ``origin="trend"`` and its class as ``kind``, in the domain
most co-coded with its units and the slot their time-horizon codes point to. They reach the
roadmap and the scenario draft as ``extra`` of :func:`roadmap_candidates`.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from foresight.errors import ForesightError
from foresight.project import Project
from foresight.store.schema import Code, Coding, Unit
from foresight.workshops.definition import HORIZON_CODES, Topic, Workshop

DOMAINS: tuple[tuple[str, str], ...] = (
    ("VR.FRAMEWORK", "Framework conditions"),
    ("VR.TECHNOLOGY", "Technological developments"),
    ("VR.PRODUCTS", "Products and services"),
    ("VR.OUTCOMES", "Outcomes and impacts"),
)
DOMAIN_NAMES = dict(DOMAINS)
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

    @property
    def counts(self) -> str:
        units = "unit" if self.units == 1 else "units"
        sources = "source" if self.sources == 1 else "sources"
        return f"{self.units} {units} · {self.sources} {sources}"

    def short(self) -> str:
        return f"{self.code_id} · {self.counts}"

    def forms(self) -> tuple[str, ...]:
        """The evidence reference, longest first (``12u/5s``: 12 units, 5 sources; newline: 2 lines)."""
        return (
            self.short(),
            f"{self.code_id}\n{self.counts}",
            f"{self.code_id} · {self.units}u/{self.sources}s",
            f"{self.code_id}\n{self.units}u/{self.sources}s",
            self.code_id,
        )


@dataclass(frozen=True)
class Candidate:
    label: str
    domain: str  # a VR.* code id
    slot: str
    evidence: Evidence
    kind: str = ""  # trend | driver | weak signal | wild card | "" (from the FC.* co-codes)
    origin: str = "codings"  # codings | trend


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


def topic_units(units: Iterable[CodedUnit], topic: Topic | None) -> list[CodedUnit]:
    """The units that count for ``topic``: those with one of its codes (all, when it lists none)."""
    if topic is None or not topic.codes:
        return list(units)
    wanted = set(topic.codes)
    return [u for u in units if u.codes & wanted]


def slot_of(members: Iterable[CodedUnit], workshop: Workshop) -> str:
    """The slot the units' time-horizon codes point to: the commonest, the nearer on a tie."""
    order = {code: i for i, code in enumerate(HORIZON_CODES)}
    horizons = Counter(c for u in members for c in u.codes if c in order)
    horizon = min(horizons, key=lambda c: (-horizons[c], order[c])) if horizons else None
    return workshop.slot_of(horizon)


def domain_of(members: Iterable[CodedUnit]) -> str | None:
    """The roadmap domain (VR.*) most co-coded with the units, the earlier domain on a tie; None if none."""
    order = {code: i for i, (code, _) in enumerate(DOMAINS)}
    counts = Counter(c for u in members for c in u.codes if c in order)
    return min(counts, key=lambda c: (-counts[c], order[c])) if counts else None


def candidates_from_codings(
    units: Sequence[CodedUnit],
    names: dict[str, str],
    workshop: Workshop,
    *,
    min_units: int = 1,
    exclude: Iterable[str] = (),
) -> list[Candidate]:
    """One card per (domain, co-coded code) with at least ``min_units`` units, biggest first.

    Codes in ``exclude`` (a topic's own codes, which define the topic rather than say something
    about it) get no card.
    """
    skip = set(exclude)
    found: list[Candidate] = []
    for domain, _ in DOMAINS:
        by_code: dict[str, list[CodedUnit]] = defaultdict(list)
        for unit in units:
            if domain in unit.codes:
                for code in unit.codes:
                    if not code.startswith(STRUCTURAL) and code not in skip:
                        by_code[code].append(unit)
        for code, members in by_code.items():
            if len(members) < min_units:
                continue
            kinds = Counter(c for u in members for c in u.codes if c in KINDS)
            kind = KINDS[min(kinds, key=lambda c: (-kinds[c], c))] if kinds else ""
            found.append(
                Candidate(
                    label=names.get(code, code),
                    domain=domain,
                    slot=slot_of(members, workshop),
                    evidence=Evidence(
                        code_id=code,
                        units=len(members),
                        sources=len({u.source_id for u in members}),
                        unit_ids=tuple(u.unit_id for u in members),
                    ),
                    kind=kind,
                )
            )
    found.sort(key=lambda c: (-c.evidence.units, -c.evidence.sources, c.evidence.code_id))
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
    the topic (see :func:`topic_units`). The card goes to the domain (VR.*) most co-coded with those
    units and the slot their time-horizon codes point to; a flag whose units carry no domain code
    gets no card, nor do flags on the structural codes (VR.*, TH.*, FC.*) or, for a single code, on
    one of the topic's own codes. The evidence is the flag's: its units over the window and their
    distinct sources. Strong signals come first, then weak ones, each in the order of the report
    (biggest change first). ``report`` is a :func:`trend_report` result (computed when omitted).
    """
    from foresight.cooccurrence.trends import STRONG, WEAK

    report = report if report is not None else trend_report(project)
    by_unit = {u.unit_id: u for u in topic_units(coded_units(project), topic)}
    own = set(topic.codes) if topic is not None else set()
    found: list[Candidate] = []
    for item in [*report["pairs"], *report["codes"]]:
        if item["class"] not in (STRONG, WEAK):
            continue
        if "code" in item:
            codes, names = (item["code"],), (item["name"],)
            if item["code"] in own:
                continue
        else:
            codes, names = (item["code_a"], item["code_b"]), (item["name_a"], item["name_b"])
        if any(c.startswith(STRUCTURAL) for c in codes):
            continue
        unit_ids = tuple(item["evidence"]["units"])
        members = [by_unit[u] for u in unit_ids if u in by_unit]
        domain = domain_of(members)
        if domain is None:
            continue
        found.append(
            Candidate(
                label=" × ".join(names),
                domain=domain,
                slot=slot_of(members, workshop),
                evidence=Evidence(
                    code_id=" × ".join(codes),
                    units=len(unit_ids),
                    sources=len(item["evidence"]["sources"]),
                    unit_ids=unit_ids,
                ),
                kind=item["class"],
                origin="trend",
            )
        )
    found.sort(key=lambda c: c.kind != STRONG)  # stable: the report's order within each class
    return found


def roadmap_candidates(
    project: Project,
    workshop: Workshop,
    topic: Topic | None,
    *,
    min_units: int = 1,
    extra: Sequence[Candidate] = (),
) -> list[Candidate]:
    """The cards for a topic's roadmap: ``extra`` (the trend cards, :func:`candidates_from_trends`)
    first, then the cards from the codings."""
    names = code_names(project)
    check_topic_codes(names, workshop, topic)
    exclude = topic.codes if topic is not None else ()
    units = topic_units(coded_units(project), topic)
    found = candidates_from_codings(units, names, workshop, min_units=min_units, exclude=exclude)
    return [*extra, *found]


@dataclass(frozen=True)
class SupportingUnit:
    unit_id: int
    source_title: str
    source_path: str
    source_date: str
    text: str
    codes: tuple[str, ...]


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
                select(Unit.id, Unit.text, Source.title, Source.path, Source.date)
                .join(Source, Source.id == Unit.source_id)
                .where(Unit.id.in_(wanted[start : start + 500]))
                .order_by(Unit.id)
            ).all()
            for unit_id, text, title, path, date in rows:
                found.append(
                    SupportingUnit(
                        unit_id,
                        title,
                        path,
                        date.isoformat() if date else "",
                        text,
                        tuple(sorted(codes.get(unit_id, ()))),
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
            }
            for c in candidates
        ],
        columns=["label", "domain", "slot", "kind", "code", "units", "sources", "origin"],
    )
