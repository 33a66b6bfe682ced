"""The demo: the whole pipeline on the bundled sample corpus, from ingest to the workshop documents.

:func:`run_demo` builds a project in a new folder and runs each step through the library's own
functions: ingest, keyword-rule suggestions accepted as the codings of a demo coder, a second demo
coder on a double-coded batch, the agreement report, co-occurrence, trend flags, the code network,
prefilled Visual Roadmaps for the expert workshop's topics and a scenario draft. Every coding it
makes is machine-made: the coders' names say so, and so do the posters, the draft and the figures.
"""

from __future__ import annotations

import json
import os
import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from foresight import suggest
from foresight.agreement import AgreementReport, BatchDraw, agreement_report, assign_batch
from foresight.codebook import code_tree, import_codebook
from foresight.coding import apply_code, list_codings, mark_done
from foresight.config import CONFIG_NAME, DATABASE_ENV, DATABASE_NAME, render_config
from foresight.cooccurrence import Cooccurrence, cooccurrence
from foresight.cooccurrence.figures import draw_network, write_heatmap
from foresight.cooccurrence.network import Network, network, write_graph
from foresight.cooccurrence.output import write_csv
from foresight.corpus import list_sources, list_units
from foresight.errors import ForesightError
from foresight.ingest import IngestReport, ingest
from foresight.project import Project
from foresight.resources import DEFAULT_CODEBOOK, SAMPLE_CORPUS, WORKSHOPS
from foresight.store.engine import without_password
from foresight.workshops import Workshop, cib, load_workshop, roadmap, scenario
from foresight.workshops.candidates import (
    Candidate,
    TrendsUnavailable,
    candidates_from_trends,
    roadmap_candidates,
    trend_report,
)

RULES_CODER = "demo-rules"  # accepts every keyword-rule suggestion
SECOND_CODER = "demo-rules-b"  # the same rules, read differently, on the double-coded batch
ACTOR = "demo"
SEED = 7
BATCH_SIZE = 40
KEEP_ONE_KEYWORD = 0.6  # the second coder keeps a code found by one keyword with this probability
SWAP_ONE_KEYWORD = 0.2  # ... and takes a neighbouring code instead with this one
PAPER = "A3"
PAIRS_MIN_COUNT = 3  # the co-occurrence table printed and the heatmap: pairs in this many units or more
EXPERT_WORKSHOP = WORKSHOPS / "foresight-expert-workshop.yaml"
SCENARIO_WORKSHOP = WORKSHOPS / "scenario-workshop.yaml"
SCENARIO_CIB = WORKSHOPS / "cib" / "scenario-workshop.yaml"
MACHINE_NOTE = (
    f"Demo: every coding was made by keyword rules (coders {RULES_CODER} and {SECOND_CODER}), not by people"
)
SECOND_CODER_RULE = (
    f"{SECOND_CODER} reads the same keyword matches differently: a code found by two or more keywords "
    f"is kept; one found by a single keyword is kept with probability {KEEP_ONE_KEYWORD:g}, swapped for "
    f"a neighbouring code of the codebook with probability {SWAP_ONE_KEYWORD:g}, else left out "
    f"(seed {SEED})"
)
STEPS = (
    "project and codebook",
    "ingest",
    "rule suggestions",
    f"codings of {RULES_CODER}",
    "double-coded batch",
    "agreement",
    "co-occurrence",
    "trends",
    "code network",
    "roadmap",
    "scenario draft",
)

StepProgress = Callable[[int, int, str], None]  # (steps done, steps in all, the step starting)


@dataclass(frozen=True)
class Output:
    """One file the demo wrote: what it is, where it is."""

    name: str
    path: Path
    what: str


