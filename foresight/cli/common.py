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
    from foresight.store.dbapi import Store


def _names_in_help() -> None:
    """Help that names what to type, as command-line tools do: ``PATHS...``, ``--limit
    INTEGER``, a flag alone; Typer 0.2x shows Python types instead (``<bool>``,
    ``<list[str]>``, ``{paths}...``). Left as Typer has it when its help is built otherwise."""
    from typer.core import TyperArgument, TyperOption

    if not all(
        hasattr(cls, name)
        for cls, name in (
            (TyperArgument, "_usage_display_name"),
            (TyperArgument, "_rich_display_name"),
            (TyperOption, "display_type_rich"),
            (TyperArgument, "display_type_rich"),
            (TyperArgument, "display_name_raw"),
        )
    ):
        return
    words = {"str": "TEXT", "int": "INTEGER", "float": "NUMBER", "bool": "", "path": "PATH", "file": "FILE"}
    words["directory"] = "FOLDER"

    def argument_name(self: Any) -> str:
        return str(self.metavar) if self.metavar is not None else (self.name or "").upper()

    def usage_name(self: Any) -> str:
        name = argument_name(self)
        name = name if self.required else f"[{name}]"
        return name + ("..." if self.nargs != 1 else "")

    def rich_name(self: Any) -> str:
        return argument_name(self) + ("..." if self.metavar is None and self.nargs != 1 else "")

    def option_type(self: Any, ctx: Any) -> str | None:
        if self.metavar is not None:
            return str(self.metavar)
        if self.is_flag or self.count:
            return None
        label = self.display_type(ctx).strip("<>")
        many = label.startswith("list[")
        label = label.removeprefix("list[").removesuffix("]")
        label = words.get(label, label if "|" in label else label.upper())
        return (label + ("..." if many or self.multiple else "")) or None

    TyperArgument.display_name_raw = property(argument_name)  # type: ignore[assignment,method-assign]
    TyperArgument._usage_display_name = usage_name
    TyperArgument._rich_display_name = rich_name
    TyperArgument.display_type_rich = lambda self, ctx: None
    TyperOption.display_type_rich = option_type


_names_in_help()
out = Console()
err = Console(stderr=True)
state: dict[str, Any] = {"project": None, "debug": False}

ProjectOption = Annotated[
    Path | None,
    typer.Option("--project", "-P", help=f"Project folder (default: ${PROJECT_ENV} or the current folder)."),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
LangOption = Annotated[str | None, typer.Option("--lang", help="Only this language (ISO 639-1: de, fr).")]
CoderOption = Annotated[
    str | None,
    typer.Option("--coder", help="Who makes the change (default: default_coder, else your login)."),
]


def wrote(*what: object) -> None:
    """Say what a command wrote, a ``Wrote …`` line for each: a path, or words with the path."""
    for thing in what:
        out.print(f"Wrote {thing}", markup=False, highlight=False, soft_wrap=True)


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


def actor(project: Project | Store, coder: str | None) -> str:
    return coder or project.config.default_coder or getpass.getuser()
