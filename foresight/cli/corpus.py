"""``foresight init``, ``ingest``, ``sources`` and ``units``: a project and what it reads."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import Progress
from rich.table import Table

from foresight import corpus
from foresight.cli.common import JsonOption, err, open_project, out, print_json, progress_bar, state
from foresight.errors import ForesightError
from foresight.ingest import SOURCE_TYPES, FileOutcome, IngestOptions, IngestReport, ingest
from foresight.project import Project
from foresight.resources import DEFAULT_CODEBOOK


def init_command(
    directory: Annotated[Path, typer.Argument(help="Folder for the new project.")] = Path("."),
    codebook: Annotated[Path | None, typer.Option(help="Codebook to load (YAML or .qdc).")] = None,
    no_codebook: Annotated[bool, typer.Option("--no-codebook", help="Start with no codebook.")] = False,
) -> None:
    """Create a project: foresight.toml and its store (SQLite unless database_url says otherwise)."""
    from foresight.codebook import check_codebook, import_codebook

    file = None if no_codebook else codebook or DEFAULT_CODEBOOK
    if file is DEFAULT_CODEBOOK and not DEFAULT_CODEBOOK.is_file():
        raise ForesightError(
            f"{DEFAULT_CODEBOOK}: the shipped codebook is missing from this install "
            "(reinstall foresight, or pass --codebook FILE or --no-codebook)"
        )
    if file is not None:
        check_codebook(file)  # a bad codebook stops 'init' before anything is made
    project = Project.init(directory)
    message = f"Created project {project.config.name!r} in {project.root}"
    if file is not None:
        loaded = import_codebook(project, file, actor="init")
        message += f" with codebook {loaded.name!r} ({loaded.codes} codes)"
    out.print(message)


class _Bar:
    """Rich progress over documents and units for :func:`foresight.ingest.ingest`."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.files = progress.add_task("documents", total=None)
        self.units = progress.add_task("units", total=None)

    def found(self, files: int) -> None:
        self.progress.update(self.files, total=files)

    def done(self, outcome: FileOutcome) -> None:
        self.progress.advance(self.files)
        self.progress.advance(self.units, outcome.units)
        if outcome.status == "failed" and self.progress.console.is_terminal:
            self.progress.console.print(
                f"{outcome.location}: {outcome.message}", style="red", markup=False, soft_wrap=True
            )


def run_ingest(project: Project, paths: list[str], options: IngestOptions) -> IngestReport:
    with progress_bar() as progress:
        report = ingest(project, paths, options, _Bar(progress), strict=state["debug"])
    if not err.is_terminal:
        for outcome in report.failed:
            err.print(f"{outcome.location}: {outcome.message}", markup=False, highlight=False, soft_wrap=True)
    return report


def ingest_command(
    paths: Annotated[list[str], typer.Argument(help="Files, folders (read recursively) and URLs.")],
    source_type: Annotated[str | None, typer.Option(help="|".join(SOURCE_TYPES))] = None,
    actor_type: Annotated[str | None, typer.Option(help="Who speaks: firm, cluster, research, ...")] = None,
    date: Annotated[
        str | None, typer.Option(help="Publication date YYYY-MM-DD when a document has none.")
    ] = None,
    lang: Annotated[str | None, typer.Option(help="Language when a document names none.")] = None,
    ocr: Annotated[
        bool,
        typer.Option("--ocr", help="Read scanned PDFs (no text layer, or an unreadable one) with Tesseract."),
    ] = False,
    ocr_languages: Annotated[
        str | None,
        typer.Option(help="Tesseract's languages, e.g. eng+fra (default: all installed); implies --ocr."),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Read documents into sources and information units (paragraphs)."""
    if source_type is not None and source_type not in SOURCE_TYPES:
        raise typer.BadParameter(
            f"{source_type!r} is not one of {', '.join(SOURCE_TYPES)}", param_hint="--source-type"
        )
    try:
        day = dt.date.fromisoformat(date) if date else None
    except ValueError:
        raise typer.BadParameter(f"{date!r} is not a date YYYY-MM-DD", param_hint="--date") from None
    project = open_project()
    options = IngestOptions(
        source_type=source_type,
        actor_type=actor_type,
        date=day,
        language=lang,
        ocr=ocr or ocr_languages is not None,
        ocr_languages=ocr_languages,
    )
    report = run_ingest(project, paths, options)
    if as_json:
        print_json(
            {
                "ingested": report.count("ingested", "updated"),
                "skipped": report.count("skipped"),
                "failed": report.count("failed"),
                "units": report.units,
                "files": [vars(o) for o in report.outcomes],
            }
        )
    else:
        out.print(
            f"{report.count('ingested')} ingested, {report.count('updated')} updated, "
            f"{report.count('skipped')} skipped, {report.count('failed')} failed; "
            f"{report.units} units"
        )
        for outcome in report.outcomes:  # what became of the codings of a changed file
            if outcome.status == "updated":
                out.print(
                    f"{outcome.location}: {outcome.message}", markup=False, highlight=False, soft_wrap=True
                )
    if report.failed:
        raise typer.Exit(1)


def sources_command(
    as_json: JsonOption = False,
    all_versions: Annotated[bool, typer.Option("--all-versions", help="Include older versions.")] = False,
) -> None:
    """List the sources."""
    rows = corpus.list_sources(open_project(), all_versions=all_versions)
    if as_json:
        print_json(rows)
        return
    table = Table("id", "date", "type", "format", "units", "title", box=None)
    for r in rows:
        version = f" (v{r['version']})" if r["version"] > 1 else ""
        table.add_row(
            str(r["id"]),
            r["date"] or "?",
            r["source_type"],
            r["format"],
            str(r["units"]),
            r["title"] + version,
        )
    out.print(table)
    out.print(f"{len(rows)} sources, {sum(r['units'] for r in rows)} units")


def units_command(
    source: Annotated[int | None, typer.Option("--source", help="Only this source's units.")] = None,
    search: Annotated[str | None, typer.Option(help="Only units whose text contains this.")] = None,
    limit: Annotated[int | None, typer.Option(help="At most this many.")] = None,
    as_json: JsonOption = False,
) -> None:
    """List information units."""
    rows = corpus.list_units(open_project(), source_id=source, search=search, limit=limit)
    if as_json:
        print_json(rows)
        return
    table = Table("id", "source", "#", "page", "section", "text", box=None)
    for r in rows:
        preview = r["text"].replace("\n", " ")
        table.add_row(
            str(r["id"]),
            str(r["source_id"]),
            str(r["ordinal"]),
            str(r["page"] or ""),
            (r["section"] or "")[:24],
            preview[:90] + ("…" if len(preview) > 90 else ""),
        )
    out.print(table)
    out.print(f"{len(rows)} units")
