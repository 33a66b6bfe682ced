"""Scenario drafts in Word: framing, drivers and trends, uncertainties, a 2x2 of scenario stubs, the
cross-impact balance, the evidence quoted by driver and the sources.

:func:`draft_scenarios` writes the document from a :class:`ScenarioInput`; :func:`scenario_input`
builds that input from a project (its codings) and a workshop file. The stubs carry the questions
the scenario workshop works through for each scenario, their own signposts and, with a
cross-impact balance matrix, whether the judgements find them consistent
(:mod:`foresight.workshops.scenario_logic`). Evidence is quoted, never listed as ids: a short
quote with its source's title, date and page and the unit's id.
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
    Evidence,
    SupportingUnit,
    by_concept,
    code_names,
    coded_units,
    roadmap_candidates,
    supporting_units,
    topic_units,
)
from foresight.workshops.cib import CIBMatrix, CIBResult, consistent_scenarios
from foresight.workshops.definition import Topic, Uncertainty, Workshop
from foresight.workshops.evidence import Provenance, code_keywords, coding_provenance, pick_quotes, quote_of
from foresight.workshops.scenario_logic import (
    MAX_SIGNPOSTS,
    ScenarioStub,
    Signpost,
    StubCheck,
    check_stub,
    pole_codes,
    signposts,
    stubs_of,
)
from foresight.workshops.word import WordDocument

__all__ = ["ScenarioStub"]

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
    "Evidence by driver",
    "Annex: sources quoted",
)
MAX_TRENDS = 25
MAX_SIGNALS = 8
MAX_QUOTES = 2  # quotes per driver in "Evidence by driver"
CIB_COLUMNS = 6  # consistent scenarios side by side in one table


@dataclass
class ScenarioInput:
    project_name: str
    workshop: Workshop
    topic: Topic
    candidates: list[Candidate]
    axes: tuple[Uncertainty, Uncertainty]
    units: list[SupportingUnit] = field(default_factory=list)  # the units of the drivers shown
    cib: CIBResult | None = None
    note: str = ""  # said first under the framing, e.g. where the codings come from
    matrix: CIBMatrix | None = None  # the judgements behind ``cib``
    provenance: Provenance | None = None  # how the codings on the topic's units were made
    names: dict[str, str] = field(default_factory=dict)  # code id -> name
    keywords: dict[str, tuple[str, ...]] = field(default_factory=dict)  # code id -> name and keywords
    poles: dict[tuple[str, str], Evidence] = field(default_factory=dict)  # (uncertainty, pole) -> units

    @property
    def stubs(self) -> list[ScenarioStub]:
        """The four corners of the 2x2, named after their poles."""
        return stubs_of(self.axes)

    def checks(self) -> list[StubCheck | None]:
        """Each stub checked against the cross-impact balance (None without one, or when its
        descriptors are not the axes)."""
        if self.cib is None or self.matrix is None:
            return [None] * 4
        return [check_stub(self.matrix, self.cib, self.axes, s) for s in self.stubs]


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
    cib: CIBMatrix | None = None,
    extra: Sequence[Candidate] = (),
    note: str = "",
) -> ScenarioInput:
    """Everything the draft needs, from the project's codings (plus ``extra`` cards: the trend flags,
    :func:`~foresight.workshops.candidates.candidates_from_trends`) and the cross-impact judgements
    ``cib`` (their consistent scenarios are found here). ``note`` is printed first under the
    framing, e.g. where the codings come from."""
    chosen = workshop.topic(topic)
    spanning = choose_axes(workshop, axes)  # checked before the store is read
    # one row per concept, and not the topic's own codes, which define the topic
    cards = roadmap_candidates(project, workshop, chosen, extra=extra)
    names = code_names(project)
    unknown = sorted({c for u in workshop.uncertainties for codes in u.codes for c in codes} - set(names))
    if unknown:
        raise ForesightError(
            f"{workshop.path}: uncertainties name codes the project's codebook lacks: {', '.join(unknown)}"
        )
    candidates = [c for c in by_concept(cards) if not c.own]
    units = supporting_units(project, (u for c in _shown(candidates) for u in c.evidence.unit_ids))
    mine = topic_units(coded_units(project), chosen)
    poles = {}
    for u in workshop.uncertainties:
        for pole, codes in zip(u.poles, u.codes, strict=True):
            members = [m for m in mine if m.codes & set(codes)]
            poles[(u.name, pole)] = Evidence(
                pole, len(members), len({m.source_id for m in members}), tuple(m.unit_id for m in members)
            )
    return ScenarioInput(
        project.config.name,
        workshop,
        chosen,
        candidates,
        spanning,
        units,
        consistent_scenarios(cib) if cib is not None else None,
        note,
        matrix=cib,
        provenance=coding_provenance(project, (m.unit_id for m in mine)),
        names=names,
        keywords=code_keywords(project),
        poles=poles,
    )


def _drivers(candidates: Sequence[Candidate]) -> list[Candidate]:
    """The trend flags first, then the codes flagged as trends or drivers (all codes when none is)."""
    trends = [c for c in candidates if c.origin == "trend"]
    coded = [c for c in candidates if c.origin != "trend"]
    flagged = [c for c in coded if c.kind in ("trend", "driver")]
    return (trends + (flagged or coded))[:MAX_TRENDS]


def _signals(candidates: Sequence[Candidate], kind: str) -> list[Candidate]:
    return [c for c in candidates if c.kind == kind][:MAX_SIGNALS]


def _shown(candidates: Sequence[Candidate]) -> list[Candidate]:
    """The drivers, weak signals and wild cards the draft names, each once, in that order."""
    found = _drivers(candidates) + _signals(candidates, "weak signal") + _signals(candidates, "wild card")
    return list({(c.concept, c.origin): c for c in found}.values())


def _words(data: ScenarioInput, codes: Sequence[str]) -> list[str]:
    return [w for code in codes for w in data.keywords.get(code, (data.names.get(code, code),))]


def _codes(c: Candidate) -> list[str]:
    return c.concept.split(" × ")


def _counts(e: Evidence) -> str:
    return e.counts if e.units else "no units"


def draft_scenarios(data: ScenarioInput, out: str | Path, *, template: str | Path | None = None) -> Path:
    """Write the scenario draft to ``out`` (.docx); sections in the order of :data:`SECTIONS`.

    ``template`` is a Word document whose styles and page set-up the draft takes (its text is not kept).
    """
    w = data.workshop
    doc = WordDocument(data.project_name, template=template)
    doc.title(f"Scenarios: {data.topic.name}", f"Draft for the {w.name}, {w.date.isoformat()}, {w.venue}")
    if data.provenance is not None:
        doc.doc.core_properties.comments = data.provenance.short()
    doc.toc()
    units = {u.unit_id: u for u in data.units}
    drivers = _drivers(data.candidates)
    checks = data.checks()

    doc.heading(SECTIONS[0])
    if data.note:
        doc.paragraph(data.note, italic=True)
    if data.provenance is not None:
        doc.paragraph(data.provenance.sentence(), italic=True)
    doc.paragraph(f"Framing question: {w.framing_question or PLACEHOLDER}")
    doc.paragraph(f"Horizon: {w.horizon or w.slots[-1]}")
    if data.topic.description:
        doc.paragraph(data.topic.description)
    if data.topic.codes:
        named = [f"{data.names.get(c, c)} ({c})" for c in data.topic.codes]
        doc.paragraph("The analysis counts the units coded with " + ", ".join(named) + ".")

    doc.heading(SECTIONS[1])
    if drivers:
        source = (
            "the trend flags (codes and code pairs growing between the periods: strong and weak "
            "signals) and from the codings"
            if any(c.origin == "trend" for c in drivers)
            else "the codings"
        )
        doc.paragraph(
            f"Drawn from {source}: codes co-coded with the topic's codes, placed in a Visual Roadmap "
            "domain. Units and sources count the topic's units behind each; the section "
            f"'{SECTIONS[5]}' quotes them."
        )
        doc.table(
            "Key drivers and trends with their evidence",
            ["Driver or trend", "Type", "Domain", "Time slot", "Units", "Sources"],
            [
                [c.label, c.kind or "-", DOMAIN_NAMES[c.domain], c.slot, c.evidence.units, c.evidence.sources]
                for c in drivers
            ],
            widths=[5.4, 2.1, 3.2, 2.1, 1.6, 2.3],
        )
    else:
        doc.paragraph("No coded units support a driver or trend for this topic yet.", italic=True)

    _uncertainties(doc, data)
    _logic(doc, data, drivers, units, checks)
    _cib(doc, data, checks)
    quoted = _evidence_by_driver(doc, data, units)
    _sources(doc, quoted)
    return doc.save(out)


def _uncertainties(doc: WordDocument, data: ScenarioInput) -> None:
    doc.heading(SECTIONS[2])
    coded = any(codes for u in data.workshop.uncertainties for codes in u.codes)
    if coded:
        doc.paragraph(
            "Each pole's evidence is the topic's units coded with the codes the workshop file gives it:"
        )
        for u in data.workshop.uncertainties:
            for pole, codes in zip(u.poles, u.codes, strict=True):
                if codes:
                    doc.bullets([f"{u.name}, {pole}: " + ", ".join(data.names.get(c, c) for c in codes)])
    else:
        doc.paragraph(
            "The workshop file gives the poles no codes ('codes: {pole: [code ids]}' under an "
            "uncertainty), so their evidence is not counted.",
            italic=True,
        )

    def pole(u: Uncertainty, i: int) -> str:
        e = data.poles.get((u.name, u.poles[i]))
        return u.poles[i] if not u.codes[i] or e is None else f"{u.poles[i]} ({_counts(e)})"

    doc.table(
        "Key uncertainties with the evidence for each pole",
        ["Uncertainty", "One pole", "Other pole", "Axis of the 2x2"],
        [
            [u.name, pole(u, 0), pole(u, 1), "yes" if u in data.axes else "no"]
            for u in data.workshop.uncertainties
        ],
        widths=[4, 4.5, 4.5, 2],
    )


def _flag(check: StubCheck | None) -> str:
    if check is None:
        return ""
    if check.is_consistent:
        return "consistent"
    return "inconsistent" + (f", inconsistency {check.inconsistency:g}" if check.nearest else "")


def _logic(
    doc: WordDocument,
    data: ScenarioInput,
    drivers: Sequence[Candidate],
    units: dict[int, SupportingUnit],
    checks: Sequence[StubCheck | None],
) -> None:
    doc.heading(SECTIONS[3])
    a, b = data.axes
    doc.paragraph(f"Two uncertainties span the scenarios: {a.name} (rows) and {b.name} (columns).")
    stubs = data.stubs
    cell = [s.name + (f" ({_flag(c)})" if c is not None else "") for s, c in zip(stubs, checks, strict=True)]
    doc.table(
        "Scenario logic",
        [f"{a.name} \\ {b.name}", b.poles[0], b.poles[1]],
        [[a.poles[0], cell[0], cell[1]], [a.poles[1], cell[2], cell[3]]],
        widths=[1, 1.5, 1.5],
    )
    if any(c is not None and not c.is_consistent for c in checks):
        doc.paragraph(
            "Scenarios marked inconsistent contradict the cross-impact judgements: no consistent "
            f"scenario of the section '{SECTIONS[4]}' combines their poles. Rework or drop them "
            "before the workshop, or revisit the judgements."
        )
    signals = [c for c in _signals(data.candidates, "weak signal") if c not in drivers]
    wild = _signals(data.candidates, "wild card")
    for stub, check in zip(stubs, checks, strict=True):
        doc.heading(stub.name, 2)
        if check is not None:
            _check_paragraph(doc, data, stub, check)
        for section in STUB_SECTIONS:
            doc.heading(section, 3)
            if section == "Signposts and weak signals":
                _signposts(doc, data, stub, [*drivers, *signals], units)
            elif section == "Wild cards" and wild:
                doc.bullets([f"{c.label} ({c.evidence.counts})" for c in wild])
            else:
                doc.paragraph(PLACEHOLDER, italic=True)


def _check_paragraph(doc: WordDocument, data: ScenarioInput, stub: ScenarioStub, check: StubCheck) -> None:
    assert data.cib is not None and data.matrix is not None
    if check.is_consistent:
        which = [f"{i} (total impact {data.cib.scenarios[i - 1].total_impact:g})" for i in check.consistent]
        listed = ", ".join(which[:-1]) + " and " + which[-1] if len(which) > 1 else which[0]
        plural = "s" if len(which) > 1 else ""
        doc.paragraph(f"Cross-impact balance: consistent, as CIB scenario{plural} {listed}.")
        return
    p = doc.paragraph()
    p.add_run("Inconsistent with the cross-impact judgements: ").bold = True
    a, b = data.axes
    text = f"no consistent scenario combines {a.name} = {stub.poles[0]} with {b.name} = {stub.poles[1]}."
    if check.nearest is not None:
        named = {d.id: d.name for d in data.matrix.descriptors}
        nearest = "; ".join(f"{named[d]} = {v}" for d, v in check.nearest.items())
        text += (
            f" The least inconsistent way to complete it ({nearest}) has inconsistency "
            f"{check.inconsistency:g} (0 is consistent) and total impact {check.total_impact:g}."
        )
    p.add_run(text)


def _signposts(
    doc: WordDocument,
    data: ScenarioInput,
    stub: ScenarioStub,
    drivers: Sequence[Candidate],
    units: dict[int, SupportingUnit],
) -> None:
    if not any(data.axes[i].codes[data.axes[i].poles.index(p)] for i, p in enumerate(stub.poles)):
        doc.paragraph(
            "The workshop file gives these poles no codes, so no evidence is drawn for them "
            "(see the section 'Key uncertainties').",
            italic=True,
        )
        return
    found = signposts(stub, data.axes, drivers, units, limit=len(drivers))
    if not found:
        doc.paragraph("No driver's evidence carries the codes of these poles yet.", italic=True)
        return
    doc.paragraph("From the drivers' evidence that carries the codes of this scenario's poles:")
    # each unit quoted once per scenario: a driver whose units are all quoted joins that bullet
    chosen: list[tuple[list[Signpost], SupportingUnit]] = []
    for s in found:
        words = _pole_words(data, stub, s)
        quoted = {u.unit_id: i for i, (_, u) in enumerate(chosen)}
        fresh = [u for u in s.units if u.unit_id not in quoted]
        if fresh:
            chosen.append(([s], pick_quotes(fresh, words, 1)[0]))
        else:
            chosen[quoted[s.units[0].unit_id]][0].append(s)
    for group, unit in chosen[:MAX_SIGNPOSTS]:
        q = quote_of(unit, _pole_words(data, stub, group[0]))
        p = doc.paragraph(style="List Bullet")
        p.add_run("; ".join(s.candidate.label for s in group)).bold = True
        poles = [pole for pole in stub.poles if any(pole in s.poles for s in group)]
        p.add_run(f" (towards {' and '.join(poles)}): ")
        p.add_run(f"“{q.text}”").italic = True
        p.add_run(f" {q.citation}")


def _pole_words(data: ScenarioInput, stub: ScenarioStub, s: Signpost) -> list[str]:
    """The names and keywords of a signpost's driver and of the poles it points to."""
    codes = _codes(s.candidate)
    for axis, pole in zip(data.axes, stub.poles, strict=True):
        if pole in s.poles:
            codes += pole_codes(axis, pole)
    return _words(data, codes)


