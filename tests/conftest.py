"""Projects in temporary folders, on SQLite and (when a server is named) on PostgreSQL.

Set FORESIGHT_TEST_DATABASE_URL=postgresql+psycopg://USER@HOST/DB to run every store test a
second time on PostgreSQL; each test gets a schema of its own, dropped afterwards.
"""

from __future__ import annotations

import os
import sys
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from foresight.project import Project

PG_ENV = "FORESIGHT_TEST_DATABASE_URL"


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("FORESIGHT_PROJECT", "FORESIGHT_DATABASE_URL", "FORESIGHT_DEBUG"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def backend(request: pytest.FixtureRequest) -> Iterator[Callable[[], str | None]]:
    """Makes a store on the test's backend: None for SQLite, else a PostgreSQL URL with a fresh
    schema of its own (each dropped afterwards)."""
    if request.param == "sqlite":
        yield lambda: None
        return
    base = os.environ.get(PG_ENV)
    if not base:
        pytest.skip(f"{PG_ENV} is not set")
    admin = create_engine(base)
    schemas: list[str] = []

    def make() -> str:
        schema = f"t_{uuid.uuid4().hex[:16]}"
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        schemas.append(schema)
        sep = "&" if "?" in base else "?"
        return f"{base}{sep}options=-csearch_path%3D{schema}"

    yield make
    with admin.begin() as conn:
        for schema in schemas:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture
def database_url(backend: Callable[[], str | None]) -> str | None:
    """None for the SQLite default; a PostgreSQL URL with a fresh schema otherwise."""
    return backend()


@pytest.fixture
def make_project(tmp_path: Path, backend: Callable[[], str | None]) -> Iterator[Callable[[str], Project]]:
    """More projects on the test's backend, each in a folder and a store of its own."""
    made: list[Project] = []

    def make(name: str) -> Project:
        proj = Project.init(tmp_path / name, database_url=backend())
        made.append(proj)
        return proj

    yield make
    for proj in made:
        proj.close()


@pytest.fixture
def project(tmp_path: Path, database_url: str | None) -> Iterator[Project]:
    proj = Project.init(tmp_path / "project", database_url=database_url)
    yield proj
    proj.close()


@dataclass
class Result:
    code: int
    out: str
    err: str


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """Run ``foresight ARGS...`` in this process; returns exit code, stdout and stderr."""
    from foresight.cli import main

    def run(*args: str) -> Result:
        monkeypatch.setattr(sys, "argv", ["foresight", *args])
        capsys.readouterr()
        try:
            main()
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run
