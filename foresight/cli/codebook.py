"""``foresight codebook ...``: import, export, list, show, validate and edit the codebook."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from foresight.cli.common import CoderOption, JsonOption, actor, err, open_project, out, print_json, wrote
from foresight.codebook import (
    CodeSpec,
    code_details,
    code_tree,
    edits,
    export_codebook,
    import_codebook,
    read_codebook_file,
)
from foresight.errors import ForesightError

codebook_app = typer.Typer(
    help="The codebook: import, export, list, show, validate and edit codes.", no_args_is_help=True
)
CodeArg = Annotated[str, typer.Argument(help="A code's id or its exact name.")]


@codebook_app.command("import")
def import_command(
    file: Annotated[Path, typer.Argument(help="A codebook (.yaml or REFI-QDA .qdc).")],
    coder: CoderOption = None,
) -> None:
    """Load a codebook and make it the one coders use (earlier codebooks and their codings stay)."""
    project = open_project()
    loaded = import_codebook(project, file, actor=actor(project, coder))
    out.print(f"Loaded codebook {loaded.name!r}: {loaded.codes} codes", soft_wrap=True)
    if loaded.gaps:
        err.print(
            f"{len(loaded.gaps)} gap{'s' * (len(loaded.gaps) != 1)} (coders get less help; "
            f"'foresight codebook validate {file}' lists them), "
            f"first: {loaded.gaps[0]}",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )


@codebook_app.command("export")
def export_command(file: Annotated[Path, typer.Argument(help="Where to write: .yaml or .qdc.")]) -> None:
    """Write the codebook to YAML or to a REFI-QDA .qdc file (by the file's extension)."""
    count = export_codebook(open_project(), file)
    wrote(f"{count} codes to {file}")


@codebook_app.command("list")
def list_command(
    as_json: JsonOption = False,
    all_codes: Annotated[bool, typer.Option("--all", help="Also retired, merged and split codes.")] = False,
) -> None:
    """The code tree with the number of codings and coded units of each code."""
    rows = code_tree(open_project(), include_inactive=all_codes)
    if as_json:
        print_json(rows)
        return
    table = Table("id", "name", "codings", "units", box=None)
    for row in rows:
        name = Text("  " * row["depth"]) + Text("■ ", style=row["colour"]) + Text(row["name"])
        if row["status"] != "active":
            name.append(f" ({row['status']})", style="dim")
        table.add_row(row["id"], name, str(row["codings"]), str(row["units"]))
    out.print(table)
    out.print(f"{len(rows)} codes")


@codebook_app.command("show")
def show_command(code: CodeArg, as_json: JsonOption = False) -> None:
    """Everything about one code."""
    info = code_details(open_project(), code)
    if as_json:
        print_json(info)
        return
    out.print(Text(f"{info['id']}  {info['name']}", style=f"bold {info['colour']}"))
    for label, key in (
        ("group", "group"),
        ("parent", "parent"),
        ("status", "status"),
        ("definition", "definition"),
        ("use when", "use_when"),
        ("do not use when", "not_when"),
        ("example", "example"),
    ):
        if info[key]:
            out.print(Text(f"{label}: ", style="bold") + Text(str(info[key])))
    if info["keywords"]:
        out.print(Text("keywords: ", style="bold") + Text("; ".join(info["keywords"])))
    for lang, words in info["keywords_lang"].items():
        out.print(Text(f"keywords ({lang}): ", style="bold") + Text("; ".join(words)))
    if info["merged_into"]:
        out.print(f"merged into: {info['merged_into']}")
    if info["split_into"]:
        out.print(f"split into: {', '.join(info['split_into'])}")
    out.print(f"{info['codings']} codings by {len(info['coders'])} coders")


@codebook_app.command("validate")
def validate_command(file: Annotated[Path, typer.Argument(help="A codebook file (.yaml or .qdc).")]) -> None:
    """List every problem in a codebook file, each with its line; exit 1 if one stops it loading.

    Gaps (a code without a definition, a name used under two parents) are listed too; they do
    not stop the codebook loading."""
    spec, problems = read_codebook_file(file)
    for problem in problems:
        typer.echo(problem.render(str(file)))
    errors = sum(p.is_error for p in problems)
    gaps = len(problems) - errors
    gap_text = f"{gaps} gap{'s' * (gaps != 1)}"
    if errors:
        typer.echo(f"{errors} problem{'s' * (errors != 1)}" + (f", {gap_text}" if gaps else ""), err=True)
        raise typer.Exit(1)
    found = f", {gap_text}" if gaps else ""
    out.print(f"{file}: valid, {len(spec.codes)} codes in {len(spec.groups)} groups{found}", soft_wrap=True)


@codebook_app.command("add")
def add_command(
    code_id: Annotated[str, typer.Argument(help="A new stable id, e.g. MT.QUANTUM.")],
    name: Annotated[str, typer.Argument(help="The code's name.")],
    definition: Annotated[str, typer.Option(help="What the code means.")],
    group: Annotated[str, typer.Option(help="Its group's id (taken from --parent when given).")] = "",
    parent: Annotated[str | None, typer.Option(help="The parent code.")] = None,
    use_when: Annotated[str, typer.Option(help="When to apply it.")] = "",
    not_when: Annotated[str, typer.Option(help="When not to (and what to use instead).")] = "",
    example: Annotated[str, typer.Option(help="One example sentence.")] = "",
    keyword: Annotated[
        list[str] | None, typer.Option(help="A keyword or phrase in English (repeat).")
    ] = None,
    keyword_in: Annotated[
        list[str] | None,
        typer.Option(help="A keyword in another language, LANG:KEYWORD, e.g. de:Lieferkette (repeat)."),
    ] = None,
    colour: Annotated[str, typer.Option(help="#rrggbb")] = "#808080",
    coder: CoderOption = None,
) -> None:
    """Add a code."""
    project = open_project()
    spec = CodeSpec(
        id=code_id,
        name=name,
        group=group,
        parent=parent,
        definition=definition,
        use_when=use_when,
        not_when=not_when,
        example=example,
        keywords=keyword or [],
        keywords_lang=_keywords_in(keyword_in or []),
        colour=colour,
    )
    edits.add_code(project, spec, actor=actor(project, coder))
    out.print(f"Added {code_id} {name!r}")


def _keywords_in(given: list[str]) -> dict[str, list[str]]:
    """``["de:Lieferkette", "fr:chaîne"]`` as ``{"de": ["Lieferkette"], "fr": ["chaîne"]}``."""
    out: dict[str, list[str]] = {}
    for item in given:
        lang, sep, word = item.partition(":")
        if not sep or not lang.strip() or not word.strip():
            raise ForesightError(f"--keyword-in takes LANG:KEYWORD (de:Lieferkette), not {item!r}")
        out.setdefault(lang.strip(), []).append(word.strip())
    return out


@codebook_app.command("rename")
def rename_command(code: CodeArg, new_name: str, coder: CoderOption = None) -> None:
    """Rename a code; its codings are unchanged."""
    project = open_project()
    edits.rename_code(project, code, new_name, actor=actor(project, coder))
    out.print(f"Renamed {code} to {new_name!r}")


@codebook_app.command("move")
def move_command(
    code: CodeArg,
    parent: Annotated[str | None, typer.Option(help="The new parent code.")] = None,
    top: Annotated[bool, typer.Option("--top", help="Move to the top of its group.")] = False,
    coder: CoderOption = None,
) -> None:
    """Give a code a new parent (its children come along)."""
    if (parent is None) == (not top):
        raise typer.BadParameter("give either --parent CODE or --top")
    project = open_project()
    edits.move_code(project, code, parent, actor=actor(project, coder))
    out.print(f"Moved {code} " + (f"under {parent}" if parent else "to the top of its group"))


@codebook_app.command("merge")
def merge_command(source: CodeArg, target: CodeArg, coder: CoderOption = None) -> None:
    """Merge code SOURCE into TARGET: its codings move; a unit coded with both keeps one."""
    project = open_project()
    result = edits.merge_codes(project, source, target, actor=actor(project, coder))
    out.print(
        f"Merged {source} into {target}: {result.moved} codings moved, {result.dropped} already on {target}"
    )


@codebook_app.command("split")
def split_command(
    code: CodeArg,
    into: Annotated[list[str], typer.Option("--into", help="Name of a new code (repeat, at least twice).")],
    coder: CoderOption = None,
    as_json: JsonOption = False,
) -> None:
    """Split a code into new ones; its codings wait for recoding and are listed."""
    project = open_project()
    result = edits.split_code(project, code, into, actor=actor(project, coder))
    if as_json:
        print_json({"codes": result.codes, "to_recode": result.to_recode})
        return
    out.print(
        f"Split {code} into {', '.join(result.codes)}; {len(result.to_recode)} codings wait for recoding"
    )
    for item in result.to_recode:
        out.print(f"  unit {item['unit_id']}  coder {item['coder']}")


@codebook_app.command("retire")
def retire_command(code: CodeArg, coder: CoderOption = None) -> None:
    """Hide a code from coders; its codings are kept."""
    project = open_project()
    kept = edits.retire_code(project, code, actor=actor(project, coder))
    out.print(f"Retired {code}; its {kept} codings are kept")


@codebook_app.command("waiting")
def waiting_command(as_json: JsonOption = False) -> None:
    """Codings on split codes that wait for recoding with one of the new codes."""
    rows = edits.waiting_for_recoding(open_project())
    if as_json:
        print_json(rows)
        return
    for row in rows:
        out.print(f"unit {row['unit_id']}  coder {row['coder']}  {row['code']} -> {' | '.join(row['into'])}")
    out.print(f"{len(rows)} codings wait for recoding")
