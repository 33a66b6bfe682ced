"""A coding's spans on a new version of its source: moved where their text still is, else dropped
(the unit stays coded), and the ingest says so."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from foresight import coding, corpus
from foresight.codebook import import_codebook
from foresight.ingest import ingest
from foresight.project import Project
from foresight.resources import DEFAULT_CODEBOOK
from foresight.store import Code, Coding, CodingSpan, Source, Unit
from foresight.store.spans import add_spans

FIRST = "Sensor makers share teams with machine builders in the cluster."
SECOND = "Packaging firms work on traceable supply chains with software houses."
THIRD = "Start-ups print smart labels that report a parcel's temperature."
OPENING = "The cluster office published a new strategy for the coming years, naming three themes."


def spans(project: Project) -> list[tuple[bool, int, str]]:
    """Each span: whether its source is current, its unit's ordinal, and the text it selects."""
    with project.session() as session:
        rows = session.execute(
            select(Source.current, Unit.ordinal, Source.text, CodingSpan.start, CodingSpan.end)
            .join(Coding, Coding.id == CodingSpan.coding_id)
            .join(Unit, Unit.id == Coding.unit_id)
            .join(Source, Source.id == Unit.source_id)
        ).all()
    return sorted((current, ordinal, text[a:b]) for current, ordinal, text, a, b in rows)


def test_a_new_version_moves_spans_whose_text_is_there_and_drops_the_others(
    project: Project, tmp_path: Path
) -> None:
    import_codebook(project, DEFAULT_CODEBOOK, actor="test")
    path = tmp_path / "cluster.txt"
    path.write_text(f"{FIRST}\n\n{SECOND}\n\n{THIRD}\n", encoding="utf-8")
    ingest(project, [path])
    units = corpus.list_units(project)
    for unit in units:
        coding.apply_code(project, unit["id"], "FC.TREND", coder="anna")
    with project.session() as session:
        source_text = session.execute(select(Source.text)).scalar_one()
        ids = dict(session.execute(select(Coding.unit_id, Coding.id)).all())
    machine = source_text.index("machine builders")
    across = (
        source_text.index("the cluster."),
        source_text.index("Packaging firms") + len("Packaging firms"),
    )
    labels = source_text.index("smart labels")
    with project.engine.begin() as conn:
        add_spans(
            conn,
            [
                (ids[units[0]["id"]], machine, machine + len("machine builders")),
                (ids[units[0]["id"]], *across),  # a selection across the first two units
                (ids[units[1]["id"]], *across),
                (ids[units[2]["id"]], labels, labels + len("smart labels")),
            ],
        )
    # a paragraph comes first now, and the second one is reworded
    path.write_text(
        f"{OPENING}\n\n{FIRST}\n\n{SECOND.replace('Packaging', 'Paper')}\n\n{THIRD}\n",
        encoding="utf-8",
    )
    report = ingest(project, [path])
    assert report.outcomes[0].message.endswith(
        "2 codings carried over, 1 stay on the old version, "
        "1 spans dropped (their text is gone; the unit stays coded)"
    )
    old = [(False, 1, "machine builders"), (False, 1, across_text := "the cluster.\n\nPackaging firms")]
    old += [(False, 2, across_text), (False, 3, "smart labels")]
    assert spans(project) == sorted([*old, (True, 2, "machine builders"), (True, 4, "smart labels")])
    with project.session() as session:
        current = session.execute(
            select(Unit.ordinal).join(Coding, Coding.unit_id == Unit.id).join(Source).where(Source.current)
        ).all()
    assert sorted(current) == [(2,), (4,)]  # the codings of the two unchanged units


def test_merging_codes_keeps_what_both_codings_selected(project: Project, tmp_path: Path) -> None:
    from foresight.codebook.edits import merge_codes

    import_codebook(project, DEFAULT_CODEBOOK, actor="test")
    path = tmp_path / "cluster.txt"
    path.write_text(f"{FIRST}\n\n{SECOND}\n\n{THIRD}\n", encoding="utf-8")
    ingest(project, [path])
    first, second, _ = (u["id"] for u in corpus.list_units(project))
    for unit in (first, second):
        for code in ("FC.TREND", "FC.DRIVER"):
            coding.apply_code(project, unit, code, coder="anna")
    with project.session() as session:
        text = session.execute(select(Source.text)).scalar_one()
        ids = {(u, c): i for u, c, i in session.execute(select(Coding.unit_id, Coding.code_id, Coding.id))}
        codes = dict(session.execute(select(Code.code_id, Code.id).where(Code.code_id.like("FC.%"))).all())
    trend, driver = codes["FC.TREND"], codes["FC.DRIVER"]

    def at(words: str) -> tuple[int, int]:
        return text.index(words), text.index(words) + len(words)

    with project.engine.begin() as conn:
        add_spans(
            conn,
            [
                (ids[(first, trend)], *at("Sensor makers")),
                (ids[(first, driver)], *at("machine builders")),
                (ids[(second, driver)], *at("supply chains")),  # its trend coding is on the whole unit
            ],
        )
    assert merge_codes(project, "FC.DRIVER", "FC.TREND", actor="lead").dropped == 2
    assert spans(project) == [(True, 1, "Sensor makers"), (True, 1, "machine builders")]
