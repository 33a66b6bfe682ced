"""What is in the store: sources and units, as records or pandas DataFrames."""

from __future__ import annotations

from typing import Any

import pandas as pd
from sqlalchemy import func, select

from foresight.project import Project
from foresight.store.schema import Source, Unit, iso


def list_sources(
    project: Project, *, all_versions: bool = False, language: str | None = None
) -> list[dict[str, Any]]:
    """One record per source (current versions only unless ``all_versions``); ``language``
    keeps the sources in that language (ISO 639-1, "de")."""
    counts = select(Unit.source_id, func.count(Unit.id).label("units")).group_by(Unit.source_id).subquery()
    query = (
        select(Source, func.coalesce(counts.c.units, 0))
        .outerjoin(counts, counts.c.source_id == Source.id)
        .order_by(Source.id)
    )
    if not all_versions:
        query = query.where(Source.current.is_(True))
    if language:
        query = query.where(Source.language == language.lower())
    with project.session() as session:
        rows = session.execute(query).all()
    return [
        {
            "id": s.id,
            "title": s.title,
            "path": s.path,
            "locator": s.locator,
            "sha256": s.sha256,
            "format": s.format,
            "source_type": s.source_type,
            "actor_type": s.actor_type,
            "date": s.date.isoformat() if s.date else None,
            "date_origin": s.date_origin,
            "language": s.language,
            "author": s.author,
            "version": s.version,
            "current": s.current,
            "previous_id": s.previous_id,
            "ingested_at": iso(s.ingested_at),
            "units": n,
        }
        for s, n in rows
    ]


def list_units(
    project: Project,
    *,
    source_id: int | None = None,
    search: str | None = None,
    limit: int | None = None,
    all_versions: bool = False,
    language: str | None = None,
) -> list[dict[str, Any]]:
    """Units in reading order; ``search`` keeps those whose text contains it (any case),
    ``language`` those in that language (ISO 639-1, "de": the unit's own, see
    :mod:`foresight.ingest.language`)."""
    query = select(Unit).join(Source, Source.id == Unit.source_id).order_by(Unit.source_id, Unit.ordinal)
    if source_id is not None:
        query = query.where(Unit.source_id == source_id)
    elif not all_versions:
        query = query.where(Source.current.is_(True))
    if search:
        query = query.where(func.lower(Unit.text).contains(search.lower(), autoescape=True))
    if language:
        query = query.where(Unit.language == language.lower())
    if limit:
        query = query.limit(limit)
    with project.session() as session:
        units = session.execute(query).scalars().all()
    return [
        {
            "id": u.id,
            "source_id": u.source_id,
            "ordinal": u.ordinal,
            "text": u.text,
            "start": u.start,
            "end": u.end,
            "page": u.page,
            "section": u.section,
            "period": u.period,
            "language": u.language,
            "duplicate_of": u.duplicate_of,
            "attributes": u.attributes,
        }
        for u in units
    ]


def sources_frame(project: Project) -> pd.DataFrame:
    return pd.DataFrame(list_sources(project)).set_index("id", drop=False)


def units_frame(project: Project, **filters: Any) -> pd.DataFrame:
    return pd.DataFrame(list_units(project, **filters)).set_index("id", drop=False)


def source_text(project: Project, source_id: int) -> str:
    with project.session() as session:
        source = session.get(Source, source_id)
        return source.text if source is not None else ""
