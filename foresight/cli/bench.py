"""``foresight bench``: the benchmarks under ``benchmarks/``, one after the other, in one table."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from typing import Annotated, Any

import typer
from rich.table import Table

from foresight.cli.common import JsonOption, err, out, print_json, progress_bar
from foresight.errors import ForesightError
from foresight.resources import ROOT

BENCHMARKS = ROOT / "benchmarks"
# (name, script, arguments for --quick, arguments for the full run: the sizes the targets name)
PLAN: list[tuple[str, str, list[str], list[str]]] = [
    ("ingest", "bench_ingest.py", ["--docs", "16"], ["--docs", "1000"]),
    ("tui", "bench_tui.py", ["--units", "2000", "--presses", "3"], ["--units", "100000"]),
    ("suggest", "bench_suggest.py", ["--units", "2000"], ["--units", "100000"]),
    ("suggest-languages", "bench_suggest_languages.py", ["--no-embeddings"], []),
    ("agreement", "bench_agreement.py", ["--units", "5000", "--runs", "1"], ["--units", "100000"]),
    ("cooccurrence", "bench_cooccurrence.py", ["--units", "50000", "--codings", "150000", "--runs", "1"], []),
    ("trends", "bench_trends.py", ["--units", "20000", "--runs", "1"], []),
    ("tables", "bench_tables.py", ["--units", "2000"], ["--units", "100000"]),
    ("qdpx", "bench_qdpx.py", ["--units", "2000", "--runs", "1"], ["--units", "100000"]),
    ("startup", "bench_startup.py", ["--rounds", "3"], []),
    ("import-codings", "bench_import_codings.py", ["--units", "2000", "--codings", "2000"], []),
    ("cib", "bench_cib.py", ["--runs", "1"], []),
]


def run_benchmark(script: str, arguments: list[str]) -> list[dict[str, Any]]:
    """One benchmark's results; a benchmark that fails is one line naming it."""
    path = BENCHMARKS / script
    done = subprocess.run(
        [sys.executable, str(path), *arguments, "--json"],
        capture_output=True,
        text=True,
        check=False,
        cwd=BENCHMARKS,
    )
    try:
        results = json.loads(done.stdout)["results"]
    except (ValueError, KeyError, TypeError):
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise ForesightError(f"{path}: the benchmark failed (exit {done.returncode}): {last}") from None
    return list(results)


def bench_command(
    quick: Annotated[
        bool, typer.Option("--quick", help="Small sizes: the whole run in about a minute.")
    ] = False,
    only: Annotated[
        list[str] | None,
        typer.Option("--only", help="Run only this benchmark (repeatable): " + ", ".join(p[0] for p in PLAN)),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Run the benchmarks and print each figure beside its target (exit 1 when a target is missed)."""
    if not BENCHMARKS.is_dir():
        raise ForesightError(
            f"{BENCHMARKS}: the benchmarks come with a checkout of foresight, not with this install"
        )
    names = [p[0] for p in PLAN]
    unknown = [n for n in only or [] if n not in names]
    if unknown:
        raise typer.BadParameter(f"{', '.join(unknown)}: not one of {', '.join(names)}", param_hint="--only")
    plan = [p for p in PLAN if not only or p[0] in only]
    results: list[dict[str, Any]] = []
    started = time.perf_counter()
    with progress_bar("{task.description:>12}") as progress:
        task = progress.add_task("benchmarks", total=len(plan))
        for name, script, small, full in plan:
            progress.update(task, description=name)
            for result in run_benchmark(script, small if quick else full):
                results.append({"benchmark": name, **result})
            progress.advance(task)
    seconds = time.perf_counter() - started
    if as_json:
        print_json({"quick": quick, "seconds": round(seconds, 1), "results": results})
    else:
        table = Table("benchmark", "name", "work", "value", "unit", "target", "met", box=None)
        for r in results:
            met = "-" if r.get("met") is None else ("[green]yes[/]" if r["met"] else "[red]no[/]")
            value = r["value"]
            shown = f"{value:,.0f}" if abs(value) >= 1000 or float(value).is_integer() else f"{value:.3g}"
            table.add_row(r["benchmark"], r["name"], r["work"], shown, r["unit"], r.get("target") or "-", met)
        out.print(table)
        missed = sum(r.get("met") is False for r in results)
        err.print(
            f"{len(results)} figures from {len(plan)} benchmarks in {seconds:.0f} s; {missed} targets missed"
        )
    if any(r.get("met") is False for r in results):
        raise typer.Exit(1)
