"""``foresight export`` and ``foresight import``: projects and tables in and out."""

from __future__ import annotations

import typer

from foresight.cli_tables import add_table_commands

export_app = typer.Typer(
    help="Write the project for other tools: a REFI-QDA project, or tables.", no_args_is_help=True
)
add_table_commands(export_app)  # export csv, export xlsx
import_app = typer.Typer(help="Read another tool's project into this one.", no_args_is_help=True)
