"""The shipped codebook, round trips, validation with lines, and edits that keep codings right."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlmodel import select

from foresight import corpus
from foresight.codebook import code_details, code_tree, edits, export_codebook, import_codebook
from foresight.codebook.catalog import read_codebook_file, require_codebook, to_spec
from foresight.codebook.model import CodebookSpec, CodeSpec, validate
from foresight.codebook.yamlio import read_yaml
from foresight.errors import ForesightError
from foresight.ingest import ingest
from foresight.interop.tables import codes_chunks
from foresight.project import Project
from foresight.resources import DEFAULT_CODEBOOK
from foresight.store import Code, Coding, Event
from tests import builders


def same_codebook(a: CodebookSpec, b: CodebookSpec) -> None:
    assert (a.name, a.version, a.description) == (b.name, b.version, b.description)
    assert [(g.id, g.name, g.description, g.colour, g.exclusive) for g in a.groups] == [
        (g.id, g.name, g.description, g.colour, g.exclusive) for g in b.groups
    ]
    assert len(a.codes) == len(b.codes)
    for x, y in zip(a.codes, b.codes, strict=True):
        assert x.same_as(y), (x, y)


def test_shipped_codebook_is_complete() -> None:
    spec, problems = read_codebook_file(DEFAULT_CODEBOOK)
    assert problems == [] and validate(spec, complete=True) == []
    assert 90 <= len(spec.codes) <= 120
    for code in spec.codes:
        assert code.definition and code.use_when and code.not_when and code.example and code.keywords
    ids = {c.id for c in spec.codes}
    assert {"VR.FRAMEWORK", "VR.TECHNOLOGY", "VR.PRODUCTS", "VR.OUTCOMES"} <= ids
    assert {"FC.TREND", "FC.DRIVER", "FC.WEAK_SIGNAL", "FC.WILD_CARD", "TH.SHORT", "TH.MID", "TH.LONG"} <= ids
    assert len([c for c in spec.codes if c.group == "EI"]) == 10
    assert len([c for c in spec.codes if c.group == "LK"]) >= 5
    # every code that says what a unit is about has a roadmap domain; the structural codes have none
    domains = {c.id: c.domain for c in spec.codes}
    assert {domains[c] for c in ids if c.startswith(("MT.", "EI.", "KET.", "LK.", "CP."))} == {
        "VR.FRAMEWORK",
        "VR.TECHNOLOGY",
        "VR.PRODUCTS",
        "VR.OUTCOMES",
    }
    assert not any(domains[c] for c in ids if c.startswith(("VR.", "FC.", "TH.")))
    # one time horizon per unit; a unit may sit in several roadmap domains and offer several kinds
    # of evidence (a driver can be a trend in its own right), so VR and FC are not exclusive
    assert [g.id for g in spec.groups if g.exclusive] == ["TH"]


def test_yaml_to_store_to_yaml_gives_the_same_codebook(project: Project, tmp_path: Path) -> None:
    import_codebook(project, DEFAULT_CODEBOOK, actor="test")
    export_codebook(project, tmp_path / "out.yaml")
    original, _ = read_yaml(DEFAULT_CODEBOOK)
    again, problems = read_yaml(tmp_path / "out.yaml")
    assert problems == [] and validate(again) == []
    same_codebook(original, again)


def test_qdc_to_store_gives_the_same_codebook(project: Project, tmp_path: Path) -> None:
    import_codebook(project, DEFAULT_CODEBOOK, actor="test")
    export_codebook(project, tmp_path / "megatrends.qdc")
    fresh = Project.init(tmp_path / "fresh")
    loaded = import_codebook(fresh, tmp_path / "megatrends.qdc", actor="test")
    assert loaded.codes == len(read_yaml(DEFAULT_CODEBOOK)[0].codes)
    with project.session() as a, fresh.session() as b:
        first, second = to_spec(a, require_codebook(a)), to_spec(b, require_codebook(b))
    assert [c.guid for c in first.codes] == [c.guid for c in second.codes]
    second.name, second.description = first.name, first.description  # .qdc has no place for these
    same_codebook(first, second)


BAD = """schema_version: 1
codebook: {name: Bad, version: 1}
groups:
  - {id: MT, name: Megatrends, description: d, colour: "#112233"}
