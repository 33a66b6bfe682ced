"""REFI-QDA projects (.qdpx) out and in: schema, round trip, other tools' archives, hostile ones."""

from __future__ import annotations

import itertools
import json
import re
import uuid
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from lxml import etree
from sqlalchemy import func, select

from foresight import coding, corpus
from foresight.codebook import import_codebook
from foresight.codebook.model import GUID_NAMESPACE, stable_guid
from foresight.errors import ForesightError
from foresight.ingest import ingest
from foresight.interop import archive as archive_module
from foresight.interop.positions import Convention
from foresight.interop.qdpx_export import export_qdpx
from foresight.interop.qdpx_import import import_qdpx
from foresight.project import Project
from foresight.resources import DEFAULT_CODEBOOK
from foresight.store import Code, Coding, Memo, Source, Unit, UnitState

SHARED = Path(__file__).resolve().parents[2] / "shared" / "refi-qda"
WHERE = "the REFI-QDA schemas and samples are read from shared/refi-qda beside the checkout"
NS = "urn:QDA-XML:project:1.0"

REPORT = """---
title: Sensing clusters
date: 2011-04-14
source_type: policy
---
# Sensor clusters

Regional clusters are changing as the internet of things reaches the factory floor, and sensor
makers now share development teams with machine builders.

Packaging firms and software houses work together on traceable supply chains — "Rückverfolgung"
is the word the Bavarian members use for it.

# Outlook

The cluster office expects shorter product life cycles to reward firms that collaborate across
sectors, with a €2 million fund for shared pilot lines.
"""

INTERVIEW = """Interview notes: coordinator of a packaging network, 2012.

Q: What changed since the last strategy? A: Circular economy rules push our members to design
packaging that can be reused, and the big retailers now ask for it in every tender.

Q: Where do you see weak signals? A: Some start-ups print smart labels with sensors 🙂 that
report a parcel's temperature.
"""


def schema() -> etree.XMLSchema:
    if not (SHARED / "Project.xsd").exists():
        pytest.skip(f"{SHARED / 'Project.xsd'} is not there: {WHERE}")
    return etree.XMLSchema(etree.parse(str(SHARED / "Project.xsd")))


def coded_project(project: Project, tmp_path: Path) -> dict[str, int]:
    """Two sources, two coders, origins of every kind, memos and a unit marked done."""
    import_codebook(project, DEFAULT_CODEBOOK, actor="test")
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "2011-04-14_policy_sensing.md").write_text(REPORT, encoding="utf-8")
    (folder / "2012-06-01_interview_packaging.txt").write_text(INTERVIEW, encoding="utf-8")
    report = ingest(project, [folder])
    assert report.count("ingested") == 2
    units = {u["text"][:20]: u["id"] for u in corpus.list_units(project)}
    ids = list(units.values())
    coding.apply_code(project, ids[0], "MT.IOT_INDUSTRIAL", coder="anna")
    coding.apply_code(project, ids[0], "FC.TREND", coder="anna")
    coding.apply_code(project, ids[0], "MT.IOT_INDUSTRIAL", coder="ben")
    coding.apply_code(project, ids[1], "EI.ADV_PACKAGING", coder="anna", origin="accepted-suggestion")
    coding.apply_code(project, ids[-1], "FC.WEAK_SIGNAL", coder="ben")
    coding.mark_done(project, ids[2], coder="ben")
    coding.set_memo(project, "unit", ids[0], coder="anna", text="Ask the cluster office for the pilot list.")
    with project.session() as session:
        trend = session.execute(select(Code.id).where(Code.code_id == "FC.TREND")).scalar_one()
    coding.set_memo(project, "code", trend, coder="ben", text="Only when a direction is named.")
    return units


def snapshot(project: Project) -> dict[str, object]:
    """What a round trip must keep, in terms that do not depend on row ids."""
    with project.session() as session:
        sources = {s.id: s for s in session.execute(select(Source).where(Source.current.is_(True))).scalars()}
        units = session.execute(select(Unit).where(Unit.source_id.in_(sources))).scalars().all()
        key = {u.id: (sources[u.source_id].title, u.ordinal) for u in units}
        codes = session.execute(select(Code)).scalars().all()
        code_id = {c.id: c.code_id for c in codes}
        parent = {c.id: code_id.get(c.parent_id) for c in codes}  # type: ignore[arg-type]
        codings = session.execute(select(Coding)).scalars().all()
        memos = session.execute(select(Memo)).scalars().all()
        done = session.execute(select(UnitState).where(UnitState.done.is_(True))).scalars().all()
    return {
        "sources": sorted(
            (s.title, s.text, s.date, s.source_type, s.format, s.language, s.path) for s in sources.values()
        ),
        "units": sorted((key[u.id], u.start, u.end, u.text, u.section, u.page, u.period) for u in units),
        "codes": sorted((c.code_id, c.name, c.group, parent[c.id], c.definition, c.status) for c in codes),
        "codings": sorted((key[c.unit_id], code_id[c.code_id], c.coder, c.origin) for c in codings),
        "memos": sorted(
            (m.kind, key[m.target_id] if m.kind == "unit" else code_id[m.target_id], m.coder, m.text)
            for m in memos
        ),
        "done": sorted((key[d.unit_id], d.coder) for d in done),
    }


