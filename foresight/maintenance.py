"""Keeping a project safe: snapshots of the store, restoring one, and checking its integrity.

A backup is a consistent snapshot taken while coders go on working: SQLite's online backup
(readers and writers are not stopped; the copy is of one moment) or ``pg_dump`` on PostgreSQL.
Restoring first keeps a snapshot of the store as it is, so a restore loses nothing either.
"""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Engine

from foresight.errors import ForesightError
from foresight.files import file_to_write, whole_file
from foresight.project import Project
from foresight.store.migrations import pending_migrations

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_MAGIC = b"PGDMP"


@dataclass
class Backup:
    path: Path
    kind: str  # sqlite | postgresql
    bytes: int


def _sqlite_path(project: Project) -> Path | None:
    url = project.engine.url
    return Path(url.database) if url.get_backend_name() == "sqlite" and url.database else None


def _pg_url(engine: Engine) -> str:
    return engine.url.set(drivername="postgresql").render_as_string(hide_password=False)


def _pg_schema(engine: Engine) -> str:
    with engine.connect() as conn:
        return str(conn.execute(text("select current_schema()")).scalar_one())


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise ForesightError(
            f"{name} is not installed; install the PostgreSQL client (apt-get install postgresql-client)"
        )
    return found


def _run(command: list[str], what: str) -> None:
    try:
        done = subprocess.run(command, capture_output=True, text=True, check=False, timeout=6 * 3600)
    except OSError as exc:
        raise ForesightError(f"{what}: cannot run {command[0]} ({exc.strerror or exc})") from None
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no message"])[-1]
        raise ForesightError(f"{what}: {Path(command[0]).name} failed: {last}")


def backup(project: Project, path: str | Path) -> Backup:
    """Write a consistent snapshot of the project's store to ``path`` (whole, or not at all)."""
    target = file_to_write(path, "the backup file")
    database = _sqlite_path(project)
    with whole_file(target) as partial:
        if database is not None:
            try:
                source = sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=30)
                copy = sqlite3.connect(partial)
                try:
                    source.backup(copy)  # pages of one moment, while others read and write
                finally:
                    copy.close()
                    source.close()
            except sqlite3.Error as exc:
                raise ForesightError(f"{target}: cannot write the backup ({exc})") from None
            kind = "sqlite"
        else:
            command = [_pg_tool("pg_dump"), "--format=custom", f"--file={partial}", "--no-owner"]
            schema = _pg_schema(project.engine)
            if schema != "public":
                command.append(f"--schema={schema}")
            _run([*command, f"--dbname={_pg_url(project.engine)}"], str(target))
            kind = "postgresql"
    return Backup(target, kind, target.stat().st_size)


def _check_sqlite_backup(path: Path) -> None:
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            status = db.execute("PRAGMA integrity_check").fetchone()[0]
            tables = {r[0] for r in db.execute("select name from sqlite_master where type = 'table'")}
        finally:
            db.close()
    except sqlite3.Error as exc:
        raise ForesightError(f"{path}: not a readable foresight backup ({exc})") from None
    if status != "ok":
        raise ForesightError(f"{path}: the backup is damaged (integrity check: {status})")
    if "schema_migration" not in tables or "coding" not in tables:
        raise ForesightError(f"{path}: not a foresight backup (no foresight tables in it)")


def _unused(path: Path) -> Path:
    """``path`` with the moment added to its name, and a number if that is taken too."""
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    stem, suffix = (path.stem, path.suffix) if path.suffix == ".dump" else (path.name, "")
    candidate, n = path.with_name(f"{stem}-{stamp}{suffix}"), 2
    while candidate.exists():
        candidate, n = path.with_name(f"{stem}-{stamp}-{n}{suffix}"), n + 1
    return candidate


def restore(project: Project, path: str | Path) -> Path:
    """Put the snapshot ``path`` in place of the project's store; return where the store as it
    was just before is kept (a snapshot of its own, so that the restore can be undone)."""
    source = Path(path)
    try:
        with source.open("rb") as fh:
            head = fh.read(16)
    except FileNotFoundError:
        raise ForesightError(f"{source}: no such file") from None
    except OSError as exc:
        raise ForesightError(f"{source}: cannot read ({exc.strerror or exc})") from None
    database = _sqlite_path(project)
    if database is not None:
        if not head.startswith(SQLITE_MAGIC):
            raise ForesightError(f"{source}: not a backup of a SQLite project")
        _check_sqlite_backup(source)
        before = backup(project, _unused(database.with_name(f"{database.name}.before-restore"))).path
        project.engine.dispose()
        snapshot = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        live = sqlite3.connect(database, timeout=30)
        try:
            snapshot.backup(live)  # one write transaction: others see the old store or the new
        except sqlite3.Error as exc:
            raise ForesightError(f"{database}: cannot restore ({exc}); the store is unchanged") from None
        finally:
            live.close()
            snapshot.close()
        return before
    if not head.startswith(PG_MAGIC):
        raise ForesightError(f"{source}: not a pg_dump backup of a PostgreSQL project")
    before = backup(project, _unused(project.root / "foresight.before-restore.dump")).path
    project.engine.dispose()
    _run(
        [
            _pg_tool("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            f"--dbname={_pg_url(project.engine)}",
            str(source),
        ],
        str(source),
    )
    return before


# ------------------------------------------------------------------------------------ check


@dataclass
class Finding:
    severity: str  # error: data is wrong or lost; warning: work to do
    problem: str
    count: int
    examples: list[Any] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "severity": self.severity,
            "problem": self.problem,
            "count": self.count,
            "examples": self.examples,
        }