codes:
  - {id: A, name: Alpha, group: MT, definition: d, colour: "#123456"}
  - {id: A, name: Beta, group: MT, definition: d, colour: "#123456"}
  - {id: C, name: alpha, group: MT, definition: d, colour: "#123456"}
  - {id: D, name: Delta, group: MT, parent: NOPE, definition: d, colour: "#123456"}
  - {id: E, name: Epsilon, group: MT, parent: F, definition: d, colour: "#123456"}
  - {id: F, name: Phi, group: MT, parent: E, definition: d, colour: "#123456"}
  - {id: G, name: Gamma, group: MT, definition: "", colour: "#123456"}
  - {id: H, name: Eta, group: MT, definition: d, colour: "blue"}
  - {id: I, name: Iota, group: XX, definition: d, colour: "#123456", defintion: typo}
  - {id: J, name: Jota, group: MT, definition: d, colour: "#123456", domain: VR.NOWHERE}
"""
EXCLUSIVE = """schema_version: 1
codebook: {name: Horizon, version: 1}
groups:
  - {id: TH, name: Time horizon, colour: "#112233", exclusive: yes please}
codes:
  - {id: A, name: Alpha, group: TH, definition: d}
"""


def test_every_validation_problem_is_listed_with_its_line(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "bad.yaml"
    path.write_text(BAD)
    spec, problems = read_yaml(path)
    found = {p.render("bad.yaml") for p in problems + validate(spec, complete=False)}
    assert found == {
        "bad.yaml:7: duplicate code id 'A' (first on line 6)",
        "bad.yaml:8: duplicate code name 'alpha' (first on line 6)",
        "bad.yaml:9: code D: unknown parent 'NOPE'",
        "bad.yaml:10: code E: parents form a cycle (E -> F -> E)",
        "bad.yaml:12: code G: missing definition (a gap: the codebook loads)",
        "bad.yaml:13: code H: bad colour 'blue' (use #rrggbb)",
        "bad.yaml:14: code I: unknown group 'XX'",
        "bad.yaml:14: code I: unknown field 'defintion'",
        "bad.yaml:15: code J: domain 'VR.NOWHERE' is no other code of the codebook",
    }
    flagged = tmp_path / "flag.yaml"
    flagged.write_text(EXCLUSIVE)
    assert [p.render("flag.yaml") for p in read_yaml(flagged)[1]] == [
        "flag.yaml:4: group TH: exclusive must be true or false, not 'yes please'"
    ]
    result = cli("codebook", "validate", str(path))
    assert result.code == 1
    assert f"{path}:10: code E: parents form a cycle (E -> F -> E)" in result.out.splitlines()
    assert result.err.strip() == f"{len(result.out.splitlines()) - 1} problems, 1 gap"


def test_invalid_codebook_is_refused_with_its_first_problem(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(BAD)
    with pytest.raises(ForesightError) as caught:
        import_codebook(project, path, actor="test")
    assert str(caught.value) == (
        f"{path}:7: duplicate code id 'A' (first on line 6) (and 7 more problems; "
        f"run 'foresight codebook validate {path}')"
    )
    with project.session() as session:
        assert session.exec(select(Code)).all() == []


def test_validate_reports_malformed_yaml_and_hostile_qdc_in_one_line(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    broken = tmp_path / "broken.yaml"
    broken.write_text("codes:\n  - {id: A, name: [unclosed\n")
    result = cli("codebook", "validate", str(broken))
    assert (
        result.code == 1 and result.err.startswith(f"Error: {broken}:") and len(result.err.splitlines()) == 1
    )
    laughs = Path(__file__).parent / "data" / "qdc" / "billion_laughs.qdc"
    result = cli("codebook", "validate", str(laughs))
    assert (result.code, result.err.strip()) == (
        1,
        f"Error: {laughs}: DOCTYPE declarations are not allowed in a .qdc file",
    )


@pytest.fixture
def coded(project: Project, tmp_path: Path) -> Project:
    """The shipped codebook and two coders' codings on a small document."""
    import_codebook(project, DEFAULT_CODEBOOK, actor="test")
    ingest(project, [builders.word_document(tmp_path / "blue.docx")])
    units = [u["id"] for u in corpus.list_units(project)]
    with project.transaction() as session:
        ids = {c.code_id: c.id for c in session.exec(select(Code))}
        for unit, code, coder in [
            (units[0], "EI.BLUE_GROWTH", "anna"),
            (units[0], "FC.TREND", "anna"),
            (units[1], "EI.BLUE_GROWTH", "anna"),
            (units[1], "FC.DRIVER", "anna"),
            (units[0], "FC.DRIVER", "ben"),
            (units[2], "FC.TREND", "ben"),
        ]:
            session.add(Coding(unit_id=unit, code_id=ids[code], coder=coder))
    return project


