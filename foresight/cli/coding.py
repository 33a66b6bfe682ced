"""``foresight code`` and ``foresight codings``: the scriptable twins of the coders' screen."""

from __future__ import annotations

import contextlib
from typing import Annotated

import typer
from rich.table import Table

from foresight.cli.common import (
    CoderOption,
    JsonOption,
    LangOption,
    actor,
    open_project,
    out,
    print_json,
    state,
)


def code_command(
    unit_id: Annotated[int, typer.Argument(help="The unit's id (see 'foresight units').")],
    codes: Annotated[list[str] | None, typer.Argument(help="Codes: ids or exact names.")] = None,
    coder: CoderOption = None,
    remove: Annotated[bool, typer.Option("--remove", help="Remove these codes instead.")] = False,
    done: Annotated[
        bool, typer.Option("--done", help="Mark the unit finished (with or without codes).")
    ] = False,
) -> None:
    """Apply codes to a unit (or remove them), as the coders' screen does."""
    if not codes and not done:
        raise typer.BadParameter("name at least one code, or pass --done", param_hint="CODE")
    from foresight.coding import actions
    from foresight.store.dbapi import SqliteStore

    # a SQLite store is written with the standard library, which starts at once; the same
    # steps run on the full store otherwise (PostgreSQL, a store still to migrate)
    store = SqliteStore.open(state["project"]) or open_project()
    with contextlib.closing(store):
        who = actor(store, coder)
        for code in codes or []:
            if remove:
                changed = actions.remove_code(store, unit_id, code, coder=who)
                out.print(f"unit {unit_id}: {'removed' if changed else 'had no'} {code}")
            else:
                changed = actions.apply_code(store, unit_id, code, coder=who)
                out.print(f"unit {unit_id}: {'applied' if changed else 'already has'} {code}")
        if done:
            actions.mark_done(store, unit_id, coder=who)
            out.print(f"unit {unit_id}: done")


def codings_command(
    coder: Annotated[str | None, typer.Option(help="Only this coder's codings.")] = None,
    code: Annotated[str | None, typer.Option(help="Only codings of this code.")] = None,
    as_json: JsonOption = False,
) -> None:
    """List codings: unit, code, coder, origin and when."""
    from foresight.store import readonly

    # SQLite is read with the standard library, which starts at once; the full store otherwise
    store = None if code else readonly.sqlite_store(state["project"])
    if store is not None:
        with contextlib.closing(store):
            rows = readonly.list_codings(store, coder=coder)
    else:
        from foresight import coding

        rows = coding.list_codings(open_project(), coder=coder, code=code)
    if as_json:
        print_json(rows)
        return
    table = Table("unit", "code", "name", "coder", "origin", "at", box=None)
    for r in rows:
        table.add_row(
            str(r["unit_id"]), r["code_id"], r["code_name"], r["coder"], r["origin"], r["created_at"]
        )
    out.print(table)
    out.print(f"{len(rows)} codings")


def tui_command(coder: CoderOption = None, lang: LangOption = None) -> None:
    """Open the coders' screen: code units with a few keystrokes (? lists the keys)."""
    from foresight.tui.app import run

    project = open_project()
    run(project, actor(project, coder), language=lang)
