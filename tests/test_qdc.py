"""REFI-QDA codebook exchange (.qdc): round trips, real exports, other tools' styles, hostile files."""

from __future__ import annotations

import copy
import json
import zipfile
from pathlib import Path

import pytest
import yaml
from lxml import etree

from foresight.codebook.model import (
    CodebookSpec,
    CodeSpec,
    GroupSpec,
    split_languages,
    stable_guid,
    validate,
)
from foresight.codebook.qdc import _parser, read_qdc, write_qdc
from foresight.errors import ForesightError
from foresight.resources import DEFAULT_CODEBOOK

HERE = Path(__file__).resolve().parent
DATA = HERE / "data" / "qdc"
SHARED = Path(__file__).resolve().parents[2] / "shared" / "refi-qda"
WHERE = "the REFI-QDA schemas and samples are read from shared/refi-qda beside the checkout"
REPO = HERE.parent
NS = "urn:QDA-XML:codebook:1.0"
PROJECT_NS = "urn:QDA-XML:project:1.0"
SAMPLES = ["nvivo-mac-15-codebook-only.qdpx", "qc-1.3.2-demo.qdpx"]


def schema() -> etree.XMLSchema | None:
    xsd = SHARED / "Codebook.xsd"
    return etree.XMLSchema(etree.parse(str(xsd))) if xsd.exists() else None


def assert_valid(path: Path) -> None:
    """Valid against Codebook.xsd (checked when ../shared is there; see test_output_is_schema_valid)."""
    xsd = schema()
    if xsd is not None:
        assert xsd.validate(etree.parse(str(path))), str(xsd.error_log)


def by_id(spec: CodebookSpec) -> dict[str, CodeSpec]:
    return {c.id: c for c in spec.codes}


def assert_same_codes(read: CodebookSpec, original: CodebookSpec) -> None:
    got = by_id(read)
    assert sorted(got) == sorted(c.id for c in original.codes)
    for code in original.codes:
        assert got[code.id].same_as(code), (got[code.id], code)


def group_fields(group: GroupSpec) -> tuple[str, str, str, str, bool]:
    return (group.id, group.name, group.description, group.colour, group.exclusive)


def error(path: Path) -> str:
    with pytest.raises(ForesightError) as info:
        read_qdc(path)
    return str(info.value)


# ------------------------------------------------------------------------------------- round trips


def tricky_spec() -> CodebookSpec:
    return CodebookSpec(
        name='Tricky <test> & "codebook"',
        groups=[
            GroupSpec(
                "TECH", "Technology & <tools>", "Fields of technology; 'quoted' and \"double\".", "#1f77b4"
            ),
            GroupSpec(
                "SOC", "Société", "Social change — ageing, migration, Ünïcödé.", "#ff7f0e", exclusive=True
            ),
        ],
        codes=[
            CodeSpec(
                "TECH.AI",
                "Artificial intelligence",
                group="TECH",
                definition='Machines that learn.\n\nA second paragraph with <angle> & "quotes".',
                use_when="Learning systems are named, e.g. 'neural nets' & co.",
                not_when="Plain automation goes to TECH.AUTO.",
                example="« L'IA arrive » said the mayor <loudly>.",
                keywords=["ai", "machine learning", "neural net & deep learning", "künstliche Intelligenz"],
                keywords_lang={
                    "fr": ["apprentissage automatique", "IA"],
                    "de": ["KI", "maschinelles Lernen"],
                },
                colour="#2ca02c",
            ),
            CodeSpec(
                "TECH.AI.LLM",
                "Language models",
                group="TECH",
                parent="TECH.AI",
                definition="Models of text.",
                use_when="Chatbots, text generators.\n  indented second line\n\nthird line after a blank",
                keywords=["llm"],
                colour="#98df8a",
            ),
            CodeSpec(
                "TECH.AI.LLM.SAFETY",
                "Model safety",
                group="TECH",
                parent="TECH.AI.LLM",
                use_when="No definition, only this.",
                colour="#d62728",
            ),
            CodeSpec(
                "TECH.AUTO", "Automation", group="TECH", definition="Robots & scripts.", colour="#aec7e8"
            ),
            CodeSpec(
                "SOC.AGE",
                "Ageing",
                group="SOC",
                definition="Older populations.",
                keywords=["ageing", "demography"],
                colour="#9467bd",
            ),
            CodeSpec(
                "SOC.AGE.CARE",
                "Care work",
                group="SOC",
                parent="SOC.AGE",
                definition="Who cares.",
                colour="#c5b0d5",
            ),
            CodeSpec(
                "SOC.AGE.CARE.ROBOTS",
                "Care robots",
                group="SOC",
                parent="SOC.AGE.CARE",
                definition="Robots in care homes.",
                example="Pepper in Tokyo.",
                colour="#8c564b",
            ),
            CodeSpec("LOOSE", "Loose code", definition="No group at all.", colour="#7f7f7f"),
            CodeSpec(
                "LOOSE.CHILD",
                "Loose child",
                parent="LOOSE",
                definition="Under the loose code.",
                colour="#bcbd22",
            ),
        ],
    )


