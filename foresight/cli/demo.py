"""``foresight demo [DIR]``: run the whole pipeline on the sample corpus and say what each step made."""

from __future__ import annotations

import shlex
import tempfile
import time
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from foresight.cli.common import err, out
from foresight.demo import (
    EXPERT_WORKSHOP,
    PAIRS_MIN_COUNT,
    PAPER,
    RULES_CODER,
    SCENARIO_CIB,
    SCENARIO_WORKSHOP,
    SECOND_CODER,
    STEPS,
    DemoResult,
    run_demo,
)
from foresight.resources import SAMPLE_CORPUS

TOP = 5  # rows of each table in the account


def demo_command(
    directory: Annotated[
        Path | None,
        typer.Argument(help="A new or empty folder for the demo project (default: a new temporary folder)."),
    ] = None,
) -> None:
    """Run the whole pipeline on the sample corpus: ingest, codings, agreement, trends, roadmap, scenarios."""
    folder = directory or Path(tempfile.mkdtemp(prefix="foresight-demo-"))
    started = time.perf_counter()
    progress = Progress(
        TextColumn("{task.description:<24}"),
        BarColumn(),
        TextColumn("step {task.completed:.0f} of {task.total:.0f}"),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    )
    with progress:
        task = progress.add_task(STEPS[0], total=len(STEPS))

        def moved(done: int, total: int, step: str) -> None:
            progress.update(task, completed=done, total=total, description=step)

        result = run_demo(folder, progress=moved)
    show(result, time.perf_counter() - started)
    if result.ingest.failed:
        raise typer.Exit(1)


def _step(number: int, title: str) -> None:
    out.rule(f"{number}. {title}", align="left")


def _table(*columns: str, ids: int = 1) -> Table:
    """A plain table whose first ``ids`` columns (code ids) are never wrapped."""
    table = Table(*columns, box=None, pad_edge=False)
    for column in table.columns[:ids]:
        column.no_wrap = True
    return table