def _cib(doc: WordDocument, data: ScenarioInput, checks: Sequence[StubCheck | None]) -> None:
    doc.heading(SECTIONS[4])
    if data.cib is None or data.matrix is None:
        doc.paragraph(
            "No cross-impact judgements were given (foresight scenario draft --cib FILE adds them).",
            italic=True,
        )
        return
    descriptors = data.matrix.descriptors
    doc.table(
        "Descriptors of the cross-impact balance",
        ["Short", "Descriptor", "Variants"],
        [[d.id, d.name, ", ".join(d.variants)] for d in descriptors],
        widths=[1.2, 4, 6],
    )
    if not data.cib.scenarios:
        doc.paragraph(f"The judgements allow no consistent scenario ({data.cib.method}).")
        return
    in_2x2 = {i: f"Scenario {n}" for n, c in enumerate(checks, start=1) if c for i in c.consistent}
    doc.paragraph(
        f"{len(data.cib.scenarios)} consistent scenarios ({data.cib.method} of {data.cib.examined}), "
        "strongest first. Total impact is the sum of the chosen variants' impact balances; in a "
        "consistent scenario each chosen variant's balance is the largest of its descriptor's "
        "(inconsistency 0)."
    )
    found = list(enumerate(data.cib.scenarios, start=1))
    for start in range(0, len(found), CIB_COLUMNS):
        part = found[start : start + CIB_COLUMNS]
        doc.table(
            "Consistent scenarios from the cross-impact balance analysis"
            + (f" ({start + 1}-{start + len(part)})" if len(found) > CIB_COLUMNS else ""),
            ["Descriptor", *(f"CIB {i}" for i, _ in part)],
            [
                *([d.name, *(s.names[d.id] for _, s in part)] for d in descriptors),
                ["Total impact", *(f"{s.total_impact:g}" for _, s in part)],
                ["In the 2x2", *(in_2x2.get(i, "-") for i, _ in part)],
            ],
            widths=[2, *[1.3] * len(part)],
        )
    if all(c is None for c in checks):
        doc.paragraph(
            "No descriptor is named like the 2x2's uncertainties with their poles among its "
            "variants, so the 2x2's scenarios are not checked against the judgements.",
            italic=True,
        )


