"""Scenario drafts in Word: framing, drivers and trends, uncertainties, a 2x2 of scenario stubs, an annex.

:func:`draft_scenarios` writes the document from a :class:`ScenarioInput`; :func:`scenario_input`
builds that input from a project (its codings) and a workshop file. The stubs carry the questions
the scenario workshop works through for each scenario.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from foresight.errors import ForesightError
from foresight.project import Project
from foresight.workshops.candidates import (
    DOMAIN_NAMES,
    Candidate,
    SupportingUnit,
    by_concept,
    roadmap_candidates,
    supporting_units,
)
from foresight.workshops.cib import CIBResult
from foresight.workshops.definition import Topic, Uncertainty, Workshop
from foresight.workshops.word import WordDocument

PLACEHOLDER = "[to be written]"
STUB_SECTIONS = (
    "Narrative",
    "Signposts and weak signals",
    "Wild cards",
    "Opportunities",
    "Challenges",
    "How well positioned is Europe",
    "Policy actions",
    "Implications for cluster managers",
)
SECTIONS = (
    "Framing",
    "Key drivers and trends",
    "Key uncertainties",
    "Scenario logic",
    "Consistent scenarios (cross-impact balance)",
    "Annex: supporting units",
)
EXCERPT = 300  # characters of a unit's text in the annex
MAX_TRENDS = 25
MAX_SIGNALS = 8
MAX_UNIT_IDS = 12  # unit ids named in a trend flag's evidence (the annex has the units)


@dataclass(frozen=True)
class ScenarioStub:
    name: str
    poles: tuple[str, str]


@dataclass
class ScenarioInput:
    project_name: str
    workshop: Workshop
    topic: Topic
    candidates: list[Candidate]
    axes: tuple[Uncertainty, Uncertainty]
    units: list[SupportingUnit] = field(default_factory=list)
    cib: CIBResult | None = None
    note: str = ""  # said first under the framing, e.g. where the codings come from

    @property
    def stubs(self) -> list[ScenarioStub]:
        """The four corners of the 2x2, named after their poles."""
        a, b = self.axes
        return [
            ScenarioStub(f"Scenario {i}: {pa} / {pb}", (pa, pb))
            for i, (pa, pb) in enumerate(
                (
                    (a.poles[0], b.poles[0]),
                    (a.poles[0], b.poles[1]),
                    (a.poles[1], b.poles[0]),
                    (a.poles[1], b.poles[1]),
                ),
                start=1,
            )
        ]


def choose_axes(workshop: Workshop, axes: Sequence[int] | None = None) -> tuple[Uncertainty, Uncertainty]:
    """The two uncertainties spanning the 2x2 (1-based positions in the workshop file; default 1 and 2)."""
    picks = list(axes or (1, 2))
    found = workshop.uncertainties
    if len(found) < 2:
        raise ForesightError(
            f"{workshop.path}: a scenario draft needs two 'uncertainties' in the workshop file"
        )
    if len(picks) != 2 or picks[0] == picks[1] or not all(1 <= p <= len(found) for p in picks):
        raise ForesightError(
            f"{workshop.path}: choose two different uncertainties between 1 and {len(found)}, not {picks}"
        )
    return found[picks[0] - 1], found[picks[1] - 1]


def scenario_input(
    project: Project,
    workshop: Workshop,
    topic: str | None = None,
    *,
    axes: Sequence[int] | None = None,
    cib: CIBResult | None = None,
    extra: Sequence[Candidate] = (),
    note: str = "",
) -> ScenarioInput:
    """Everything the draft needs, from the project's codings (plus ``extra`` cards: the trend flags,
    :func:`~foresight.workshops.candidates.candidates_from_trends`). ``note`` is printed first under
    the framing, e.g. where the codings come from."""
    chosen = workshop.topic(topic)
    spanning = choose_axes(workshop, axes)  # checked before the store is read
    # one row per concept, and not the topic's own codes, which define the topic
    cards = roadmap_candidates(project, workshop, chosen, extra=extra)
    candidates = [c for c in by_concept(cards) if not c.own]
    shown = _drivers(candidates) + _signals(candidates, "weak signal") + _signals(candidates, "wild card")
    units = supporting_units(project, (u for c in shown for u in c.evidence.unit_ids))
    return ScenarioInput(project.config.name, workshop, chosen, candidates, spanning, units, cib, note)


def _drivers(candidates: Sequence[Candidate]) -> list[Candidate]:
    """The trend flags first, then the codes flagged as trends or drivers (all codes when none is)."""
    trends = [c for c in candidates if c.origin == "trend"]
    coded = [c for c in candidates if c.origin != "trend"]
    flagged = [c for c in coded if c.kind in ("trend", "driver")]
    return (trends + (flagged or coded))[:MAX_TRENDS]


def _signals(candidates: Sequence[Candidate], kind: str) -> list[Candidate]:
    return [c for c in candidates if c.kind == kind][:MAX_SIGNALS]


def _evidence(c: Candidate) -> str:
    e = c.evidence
    if c.origin == "trend":
        units = ", ".join(map(str, e.unit_ids[:MAX_UNIT_IDS]))
        more = f" and {len(e.unit_ids) - MAX_UNIT_IDS} more" if len(e.unit_ids) > MAX_UNIT_IDS else ""
        return f"{e.code_id}: {e.counts} (trend flag; units {units}{more})"
    return f"{e.code_id}: {e.counts}"


def draft_scenarios(data: ScenarioInput, out: str | Path, *, template: str | Path | None = None) -> Path:
    """Write the scenario draft to ``out`` (.docx); sections in the order of :data:`SECTIONS`.

    ``template`` is a Word document whose styles and page set-up the draft takes (its text is not kept).
    """
    w = data.workshop
    doc = WordDocument(data.project_name, template=template)
    doc.title(f"Scenarios: {data.topic.name}", f"Draft for the {w.name}, {w.date.isoformat()}, {w.venue}")
    doc.toc()

    doc.heading(SECTIONS[0])
    if data.note:
        doc.paragraph(data.note, italic=True)
    doc.paragraph(f"Framing question: {w.framing_question or PLACEHOLDER}")
    doc.paragraph(f"Horizon: {w.horizon or w.slots[-1]}")
    if data.topic.description:
        doc.paragraph(data.topic.description)
    if data.topic.codes:
        doc.paragraph("The analysis counts units coded with " + ", ".join(data.topic.codes) + ".")

    doc.heading(SECTIONS[1])
    drivers = _drivers(data.candidates)
    if drivers:
        if any(c.origin == "trend" for c in drivers):
            doc.paragraph(
                "Drawn from the trend flags (codes and code pairs growing between the periods: strong "
                "and weak signals, evidence in distinct sources) and from the codings: codes co-coded "
                "with a Visual Roadmap domain on the topic's units."
            )
        else:
            doc.paragraph(
                "Drawn from the codings: codes co-coded with a Visual Roadmap domain on the topic's units."
            )
        doc.table(
            "Key drivers and trends with their evidence",
            ["Driver or trend", "Type", "Domain", "Time slot", "Evidence"],
            [[c.label, c.kind or "-", DOMAIN_NAMES[c.domain], c.slot, _evidence(c)] for c in drivers],
            widths=[3, 1.5, 2.5, 1.8, 4],
        )
    else:
        doc.paragraph("No coded units support a driver or trend for this topic yet.", italic=True)

    doc.heading(SECTIONS[2])
    doc.table(
        "Key uncertainties",
        ["Uncertainty", "One pole", "Other pole", "Axis of the 2x2"],
        [[u.name, u.poles[0], u.poles[1], "yes" if u in data.axes else "no"] for u in w.uncertainties],
    )

    doc.heading(SECTIONS[3])
    a, b = data.axes
    doc.paragraph(f"Two uncertainties span the scenarios: {a.name} (rows) and {b.name} (columns).")
    stubs = data.stubs
    doc.table(
        "Scenario logic",
        [f"{a.name} \\ {b.name}", b.poles[0], b.poles[1]],
        [[a.poles[0], stubs[0].name, stubs[1].name], [a.poles[1], stubs[2].name, stubs[3].name]],
    )
    signals = _signals(data.candidates, "weak signal")
    wild = _signals(data.candidates, "wild card")
    for stub in stubs:
        doc.heading(stub.name, 2)
        for section in STUB_SECTIONS:
            doc.heading(section, 3)
            if section == "Signposts and weak signals" and signals:
                doc.paragraph(
                    "Candidates from the analysis; keep those that would show this scenario unfolding:"
                )
                doc.bullets([f"{c.label} ({_evidence(c)})" for c in signals])
            elif section == "Wild cards" and wild:
                doc.bullets([f"{c.label} ({_evidence(c)})" for c in wild])
            else:
                doc.paragraph(PLACEHOLDER, italic=True)

    doc.heading(SECTIONS[4])
    if data.cib is None:
        doc.paragraph(
            "No cross-impact judgements were given (foresight scenario draft --cib FILE adds them).",
            italic=True,
        )
    elif not data.cib.scenarios:
        doc.paragraph(f"The judgements allow no consistent scenario ({data.cib.method}).")
    else:
        ids = list(data.cib.scenarios[0].names)
        doc.paragraph(
            f"{len(data.cib.scenarios)} consistent scenarios ({data.cib.method} of {data.cib.examined}), "
            "strongest first."
        )
        doc.table(
            "Consistent scenarios from the cross-impact balance analysis",
            ["#", *ids, "Total impact"],
            [
                [i, *s.names.values(), f"{s.total_impact:g}"]
                for i, s in enumerate(data.cib.scenarios, start=1)
            ],
        )

    doc.heading(SECTIONS[5])
    if data.units:
        doc.table(
            "Supporting units and their sources",
            ["Unit", "Source", "Date", "Codes", "Text"],
            [
                [
                    u.unit_id,
                    u.source_title,
                    u.source_date,
                    ", ".join(u.codes),
                    u.text if len(u.text) <= EXCERPT else u.text[: EXCERPT - 1] + "…",
                ]
                for u in data.units
            ],
            widths=[1.4, 2.5, 2, 3.5, 8],
        )
    else:
        doc.paragraph("No supporting units.", italic=True)
    return doc.save(out)
