"""``foresight export csv`` and ``foresight export xlsx``: the project as tables."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import pandas as pd
import typer

from foresight.cli.common import open_project, out, progress_bar, wrote
from foresight.interop.sheets import Written, check_file, write_csv_tables, write_xlsx_tables
from foresight.interop.tables import TABLES, export_csv, export_xlsx

CsvOption = Annotated[
    Path | None,
    typer.Option("--csv", help="Write the table to this CSV file (a second table beside it: FILE-NAME.csv)."),
]
XlsxOption = Annotated[
    Path | None, typer.Option("--xlsx", help="Write the table to this XLSX workbook (a sheet per table).")
]

AllVersionsOption = Annotated[
    bool, typer.Option("--all-versions", help="Include older versions of sources, with their units.")
]


def check_table_files(csv: Path | None, xlsx: Path | None) -> None:
    """Fail before the work when --csv or --xlsx cannot be written."""
    if csv is not None:
        check_file(csv, ".csv", strict=False)
    if xlsx is not None:
        check_file(xlsx, ".xlsx")


def write_table_files(tables: dict[str, pd.DataFrame], csv: Path | None, xlsx: Path | None) -> list[str]:
    """Write an analysis's tables to --csv and --xlsx; returns what was written, to print."""
    lines = []
    if csv is not None:
        lines += [f"{w.rows} {w.table} to {w.path}" for w in write_csv_tables(tables, csv)]
    if xlsx is not None:
        written = write_xlsx_tables(tables, xlsx)
        lines.append(", ".join(f"{w.rows} {w.table}" for w in written) + f" to {xlsx}")
    return lines


def _report(written: list[Written], where: str) -> None:
    for entry in written:
        more = ""
        if entry.sheets is not None and len(entry.sheets) > 1:
            more += f" (over sheets {', '.join(entry.sheets)})"
        if entry.cut:
            more += f"; {entry.cut} texts cut to Excel's 32,767 characters (the CSV export keeps them whole)"
        out.print(
            f"{entry.table:<12} {entry.rows:>9,} rows{more}", markup=False, highlight=False, soft_wrap=True
        )
    wrote(f"{len(written)} tables to {where}")


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
