"""A file that takes too long to read, or kills the process reading it, fails alone: the run goes on.

The readers that hang or crash are registered in this process before ``ingest`` forks its
workers, which inherit them.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from foresight import corpus
from foresight.ingest import ingest, pipeline, reading
from foresight.ingest.model import Document
from foresight.ingest.textfile import read_text
from foresight.project import Project

pytestmark = pytest.mark.skipif(
    "fork" not in multiprocessing.get_all_start_methods() or not Path("/proc/self/task").is_dir(),
    reason="forked workers inherit the test readers; children are listed from /proc",
)
CAP = 0.5  # seconds


def slow(data: bytes, location: str) -> list[Document]:
    time.sleep(30)  # the cap stops it long before
    return read_text(data, location)


def killed(data: bytes, location: str) -> list[Document]:
    os.kill(os.getpid(), signal.SIGKILL)  # as the OOM killer would
    return read_text(data, location)


def exits(data: bytes, location: str) -> list[Document]:
    os._exit(3)


@pytest.fixture(autouse=True)
def _test_readers(monkeypatch: pytest.MonkeyPatch) -> None:
    for ext, reader in {".slow": slow, ".killed": killed, ".exits": exits}.items():
        monkeypatch.setitem(reading.READERS, ext, reader)


def children() -> set[int]:
    """Processes this one started and has not reaped yet (zombies included)."""
    tasks = Path(f"/proc/{os.getpid()}/task")
    return {int(pid) for task in tasks.iterdir() for pid in (task / "children").read_text().split()}


@pytest.fixture
def capped(project: Project) -> Iterator[Callable[[float], Project]]:
    """The test's project reopened with ``max_file_seconds`` set in its foresight.toml."""
    opened: list[Project] = []

    def reopen(seconds: float) -> Project:
        toml = project.root / "foresight.toml"
        toml.write_text(re.sub(r"max_file_seconds = \S+", f"max_file_seconds = {seconds}", toml.read_text()))
        opened.append(Project.open(project.root))
        return opened[-1]

    yield reopen
    for each in opened:
        each.close()


def folder(tmp_path: Path, notes: int, *odd: str) -> Path:
    """``notes`` text files and, between them, one file per odd extension (e.g. ``.slow``)."""
    docs = tmp_path / "docs"
    docs.mkdir()
    for i in range(notes):
        (docs / f"{i:02d}-note.txt").write_text(
            f"Note {i}: regional clusters share suppliers and skilled workers.\n\n"
            f"Note {i}: supply chains grow shorter when transport costs rise."
        )
    for i, ext in enumerate(odd):
        (docs / f"{i:02d}-odd{ext}").write_text("Clusters grow where firms share a labour pool.\n" * 3)
    return docs


TWO_WAYS = pytest.mark.parametrize("notes", [2, 9], ids=["one worker", "two workers"])


@TWO_WAYS
def test_a_file_that_hangs_fails_with_the_cap_and_the_others_go_in(
    project: Project, capped: Callable[[float], Project], tmp_path: Path, notes: int
) -> None:
    docs = folder(tmp_path, notes, ".slow")
    before = children()
    started = time.monotonic()
    report = ingest(capped(CAP), [docs], workers=2)
    assert time.monotonic() - started < 20
    assert [(Path(o.location).name, o.message) for o in report.failed] == [
        ("00-odd.slow", "took longer than 0.5 s to read (max_file_seconds in foresight.toml)")
    ]
    assert report.count("ingested") == notes
    sources = corpus.list_sources(project)
    assert sorted(Path(s["path"]).name for s in sources) == [f"{i:02d}-note.txt" for i in range(notes)]
    assert children() == before  # no worker left running, none left unreaped


@TWO_WAYS
def test_a_worker_that_dies_fails_its_file_and_is_replaced(
    project: Project, capped: Callable[[float], Project], tmp_path: Path, notes: int
) -> None:
    docs = folder(tmp_path, notes, ".killed", ".exits")
    before = children()
    report = ingest(capped(60), [docs], workers=2)
    assert [(Path(o.location).name, o.message) for o in report.failed] == [
        ("00-odd.killed", "the process reading it died (SIGKILL, out of memory?)"),
        ("01-odd.exits", "the process reading it died (exit code 3)"),
    ]
    assert report.count("ingested") == notes
    assert len(corpus.list_sources(project)) == notes
    assert children() == before


def test_an_interrupted_ingest_leaves_no_worker_behind(
    project: Project, capped: Callable[[float], Project], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C while the first file is being stored and a worker is on the second, which hangs."""
    docs = folder(tmp_path, 9, ".slow")
    store = pipeline.store_prepared

    def interrupted(*args: object, **kwargs: object) -> pipeline.FileOutcome:
        if not corpus.list_sources(project):
            raise KeyboardInterrupt
        return store(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(pipeline, "store_prepared", interrupted)
    before = children()
    with pytest.raises(KeyboardInterrupt):
        ingest(capped(60), [docs], workers=2)
    assert children() == before
    assert corpus.list_sources(project) == []


def test_cli_names_the_file_that_took_too_long_and_exits_1(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    docs = folder(tmp_path, 2, ".slow")
    assert cli("init", str(tmp_path / "p"), "--no-codebook").code == 0
    toml = tmp_path / "p" / "foresight.toml"
    toml.write_text(toml.read_text().replace("max_file_seconds = 120", "max_file_seconds = 1"))
    result = cli("--project", str(tmp_path / "p"), "ingest", str(docs))
    assert result.code == 1
    assert result.err.strip().splitlines() == [
        f"{docs / '00-odd.slow'}: took longer than 1 s to read (max_file_seconds in foresight.toml)"
    ]
    assert result.out.strip() == "2 ingested, 0 updated, 0 skipped, 1 failed; 4 units"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the kernel's parent-death signal")
def test_a_killed_ingest_takes_its_stuck_worker_with_it(project: Project, tmp_path: Path) -> None:
    """kill -9 of the main process while a worker is caught in a reader that never returns."""
    docs = folder(tmp_path, 9, ".stuck")
    toml = project.root / "foresight.toml"
    toml.write_text(re.sub(r"max_file_seconds = \S+", "max_file_seconds = 0", toml.read_text()))
    main = subprocess.Popen(
        [sys.executable, "-m", "tests.workers.stuck_ingest", str(project.root), str(docs)],
        cwd=Path(__file__).parents[1],
    )
    workers: set[int] = set()
    try:
        deadline = time.monotonic() + 60
        while not workers and time.monotonic() < deadline:  # once its workers are reading
            time.sleep(0.2)
            tasks = Path(f"/proc/{main.pid}/task")
            with contextlib.suppress(OSError):
                workers = {int(p) for t in tasks.iterdir() for p in (t / "children").read_text().split()}
        assert workers, "the ingest started no worker"
        time.sleep(1.0)  # one of them is now stuck in the reader (files are handed out in order)
        main.kill()
        main.wait()
        deadline = time.monotonic() + 10
        while any(Path(f"/proc/{pid}").exists() for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.1)
        left = [pid for pid in workers if Path(f"/proc/{pid}").exists()]
        assert left == [], f"workers {left} outlived the ingest that started them"
    finally:
        main.kill()
        for pid in workers:  # when the test fails: leave no reader looping behind it
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
