"""``foresight suggest ...``: train, run, evaluate, next, stats."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from foresight import suggest
from foresight.cli.common import (
    CoderOption,
    JsonOption,
    actor,
    err,
    open_project,
    out,
    print_json,
    progress_bar,
    wrote,
)
from foresight.cli.tables import CsvOption, XlsxOption, check_table_files, write_table_files
from foresight.suggest.evaluate import evaluation_tables
from foresight.suggest.service import decision_rates_frame

EmbeddingsOption = Annotated[
    bool,
    typer.Option(
        "--embeddings", help="Add sentence-embedding features (needs the \\[embeddings] extra installed)."
    ),
]

MultilingualOption = Annotated[
    bool,
    typer.Option(
        "--multilingual",
        help="Score units not in English on multilingual sentence embeddings "
        "(needs the \\[embeddings-multilingual] extra installed).",
    ),
]

suggest_app = typer.Typer(
    help="Machine suggestions: keyword rules and a classifier trained on your codings.", no_args_is_help=True
)


@suggest_app.command("train")
def train_command(
    min_positive: Annotated[int, typer.Option(help="Fewest coded units a code needs to be learned.")] = 5,
    embeddings: EmbeddingsOption = False,
    multilingual: MultilingualOption = False,
    coder: CoderOption = None,
) -> None:
    """Train the classifier on every human coding (codes with too few examples stay with the rules)."""
    project = open_project()
    with err.status("training ..."):
        info = suggest.train(
            project,
            actor=actor(project, coder),
            min_positive=min_positive,
            embeddings=embeddings,
            multilingual=multilingual,
        )
    out.print(f"Trained {info.version} on {info.training_size} coded units: {len(info.codes)} codes learned")
    if info.fallback:
        out.print(
            f"{len(info.fallback)} codes have too few examples and fall back to the rules: "
            + ", ".join(info.fallback),
            soft_wrap=True,
        )


@suggest_app.command("run")
def run_command(
    source: Annotated[int | None, typer.Option("--source", help="Only this source's units.")] = None,
    threshold: Annotated[float, typer.Option(help="Keep suggestions scoring at least this (0..1).")] = 0.5,
    as_json: JsonOption = False,
) -> None:
    """Suggest codes for units and store them (coders accept or reject them in 'foresight tui')."""
    project = open_project()
    with progress_bar("suggesting") as progress:
        task = progress.add_task("units", total=None)
        result = suggest.run(
            project,
            source_id=source,
            threshold=threshold,
            progress=lambda done, total: progress.update(task, completed=done, total=total),
        )
    if as_json:
        print_json(
            {"model": result.model.as_json(), "threshold": threshold, "suggestions": result.suggestions}
        )
        return
    kinds = {k: sum(s["source"] == k for s in result.suggestions) for k in ("rules", "classifier", "both")}
    out.print(
        f"{len(result.suggestions)} suggestions from model {result.model.version} "
        f"(rules {kinds['rules']}, classifier {kinds['classifier']}, both {kinds['both']})"
    )


@suggest_app.command("evaluate")
def evaluate_command(
    folds: Annotated[int, typer.Option(help="Folds of the cross-validation.")] = 5,
    threshold: Annotated[float, typer.Option(help="Score from which a suggestion counts.")] = 0.5,
    embeddings: EmbeddingsOption = False,
    multilingual: MultilingualOption = False,
    manual_only: Annotated[
        bool,
        typer.Option(
            "--manual-only",
            help="Judge only by codes coders applied themselves, not accepted suggestions "
            "(which favour the method that made them).",
        ),
    ] = False,
    csv: CsvOption = None,
    xlsx: XlsxOption = None,
    as_json: JsonOption = False,
) -> None:
    """Cross-validate over the coded units: precision, recall, F1 of classifier, rules, combination.

    --csv writes the methods' scores (the per-code scores beside it, FILE-codes.csv).
    """
    check_table_files(csv, xlsx)
    with err.status("cross-validating ..."):
        report = suggest.evaluate(
            open_project(),
            folds=folds,
            threshold=threshold,
            embeddings=embeddings,
            multilingual=multilingual,
            manual_only=manual_only,
        )
    written = write_table_files(evaluation_tables(report), csv, xlsx)
    if as_json:
        print_json(report)
        return
    table = Table(
        "method",
        "micro P",
        "micro R",
        "micro F1",
        "macro F1",
        box=None,
        title=f"{folds}-fold cross-validation over {report['units']} coded units "
        + ("(manual codings only)" if manual_only else "(accepted suggestions count as codings)"),
    )
    for method, entry in report["methods"].items():
        m = entry["micro"]
        table.add_row(
            method,
            f"{m['precision']:.3f}",
            f"{m['recall']:.3f}",
            f"{m['f1']:.3f}",
            f"{entry['macro']['f1']:.3f}",
        )
    out.print(table)
    per = Table("code", "support", "classifier F1", "rules F1", "combined F1", box=None)
    methods = report["methods"]
    for code in report["codes"]:
        cells = [f"{methods[m]['per_code'][code]['f1']:.2f}" for m in ("classifier", "rules", "combined")]
        per.add_row(code, str(methods["rules"]["per_code"][code]["support"]), *cells)
    out.print(per)
    if report["languages"]:
        langs = Table("language", "units", *methods, box=None, title="F1 (micro/macro) per language")
        for language, entry in report["languages"].items():
            cells = [f"{entry[m]['micro_f1']:.2f}/{entry[m]['macro_f1']:.2f}" for m in methods]
            langs.add_row(language, str(entry["units"]), *cells)
        out.print(langs)
    wrote(*written)


@suggest_app.command("next")
def next_command(
    n: Annotated[int, typer.Option("--n", help="How many units.")] = 50,
    as_json: JsonOption = False,
) -> None:
    """Uncoded units to code next: those the classifier is least sure about, and unlike each other."""
    rows = suggest.next_units(open_project(), n=n)
    if as_json:
        print_json(rows)
        return
    for row in rows:
        out.print(f"unit {row['unit_id']}  uncertainty {row['uncertainty']:.3f}")


@suggest_app.command("stats")
def stats_command(csv: CsvOption = None, xlsx: XlsxOption = None, as_json: JsonOption = False) -> None:
    """Per code: suggestions accepted, rejected and open, and the share accepted."""
    check_table_files(csv, xlsx)
    rows = suggest.decision_rates(open_project())
    written = write_table_files({"codes": decision_rates_frame(rows)}, csv, xlsx)
    if as_json:
        print_json(rows)
        return
    table = Table("code", "name", "accepted", "rejected", "open", "accept rate", box=None)
    for r in rows:
        rate = "-" if r["accept_rate"] is None else f"{r['accept_rate']:.0%}"
        table.add_row(
            r["code_id"], r["code_name"], str(r["accepted"]), str(r["rejected"]), str(r["open"]), rate
        )
    out.print(table)
    wrote(*written)
