"""The command contract other tools and scripts rely on."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import click
import typer

from foresight.cli import COMMANDS, app, load_command
from foresight.project import Project
from tests import builders

ROOT = Path(__file__).resolve().parent.parent


def test_init_ingest_and_json_listings(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    project = tmp_path / "scan"
    result = cli("init", str(project))
    assert result.code == 0
    assert re.fullmatch(
        r"Created project 'scan' in .+ with codebook '.+' \(\d+ codes\)", " ".join(result.out.split())
    )
    assert (project / "foresight.toml").is_file() and (project / "foresight.db").is_file()
    pdf = builders.wrapped_pdf(tmp_path / "brief.pdf")
    result = cli("--project", str(project), "ingest", str(pdf), "--actor-type", "cluster", "--lang", "de")
    assert result.code == 0, result.err
    sources = json.loads(cli("--project", str(project), "sources", "--json").out)
    assert len(sources) == 1
    source = sources[0]
    assert {
        k: source[k] for k in ("title", "path", "format", "source_type", "actor_type", "date", "units")
    } == {
        "title": "Sensing clusters",
        "path": str(pdf),
        "format": "pdf",
        "source_type": "other",
        "actor_type": "cluster",
        "date": "2011-04-14",
        "units": 4,
    }
    assert re.fullmatch(r"[0-9a-f]{64}", source["sha256"]) and source["language"] == "de"
    units = json.loads(cli("--project", str(project), "units", "--source", str(source["id"]), "--json").out)
    assert [u["ordinal"] for u in units] == [1, 2, 3, 4]
    assert {"id", "source_id", "ordinal", "text", "start", "end", "page", "section"} <= units[0].keys()
    found = json.loads(cli("--project", str(project), "units", "--search", "TRACEABLE", "--json").out)
    assert [u["ordinal"] for u in found] == [2]


def test_project_from_environment(cli, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    cli("init", str(tmp_path / "p"), "--no-codebook")
    monkeypatch.setenv("FORESIGHT_PROJECT", str(tmp_path / "p"))
    result = cli("sources")
    assert result.code == 0 and "0 sources, 0 units" in result.out


def test_every_command_has_help() -> None:
    def walk(command: Any, path: str) -> list[tuple[str, Any]]:
        found = [(path, command)]
        if hasattr(command, "list_commands"):  # a group of commands
            ctx = click.Context(command)
            for name in command.list_commands(ctx):
                found += walk(command.get_command(ctx, name), f"{path} {name}")
        return found

    commands = walk(typer.main.get_command(app), "foresight")
    assert {"foresight suggest train", "foresight codebook merge", "foresight tui"} <= {
        p for p, _ in commands
    }
    for path, command in commands:
        assert (command.help or "").strip(), f"{path} has no help"
        for param in command.params:
            if param.param_type_name == "option" and not param.hidden:
                assert (param.help or "").strip() or param.is_flag, f"{path} {param.opts[0]} has no help"


def test_the_overview_shows_each_command_s_own_first_line_in_the_order_of_the_work() -> None:
    for entry in COMMANDS:
        command = load_command(entry)
        assert command.name == entry.name
        first = " ".join((command.help or "").strip().split("\n\n")[0].split())
        assert first == entry.summary, entry.name
    panels = list(dict.fromkeys(entry.panel for entry in COMMANDS))
    assert panels == ["Set up", "Ingest", "Code", "Check", "Analyse", "Workshop", "Exchange"]


HEAVY = {"pandas", "scipy", "sklearn", "spacy", "textual", "matplotlib", "sqlalchemy", "numpy"}


def loaded_by(*args: str) -> tuple[set[str], str]:
    """The top-level packages ``foresight ARGS...`` loads in a fresh interpreter, and its output."""
    script = (
        "import sys\n"
        f"sys.argv = ['foresight', *{list(args)!r}]\n"
        "from foresight.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(' '.join(sorted({m.split('.')[0] for m in sys.modules})), file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    return set(done.stderr.split()), done.stdout


def test_help_loads_none_of_the_heavy_libraries() -> None:
    """``foresight --help`` must start at once: no module it imports may load the libraries of
    the analyses, the store or the screen."""
    loaded, out = loaded_by("--help")
    assert not loaded & HEAVY, sorted(loaded & HEAVY)
    assert "Set up" in out and "cooccurrence" in out


def test_listing_codings_of_a_sqlite_project_loads_no_heavy_library(tmp_path: Path) -> None:
    project = Project.init(tmp_path / "p")
    project.close()
    loaded, out = loaded_by("--project", str(tmp_path / "p"), "codings", "--json")
    assert json.loads(out) == []
    assert not loaded & HEAVY, sorted(loaded & HEAVY)


def test_coding_a_unit_of_a_sqlite_project_loads_no_heavy_library(tmp_path: Path) -> None:
    """``foresight code`` writes a SQLite store with the standard library: neither SQLAlchemy
    nor SQLModel loads, for a coding made or refused."""
    from foresight.codebook import import_codebook
    from foresight.ingest import ingest
    from foresight.resources import DEFAULT_CODEBOOK

    project = Project.init(tmp_path / "p")
    import_codebook(project, DEFAULT_CODEBOOK, actor="test")
    (tmp_path / "note.txt").write_text("The offshore wind cluster grows its supply chain again.\n")
    ingest(project, [str(tmp_path / "note.txt")])
    project.close()
    p = ("--project", str(tmp_path / "p"))
    loaded, out = loaded_by(*p, "code", "1", "FC.TREND", "Trend", "--done", "--coder", "anna")
    assert out == "unit 1: applied FC.TREND\nunit 1: already has Trend\nunit 1: done\n"
    assert not loaded & (HEAVY | {"sqlmodel"}), sorted(loaded & (HEAVY | {"sqlmodel"}))
    loaded, out = loaded_by(*p, "code", "2", "FC.TREND", "--coder", "anna")  # no unit 2
    assert out == "" and not loaded & (HEAVY | {"sqlmodel"}), sorted(loaded & (HEAVY | {"sqlmodel"}))


def test_global_options_work_after_the_command_and_version_is_shown(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert cli("init", str(tmp_path / "p"), "--no-codebook").code == 0
    after = cli("sources", "--json", "--project", str(tmp_path / "p"))
    assert after.code == 0 and json.loads(after.out) == []
    short = cli("sources", "-P", str(tmp_path / "p"))
    assert short.code == 0 and "0 sources, 0 units" in short.out
    version = cli("--version")
    assert version.code == 0 and re.fullmatch(r"foresight \d+\.\d+\.\d+\n", version.out)


def test_readme_opens_with_the_two_commands_and_ci_runs_the_second() -> None:
    readme = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```bash\n(.*?)\n```", readme, re.S)
    assert blocks[0].endswith("foresight demo")
    assert blocks[1].endswith("pytest")
    ci = (ROOT / ".ci" / "run").read_text().splitlines()
    assert blocks[1] in ci


def test_init_records_the_database_url_from_the_environment(cli, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A command run later without the variable uses the same store, never a new private one."""
    elsewhere = tmp_path / "server" / "team.db"
    elsewhere.parent.mkdir()
    monkeypatch.setenv("FORESIGHT_DATABASE_URL", f"sqlite:///{elsewhere}")
    assert cli("init", str(tmp_path / "p"), "--no-codebook").code == 0
    assert (
        cli("--project", str(tmp_path / "p"), "ingest", str(builders.web_page(tmp_path / "a.html"))).code == 0
    )
    assert elsewhere.is_file() and not (tmp_path / "p" / "foresight.db").exists()
    monkeypatch.delenv("FORESIGHT_DATABASE_URL")
    assert f'database_url = "sqlite:///{elsewhere}"' in (tmp_path / "p" / "foresight.toml").read_text()
    assert len(json.loads(cli("--project", str(tmp_path / "p"), "sources", "--json").out)) == 1
    assert not (tmp_path / "p" / "foresight.db").exists()