def read_qde(path: Path) -> etree._Element:
    with zipfile.ZipFile(path) as zf:
        return etree.fromstring(zf.read("project.qde"))


def members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def rewritten(path: Path, files: dict[str, bytes], root: etree._Element) -> Path:
    """An archive of ``files`` with ``root`` as its project.qde."""
    files = files | {"project.qde": etree.tostring(root, xml_declaration=True, encoding="utf-8")}
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return path


def test_export_is_a_valid_refi_qda_project(project: Project, tmp_path: Path) -> None:
    coded_project(project, tmp_path)
    out = tmp_path / "scan.qdpx"
    report = export_qdpx(project, out)
    assert (report.sources, report.coders, report.codings, report.memos) == (2, 2, 5, 2)
    root = read_qde(out)
    xsd = schema()
    assert xsd.validate(root.getroottree()), xsd.error_log.last_error
    with zipfile.ZipFile(out) as zf:
        names = zf.namelist()
        texts = {n: zf.read(n).decode("utf-8") for n in names if n.startswith("sources/")}
    assert len(texts) == 2
    # every selection's span is a unit's text, in the source text it points to
    with project.session() as session:
        unit_texts = set(session.execute(select(Unit.text)).scalars())
    for source in root.iter(f"{{{NS}}}TextSource"):
        text = texts["sources/" + source.get("plainTextPath").removeprefix("internal://")]
        for sel in source.iter(f"{{{NS}}}PlainTextSelection"):
            assert text[int(sel.get("startPosition")) : int(sel.get("endPosition"))] in unit_texts
    users = {u.get("name") for u in root.iter(f"{{{NS}}}User")}
    assert users == {"anna", "ben"}
    notes = [n.findtext(f"{{{NS}}}PlainTextContent") for n in root.iter(f"{{{NS}}}Note")]
    assert sorted(notes) == ["Ask the cluster office for the pilot list.", "Only when a direction is named."]


def test_derived_guids_are_version_5_uuids() -> None:
    """The fast derivation gives what the uuid module gives, so guids written before still match."""
    for parts in [("MT.IOT",), ("source", "ab" * 32, ""), ("user", "Zoë 😀"), ("selection", "x", "0", "12")]:
        assert stable_guid(*parts) == str(uuid.uuid5(GUID_NAMESPACE, "/".join(parts)))


def test_guids_stay_the_same_from_one_export_to_the_next(project: Project, tmp_path: Path) -> None:
    coded_project(project, tmp_path)
    first, second = tmp_path / "a.qdpx", tmp_path / "b.qdpx"
    export_qdpx(project, first)
    coding.apply_code(project, corpus.list_units(project)[3]["id"], "FC.DRIVER", coder="anna")
    export_qdpx(project, second)

    def guids(path: Path) -> set[str]:
        return {el.get("guid") for el in read_qde(path).iter() if el.get("guid")}

    before, after = guids(first), guids(second)
    assert before < after  # everything kept its guid; the new coding (and its selection) added
    assert len(after - before) == 2


def test_round_trip_gives_the_same_project(
    project: Project, make_project: Callable[[str], Project], tmp_path: Path
) -> None:
    coded_project(project, tmp_path)
    archive = tmp_path / "scan.qdpx"
    export_qdpx(project, archive)
    fresh = make_project("fresh")
    report = import_qdpx(fresh, archive, actor="lead")
    assert (report.sources_added, report.codes_added, report.codings_added) == (2, 102, 5)
    assert report.placed_in_one_unit == report.selections and not report.not_placed
    assert snapshot(fresh) == snapshot(project)
    # and out again: the same archive, but for the moment it was written
    again = tmp_path / "again.qdpx"
    export_qdpx(fresh, again)
    strip = {"creationDateTime", "name"}

    def canonical(path: Path) -> list[tuple[str, tuple[tuple[str, str], ...], str | None]]:
        root = read_qde(path)
        return [
            (
                el.tag,
                tuple(sorted((k, v) for k, v in el.attrib.items() if not (el is root and k in strip))),
                el.text,
            )
            for el in root.iter()
        ]

    assert canonical(again) == canonical(archive)


def test_importing_again_adds_nothing(
    project: Project, make_project: Callable[[str], Project], tmp_path: Path
) -> None:
    coded_project(project, tmp_path)
    archive = tmp_path / "scan.qdpx"
    export_qdpx(project, archive)
    target = make_project("target")
    import_qdpx(target, archive, actor="lead")
    first = snapshot(target)
    report = import_qdpx(target, archive, actor="lead")
    assert (report.sources_added, report.codes_added, report.codings_added, report.memos_added) == (
        0,
        0,
        0,
        0,
    )
    assert (report.sources_known, report.codes_known, report.codings_known) == (2, 102, 5)
    assert snapshot(target) == first


