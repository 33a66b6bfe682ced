"""What a prefilled roadmap holds: the topic's evidence, placed by the domain rule, undated evidence
in its lane, one card per concept and cell, the cards that did not fit listed; and what the printed
page says (framing question, fields, instructions, page numbers) at one text size per paper."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pypdfium2
import pypdfium2.raw as pdfium_c
import pytest

from foresight.errors import ForesightError
from foresight.project import Project
from foresight.resources import WORKSHOPS
from foresight.workshops import WorkshopError, load_workshop
from foresight.workshops.candidates import UNDATED, Candidate, Evidence, one_per_cell, roadmap_candidates
from foresight.workshops.roadmap import print_roadmap, topic_layout, with_lists
from tests.workshop_data import KETS, PLACING, coded_project

EXPERT = WORKSHOPS / "foresight-expert-workshop.yaml"
# the expert workshop without its roadmap section, for tests that write their own
BASE = EXPERT.read_text(encoding="utf-8").split("# How prefilled roadmaps")[0]


@pytest.fixture
def placing(project: Project) -> list[int]:
    return coded_project(project, PLACING)


def cells(cards: list[Candidate]) -> dict[tuple[str, str, str], tuple[int, int, bool]]:
    return {(c.concept, c.domain, c.slot): (c.evidence.units, c.evidence.sources, c.own) for c in cards}


def with_rule(tmp_path: Path, rule: str) -> Path:
    text = BASE + f"roadmap:\n  domain_rule: {rule}\n"
    path = tmp_path / "rule.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_each_topic_holds_its_own_evidence_in_the_row_and_lane_of_its_units(
    project: Project, placing: list[int]
) -> None:
    workshop = load_workshop(EXPERT)
    mobility = roadmap_candidates(project, workshop, workshop.topic("mobility"))
    found = cells(mobility)
    # the topic's own codes: a unit's domain code first, else the code's default domain (EI: products)
    assert found[("EI.MOBILITY", "VR.TECHNOLOGY", "2018-2020")] == (1, 1, True)
    assert found[("EI.MOBILITY", "VR.PRODUCTS", "2018-2020")] == (1, 1, True)
    assert found[("EI.LOGISTICS", "VR.PRODUCTS", UNDATED)] == (1, 1, True)  # no horizon: undated
    assert found[("EI.LOGISTICS", "VR.PRODUCTS", "beyond 2020")] == (1, 1, True)
    # codes co-coded with them: Smart cities in two sources of the technology row, once in products
    assert found[("MT.SMART_CITY", "VR.TECHNOLOGY", "2018-2020")] == (2, 2, False)
    assert found[("MT.SMART_CITY", "VR.PRODUCTS", "2018-2020")] == (1, 1, False)
    assert found[("MT.TRADE_POLICY", "VR.FRAMEWORK", UNDATED)] == (1, 1, False)
    assert found[("MT.CARBON_FOOTPRINT", "VR.OUTCOMES", "beyond 2020")] == (1, 1, False)
    # every row holds evidence; the health topic's unit stays off this topic
    assert {c.domain for c in mobility} == {"VR.FRAMEWORK", "VR.TECHNOLOGY", "VR.PRODUCTS", "VR.OUTCOMES"}
    assert not {"EI.MEDICAL_DEVICES", "MT.BIG_DATA"} & {c.concept for c in mobility}
    # the topic's own codes come first, then the others, biggest first
    own = [c.own for c in mobility]
    assert own == sorted(own, reverse=True)
    assert mobility[own.count(True)].concept == "MT.SMART_CITY"
    health = cells(roadmap_candidates(project, workshop, workshop.topic("health")))
    assert health == {
        ("EI.MEDICAL_DEVICES", "VR.PRODUCTS", "2016-2017"): (1, 1, True),
        ("MT.BIG_DATA", "VR.TECHNOLOGY", "2016-2017"): (1, 1, False),
    }
    assert Counter((c.domain, c.slot, c.concept) for c in mobility).most_common(1)[0][1] == 1


def test_the_domain_rule_of_the_workshop_file(project: Project, placing: list[int], tmp_path: Path) -> None:
    by_unit = load_workshop(with_rule(tmp_path, "unit"))
    found = cells(roadmap_candidates(project, by_unit, by_unit.topic("mobility")))
    assert found[("MT.TRADE_POLICY", "", UNDATED)] == (1, 1, False)  # no domain code: no row
    assert ("MT.SMART_CITY", "VR.PRODUCTS", "2018-2020") not in found
    by_code = load_workshop(with_rule(tmp_path, "code"))
    found = cells(roadmap_candidates(project, by_code, by_code.topic("mobility")))
    assert found[("MT.SMART_CITY", "VR.PRODUCTS", "2018-2020")] == (3, 3, False)  # all in products
    text = BASE + "roadmap:\n  domains: {MT: outcomes, EI.MOBILITY: framework}\n"
    (tmp_path / "domains.yaml").write_text(text, encoding="utf-8")
    mapped = load_workshop(tmp_path / "domains.yaml")
    found = cells(roadmap_candidates(project, mapped, mapped.topic("mobility")))
    assert found[("MT.SMART_CITY", "VR.OUTCOMES", "2018-2020")] == (1, 1, False)
    assert found[("EI.MOBILITY", "VR.FRAMEWORK", "2018-2020")] == (1, 1, True)


@pytest.mark.parametrize(
    ("roadmap", "line", "message"),
    [
        (
            "  domain_rule: nearest",
            2,
            "roadmap: domain_rule must be one of unit-then-code, unit, code, not 'nearest'",
        ),
        (
            "  domains: {MT: space}",
            2,
            "roadmap: domain 'space' of MT is none of framework, technology, products, outcomes",
        ),
        ("  instructions: Draw", 2, "roadmap: instructions must be a list of texts"),
        ("  colour: red", 2, "roadmap: unknown field 'colour'"),
    ],
)
def test_bad_roadmap_rules_are_named_with_their_line(
    cli, tmp_path: Path, roadmap: str, line: int, message: str
) -> None:  # type: ignore[no-untyped-def]
    base = BASE
    path = tmp_path / "bad.yaml"
    path.write_text(base + "roadmap:\n" + roadmap + "\n", encoding="utf-8")
    at = len(base.splitlines()) + line
    with pytest.raises(WorkshopError) as caught:
        load_workshop(path)
    assert str(caught.value) == f"{path}:{at}: {message}"
    result = cli("roadmap", "print", str(path), "--out", str(tmp_path / "x.pdf"))
    assert (result.code, result.err) == (1, f"Error: {path}:{at}: {message}\n")


def test_roadmap_domains_must_name_codes_or_groups_of_the_codebook(  # type: ignore[no-untyped-def]
    cli, project: Project, placing: list[int], tmp_path: Path
) -> None:
    path = tmp_path / "w.yaml"
    path.write_text(BASE + "roadmap:\n  domains: {XX.NOPE: outcomes}\n")
    args = ("-P", str(project.root), "roadmap", "print", str(path), "--prefill")
    result = cli(*args, "--out", str(tmp_path / "x.pdf"))
    assert (result.code, result.err) == (
        1,
        f"Error: {path}: roadmap domains name codes or groups the project's codebook lacks: XX.NOPE\n",
    )
    with pytest.raises(ForesightError):
        roadmap_candidates(project, load_workshop(path), None)


def test_a_trend_flag_on_a_code_joins_that_code_s_card_in_its_cell() -> None:
    coded = Candidate(
        "Smart cities", "VR.TECHNOLOGY", "2018-2020", Evidence("MT.SMART_CITY", 2, 2, (1, 5), (1, 3))
    )
    flag = Candidate(
        "Smart cities",
        "VR.TECHNOLOGY",
        "2018-2020",
        Evidence("MT.SMART_CITY", 2, 2, (5, 9), (3, 4)),
        kind="strong signal",
        origin="trend",
    )
    elsewhere = Candidate(
        "Smart cities", "VR.PRODUCTS", "2018-2020", Evidence("MT.SMART_CITY", 1, 1, (2,), (2,))
    )
    [merged, other] = one_per_cell([flag, coded, elsewhere])
    assert (merged.kind, merged.origin) == ("strong signal", "trend")
    assert (merged.evidence.units, merged.evidence.sources, merged.evidence.unit_ids) == (3, 3, (1, 5, 9))
    assert other == elsewhere


def pdf_text(path: Path) -> list[tuple[str, Counter[float]]]:
    """Each page's text and how many of its characters are set at each size."""
    pdf = pypdfium2.PdfDocument(str(path))
    pages = []
    try:
        for page in pdf:
            textpage = page.get_textpage()
            n = textpage.count_chars()
            sizes = Counter(
                round(pdfium_c.FPDFText_GetFontSize(textpage.raw, i), 1)
                for i in range(n)
                if textpage.get_text_range(i, 1).strip()
            )
            pages.append((" ".join(textpage.get_text_range().split()), sizes))
    finally:
        pdf.close()
    return pages