def test_round_trip_keeps_codes_groups_and_guids(tmp_path: Path) -> None:
    spec = tricky_spec()
    path = tmp_path / "tricky.qdc"
    write_qdc(spec, path)

    assert path.read_bytes().startswith(b'<?xml version="1.0" encoding="utf-8"?>\n<CodeBook ')
    assert_valid(path)
    root = etree.parse(str(path)).getroot()
    assert root.tag == f"{{{NS}}}CodeBook" and root.get("origin") == "foresight"
    top = root.findall(f"{{{NS}}}Codes/{{{NS}}}Code")
    assert [(c.get("name"), c.get("isCodable")) for c in top] == [
        ("Technology & <tools>", "false"),
        ("Société", "false"),
        ("Loose code", "true"),
    ]
    assert top[0].get("guid") == stable_guid(spec.name, "group", "TECH")
    grandchild = root.find(f".//{{{NS}}}Code[@name='Model safety']")
    assert grandchild is not None
    assert grandchild.getparent().get("name") == "Language models"
    assert grandchild.getparent().getparent().get("name") == "Artificial intelligence"
    assert grandchild.get("guid") == stable_guid(spec.name, "TECH.AI.LLM.SAFETY")
    description = root.find(f".//{{{NS}}}Code[@name='Artificial intelligence']/{{{NS}}}Description").text
    assert description == (
        'Machines that learn.\n\nA second paragraph with <angle> & "quotes".\n\n'
        "Use when: Learning systems are named, e.g. 'neural nets' & co.\n"
        "Do not use when: Plain automation goes to TECH.AUTO.\n"
        "Example: « L'IA arrive » said the mayor <loudly>.\n"
        "Keywords: ai; machine learning; neural net & deep learning; künstliche Intelligenz\n"
        "Keywords (de): KI; maschinelles Lernen\n"
        "Keywords (fr): apprentissage automatique; IA\n"
        "Id: TECH.AI"
    )
    sets = root.findall(f"{{{NS}}}Sets/{{{NS}}}Set")
    assert [s.get("name") for s in sets] == ["Technology & <tools>", "Société"]
    members = {m.get("guid") for m in sets[1].findall(f"{{{NS}}}MemberCode")}
    assert members == {stable_guid(spec.name, i) for i in ("SOC.AGE", "SOC.AGE.CARE", "SOC.AGE.CARE.ROBOTS")}

    back = read_qdc(path)
    assert back.name == "tricky" and back.version == 1
    assert_same_codes(back, spec)
    assert [group_fields(g) for g in back.groups] == [group_fields(g) for g in spec.groups]
    assert [g.guid for g in back.groups] == [stable_guid(spec.name, "group", g.id) for g in spec.groups]
    assert {c.id: c.guid for c in back.codes} == {c.id: stable_guid(spec.name, c.id) for c in spec.codes}
    assert sorted(p.message for p in validate(back)) == sorted(p.message for p in validate(spec))
    assert all(c.line for c in back.codes)  # where each code stands in the .qdc file

    again = tmp_path / "again.qdc"
    write_qdc(spec, again)
    assert again.read_bytes() == path.read_bytes()
    # what was read back (guids kept, other name) writes the same file again
    write_qdc(back, again)
    assert again.read_bytes() == path.read_bytes()


