"""``foresight init``, ``ingest``, ``sources`` and ``units``: a project and what it reads."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import Progress
from rich.table import Table

from foresight import corpus
from foresight.cli.common import (
    JsonOption,
    LangOption,
    err,
    open_project,
    out,
    print_json,
    progress_bar,
    state,
)
from foresight.config import CONFIG_NAME, DATABASE_ENV
from foresight.errors import ForesightError
from foresight.ingest import SOURCE_TYPES, FileOutcome, IngestOptions, IngestReport, ingest
from foresight.project import Project
from foresight.resources import DEFAULT_CODEBOOK
from foresight.store.engine import on_server, store_name, without_password
from foresight.store.status import store_status


def init_command(
    directory: Annotated[Path, typer.Argument(help="Folder for the new project.")] = Path("."),
    codebook: Annotated[Path | None, typer.Option(help="Codebook to load (YAML or .qdc).")] = None,
    no_codebook: Annotated[bool, typer.Option("--no-codebook", help="Start with no codebook.")] = False,
    database_url: Annotated[
        str | None,
        typer.Option(
            help=f"A team server (postgresql+psycopg://USER@HOST:PORT/DBNAME; default: ${DATABASE_ENV}), "
            "recorded in foresight.toml without its password."
        ),
    ] = None,
) -> None:
    """Create a project: foresight.toml and its store (SQLite unless database_url says otherwise)."""
    from foresight.codebook import check_codebook, import_codebook

    database_url = database_url or os.environ.get(DATABASE_ENV) or None

    file = None if no_codebook else codebook or DEFAULT_CODEBOOK
    if file is DEFAULT_CODEBOOK and not DEFAULT_CODEBOOK.is_file():
        raise ForesightError(
            f"{DEFAULT_CODEBOOK}: the shipped codebook is missing from this install "
            "(reinstall foresight, or pass --codebook FILE or --no-codebook)"
        )
    if file is not None:
        check_codebook(file)  # a bad codebook stops 'init' before anything is made
    project = Project.init(directory, database_url=database_url)
    message = f"Created project {project.config.name!r} in {project.root}"
    if database_url is not None and on_server(database_url):
        message += f" on {store_name(project.engine)}"
    if file is not None:
        loaded = import_codebook(project, file, actor="init")
        message += f" with codebook {loaded.name!r} ({loaded.codes} codes)"
    out.print(message, markup=False, highlight=False, soft_wrap=True)
    _password_note(database_url)


def _password_note(database_url: str | None) -> None:
    """Tell the user where the password goes, when the URL held one (foresight.toml has none)."""
    if database_url is not None and without_password(database_url)[1]:
        out.print(
            f"The password is not kept in {CONFIG_NAME}: give it in PGPASSWORD or ~/.pgpass "
            f"(or set {DATABASE_ENV} to the whole URL) on each machine",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )


def join_command(
    url: Annotated[
        str, typer.Argument(help="The team server's URL (postgresql+psycopg://USER@HOST:PORT/DBNAME).")
    ],
    directory: Annotated[Path, typer.Argument(help="Folder for the project on this machine.")] = Path("."),
) -> None:
    """Make a project folder that uses a foresight project already on a team server."""
    project = Project.join(url, directory)
    with contextlib.closing(project):
        status = store_status(project)
    out.print(
        f"Joined {status.store} in {project.root}: {status.sources} sources, {status.units} units, "
        f"{status.codes} codes, {status.codings} codings by {status.coders} coders",
        markup=False,
        highlight=False,
        soft_wrap=True,
    )
    _password_note(url)


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
    lang: Annotated[
        str | None,
        typer.Option(help="Language of every document and unit (default: detected in the text)."),
    ] = None,
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
    lang: LangOption = None,
) -> None:
    """List the sources."""
    rows = corpus.list_sources(open_project(), all_versions=all_versions, language=lang)
    if as_json:
        print_json(rows)
        return
    table = Table("id", "date", "type", "format", "lang", "units", "title", box=None)
    for r in rows:
        version = f" (v{r['version']})" if r["version"] > 1 else ""
        table.add_row(
            str(r["id"]),
            r["date"] or "?",
            r["source_type"],
            r["format"],
            r["language"] or "",
            str(r["units"]),
            r["title"] + version,
        )
    out.print(table)
    out.print(f"{len(rows)} sources, {sum(r['units'] for r in rows)} units")


def units_command(
    source: Annotated[int | None, typer.Option("--source", help="Only this source's units.")] = None,
    search: Annotated[str | None, typer.Option(help="Only units whose text contains this.")] = None,
    limit: Annotated[int | None, typer.Option(help="At most this many.")] = None,
    lang: LangOption = None,
    as_json: JsonOption = False,
) -> None:
    """List information units."""
    rows = corpus.list_units(open_project(), source_id=source, search=search, limit=limit, language=lang)
    if as_json:
        print_json(rows)
        return
    table = Table("id", "source", "#", "lang", "page", "section", "text", box=None)
    for r in rows:
        preview = r["text"].replace("\n", " ")
        table.add_row(
            str(r["id"]),
            str(r["source_id"]),
            str(r["ordinal"]),
            r["language"] or "",
            str(r["page"] or ""),
            (r["section"] or "")[:24],
            preview[:90] + ("…" if len(preview) > 90 else ""),
        )
    out.print(table)
    out.print(f"{len(rows)} units")
