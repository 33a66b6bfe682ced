"""The ``foresight`` command: parse, call the library, print. Errors are rendered here, once.

Each command group lives in a module of this package, imported only when one of its commands
runs (or shows its own help): ``foresight --help`` and a quick ``foresight code`` do not pay
for the libraries of the analyses. :data:`COMMANDS` lists them in the order of the work, with
the one-line help the overview shows (a test checks it against each command's own).
"""

from __future__ import annotations

import importlib
import os
import sys
from typing import Annotated, Any, NamedTuple

import typer
from typer.core import TyperCommand, TyperGroup

from foresight.cli.common import ProjectOption, err, state
from foresight.errors import ForesightError

Command = TyperCommand | TyperGroup  # what typer makes of a function or of a Typer app


class Entry(NamedTuple):
    name: str
    module: str  # in this package
    attribute: str  # a command function or a Typer app of subcommands
    panel: str
    summary: str


_SET_UP, _INGEST, _CODE, _CHECK = "Set up", "Ingest", "Code", "Check"
_ANALYSE, _WORKSHOP, _EXCHANGE = "Analyse", "Workshop", "Exchange"
COMMANDS: tuple[Entry, ...] = (
    Entry(
        "demo",
        "demo",
        "demo_command",
        _SET_UP,
        "Run the whole pipeline on the sample corpus: ingest, codings, agreement, trends, roadmap, "
        "scenarios.",
    ),
    Entry(
        "init",
        "corpus",
        "init_command",
        _SET_UP,
        "Create a project: foresight.toml and its store (SQLite unless database_url says otherwise).",
    ),
    Entry(
        "join",
        "corpus",
        "join_command",
        _SET_UP,
        "Make a project folder that uses a foresight project already on a team server.",
    ),
    Entry(
        "status",
        "maintenance",
        "status_command",
        _SET_UP,
        "Say which store this project uses, its schema version and what it holds.",
    ),
    Entry(
        "codebook",
        "codebook",
        "codebook_app",
        _SET_UP,
        "The codebook: import, export, list, show, validate and edit codes.",
    ),
    Entry(
        "backup",
        "maintenance",
        "backup_command",
        _SET_UP,
        "Write a consistent snapshot of the store while coders go on working.",
    ),
    Entry(
        "restore",
        "maintenance",
        "restore_command",
        _SET_UP,
        "Put a snapshot in place of the store; the store as it was is kept beside it first.",
    ),
    Entry(
        "ingest",
        "corpus",
        "ingest_command",
        _INGEST,
        "Read documents into sources and information units (paragraphs).",
    ),
    Entry("sources", "corpus", "sources_command", _INGEST, "List the sources."),
    Entry("units", "corpus", "units_command", _INGEST, "List information units."),
    Entry(
        "tui",
        "coding",
        "tui_command",
        _CODE,
        "Open the coders' screen: code units with a few keystrokes (? lists the keys).",
    ),
    Entry(
        "code",
        "coding",
        "code_command",
        _CODE,
        "Apply codes to a unit (or remove them), as the coders' screen does.",
    ),
    Entry("codings", "coding", "codings_command", _CODE, "List codings: unit, code, coder, origin and when."),
    Entry(
        "suggest",
        "suggest",
        "suggest_app",
        _CODE,
        "Machine suggestions: keyword rules and a classifier trained on your codings.",
    ),
    Entry(
        "agreement",
        "agreement",
        "agreement_app",
        _CHECK,
        "Inter-coder agreement: double-coding batches, reliability statistics, adjudication.",
    ),
    Entry(
        "check",
        "maintenance",
        "check_command",
        _CHECK,
        "Check the store: damage, orphaned rows, offsets that no longer match, codings on retired codes.",
    ),
    Entry(
        "bench",
        "bench",
        "bench_command",
        _CHECK,
        "Run the benchmarks and print each figure beside its target (exit 1 when a target is missed).",
    ),
    Entry(
        "cooccurrence",
        "cooccurrence",
        "cooccurrence_app",
        _ANALYSE,
        "Which codes meet in the same units: counts and the c-coefficient (0..1).",
    ),
    Entry(
        "trends",
        "cooccurrence",
        "trends_command",
        _ANALYSE,
        "Rank code pairs and codes by their change between periods: strong and weak signals.",
    ),
    Entry(
        "bursts",
        "cooccurrence",
        "bursts_command",
        _ANALYSE,
        "Bursts of single codes over time (Kleinberg's two-state automaton over years or months).",
    ),
    Entry(
        "network",
        "cooccurrence",
        "network_command",
        _ANALYSE,
        "The code co-occurrence network and its communities, with their codes, ties and units.",
    ),
    Entry(
        "roadmap",
        "workshops",
        "roadmap_app",
        _WORKSHOP,
        "Visual Roadmap posters: blank, prefilled from the analysis, or as built.",
    ),
    Entry(
        "scenario",
        "workshops",
        "scenario_app",
        _WORKSHOP,
        "Scenario drafts in Word and cross-impact balance analysis.",
    ),
    Entry("workshop", "workshops", "workshop_app", _WORKSHOP, "Workshop files and workshop kits."),
    Entry(
        "export",
        "interop",
        "export_app",
        _EXCHANGE,
        "Write the project for other tools: a REFI-QDA project, or tables.",
    ),
    Entry("import", "interop", "import_app", _EXCHANGE, "Read another tool's project into this one."),
)
_BY_NAME = {entry.name: entry for entry in COMMANDS}