def test_output_is_schema_valid(tmp_path: Path) -> None:
    xsd = schema()
    if xsd is None:
        pytest.skip(f"{SHARED / 'Codebook.xsd'} is not there: {WHERE}")
    for spec in (tricky_spec(), load_yaml_codebook(DEFAULT_CODEBOOK)):
        path = tmp_path / "out.qdc"
        write_qdc(spec, path)
        assert xsd.validate(etree.parse(str(path))), str(xsd.error_log)
    # and the schema does check: a colour it does not allow makes the file invalid
    tree = etree.parse(str(path))
    tree.find(f".//{{{NS}}}Code").set("color", "blue")
    assert not xsd.validate(tree)


def load_yaml_codebook(path: Path) -> CodebookSpec:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    return CodebookSpec(
        name=raw["codebook"]["name"],
        version=raw["codebook"]["version"],
        description=raw["codebook"]["description"],
        groups=[GroupSpec(**g) for g in raw["groups"]],
        codes=[
            CodeSpec(**{k: v for k, v in c.items() if k != "keywords"}, **by_language(c.get("keywords", [])))
            for c in raw["codes"]
        ],
    )


def by_language(keywords: list[str] | dict[str, list[str]]) -> dict[str, object]:
    """A code's keywords in a YAML file (a list in English, or languages -> lists) as fields."""
    if isinstance(keywords, list):
        return {"keywords": keywords}
    english, other = split_languages(keywords)
    return {"keywords": english, "keywords_lang": other}


def test_shipped_megatrends_codebook_round_trips(tmp_path: Path) -> None:
    spec = load_yaml_codebook(DEFAULT_CODEBOOK)
    assert len(spec.codes) > 50 and any(c.parent for c in spec.codes)
    path = tmp_path / "megatrends.qdc"
    write_qdc(spec, path)
    assert_valid(path)
    back = read_qdc(path)
    assert_same_codes(back, spec)
    assert [group_fields(g) for g in back.groups] == [group_fields(g) for g in spec.groups]
    assert validate(back) == []


def test_write_refuses_what_a_tree_cannot_hold(tmp_path: Path) -> None:
    path = tmp_path / "bad.qdc"
    cases = [
        ([CodeSpec("A", "A", parent="NOPE")], "code A: unknown parent 'NOPE'"),
        ([CodeSpec("A", "A", group="G")], "code A: unknown group 'G'"),
        (
            [CodeSpec("A", "A", parent="B"), CodeSpec("B", "B", parent="A")],
            "A, B: no place in the tree (their parents form a cycle)",
        ),
        ([CodeSpec("A", "A"), CodeSpec("A", "A again")], "duplicate code id 'A'"),
        ([CodeSpec("A", "A", guid="not-a-guid")], "code A: guid 'not-a-guid' is not a GUID"),
        ([], "it has no groups and no codes"),
    ]
    cases.append(
        (
            [CodeSpec("A", "A", parent="B"), CodeSpec("B", "B", parent="A"), CodeSpec("C", "C", parent="A")],
            "A, B, C: no place in the tree (their parents form a cycle)",
        )
    )
    for codes, problem in cases:
        with pytest.raises(ForesightError) as info:
            write_qdc(CodebookSpec(name="x", codes=codes), path)
        assert str(info.value) == f"{path}: cannot write the codebook as .qdc: {problem}"
        assert not path.exists()
    unwritable = tmp_path / "no-such-folder" / "x.qdc"
    with pytest.raises(ForesightError) as info:
        write_qdc(CodebookSpec(name="x", codes=[CodeSpec("A", "A")]), unwritable)
    assert str(info.value) == f"{unwritable}: cannot write (No such file or directory)"