def codings(project: Project) -> set[tuple[int, str, str]]:
    with project.session() as session:
        rows = session.exec(select(Coding.unit_id, Code.code_id, Coding.coder).join(Code)).all()
    return set(rows)


def version(project: Project) -> int:
    with project.session() as session:
        return require_codebook(session).version


def test_merge_moves_codings_and_a_unit_coded_with_both_keeps_one(coded: Project) -> None:
    before = codings(coded)
    units = sorted({u for u, _, _ in before})
    result = edits.merge_codes(coded, "FC.TREND", "FC.DRIVER", actor="lead")
    assert (result.moved, result.dropped) == (2, 0)
    after = codings(coded)
    assert not any(code == "FC.TREND" for _, code, _ in after)
    assert (units[0], "FC.DRIVER", "anna") in after and (units[2], "FC.DRIVER", "ben") in after
    assert len([c for c in after if c[:2] == (units[0], "FC.DRIVER")]) == 2  # anna and ben, once each
    assert code_details(coded, "FC.TREND")["status"] == "merged"
    assert code_details(coded, "FC.TREND")["merged_into"] == "FC.DRIVER"
    assert "FC.TREND" not in {r["id"] for r in code_tree(coded)}


def test_merge_counts_duplicates_dropped(coded: Project) -> None:
    result = edits.merge_codes(coded, "EI.BLUE_GROWTH", "FC.TREND", actor="lead")
    assert (result.moved, result.dropped) == (1, 1)  # unit 0 had both from anna: one coding stays
    assert sum(1 for _, code, _ in codings(coded) if code == "FC.TREND") == 3


def test_split_leaves_codings_waiting_and_lists_them(coded: Project) -> None:
    start = version(coded)
    result = edits.split_code(coded, "EI.BLUE_GROWTH", ["Offshore energy", "Aquaculture"], actor="lead")
    assert result.codes == ["EI.BLUE_GROWTH.OFFSHORE_ENERGY", "EI.BLUE_GROWTH.AQUACULTURE"]
    assert [r["coder"] for r in result.to_recode] == ["anna", "anna"]
    assert len(edits.waiting_for_recoding(coded)) == 2
    assert sum(1 for _, code, _ in codings(coded) if code == "EI.BLUE_GROWTH") == 2  # kept
    tree = {r["id"]: r for r in code_tree(coded)}
    assert "EI.BLUE_GROWTH" not in tree and tree["EI.BLUE_GROWTH.AQUACULTURE"]["group"] == "EI"
    assert version(coded) == start + 1


def test_rename_move_retire_keep_codings_and_are_logged(coded: Project) -> None:
    before = codings(coded)
    start = version(coded)
    edits.rename_code(coded, "FC.TREND", "Trend (observed)", actor="lead")
    edits.move_code(coded, "FC.WEAK_SIGNAL", "FC.TREND", actor="lead")
    kept = edits.retire_code(coded, "Trend (observed)", actor="lead")
    assert kept == 2
    assert codings(coded) == before
    assert version(coded) == start + 3
    info = code_details(coded, "FC.TREND")
    assert (info["name"], info["status"], info["children"]) == (
        "Trend (observed)",
        "retired",
        ["FC.WEAK_SIGNAL"],
    )
    tree = {r["id"]: r for r in code_tree(coded)}
    assert "FC.TREND" not in tree and tree["FC.WEAK_SIGNAL"]["parent"] == "FC.TREND"
    with coded.session() as session:
        events = session.exec(select(Event).where(Event.entity == "code").order_by(Event.id)).all()
    assert [(e.actor, e.action) for e in events] == [("lead", "rename"), ("lead", "move"), ("lead", "retire")]
    assert events[0].details["old"] == "Trend" and events[0].details["new"] == "Trend (observed)"


