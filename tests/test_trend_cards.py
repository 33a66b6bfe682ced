"""Trend flags on the roadmap and in the scenario draft: the growing pair becomes a marked card."""

from __future__ import annotations

import json
from pathlib import Path

import docx
import pypdfium2
import pytest

from foresight.project import Project
from foresight.resources import WORKSHOPS
from foresight.workshops import load_workshop
from foresight.workshops.candidates import (
    Candidate,
    Evidence,
    TrendsUnavailable,
    candidates_from_trends,
    roadmap_candidates,
    trend_report,
)
from foresight.workshops.roadmap import card_of, overview_layout, topic_layout
from tests.trend_card_data import EARLY, GROWING, dated_project

EXPERT = WORKSHOPS / "foresight-expert-workshop.yaml"
SCENARIO = WORKSHOPS / "scenario-workshop.yaml"
NOTICE = (
    "No trend cards: the codings fall in fewer than two of the project's periods, "
    "so there is no change to flag; the cards come from the codings only.\n"
)
PAIR_LABEL = "Big data × Logistical services"


@pytest.fixture
def growing(project: Project) -> dict[str, list[int]]:
    return dated_project(project)


def pair_card(ids: dict[str, list[int]], sources: tuple[int, ...] = ()) -> Candidate:
    units = (ids["e1"][0], *(ids[s][0] for s in ("l1", "l2", "l3", "l4")))
    return Candidate(
        label=PAIR_LABEL,
        domain="VR.TECHNOLOGY",
        slot="2018-2020",  # TH.MID on the expert workshop's slots
        evidence=Evidence("MT.BIG_DATA × EI.LOGISTICS", 5, 5, unit_ids=units, source_ids=sources),
        kind="weak signal",
        origin="trend",
    )


def test_the_growing_pair_becomes_a_card_with_domain_slot_and_evidence(
    project: Project, growing: dict[str, list[int]]
) -> None:
    workshop = load_workshop(EXPERT)
    mobility = workshop.topic("mobility")
    found = candidates_from_trends(project, workshop, mobility)
    assert pair_card(growing, found[1].evidence.source_ids) in found
    assert len(found[1].evidence.source_ids) == 5
    assert [c.label for c in found] == ["Big data", PAIR_LABEL]  # strong signals first
    assert {c.origin for c in found} == {"trend"}
    # the health topic's own trend stays off the mobility roadmap, and is on the health one
    health = [c.label for c in candidates_from_trends(project, workshop, workshop.topic("health"))]
    assert "Personalised medicine × Biopharmaceuticals" in health
    # trend cards come after the cards of the topic's own codes, before those of the codes co-coded
    # with them; the flag on Big data joins the codings' card of Big data in its cell
    merged = roadmap_candidates(project, workshop, mobility, extra=found)
    assert [(c.label, c.origin, c.own) for c in merged] == [
        ("Logistical services", "codings", True),
        ("Mobility industries", "codings", True),
        ("Logistical services", "codings", True),
        ("Big data", "trend", False),
        (PAIR_LABEL, "trend", False),
        ("Smart cities", "codings", False),
        ("Trade agreements and trade barriers", "codings", False),
    ]
    assert (merged[3].kind, merged[3].evidence.units) == ("strong signal", 5)


def test_the_trend_card_is_marked_and_names_its_class(
    project: Project, growing: dict[str, list[int]]
) -> None:
    workshop = load_workshop(EXPERT)
    mobility = workshop.topic("mobility")
    card = card_of(pair_card(growing), 0)
    assert card.marked and card.kind == "weak signal"
    assert card.details[0] == "weak signal · 5 units · 5 sources"
    candidates = roadmap_candidates(
        project, workshop, mobility, extra=candidates_from_trends(project, workshop, mobility)
    )
    layout = topic_layout(workshop, mobility, size="A3", candidates=candidates)
    placed = [c for c in layout.cards if c.spec is not None and c.spec.title == PAIR_LABEL]
    assert len(placed) == 1 and placed[0].spec.marked
    assert placed[0].lines[-placed[0].detail_lines].startswith("weak signal")
    assert layout.cells[("VR.TECHNOLOGY", "2018-2020")].contains(placed[0].box)
    boxes = [c.box for c in layout.cards]
    assert not any(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1 :])
    assert ("a trend flag", "edge:marked") in layout.legend_items()