# ---------------------------------------------------------------------------------- real exports


def sample_codebook(name: str) -> etree._Element:
    qdpx = SHARED / "samples" / name
    if not qdpx.exists():
        pytest.skip(f"{qdpx} is not there: {WHERE}")
    with zipfile.ZipFile(qdpx) as zf:
        project = etree.fromstring(zf.read("project.qde"))
    codebook = project.find(f"{{{PROJECT_NS}}}CodeBook")
    assert codebook is not None
    return codebook


def as_codebook_namespace(codebook: etree._Element) -> etree._Element:
    root = etree.Element(f"{{{NS}}}CodeBook", nsmap={None: NS}, origin="rewrapped")
    codes = copy.deepcopy(codebook.find(f"{{{PROJECT_NS}}}Codes"))
    for el in codes.iter():
        el.tag = f"{{{NS}}}{etree.QName(el).localname}"
    root.append(codes)
    etree.cleanup_namespaces(root)
    return root


@pytest.mark.parametrize("namespace", ["codebook", "project"])
@pytest.mark.parametrize("sample", SAMPLES)
def test_code_trees_of_real_exports(tmp_path: Path, sample: str, namespace: str) -> None:
    codebook = sample_codebook(sample)
    if namespace == "codebook":
        codebook = as_codebook_namespace(codebook)
    path = tmp_path / "data" / "qdc" / f"{Path(sample).stem}.qdc"
    path.parent.mkdir(parents=True)
    path.write_bytes(etree.tostring(codebook, xml_declaration=True, encoding="utf-8"))
    if namespace == "codebook":
        assert_valid(path)

    # what the XML says, counted independently
    elements = list(codebook.iter("{*}Code"))
    parent_guid = {
        el.get("guid"): (
            el.getparent().get("guid") if etree.QName(el.getparent()).localname == "Code" else None
        )
        for el in elements
    }
    names = sorted(el.get("name") for el in elements)

    spec = read_qdc(path)
    assert spec.name == Path(sample).stem
    assert spec.groups == []  # every code is codable, so there are no groups
    assert len(spec.codes) == len(elements) == 262
    assert sorted(c.name for c in spec.codes) == names
    assert len({c.id for c in spec.codes}) == len(spec.codes)
    guid_of = {c.id: c.guid for c in spec.codes}
    assert {c.guid: guid_of[c.parent] if c.parent else None for c in spec.codes} == parent_guid
    assert all(c.group == "" and c.colour == "#808080" and c.definition == "" for c in spec.codes)

    codes = {c.name: c for c in spec.codes}
    assert codes["restructure_curriculum"].parent == "RESTRUCTURING_HIGH_SCHOOL"
    assert codes["restructuring_high_school"].parent == "DEFINING_EDUCATION"
    assert codes["defining_education"].parent == "RQ1_DEFINITION"
    assert codes["rq1_definition"].parent is None
    # the same name at several places in the tree gets numbered ids in document order
    citizenship = [c for c in spec.codes if c.name == "citizenship"]
    assert [c.id for c in citizenship] == ["CITIZENSHIP", "CITIZENSHIP_2", "CITIZENSHIP_3"]
    assert codes["rq1_definition"].guid == "34653336-3766-3235-6466-363134396437"
    problems = validate(spec, complete=False)  # empty definitions, names repeated in other branches
    assert problems and not [p for p in problems if p.is_error]  # gaps: the codebook still loads


