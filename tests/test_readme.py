"""The README's console examples are what the commands print, so that they cannot drift.

The demo's account in the README is compared with a run of ``foresight demo`` line by line:
every line the README shows must be printed, once paths, the temporary folder, the time taken
and the widths of rules are set aside. Lines the README cuts (``…``) are not compared.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

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


def missing_lines(shown: list[str], output: str, demo: Demo) -> list[str]:
    printed = {
        normalised(line, str(demo.project)).replace(str(demo.folder), HOME) for line in output.splitlines()
    }
    return [
        line
        for line in shown
        if line.strip() not in ("…", "") and not said(normalised(line, str(demo.project)), printed)
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
