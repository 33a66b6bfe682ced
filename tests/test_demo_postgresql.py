"""`foresight demo` with its store on PostgreSQL: a module of its own, as it is a second demo run."""

from __future__ import annotations

from pathlib import Path

import pytest


def test_the_demo_runs_on_postgresql(cli, database_url: str | None, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The same pipeline with the store on a server (a fresh schema); a store in use is refused."""
    if database_url is None:
        pytest.skip("tests/test_demo.py runs the demo on SQLite")
    monkeypatch.setenv("FORESIGHT_DATABASE_URL", database_url)
    result = cli("demo", str(tmp_path / "pg"))
    assert result.code == 0, result.err
    assert (tmp_path / "pg" / "outputs" / "roadmap.pdf").exists()
    assert not (tmp_path / "pg" / "foresight.db").exists()
    again = cli("demo", str(tmp_path / "pg2"))
    assert again.code == 1
    assert again.err.endswith(
        ": the database already holds sources; the demo builds a new project: "
        "point FORESIGHT_DATABASE_URL at an empty database or unset it\n"
    )
    assert not (tmp_path / "pg2" / "foresight.toml").exists()