def test_codings_from_another_tool_come_back_onto_the_exported_sources(
    project: Project, tmp_path: Path
) -> None:
    """A colleague codes the exported archive elsewhere; importing it back adds their codings."""
    coded_project(project, tmp_path)
    archive = tmp_path / "scan.qdpx"
    export_qdpx(project, archive)
    root = read_qde(archive)
    cara = "0b8f2c3e-1111-4a2b-9c3d-000000000001"
    etree.SubElement(root.find(f"{{{NS}}}Users"), f"{{{NS}}}User", guid=cara, name="cara")
    driver = next(c.get("guid") for c in root.iter(f"{{{NS}}}Code") if c.get("name") == "Driver")
    source = next(root.iter(f"{{{NS}}}TextSource"))
    files = members(archive)
    text = files["sources/" + source.get("plainTextPath").removeprefix("internal://")].decode("utf-8")
    start = text.index("Packaging firms")
    sel = etree.SubElement(
        source,
        f"{{{NS}}}PlainTextSelection",
        guid="0b8f2c3e-1111-4a2b-9c3d-000000000002",
        startPosition=str(start),
        endPosition=str(start + len("Packaging firms and software houses")),
    )
    code = etree.SubElement(
        sel, f"{{{NS}}}Coding", guid="0b8f2c3e-1111-4a2b-9c3d-000000000003", creatingUser=cara
    )
    etree.SubElement(code, f"{{{NS}}}CodeRef", targetGUID=driver)
    source.remove(sel)
    first_variable = source.find(f"{{{NS}}}VariableValue")
    first_variable.addprevious(sel)  # selections come before variable values
    back = rewritten(tmp_path / "back.qdpx", files, root)
    before = snapshot(project)
    report = import_qdpx(project, back, actor="lead")
    assert (report.sources_added, report.sources_known, report.codings_added) == (0, 2, 1)
    mine = coding.list_codings(project, coder="cara")
    assert [(r["code_id"], r["origin"]) for r in mine] == [("FC.DRIVER", "manual")]
    unit = next(u for u in corpus.list_units(project) if u["id"] == mine[0]["unit_id"])
    assert unit["text"].startswith("Packaging firms and software houses")
    after = snapshot(project)
    assert after["sources"] == before["sources"] and after["units"] == before["units"]


# ----------------------------------------------------------------- archives of other tools

PHRASES = ("café culture", "smart labels", "Rückverfolgung", "pilot lines")
FOREIGN_TEXT = (
    "Regional clusters and café culture 😀 in Lyon: a study.\r\n"
    "\r\n"
    "Start-ups 🙂 print smart labels for parcels, a line\r\n"
    "that wraps.\r\n"
    "\r\n"
    "Members call traceability Rückverfolgung 🚚 now.\r\n"
    "\r\n"
    "The fund pays for shared pilot lines 🏭 across the region.\r\n"
)


def count_as(raw: str, index: int, convention: Convention) -> int:
    """Where ``raw[index]`` stands when a tool counts the convention's way (written out by hand)."""
    position = 0
    for i, ch in enumerate(raw[:index]):
        if i == 0 and ch == "\ufeff":
            position += 1 if convention.bom else 0
        elif ch == "\r" and raw[i + 1 : i + 2] == "\n":
            position += 0 if convention.crlf_one else 1
        elif ord(ch) > 0xFFFF:
            position += 2 if convention.utf16 else 1
        else:
            position += 1
    return position


def foreign_archive(
    path: Path,
    data: bytes,
    spans: list[tuple[int, int]],
    *,
    folder: str = "sources",
    name: str = "lyon.txt",
    reference: str | None = None,
    extra: dict[str, bytes] | None = None,
) -> Path:
    """An archive as another tool writes it: one user, two codes, one text source."""
    user, codes = (
        "11111111-2222-3333-4444-555555555555",
        ["aaaaaaaa-0000-0000-0000-00000000000" + str(i) for i in (1, 2)],
    )
    root = etree.Element(f"{{{NS}}}Project", nsmap={None: NS}, name="lyon", origin="OtherTool 9.1")
    etree.SubElement(etree.SubElement(root, f"{{{NS}}}Users"), f"{{{NS}}}User", guid=user, name="dana")
    codes_el = etree.SubElement(etree.SubElement(root, f"{{{NS}}}CodeBook"), f"{{{NS}}}Codes")
    etree.SubElement(codes_el, f"{{{NS}}}Code", guid=codes[0], name="Trend", isCodable="true")
    etree.SubElement(codes_el, f"{{{NS}}}Code", guid=codes[1], name="Other", isCodable="true")
    source = etree.SubElement(
        etree.SubElement(root, f"{{{NS}}}Sources"),
        f"{{{NS}}}TextSource",
        guid="bbbbbbbb-0000-0000-0000-000000000001",
        name="Lyon study",
        plainTextPath=reference or f"internal://{name}",
    )
    for i, (start, end) in enumerate(spans):
        sel = etree.SubElement(
            source,
            f"{{{NS}}}PlainTextSelection",
            guid=f"cccccccc-0000-0000-0000-{i:012d}",
            startPosition=str(start),
            endPosition=str(end),
            creatingUser=user,
        )
        coding_el = etree.SubElement(
            sel, f"{{{NS}}}Coding", guid=f"dddddddd-0000-0000-0000-{i:012d}", creatingUser=user
        )
        etree.SubElement(coding_el, f"{{{NS}}}CodeRef", targetGUID=codes[0])
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("project.qde", etree.tostring(root, xml_declaration=True, encoding="utf-8"))
        zf.writestr(f"{folder}/{name}", data)
        for member, content in (extra or {}).items():
            zf.writestr(member, content)
    return path


