"""A team on one PostgreSQL server: 'init --database-url', 'join', 'status' and a backup, as the
README's team section gives them, on the server CI starts (skipped without one)."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from foresight.project import Project
from tests import builders

UNREACHABLE = "postgresql+psycopg://coder:secret@127.0.0.1:1/scan"


@pytest.fixture
def server(database_url: str | None) -> str:
    """A PostgreSQL URL with a fresh schema of its own."""
    if database_url is None:
        pytest.skip("needs a PostgreSQL server (FORESIGHT_TEST_DATABASE_URL)")
    return database_url


def with_password(url: str) -> str:
    """The same server with a password in the URL (CI's server trusts local users: any works)."""
    return make_url(url).set(password="s3cret-pw").render_as_string(hide_password=False)


def files_under(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def test_init_on_a_server_records_it_and_commands_without_the_variable_use_it(
    cli, server: str, tmp_path: Path
) -> None:
    team = tmp_path / "team"
    made = cli("init", str(team), "--database-url", with_password(server))
    assert made.code == 0, made.err
    assert "s3cret-pw" not in made.out + made.err
    assert made.out.splitlines()[-1] == (
        "The password is not kept in foresight.toml: give it in PGPASSWORD or ~/.pgpass "
        "(or set FORESIGHT_DATABASE_URL to the whole URL) on each machine"
    )
    toml = (team / "foresight.toml").read_text()
    assert f'database_url = "{server}"' in toml
    assert "s3cret-pw" not in toml
    from foresight.store.dbapi import SqliteStore
    from foresight.store.readonly import sqlite_store

    assert SqliteStore.open(team) is None and sqlite_store(team) is None  # no quick SQLite way
    builders.hard_wrapped_text(team / "report.txt")
    assert cli("-P", str(team), "ingest", str(team / "report.txt")).code == 0
    coded = cli("-P", str(team), "code", "1", "MT.IOT", "--coder", "anna")  # (the quick way is SQLite's)
    assert coded.out == "unit 1: applied MT.IOT\n", coded.err
    status = cli("-P", str(team), "status", "--json")
    assert status.code == 0, status.err
    shown = json.loads(status.out)
    assert shown["kind"] == "postgresql"
    assert shown["store"] == make_url(server).render_as_string()
    assert (shown["schema_current"], shown["codes"], shown["codings"], shown["coders"]) == (True, 102, 1, 1)
    assert shown["units"] > 0
    assert not (team / "foresight.db").exists()
    on_server = Project.join(server, tmp_path / "check")  # what the server itself holds
    try:
        from foresight.coding import list_codings

        assert [(c["unit_id"], c["code_id"], c["coder"]) for c in list_codings(on_server)] == [
            (1, "MT.IOT", "anna")
        ]
    finally:
        on_server.close()


def test_init_takes_the_server_from_the_environment_and_records_it(
    cli, server: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FORESIGHT_DATABASE_URL", server)
    assert cli("init", str(tmp_path / "team2"), "--no-codebook").code == 0
    monkeypatch.delenv("FORESIGHT_DATABASE_URL")
    assert f'database_url = "{server}"' in (tmp_path / "team2" / "foresight.toml").read_text()
    status = cli("-P", str(tmp_path / "team2"), "status")
    assert f"store: {make_url(server).render_as_string()} (PostgreSQL server)\n" in status.out
    assert files_under(tmp_path / "team2") == ["foresight.toml"]


def test_an_unreachable_server_is_named_in_one_line_and_nothing_is_written(cli, tmp_path: Path) -> None:
    failed = cli("init", str(tmp_path / "team"), "--database-url", UNREACHABLE)
    assert failed.code == 1
    assert failed.err.startswith(
        "Error: postgresql+psycopg://coder:***@127.0.0.1:1/scan: cannot open the store (connection failed:"
    )
    assert failed.err.count("\n") == 1 and "secret" not in failed.err
    assert files_under(tmp_path) == []
    joined = cli("join", UNREACHABLE, str(tmp_path / "mine"))
    assert (joined.code, joined.err) == (1, failed.err)
    assert files_under(tmp_path) == []
    folder = tmp_path / "project"  # a project folder whose server has gone away
    folder.mkdir()
    (folder / "foresight.toml").write_text(f'name = "p"\ndatabase_url = "{UNREACHABLE}"\n')
    for command in (["status"], ["code", "1", "MT.IOT"], ["codings"], ["units"]):
        failed = cli("-P", str(folder), *command)
        assert (failed.code, failed.err.count("\n")) == (1, 1), command
        assert "127.0.0.1:1" in failed.err and "secret" not in failed.err
    assert files_under(tmp_path) == ["project", "project/foresight.toml"]


def test_a_second_folder_joins_and_sees_the_codings_made_from_the_first(
    cli, server: str, tmp_path: Path
) -> None:
    first, second = tmp_path / "anna", tmp_path / "ben"
    assert cli("init", str(first), "--database-url", server).code == 0
    builders.hard_wrapped_text(tmp_path / "report.txt")
    assert cli("-P", str(first), "ingest", str(tmp_path / "report.txt")).code == 0
    assert cli("-P", str(first), "code", "1", "MT.IOT", "--coder", "anna").code == 0
    joined = cli("join", server, str(second))
    assert joined.code == 0, joined.err
    assert joined.out.startswith(f"Joined {make_url(server).render_as_string()} in {second}: 1 sources, ")
    assert joined.out.endswith(" units, 102 codes, 1 codings by 1 coders\n")
    seen = json.loads(cli("-P", str(second), "codings", "--json").out)
    assert [(c["unit_id"], c["code_id"], c["coder"]) for c in seen] == [(1, "MT.IOT", "anna")]
    assert cli("-P", str(second), "code", "1", "MT.IOT", "--coder", "ben").code == 0
    back = json.loads(cli("-P", str(first), "codings", "--json").out)
    assert [c["coder"] for c in back] == ["anna", "ben"]
    for folder in (first, second):
        assert files_under(folder) == ["foresight.toml"]
    again = cli("init", str(tmp_path / "again"), "--database-url", server)
    assert again.err == (
        f"Error: {make_url(server).render_as_string()}: already holds a foresight project; "
        "join it with 'foresight join URL DIR'\n"
    )
    assert not (tmp_path / "again").exists()


def test_join_refuses_a_server_without_foresight_and_a_newer_schema(cli, server: str, tmp_path: Path) -> None:
    shown = make_url(server).render_as_string()
    empty = cli("join", server, str(tmp_path / "mine"))
    assert (empty.code, empty.err) == (
        1,
        f"Error: {shown}: holds no foresight project; "
        "create one with 'foresight init DIR --database-url URL'\n",
    )
    assert cli("init", str(tmp_path / "team"), "--database-url", server, "--no-codebook").code == 0
    engine = create_engine(server)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO schema_migration (name, applied_at) VALUES ('0099_future', now())"))
    engine.dispose()
    newer = (
        f"Error: {shown}: the store's schema is newer than this foresight (0099_future); "
        "upgrade foresight to use it\n"
    )
    refused = cli("join", server, str(tmp_path / "mine"))
    assert (refused.code, refused.err) == (1, newer)
    assert cli("-P", str(tmp_path / "team"), "status").err == newer
    assert sorted(os.listdir(tmp_path)) == ["team"]


def test_a_team_backs_up_the_server_project(cli, server: str, tmp_path: Path) -> None:
    """The README's third team command: a snapshot of the server's project, from any folder."""
    assert cli("init", str(tmp_path / "team"), "--database-url", server).code == 0
    assert cli("join", server, str(tmp_path / "mine")).code == 0
    done = cli("-P", str(tmp_path / "mine"), "backup", str(tmp_path / "team.dump"))
    assert done.code == 0, done.err
    assert done.out.startswith(f"Wrote {tmp_path / 'team.dump'} (postgresql, ")
    assert (tmp_path / "team.dump").read_bytes().startswith(b"PGDMP")


def test_init_refuses_a_url_that_is_not_one_without_showing_it(cli, tmp_path: Path) -> None:
    failed = cli("init", str(tmp_path / "t"), "--database-url", "postgresql+psycopg://me:pw@host:port/db")
    assert failed.err == (
        "Error: the database URL is not valid (invalid literal for int() with base 10: 'port'); "
        "write it as sqlite:///PATH or postgresql+psycopg://USER@HOST:PORT/DBNAME\n"
    )
    assert files_under(tmp_path) == []


README_URL = "postgresql+psycopg://foresight@dbhost:5432/scan"


def test_the_readme_s_team_commands_print_what_it_shows(
    cli, server: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The README's team block, run on this server: 'init' in the administrator's folder, the
    rest in a coder's (README_URL stands for the server; figures are compared by their form)."""
    from tests.test_readme import console_block

    block = console_block(f"foresight init scan --database-url {README_URL}  # once")
    commands = [line[2:].split("  #")[0] for line in block if line.startswith("$ ")]
    shown = [line for line in block if not line.startswith("$ ")]
    assert [c.split()[1] for c in commands] == ["join", "--project", "--project"]
    shown_url = make_url(server).render_as_string()
    printed = []
    admin, coder = tmp_path / "admin", tmp_path / "coder"
    runs = [(admin, f"init scan --database-url {README_URL}"), *((coder, c[10:]) for c in commands)]
    for folder, command in runs:
        folder.mkdir(exist_ok=True)
        monkeypatch.chdir(folder)
        done = cli(*command.replace(README_URL, server).split())
        assert done.code == 0, (command, done.err)
        output = done.out.replace(shown_url, README_URL).replace(str(folder), "/home/me/foresight")
        printed += output.splitlines()

    def form(line: str) -> str:
        return re.sub(r"\d+(\.\d+)?", "<n>", line)

    assert [form(line) for line in printed] == [form(line) for line in shown]
    assert not (admin / "scan" / "foresight.db").exists() and not (coder / "scan" / "foresight.db").exists()


def test_status_counts_the_codes_of_the_active_codebook_only(
    cli, database_url: str | None, tmp_path: Path
) -> None:
    """A codebook imported over the shipped one: its codes are the project's; the shipped one's
    stay in the store (a coding may point at them) but are not counted."""
    folder = tmp_path / "scan"
    made = cli("init", str(folder), *(["--database-url", database_url] if database_url else []))
    assert made.code == 0, made.err
    builders.hard_wrapped_text(tmp_path / "report.txt")
    assert cli("-P", str(folder), "ingest", str(tmp_path / "report.txt")).code == 0
    assert cli("-P", str(folder), "code", "1", "MT.IOT", "--coder", "anna").code == 0
    before = json.loads(cli("-P", str(folder), "status", "--json").out)
    assert (before["codes"], before["codings"]) == (102, 1)
    (tmp_path / "mine.yaml").write_text(
        "schema_version: 1\n"
        "codebook: {name: Mobility scan}\n"
        "groups:\n"
        "  - {id: MOB, name: Mobility}\n"
        "codes:\n"
        "  - {id: MOB.ELECTRIC, name: Electric vehicles, group: MOB, definition: Battery cars.}\n"
        "  - {id: MOB.SHARED, name: Shared mobility, group: MOB, definition: Car and bike sharing.}\n"
        "  - {id: MOB.RAIL, name: Rail, group: MOB, definition: Trains and trams.}\n"
    )
    loaded = cli("-P", str(folder), "codebook", "import", str(tmp_path / "mine.yaml"))
    assert loaded.out.startswith("Loaded codebook 'Mobility scan': 3 codes"), loaded.err
    after = json.loads(cli("-P", str(folder), "status", "--json").out)
    assert (after["codes"], after["codings"], after["coders"]) == (3, 1, 1)
    shown = cli("-P", str(folder), "status").out
    assert "\ncodes: 3\n" in shown