@dataclass
class DemoResult:
    """Where the demo project and its outputs are, and the key figures of each step."""

    root: Path
    codebook: str
    codes: int
    ingest: IngestReport
    sources: int
    units: int
    units_by_period: dict[str, int]
    suggestions: list[dict[str, Any]]
    codings: dict[str, int]  # coder -> codings
    batch: BatchDraw
    second_coder_rule: str
    agreement: AgreementReport
    cooccurrence: Cooccurrence
    trends: dict[str, Any] | None  # None when the codings fall in fewer than two periods
    emergence: dict[str, Any] | None  # trends by year with emergence scores; None: too few years
    network: Network
    roadmap_cards: dict[str, int]  # origin (codings | trend) -> cards on the topics' pages
    roadmap_topics: list[str]
    scenario_topic: str
    scenario_topic_id: str
    scenario_evidence: int  # candidate drivers, trends and signals the draft draws on
    scenario_trends: int  # of which trend flags
    scenario_cib: int  # consistent scenarios of the cross-impact balance analysis
    note: str = MACHINE_NOTE
    outputs: list[Output] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)  # step -> seconds it took

    def output(self, name: str) -> Path:
        """The path of the output called ``name``: agreement, cooccurrence, heatmap-png,
        heatmap-svg, trends, network-gexf, network-png, network-svg, roadmap or scenario."""
        return next(o.path for o in self.outputs if o.name == name)

    def relative(self, name: str) -> Path:
        """The path of the output called ``name`` from the project's folder."""
        return self.output(name).relative_to(self.root)


def check_folder(folder: Path) -> None:
    """Refuse a folder that already holds a project, or anything else: the demo builds a new one."""
    if folder.exists() and not folder.is_dir():
        raise ForesightError(f"{folder}: is a file; the demo builds its project in a new or empty folder")
    if (folder / CONFIG_NAME).exists() or (folder / DATABASE_NAME).exists():
        raise ForesightError(
            f"{folder}: already holds a foresight project; the demo builds a new one: "
            "name a new or empty folder"
        )
    if folder.is_dir() and any(folder.iterdir()):
        raise ForesightError(f"{folder}: is not empty; the demo builds its project in a new or empty folder")


def neighbours(tree: list[dict[str, Any]]) -> dict[str, list[str]]:
    """Per code, the codes a coder could take for it: its parent, children and siblings in the
    codebook's tree; in a flat group (no code in it has a parent), the other codes of the group.
    A code standing alone in a tree has none."""
    parent = {c["id"]: c["parent"] for c in tree}
    nested = {c["group"] for c in tree if c["parent"] is not None}
    near: dict[str, list[str]] = {}
    for code in tree:
        cid, group = code["id"], code["group"]
        near[cid] = [
            c["id"]
            for c in tree
            if c["id"] != cid
            and (
                c["id"] == parent[cid]
                or c["parent"] == cid
                or (parent[cid] is not None and c["parent"] == parent[cid])
                or (group not in nested and c["group"] == group)
            )
        ]
    return near


def second_reading(
    suggestions: list[dict[str, Any]], units: list[int], near: dict[str, list[str]], *, seed: int = SEED
) -> dict[int, list[str]]:
    """The second demo coder's codes on ``units``, from the keyword-rule suggestions (see
    :data:`SECOND_CODER_RULE`): a rule score of 0.75 or more (two keywords) is kept; a score of
    0.5 (one keyword) is kept, swapped for a neighbouring code, or left out, at random."""
    rng = random.Random(seed)
    by_unit: dict[int, list[dict[str, Any]]] = {u: [] for u in units}
    for s in suggestions:
        if s["unit_id"] in by_unit:
            by_unit[s["unit_id"]].append(s)
    codes: dict[int, list[str]] = {}
    for unit in units:
        chosen: list[str] = []
        for s in sorted(by_unit[unit], key=lambda s: s["code_id"]):
            draw_ = rng.random()
            code = s["code_id"]
            if s["score"] < 0.75 and draw_ >= KEEP_ONE_KEYWORD:
                if draw_ >= KEEP_ONE_KEYWORD + SWAP_ONE_KEYWORD or not near.get(code):
                    continue
                code = rng.choice(near[code])
            if code not in chosen:
                chosen.append(code)
        codes[unit] = chosen
    return codes


def yearly_emergence(project: Project) -> dict[str, Any] | None:
    """``foresight trends --by year --emergence``: Porter et al.'s score needs five periods or
    more, and the project's two periods are too few; None when the sources' years are too."""
    from foresight.cooccurrence.emergence import EmergenceSettings
    from foresight.cooccurrence.trends import TrendSettings, trends

    try:
        return trends(project, settings=TrendSettings(emergence=EmergenceSettings()), by="year")
    except ForesightError:
        return None