def show(r: DemoResult, seconds: float) -> None:
    """The account of a demo run: a few lines per step, then where every output is."""
    out.rule("foresight demo")
    out.print(f"Project {r.root}, codebook {r.codebook!r} ({r.codes} codes)", soft_wrap=True)
    out.print(f"{r.note}.", style="bold", markup=False, soft_wrap=True)
    out.print("Under each step, the command that does it by hand, in the project's folder:", soft_wrap=True)
    _command(f"foresight init {r.root} && cd {r.root}")

    _step(1, "Ingest")
    periods = ", ".join(f"{k}: {v}" for k, v in r.units_by_period.items())
    out.print(
        f"{r.sources} sources, {r.units} units ({periods}) from {SAMPLE_CORPUS}; "
        f"{r.ingest.count('failed')} files failed",
        soft_wrap=True,
    )
    for outcome in r.ingest.failed:
        out.print(f"{outcome.location}: {outcome.message}", style="red", markup=False, soft_wrap=True)
    _command(f"foresight ingest {SAMPLE_CORPUS}")

    _step(2, f"Rule suggestions, accepted by {RULES_CODER}")
    units = len({s["unit_id"] for s in r.suggestions})
    out.print(
        f"{len(r.suggestions)} suggestions on {units} units from the codebook's keywords (no training). "
        f"The machine coder {RULES_CODER} accepted all of them: {r.codings.get(RULES_CODER, 0)} codings "
        f"with origin accepted-suggestion; the {r.units - units} units with none it marked done.",
        soft_wrap=True,
    )
    _command("foresight suggest run   # then 'a' on each suggestion in 'foresight tui'")

    _step(3, "A double-coded batch and a second machine coder")
    b = r.batch
    strata = ", ".join(f"{k} {v}" for k, v in sorted(b.strata.items()))
    out.print(
        f"{b.name}: {len(b.units)} units for {', '.join(b.coders)} "
        f"(seed {b.seed}; by {b.stratify}: {strata})",
        soft_wrap=True,
    )
    out.print(
        f"{r.second_coder_rule}: {r.codings.get(SECOND_CODER, 0)} codings; every unit of the batch is "
        "finished by both.",
        soft_wrap=True,
    )
    _command(
        f"foresight agreement assign --coders {RULES_CODER},{SECOND_CODER} "
        f"--n {len(b.units)} --stratify {b.stratify} --seed {b.seed}"
    )

    _step(4, "Agreement")
    a, o = r.agreement, r.agreement.overall
    alpha = "undefined" if o.alpha is None else f"{o.alpha:.3f}"
    out.print(
        f"{a.units} units finished by both coders; overall Krippendorff's alpha {alpha} ({o.verdict}); "
        f"{a.disagreements} units with disagreements",
        soft_wrap=True,
    )
    table = _table("worst codes", RULES_CODER, SECOND_CODER, "agree", "alpha")
    worst = {w["code"] for w in o.worst}
    for c in a.codes:
        if c.code in worst:
            table.add_row(
                c.code,
                str(c.applied[RULES_CODER]),
                str(c.applied[SECOND_CODER]),
                "–" if c.agreement is None else f"{c.agreement:.0%}",
                "–" if c.alpha is None else f"{c.alpha:.3f}",
            )
    out.print(table)
    _command(f"foresight agreement report --csv {r.relative('agreement')}")

    _step(5, "Co-occurrence")
    c = r.cooccurrence
    pairs = c.pairs(min_count=PAIRS_MIN_COUNT)
    out.print(
        f"{c.units} coded units, {c.codings.label()}; "
        f"{len(pairs)} pairs in {PAIRS_MIN_COUNT} units or more, strongest c first",
        soft_wrap=True,
    )
    table = _table("code a", "code b", "n_a", "n_b", "n_ab", "c", ids=2)
    for p in pairs[:TOP]:
        table.add_row(p["code_a"], p["code_b"], str(p["n_a"]), str(p["n_b"]), str(p["n_ab"]), f"{p['c']:.3f}")
    out.print(table)
    _command(f"foresight cooccurrence --csv {r.relative('cooccurrence')}")
    _command(
        f"foresight cooccurrence --min-count {PAIRS_MIN_COUNT} --heatmap {r.relative('heatmap-png')}"
        "   # and --heatmap FILE.svg"
    )

    _step(6, "Trends")
    if r.trends is None:
        out.print("No trend flags: the codings fall in fewer than two periods.")
    else:
        _trends(r.trends)
    _command(f"foresight trends --json > {r.relative('trends')}")
    if r.emergence is not None:
        from foresight.cli.cooccurrence import show_emergence

        show_emergence(r.emergence, TOP)
        _command(f"foresight trends --by year --emergence --top {TOP}")

    _step(7, "Code network")
    n = r.network
    out.print(
        f"{n.graph.number_of_nodes()} codes, {n.graph.number_of_edges()} ties with "
        f"c >= {n.settings['threshold']:g}; {len(n.communities)} communities by {n.method}",
        soft_wrap=True,
    )
    for community in n.communities[:TOP]:
        codes = ", ".join(code["id"] for code in community["codes"])
        out.print(f"{community['id']}. {codes} ({community['units']} units)", markup=False, soft_wrap=True)
    if len(n.communities) > TOP:
        out.print(f"… and {len(n.communities) - TOP} more")
    _command(
        f"foresight network --gexf {r.relative('network-gexf')} --draw {r.relative('network-png')}"
        "   # and --draw FILE.svg"
    )

    _step(8, "Visual Roadmaps and a scenario draft")
    out.print(
        f"Prefilled roadmaps for {len(r.roadmap_topics)} topics ({', '.join(r.roadmap_topics)}) and an "
        f"overview: {r.roadmap_cards.get('codings', 0)} cards from the codings, "
        f"{r.roadmap_cards.get('trend', 0)} from the trend flags",
        soft_wrap=True,
    )
    out.print(
        f"Scenario draft for {r.scenario_topic!r} (the topic with the most evidence): "
        f"{r.scenario_evidence} candidate drivers and signals ({r.scenario_trends} trend flags), "
        f"{r.scenario_cib} consistent scenarios from the "
        "cross-impact balance; both documents say that the codings are machine-made",
        soft_wrap=True,
    )
    note = shlex.quote(r.note)
    _command(
        f"foresight roadmap print {EXPERT_WORKSHOP} --prefill --all-topics --size {PAPER} "
        f"--note {note} --out {r.relative('roadmap')}"
    )
    _command(
        f"foresight scenario draft {SCENARIO_WORKSHOP} --topic {r.scenario_topic_id} "
        f"--cib {SCENARIO_CIB} --note {note} --out {r.relative('scenario')}"
    )

    out.rule("Outputs")
    rows = [("project", r.root), *((item.what, item.path) for item in r.outputs)]
    width = max(len(what) for what, _ in rows)
    for what, path in rows:  # one line each, never wrapped, so that a path can be copied
        out.print(f"{what:<{width}}  {path}", markup=False, highlight=False, soft_wrap=True)
    out.print(
        f"Done in {seconds:.1f} s. Code by hand: foresight --project {r.root} tui --coder YOUR_NAME",
        soft_wrap=True,
    )


def _command(text: str) -> None:
    out.print(text, style="dim", markup=False, highlight=False, soft_wrap=True)


def _trends(report: dict[str, Any]) -> None:
    flagged = [i for i in report["pairs"] if i["class"] in ("strong signal", "weak signal")]
    codes = [i for i in report["codes"] if i["class"] in ("strong signal", "weak signal")]
    out.print(
        f"From {' to '.join(report['periods'])}: {len(flagged)} code pairs and {len(codes)} codes flagged "
        "as strong or weak signals (c and units in each period; src: distinct sources)",
        soft_wrap=True,
    )
    first, last = report["periods"][0], report["periods"][-1]
    table = _table("signal", "code a", "code b", "c", "src", ids=4)
    for item in flagged[:TOP]:
        table.add_row(
            item["class"].split()[0],
            item["code_a"],
            item["code_b"],
            f"{item['c'][first]:.3f} → {item['c'][last]:.3f}",
            str(len(item["evidence"]["sources"])),
        )
    out.print(table)
    table = _table("signal", "code", "units", "src", ids=3)
    for item in codes[:TOP]:
        table.add_row(
            item["class"].split()[0],
            item["code"],
            f"{item['n'][first]} → {item['n'][last]}",
            str(len(item["evidence"]["sources"])),
        )
    out.print(table)
