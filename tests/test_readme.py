"""The README's console examples are what the commands print, so that they cannot drift.

The demo's account in the README is compared with a run of ``foresight demo`` line by line:
every line the README shows must be printed, once paths, the temporary folder, the time taken
and the widths of rules are set aside. Lines the README cuts (``…``) are not compared.

Every other console block runs too: those of "The same steps by hand" in the demo's folder, those
of the reference sections (from "A first project" on) each on a copy of the demo's project. A
block that cannot run here (the coders' screen; the OCR example, unless asked for) is skipped
with its reason, and every ``$ foresight ...`` line of the README, run or not, is parsed by the
real command line.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import typer

from foresight.cli import app, globals_first

ROOT = Path(__file__).resolve().parents[1]
HOME = "/home/me/foresight"  # where the README's commands run


def console_block(after: str) -> list[str]:
    """The lines of the first ``console`` block that starts with the command ``after``."""
    readme = (ROOT / "README.md").read_text()
    for block in re.findall(r"```console\n(.*?)\n```", readme, re.S):
        lines = block.splitlines()
        if lines and lines[0] == f"$ {after}":
            return lines[1:]
    raise AssertionError(f"README.md has no console block starting with '$ {after}'")


def normalised(line: str, project: str) -> str:
    line = line.replace(project, "<project>")
    line = re.sub(r"/tmp/foresight-demo-\w+", "<project>", line)
    line = re.sub(r"/\S*?/foresight/data/", "<data>/", line)
    line = re.sub(r"Done in \d+(\.\d+)? s", "Done in <t> s", line)
    line = re.sub(r"\d{8}T\d{6}Z", "<moment>", line)  # e.g. the store kept by a restore
    line = re.sub(r"clf-\d{14}-[0-9a-f]{6}", "clf-<version>", line)  # a model's version
    line = re.sub(r"\(sqlite, \d+(\.\d+)? MB\)", "(sqlite, <size> MB)", line)  # a backup's size
    line = re.sub(r"─{3,}", "──", line)  # rules span the terminal's width
    return " ".join(line.split())


def said(line: str, printed: set[str]) -> bool:
    """Whether a README line was printed; ``[…]`` or ``…`` in it stands for words left out."""
    if "…" not in line:
        return line in printed
    pattern = re.compile(".*".join(re.escape(part.strip()) for part in re.split(r"\[…\]|…", line)))
    return any(pattern.fullmatch(candidate) for candidate in printed)


@dataclass
class Demo:
    folder: Path  # where the commands run: the README's /home/me/foresight
    project: Path
    env: dict[str, str]
    output: str


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    folder = tmp_path_factory.mktemp("readme")
    project = folder / "demo"
    env = {k: v for k, v in os.environ.items() if not k.startswith("FORESIGHT_")}
    env |= {"COLUMNS": "100", "PATH": f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"}
    done = subprocess.run(
        [sys.executable, "-m", "foresight", "demo", str(project)],
        capture_output=True,
        text=True,
        env=env,
        cwd=folder,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    (folder / "foresight").symlink_to(ROOT / "foresight")  # the README's paths, from the checkout
    return Demo(folder, project, env, done.stdout)


def missing_lines(
    shown: list[str], output: str, demo: Demo, folder: Path | None = None, form_only: bool = False
) -> list[str]:
    """The README lines ``shown`` that ``output`` does not print; ``folder``: where the commands
    ran when not in the demo's folder (it stands for the README's /home/me/foresight);
    ``form_only``: every number set aside too (figures that change from run to run)."""
    folder = folder or demo.folder

    def masked(line: str) -> str:
        return re.sub(r"\d+(\.\d+)?", "<n>", line) if form_only else line

    printed = {
        masked(normalised(line, str(demo.project)).replace(str(folder), HOME)) for line in output.splitlines()
    }
    return [
        line
        for line in shown
        if line.strip() not in ("…", "") and not said(masked(normalised(line, str(demo.project))), printed)
    ]


def test_the_readme_shows_what_the_demo_prints(demo: Demo) -> None:
    missing = missing_lines(console_block("foresight demo"), demo.output, demo)
    assert missing == [], "README lines the demo no longer prints:\n" + "\n".join(missing)


def test_the_readme_s_steps_by_hand_print_what_it_shows(demo: Demo) -> None:
    """Each console block of "The same steps by hand", run as a script: the newcomer's on the
    project the first one makes, the later ones on the demo's, as the README says."""
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## The same steps by hand", 1)[1].split("\n## ", 1)[0]
    newcomer, on_demo = section.split("From here on the output shown is that of the demo's project", 1)
    console = re.compile(r"```console\n(.*?)\n```", re.S)
    blocks = [(block, demo.folder / "scan") for block in console.findall(newcomer)]
    blocks += [(block, demo.project) for block in console.findall(on_demo)]
    assert len(blocks) >= 5
    for number, (block, project) in enumerate(blocks):
        lines = block.splitlines()
        commands = [line[2:].split("  #")[0] for line in lines if line.startswith("$ ")]
        if commands == ["foresight tui --coder anna"]:
            continue  # the coders' screen, shown in a table, not as output
        env = demo.env | {"COLUMNS": "200"}  # a wide terminal: no line wraps
        if number:  # (the first block makes the project and names it)
            env["FORESIGHT_PROJECT"] = str(project)
        done = subprocess.run(
            ["bash", "-ec", "\n".join(commands)], capture_output=True, text=True, env=env, cwd=demo.folder
        )
        assert done.returncode == 0, (commands, done.stderr[-2000:])
        shown = [line for line in lines if not line.startswith("$ ")]
        missing = missing_lines(shown, done.stdout + done.stderr, demo)
        assert missing == [], f"README lines {commands} no longer print:\n" + "\n".join(missing)