# ----------------------------------------------------------------------------- other tools' styles


def test_atlas_ti_style() -> None:
    spec = read_qdc(DATA / "atlas_ti.qdc")
    assert spec.name == "atlas_ti" and spec.groups == []
    assert [(c.id, c.name, c.group, c.parent, c.colour) for c in spec.codes] == [
        ("AUTOMATION", "Automation", "", None, "#ff7f0e"),
        ("SKILLS_GAP", "Skills gap", "", None, "#1f77b4"),
        ("RESUME_OF_FUNDING", "Résumé of funding", "", None, "#2ca02c"),
    ]
    assert [c.guid for c in spec.codes] == [f"5d1b6a0e-3c2f-4b8e-9f11-2a7c4e6d8b0{i}" for i in (1, 2, 3)]
    automation, skills, funding = spec.codes
    assert automation.definition == (
        "Machines and software taking over tasks people did before.\nIncludes robots & process automation."
    )
    assert skills.definition == "Firms report they cannot find staff with the skills they need."
    assert skills.example == '"We could hire ten engineers tomorrow if we found them."'
    assert funding.definition == "" and funding.keywords == []


def test_maxqda_style() -> None:
    spec = read_qdc(DATA / "maxqda.qdc")
    assert spec.groups == []
    assert [(c.id, c.group, c.parent, c.colour) for c in spec.codes] == [
        ("ENERGY_TRANSITION", "", None, "#d62728"),
        ("RENEWABLES", "", "ENERGY_TRANSITION", "#e377c2"),
        ("WIND_POWER", "", "RENEWABLES", "#aabbcc"),
        ("OTHER", "", "RENEWABLES", "#7f7f7f"),
        ("STORAGE", "", "ENERGY_TRANSITION", "#8c564b"),
        ("OTHER_2", "", None, "#bcbd22"),
    ]
    assert spec.codes[0].definition == "Everything about moving away from fossil fuels."
    assert validate(spec, complete=False)[0].message == "code RENEWABLES: missing definition"


def test_nvivo_style() -> None:
    spec = read_qdc(DATA / "nvivo.qdc")
    assert spec.groups == []  # folders are codable codes with children: codes, not groups
    assert [(c.id, c.name, c.group, c.parent, c.colour) for c in spec.codes] == [
        ("DRIVERS", "Drivers", "", None, "#808080"),
        ("DEMOGRAPHY", "Demography", "", "DRIVERS", "#808080"),
        ("AGEING_WORKFORCE", "Ageing workforce", "", "DEMOGRAPHY", "#808080"),
        ("REGULATION", "Regulation", "", "DRIVERS", "#808080"),
        ("WEAK_SIGNALS", "Weak signals", "", None, "#808080"),
    ]
    assert spec.codes[-1].definition == "Early, scattered hints of change."
    assert spec.codes[0].guid == "a1b2c3d4-0000-4000-8000-000000000001"


def test_qualcoder_style() -> None:
    spec = read_qdc(DATA / "qualcoder.qdc")
    assert [(g.id, g.name, g.description, g.colour, g.guid) for g in spec.groups] == [
        (
            "TECHNOLOGY",
            "Technology",
            "Technology fields named in the material.",
            "#2ca02c",
            "6b0e2f4a-1d3c-4e5f-8a9b-0c1d2e3f4a01",
        ),
        ("SOCIETY", "Society", "", "#9467bd", "6b0e2f4a-1d3c-4e5f-8a9b-0c1d2e3f4a06"),
    ]
    # the Id: line wins over the name; a later code whose name slugs to the same id is numbered;
    # a category inside a category is a code
    assert [(c.id, c.name, c.group, c.parent, c.colour) for c in spec.codes] == [
        ("TECH", "Sensors", "TECHNOLOGY", None, "#98df8a"),
        ("TECH_2", "Tech", "TECHNOLOGY", "TECH", "#98df8a"),
        ("MATERIALS", "Materials", "TECHNOLOGY", None, "#ff9896"),
        ("GRAPHENE", "Graphene", "TECHNOLOGY", "MATERIALS", "#808080"),
        ("UNCATEGORISED_NOTE", "Uncategorised note", "", None, "#c5b0d5"),
    ]
    sensors = spec.codes[0]
    assert sensors.definition == "Devices that measure a physical quantity."
    assert sensors.use_when == "the paragraph names a sensor type."
    assert sensors.not_when == "only the data is discussed."
    assert sensors.example == ""
    assert sensors.keywords == ["sensor", "lidar", "MEMS"]


