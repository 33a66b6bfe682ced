"""What every part of the command line shares: consoles, the project, JSON, who is acting."""

from __future__ import annotations

import getpass
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from foresight.config import PROJECT_ENV

if TYPE_CHECKING:
    from foresight.project import Project

out = Console()
err = Console(stderr=True)
state: dict[str, Any] = {"project": None, "debug": False}

ProjectOption = Annotated[
    Path | None,
    typer.Option("--project", "-P", help=f"Project folder (default: ${PROJECT_ENV} or the current folder)."),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
CoderOption = Annotated[
    str | None,
    typer.Option("--coder", help="Who makes the change (default: default_coder, else your login)."),
]


def progress_bar(label: str = "{task.description:>9}") -> Progress:
    """The progress bar long work shows on stderr (nothing when stderr is not a terminal)."""
    return Progress(
        TextColumn(label),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    )


def open_project() -> Project:
    from foresight.project import Project

    return Project.open(state["project"])


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


def actor(project: Project, coder: str | None) -> str:
    return coder or project.config.default_coder or getpass.getuser()
