"""Faults: processes killed mid-work, a full disk, a read-only store. Nothing saved is ever lost."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import event, func, select

from benchmarks.synthetic import generate
from foresight import coding, corpus
from foresight.codebook import import_codebook
from foresight.errors import ProjectError
from foresight.interop.qdpx_export import export_qdpx
from foresight.maintenance import check
from foresight.project import Project
from foresight.resources import DEFAULT_CODEBOOK, SAMPLE_CORPUS
from foresight.store import Coding, Source, Suggestion, Unit

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="kill -9 is POSIX")
ROOT = Path(__file__).resolve().parents[1]


def rows(project: Project, table: type) -> int:
    with project.session() as session:
        return int(session.execute(select(func.count()).select_from(table)).scalar_one())


def big_archive(tmp_path: Path) -> tuple[Path, tuple[int, int, int]]:
    """A coded project exported: an import that takes a while; and its sources, units, codings."""
    made = generate(tmp_path / "origin", units=6000, codes=60, coders=1, codings_per_unit=1)
    path = tmp_path / "big.qdpx"
    export_qdpx(made.project, path)
    made.project.close()
    return path, (60, 6000, made.codings)


def run_and_kill(command: list[str], delay: float) -> bool:
    """Start ``command``, kill -9 it after ``delay`` seconds; True when it had finished by then."""
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
    time.sleep(delay)
    finished = proc.poll() is not None
    if not finished:
        os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    return finished


def test_a_killed_import_leaves_the_project_as_it_was_and_the_next_run_completes(tmp_path: Path) -> None:
    archive, whole = big_archive(tmp_path)
    project = Project.init(tmp_path / "target", name="target")
    command = [
        sys.executable,
        "-m",
        "foresight",
        "--project",
        str(project.root),
        "import",
        "qdpx",
        str(archive),
    ]
    rng = random.Random(9)
    killed = 0
    for _ in range(4):
        if run_and_kill(command, rng.uniform(0.8, 3.0)):
            break
        killed += 1
        assert [f for f in check(project) if f.severity == "error"] == []
        # all of it or none of it
        assert (rows(project, Source), rows(project, Unit), rows(project, Coding)) in {(0, 0, 0), whole}
    done = subprocess.run(command, capture_output=True, text=True, check=False, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert (rows(project, Source), rows(project, Unit), rows(project, Coding)) == whole
    assert killed, "the import always finished before the kill: make the archive bigger"


def test_a_killed_suggestion_run_touches_no_coding_and_the_next_run_completes(tmp_path: Path) -> None:
    project = Project.init(tmp_path / "p")
    import_codebook(project, DEFAULT_CODEBOOK, actor="test")
    from foresight.ingest import ingest

    ingest(project, [SAMPLE_CORPUS])
    units = [u["id"] for u in corpus.list_units(project)]
    for unit in units[:20]:
        coding.apply_code(project, unit, "FC.TREND", coder="anna")
    command = [sys.executable, "-m", "foresight", "--project", str(project.root), "suggest", "run"]
    for delay in (0.5, 1.5, 2.5):
        run_and_kill(command, delay)
        assert rows(project, Coding) == 20
        assert [f for f in check(project) if f.severity == "error"] == []
    done = subprocess.run(command, capture_output=True, text=True, check=False, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    made = rows(project, Suggestion)
    assert made > 0
    assert subprocess.run(command, capture_output=True, text=True, check=False, cwd=ROOT).returncode == 0
    assert rows(project, Suggestion) == made  # a second run adds nothing twice


def test_a_full_disk_is_a_clear_message_and_loses_nothing(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    project = Project.init(tmp_path / "p")
    import_codebook(project, DEFAULT_CODEBOOK, actor="test")
    from foresight.ingest import ingest

    ingest(project, [SAMPLE_CORPUS])
    units = [u["id"] for u in corpus.list_units(project)]
    coding.apply_code(project, units[0], "FC.TREND", coder="anna")
    with project.engine.connect() as conn:
        pages = conn.exec_driver_sql("PRAGMA page_count").scalar_one()
    project.engine.dispose()

    @event.listens_for(project.engine, "connect")
    def _small_disk(dbapi_connection, _record):  # type: ignore[no-untyped-def]
        dbapi_connection.execute(f"PRAGMA max_page_count = {pages + 2}")  # the disk fills up here

    saved = 1
    with pytest.raises(ProjectError) as caught:
        for unit in units[1:]:
            for code in ("FC.DRIVER", "FC.WEAK_SIGNAL", "MT.IOT", "MT.BIG_DATA", "EI.LOGISTICS"):
                coding.set_memo(project, "unit", unit, coder="anna", text="A long note on this unit. " * 40)
                if coding.apply_code(project, unit, code, coder="anna"):
                    saved += 1
    database = project.root / "foresight.db"
    assert str(caught.value) == (
        f"{database}: the disk is full; this step was not saved, nothing saved before is lost"
    )
    project.engine.dispose()
    event.remove(project.engine, "connect", _small_disk)
    assert rows(project, Coding) == saved > 1
    assert [f for f in check(project) if f.severity == "error"] == []


def test_a_read_only_store_is_a_clear_message(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    assert cli("init", str(tmp_path / "p")).code == 0
    root = tmp_path / "p"
    assert cli("--project", str(root), "ingest", str(SAMPLE_CORPUS)).code == 0
    assert cli("--project", str(root), "code", "1", "FC.TREND", "--coder", "anna").code == 0
    config = root / "foresight.toml"
    read_only = f'database_url = "sqlite:///file:{root / "foresight.db"}?mode=ro&uri=true"\n'
    config.write_text(read_only + config.read_text())  # before the first [table]
    done = cli("--project", str(root), "code", "2", "FC.TREND", "--coder", "anna")
    assert (done.code, done.err.strip()) == (
        1,
        f"Error: {root / 'foresight.db'}: the store is read-only; this step was not saved, "
        "nothing saved before is lost",
    )
    new_file = tmp_path / "new.txt"
    new_file.write_text("A paragraph the read-only store cannot take, long enough to be a unit of its own.\n")
    done = cli("--project", str(root), "ingest", str(new_file))
    assert (done.code, done.err.strip().splitlines()[-1]) == (
        1,
        f"Error: {root / 'foresight.db'}: the store is read-only; this step was not saved, "
        "nothing saved before is lost",
    )
    done = cli("--project", str(root), "codings", "--coder", "anna", "--json")
    assert done.code == 0 and '"unit_id": 1' in done.out


def test_a_store_that_is_not_a_database_is_a_clear_message(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    Project.init(tmp_path / "p").close()
    store = tmp_path / "p" / "foresight.db"
    store.write_bytes(b"a spreadsheet saved over the store\n" * 200)
    for command in (("codings", "--json"), ("sources",)):
        done = cli("--project", str(tmp_path / "p"), *command)
        assert (done.code, done.err.strip()) == (
            1,
            f"Error: sqlite:///{store}: cannot open the store (file is not a database)",
        )