def _evidence_by_driver(
    doc: WordDocument, data: ScenarioInput, units: dict[int, SupportingUnit]
) -> list[SupportingUnit]:
    """Up to :data:`MAX_QUOTES` quotes for each driver, signal and wild card; the units quoted."""
    doc.heading(SECTIONS[5])
    shown = _shown(data.candidates)
    if not shown:
        doc.paragraph("No supporting units.", italic=True)
        return []
    doc.paragraph(
        f"Up to {MAX_QUOTES} short quotes for each driver, signal and wild card named above, from "
        "different sources where there are, the newest first; each with its source (title, date, "
        "page) and unit id."
    )
    quoted: dict[int, SupportingUnit] = {}
    for c in shown:
        p = doc.paragraph()
        p.paragraph_format.keep_with_next = True
        p.add_run(c.label).bold = True
        p.add_run(f" ({c.kind or 'code'}, {c.evidence.counts})")
        members = [units[u] for u in c.evidence.unit_ids if u in units]
        words = _words(data, _codes(c))
        picked = pick_quotes(members, words, MAX_QUOTES)
        for unit in picked:
            q = quote_of(unit, words)
            item = doc.paragraph(style="List Bullet")
            item.add_run(f"“{q.text}”").italic = True
            item.add_run(f" {q.citation}")
            quoted[unit.unit_id] = unit
        if len(members) > len(picked):
            rest = len(members) - len(picked)
            doc.paragraph(f"and {rest} more {'unit' if rest == 1 else 'units'}", style="List Bullet")
    return sorted(quoted.values(), key=lambda u: u.unit_id)


def _sources(doc: WordDocument, quoted: Sequence[SupportingUnit]) -> None:
    doc.heading(SECTIONS[6])
    if not quoted:
        doc.paragraph("No units quoted.", italic=True)
        return
    by_source: dict[tuple[str, str, str], list[int]] = {}
    for u in quoted:
        by_source.setdefault((u.source_title, u.source_date, u.source_path), []).append(u.unit_id)
    rows = sorted(by_source.items(), key=lambda kv: (kv[0][0].casefold(), kv[0][1]))
    doc.table(
        "Sources quoted, with the units quoted from each",
        ["Source", "Date", "File or address", "Units quoted"],
        [[t, d or "undated", _where(path), ", ".join(map(str, ids))] for (t, d, path), ids in rows],
        widths=[5.5, 2.6, 5, 2.2],
    )


def _where(path: str) -> str:
    """A web address whole, a file by its name (the project's folder is the reader's own)."""
    return path if "://" in path else Path(path).name or path
