"""``foresight roadmap|scenario|workshop ...``: Visual Roadmaps, scenario drafts, CIB, workshop kits."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from foresight.cli.common import JsonOption, err, open_project, out, print_json, state, wrote
from foresight.errors import ForesightError, ProjectError
from foresight.project import Project
from foresight.workshops import cib, kit, roadmap, scenario
from foresight.workshops.candidates import (
    DOMAIN_NAMES,
    Candidate,
    TrendsUnavailable,
    candidates_frame,
    candidates_from_trends,
    check_topic_codes,
    code_names,
    default_domains,
    roadmap_candidates,
    trend_report,
)
from foresight.workshops.definition import Topic, Workshop, load_workshop
from foresight.workshops.layout import PAPER_MM

WorkshopArg = Annotated[Path, typer.Argument(help="A workshop file (YAML).", show_default=False)]
TopicOption = Annotated[
    str | None, typer.Option("--topic", help="Topic id or name (default: the workshop's first topic).")
]
NoTrendsOption = Annotated[
    bool, typer.Option("--no-trends", help="Leave out the cards from the trend flags (foresight trends).")
]
SizeOption = Annotated[str, typer.Option("--size", help=f"Paper size, landscape: {', '.join(PAPER_MM)}.")]
NoteOption = Annotated[
    str,
    typer.Option("--note", help="A line saying where the codings come from (e.g. 'coded by keyword rules')."),
]

roadmap_app = typer.Typer(
    help="Visual Roadmap posters: blank, prefilled from the analysis, or as built.", no_args_is_help=True
)
scenario_app = typer.Typer(
    help="Scenario drafts in Word and cross-impact balance analysis.", no_args_is_help=True
)
workshop_app = typer.Typer(help="Workshop files and workshop kits.", no_args_is_help=True)


def _project_name(workshop_name: str) -> str:
    """The project's name for document headers; the workshop's name outside a project."""
    try:
        project = Project.open(state["project"])
    except ProjectError:
        return workshop_name
    try:
        return project.config.name
    finally:
        project.close()


def _trend_cards(
    project: Project, workshop: Workshop, topics: list[Topic], no_trends: bool
) -> dict[str, list[Candidate]] | None:
    """The trend cards per topic id; None (after a one-line notice on stderr) when there are no trends."""
    if no_trends:
        return None
    names = code_names(project)
    for topic in topics:
        check_topic_codes(names, workshop, topic)  # before the trends, so a typo is the first word
    default_domains(project, workshop)  # the same for the roadmap's domains
    try:
        report = trend_report(project)
    except TrendsUnavailable as exc:
        err.print(str(exc), soft_wrap=True, highlight=False, markup=False)
        return None
    return {t.id: candidates_from_trends(project, workshop, t, report=report) for t in topics}


@roadmap_app.command("print")
def roadmap_print(
    workshop_file: WorkshopArg,
    output: Annotated[Path, typer.Option("--out", help="FILE.pdf or FILE.png (FILE.docx with --captured).")],
    topic: TopicOption = None,
    all_topics: Annotated[
        bool, typer.Option("--all-topics", help="A page per topic and, with --prefill, an overview page.")
    ] = False,
    size: SizeOption = "A3",
    prefill: Annotated[
        bool, typer.Option("--prefill", help="Place candidate cards from the codings and the trend flags.")
    ] = False,
    min_units: Annotated[int, typer.Option(help="With --prefill: fewest units a card needs.")] = 1,
    no_trends: NoTrendsOption = False,
    note: NoteOption = "",
    captured: Annotated[
        list[Path] | None,
        typer.Option(
            "--captured",
            help="Draw a captured roadmap (YAML/CSV from 'roadmap capture'); repeat for several groups "
            "and an overview page.",
        ),
    ] = None,
) -> None:
    """Print Visual Roadmap matrices: time slots across, the four domains down."""
    workshop = load_workshop(workshop_file)
    if size not in PAPER_MM:
        raise ForesightError(f"unknown paper size {size!r} (use {', '.join(PAPER_MM)})")
    if captured:
        if prefill or all_topics:
            raise ForesightError(
                "--captured draws what a group built; it takes neither --prefill nor --all-topics"
            )
        built = [roadmap.read_captured(file, workshop, topic) for file in captured]
        if output.suffix.lower() == ".docx":
            name = _project_name(workshop.name)
            wrote(roadmap.captured_docx(workshop, built, output, project_name=name))
            return
        pages = [roadmap.captured_layout(workshop, b, size=size) for b in built]
        if len(built) > 1:
            pages.append(roadmap.captured_overview_layout(workshop, built, size=size))
        wrote(*roadmap.print_roadmap(pages, output))
        return
    topics = list(workshop.topics) if all_topics else [workshop.topic(topic)]
    per_topic = {}
    trend_cards: dict[str, list[Candidate]] | None = None
    if prefill:
        project = open_project()
        try:
            trend_cards = _trend_cards(project, workshop, topics, no_trends)
            per_topic = {
                t.id: roadmap_candidates(
                    project, workshop, t, min_units=min_units, extra=(trend_cards or {}).get(t.id, [])
                )
                for t in topics
            }
        finally:
            project.close()
    pages = [
        roadmap.topic_layout(workshop, t, size=size, candidates=per_topic.get(t.id, []), note=note)
        for t in topics
    ]
    if all_topics and prefill:
        pages.append(roadmap.overview_layout(workshop, per_topic, size=size, note=note))
    wrote(*roadmap.print_roadmap(pages, output))
    if prefill:
        trend = sum(1 for cards in per_topic.values() for c in cards if c.origin == "trend")
        coded = sum(len(c) for c in per_topic.values()) - trend
        if trend_cards is None:
            out.print(f"{coded} candidate cards from the codings", soft_wrap=True)
        else:
            message = f"{coded} candidate cards from the codings, {trend} from the trend flags"
            out.print(message, soft_wrap=True)


@roadmap_app.command("candidates")
def roadmap_candidates_command(
    workshop_file: WorkshopArg,
    topic: TopicOption = None,
    min_units: Annotated[int, typer.Option(help="Fewest units a card needs.")] = 1,
    no_trends: NoTrendsOption = False,
    as_json: JsonOption = False,
) -> None:
    """List the candidate cards '--prefill' would place: trend flags first, then biggest evidence first."""
    workshop = load_workshop(workshop_file)
    chosen = workshop.topic(topic)
    project = open_project()
    try:
        extra = (_trend_cards(project, workshop, [chosen], no_trends) or {}).get(chosen.id, [])
        found = roadmap_candidates(project, workshop, chosen, min_units=min_units, extra=extra)
    finally:
        project.close()
    if as_json:
        print_json(candidates_frame(found).to_dict(orient="records"))
        return
    table = Table(title=f"Candidate cards: {chosen.name}")
    for column in ("Card", "Domain", "Slot", "Kind", "Code", "Units", "Sources"):
        table.add_column(column, justify="right" if column in ("Units", "Sources") else "left")
    for c in found:
        e = c.evidence
        table.add_row(
            c.label, DOMAIN_NAMES[c.domain], c.slot, c.kind, e.code_id, str(e.units), str(e.sources)
        )
    out.print(table)


@roadmap_app.command("capture")
def roadmap_capture(
    workshop_file: WorkshopArg,
    items: Annotated[
        Path, typer.Argument(help="The items typed up: YAML, or CSV with id,domain,slot,text,links.")
    ],
    output: Annotated[Path, typer.Option("--out", help="Where to record the roadmap (YAML).")],
    topic: TopicOption = None,
) -> None:
    """Record what a group built: check its items against the workshop and write them as YAML."""
    workshop = load_workshop(workshop_file)
    built = roadmap.read_captured(items, workshop, topic)
    path = roadmap.write_captured(built, output)
    links = sum(len(i.links) for i in built.items)
    out.print(
        f"Captured {len(built.items)} items and {links} links on {built.topic!r} into {path}", soft_wrap=True
    )


def _axes(value: str | None) -> list[int] | None:
    if value is None:
        return None
    try:
        return [int(x) for x in value.split(",")]
    except ValueError:
        raise ForesightError(f"--axes takes two numbers like 1,2, not {value!r}") from None


@scenario_app.command("draft")
def scenario_draft(
    workshop_file: WorkshopArg,
    output: Annotated[Path, typer.Option("--out", help="FILE.docx")],
    topic: TopicOption = None,
    axes: Annotated[
        str | None,
        typer.Option("--axes", help="The two uncertainties of the 2x2, by position (default 1,2)."),
    ] = None,
    cib_file: Annotated[
        Path | None,
        typer.Option("--cib", help="Cross-impact judgements (YAML or ScenarioWizard .scw) to add."),
    ] = None,
    template: Annotated[
        Path | None, typer.Option("--template", help="A Word document whose styles the draft takes.")
    ] = None,
    no_trends: NoTrendsOption = False,
    note: NoteOption = "",
) -> None:
    """Write a scenario draft in Word from the analysis (codings and trend flags) and the workshop file."""
    workshop = load_workshop(workshop_file)
    chosen = workshop.topic(topic)
    spanning = _axes(axes)
    scenario.choose_axes(workshop, spanning)  # checked before the store is read
    matrix = cib.load_cib(cib_file) if cib_file else None
    project = open_project()
    try:
        extra = (_trend_cards(project, workshop, [chosen], no_trends) or {}).get(chosen.id, [])
        data = scenario.scenario_input(
            project, workshop, chosen.id, axes=spanning, cib=matrix, extra=extra, note=note
        )
    finally:
        project.close()
    wrote(scenario.draft_scenarios(data, output, template=template))


@scenario_app.command("cib")
def scenario_cib(
    matrix_file: Annotated[
        Path,
        typer.Argument(
            help="Cross-impact judgements (YAML, or a ScenarioWizard .scw file).", show_default=False
        ),
    ],
    starts: Annotated[
        int, typer.Option(help="Succession starts when there are too many scenarios to enumerate.")
    ] = 2000,
    seed: Annotated[int, typer.Option(help="Seed of the succession starts.")] = 0,
    max_inconsistency: Annotated[
        float,
        typer.Option(
            "--max-inconsistency",
            help="Also list scenarios whose inconsistency is at most this (enumeration only).",
        ),
    ] = 0,
    as_json: JsonOption = False,
) -> None:
    """List the consistent scenarios of a cross-impact balance matrix, strongest first."""
    matrix = cib.load_cib(matrix_file)
    result = cib.consistent_scenarios(matrix, starts=starts, seed=seed, max_inconsistency=max_inconsistency)
    if as_json:
        print_json(
            {
                "method": result.method,
                "examined": result.examined,
                "scenarios_total": result.total,
                "complete": result.complete,
                "max_inconsistency": result.max_inconsistency,
                "self_impacts_left_out": list(matrix.self_impacts),
                "scenarios": [
                    {"variants": s.names, "total_impact": s.total_impact, "inconsistency": s.inconsistency}
                    for s in result.scenarios
                ],
            }
        )
        return
    if matrix.self_impacts:
        out.print(
            f"{matrix_file}: impacts of {', '.join(matrix.self_impacts)} on itself left out "
            "(a descriptor has no impact on itself)",
            markup=False,
            soft_wrap=True,
        )
    kind = (
        "consistent scenarios"
        if not result.max_inconsistency
        else (f"scenarios of inconsistency up to {result.max_inconsistency:g}")
    )
    if result.complete:
        out.print(
            f"{len(result.scenarios)} {kind} (enumeration of all {result.total:,} scenarios)", markup=False
        )
    else:
        out.print(
            f"{len(result.scenarios)} {kind} (succession from {result.examined:,} starts; "
            f"{result.total:,} scenarios, too many to enumerate)",
            markup=False,
            soft_wrap=True,
        )
        out.print(
            "The list may be incomplete: a consistent scenario no start leads to is missed "
            "(more --starts find more).",
            markup=False,
            soft_wrap=True,
        )
    for i, s in enumerate(result.scenarios, start=1):
        variants = "; ".join(f"{d}={v}" for d, v in s.names.items())
        out.print(
            f"{i}. {variants} (total impact {s.total_impact:g}, inconsistency {s.inconsistency:g})",
            soft_wrap=True,
            highlight=False,
            markup=False,
        )


@workshop_app.command("validate")
def workshop_validate(
    files: Annotated[list[Path], typer.Argument(help="Workshop files to check.", show_default=False)],
) -> None:
    """Check workshop files; the first problem is reported with its line."""
    for file in files:
        w = load_workshop(file)
        out.print(
            f"{file}: {w.name}, {w.date.isoformat()}, {len(w.participants)} participants, "
            f"{len(w.topics)} topics, groups of {w.groups.sizes(len(w.participants))}",
            soft_wrap=True,
            highlight=False,
        )


@workshop_app.command("kit")
def workshop_kit(
    workshop_file: WorkshopArg,
    output: Annotated[Path, typer.Option("--out", help="Folder for the kit.")],
    seed: Annotated[int, typer.Option(help="Seed of the group assignment (same seed, same groups).")] = 0,
    size: SizeOption = "A1",
) -> None:
    """Write the agenda, the groups, a worksheet per group and blank roadmap posters."""
    workshop = load_workshop(workshop_file)
    if size not in PAPER_MM:
        raise ForesightError(f"unknown paper size {size!r} (use {', '.join(PAPER_MM)})")
    written = kit.write_kit(workshop, output, project_name=_project_name(workshop.name), seed=seed, size=size)
    groups = kit.assign_groups(workshop, seed=seed)
    for g in groups:
        mix = ", ".join(f"{n} {s}" for s, n in sorted(g.mix.items()))
        out.print(f"Group {g.number} ({g.topic.name}): {len(g.members)} people: {mix}", soft_wrap=True)
    wrote(f"{len(written)} files into {output}")