CONVENTIONS = [Convention(*flags) for flags in itertools.product((False, True), repeat=3)]


@pytest.mark.parametrize("convention", CONVENTIONS, ids=lambda c: c.describe().replace(" ", "-"))
def test_each_tools_way_of_counting_positions_is_worked_out(
    convention: Convention, make_project: Callable[[str], Project], tmp_path: Path
) -> None:
    raw = "\ufeff" + FOREIGN_TEXT
    data = raw.encode("utf-8")
    spans = []
    for phrase in PHRASES:
        index = raw.index(phrase)
        spans.append((count_as(raw, index, convention), count_as(raw, index + len(phrase), convention)))
    folder = "Sources" if convention.utf16 else "sources"  # both spellings occur in the wild
    archive = foreign_archive(tmp_path / "lyon.qdpx", data, spans, folder=folder)
    project = make_project("p")
    report = import_qdpx(project, archive, actor="lead")
    assert not report.not_placed
    assert report.placed_in_one_unit == len(PHRASES)
    if convention != Convention():
        assert report.conventions == {"Lyon study": convention.describe()}
    units = {u["id"]: u["text"] for u in corpus.list_units(project)}
    coded = sorted(units[r["unit_id"]] for r in coding.list_codings(project, coder="dana"))
    assert len(coded) == 4
    for phrase in PHRASES:  # each phrase's paragraph carries the code, and no other paragraph does
        assert sum(phrase in text for text in coded) == 1


def test_a_selection_across_paragraphs_codes_each_and_one_inside_a_paragraph_codes_it(
    make_project: Callable[[str], Project], tmp_path: Path
) -> None:
    text = FOREIGN_TEXT.replace("\r\n", "\n")
    a = text.index("smart labels")
    b = text.index("Rückverfolgung") + len("Rückverfolgung")
    inside = (text.index("café"), text.index("café") + len("café culture"))
    archive = foreign_archive(tmp_path / "a.qdpx", text.encode("utf-8"), [(a, b), inside])
    project = make_project("p")
    report = import_qdpx(project, archive, actor="lead")
    assert (report.placed_across_units, report.placed_in_one_unit) == (1, 1)
    units = {u["id"]: u["text"] for u in corpus.list_units(project)}
    assert len(units) == 4
    coded = sorted(units[r["unit_id"]][:12] for r in coding.list_codings(project, coder="dana"))
    assert coded == ["Members call", "Regional clu", "Start-ups 🙂 "]
    # a wrapped line is one paragraph, its line break a space: the text keeps its length
    assert any(t.endswith("a line that wraps.") for t in units.values())


def test_selections_that_fit_no_text_are_reported_not_placed(
    make_project: Callable[[str], Project], tmp_path: Path
) -> None:
    text = FOREIGN_TEXT.replace("\r\n", "\n")
    # positions counted on some other text: every one starts and ends inside a word
    inside_words = [(i + 2, i + 9) for i in range(0, len(text) - 20, 23) if text[i + 1 : i + 3].isalpha()]
    inside_words = [
        (s, e)
        for s, e in inside_words
        if text[s - 1].isalnum() and text[s].isalnum() and text[e - 1].isalnum() and text[e].isalnum()
    ]
    assert len(inside_words) >= 3
    project = make_project("p")
    report = import_qdpx(
        project, foreign_archive(tmp_path / "a.qdpx", text.encode(), inside_words), actor="lead"
    )
    assert report.placed == 0
    assert report.not_placed == {"positions fit the source's text in no convention": len(inside_words)}
    past_end = [(len(text) + 5, len(text) + 30), (text.index("pilot"), text.index("pilot") + 5)]
    other = make_project("q")
    report = import_qdpx(other, foreign_archive(tmp_path / "b.qdpx", text.encode(), past_end), actor="lead")
    assert report.placed == 1 and report.not_placed == {"outside the text": 1}
    with other.session() as session:
        assert session.execute(select(func.count()).select_from(Coding)).scalar_one() == 1