def test_the_printed_poster_lists_what_does_not_fit_on_the_next_page(
    cli, project: Project, placing: list[int], tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "mobility.pdf"
    args = ("-P", str(project.root), "roadmap", "print", str(EXPERT), "--prefill", "--size", "A4")
    result = cli(*args, "--out", str(out))
    assert result.code == 0, result.err
    [(poster, _), (listed, _)] = pdf_text(out)
    assert "Visual Roadmap: Smart mobility and logistics" in poster and "Page 1 of 2" in poster
    assert "more (next page)" in poster
    assert "Undated" in poster  # the lane's header
    assert "MT." not in poster and "EI." not in poster and "KET." not in poster  # names, not ids
    assert listed.startswith("Visual Roadmap: Smart mobility and logistics: more cards")
    assert "Technological developments · 2016-2017" in listed and "Page 2 of 2" in listed
    # every key enabling technology is on the poster or in the list
    workshop = load_workshop(EXPERT)
    layout = topic_layout(
        workshop,
        workshop.topic("mobility"),
        size="A4",
        candidates=roadmap_candidates(project, workshop, None),
    )
    names = {c.spec.title for c in layout.cards if c.spec} | {s.title for s in layout.hidden}
    assert {"Photonics", "Nanotechnology", "Additive manufacturing"} <= names
    assert len(KETS) + 2 > sum(1 for c in layout.cards if c.spec and c.spec.slot == "2016-2017")
    pages = with_lists([layout])
    assert len(pages) == 2


def test_legend_shows_the_kinds_on_the_page_only(project: Project, placing: list[int]) -> None:
    workshop = load_workshop(EXPERT)
    topic = workshop.topic("health")
    layout = topic_layout(workshop, topic, candidates=roadmap_candidates(project, workshop, topic))
    assert layout.legend_items() == [("one of the topic's codes", "edge:own")]  # no kinds, all dated
    mobility = workshop.topic("mobility")
    layout = topic_layout(workshop, mobility, candidates=roadmap_candidates(project, workshop, mobility))
    kinds = {what for _, what in layout.legend_items() if what.startswith("kind:")}
    assert kinds == {f"kind:{c.spec.kind}" for c in layout.cards if c.spec}
    assert ("no time horizon coded", "lane:undated") in layout.legend_items()


@pytest.mark.parametrize(("size", "body"), [("A0", 24.0), ("A3", 9.0)])
def test_text_is_set_at_one_body_size_per_paper(
    project: Project, placing: list[int], tmp_path: Path, size: str, body: float
) -> None:
    workshop = load_workshop(EXPERT)
    topic = workshop.topic("mobility")
    layout = topic_layout(workshop, topic, size=size, candidates=roadmap_candidates(project, workshop, topic))
    out = tmp_path / "poster.pdf"
    print_roadmap([layout], out)
    pages = pdf_text(out)
    text, sizes = pages[0]
    assert min(sizes) == body  # nothing smaller than the body size, the cards at it
    assert sizes[body] > sum(sizes.values()) / 2
    for _, list_sizes in pages[1:]:
        assert min(list_sizes) == body
    # what the facilitator needs on the page
    assert "Framing question: Where will clusters change most, thematically and organisationally" in text
    assert "Horizon: 2025" in text
    assert f"Topic: {topic.description}" in text
    assert "Group:" in text and "Moderator:" in text
    assert "How to work: 1. Read the cards" in text
    assert "Smart cities" in text


def test_a_blank_poster_has_the_fields_and_the_steps_without_cards(tmp_path: Path) -> None:
    workshop = load_workshop(EXPERT)
    out = tmp_path / "blank.pdf"
    print_roadmap([topic_layout(workshop, workshop.topic("eco"), size="A1")], out)
    [(text, sizes)] = pdf_text(out)
    assert min(sizes) == 16.0
    assert "How to work: 1. Add what is missing on sticky notes" in text
    assert "Read the cards" not in text and "Undated" not in text and "Page" not in text
