"""``foresight export csv`` and ``foresight export xlsx``: the project as tables."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from foresight.cli_common import open_project, out, progress_bar
from foresight.interop.sheets import Written
from foresight.interop.tables import TABLES, export_csv, export_xlsx

AllVersionsOption = Annotated[
    bool, typer.Option("--all-versions", help="Include older versions of sources, with their units.")
]


def _report(written: list[Written], where: str) -> None:
    for entry in written:
        more = ""
        if entry.sheets is not None and len(entry.sheets) > 1:
            more += f" (over sheets {', '.join(entry.sheets)})"
        if entry.cut:
            more += f"; {entry.cut} texts cut to Excel's 32,767 characters (the CSV export keeps them whole)"
        out.print(f"{entry.table:<12} {entry.rows:>9,} rows{more}", markup=False, highlight=False)
    out.print(f"Wrote {len(written)} tables to {where}", markup=False, highlight=False, soft_wrap=True)


def _export(write, target: Path, all_versions: bool) -> list[Written]:  # type: ignore[no-untyped-def]
    project = open_project()
    with progress_bar() as progress:
        tasks = {name: progress.add_task(name, total=None) for name in TABLES}

        def show(table: str, done: int, total: int) -> None:
            progress.update(tasks[table], completed=done, total=total)

        return write(project, target, all_versions=all_versions, progress=show)  # type: ignore[no-any-return]


def export_csv_command(
    folder: Annotated[Path, typer.Argument(help="Folder for the CSV files (made if missing).")],
    all_versions: AllVersionsOption = False,
) -> None:
    """Write sources, units, codes, codings, suggestions and memos as one CSV file each."""
    written = _export(export_csv, folder, all_versions)
    _report(written, str(folder))


def export_xlsx_command(
    file: Annotated[Path, typer.Argument(help="The workbook to write (FILE.xlsx).")],
    all_versions: AllVersionsOption = False,
) -> None:
    """Write sources, units, codes, codings, suggestions and memos as sheets of one workbook."""
    written = _export(export_xlsx, file, all_versions)
    _report(written, str(file))


def add_table_commands(export_app: typer.Typer) -> None:
    """``export csv`` and ``export xlsx`` on the ``export`` group."""
    export_app.command("csv")(export_csv_command)
    export_app.command("xlsx")(export_xlsx_command)