# ----------------------------------------------------------------------------- real exports


def test_a_real_qualcoder_export_lands_on_the_right_paragraphs(
    make_project: Callable[[str], Project],
) -> None:
    path = SHARED / "samples" / "qc-1.3.2-demo.qdpx"
    if not path.exists():
        pytest.skip(f"{path} is not there: {WHERE}")
    project = make_project("qc")
    report = import_qdpx(project, path, actor="lead")
    assert report.origin == "qc 1.3.2"
    assert (report.sources_added, report.coders, report.selections) == (2, ["cp"], 158)
    assert report.placed == 158 and not report.not_placed
    with zipfile.ZipFile(path) as zf:
        raw = {
            n.split("/")[-1].removesuffix(".txt"): zf.read(n).decode("utf-8")
            for n in zf.namelist()
            if n.endswith(".txt")
        }
        root = etree.fromstring(zf.read("project.qde"))
    titles = {s["id"]: s["title"] for s in corpus.list_sources(project)}
    assert sorted(titles.values()) == ["admin-1", "board_2017"]
    units = {u["id"]: u for u in corpus.list_units(project)}
    coded_units: dict[str, set[str]] = {}
    for row in coding.list_codings(project, coder="cp"):
        unit = units[row["unit_id"]]
        coded_units.setdefault(titles[unit["source_id"]], set()).add(" ".join(unit["text"].split()))
    # every selection's own words are inside a unit that carries its code
    for source in root.iter(f"{{{NS}}}TextSource"):
        name = source.get("plainTextPath").removesuffix(".txt")
        for sel in source.iter(f"{{{NS}}}PlainTextSelection"):
            words = " ".join(raw[name][int(sel.get("startPosition")) : int(sel.get("endPosition"))].split())
            assert any(words in unit for unit in coded_units[name]), words


def test_a_codebook_only_nvivo_export_brings_its_codes_and_says_why_sources_are_skipped(
    make_project: Callable[[str], Project],
) -> None:
    path = SHARED / "samples" / "nvivo-mac-15-codebook-only.qdpx"
    if not path.exists():
        pytest.skip(f"{path} is not there: {WHERE}")
    project = make_project("nv")
    report = import_qdpx(project, path, actor="lead")
    assert report.codes_added > 200 and report.coders == ["chrisp", "cp"]
    assert report.sources_added == 0
    assert [line.split(": ", 1)[1] for line in report.sources_skipped] == ["its text is empty"] * 2


# --------------------------------------------------------------------------- hostile input


def project_rows(project: Project) -> tuple[int, int, int]:
    with project.session() as session:
        return tuple(  # type: ignore[return-value]
            session.execute(select(func.count()).select_from(table)).scalar_one()
            for table in (Source, Unit, Code)
        )


def test_a_path_out_of_the_archive_is_refused_and_nothing_is_written_outside(
    make_project: Callable[[str], Project], tmp_path: Path
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    archive = foreign_archive(
        tmp_path / "evil.qdpx",
        b"Harmless words here.",
        [(0, 8)],
        reference="internal://../../evil.txt",
        extra={"../../evil.txt": b"Outside words."},
    )
    project = make_project("p")
    report = import_qdpx(project, archive, actor="lead")
    assert report.sources_skipped == ["Lyon study: its path leaves the archive (internal://../../evil.txt)"]
    assert not list(tmp_path.rglob("evil.txt"))
    absolute = foreign_archive(tmp_path / "abs.qdpx", b"Words.", [], reference="file:///etc/passwd")
    report = import_qdpx(project, absolute, actor="lead")
    assert report.sources_skipped == ["Lyon study: its text is outside the archive (file:///etc/passwd)"]
    assert project_rows(project)[:2] == (0, 0)


def test_entities_and_doctypes_are_refused(make_project: Callable[[str], Project], tmp_path: Path) -> None:
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE p [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        b'<Project xmlns="urn:QDA-XML:project:1.0" name="&b;"/>'
    )
    path = tmp_path / "bomb.qdpx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("project.qde", bomb)
    project = make_project("p")
    with pytest.raises(ForesightError) as caught:
        import_qdpx(project, path, actor="lead")
    assert (
        str(caught.value)
        == f"{path}: project.qde: DOCTYPE declarations are not allowed in a REFI-QDA project"
    )


def test_an_oversized_member_stops_the_import_and_leaves_the_project_as_it_was(
    make_project: Callable[[str], Project], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = make_project("p")
    import_codebook(project, DEFAULT_CODEBOOK, actor="test")
    before = project_rows(project)
    monkeypatch.setattr(archive_module, "MAX_SOURCE_BYTES", 1024 * 1024)
    big = b"word " * 400_000  # 2 MB that pack into a few kB
    archive = foreign_archive(tmp_path / "big.qdpx", big, [(0, 4)])
    assert archive.stat().st_size < 100_000
    with pytest.raises(ForesightError) as caught:
        import_qdpx(project, archive, actor="lead")
    assert str(caught.value) == f"{archive}: sources/lyon.txt is too large (over 1 MB unpacked)"
    assert project_rows(project) == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"not a zip at all", "not a REFI-QDA project (not a zip archive: File is not a zip file)"),
        (None, "not a REFI-QDA project (no project.qde inside)"),
        (
            b"<Project",
            "project.qde: not well-formed XML (line 1: Couldn't find end of Start Tag Project)",
        ),
        (
            b"<CodeBook xmlns='urn:QDA-XML:codebook:1.0'/>",
            "project.qde: not a REFI-QDA project (root element is CodeBook, expected Project)",
        ),
    ],
)
def test_broken_archives_get_one_clear_line(
    content: bytes | None, message: str, make_project: Callable[[str], Project], tmp_path: Path
) -> None:
    path = tmp_path / "broken.qdpx"
    if content is None or content.startswith(b"<"):
        with zipfile.ZipFile(path, "w") as zf:
            zf.writestr("project.qde" if content else "other.txt", content or b"x")
    else:
        path.write_bytes(content)
    with pytest.raises(ForesightError) as caught:
        import_qdpx(make_project("p"), path, actor="lead")
    assert str(caught.value) == f"{path}: {message}"


