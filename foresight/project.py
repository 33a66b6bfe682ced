"""A project: a folder with ``foresight.toml`` and, by default, the SQLite store beside it.

A project whose ``foresight.toml`` names a server keeps everything there: no SQLite file is made
or read beside it, and a server that cannot be reached stops the command before anything is
written. ``foresight.toml`` never holds a password: the server takes it from ``PGPASSWORD``,
``~/.pgpass`` or a ``FORESIGHT_DATABASE_URL`` set for the session.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session

from foresight.config import (
    CONFIG_NAME,
    DATABASE_NAME,
    ProjectConfig,
    find_project,
    load_config,
    render_config,
)
from foresight.errors import ProjectError
from foresight.store.dbapi import Db
from foresight.store.engine import connection_scope, make_engine, on_server, session_scope, without_password
from foresight.store.migrations import applied_migrations, migrate, newer_schema


@dataclass
class Project:
    root: Path
    config: ProjectConfig
    engine: Engine

    @property
    def database_url(self) -> str:
        return self.config.database_url or f"sqlite:///{self.root / DATABASE_NAME}"

    @classmethod
    def open(cls, root: str | Path | None = None) -> Project:
        """Open the project in ``root``, ``$FORESIGHT_PROJECT`` or the current folder."""
        folder, config = find_project(root)
        url = config.database_url or f"sqlite:///{folder / DATABASE_NAME}"
        engine = make_engine(url)
        migrate(engine)
        return cls(root=folder, config=config, engine=engine)

    @classmethod
    def init(cls, root: str | Path, *, name: str | None = None, database_url: str | None = None) -> Project:
        """Create a project folder with a fresh ``foresight.toml`` and an empty store.

        With a server's ``database_url`` the schema is made there (a server that already holds a
        foresight project is refused: :meth:`join` it) and the URL, without its password, is
        recorded in ``foresight.toml``; nothing is written when the server cannot be reached."""
        folder = Path(root).resolve()
        config_path = folder / CONFIG_NAME
        if config_path.exists():
            raise ProjectError(f"{folder}: already a foresight project ({CONFIG_NAME} exists)")
        if database_url is not None and on_server(database_url):
            return cls._on_server(folder, name, database_url, join=False)
        folder.mkdir(parents=True, exist_ok=True)
        database = folder / DATABASE_NAME
        fresh_database = not database.exists()
        config_path.write_text(render_config(name or folder.name, database_url), encoding="utf-8")
        try:
            return cls.open(folder)
        except BaseException:  # no half-made project: a second 'init' must work
            config_path.unlink(missing_ok=True)
            if fresh_database:
                for path in (
                    database,
                    database.with_name(database.name + "-wal"),
                    database.with_name(database.name + "-shm"),
                ):
                    path.unlink(missing_ok=True)
            raise

    @classmethod
    def join(cls, database_url: str, root: str | Path, *, name: str | None = None) -> Project:
        """Make a project folder pointing at the foresight project already on a server.

        A server with no foresight schema, or with a newer one than this foresight knows, is
        refused; an older one is brought up to date, as opening a project does."""
        folder = Path(root).resolve()
        if (folder / CONFIG_NAME).exists():
            raise ProjectError(f"{folder}: already a foresight project ({CONFIG_NAME} exists)")
        if not on_server(database_url):
            raise ProjectError(
                f"{database_url!r}: 'join' takes a server's URL (postgresql+psycopg://USER@HOST:PORT/DBNAME)"
            )
        return cls._on_server(folder, name, database_url, join=True)

    @classmethod
    def _on_server(cls, folder: Path, name: str | None, database_url: str, *, join: bool) -> Project:
        """``init`` or ``join`` on a server: the server is checked before the folder and its
        ``foresight.toml`` are written, then its schema is made or brought up to date."""
        engine = make_engine(database_url)
        shown = engine.url.render_as_string()  # (password hidden)
        try:
            done = applied_migrations(engine)
            if join and not done:
                raise ProjectError(
                    f"{shown}: holds no foresight project; "
                    "create one with 'foresight init DIR --database-url URL'"
                )
            if not join and done:
                raise ProjectError(
                    f"{shown}: already holds a foresight project; join it with 'foresight join URL DIR'"
                )
            problem = newer_schema(engine, done or set())
            if problem is not None:
                raise problem
        except BaseException:
            engine.dispose()
            raise
        made_folder = not folder.exists()
        config_path = folder / CONFIG_NAME
        try:
            folder.mkdir(parents=True, exist_ok=True)
            recorded, _ = without_password(database_url)
            config_path.write_text(render_config(name or folder.name, recorded), encoding="utf-8")
            config = load_config(config_path)
            migrate(engine)
        except BaseException:  # no half-made folder: a second try must work
            engine.dispose()
            config_path.unlink(missing_ok=True)
            if made_folder:
                folder.rmdir()
            raise
        # the URL that reached the server (with its password, if it held one) serves this session
        return cls(root=folder, config=replace(config, database_url=database_url), engine=engine)

    def session(self) -> Session:
        return Session(self.engine, expire_on_commit=False)

    def transaction(self):  # type: ignore[no-untyped-def]
        """``with project.transaction() as session:`` commits on success, rolls back on error."""
        return session_scope(self.engine)

    @contextmanager
    def dbapi_transaction(self) -> Iterator[Db]:
        """A transaction on the database driver's own connection (see :mod:`foresight.store.dbapi`),
        committed on success and rolled back on an error."""
        with connection_scope(self.engine) as conn:
            yield Db.over(conn)

    @property
    def integrity_error(self) -> type[Exception]:
        """What the driver raises when a write breaks a constraint (another process was first)."""
        return self.engine.dialect.loaded_dbapi.IntegrityError  # type: ignore[no-any-return]

    def close(self) -> None:
        self.engine.dispose()
