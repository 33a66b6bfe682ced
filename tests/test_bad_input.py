"""Each bad input: its one-line message, the exit code, and a store without a trace of it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from foresight import corpus
from foresight.errors import ConfigError
from foresight.ingest import ingest
from foresight.project import Project
from tests import builders


def failures(project: Project, *paths: Path) -> dict[str, str]:
    report = ingest(project, list(paths))
    return {Path(o.location).name: o.message for o in report.failed}


def test_each_bad_file_is_named_with_its_problem_and_the_good_ones_go_in(
    project: Project, tmp_path: Path
) -> None:
    corrupt = tmp_path / "corrupt.pdf"
    corrupt.write_bytes(builders.wrapped_pdf(tmp_path / "x.pdf").read_bytes()[:700])
    (tmp_path / "x.pdf").unlink()
    fake = tmp_path / "fake.pdf"
    fake.write_bytes(b"This is not a PDF at all, just text with a .pdf name.")
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    blank = tmp_path / "blank.md"
    blank.write_text("  \n\n \n")
    binary = tmp_path / "random.txt"
    binary.write_bytes(bytes(range(256)) * 40)
    odd = tmp_path / "slides.pptx"
    odd.write_bytes(b"PK\x03\x04 not really")
    weird = tmp_path / "data.bin"
    weird.write_bytes(b"\x00\x01")
    good = builders.web_page(tmp_path / "news.html")
    found = failures(
        project,
        corrupt,
        fake,
        builders.encrypted_pdf(tmp_path / "locked.pdf"),
        builders.scanned_pdf(tmp_path / "scan.pdf"),
        empty,
        blank,
        binary,
        odd,
        weird,
        good,
        tmp_path / "missing.docx",
    )
    assert found["corrupt.pdf"].startswith("not a readable PDF (")
    assert found["fake.pdf"] == "not a PDF (the file does not start with %PDF)"
    assert found["locked.pdf"] == "the PDF is encrypted (password protected); save an unlocked copy"
    assert found["scan.pdf"] == "has no text layer (a scanned PDF?); run OCR on it: foresight ingest --ocr"
    assert found["empty.txt"] == "empty file"
    assert found["blank.md"] == "empty file"
    assert found["random.txt"] in (
        "cannot tell the text encoding (is it a binary file?)",
        "holds NUL bytes: a binary file, not text",
    )
    assert found["slides.pptx"] == "slides are not read; export them to PDF"
    assert found["data.bin"].startswith("unsupported file type '.bin' (reads .atom, .csv, ")
    assert found["missing.docx"] == "no such file"
    assert "news.html" not in found
    sources = corpus.list_sources(project, all_versions=True)
    assert [s["format"] for s in sources] == ["html"]
    assert {u["source_id"] for u in corpus.list_units(project, all_versions=True)} == {sources[0]["id"]}


def test_over_large_file_is_refused_by_the_configured_cap(tmp_path: Path) -> None:
    project = Project.init(tmp_path / "p")
    toml = project.root / "foresight.toml"
    toml.write_text(toml.read_text().replace("max_file_mb = 50", "max_file_mb = 0.001"))
    project = Project.open(project.root)
    big = tmp_path / "big.txt"
    big.write_text("Clusters grow. " * 200)
    assert failures(project, big) == {
        "big.txt": "0.003 MB is over the 0.001 MB limit (max_file_mb in foresight.toml)"
    }
    assert corpus.list_sources(project) == []  # nothing of it in the store


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("-1", "[ingest] max_file_seconds must be 0 (no cap) or a number of seconds"),
        ("inf", "[ingest] max_file_seconds must be 0 (no cap) or a number of seconds"),
        ('"soon"', "[ingest] holds a value that is not a number (could not convert string to float: 'soon')"),
    ],
)
def test_a_bad_cap_in_foresight_toml_is_named(tmp_path: Path, value: str, problem: str) -> None:
    root = tmp_path / "p"
    Project.init(root).close()
    toml = root / "foresight.toml"
    toml.write_text(toml.read_text().replace("max_file_seconds = 120", f"max_file_seconds = {value}"))
    with pytest.raises(ConfigError) as caught:
        Project.open(root)
    assert str(caught.value) == f"{toml}: {problem}"


def test_a_new_project_caps_reading_a_file_at_two_minutes(tmp_path: Path) -> None:
    project = Project.init(tmp_path / "p")
    assert project.config.ingest.max_file_seconds == 120
    project.close()


def test_cli_reports_one_line_per_failed_file_and_exits_1(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "docs"
    folder.mkdir()
    builders.web_page(folder / "news.html")
    (folder / "empty.txt").write_bytes(b"")
    assert cli("init", str(tmp_path / "p"), "--no-codebook").code == 0
    result = cli("--project", str(tmp_path / "p"), "ingest", str(folder))
    assert result.code == 1
    assert result.err.strip().splitlines() == [f"{folder / 'empty.txt'}: empty file"]
    assert result.out.strip() == "1 ingested, 0 updated, 0 skipped, 1 failed; 3 units"
    assert "Traceback" not in result.err


def test_no_project_is_a_one_line_error(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = cli("--project", str(tmp_path), "sources")
    assert result.code == 1
    assert result.err.strip() == (
        f"Error: {tmp_path}: not a foresight project (no foresight.toml); "
        "run 'foresight init' or pass --project DIR"
    )


def test_usage_errors_exit_2(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cli("init", str(tmp_path / "p"), "--no-codebook")
    result = cli("--project", str(tmp_path / "p"), "ingest", str(tmp_path), "--source-type", "tweet")
    assert result.code == 2
    assert "'tweet' is not one of news, blog, policy" in result.err


@pytest.mark.skipif(sys.platform == "win32", reason="kill -9 is POSIX")
def test_killed_ingest_leaves_only_whole_sources(tmp_path: Path) -> None:
    """Kill ingest at several moments: every source in the store has all its units."""
    folder = tmp_path / "docs"
    folder.mkdir()
    for i in range(30):
        builders.long_pdf(folder / f"doc{i:02}.pdf", sentences=30 + i)
    project = Project.init(tmp_path / "p")
    command = [sys.executable, "-m", "foresight", "--project", str(project.root), "ingest", str(folder)]
    for delay in (1.5, 2.2, 3.0):
        proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        for source in corpus.list_sources(project):
            units = corpus.list_units(project, source_id=source["id"])
            assert units and units[-1]["end"] == len(corpus.source_text(project, source["id"]))
            assert [u["ordinal"] for u in units] == list(range(1, len(units) + 1))
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert len(corpus.list_sources(project)) == 30