def test_edits_refuse_what_would_break_the_tree(coded: Project) -> None:
    with pytest.raises(ForesightError, match="cannot move MT.IOT under MT.IOT_SECURITY: that is inside it"):
        edits.move_code(coded, "MT.IOT", "MT.IOT_SECURITY", actor="lead")
    with pytest.raises(ForesightError, match="code MT.BIG_DATA is already called 'Big data'"):
        edits.rename_code(coded, "MT.IOT", "big data", actor="lead")
    with pytest.raises(ForesightError, match="no code 'NOPE' in codebook"):
        edits.retire_code(coded, "NOPE", actor="lead")
    edits.retire_code(coded, "FC.TREND", actor="lead")
    with pytest.raises(ForesightError, match="code FC.TREND \\(Trend\\) is retired; it cannot be used"):
        edits.merge_codes(coded, "FC.DRIVER", "FC.TREND", actor="lead")


def test_codebook_commands(cli, coded: Project) -> None:  # type: ignore[no-untyped-def]
    p = ("--project", str(coded.root))
    result = cli(
        *p,
        "codebook",
        "add",
        "MT.QUANTUM",
        "Quantum technologies",
        "--definition",
        "Computing and sensing built on quantum effects.",
        "--parent",
        "MT.CONVERGENCE",
        "--keyword",
        "quantum computing",
        "--keyword",
        "qubit",
        "--coder",
        "lead",
    )
    assert result.code == 0, result.err
    rows = json.loads(cli(*p, "codebook", "list", "--json").out)
    quantum = next(r for r in rows if r["id"] == "MT.QUANTUM")
    assert (quantum["parent"], quantum["group"], quantum["depth"]) == ("MT.CONVERGENCE", "MT", 1)
    trend = next(r for r in rows if r["id"] == "FC.TREND")
    assert (trend["codings"], trend["units"]) == (2, 2)
    shown = json.loads(cli(*p, "codebook", "show", "Quantum technologies", "--json").out)
    assert shown["keywords"] == ["quantum computing", "qubit"]
    result = cli(*p, "codebook", "merge", "FC.TREND", "FC.DRIVER")
    assert result.code == 0 and "codings moved" in result.out
    result = cli(*p, "codebook", "split", "EI.BLUE_GROWTH", "--into", "Offshore energy", "--into", "Ports")
    assert result.code == 0 and "2 codings wait for recoding" in result.out
    result = cli(*p, "codebook", "show", "NOPE")
    assert result.code == 1 and result.err.strip().startswith("Error: no code 'NOPE' in codebook")


LANGUAGES = """schema_version: 1
codebook: {name: Lang, version: 1}
codes:
  - id: SC
    name: Supply chains
    definition: d
    keywords:
      en: [supply chain]
      de: [Lieferkette, Halbleiter]
      fr: [chaîne d'approvisionnement]
  - id: PLAIN
    name: Plain
    definition: d
    keywords: [ageing, older people]
  - id: GERMAN
    name: German only
    definition: d
    keywords: {de: [Alterung]}
"""


