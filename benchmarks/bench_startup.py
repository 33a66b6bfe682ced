"""How long a ``foresight`` command takes to start, paired against ``python -c pass``.

What it measures
----------------
On a project made from the bundled sample corpus (its documents ingested, a few hundred
codings applied), each round runs, one after the other, ``python -c pass``,
``foresight --help``, ``foresight codings --json`` and ``foresight code UNIT CODE`` (a new
coding written, by a coder of that round's own) as separate processes and takes their wall
time. The figures are medians over the rounds: each command's own time, and its time less
the bare interpreter's of the same round (what foresight adds). Targets: ``--help``
under 0.3 s, ``codings --json`` and ``code`` under 0.5 s, each counted less the bare
interpreter. Both ``codings`` and ``code`` take a SQLite store with the standard library
(``codings`` reads it, ``code`` writes its steps through ``foresight.store.dbapi``): neither
loads SQLAlchemy or the table models. What remains is mostly Typer, which loads pydantic to
check each parameter.

Usage::

    python benchmarks/bench_startup.py [--rounds 15] [--json]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from report import Result, report

HELP_TARGET, CODINGS_TARGET = 0.3, 0.5


def less(times: list[float], bare: list[float]) -> list[float]:
    """Each round's time less the bare interpreter's of the same round."""
    return [t - b for t, b in zip(times, bare, strict=True)]


def timed(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    return time.perf_counter() - start


def sample_project(folder: Path) -> Path:
    """A project of the sample corpus with a coding on each of its first 300 units."""
    from foresight import coding
    from foresight.codebook import import_codebook, read_codebook_file
    from foresight.corpus import list_units
    from foresight.ingest import ingest
    from foresight.project import Project
    from foresight.resources import DEFAULT_CODEBOOK, SAMPLE_CORPUS

    project = Project.init(folder / "sample")
    loaded = import_codebook(project, DEFAULT_CODEBOOK, actor="bench")
    ingest(project, [str(SAMPLE_CORPUS)])
    codes = [code.id for code in read_codebook_file(DEFAULT_CODEBOOK)[0].codes]
    for i, unit in enumerate(list_units(project, limit=300)):
        coding.apply_code(project, unit["id"], codes[i % len(codes)], coder="anna")
    project.close()
    assert loaded.codes
    return folder / "sample"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    python = sys.executable
    foresight = [python, "-m", "foresight"]
    with tempfile.TemporaryDirectory() as tmp:
        root = sample_project(Path(tmp))
        env = {**os.environ, "FORESIGHT_PROJECT": str(root)}
        runs: dict[str, list[float]] = {"bare": [], "help": [], "codings": [], "code": []}
        for i in range(args.rounds):
            runs["bare"].append(timed([python, "-c", "pass"], env))
            runs["help"].append(timed([*foresight, "--help"], env))
            runs["codings"].append(timed([*foresight, "codings", "--json"], env))
            code = [*foresight, "code", str(1 + i % 200), "FC.TREND", "--coder", f"bench{i}"]
            runs["code"].append(timed(code, env))
    median = {k: statistics.median(v) for k, v in runs.items()}
    extra = {k: statistics.median(less(runs[k], runs["bare"])) for k in ("help", "codings", "code")}
    work = f"{args.rounds} rounds, medians"
    results = [
        Result("python -c pass", work, median["bare"], "s"),
        Result("foresight --help", work, median["help"], "s"),
        Result("foresight --help, less python -c pass", work, extra["help"], "s", f"< {HELP_TARGET}",
               extra["help"] < HELP_TARGET),
        Result("foresight codings --json (300 codings)", work, median["codings"], "s"),
        Result("foresight codings --json, less python -c pass", work, extra["codings"], "s",
               f"< {CODINGS_TARGET}", extra["codings"] < CODINGS_TARGET),
        Result("foresight code UNIT CODE", work, median["code"], "s"),
        Result("foresight code UNIT CODE, less python -c pass", work, extra["code"], "s",
               f"< {CODINGS_TARGET}", extra["code"] < CODINGS_TARGET),
    ]  # fmt: skip
    return report(results, "Start-up of a command", as_json=args.json)


if __name__ == "__main__":
    sys.exit(main())
