"""``foresight backup``, ``restore`` and ``check``: keeping a project safe."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from foresight.cli.common import JsonOption, open_project, out, print_json, wrote


def backup_command(file: Annotated[Path, typer.Argument(help="The snapshot file to write.")]) -> None:
    """Write a consistent snapshot of the store while coders go on working."""
    from foresight.maintenance import backup

    made = backup(open_project(), file)
    wrote(f"{made.path} ({made.kind}, {made.bytes / 2**20:.3g} MB)")


def restore_command(
    file: Annotated[Path, typer.Argument(help="A snapshot written by 'foresight backup'.")],
) -> None:
    """Put a snapshot in place of the store; the store as it was is kept beside it first."""
    from foresight.maintenance import restore

    before = restore(open_project(), file)
    out.print(
        f"Restored {file}; the store as it was is in {before}", markup=False, highlight=False, soft_wrap=True
    )


def status_command(as_json: JsonOption = False) -> None:
    """Say which store this project uses, its schema version and what it holds."""
    from foresight.store.status import store_status

    project = open_project()
    try:
        status = store_status(project)
    finally:
        project.close()
    if as_json:
        print_json(status.as_dict())
        return
    version = status.schema_version or "none"
    lines = [
        f"project: {status.project}",
        f"store: {status.store} ({'SQLite' if status.kind == 'sqlite' else 'PostgreSQL server'})",
        f"schema: {version}{'' if status.schema_current else ' (changes pending)'}",
        f"sources: {status.sources}",
        f"units: {status.units}",
        f"codes: {status.codes}",
        f"codings: {status.codings}",
        f"coders: {status.coders}",
    ]
    for line in lines:
        out.print(line, markup=False, highlight=False, soft_wrap=True)


def check_command(as_json: JsonOption = False) -> None:
    """Check the store: damage, orphaned rows, offsets that no longer match, codings on retired codes."""
    from foresight.maintenance import check

    findings = check(open_project())
    if as_json:
        print_json(
            {
                "ok": not any(f.severity == "error" for f in findings),
                "findings": [f.as_dict() for f in findings],
            }
        )
    elif not findings:
        out.print("No problems found")
    for finding in [] if as_json else findings:
        shown = f" (e.g. {', '.join(map(str, finding.examples))})" if finding.examples else ""
        out.print(
            f"{finding.severity}: {finding.count} {finding.problem}{shown}",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )
    if any(f.severity == "error" for f in findings):
        raise typer.Exit(1)
