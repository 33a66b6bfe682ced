"""A coding's exact spans through REFI-QDA: another tool's selections come in, stay, and go out
again selection for selection."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from lxml import etree
from sqlalchemy import select

from foresight.interop.qdpx_export import export_qdpx
from foresight.interop.qdpx_import import import_qdpx
from foresight.project import Project
from foresight.store import Code, Coding, CodingSpan, Source, Unit

SHARED = Path(__file__).resolve().parents[2] / "shared" / "refi-qda"
WHERE = "the REFI-QDA schemas and samples are read from shared/refi-qda beside the checkout"
NS = "urn:QDA-XML:project:1.0"

TEXT = (
    "Regional clusters change as the internet of things reaches the factory floor. Sensor makers "
    "now share development teams with machine builders.\n\n"
    "Packaging firms and software houses work together on traceable supply chains. Retailers ask "
    "for reusable packaging in every tender.\n\n"
    "Start-ups print smart labels with sensors that report a parcel's temperature."
)
ANNA, BEN = "11111111-1111-4111-8111-111111111111", "22222222-2222-4222-8222-222222222222"
CODES = {
    "IOT": "aaaaaaaa-0000-4000-8000-000000000001",
    "PACK": "aaaaaaaa-0000-4000-8000-000000000002",
    "SIGNAL": "aaaaaaaa-0000-4000-8000-000000000003",
}


def _span(words: str, occurrence: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(occurrence + 1):
        start = TEXT.index(words, start + 1)
    return start, start + len(words)


# (start, end, [(code, user)]): two passages of one unit by one coder and code, one passage with
# two codes, one across two paragraphs, two that overlap, and the same passage by both coders
SELECTIONS = [
    (*_span("Regional clusters change"), [("IOT", ANNA)]),
    (*_span("Sensor makers now share development teams"), [("IOT", ANNA), ("IOT", BEN)]),
    (*_span("traceable supply chains"), [("PACK", ANNA), ("IOT", ANNA)]),
    (_span("Retailers")[0], _span("smart labels")[1], [("PACK", BEN)]),
    (*_span("smart labels with sensors"), [("SIGNAL", ANNA)]),
    (*_span("sensors that report"), [("IOT", ANNA)]),
]


def build_archive(path: Path, selections: list[tuple[int, int, list[tuple[str, str]]]] = SELECTIONS) -> Path:
    """A project another tool might write: one text source, selections of parts of paragraphs."""
    root = etree.Element(f"{{{NS}}}Project", nsmap={None: NS}, name="spans", origin="a QDA tool")
    users = etree.SubElement(root, f"{{{NS}}}Users")
    for guid, name in ((ANNA, "anna"), (BEN, "ben")):
        etree.SubElement(users, f"{{{NS}}}User", guid=guid, name=name)
    codes = etree.SubElement(etree.SubElement(root, f"{{{NS}}}CodeBook"), f"{{{NS}}}Codes")
    for name, guid in CODES.items():
        etree.SubElement(codes, f"{{{NS}}}Code", guid=guid, name=name, isCodable="true")
    sources = etree.SubElement(root, f"{{{NS}}}Sources")
    source = etree.SubElement(
        sources,
        f"{{{NS}}}TextSource",
        guid="bbbbbbbb-0000-4000-8000-000000000001",
        name="clusters",
        plainTextPath="internal://clusters.txt",
    )
    for number, (start, end, codings) in enumerate(selections, start=1):
        sel = etree.SubElement(
            source,
            f"{{{NS}}}PlainTextSelection",
            guid=f"cccccccc-0000-4000-8000-{number:012d}",
            startPosition=str(start),
            endPosition=str(end),
        )
        for k, (code, user) in enumerate(codings):
            coding = etree.SubElement(
                sel, f"{{{NS}}}Coding", guid=f"dddddddd-{number:04d}-4000-8000-{k:012d}", creatingUser=user
            )
            etree.SubElement(coding, f"{{{NS}}}CodeRef", targetGUID=CODES[code])
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("project.qde", etree.tostring(root, xml_declaration=True, encoding="utf-8"))
        zf.writestr("sources/clusters.txt", TEXT.encode("utf-8"))
    return path


def stored_spans(project: Project) -> list[tuple[str, str, str, int, int, str]]:
    """Every span: source title, code name, coder, start, end and the text it selects."""
    with project.session() as session:
        rows = session.execute(
            select(Source.title, Code.name, Coding.coder, CodingSpan.start, CodingSpan.end, Source.text)
            .join(Coding, Coding.id == CodingSpan.coding_id)
            .join(Code, Code.id == Coding.code_id)
            .join(Unit, Unit.id == Coding.unit_id)
            .join(Source, Source.id == Unit.source_id)
        ).all()
    return sorted((t, c, who, a, b, text[a:b]) for t, c, who, a, b, text in rows)


def exported_selections(path: Path) -> dict[str, set[tuple[int, int, frozenset[tuple[str, str]]]]]:
    """Each text source's selections in an archive: start, end and (code guid, user guid) pairs."""
    with zipfile.ZipFile(path) as zf:
        root = etree.fromstring(zf.read("project.qde"))
    names = {u.get("guid"): u.get("name") for u in root.iter(f"{{{NS}}}User")}
    found: dict[str, set[tuple[int, int, frozenset[tuple[str, str]]]]] = {}
    for source in root.iter(f"{{{NS}}}TextSource"):
        found[source.get("name")] = {
            (
                int(sel.get("startPosition")),
                int(sel.get("endPosition")),
                frozenset(
                    (c.find(f"{{{NS}}}CodeRef").get("targetGUID"), names[c.get("creatingUser")])
                    for c in sel.iter(f"{{{NS}}}Coding")
                ),
            )
            for sel in source.iter(f"{{{NS}}}PlainTextSelection")
        }
    return found