# ------------------------------------------------------------------------------------- CLI


def test_export_and_import_from_the_command_line(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    source = Project.init(tmp_path / "scan")
    coded_project(source, tmp_path)
    source.close()
    archive = tmp_path / "scan.qdpx"
    done = cli("--project", str(tmp_path / "scan"), "export", "qdpx", str(archive))
    assert done.code == 0, done.err
    assert done.out.splitlines()[0] == (
        f"Wrote {archive}: 2 sources, 102 codes, 2 coders, 5 codings on 3 selections, 2 memos"
    )
    assert cli("init", str(tmp_path / "copy"), "--no-codebook").code == 0
    done = cli("--project", str(tmp_path / "copy"), "import", "qdpx", str(archive), "--json")
    assert done.code == 0, done.err
    summary = json.loads(done.out)
    assert summary["sources"]["added"] == 2 and summary["codings"]["added"] == 5
    assert summary["selections"]["not_placed"] == {}
    done = cli("--project", str(tmp_path / "copy"), "import", "qdpx", str(tmp_path / "missing.qdpx"))
    assert (done.code, done.err.strip()) == (1, f"Error: {tmp_path / 'missing.qdpx'}: no such file")
    done = cli("--project", str(tmp_path / "copy"), "export", "qdpx", str(tmp_path / "nowhere" / "x.qdpx"))
    assert (done.code, done.err.strip()) == (1, f"Error: {tmp_path / 'nowhere'}: no such folder")


def test_a_memo_on_an_uncoded_unit_still_travels(
    project: Project, make_project: Callable[[str], Project], tmp_path: Path
) -> None:
    units = coded_project(project, tmp_path)
    uncoded = list(units.values())[4]
    coding.set_memo(project, "unit", uncoded, coder="ben", text="Worth a second look.")
    archive = tmp_path / "m.qdpx"
    export_qdpx(project, archive)
    fresh = make_project("fresh")
    import_qdpx(fresh, archive, actor="lead")
    assert snapshot(fresh)["memos"] == snapshot(project)["memos"]


def test_sources_survive_bytes_that_are_not_utf8(
    make_project: Callable[[str], Project], tmp_path: Path
) -> None:
    text = "Les pôles de compétitivité réunissent entreprises et laboratoires.\n\nDeuxième paragraphe ici."
    archive = foreign_archive(tmp_path / "latin.qdpx", text.encode("cp1252"), [(4, 9)])
    project = make_project("p")
    report = import_qdpx(project, archive, actor="lead")
    assert report.sources_added == 1
    assert corpus.list_units(project)[0]["text"].startswith("Les pôles de compétitivité")


def test_selections_on_headings_and_codings_on_unknown_codes_are_counted(
    project: Project, make_project: Callable[[str], Project], tmp_path: Path
) -> None:
    coded_project(project, tmp_path)
    archive = tmp_path / "scan.qdpx"
    export_qdpx(project, archive)
    files = members(archive)
    root = etree.fromstring(files["project.qde"])
    source = next(s for s in root.iter(f"{{{NS}}}TextSource") if s.get("name") == "Sensing clusters")
    text = files["sources/" + source.get("plainTextPath").removeprefix("internal://")].decode("utf-8")
    heading = text.index("Outlook")
    sel = etree.Element(
        f"{{{NS}}}PlainTextSelection",
        guid="0b8f2c3e-1111-4a2b-9c3d-000000000010",
        startPosition=str(heading),
        endPosition=str(heading + len("Outlook")),
    )
    stray = etree.SubElement(sel, f"{{{NS}}}Coding", guid="0b8f2c3e-1111-4a2b-9c3d-000000000011")
    etree.SubElement(stray, f"{{{NS}}}CodeRef", targetGUID="0b8f2c3e-1111-4a2b-9c3d-000000000012")
    source.find(f"{{{NS}}}PlainTextSelection").addprevious(sel)
    first = source.find(f"{{{NS}}}PlainTextSelection[@name]")
    unknown = etree.SubElement(first, f"{{{NS}}}Coding", guid="0b8f2c3e-1111-4a2b-9c3d-000000000013")
    etree.SubElement(unknown, f"{{{NS}}}CodeRef", targetGUID="0b8f2c3e-1111-4a2b-9c3d-000000000014")
    first.find(f"{{{NS}}}Coding").addprevious(unknown)
    edited = rewritten(tmp_path / "edited.qdpx", files, root)
    report = import_qdpx(make_project("fresh"), edited, actor="lead")
    assert report.not_placed == {"covers no unit (a heading or the space between paragraphs)": 1}
    assert report.codings_skipped == {"on a code the archive does not define": 1}
    assert report.codings_added == 5


def test_a_pdf_source_comes_in_through_its_text_and_page_areas_are_reported(
    make_project: Callable[[str], Project], tmp_path: Path
) -> None:
    text = "Cluster policy in Lyon.\n\nThe fund pays for shared pilot lines across the region.\n"
    root = etree.Element(f"{{{NS}}}Project", nsmap={None: NS}, name="pdf", origin="OtherTool 9.1")
    codes = etree.SubElement(etree.SubElement(root, f"{{{NS}}}CodeBook"), f"{{{NS}}}Codes")
    code = "aaaaaaaa-0000-0000-0000-000000000001"
    etree.SubElement(codes, f"{{{NS}}}Code", guid=code, name="Funding", isCodable="true")
    pdf = etree.SubElement(
        etree.SubElement(root, f"{{{NS}}}Sources"),
        f"{{{NS}}}PDFSource",
        guid="bbbbbbbb-0000-0000-0000-000000000002",
        name="Lyon brief",
        path="internal://lyon.pdf",
    )
    area = etree.SubElement(
        pdf,
        f"{{{NS}}}PDFSelection",
        guid="cccccccc-0000-0000-0000-000000000001",
        page="1",
        firstX="10",
        firstY="10",
        secondX="90",
        secondY="40",
    )
    etree.SubElement(
        etree.SubElement(area, f"{{{NS}}}Coding", guid="dddddddd-0000-0000-0000-000000000001"),
        f"{{{NS}}}CodeRef",
        targetGUID=code,
    )
    representation = etree.SubElement(
        pdf,
        f"{{{NS}}}Representation",
        guid="bbbbbbbb-0000-0000-0000-000000000003",
        plainTextPath="internal://lyon.txt",
    )
    start = text.index("shared pilot lines")
    sel = etree.SubElement(
        representation,
        f"{{{NS}}}PlainTextSelection",
        guid="cccccccc-0000-0000-0000-000000000002",
        startPosition=str(start),
        endPosition=str(start + len("shared pilot lines")),
    )
    etree.SubElement(
        etree.SubElement(sel, f"{{{NS}}}Coding", guid="dddddddd-0000-0000-0000-000000000002"),
        f"{{{NS}}}CodeRef",
        targetGUID=code,
    )
    path = tmp_path / "pdf.qdpx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("project.qde", etree.tostring(root, xml_declaration=True, encoding="utf-8"))
        zf.writestr("sources/lyon.txt", text.encode("utf-8"))
        zf.writestr("sources/lyon.pdf", b"%PDF-1.4 not read")
    project = make_project("p")
    report = import_qdpx(project, path, actor="lead")
    assert (report.sources_added, report.placed_in_one_unit) == (1, 1)
    assert report.not_placed == {"on PDF page areas (no text positions)": 1}
    assert corpus.list_sources(project)[0]["format"] == "pdf"
    [row] = coding.list_codings(project, coder="imported")
    assert row["code_name"] == "Funding"
    unit = next(u for u in corpus.list_units(project) if u["id"] == row["unit_id"])
    assert unit["text"] == "The fund pays for shared pilot lines across the region."


# ----------------------------------------------------------------------------- big archives


@pytest.mark.parametrize(
    "order",
    [
        ["Notes", "Users", "CodeBook", "Variables", "Sources", "Sets"],  # memos before what they are on
        ["Sets", "Notes", "Sources", "Variables", "CodeBook", "Users"],  # what sources need after them
    ],
    ids=["notes-first", "reversed"],
)
def test_sections_in_any_order_give_the_same_project(
    order: list[str], project: Project, make_project: Callable[[str], Project], tmp_path: Path
) -> None:
    """Project.xsd puts Users, CodeBook and Variables before Sources, and Notes after; a file that
    does otherwise is read all the same."""
    coded_project(project, tmp_path)
    archive = tmp_path / "scan.qdpx"
    export_qdpx(project, archive)
    files = members(archive)
    root = etree.fromstring(files["project.qde"])
    sections = {etree.QName(el).localname: el for el in root}
    assert sorted(sections) == sorted(order)
    for name in order:
        root.append(sections[name])  # moved to the end, in this order
    shuffled = rewritten(tmp_path / "shuffled.qdpx", files, root)
    calls: list[tuple[int, int | None]] = []
    target = make_project("target")
    report = import_qdpx(target, shuffled, actor="lead", progress=lambda *call: calls.append(call))
    expected = import_qdpx(make_project("in-order"), archive, actor="lead")
    assert report.as_dict() == expected.as_dict() | {"archive": str(shuffled)}
    assert (report.codings_added, report.memos_added, report.coders) == (5, 2, ["anna", "ben"])
    assert snapshot(target) == snapshot(project)
    assert calls[-2:] == [(2, None), (2, 2)]


def many_sources_archive(path: Path, sources: int, selections: int) -> Path:
    """``sources`` text sources of three paragraphs, each with ``selections`` selections of a whole
    paragraph coded with a code of their own; project.qde written as it goes, a source at a time."""
    user = "11111111-2222-3333-4444-555555555555"
    codes = [f"aaaaaaaa-0000-0000-0000-{i:012d}" for i in range(selections)]
    text = "Clusters share pilot lines.\n\nSensor makers hire.\n\nThe fund pays for labs.\n"
    spans = [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text)]

    def q(tag: str) -> str:
        return f"{{{NS}}}{tag}"

    def source(s: int) -> etree._Element:
        el = etree.Element(q("TextSource"), guid=f"bbbbbbbb-0000-0000-0000-{s:012d}", name=f"source {s}")
        etree.SubElement(el, q("PlainTextContent")).text = text
        for i in range(selections):
            (start, end), guid = spans[i % len(spans)], f"{s:04d}-0000-0000-{i:012d}"
            sel = etree.SubElement(
                el,
                q("PlainTextSelection"),
                guid=f"cccccccc-{guid}",
                startPosition=str(start),
                endPosition=str(end),
                creatingUser=user,
            )
            coded = etree.SubElement(sel, q("Coding"), guid=f"dddddddd-{guid}", creatingUser=user)
            etree.SubElement(coded, q("CodeRef"), targetGUID=codes[i])
        return el

    head = etree.Element(q("Users"))
    etree.SubElement(head, q("User"), guid=user, name="dana")
    book = etree.Element(q("CodeBook"))
    codes_el = etree.SubElement(book, q("Codes"))
    for i, code in enumerate(codes):
        etree.SubElement(codes_el, q("Code"), guid=code, name=f"Trend {i}", isCodable="true")
    with (
        zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf,
        zf.open("project.qde", "w") as fh,
        etree.xmlfile(fh, encoding="utf-8") as xf,
        xf.element(q("Project"), nsmap={None: NS}, name="many"),
    ):
        xf.write(head)
        xf.write(book)
        with xf.element(q("Sources")):
            for s in range(sources):
                xf.write(source(s))
    return path