def _cards(project: Project, workshop: Workshop, trends: dict[str, Any] | None) -> dict[str, list[Candidate]]:
    """Per topic id, the candidate cards ``roadmap print --prefill`` places: trend flags, then codings."""
    return {
        t.id: roadmap_candidates(
            project,
            workshop,
            t,
            extra=candidates_from_trends(project, workshop, t, report=trends) if trends else (),
        )
        for t in workshop.topics
    }


def run_demo(folder: str | Path, *, progress: StepProgress | None = None) -> DemoResult:
    """Build a project in ``folder`` (new or empty) from the sample corpus and run the whole pipeline.

    The store is ``folder/foresight.db``, or the empty database ``FORESIGHT_DATABASE_URL`` names
    (one that holds sources already is refused), recorded in ``folder/foresight.toml`` without
    its password, as ``init`` records it. The outputs go into ``folder/outputs``.
    ``progress(done, total, step)`` is called as each step of :data:`STEPS` starts, and once more
    at the end.
    """
    root = Path(folder).resolve()
    check_folder(root)
    for needed in (SAMPLE_CORPUS, DEFAULT_CODEBOOK, EXPERT_WORKSHOP, SCENARIO_WORKSHOP):
        if not needed.exists():
            raise ForesightError(f"{needed}: missing from this install; the demo needs it")
    seconds: dict[str, float] = {}
    clock = [time.perf_counter()]

    def step(number: int) -> None:
        now = time.perf_counter()
        if number:
            seconds[STEPS[number - 1]] = round(now - clock[0], 3)
        clock[0] = now
        if progress:
            progress(number, len(STEPS), STEPS[number] if number < len(STEPS) else "done")

    step(0)
    project = Project.init(root)
    try:
        if list_sources(project, all_versions=True):  # FORESIGHT_DATABASE_URL names a store in use
            (root / CONFIG_NAME).unlink()
            raise ForesightError(
                f"{project.database_url.split('@')[-1]}: the database already holds sources; "
                "the demo builds a new project: point FORESIGHT_DATABASE_URL at an empty database or unset it"
            )
        url = os.environ.get(DATABASE_ENV)
        if url:  # the demo project then opens on that database without the variable
            recorded, _ = without_password(url)
            (root / CONFIG_NAME).write_text(render_config(project.config.name, recorded), encoding="utf-8")
        return _pipeline(project, step, seconds)
    finally:
        project.close()