def test_keywords_per_language_are_read_written_and_stored(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "lang.yaml"
    path.write_text(LANGUAGES)
    spec, problems = read_yaml(path)
    assert problems == []
    assert [c.keywords_by_language() for c in spec.codes] == [
        {"en": ["supply chain"], "de": ["Lieferkette", "Halbleiter"], "fr": ["chaîne d'approvisionnement"]},
        {"en": ["ageing", "older people"]},
        {"de": ["Alterung"]},
    ]
    # a code with German keywords only is not a code without keywords
    assert [p.message for p in validate(spec) if "keywords" in p.message] == []
    assert [p.message for p in validate(CodebookSpec("x", codes=[CodeSpec("A", "A", definition="d")]))] == [
        "code A: missing example",
        "code A: missing not_when",
        "code A: missing use_when",
        "code A: no keywords",
    ]
    import_codebook(project, path, actor="test")
    assert code_details(project, "SC")["keywords_lang"] == {
        "de": ["Lieferkette", "Halbleiter"],
        "fr": ["chaîne d'approvisionnement"],
    }
    (codes,) = codes_chunks(project)
    assert dict(zip(codes["code_id"], codes["keywords_lang"], strict=True)) == {
        "SC": '{"de": ["Lieferkette", "Halbleiter"], "fr": ["chaîne d\'approvisionnement"]}',
        "PLAIN": "",
        "GERMAN": '{"de": ["Alterung"]}',
    }
    export_codebook(project, tmp_path / "out.yaml")
    written = (tmp_path / "out.yaml").read_text(encoding="utf-8")
    # English only stays a plain list; other languages make a mapping
    assert "keywords:\n  - ageing\n  - older people\n" in written
    assert "keywords:\n    en:\n    - supply chain\n    de:\n    - Lieferkette\n" in written
    again, problems = read_yaml(tmp_path / "out.yaml")
    assert problems == []
    same_codebook(spec, again)


BAD_KEYWORDS = """schema_version: 1
codebook: {name: Bad, version: 1}
codes:
  - id: A
    name: Alpha
    definition: d
    keywords:
      en: [one]
      zz: [two]
      de: Lieferkette
      fr: [chaîne, "", Chaîne]
  - id: B
    name: Beta
    definition: d
    keywords: seven
  - id: C
    name: Gamma
    definition: d
    keywords: [x, {y: z}, x]
"""


def test_bad_keywords_are_listed_with_their_lines(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "bad.yaml"
    path.write_text(BAD_KEYWORDS)
    spec, problems = read_yaml(path)
    assert [p.render("bad.yaml") for p in problems] == [
        "bad.yaml:9: code A: keywords: unknown language 'zz' (use an ISO 639-1 code spaCy knows: de, fr ...)",
        "bad.yaml:10: code A: keywords in de must be a list",
        "bad.yaml:11: code A: keywords in fr: an empty keyword",
        "bad.yaml:11: code A: keywords in fr: duplicate keyword 'Chaîne'",
        "bad.yaml:15: code B: keywords must be a list, or a mapping of language to list (de: [...])",
        "bad.yaml:19: code C: keywords: a keyword must be a word or phrase, not a dict",
        "bad.yaml:19: code C: keywords: duplicate keyword 'x'",
    ]
    assert spec.code("A").keywords_by_language() == {"en": ["one"], "fr": ["chaîne"]}
    result = cli("codebook", "validate", str(path))
    assert result.code == 1
    assert f"{path}:10: code A: keywords in de must be a list" in result.out.splitlines()


def test_a_code_is_added_with_keywords_in_other_languages(cli, coded: Project) -> None:  # type: ignore[no-untyped-def]
    p = ("--project", str(coded.root))
    add = (
        *p,
        "codebook",
        "add",
        "MT.SUPPLY",
        "Supply chains",
        "--definition",
        "Supply chains.",
        "--group",
        "MT",
    )
    result = cli(
        *add, "--keyword", "supply chain", "--keyword-in", "de:Lieferkette", "--keyword-in", "fr: chaîne"
    )
    assert result.code == 0, result.err
    assert code_details(coded, "MT.SUPPLY")["keywords_lang"] == {"de": ["Lieferkette"], "fr": ["chaîne"]}
    shown = cli(*p, "codebook", "show", "MT.SUPPLY").out.splitlines()
    assert "keywords: supply chain" in shown and "keywords (de): Lieferkette" in shown
    for given, message in (
        ("Lieferkette", "--keyword-in takes LANG:KEYWORD (de:Lieferkette), not 'Lieferkette'"),
        ("zz:Lieferkette", "unknown language 'zz' (use an ISO 639-1 code spaCy knows: de, fr ...)"),
    ):
        result = cli(
            *p,
            "codebook",
            "add",
            "MT.OTHER",
            "Other",
            "--definition",
            "d",
            "--group",
            "MT",
            "--keyword-in",
            given,
        )
        assert (result.code, result.err.strip()) == (1, f"Error: {message}")