# The reference sections: every console block from "A first project" on runs, on a copy of the
# demo's project, in a folder of its own (blocks write files and change the store).

REFERENCE = "\n## A first project\n"
SHARED = ROOT.parent / "shared"  # real documents and other tools' projects, beside the checkout
SCAN = SHARED / "realdocs" / "scan-ocr-layer-zh.pdf"  # a 6-page Chinese scan
QUALCODER = SHARED / "refi-qda" / "samples" / "qc-1.3.2-demo.qdpx"


@dataclass(frozen=True)
class Block:
    section: str  # the heading it is under
    lines: tuple[str, ...]

    @property
    def commands(self) -> list[str]:
        return [line[2:] for line in self.lines if line.startswith("$ ")]

    @property
    def shown(self) -> list[str]:
        return [line for line in self.lines if not line.startswith("$ ")]

    @property
    def name(self) -> str:
        return self.commands[0].split("  #")[0].strip()


def reference_blocks() -> list[Block]:
    text = REFERENCE + (ROOT / "README.md").read_text().split(REFERENCE, 1)[1]
    blocks = []
    for part in re.split(r"\n(?=#{2,3} )", text):
        heading = part.splitlines()[0].lstrip("# ") if part.startswith("#") else ""
        for block in re.findall(r"```console\n(.*?)\n```", part, re.S):
            blocks.append(Block(heading, tuple(block.splitlines())))
    return blocks


def ocr_left_out() -> str | None:
    """Why the OCR example does not run here, or None when it does."""
    if os.environ.get("FORESIGHT_TEST_OCR") != "1":
        return "reads a 6-page scan with Tesseract (over a minute): set FORESIGHT_TEST_OCR=1 to run it"
    if not SCAN.is_file():
        return f"needs the scan {SCAN}"
    languages = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True, check=False)
    if not {"chi_sim", "eng"} <= set(languages.stdout.split()):
        return "needs Tesseract with the chi_sim and eng languages"
    return None


def left_out(block: Block) -> str | None:
    """Why a block is only parsed, not run (None: it runs)."""
    if block.name == "foresight tui --coder anna":
        return "the coders' screen is interactive (its keys are in the table beside it)"
    if block.name.startswith("foresight ingest scans/ --ocr"):
        return ocr_left_out()
    if "@dbhost:" in "\n".join(block.commands):
        return "needs the team's PostgreSQL server; tests/test_team.py runs these commands on CI's server"
    if "qc-demo.qdpx" in "\n".join(block.commands) and not QUALCODER.is_file():
        return f"imports QualCoder's own export, {QUALCODER}, not here"
    return None


FORM_ONLY = ("foresight bench",)  # figures that change from run to run: their form is compared
FAILING = {  # the commands the README shows failing, and their exit status
    "foresight ingest ../foresight/data/sample ../scans --source-type policy --actor-type cluster": 1,
    "foresight workshop validate broken.yaml": 1,
}


def readme_files() -> dict[str, str]:
    """The input files the README shows in full ("`sheet.csv` here holds ..." and its block)."""
    readme = (ROOT / "README.md").read_text()
    found = re.findall(r"`([\w.-]+)` here (?:is|holds)(?:(?!```).)*```\w*\n(.*?\n)```", readme, re.S)
    return dict(found)


def test_the_readme_shows_its_input_files() -> None:
    assert set(readme_files()) == {"mine.yaml", "sheet.csv", "group2.csv"}