def test_lenient_variants(tmp_path: Path) -> None:
    path = tmp_path / "variants.qdc"
    path.write_text(
        "<CodeBook><Codes>"
        '<Code guid="{ABCDEF01-2345-6789-ABCD-EF0123456789}" name="  Folder " isCodable="0" color="#ABC">'
        '<Code guid="abcdef01-2345-6789-abcd-ef012345678A" name="Inside" isCodable="1" color="0A0B0C">'
        "<Description>Id: Given.ID-1</Description></Code></Code>"
        '<Code guid="abcdef01-2345-6789-abcd-ef012345678b" name="!!!" isCodable="1" color="red"/>'
        "</Codes></CodeBook>",
        encoding="utf-8",
    )
    spec = read_qdc(path)
    assert [(g.id, g.name, g.colour, g.guid) for g in spec.groups] == [
        ("FOLDER", "Folder", "#aabbcc", "abcdef01-2345-6789-abcd-ef0123456789")
    ]
    assert [(c.id, c.group, c.parent, c.colour, c.guid, c.definition) for c in spec.codes] == [
        ("Given.ID-1", "FOLDER", None, "#0a0b0c", "abcdef01-2345-6789-abcd-ef012345678a", ""),
        ("CODE", "", None, "#808080", "abcdef01-2345-6789-abcd-ef012345678b", ""),
    ]


# ---------------------------------------------------------------------------- hostile and broken


def test_billion_laughs_is_refused_without_expansion(tmp_path: Path) -> None:
    path = DATA / "billion_laughs.qdc"
    assert error(path) == f"{path}: DOCTYPE declarations are not allowed in a .qdc file"
    # the same bomb in element text only is refused as well
    text_only = tmp_path / "laughs.qdc"
    bomb = path.read_text(encoding="utf-8")
    text_only.write_text(bomb.replace('name="&lol9;"', 'name="x"'), encoding="utf-8")
    assert error(text_only) == f"{text_only}: DOCTYPE declarations are not allowed in a .qdc file"
    # the parser keeps a reference as a node instead of expanding it (a bomb too big fails outright)
    small = bomb.replace('name="&lol9;"', 'name="x"').replace("<Description>&lol9;", "<Description>&lol2;")
    description = etree.fromstring(small.encode("utf-8"), _parser()).find(f".//{{{NS}}}Description")
    assert description.text is None and [str(e) for e in description] == ["&lol2;"]


def test_external_entity_is_refused_and_not_read(tmp_path: Path) -> None:
    path = DATA / "external_entity.qdc"
    assert error(path) == f"{path}: DOCTYPE declarations are not allowed in a .qdc file"

    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-MARKER", encoding="utf-8")
    local = tmp_path / "xxe.qdc"
    local.write_text(
        path.read_text(encoding="utf-8").replace("file:///etc/passwd", secret.as_uri()), encoding="utf-8"
    )
    assert error(local) == f"{local}: DOCTYPE declarations are not allowed in a .qdc file"
    parsed = etree.tostring(etree.fromstring(local.read_bytes(), _parser()))
    assert b"TOP-SECRET-MARKER" not in parsed and b"&secret;" in parsed
    # in an attribute the entity cannot stay a node: the parser refuses it, and so do we
    in_attribute = tmp_path / "xxe-attribute.qdc"
    in_attribute.write_text(
        local.read_text(encoding="utf-8").replace('name="Leak"', 'name="&secret;"'), encoding="utf-8"
    )
    message = error(in_attribute)
    assert message == f"{in_attribute}: DOCTYPE declarations are not allowed in a .qdc file"


