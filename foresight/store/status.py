"""What a project folder's store is: where it lives, its schema version and what it holds."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import distinct, func, select

from foresight.store.engine import store_name
from foresight.store.migrations import pending_migrations, schema_version
from foresight.store.schema import Code, Codebook, Coding, Source, Unit

if TYPE_CHECKING:
    from foresight.project import Project


@dataclass(frozen=True)
class StoreStatus:
    """A project's store as ``foresight status`` shows it. ``store`` is the SQLite file, or the
    server's URL with its password left out; counts are of current sources and their units, and
    of the codes of the active codebook (those of codebooks imported before it are kept, as
    codings may point at them, but are not the project's codes)."""

    project: str
    kind: str  # sqlite | postgresql
    store: str
    schema_version: str | None  # the newest schema change the store has
    schema_current: bool
    sources: int
    units: int
    codes: int
    codings: int
    coders: int

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def store_status(project: Project) -> StoreStatus:
    """Where ``project`` keeps its store, its schema version and the counts of what it holds."""
    engine = project.engine
    with project.session() as session:

        def count(query: Any) -> int:
            return int(session.execute(query).scalar_one())

        current = Source.current.is_(True)  # type: ignore[attr-defined]
        # the active codebook: the newest marked active (foresight.codebook.catalog.active_codebook)
        active = select(func.max(Codebook.id)).where(Codebook.active.is_(True)).scalar_subquery()  # type: ignore[attr-defined]
        status = StoreStatus(
            project=project.config.name,
            kind=engine.url.get_backend_name(),
            store=store_name(engine),
            schema_version=schema_version(engine),
            schema_current=not pending_migrations(engine),
            sources=count(select(func.count()).select_from(Source).where(current)),
            units=count(select(func.count()).select_from(Unit).join(Source).where(current)),
            codes=count(select(func.count()).select_from(Code).where(Code.codebook_id == active)),
            codings=count(select(func.count()).select_from(Coding)),
            coders=count(select(func.count(distinct(Coding.coder)))),
        )
    return status
