"""Small coded projects for the co-occurrence, trend and network tests, built with bulk inserts."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from sqlalchemy import insert
from sqlmodel import select

from foresight.codebook import import_codebook
from foresight.project import Project
from foresight.store import Code, Coding, Source, Unit

CODEBOOK = """schema_version: 1
codebook:
  name: Small
  version: 1
groups:
  - id: MT
    name: Megatrends
  - id: EI
    name: Emerging industries
codes:
"""


def small_codebook(folder: Path, codes: dict[str, str]) -> Path:
    """A codebook with ``codes`` (id -> name); the group is the part of the id before the dot."""
    text = CODEBOOK + "".join(
        f"  - id: {cid}\n    name: {name}\n    group: {cid.split('.')[0]}\n    definition: {name}.\n"
        for cid, name in codes.items()
    )
    path = folder / "small.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def build(
    project: Project,
    codes: dict[str, str],
    units: list[tuple[str, dict[str, list[str]]]],
    sources: dict[str, dict[str, Any]] | None = None,
) -> dict[str, list[int]]:
    """Load the codebook and add units: (source title, {coder: [code ids]}) each.

    ``sources`` gives a title's source_type, actor_type and date; the unit's period follows
    the date. Returns the unit row ids per source title, in order.
    """
    import_codebook(project, small_codebook(project.root, codes), actor="test")
    sources = sources or {}
    ids: dict[str, list[int]] = {}
    with project.transaction() as session:
        code_rows = {c.code_id: c.id for c in session.exec(select(Code))}
        made: dict[str, Source] = {}
        for title, _ in units:
            if title in made:
                continue
            meta = sources.get(title, {})
            made[title] = Source(
                title=title,
                path=f"/{title}",
                sha256=title,
                file_sha256=title,
                format="txt",
                source_type=meta.get("source_type", "other"),
                actor_type=meta.get("actor_type"),
                date=meta.get("date"),
            )
            session.add(made[title])
        session.flush()
        ordinal: dict[str, int] = {}
        unit_rows = []
        for title, _ in units:
            ordinal[title] = ordinal.get(title, 0) + 1
            day: dt.date | None = made[title].date
            unit_rows.append(
                {
                    "source_id": made[title].id,
                    "ordinal": ordinal[title],
                    "text": f"{title} paragraph {ordinal[title]}",
                    "start": 0,
                    "end": 1,
                    "period": project.config.period_of(day),
                    "attributes": {},
                }
            )
        session.execute(insert(Unit), unit_rows)
        rows = session.exec(select(Unit.id, Unit.source_id).order_by(Unit.id)).all()
        by_source = {s.id: t for t, s in made.items()}
        unit_ids = [r[0] for r in rows]
        for uid, sid in rows:
            ids.setdefault(by_source[sid], []).append(uid)
        codings = [
            {"unit_id": uid, "code_id": code_rows[c], "coder": coder, "origin": "manual"}
            for uid, (_, by_coder) in zip(unit_ids, units, strict=True)
            for coder, applied in by_coder.items()
            for c in applied
        ]
        if codings:
            session.execute(insert(Coding), codings)
    return ids
