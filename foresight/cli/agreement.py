"""``foresight agreement ...``: assign double-coding batches, report reliability, adjudicate."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from foresight import agreement
from foresight.cli.common import CoderOption, JsonOption, actor, open_project, out, print_json, wrote
from foresight.cli.tables import CsvOption, XlsxOption, check_table_files, write_table_files
from foresight.config import AgreementSettings
from foresight.errors import ForesightError

agreement_app = typer.Typer(
    help="Inter-coder agreement: double-coding batches, reliability statistics, adjudication.",
    no_args_is_help=True,
)

CodersOption = Annotated[
    str | None,
    typer.Option("--coders", help="Coders to compare, comma-separated (default: the newest batch's)."),
]
VERDICT_STYLE = {"reliable": "green", "tentative": "yellow", "not reliable": "red", "undefined": "dim"}


def _coders(value: str | None) -> list[str] | None:
    return None if value is None else [c for c in value.split(",")]


def _fmt(value: float | None, percent: bool = False) -> str:
    if value is None:
        return "–"
    return f"{value:.0%}" if percent else f"{value:.3f}"


@agreement_app.command("assign")
def assign_command(
    coders: Annotated[str, typer.Option("--coders", help="Two or more coders, comma-separated: A,B[,C].")],
    n: Annotated[int, typer.Option("--n", help="How many units to draw.")] = 200,
    stratify: Annotated[
        str | None, typer.Option(help="Draw in proportion to: " + ", ".join(agreement.STRATA) + ".")
    ] = None,
    seed: Annotated[int | None, typer.Option(help="Seed of the draw (the same seed draws the same).")] = None,
    name: Annotated[str | None, typer.Option(help="A name for the batch.")] = None,
    coder: CoderOption = None,
    as_json: JsonOption = False,
) -> None:
    """Draw a sample of units into a double-coding batch; its coders code it blind in 'foresight tui'."""
    project = open_project()
    draw = agreement.assign_batch(
        project,
        coders=_coders(coders) or [],
        n=n,
        stratify=stratify,
        seed=seed,
        name=name,
        actor=actor(project, coder),
    )
    if as_json:
        print_json(vars(draw))
        return
    strata = ", ".join(f"{k} {v}" for k, v in draw.strata.items())
    by = f"; by {draw.stratify}: {strata}" if draw.stratify else ""
    out.print(
        f"Batch {draw.id} ({draw.name}): {len(draw.units)} units for {', '.join(draw.coders)} "
        f"(seed {draw.seed}{by})",
        markup=False,
        soft_wrap=True,
    )


@agreement_app.command("batches")
def batches_command(as_json: JsonOption = False) -> None:
    """List the double-coding batches (--json gives each batch's unit ids too)."""
    rows = agreement.list_batches(open_project())
    if as_json:
        print_json(rows)
        return
    table = Table("id", "name", "coders", "units", "seed", "stratify", box=None)
    for r in rows:
        table.add_row(
            str(r["id"]),
            escape(str(r["name"])),
            ", ".join(r["coders"]),  # type: ignore[arg-type]
            str(r["units"]),
            str(r.get("seed", "")),
            str(r.get("stratify") or ""),
        )
    out.print(table)


@agreement_app.command("report")
def report_command(
    coders: CodersOption = None,
    codes: Annotated[
        str | None, typer.Option("--codes", help="Only the codes of this group (e.g. MT).")
    ] = None,
    group: Annotated[
        str | None,
        typer.Option(
            "--group",
            help="An exclusive code group (e.g. TH): its codes as one variable, with alpha, kappas and "
            "the confusion table; implies --codes GROUP.",
        ),
    ] = None,
    reliable: Annotated[
        float | None,
        typer.Option(help="Alpha from which a code is reliable (default 0.8, or \\[agreement] reliable)."),
    ] = None,
    tentative: Annotated[
        float | None, typer.Option(help="Alpha from which conclusions are tentative (default 0.667).")
    ] = None,
    csv_file: Annotated[
        Path | None, typer.Option("--csv", help="Also write the per-code table here.")
    ] = None,
    xlsx: XlsxOption = None,
    as_json: JsonOption = False,
) -> None:
    """Reliability per code and overall over the units all the coders finished; the codes most confused."""
    check_table_files(csv_file, xlsx)
    project = open_project()
    base = project.config.agreement
    thresholds = AgreementSettings(
        reliable=base.reliable if reliable is None else reliable,
        tentative=base.tentative if tentative is None else tentative,
    )
    if not thresholds.tentative <= thresholds.reliable:
        raise ForesightError("--tentative must not be above --reliable")
    if group is not None and codes is not None and codes != group:
        raise ForesightError(f"--codes {codes} and --group {group} name different groups; give one")
    report = agreement.agreement_report(
        project, coders=_coders(coders), group=codes or group, exclusive=group, thresholds=thresholds
    )
    written = write_table_files({"codes": report.codes_frame()}, csv_file, xlsx)
    if as_json:
        print_json(report.as_json())
        return
    kappa = "Cohen κ" if len(report.coders) == 2 else "Fleiss κ"
    table = Table("code", "name", *report.coders, "agree", "alpha", kappa, "verdict", box=None)
    unused = [c.code for c in report.codes if not any(c.applied.values()) and c.alpha is None]
    for c in report.codes:
        if c.code in unused:
            continue
        k = c.cohen_kappa if len(report.coders) == 2 else c.fleiss_kappa
        table.add_row(
            c.code,
            escape(c.name[:32]),
            *[str(c.applied[coder]) for coder in report.coders],
            _fmt(c.agreement, percent=True),
            _fmt(c.alpha),
            _fmt(k),
            f"[{VERDICT_STYLE[c.verdict]}]{c.verdict}[/]",
        )
    out.print(table)
    if unused:
        shown = ", ".join(unused[:8]) + (", …" if len(unused) > 8 else "")
        out.print(
            f"{len(unused)} codes no coder applied (alpha undefined): {shown}", markup=False, soft_wrap=True
        )
    o = report.overall
    out.print(
        f"{report.units} units finished by {', '.join(report.coders)} "
        f"({report.alpha_units} by at least two, used for alpha)",
        markup=False,
    )
    overall = f"Overall alpha {_fmt(o.alpha)} ({o.verdict})" + (f": {o.note}" if o.note else "")
    out.print(f"{overall}; mean per-code alpha {_fmt(o.mean_alpha)}", markup=False)
    if o.worst:
        worst = ", ".join(f"{w['code']} {w['alpha']:.3f}" for w in o.worst)
        out.print(f"Worst codes: {worst}", markup=False, soft_wrap=True)
    if report.confusion:
        out.print(
            "Most confused: " + ", ".join(f"{c.code_a} ~ {c.code_b} ({c.count})" for c in report.confusion),
            markup=False,
            soft_wrap=True,
        )
    out.print(
        f"{report.disagreements} units with disagreements, {report.adjudicated} adjudicated "
        "(see 'foresight agreement disagreements')",
        markup=False,
    )
    if report.group is not None:
        _print_group(report.group)
    wrote(*written)


def _count(value: float) -> str:
    return f"{value:g}" if float(value).is_integer() else f"{value:.2f}"


def _print_group(g: agreement.GroupAgreement) -> None:
    """The exclusive group as one variable: its statistics, violations and confusion table."""
    out.print()
    out.print(
        f"Group {g.id} ({g.name}) as one variable: {', '.join(g.values)}; "
        f"{g.units} units with values from two or more coders (alpha), "
        f"{g.complete_units} with a value from every coder (kappas)",
        markup=False,
        soft_wrap=True,
    )
    kappa = f"Cohen κ {_fmt(g.cohen_kappa)}; " if len(g.coders) == 2 else ""
    out.print(
        f"Krippendorff's alpha (nominal) {_fmt(g.alpha)} ({g.verdict}); {kappa}"
        f"Fleiss κ {_fmt(g.fleiss_kappa)}; agreement {_fmt(g.agreement, percent=True)}"
        + (f": {g.note}" if g.note else ""),
        markup=False,
        soft_wrap=True,
    )
    if g.violations:
        shown = ", ".join(str(u) for u in g.violation_units[:10]) + (
            ", …" if len(g.violation_units) > 10 else ""
        )
        out.print(
            f"{g.violations} time{'s' if g.violations != 1 else ''} a coder applied two or more {g.id} codes "
            "to one unit; those values are "
            f"left out as missing (units {shown})",
            markup=False,
            soft_wrap=True,
        )
    c = g.confusion
    if c.rows is not None:
        out.print(f"Confusion table: units, rows {c.rows}, columns {c.columns}", markup=False)
    else:
        out.print(
            "Confusion table: Krippendorff's coincidences (the pairs of values two coders gave one unit, "
            "each weighted 1 / (coders on the unit - 1))",
            markup=False,
            soft_wrap=True,
        )
    # "(none)" is shown when some coder left a finished unit without any of the group's codes
    shown = [i for i, label in enumerate(c.values) if label != agreement.NONE or any(c.counts[i])]
    table = Table("", *(c.values[i] for i in shown), box=None)
    for i in shown:
        table.add_row(c.values[i], *(_count(c.counts[i][j]) for j in shown))
    out.print(table)


@agreement_app.command("disagreements")
def disagreements_command(
    coders: CodersOption = None,
    code: Annotated[str | None, typer.Option(help="Only disagreements on this code.")] = None,
    open_only: Annotated[bool, typer.Option("--open", help="Only units not adjudicated yet.")] = False,
    csv: CsvOption = None,
    xlsx: XlsxOption = None,
    as_json: JsonOption = False,
) -> None:
    """Units where the coders differ: the text and who applied what, and the agreed coding if any."""
    check_table_files(csv, xlsx)
    rows = agreement.list_disagreements(open_project(), coders=_coders(coders), code=code)
    if open_only:
        rows = [r for r in rows if r.adjudication is None]
    written = write_table_files({"disagreements": agreement.disagreements_frame(rows)}, csv, xlsx)
    if as_json:
        print_json([vars(r) | {"adjudication": r.adjudication and vars(r.adjudication)} for r in rows])
        return
    for r in rows:
        state = (
            f"adjudicated by {r.adjudication.by}: {', '.join(r.adjudication.codes) or 'no code'}"
            if r.adjudication
            else "open"
        )
        out.rule(f"unit {r.unit_id} · {escape(r.source_title[:60])} · {state}", align="left")
        out.print(r.text.strip(), markup=False, highlight=False)
        for coder, codes in r.codes.items():
            out.print(f"  {coder}: {', '.join(codes) or '(no code)'}", markup=False, highlight=False)
        out.print(f"  differ on: {', '.join(r.differing)}", markup=False, highlight=False)
    out.print(f"{len(rows)} units with disagreements", markup=False)
    wrote(*written)


@agreement_app.command("adjudicate")
def adjudicate_command(
    unit_id: Annotated[int, typer.Argument(help="The unit's id.")],
    codes: Annotated[list[str] | None, typer.Argument(help="The agreed codes: ids or exact names.")] = None,
    none: Annotated[bool, typer.Option("--none", help="The agreed coding is that no code applies.")] = False,
    note: Annotated[str, typer.Option(help="Why, for the team's records.")] = "",
    coder: CoderOption = None,
) -> None:
    """Record a unit's agreed coding (origin adjudicated); each coder's own coding is kept."""
    if not codes and not none:
        raise typer.BadParameter("name the agreed codes, or pass --none", param_hint="CODE")
    if codes and none:
        raise typer.BadParameter("--none takes no codes", param_hint="CODE")
    project = open_project()
    agreed = agreement.adjudicate(project, unit_id, codes or [], adjudicator=actor(project, coder), note=note)
    out.print(
        f"unit {unit_id}: agreed on {', '.join(agreed.codes) or 'no code'} (adjudicated by {agreed.by})",
        markup=False,
    )
