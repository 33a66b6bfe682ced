"""Every command's output on the demo project, saved, and compared with a later run.

A change that moves code and means to change no behaviour is checked with this: save the
outputs before it, compare after it. The run makes a demo project in a temporary folder
(``foresight demo``), then runs each command's ``--help``, the listings and analyses with and
without ``--json``, a few writes (a coding, a memo-free batch, an adjudication) and the files
the analyses write. Times, dates of today and the temporary folder are masked; everything
else must be the same byte for byte.

Usage::

    python -m tests.outputs save FILE.json
    python -m tests.outputs compare FILE.json    # exit 1 and a diff when anything differs
"""

from __future__ import annotations

import argparse
import datetime as dt
import difflib
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import foresight
from foresight.resources import DEFAULT_CODEBOOK, SAMPLE_CORPUS

# (arguments, files the command writes whose text is compared too)
RUNS: list[tuple[list[str], list[str]]] = [
    (["sources"], []),
    (["sources", "--json"], []),
    (["units", "--limit", "30"], []),
    (["units", "--json"], []),
    (["codebook", "list"], []),
    (["codebook", "show", "MT.BIG_DATA"], []),
    (["codebook", "validate", str(DEFAULT_CODEBOOK)], []),
    (["codebook", "export", "{out}/codebook.yaml"], ["codebook.yaml"]),
    (["codings", "--coder", "demo-rules"], []),
    (["codings", "--json"], []),
    (["codings", "--code", "MT.BIG_DATA", "--json"], []),
    (["suggest", "stats"], []),
    (["suggest", "stats", "--json"], []),
    (["suggest", "next", "--json"], []),
    (["agreement", "batches"], []),
    (["agreement", "batches", "--json"], []),
    (["agreement", "report"], []),
    (["agreement", "report", "--json"], []),
    (["agreement", "report", "--csv", "{out}/agreement.csv"], ["agreement.csv"]),
    (["agreement", "disagreements", "--json"], []),
    (["cooccurrence"], []),
    (["cooccurrence", "--stats", "--json"], []),
    (["cooccurrence", "--by", "period", "--json"], []),
    (["cooccurrence", "--csv", "{out}/pairs.csv"], ["pairs.csv"]),
    (["cooccurrence", "units", "MT.BIG_DATA", "EI.LOGISTICS"], []),
    (["trends"], []),
    (["trends", "--json"], []),
    (["network", "--gexf", "{out}/network.gexf"], ["network.gexf"]),
    (["check"], []),
    (["check", "--json"], []),
    (["code", "5", "MT.BIG_DATA", "FC.TREND", "--coder", "zoe"], []),
    (["code", "5", "FC.TREND", "--remove", "--coder", "zoe"], []),
    (["code", "6", "--done", "--coder", "zoe"], []),
    (["codings", "--coder", "zoe", "--json"], []),
    (["agreement", "assign", "--coders", "zoe,yan", "--n", "5", "--seed", "3"], []),
    (["agreement", "batches", "--json"], []),
    (["bursts"], []),
    (["bursts", "--json"], []),
    (["export", "csv", "{out}/csv"], ["csv/codings.csv", "csv/units.csv", "csv/codes.csv"]),
    (["ingest", str(SAMPLE_CORPUS)], []),
]


PACKAGE = Path(foresight.__file__).parent


def _mask(text: str, folder: Path) -> str:
    text = text.replace(str(folder), "<DIR>").replace(str(PACKAGE), "<PACKAGE>")
    today = dt.datetime.now(dt.UTC).date().isoformat()
    text = re.sub(rf"{today}[T ][0-9:.]+(\+00:00)?", "<NOW>", text)
    text = text.replace(today, "<TODAY>")
    return re.sub(r"\b\d+(\.\d+)? ?(s|ms|seconds)\b", "<TIME>", text)


def _help_runs() -> list[list[str]]:
    """``--help`` of the app, of every command and of every subcommand."""
    from foresight.cli import COMMANDS, load_command

    runs = [["--help"]]
    for entry in COMMANDS:
        command = load_command(entry)
        runs.append([entry.name, "--help"])
        for sub in getattr(command, "commands", {}):
            runs.append([entry.name, sub, "--help"])
    return runs


def collect() -> dict[str, str]:
    """Each run's exit code, output and error text, and each written file's text, masked."""
    found: dict[str, str] = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        env = {**os.environ, "COLUMNS": "100", "NO_COLOR": "1", "TERM": "dumb"}
        env.pop("FORESIGHT_PROJECT", None)

        def run(args: list[str]) -> str:
            done = subprocess.run(
                [sys.executable, "-m", "foresight", *args],
                capture_output=True,
                text=True,
                env=env,
                check=False,
            )
            return _mask(f"exit {done.returncode}\n{done.stdout}\n--- stderr\n{done.stderr}", folder)

        project = folder / "demo"
        found["demo"] = run(["demo", str(project)])
        outputs = project / "outputs"
        for name in sorted(p.name for p in outputs.iterdir() if p.suffix in {".csv", ".json", ".gexf"}):
            found[f"demo file {name}"] = _mask(outputs.joinpath(name).read_text(encoding="utf-8"), folder)
        for args in _help_runs():
            found[" ".join(args)] = run(args)
        out = folder / "written"
        out.mkdir()
        for args, files in RUNS:
            filled = [a.replace("{out}", str(out)) for a in args]
            key = _mask(" ".join(args), folder)
            found[key] = run(["--project", str(project), *filled])
            for name in files:
                written = out / name
                text = written.read_text(encoding="utf-8") if written.is_file() else "<not written>"
                found[f"{key} file {name}"] = _mask(text, folder)
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("action", choices=["save", "compare"])
    parser.add_argument("file", type=Path)
    args = parser.parse_args(argv)
    found = collect()
    if args.action == "save":
        args.file.write_text(json.dumps(found, indent=1, ensure_ascii=False), encoding="utf-8")
        print(f"saved {len(found)} outputs to {args.file}")
        return 0
    saved = json.loads(args.file.read_text(encoding="utf-8"))
    differ = 0
    for key in sorted(set(saved) | set(found)):
        before, after = saved.get(key, "<absent>"), found.get(key, "<absent>")
        if before != after:
            differ += 1
            print(f"=== {key}")
            sys.stdout.writelines(
                difflib.unified_diff(before.splitlines(True), after.splitlines(True), "before", "after", n=1)
            )
    print(f"{len(found)} outputs, {differ} differ")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