def setup_folder(folder: Path, block: Block, demo: Demo) -> None:
    """A folder as the README's /home/me/foresight: the checkout's data, the demo's project
    (a copy) as ``demo``, the input files the README shows and a scan in ``scans/``."""
    from tests.builders import scanned_pdf

    (folder / "foresight").symlink_to(ROOT / "foresight")
    shutil.copytree(demo.project, folder / "demo", ignore=shutil.ignore_patterns("outputs"))
    for name, text in readme_files().items():
        (folder / name).write_text(text, encoding="utf-8")
    (folder / "scans").mkdir()
    if block.name.startswith("foresight ingest scans/ --ocr"):
        shutil.copy(SCAN, folder / "scans" / SCAN.name)
    else:
        scanned_pdf(folder / "scans" / "scan-2009.pdf")
    if QUALCODER.is_file():
        shutil.copy(QUALCODER, folder / "qc-demo.qdpx")


@pytest.mark.parametrize("block", reference_blocks(), ids=lambda block: block.name[:60])
def test_each_reference_example_prints_what_the_readme_shows(
    block: Block, demo: Demo, tmp_path: Path
) -> None:
    why = left_out(block)
    if why:
        pytest.skip(f"only parsed: {why}")
    setup_folder(tmp_path, block, demo)
    env = demo.env | {"COLUMNS": "200"}  # a wide terminal: no line wraps
    if block.section != "A first project":  # (that one makes its own project and goes into it)
        env["FORESIGHT_PROJECT"] = str(tmp_path / "demo")
    exits = tmp_path / "exits"  # each command's exit status, in turn
    script = "".join(f'{command}\necho $? >> "{exits}"\n' for command in block.commands)
    done = subprocess.run(
        ["bash", "-c", script],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=600,
        check=False,
    )
    statuses = [int(status) for status in exits.read_text().split()]
    form_only = block.name.startswith(FORM_ONLY)
    if form_only:  # a missed target is exit 1: the form is what is checked here
        assert set(statuses) <= {0, 1}, (block.commands, done.stderr[-2000:])
    else:
        expected = [FAILING.get(command.split("  #")[0].strip(), 0) for command in block.commands]
        assert statuses == expected, (block.commands, done.stderr[-2000:])
    missing = missing_lines(block.shown, done.stdout + done.stderr, demo, tmp_path, form_only)
    assert missing == [], f"README lines {block.commands} no longer print:\n" + "\n".join(missing)


def test_the_examples_left_unrun_are_these() -> None:
    """Which blocks only have their commands parsed, and why; run pytest -rs to see it too."""
    unrun = {block.name: left_out(block) for block in reference_blocks() if left_out(block)}
    assert set(unrun) <= {
        "foresight tui --coder anna",
        "foresight ingest scans/ --ocr-languages chi_sim+eng",
        "foresight export qdpx scan.qdpx",
        "foresight init scan --database-url postgresql+psycopg://foresight@dbhost:5432/scan",
    }, unrun


def foresight_lines() -> list[str]:
    readme = (ROOT / "README.md").read_text()
    return [
        line[2:]
        for block in re.findall(r"```console\n(.*?)\n```", readme, re.S)
        for line in block.splitlines()
        if line.startswith("$ foresight ")
    ]


@pytest.mark.parametrize("line", foresight_lines())
def test_every_readme_command_parses(line: str) -> None:
    """Each ``$ foresight ...`` line of the README, run or not, is parsed by the real command
    line: a command or an option renamed, or a value it no longer takes, fails here."""
    words = shlex.split(line, comments=True)
    for i, word in enumerate(words):
        if word in ("&&", "||", "|", ";", ">", ">>"):
            words = words[:i]
            break
    assert words[0] == "foresight"
    command, path, args = typer.main.get_command(app), ["foresight"], globals_first(words[1:])
    while True:
        try:
            ctx = command.make_context(" ".join(path), list(args))
        except Exception as exc:  # typer's click: a usage error (no such option, a bad value, ...)
            if not hasattr(exc, "format_message"):
                raise
            pytest.fail(f"{line}: {exc.format_message()}")
        rest = [*getattr(ctx, "_protected_args", []), *ctx.args]  # what a group leaves to a command
        if not hasattr(command, "list_commands") or not rest:  # (a group may run as a command)
            break
        found = command.get_command(ctx, rest[0])
        assert found is not None, f"{line}: {' '.join(path)} has no command {rest[0]!r}"
        command, path, args = found, [*path, rest[0]], rest[1:]
    assert path != ["foresight"], f"{line}: no command"