def _pipeline(project: Project, step: Callable[[int], None], seconds: dict[str, float]) -> DemoResult:
    outputs_dir = project.root / "outputs"
    outputs_dir.mkdir()
    outputs: list[Output] = []

    def output(name: str, filename: str, what: str) -> Path:
        path = outputs_dir / filename
        outputs.append(Output(name, path, what))
        return path

    book = import_codebook(project, DEFAULT_CODEBOOK, actor=ACTOR)

    step(1)
    report = ingest(project, [SAMPLE_CORPUS])
    units = list_units(project)
    by_period = Counter(u["period"] or "no period" for u in units)

    step(2)
    found = suggest.run(project, threshold=0.5).suggestions

    step(3)  # the rules coder accepts every suggestion and marks the units with none as done
    for s in found:
        apply_code(project, s["unit_id"], s["code_id"], coder=RULES_CODER)
    suggested = {s["unit_id"] for s in found}
    for unit in units:
        if unit["id"] not in suggested:
            mark_done(project, unit["id"], coder=RULES_CODER)

    step(4)
    batch = assign_batch(
        project,
        coders=[RULES_CODER, SECOND_CODER],
        n=BATCH_SIZE,
        stratify="source_type",
        seed=SEED,
        name="demo batch",
        actor=ACTOR,
    )
    second = second_reading(found, batch.units, neighbours(code_tree(project)))
    for unit, codes in second.items():
        for code in codes:
            apply_code(project, unit, code, coder=SECOND_CODER, origin="accepted-suggestion")
        if not codes:
            mark_done(project, unit, coder=SECOND_CODER)

    step(5)
    agreement = agreement_report(project, coders=[RULES_CODER, SECOND_CODER])
    agreement.write_csv(output("agreement", "agreement.csv", "agreement per code (alpha, kappa)"))

    step(6)
    cooc = cooccurrence(project)
    write_csv(cooc, output("cooccurrence", "cooccurrence.csv", "code pairs with n_ab, c, lift, p"))
    for suffix in ("png", "svg"):
        write_heatmap(
            cooc,
            output(
                f"heatmap-{suffix}",
                f"cooccurrence.{suffix}",
                f"heatmap of the c-coefficient ({suffix.upper()})",
            ),
            min_count=PAIRS_MIN_COUNT,
            note=MACHINE_NOTE,
        )

    step(7)
    try:
        trends: dict[str, Any] | None = trend_report(project)
    except TrendsUnavailable:
        trends = None
    emergence = yearly_emergence(project)
    trends_file = output("trends", "trends.json", "trend flags with their evidence (JSON)")
    trends_file.write_text(  # as 'foresight trends --json' prints it
        json.dumps(trends, ensure_ascii=False, indent=2, default=str) + "\n", encoding="utf-8"
    )

    step(8)
    graph = network(project, seed=1)
    write_graph(graph.graph, output("network-gexf", "network.gexf", "code network for Gephi"))
    for suffix in ("png", "svg"):
        draw_network(
            graph,
            output(
                f"network-{suffix}",
                f"network.{suffix}",
                f"code network drawn, by community ({suffix.upper()})",
            ),
            seed=1,
            note=MACHINE_NOTE,
        )

    step(9)  # a page per topic of the expert workshop, and an overview of all topics
    expert = load_workshop(EXPERT_WORKSHOP)
    per_topic = _cards(project, expert, trends)
    pages = [
        roadmap.topic_layout(expert, t, size=PAPER, candidates=per_topic[t.id], note=MACHINE_NOTE)
        for t in expert.topics
    ]
    pages.append(roadmap.overview_layout(expert, per_topic, size=PAPER, note=MACHINE_NOTE))
    roadmap.print_roadmap(
        pages,
        output("roadmap", "roadmap.pdf", f"Visual Roadmaps, {PAPER}: a page per topic and an overview"),
    )
    origins = Counter("trend" if c.origin == "trend" else "codings" for cs in per_topic.values() for c in cs)

    step(10)  # the scenario workshop's topic with the most evidence
    workshop = load_workshop(SCENARIO_WORKSHOP)
    scenario_cards = _cards(project, workshop, trends)
    chosen = max(workshop.topics, key=lambda t: len(scenario_cards[t.id]))  # the first of equals
    matrix = cib.load_cib(SCENARIO_CIB) if SCENARIO_CIB.exists() else None
    trend_cards = [c for c in scenario_cards[chosen.id] if c.origin == "trend"]
    data = scenario.scenario_input(
        project, workshop, chosen.id, cib=matrix, extra=trend_cards, note=MACHINE_NOTE
    )
    consistent = data.cib
    scenario.draft_scenarios(data, output("scenario", f"scenarios-{chosen.id}.docx", "scenario draft (Word)"))

    codings = Counter(c["coder"] for c in list_codings(project))
    step(11)
    return DemoResult(
        root=project.root,
        codebook=book.name,
        codes=book.codes,
        ingest=report,
        sources=len(list_sources(project)),
        units=len(units),
        units_by_period=dict(sorted(by_period.items())),
        suggestions=found,
        codings=dict(codings),
        batch=batch,
        second_coder_rule=SECOND_CODER_RULE,
        agreement=agreement,
        cooccurrence=cooc,
        trends=trends,
        emergence=emergence,
        network=graph,
        roadmap_cards=dict(origins),
        roadmap_topics=[t.name for t in expert.topics],
        scenario_topic=chosen.name,
        scenario_topic_id=chosen.id,
        scenario_evidence=len(data.candidates),
        scenario_trends=len(trend_cards),
        scenario_cib=len(consistent.scenarios) if consistent else 0,
        outputs=outputs,
        seconds=seconds,
    )