def load_command(entry: Entry) -> Command:
    """The click command of one entry, its module imported now."""
    target = getattr(importlib.import_module(f"foresight.cli.{entry.module}"), entry.attribute)
    if isinstance(target, typer.Typer):  # subcommands
        command: Command = typer.main.get_group(target)
    else:  # a command function: a Typer of one command
        single = typer.Typer(add_completion=False, pretty_exceptions_enable=False)
        single.command(entry.name)(target)
        command = typer.main.get_command(single)
    command.name = entry.name
    return command


def _overview(entry: Entry) -> Command:
    """A command as the overview lists it, from :data:`COMMANDS`, without importing it."""
    return TyperCommand(entry.name, help=entry.summary, short_help=entry.summary, rich_help_panel=entry.panel)


class LazyGroup(TyperGroup):
    """The top group: its commands loaded when they are used, listed in the order of the work."""

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        self._loaded: dict[str, Command] = {}
        self._overview = False

    def list_commands(self, ctx: typer.Context) -> list[str]:
        return [entry.name for entry in COMMANDS]

    def get_command(self, ctx: typer.Context, cmd_name: str) -> Command | None:
        entry = _BY_NAME.get(cmd_name)
        if entry is None:
            return None
        if self._overview:
            return _overview(entry)
        if cmd_name not in self._loaded:
            self._loaded[cmd_name] = load_command(entry)
        return self._loaded[cmd_name]

    def format_help(self, ctx: typer.Context, formatter: Any) -> None:
        self._overview = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self._overview = False


def _version(value: bool) -> None:
    if value:
        from foresight import __version__

        typer.echo(f"foresight {__version__}")
        raise typer.Exit()


app = typer.Typer(
    cls=LazyGroup,
    help="Horizon scanning and foresight on grey literature.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def main_options(
    project: ProjectOption = None,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks.")] = False,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit."),
    ] = False,
) -> None:
    state["project"] = project
    state["debug"] = debug


_FLAGS = ("--debug",)
_VALUED = ("--project", "-P")


def globals_first(args: list[str]) -> list[str]:
    """The arguments with the global options (``--project``, ``-P``, ``--debug``) moved in
    front, so that they may also follow the command (``foresight sources --project X``)."""
    front: list[str] = []
    rest: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            rest += args[i:]
            break
        if arg in _FLAGS or arg.startswith("--project="):
            front.append(arg)
        elif arg in _VALUED and i + 1 < len(args):
            front += args[i : i + 2]
            i += 1
        else:
            rest.append(arg)
        i += 1
    return front + rest


def main() -> None:
    """Entry point: runs the app and turns a :class:`ForesightError` into one red line."""
    debug = "--debug" in sys.argv or os.environ.get("FORESIGHT_DEBUG") == "1"
    try:
        code = app(args=globals_first(sys.argv[1:]), prog_name="foresight", standalone_mode=False)
        if isinstance(code, int) and code:
            sys.exit(code)
    except ForesightError as exc:
        if debug:
            raise
        err.print(f"Error: {exc}", style="red", markup=False, highlight=False, soft_wrap=True)
        sys.exit(1)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        err.print("Aborted.")
        sys.exit(1)
    except KeyboardInterrupt:
        err.print("Interrupted.")
        sys.exit(130)
    except Exception as exc:  # usage errors arrive here in non-standalone mode
        if hasattr(exc, "show") and isinstance(getattr(exc, "exit_code", None), int):
            exc.show()
            sys.exit(exc.exit_code)
        if debug:
            raise
        err.print(
            f"Unexpected error: {type(exc).__name__}: {exc} (run with --debug for details)",
            style="red",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )
        sys.exit(1)
