"""A small coded project for the workshop tests: units coded with roadmap domains, horizons and kinds."""

from __future__ import annotations

from sqlalchemy import insert
from sqlmodel import select

from foresight.codebook import import_codebook
from foresight.project import Project
from foresight.resources import DEFAULT_CODEBOOK
from foresight.store import Code, Coding, Source, Unit

# (source, codes) per unit; the mobility topic counts units with EI.MOBILITY, EI.LOGISTICS, MT.URBAN_MOBILITY
UNITS: list[tuple[int, tuple[str, ...]]] = [
    (1, ("EI.MOBILITY", "MT.SMART_CITY", "VR.TECHNOLOGY", "TH.MID", "FC.TREND")),
    (1, ("EI.MOBILITY", "MT.SMART_CITY", "VR.TECHNOLOGY", "TH.MID", "FC.TREND")),
    (2, ("EI.MOBILITY", "MT.SMART_CITY", "VR.TECHNOLOGY", "TH.LONG")),
    (2, ("EI.LOGISTICS", "MT.BIG_DATA", "VR.TECHNOLOGY", "TH.SHORT", "FC.DRIVER")),
    (3, ("EI.LOGISTICS", "MT.TRADE_POLICY", "VR.FRAMEWORK", "FC.DRIVER")),
    (3, ("MT.URBAN_MOBILITY", "MT.SHARING_ECONOMY", "VR.PRODUCTS", "TH.SHORT", "FC.WEAK_SIGNAL")),
    (1, ("EI.MOBILITY", "MT.CARBON_FOOTPRINT", "VR.OUTCOMES", "TH.LONG", "FC.WILD_CARD")),
    (4, ("EI.BIOPHARMA", "MT.PERSONALISED_MEDICINE", "VR.PRODUCTS", "TH.MID")),  # health, not mobility
]


KETS = tuple(
    f"KET.{k}"
    for k in (
        "MICRO_NANO_ELECTRONICS",
        "NANOTECH",
        "IND_BIOTECH",
        "ADV_MATERIALS",
        "PHOTONICS",
        "ADV_MANUFACTURING",
        "ADDITIVE_MANUFACTURING",
    )
)
# units for placing evidence: some without a domain code (their codes' default domains place them),
# some without a horizon code (the undated lane), one of the health topic only, and one unit with
# every key enabling technology, more cards than one cell of an A4 poster holds
PLACING: list[tuple[int, tuple[str, ...]]] = [
    (1, ("EI.MOBILITY", "MT.SMART_CITY", "VR.TECHNOLOGY", "TH.MID", "FC.TREND")),
    (2, ("EI.MOBILITY", "MT.SMART_CITY", "TH.MID")),  # no domain: EI and Smart cities -> products
    (2, ("EI.LOGISTICS", "MT.TRADE_POLICY")),  # no domain, no horizon
    (3, ("EI.LOGISTICS", "MT.CARBON_FOOTPRINT", "TH.LONG", "FC.WILD_CARD")),
    (3, ("EI.LOGISTICS", "MT.SMART_CITY", "VR.TECHNOLOGY", "TH.MID")),
    (4, ("EI.MEDICAL_DEVICES", "MT.BIG_DATA", "TH.SHORT")),  # health, not mobility
    (5, ("EI.MOBILITY", *KETS, "VR.TECHNOLOGY", "TH.SHORT")),
]


def coded_project(project: Project, units: list[tuple[int, tuple[str, ...]]] = UNITS) -> list[int]:
    """Load the megatrends codebook, add ``units`` (source, codes) and code them; the unit ids."""
    import_codebook(project, DEFAULT_CODEBOOK, actor="test")
    with project.transaction() as session:
        sources = {}
        for n in sorted({s for s, _ in units}):
            source = Source(
                title=f"Source {n}",
                path=f"/corpus/source-{n}.txt",
                sha256=f"{n:064d}",
                file_sha256=f"{n:064d}",
                format="txt",
            )
            session.add(source)
            session.flush()
            sources[n] = source.id
        rows = [
            {
                "source_id": sources[s],
                "ordinal": i,
                "text": f"Unit {i} says {' and '.join(codes)}.",
                "start": 0,
                "end": 10,
                "attributes": {},
            }
            for i, (s, codes) in enumerate(units, start=1)
        ]
        session.execute(insert(Unit), rows)
        ids = list(session.exec(select(Unit.id).order_by(Unit.id)))
        code_ids = {c.code_id: c.id for c in session.exec(select(Code))}
        codings = [
            {"unit_id": uid, "code_id": code_ids[code], "coder": "anna", "origin": "manual"}
            for uid, (_, codes) in zip(ids, units, strict=True)
            for code in codes
        ]
        session.execute(insert(Coding), codings)
    return ids
