"""A coded project over two periods where Big data and Logistics come together: the trend-card tests."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import insert
from sqlmodel import select

from foresight.codebook import import_codebook
from foresight.project import Project
from foresight.resources import DEFAULT_CODEBOOK
from foresight.store import Code, Coding, Source, Unit

EARLY, LATE = dt.date(2005, 6, 1), dt.date(2010, 6, 1)  # the default periods 2000-2006 and 2007-2014
PAIR = ("EI.LOGISTICS", "MT.BIG_DATA", "VR.TECHNOLOGY", "TH.MID")
# (source title, date, codes) per unit: the pair once in 2000-2006, in four sources in 2007-2014
GROWING: list[tuple[str, dt.date, tuple[str, ...]]] = [
    ("e1", EARLY, PAIR),
    ("e2", EARLY, ("EI.LOGISTICS", "MT.TRADE_POLICY", "VR.FRAMEWORK")),
    ("e2", EARLY, ("EI.LOGISTICS", "MT.TRADE_POLICY", "VR.FRAMEWORK")),
    ("e3", EARLY, ("EI.MOBILITY", "MT.SMART_CITY", "VR.PRODUCTS", "TH.SHORT")),
    ("e3", EARLY, ("EI.MOBILITY", "MT.SMART_CITY", "VR.PRODUCTS", "TH.SHORT")),
    ("e1", EARLY, ("MT.BIG_DATA", "VR.TECHNOLOGY")),
    ("l1", LATE, PAIR),
    ("l2", LATE, PAIR),
    ("l3", LATE, PAIR),
    ("l4", LATE, PAIR),
    ("l1", LATE, ("EI.LOGISTICS", "MT.TRADE_POLICY", "VR.FRAMEWORK")),
    ("l2", LATE, ("EI.MOBILITY", "MT.SMART_CITY", "VR.PRODUCTS", "TH.SHORT")),
    ("l3", LATE, ("EI.MOBILITY", "MT.SMART_CITY", "VR.PRODUCTS", "TH.SHORT")),
    # the health topic's own trend, which the mobility roadmap must not show
    ("h1", EARLY, ("EI.BIOPHARMA", "MT.PERSONALISED_MEDICINE", "VR.PRODUCTS")),
    ("h2", LATE, ("EI.BIOPHARMA", "MT.PERSONALISED_MEDICINE", "VR.PRODUCTS")),
    ("h3", LATE, ("EI.BIOPHARMA", "MT.PERSONALISED_MEDICINE", "VR.PRODUCTS")),
    ("h4", LATE, ("EI.BIOPHARMA", "MT.PERSONALISED_MEDICINE", "VR.PRODUCTS")),
]


def dated_project(
    project: Project, units: list[tuple[str, dt.date, tuple[str, ...]]] = GROWING
) -> dict[str, list[int]]:
    """Load the megatrends codebook, add dated sources and their coded units; unit ids per source."""
    import_codebook(project, DEFAULT_CODEBOOK, actor="test")
    ids: dict[str, list[int]] = {}
    with project.transaction() as session:
        sources: dict[str, Source] = {}
        for title, day, _ in units:
            if title not in sources:
                sources[title] = Source(
                    title=f"Source {title}",
                    path=f"/corpus/{title}.txt",
                    sha256=title.rjust(64, "0"),
                    file_sha256=title.rjust(64, "0"),
                    format="txt",
                    date=day,
                )
                session.add(sources[title])
        session.flush()
        code_ids = {c.code_id: c.id for c in session.exec(select(Code))}
        for n, (title, day, codes) in enumerate(units, start=1):
            unit = Unit(
                source_id=sources[title].id,
                ordinal=n,
                text=f"Unit {n} says {' and '.join(codes)}.",
                start=0,
                end=10,
                period=project.config.period_of(day),
                attributes={},
            )
            session.add(unit)
            session.flush()
            ids.setdefault(title, []).append(unit.id)
            session.execute(
                insert(Coding),
                [
                    {"unit_id": unit.id, "code_id": code_ids[c], "coder": "anna", "origin": "manual"}
                    for c in codes
                ],
            )
    return ids
