"""``foresight export`` and ``foresight import``: projects and tables in and out."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from foresight.cli.common import (
    CoderOption,
    JsonOption,
    actor,
    open_project,
    out,
    print_json,
    progress_bar,
    wrote,
)
from foresight.cli.tables import add_table_commands

export_app = typer.Typer(
    help="Write the project for other tools: a REFI-QDA project, or tables.", no_args_is_help=True
)
add_table_commands(export_app)  # export csv, export xlsx
import_app = typer.Typer(help="Read another tool's project into this one.", no_args_is_help=True)


@export_app.command("qdpx")
def export_qdpx_command(
    file: Annotated[Path, typer.Argument(help="The .qdpx file to write.")],
) -> None:
    """Write a REFI-QDA project (ATLAS.ti, MAXQDA, NVivo, QualCoder): codebook, sources, codings, memos."""
    from foresight.interop.qdpx_export import export_qdpx

    project = open_project()
    with progress_bar() as progress:
        task = progress.add_task("sources", total=None)
        report = export_qdpx(
            project, file, progress=lambda done, total: progress.update(task, completed=done, total=total)
        )
    wrote(
        f"{file}: {report.sources} sources, {report.codes} codes, {report.coders} coders, "
        f"{report.codings} codings on {report.selections} selections, {report.memos} memos"
    )
    if report.codings_left_out:
        out.print(
            f"{report.codings_left_out} codings left out (on retired codes, older codebooks or older "
            "versions of sources)",
            highlight=False,
            soft_wrap=True,
        )


@import_app.command("qdpx")
def import_qdpx_command(
    file: Annotated[Path, typer.Argument(help="The .qdpx file to read.")],
    coder: CoderOption = None,
    as_json: JsonOption = False,
) -> None:
    """Add a REFI-QDA project's codebook, coders, sources, codings and memos to this project."""
    from foresight.interop.qdpx_import import import_qdpx

    project = open_project()
    with progress_bar() as progress:
        task = progress.add_task("sources", total=None)
        report = import_qdpx(
            project,
            file,
            actor=actor(project, coder),
            progress=lambda done, total: progress.update(task, completed=done, total=total),
        )
    if as_json:
        print_json(report.as_dict())
        return
    origin = f" (from {report.origin})" if report.origin else ""
    lines = [
        f"Imported {file}{origin}",
        f"codes: {report.codes_added} added, {report.codes_known} already here",
        f"sources: {report.sources_added} added ({report.units_added} units), "
        f"{report.sources_known} already here"
        + (f", {len(report.sources_skipped)} skipped" if report.sources_skipped else ""),
        f"coders: {', '.join(report.coders) or 'none named'}",
        f"selections: {report.selections}; {report.placed_in_one_unit} in one unit, "
        f"{report.placed_across_units} across several units, {sum(report.not_placed.values())} not placed",
        f"codings: {report.codings_added} added, {report.codings_known} already here or repeated, "
        f"{report.spans_added} exact spans added; "
        f"memos: {report.memos_added} added",
    ]
    lines += [f"  not placed: {count} {why}" for why, count in report.not_placed.most_common()]
    lines += [f"  codings skipped: {count} {why}" for why, count in report.codings_skipped.most_common()]
    lines += [f"  skipped {line}" for line in report.sources_skipped]
    lines += [f"  {name}: positions count {how}" for name, how in report.conventions.items()]
    for line in lines:
        out.print(line, markup=False, highlight=False, soft_wrap=True)


@import_app.command("codings")
def import_codings_command(
    file: Annotated[
        Path, typer.Argument(help="A .csv or .xlsx file: columns unit, code, coder[, origin, memo].")
    ],
    coder: CoderOption = None,
    as_json: JsonOption = False,
) -> None:
    """Apply codings from a sheet in one transaction: each row applied, skipped or refused, by line."""
    from foresight.interop.codings_import import import_codings

    project = open_project()
    report = import_codings(project, file, actor=actor(project, coder))
    if as_json:
        print_json(report.as_dict())
        return
    out.print(
        f"{file}: {report.rows} rows; {report.applied} codings applied, {len(report.skipped)} skipped, "
        f"{len(report.refused)} refused; {report.memos} memos",
        markup=False,
        highlight=False,
        soft_wrap=True,
    )
    for kind, problems in (("refused", report.refused), ("skipped", report.skipped)):
        for problem in problems[:20]:
            out.print(f"  line {problem.line}: {kind}: {problem.reason}", markup=False, highlight=False)
        if len(problems) > 20:
            out.print(f"  ... and {len(problems) - 20} more {kind} (--json lists them all)", highlight=False)