# (problem, query returning the ids of the rows concerned): rows whose parent is gone
ORPHANS = (
    (
        "units of a missing source",
        "select u.id from unit u left join source s on s.id = u.source_id where s.id is null",
    ),
    (
        "codings of a missing unit",
        "select c.id from coding c left join unit u on u.id = c.unit_id where u.id is null",
    ),
    (
        "spans of a missing coding",
        "select p.id from coding_span p left join coding c on c.id = p.coding_id where c.id is null",
    ),
    (
        "codings of a missing code",
        "select c.id from coding c left join code k on k.id = c.code_id where k.id is null",
    ),
    (
        "codes of a missing codebook",
        "select k.id from code k left join codebook b on b.id = k.codebook_id where b.id is null",
    ),
    (
        "suggestions of a missing unit or code",
        "select g.id from suggestion g left join unit u on u.id = g.unit_id "
        "left join code k on k.id = g.code_id where u.id is null or k.id is null",
    ),
    (
        "suggestion decisions of a missing suggestion",
        "select d.id from suggestion_decision d left join suggestion g on g.id = d.suggestion_id "
        "where g.id is null",
    ),
    (
        "done marks of a missing unit",
        "select m.unit_id from unit_state m left join unit u on u.id = m.unit_id where u.id is null",
    ),
    (
        "memos on a missing unit",
        "select m.id from memo m left join unit u on u.id = m.target_id "
        "where m.kind = 'unit' and u.id is null",
    ),
    (
        "memos on a missing code",
        "select m.id from memo m left join code k on k.id = m.target_id "
        "where m.kind = 'code' and k.id is null",
    ),
    (
        "batch entries of a missing unit",
        "select b.unit_id from batch_unit b left join unit u on u.id = b.unit_id where u.id is null",
    ),
)

# (problem, query returning the ids of the sources concerned): what two ingests writing at once
# without the store's write lock would leave
SOURCES = (
    (
        "files with more than one current version",
        "select min(id) from source where current group by path, locator having count(*) > 1",
    ),
    (
        "sources whose units are not numbered 1, 2, 3, ...",
        "select source_id from unit group by source_id having min(ordinal) <> 1 or max(ordinal) <> count(*)",
    ),
)

OFFSETS = (
    "select u.id from unit u join source s on s.id = u.source_id "
    "where u.start < 0 or u.{end} < u.start or substr(s.text, u.start + 1, u.{end} - u.start) <> u.text"
)

SPAN_OFFSETS = (
    "select p.id from coding_span p join coding c on c.id = p.coding_id join unit u on u.id = c.unit_id "
    "join source s on s.id = u.source_id where p.start < 0 or p.{end} <= p.start "
    "or p.{end} > length(s.text) or p.{end} <= u.start or p.start >= u.{end}"
)

INACTIVE_CODINGS = (
    "select k.status, count(*) from coding c join code k on k.id = c.code_id "
    "join unit u on u.id = c.unit_id join source s on s.id = u.source_id "
    "where k.status <> 'active' and s.current group by k.status"
)

INACTIVE = {
    "retired": "retired codes",
    "merged": "merged codes",
    "split": "split codes (see 'foresight codebook waiting')",
}


def check(project: Project, *, examples: int = 5) -> list[Finding]:
    """Everything wrong with the store: damage, orphaned rows, units whose offsets no longer
    match their source's text, spans outside it or their unit, codings on codes coders can no
    longer use, schema not up to date."""
    findings: list[Finding] = []
    pending = pending_migrations(project.engine)
    if pending:
        findings.append(
            Finding(
                "error", "schema changes not applied (open the project to apply them)", len(pending), pending
            )
        )
    end = '"end"'
    with project.engine.connect() as conn:
        if _sqlite_path(project) is not None:
            status = [r[0] for r in conn.exec_driver_sql("PRAGMA integrity_check").fetchall()]
            if status != ["ok"]:
                findings.append(
                    Finding("error", "the database file is damaged", len(status), status[:examples])
                )
        for problem, query in ORPHANS + SOURCES:
            ids = [r[0] for r in conn.execute(text(query))]
            if ids:
                findings.append(Finding("error", problem, len(ids), sorted(ids)[:examples]))
        for query, problem in (
            (OFFSETS, "units whose offsets no longer match their source's text"),
            (SPAN_OFFSETS, "spans outside their source's text or their unit"),
        ):
            bad = [r[0] for r in conn.execute(text(query.format(end=end)))]
            if bad:
                findings.append(Finding("error", problem, len(bad), sorted(bad)[:examples]))
        for status, count in conn.execute(text(INACTIVE_CODINGS)):
            findings.append(
                Finding("warning", f"codings on {INACTIVE.get(status, status + ' codes')}", int(count))
            )
    return findings
