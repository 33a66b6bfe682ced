"""`foresight demo` with its store on PostgreSQL: a module of its own, as it is a second demo run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url


def test_the_demo_runs_on_postgresql(cli, database_url: str | None, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The same pipeline with the store on a server (a fresh schema), recorded in the demo's
    foresight.toml without its password; a store in use is refused."""
    if database_url is None:
        pytest.skip("tests/test_demo.py runs the demo on SQLite")
    secret = make_url(database_url).set(password="s3cret-pw").render_as_string(hide_password=False)
    monkeypatch.setenv("FORESIGHT_DATABASE_URL", secret)  # (the test server takes any password)
    result = cli("demo", str(tmp_path / "pg"))
    assert result.code == 0, result.err
    assert (tmp_path / "pg" / "outputs" / "roadmap.pdf").exists()
    assert not (tmp_path / "pg" / "foresight.db").exists()
    toml = (tmp_path / "pg" / "foresight.toml").read_text()
    assert f'\ndatabase_url = "{database_url}"\n' in toml
    assert "s3cret-pw" not in toml
    again = cli("demo", str(tmp_path / "pg2"))
    assert again.code == 1
    assert again.err.endswith(
        ": the database already holds sources; the demo builds a new project: "
        "point FORESIGHT_DATABASE_URL at an empty database or unset it\n"
    )
    assert not (tmp_path / "pg2" / "foresight.toml").exists()
    monkeypatch.delenv("FORESIGHT_DATABASE_URL")  # the demo project, opened as a coder would
    status = cli("-P", str(tmp_path / "pg"), "status", "--json")
    shown = json.loads(status.out)
    assert (shown["kind"], shown["store"]) == ("postgresql", make_url(database_url).render_as_string())
    assert shown["sources"] > 0 and shown["codings"] > 0
    assert not (tmp_path / "pg" / "foresight.db").exists()
