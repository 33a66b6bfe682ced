"""Visual Roadmaps: page sizes and labels read back from the PDF, cards that never overlap or spill."""

from __future__ import annotations

import itertools
import random
from pathlib import Path

import pypdfium2
import pytest
import yaml

from foresight.errors import ForesightError
from foresight.project import Project
from foresight.resources import WORKSHOPS
from foresight.workshops import load_workshop
from foresight.workshops.candidates import DOMAINS, Candidate, Evidence, roadmap_candidates
from foresight.workshops.layout import LINE, MM, fit_lines, layout_roadmap, page_size, text_width
from foresight.workshops.roadmap import card_of, overview_layout, read_captured, topic_layout
from tests.workshop_data import coded_project

EXPERT = WORKSHOPS / "foresight-expert-workshop.yaml"
PT = 72


def pdf_pages(path: Path) -> list[tuple[float, float, str]]:
    pdf = pypdfium2.PdfDocument(str(path))
    pages = []
    for page in pdf:
        width, height = page.get_size()
        pages.append((width, height, page.get_textpage().get_text_range()))
    pdf.close()
    return pages


def many_candidates(n: int, seed: int) -> list[Candidate]:
    rng = random.Random(seed)
    words = [
        "industrial",
        "internet",
        "of",
        "things",
        "personalised",
        "medicine",
        "circular",
        "economy",
        "smart",
        "city",
        "logistics",
    ]
    workshop = load_workshop(EXPERT)
    return [
        Candidate(
            label=" ".join(rng.choice(words) for _ in range(rng.randint(1, 9))) + rng.choice(["", "X" * 40]),
            domain=rng.choice(DOMAINS)[0],
            slot=rng.choice(workshop.slots),
            evidence=Evidence(f"MT.CODE_{rng.randint(1, 10**6)}", rng.randint(1, 500), rng.randint(1, 60)),
            kind=rng.choice(["", "trend", "driver", "weak signal", "wild card"]),
        )
        for _ in range(n)
    ]


@pytest.mark.parametrize(
    ("size", "mm"), [("A0", (1189, 841)), ("A1", (841, 594)), ("A3", (420, 297)), ("A4", (297, 210))]
)
def test_blank_roadmap_pdf_has_the_page_size_and_the_labels(
    cli, tmp_path: Path, size: str, mm: tuple[int, int]
) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "blank.pdf"
    result = cli("roadmap", "print", str(EXPERT), "--size", size, "--out", str(out))
    assert (result.code, result.out) == (0, f"Wrote {out}\n")
    [(width, height, text)] = pdf_pages(out)
    assert width == pytest.approx(mm[0] * MM * PT, abs=0.5)
    assert height == pytest.approx(mm[1] * MM * PT, abs=0.5)
    flat = " ".join(text.split())
    assert "Visual Roadmap: Smart mobility and logistics" in flat
    for label in ("2015", "2016-2017", "2018-2020", "beyond 2020"):
        assert label in flat
    for label in (
        "Framework conditions",
        "Technological developments",
        "Products and services",
        "Outcomes and impacts",
    ):
        assert label in flat