def test_init_with_a_bad_codebook_makes_nothing_and_can_be_retried(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "bad.yaml"
    bad.write_text("schema_version: 1\nname: x\ngroups: []\ncodes:\n  - {id: A, name: A, colour: blue}\n")
    folder = tmp_path / "scan"
    result = cli("init", str(folder), "--codebook", str(bad))
    assert result.code == 1
    assert result.err.strip().startswith(f"Error: {bad}:5: code A: bad colour 'blue' (use #rrggbb)")
    assert not (folder / "foresight.toml").exists() and not (folder / "foresight.db").exists()
    missing = cli("init", str(folder), "--codebook", str(tmp_path / "nope.yaml"))
    assert missing.code == 1 and str(tmp_path / "nope.yaml") in missing.err
    assert not (folder / "foresight.toml").exists()
    again = cli("init", str(folder))
    assert again.code == 0 and "with codebook" in " ".join(again.out.split())
    listed = json.loads(cli("--project", str(folder), "codebook", "list", "--json").out)
    assert len(listed) > 90


def test_help_names_what_to_type_and_keeps_square_brackets(cli) -> None:  # type: ignore[no-untyped-def]
    ingest = cli("ingest", "--help").out
    assert "Usage: foresight ingest [OPTIONS] PATHS..." in ingest
    assert "--date" in ingest and " TEXT " in ingest
    for python in ("<bool>", "<list[str]>", "<str>", "<int>", "{paths}"):
        assert python not in ingest
    code = cli("code", "--help").out
    assert "UNIT_ID [CODES]..." in code and "<" not in code.replace("<=", "")
    assert "[agreement] reliable" in " ".join(cli("agreement", "report", "--help").out.split())
    assert "[embeddings] extra" in " ".join(cli("suggest", "train", "--help").out.split())
    missing = cli("code")
    assert missing.code == 2 and "Missing argument 'UNIT_ID'" in missing.err


def test_init_never_makes_a_project_without_a_codebook_unless_asked(cli, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import foresight.cli.corpus

    monkeypatch.setattr(foresight.cli.corpus, "DEFAULT_CODEBOOK", tmp_path / "gone" / "megatrends.yaml")
    result = cli("init", str(tmp_path / "scan"))
    assert result.code == 1 and "the shipped codebook is missing from this install" in result.err
    assert not (tmp_path / "scan" / "foresight.toml").exists()
    asked = cli("init", str(tmp_path / "bare"), "--no-codebook")
    assert asked.code == 0 and "with codebook" not in asked.out
