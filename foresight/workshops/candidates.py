"""Candidate roadmap cards drawn from the analysis: what the codings say about each Visual Roadmap domain.

A :class:`Candidate` is one card: a short label, the domain and time slot it belongs to, and the
evidence behind it. Today candidates come from codings (:func:`candidates_from_codings`): a code
co-coded with a domain code (VR.*) on units of the topic becomes a card in that domain, placed in
the slot its units' time-horizon codes (TH.*) point to.

The seam for trend flags (``foresight trends``): build more :class:`Candidate` objects with
``origin="trend"`` from the flags and pass them as ``extra`` to :func:`roadmap_candidates`; the
roadmap and the scenario draft take any list of candidates.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import select

from foresight.errors import ForesightError
from foresight.project import Project
from foresight.store import Code, Coding, Unit
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
    order = {code: i for i, code in enumerate(HORIZON_CODES)}
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
            horizons = Counter(c for u in members for c in u.codes if c in order)
            horizon = min(horizons, key=lambda c: (-horizons[c], order[c])) if horizons else None
            kinds = Counter(c for u in members for c in u.codes if c in KINDS)
            kind = KINDS[min(kinds, key=lambda c: (-kinds[c], c))] if kinds else ""
            found.append(
                Candidate(
                    label=names.get(code, code),
                    domain=domain,
                    slot=workshop.slot_of(horizon),
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


def roadmap_candidates(
    project: Project,
    workshop: Workshop,
    topic: Topic | None,
    *,
    min_units: int = 1,
    extra: Sequence[Candidate] = (),
) -> list[Candidate]:
    """The cards for a topic's roadmap: from the codings, plus ``extra`` (trend flags, later)."""
    names = code_names(project)
    exclude = topic.codes if topic is not None else ()
    unknown = [code for code in exclude if code not in names]
    if topic is not None and unknown:
        raise ForesightError(
            f"{workshop.path}: topic {topic.id!r} names codes the project's codebook lacks: "
            + ", ".join(unknown)
        )
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
    from foresight.store import Source

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