def test_prefill_prints_the_trend_cards_and_no_trends_leaves_them_out(  # type: ignore[no-untyped-def]
    cli, project: Project, growing: dict[str, list[int]], tmp_path: Path
) -> None:
    out = tmp_path / "prefill.pdf"
    args = ("-P", str(project.root), "roadmap", "print", str(EXPERT), "--prefill", "--size", "A4")
    result = cli(*args, "--out", str(out))
    assert (result.code, result.err) == (0, "")
    assert result.out == f"Wrote {out}\n5 candidate cards from the codings, 2 from the trend flags\n"
    pdf = pypdfium2.PdfDocument(str(out))
    text = " ".join(page.get_textpage().get_text_range() for page in pdf)  # the poster, the list
    pdf.close()
    assert PAIR_LABEL in text.replace("\r\n", " ").replace("\n", " ")
    assert "weak signal" in text

    plain = tmp_path / "plain.pdf"
    result = cli(*args, "--no-trends", "--out", str(plain))
    assert (result.code, result.out, result.err) == (
        0,
        f"Wrote {plain}\n6 candidate cards from the codings\n",
        "",
    )

    listed = cli("-P", str(project.root), "roadmap", "candidates", str(EXPERT), "--json")
    rows = json.loads(listed.out)
    assert rows[4] == {
        "label": PAIR_LABEL,
        "domain": "VR.TECHNOLOGY",
        "slot": "2018-2020",
        "kind": "weak signal",
        "code": "MT.BIG_DATA × EI.LOGISTICS",
        "units": 5,
        "sources": 5,
        "origin": "trend",
        "topic_code": False,
    }
    bare = cli("-P", str(project.root), "roadmap", "candidates", str(EXPERT), "--json", "--no-trends")
    assert [r["origin"] for r in json.loads(bare.out)] == ["codings"] * 6


def drivers(path: Path) -> list[list[str]]:
    doc = docx.Document(str(path))
    heads = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert heads[1] == "Key drivers and trends"
    table = doc.tables[0]
    return [[cell.text for cell in row.cells] for row in table.rows]


def test_scenario_draft_lists_the_trend_flags_with_their_evidence(  # type: ignore[no-untyped-def]
    cli, project: Project, growing: dict[str, list[int]], tmp_path: Path
) -> None:
    out = tmp_path / "draft.docx"
    result = cli("-P", str(project.root), "scenario", "draft", str(SCENARIO), "--out", str(out))
    assert (result.code, result.out, result.err) == (0, f"Wrote {out}\n", "")
    rows = drivers(out)
    assert rows[0] == ["Driver or trend", "Type", "Domain", "Time slot", "Units", "Sources"]
    slot = load_workshop(SCENARIO).horizons["TH.MID"]
    assert [PAIR_LABEL, "weak signal", "Technological developments", slot, "5", "5"] in rows
    assert rows[1][:2] == ["Big data", "strong signal"]
    text = [p.text for p in docx.Document(str(out)).paragraphs]
    assert any(t.startswith("Drawn from the trend flags (codes and code pairs growing") for t in text)

    plain = tmp_path / "plain.docx"
    result = cli(
        "-P", str(project.root), "scenario", "draft", str(SCENARIO), "--no-trends", "--out", str(plain)
    )
    assert (result.code, result.err) == (0, "")
    assert all(r[1] not in ("strong signal", "weak signal") for r in drivers(plain))
    assert PAIR_LABEL not in [r[0] for r in drivers(plain)]


def test_one_period_gives_a_notice_and_the_codings_cards(  # type: ignore[no-untyped-def]
    cli, project: Project, tmp_path: Path
) -> None:
    dated_project(project, [(title, EARLY, codes) for title, _, codes in GROWING])
    with pytest.raises(TrendsUnavailable):
        trend_report(project)
    out = tmp_path / "one.png"
    result = cli(
        "-P",
        str(project.root),
        "roadmap",
        "print",
        str(EXPERT),
        "--prefill",
        "--size",
        "A4",
        "--out",
        str(out),
    )
    assert (result.code, result.out, result.err) == (
        0,
        f"Wrote {out}\n6 candidate cards from the codings\n",
        NOTICE,
    )
    draft = tmp_path / "one.docx"
    result = cli("-P", str(project.root), "scenario", "draft", str(SCENARIO), "--out", str(draft))
    assert (result.code, result.out, result.err) == (0, f"Wrote {draft}\n", NOTICE)
    assert all(r[1] not in ("strong signal", "weak signal") for r in drivers(draft))


def test_the_overview_joins_a_trend_flag_and_its_code_s_card_in_a_cell(
    project: Project, growing: dict[str, list[int]]
) -> None:
    workshop = load_workshop(EXPERT)
    per_topic = {}
    for topic in workshop.topics[:2]:
        trend_cards = candidates_from_trends(project, workshop, topic)
        per_topic[topic.id] = roadmap_candidates(project, workshop, topic, extra=trend_cards)
    layout = overview_layout(workshop, per_topic, size="A3")
    shown = [c.spec for c in layout.cards if c.spec] + layout.hidden
    big_data = [(s.marked, s.kind) for s in shown if s.title == "Big data"]
    assert big_data == [(True, "strong signal")]
    marked = sorted(s.title for s in shown if s.marked)
    # the health topic's flags on its own codes are marked on the overview too
    assert marked == [
        "Big data",
        PAIR_LABEL,
        "Biopharmaceuticals",
        "Personalised medicine",
        "Personalised medicine × Biopharmaceuticals",
    ]
    pair = next(s for s in shown if s.title == PAIR_LABEL)
    assert pair.details[0] == "weak signal · topic 1 · 5 units · 5 sources"
    assert ("a trend flag", "edge:marked") in layout.legend_items()
    assert layout.subtitle.text.startswith("Foresight Expert Workshop")
    assert "Topics: 1 Smart mobility and logistics; 2 Personalised health" in layout.lines[1].text