def valid(path: Path) -> None:
    if not (SHARED / "Project.xsd").exists():
        pytest.skip(f"{SHARED / 'Project.xsd'} is not there: {WHERE}")
    xsd = etree.XMLSchema(etree.parse(str(SHARED / "Project.xsd")))
    with zipfile.ZipFile(path) as zf:
        root = etree.fromstring(zf.read("project.qde"))
    assert xsd.validate(root.getroottree()), xsd.error_log.last_error


def test_sub_unit_selections_come_back_selection_for_selection(
    make_project: Callable[[str], Project], tmp_path: Path
) -> None:
    archive = build_archive(tmp_path / "tool.qdpx")
    first = make_project("first")
    report = import_qdpx(first, archive, actor="lead")
    assert report.placed == len(SELECTIONS) and report.placed_across_units == 1
    spans = stored_spans(first)
    # every selection's span on each coding it holds (the one across paragraphs on both units')
    wanted = [
        ("clusters", code, {ANNA: "anna", BEN: "ben"}[user], start, end, TEXT[start:end])
        for start, end, codings in SELECTIONS
        for code, user in codings
    ]
    across = next((s, e, c) for s, e, c in SELECTIONS if "\n\n" in TEXT[s:e])
    wanted.append(("clusters", "PACK", "ben", across[0], across[1], TEXT[across[0] : across[1]]))
    assert spans == sorted(wanted)
    assert report.spans_added == len(wanted)
    with first.session() as session:
        on_first_unit = session.execute(
            select(CodingSpan.start)
            .join(Coding, Coding.id == CodingSpan.coding_id)
            .join(Unit, Unit.id == Coding.unit_id)
            .where(Unit.ordinal == 1, Coding.coder == "anna")
        ).all()
    assert len(on_first_unit) == 2  # two passages of one unit: one coding, two spans

    out = tmp_path / "out.qdpx"
    export_qdpx(first, out)
    valid(out)
    original = {
        (s, e, frozenset((CODES[c], {ANNA: "anna", BEN: "ben"}[u]) for c, u in cs)) for s, e, cs in SELECTIONS
    }
    assert exported_selections(out) == {"clusters": original}

    second = make_project("second")
    again = import_qdpx(second, out, actor="lead")
    assert not again.not_placed
    assert stored_spans(second) == spans
    twice = tmp_path / "twice.qdpx"
    export_qdpx(second, twice)
    assert exported_selections(twice) == exported_selections(out)