def test_truncated_xml() -> None:
    path = DATA / "truncated.qdc"
    assert error(path) == (
        f"{path}: not well-formed XML (line 6: Premature end of data in tag Description line 5)"
    )


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.qdc"
    path.write_bytes(b"")
    assert error(path) == f"{path}: not well-formed XML (line 1: Document is empty)"


def test_wrong_root() -> None:
    path = DATA / "wrong_root.qdc"
    assert error(path) == f"{path}: not a REFI-QDA codebook (root element is Project, expected CodeBook)"


def test_codebook_in_a_foreign_namespace(tmp_path: Path) -> None:
    path = tmp_path / "foreign.qdc"
    path.write_text('<CodeBook xmlns="urn:example"><Codes/></CodeBook>', encoding="utf-8")
    assert error(path) == (
        f"{path}: not a REFI-QDA codebook (root element is {{urn:example}}CodeBook, expected CodeBook)"
    )


def test_missing_and_oversized_files(tmp_path: Path) -> None:
    missing = tmp_path / "missing.qdc"
    assert error(missing) == f"{missing}: no such file"
    big = tmp_path / "big.qdc"
    with big.open("wb") as fh:
        fh.truncate(50 * 1024 * 1024 + 1)  # sparse: costs no disk
    assert error(big) == f"{big}: too large for a .qdc file (over 50 MB)"


# ----------------------------------------------------------------------------- into a project


@pytest.mark.parametrize("name", ["atlas_ti.qdc", "maxqda.qdc", "nvivo.qdc", "qualcoder.qdc", *SAMPLES])
def test_other_tools_codebooks_load_into_a_project(cli, project, tmp_path: Path, name: str) -> None:  # type: ignore[no-untyped-def]
    if name.endswith(".qdpx"):
        if not (SHARED / "samples" / name).exists():
            pytest.skip(f"{SHARED / 'samples' / name} is not there: {WHERE}")
        path = tmp_path / f"{Path(name).stem}.qdc"
        path.write_bytes(etree.tostring(sample_codebook(name), xml_declaration=True, encoding="utf-8"))
    else:
        path = DATA / name
    spec = read_qdc(path)
    gaps = [p.render(str(path)) for p in validate(spec, complete=False)]
    result = cli("--project", str(project.root), "codebook", "import", str(path))
    assert result.code == 0, result.err
    assert result.out.strip() == f"Loaded codebook {spec.name!r}: {len(spec.codes)} codes"
    if gaps:
        assert " ".join(result.err.split()) == " ".join(
            f"{len(gaps)} gap{'s' * (len(gaps) != 1)} (coders get less help; "
            f"'foresight codebook validate {path}' lists them), "
            f"first: {gaps[0]}".split()
        )
    listed = json.loads(cli("--project", str(project.root), "codebook", "list", "--json").out)
    flat = {node["id"]: node["parent"] for node in listed}
    assert flat == {c.id: c.parent for c in spec.codes}  # every code, in its place in the tree


def test_a_name_used_twice_is_refused_as_a_code_reference(project) -> None:  # type: ignore[no-untyped-def]
    from foresight.codebook import import_codebook
    from foresight.codebook.catalog import find_code

    import_codebook(project, DATA / "maxqda.qdc", actor="test")
    with project.session() as session:
        assert find_code(session, "wind power").code_id == "WIND_POWER"
        with pytest.raises(ForesightError) as caught:
            find_code(session, "Other")
    assert str(caught.value) == "several codes are named 'Other' (OTHER, OTHER_2): give the id"