def peak_growth(run: Callable[[], object]) -> int:
    """How far this process's resident memory rises above where it stands while ``run`` runs."""

    def status(key: str) -> int:
        line = next(x for x in Path("/proc/self/status").read_text().splitlines() if x.startswith(key + ":"))
        return int(line.split()[1]) * 1024

    before = status("VmRSS")
    Path("/proc/self/clear_refs").write_text("5")  # the peak starts again from here
    run()
    return status("VmHWM") - before


@pytest.mark.skipif(not Path("/proc/self/clear_refs").exists(), reason="peak memory through /proc")
def test_memory_does_not_grow_with_the_number_of_sources(
    make_project: Callable[[str], Project], tmp_path: Path
) -> None:
    """project.qde is read one source at a time: four times the sources, not four times the memory.
    (Parsed whole, 800 sources of 30 coded selections rose 48 MiB, 200 of them 16 MiB.)"""
    n, selections = 200, 30
    small = many_sources_archive(tmp_path / "small.qdpx", n, selections)
    big = many_sources_archive(tmp_path / "big.qdpx", 4 * n, selections)
    warm = many_sources_archive(tmp_path / "warm.qdpx", 5, selections)
    import_qdpx(make_project("warm"), warm, actor="lead")  # imports, caches: what any import takes
    reports = []
    grown_small = peak_growth(lambda: reports.append(import_qdpx(make_project("s"), small, actor="lead")))
    grown_big = peak_growth(lambda: reports.append(import_qdpx(make_project("b"), big, actor="lead")))
    assert [r.codings_added for r in reports] == [n * selections, 4 * n * selections]
    # holding the 600 sources more (92 elements each) would take over 100 bytes an element
    assert grown_big - grown_small < 3 * n * (2 + 3 * selections) * 100