def test_importing_the_same_archive_again_adds_no_span(
    make_project: Callable[[str], Project], tmp_path: Path
) -> None:
    archive = build_archive(tmp_path / "tool.qdpx")
    project = make_project("p")
    import_qdpx(project, archive, actor="lead")
    before = stored_spans(project)
    report = import_qdpx(project, archive, actor="lead")
    assert (report.codings_added, report.spans_added) == (0, 0)
    assert stored_spans(project) == before


def test_a_real_export_keeps_its_selections_through_a_round_trip(
    make_project: Callable[[str], Project], tmp_path: Path
) -> None:
    path = SHARED / "samples" / "qc-1.3.2-demo.qdpx"
    if not path.exists():
        pytest.skip(f"{path} is not there: {WHERE}")
    first = make_project("first")
    import_qdpx(first, path, actor="lead")
    spans = stored_spans(first)
    with first.session() as session:
        units = session.execute(
            select(Coding.unit_id, CodingSpan.start, CodingSpan.end).join(
                CodingSpan, CodingSpan.coding_id == Coding.id
            )
        ).all()
    by_unit: dict[int, set[tuple[int, int]]] = {}
    for unit, start, end in units:
        by_unit.setdefault(unit, set()).add((start, end))
    assert sum(len(s) > 1 for s in by_unit.values()) >= 40  # units holding several separate selections

    out = tmp_path / "out.qdpx"
    export_qdpx(first, out)
    valid(out)
    with zipfile.ZipFile(path) as zf:
        original = etree.fromstring(zf.read("project.qde"))
    positions = {
        (int(s.get("startPosition")), int(s.get("endPosition")))
        for s in original.iter(f"{{{NS}}}PlainTextSelection")
    }
    written = {(s, e) for sels in exported_selections(out).values() for s, e, _ in sels}
    assert written == positions  # this archive counts plain code points on texts kept as they are

    second = make_project("second")
    import_qdpx(second, out, actor="lead")
    assert stored_spans(second) == spans


def _unit_of(project: Project, words: str) -> int:
    with project.session() as session:
        return session.execute(select(Unit.id).where(Unit.text.contains(words))).scalar_one()


def test_removing_a_coding_removes_its_spans(make_project: Callable[[str], Project], tmp_path: Path) -> None:
    from foresight import coding

    project = make_project("p")
    import_qdpx(project, build_archive(tmp_path / "tool.qdpx"), actor="lead")
    unit = _unit_of(project, "Regional clusters")
    before = stored_spans(project)
    assert coding.remove_code(project, unit, "IOT", coder="anna")
    gone = [s for s in before if s not in stored_spans(project)]
    assert [(s[1], s[2], s[5]) for s in gone] == [
        ("IOT", "anna", "Regional clusters change"),
        ("IOT", "anna", "Sensor makers now share development teams"),
    ]
    assert coding.apply_code(project, unit, "IOT", coder="anna")  # coded again, in foresight:
    assert stored_spans(project) == [s for s in before if s not in gone]  # the whole unit, no span


def test_the_coders_quick_path_removes_a_coding_s_spans(
    project: Project, tmp_path: Path, cli: Callable[..., object]
) -> None:
    if project.engine.dialect.name != "sqlite":
        pytest.skip("foresight code takes its quick path on SQLite stores only")
    import_qdpx(project, build_archive(tmp_path / "tool.qdpx"), actor="lead")
    unit = _unit_of(project, "traceable supply chains")
    project.close()
    result = cli("--project", str(project.root), "code", str(unit), "PACK", "--remove", "--coder", "anna")
    assert result.code == 0, result.err  # type: ignore[attr-defined]
    assert "removed PACK" in result.out  # type: ignore[attr-defined]
    reopened = Project.open(project.root)
    left = [(s[1], s[2], s[5]) for s in stored_spans(reopened) if s[5] == "traceable supply chains"]
    assert left == [("IOT", "anna", "traceable supply chains")]
    reopened.close()