def test_topic_option_and_png(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "health.png"
    result = cli("roadmap", "print", str(EXPERT), "--topic", "health", "--size", "A4", "--out", str(out))
    assert result.code == 0
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    bad = cli("roadmap", "print", str(EXPERT), "--topic", "space", "--out", str(out))
    assert bad.code == 1
    assert (
        bad.err == f"Error: {EXPERT}: no topic 'space' (topics: mobility, health, eco, cluster-management)\n"
    )
    size = cli("roadmap", "print", str(EXPERT), "--size", "B5", "--out", str(out))
    assert (size.code, size.err) == (1, "Error: unknown paper size 'B5' (use A0, A1, A3, A4)\n")
    suffix = cli("roadmap", "print", str(EXPERT), "--out", str(tmp_path / "x.svg"))
    assert (suffix.code, suffix.err) == (
        1,
        f"Error: {tmp_path / 'x.svg'}: a roadmap is written as .pdf or .png\n",
    )


@pytest.mark.parametrize("size", ["A0", "A1", "A3", "A4"])
@pytest.mark.parametrize("seed", [1, 2])
def test_cards_never_overlap_and_text_stays_inside(size: str, seed: int) -> None:
    workshop = load_workshop(EXPERT)
    cards = [card_of(c, i) for i, c in enumerate(many_candidates(120, seed))]
    layout = layout_roadmap("t", "s", DOMAINS, workshop.slots, cards, size=size)
    width, height = page_size(size)
    assert layout.cards
    for a, b in itertools.combinations(layout.cards, 2):
        assert not a.box.overlaps(b.box)
    for card in layout.cards:
        cell = layout.cells[(card.spec.domain, card.spec.slot) if card.spec else _cell_of(layout, card.box)]
        assert cell.contains(card.box)
        inner = (card.box.w - 2 * card.pad) * PT
        for n, line in enumerate(card.lines):
            bold = n < len(card.lines) - card.detail_lines
            assert text_width(line, card.fontsize, bold) <= inner + 1e-6, line
        assert len(card.lines) * card.fontsize * LINE / PT <= card.box.h - 2 * card.pad + 1e-6
    # every card is shown or counted in a "+N more" card
    assert sum(1 for c in layout.cards if c.spec) + sum(c.more for c in layout.cards) == len(cards)


def _cell_of(layout, box):  # type: ignore[no-untyped-def]
    return next(key for key, cell in layout.cells.items() if cell.contains(box))


def test_long_words_are_cut_with_an_ellipsis() -> None:
    lines, complete = fit_lines("Supercalifragilisticexpialidocious", 40, 7, 2, text_width)
    assert not complete
    assert lines[0].endswith("…") and text_width(lines[0], 7) <= 40
    lines, complete = fit_lines("Smart city", 400, 7, 2, text_width)
    assert (lines, complete) == (["Smart city"], True)


def test_cards_leave_room_for_sticky_notes() -> None:
    workshop = load_workshop(EXPERT)
    layout = layout_roadmap(
        "t", "s", DOMAINS, workshop.slots, [card_of(c, i) for i, c in enumerate(many_candidates(200, 3))]
    )
    for card in layout.cards:
        cell = _cell_of(layout, card.box)
        cell_box = layout.cells[cell]
        assert card.box.y >= cell_box.top - 0.7 * cell_box.h - 1e-9


def test_candidates_from_codings(project: Project) -> None:
    coded_project(project)
    workshop = load_workshop(EXPERT)
    found = roadmap_candidates(project, workshop, workshop.topic("mobility"))
    summary = [
        (c.evidence.code_id, c.domain, c.slot, c.evidence.units, c.evidence.sources, c.kind, c.own)
        for c in found
    ]
    assert summary == [
        # the topic's own codes first, in every cell their units fall in
        ("EI.MOBILITY", "VR.TECHNOLOGY", "2018-2020", 2, 1, "trend", True),
        ("EI.LOGISTICS", "VR.TECHNOLOGY", "2016-2017", 1, 1, "driver", True),
        ("EI.LOGISTICS", "VR.FRAMEWORK", "undated", 1, 1, "driver", True),
        ("EI.MOBILITY", "VR.TECHNOLOGY", "beyond 2020", 1, 1, "", True),
        ("EI.MOBILITY", "VR.OUTCOMES", "beyond 2020", 1, 1, "wild card", True),
        ("MT.URBAN_MOBILITY", "VR.PRODUCTS", "2016-2017", 1, 1, "weak signal", True),
        # then the codes co-coded with them
        ("MT.SMART_CITY", "VR.TECHNOLOGY", "2018-2020", 2, 1, "trend", False),  # TH.MID twice
        ("MT.BIG_DATA", "VR.TECHNOLOGY", "2016-2017", 1, 1, "driver", False),
        ("MT.CARBON_FOOTPRINT", "VR.OUTCOMES", "beyond 2020", 1, 1, "wild card", False),
        ("MT.SHARING_ECONOMY", "VR.PRODUCTS", "2016-2017", 1, 1, "weak signal", False),
        ("MT.SMART_CITY", "VR.TECHNOLOGY", "beyond 2020", 1, 1, "", False),  # TH.LONG
        ("MT.TRADE_POLICY", "VR.FRAMEWORK", "undated", 1, 1, "driver", False),  # no horizon: undated
    ]
    assert found[0].label == "Mobility industries"
    health = roadmap_candidates(project, workshop, workshop.topic("health"))
    assert [(c.evidence.code_id, c.own) for c in health] == [
        ("EI.BIOPHARMA", True),
        ("MT.PERSONALISED_MEDICINE", True),
    ]
    eco = roadmap_candidates(project, workshop, workshop.topic("eco"))
    assert eco == []


def test_prefilled_pdf_shows_the_cards(cli, project: Project, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    coded_project(project)
    out = tmp_path / "prefill.pdf"
    result = cli("-P", str(project.root), "roadmap", "print", str(EXPERT), "--prefill", "--out", str(out))
    assert result.code == 0, result.err
    assert result.out == f"Wrote {out}\n12 candidate cards from the codings\n"
    [(_, _, text)] = pdf_pages(out)
    flat = " ".join(text.split())
    assert "Smart cities 2 units · 1 source" in flat
    assert "Trade agreements and" in flat
    assert "MT.SMART_CITY" not in flat


def test_a_note_follows_the_subtitle_of_topic_and_overview_pages() -> None:
    workshop = load_workshop(EXPERT)
    topic = workshop.topic("mobility")
    cards = many_candidates(3, 1)
    page = topic_layout(workshop, topic, candidates=cards, note="codings by keyword rules")
    assert page.subtitle.text.endswith("prefilled from the analysis; codings by keyword rules")
    overview = overview_layout(workshop, {topic.id: cards}, note="codings by keyword rules")
    assert overview.subtitle.text.endswith("Berlin · codings by keyword rules")
    assert not topic_layout(workshop, topic, candidates=cards).subtitle.text.endswith("rules")


def test_note_option_prints_where_the_codings_come_from(cli, project: Project, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    coded_project(project)
    out = tmp_path / "noted.pdf"
    note = "coded by keyword rules"
    args = ["-P", str(project.root), "roadmap", "print", str(EXPERT), "--prefill", "--all-topics"]
    result = cli(*args, "--note", note, "--out", str(out))
    assert result.code == 0, result.err
    assert all(note in " ".join(text.split()) for _, _, text in pdf_pages(out))


def test_all_topics_with_an_overview(cli, project: Project, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    coded_project(project)
    out = tmp_path / "all.pdf"
    result = cli(
        "-P",
        str(project.root),
        "roadmap",
        "print",
        str(EXPERT),
        "--prefill",
        "--all-topics",
        "--out",
        str(out),
    )
    assert result.code == 0, result.err
    pages = pdf_pages(out)
    assert len(pages) == 5
    assert "Visual Roadmap: overview of all topics" in " ".join(pages[-1][2].split())


CAPTURED = {
    "topic": "health",
    "items": [
        {
            "id": "a",
            "domain": "framework",
            "slot": "2015",
            "text": "Reimbursement rules for apps",
            "links": ["b"],
        },
        {"id": "b", "domain": "technology", "slot": "2016-2017", "text": "Wearable sensors", "links": ["c"]},
        {
            "id": "c",
            "domain": "Products and services",
            "slot": "2018-2020",
            "text": "Home monitoring",
            "links": [],
        },
        {
            "id": "d",
            "domain": "VR.OUTCOMES",
            "slot": "beyond 2020",
            "text": "Fewer hospital days",
            "links": [],
        },
    ],
}


def test_capture_and_print_the_captured_roadmap(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    items = tmp_path / "items.csv"
    items.write_text(
        "id,domain,slot,text,links\n"
        "a,framework,2015,Reimbursement rules for apps,b\n"
        "b,technology,2016-2017,Wearable sensors,c;d\n"
        "c,products,2018-2020,Home monitoring,\n"
        "d,outcomes,beyond 2020,Fewer hospital days,\n",
        encoding="utf-8",
    )
    recorded = tmp_path / "health.yaml"
    result = cli("roadmap", "capture", str(EXPERT), str(items), "--topic", "health", "--out", str(recorded))
    assert result.out == f"Captured 4 items and 3 links on 'health' into {recorded}\n"
    data = yaml.safe_load(recorded.read_text(encoding="utf-8"))
    assert data["items"][1] == {
        "id": "b",
        "domain": "VR.TECHNOLOGY",
        "slot": "2016-2017",
        "text": "Wearable sensors",
        "links": ["c", "d"],
    }
    pdf = tmp_path / "captured.pdf"
    assert cli("roadmap", "print", str(EXPERT), "--captured", str(recorded), "--out", str(pdf)).code == 0
    [(_, _, text)] = pdf_pages(pdf)
    flat = " ".join(text.split())
    assert "Visual Roadmap: Personalised health" in flat and "Wearable sensors" in flat
    word = tmp_path / "captured.docx"
    assert cli("roadmap", "print", str(EXPERT), "--captured", str(recorded), "--out", str(word)).code == 0
    import docx

    table = docx.Document(str(word)).tables[0]
    assert [c.text for c in table.rows[2].cells] == [
        "b",
        "Technological developments",
        "2016-2017",
        "Wearable sensors",
        "c, d",
    ]


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            "a,space,2015,X,",
            "items.csv:2: domain 'space' is none of framework, technology, products, outcomes",
        ),
        (
            "a,framework,2030,X,",
            "items.csv:2: slot '2030' is none of 2015, 2016-2017, 2018-2020, beyond 2020",
        ),
        ("a,framework,2015,X,z", "items.csv:2: item 'a' links to 'z', which is no item"),
        ("a,framework,2015,,", "items.csv:2: the item has no text"),
    ],
)
def test_bad_captured_items_are_named(tmp_path: Path, row: str, message: str) -> None:
    items = tmp_path / "items.csv"
    items.write_text("id,domain,slot,text,links\n" + row + "\n", encoding="utf-8")
    with pytest.raises(ForesightError) as excinfo:
        read_captured(items, load_workshop(EXPERT))
    assert str(excinfo.value) == f"{tmp_path}/{message}"


def test_captured_links_become_arrows(tmp_path: Path) -> None:
    workshop = load_workshop(EXPERT)
    path = tmp_path / "c.yaml"
    path.write_text(yaml.safe_dump(CAPTURED), encoding="utf-8")
    captured = read_captured(path, workshop)
    from foresight.workshops.roadmap import captured_layout

    layout = captured_layout(workshop, captured, size="A4")
    assert [(c.spec.key, c.spec.links) for c in layout.cards if c.spec] == [
        ("a", ("b",)),
        ("b", ("c",)),
        ("c", ()),
        ("d", ()),
    ]
    assert topic_layout(workshop, workshop.topic("health")).cards == []


@pytest.mark.parametrize("size", ["A4", "A0"])
def test_drawn_text_stays_inside_its_card(size: str) -> None:
    """The renderer's own extents of every card line lie inside the card's box."""
    from foresight.workshops.render import figure

    workshop = load_workshop(EXPERT)
    layout = layout_roadmap(
        "t",
        "s",
        DOMAINS,
        workshop.slots,
        [card_of(c, i) for i, c in enumerate(many_candidates(80, 5))],
        size=size,
    )
    fig = figure(layout)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    dpi = fig.dpi
    checked = 0
    for text in fig.axes[0].texts:
        if text.get_zorder() != 4:
            continue
        x, y = text.get_position()
        card = next(c for c in layout.cards if c.box.x <= x <= c.box.right and c.box.y <= y <= c.box.top)
        extent = text.get_window_extent(renderer)
        assert extent.x0 >= card.box.x * dpi - 0.5
        assert extent.x1 <= card.box.right * dpi + 0.5, text.get_text()
        assert extent.y0 >= card.box.y * dpi - 0.5
        assert extent.y1 <= card.box.top * dpi + 0.5, text.get_text()
        checked += 1
    assert checked >= len(layout.cards)


def test_text_widths_do_not_change_after_drawing(tmp_path: Path) -> None:
    """Measuring must not share matplotlib's font objects, whose size drawing changes."""
    from foresight.workshops.layout import _advance
    from foresight.workshops.roadmap import print_roadmap

    _advance.cache_clear()
    before = text_width("Wearable sensors · 12u/5s", 9.0, True)
    workshop = load_workshop(EXPERT)
    print_roadmap([topic_layout(workshop, workshop.topics[0], size="A1")], tmp_path / "a.png")
    _advance.cache_clear()
    assert text_width("Wearable sensors · 12u/5s", 9.0, True) == before


def test_several_captured_roadmaps_get_an_overview(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    files = []
    for topic in ("health", "mobility"):
        path = tmp_path / f"{topic}.yaml"
        path.write_text(yaml.safe_dump({**CAPTURED, "topic": topic}), encoding="utf-8")
        files += ["--captured", str(path)]
    out = tmp_path / "groups.pdf"
    result = cli("roadmap", "print", str(EXPERT), *files, "--out", str(out))
    assert result.code == 0, result.err
    pages = pdf_pages(out)
    assert len(pages) == 3
    assert "Visual Roadmap: overview of all groups" in " ".join(pages[2][2].split())
    word = tmp_path / "groups.docx"
    assert cli("roadmap", "print", str(EXPERT), *files, "--out", str(word)).code == 0
    import docx

    doc = docx.Document(str(word))
    assert [p.text for p in doc.paragraphs if p.style.name == "Heading 1"] == [
        "Personalised health",
        "Smart mobility and logistics",
    ]
    assert len(doc.tables) == 2


def test_topic_codes_must_be_in_the_codebook(cli, project: Project, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    coded_project(project)
    text = EXPERT.read_text(encoding="utf-8").replace(
        "codes: [EI.MOBILITY,", "codes: [EI.TELEPORTATION, EI.MOBILITY,"
    )
    workshop = tmp_path / "w.yaml"
    workshop.write_text(text, encoding="utf-8")
    result = cli(
        "-P",
        str(project.root),
        "roadmap",
        "print",
        str(workshop),
        "--prefill",
        "--out",
        str(tmp_path / "x.pdf"),
    )
    assert (result.code, result.err) == (
        1,
        f"Error: {workshop}: topic 'mobility' names codes the project's codebook lacks: EI.TELEPORTATION\n",
    )


def test_candidates_command_prints_json(cli, project: Project) -> None:  # type: ignore[no-untyped-def]
    import json

    coded_project(project)
    result = cli("-P", str(project.root), "roadmap", "candidates", str(EXPERT), "--json")
    assert result.code == 0, result.err
    rows = json.loads(result.out)
    assert rows[6] == {
        "label": "Smart cities",
        "domain": "VR.TECHNOLOGY",
        "slot": "2018-2020",
        "kind": "trend",
        "code": "MT.SMART_CITY",
        "units": 2,
        "sources": 1,
        "origin": "codings",
        "topic_code": False,
    }
    assert len(rows) == 12
    table = cli("-P", str(project.root), "roadmap", "candidates", str(EXPERT))
    assert table.code == 0
    assert "Candidate cards: Smart mobility and logistics" in table.out
