"""A project: a folder with ``foresight.toml`` and, by default, the SQLite store beside it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session

from foresight.config import (
    CONFIG_NAME,
    DATABASE_NAME,
    ProjectConfig,
    find_project,
    render_config,
)
from foresight.errors import ProjectError
from foresight.store.dbapi import Db
from foresight.store.engine import connection_scope, make_engine, session_scope
from foresight.store.migrations import migrate


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
        """Create a project folder with a fresh ``foresight.toml`` and an empty store."""
        folder = Path(root).resolve()
        config_path = folder / CONFIG_NAME
        if config_path.exists():
            raise ProjectError(f"{folder}: already a foresight project ({CONFIG_NAME} exists)")
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
