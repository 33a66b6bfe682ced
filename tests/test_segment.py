"""Cleaning and splitting on text that shows each problem."""

from __future__ import annotations

import random

from foresight.config import IngestSettings
from foresight.ingest.layout import page_paragraphs
from foresight.ingest.model import Block
from foresight.ingest.running import running
from foresight.ingest.segment import (
    LETTER,
    TERMINAL,
    count_letters,
    ends_like_a_sentence,
    join_lines,
    segment,
    split_long,
)

SETTINGS = IngestSettings()


def test_wrapped_lines_are_joined_and_hyphenated_words_rejoined() -> None:
    text = join_lines(
        [
            "The cluster supports the develop-",
            "ment of new sensors and the",
            "manufac-",
            "turing of flexible displays.",
        ]
    )
    assert text == (
        "The cluster supports the development of new sensors and the manufacturing of flexible displays."
    )


def test_true_compounds_keep_their_hyphen_at_a_line_end() -> None:
    assert join_lines(["a cross-", "sectoral alliance"]) == "a cross-sectoral alliance"
    assert join_lines(["a long-", "term view"]) == "a long-term view"
    assert join_lines(["a Long-", "term view"]) == "a Long-term view"


def test_a_dash_set_close_at_a_line_end_takes_no_space() -> None:
    assert join_lines(["the plan for 2025–", "2030 is out"]) == "the plan for 2025–2030 is out"
    assert join_lines(["growth—", "and jobs"]) == "growth—and jobs"
    assert join_lines(["from Paris –", "Lyon"]) == "from Paris – Lyon"  # a dash set apart stays apart


def test_a_name_split_at_a_line_end_is_joined() -> None:
    assert join_lines(["T5 (Raf-", "fel et al., 2019)"]) == "T5 (Raffel et al., 2019)"


def test_the_document_s_own_words_decide_a_line_end_hyphen() -> None:
    blocks = [
        Block("The model reads the input of each sensor and keeps a well-known order.", wrapped=True),
        Block(
            "Each of the five in-\nput nodes takes one reading; the pipeline is well-\nknown to the "
            "firms of the cluster and of Fur-\nnas county.",
            wrapped=True,
        ),
    ]
    units = [u.text for u in segment(blocks, SETTINGS).units]
    assert units[1] == (
        "Each of the five input nodes takes one reading; the pipeline is well-known to the firms of "
        "the cluster and of Furnas county."
    )


def page(*texts: str) -> list[tuple[str, float, float, float, float, float]]:
    """Lines one under another from the top of an A4 page, in 10-point type."""
    return [(text, 60.0, 400.0, 800.0 - 40 * i, 790.0 - 40 * i, 10.0) for i, text in enumerate(texts)]


def test_running_headers_footers_and_page_numbers_are_dropped() -> None:
    pages = [
        page("Cluster Observatory 2011", "First page body text.", "More body.", "Page 1"),
        page("Cluster Observatory 2011", "Second page body text.", "Page 2"),
        page("Cluster Observatory 2011", "Third page body text.", "- 3 -"),
    ]
    assert running(pages, 10.0, [(0.0, 842.0)] * 3) == [{0, 3}, {0, 2}, {0, 2}]


def test_lines_that_merely_repeat_inside_the_body_are_kept() -> None:
    pages = [page("Header", "Intro", "Body one.", "Footer"), page("Header", "Body two.", "Intro again")]
    assert running(pages, 10.0, [(0.0, 842.0)] * 2) == [{0}, {0}]


def test_long_paragraph_is_split_at_sentence_boundaries() -> None:
    sentence = "Cluster policy must change because industries converge across old boundaries."
    paragraph = " ".join([sentence] * 40)
    chunks = split_long(paragraph, 1200)
    assert len(chunks) > 1
    assert all(len(c) <= 1200 for c in chunks)
    assert all(c.endswith(".") for c in chunks)
    assert " ".join(chunks) == paragraph


def test_a_long_paragraph_is_cut_where_it_stands_and_a_bracket_opens_the_next_sentence() -> None:
    """A list of references run together: the sentencizer ends a sentence after "[" of
    "[Online]"; the bracket opens the next sentence, and no space is put inside it."""
    entry = "D. Cope, Experiments in music intelligence, 1987. [Online]. Available: http://x.org/a."
    paragraph = "\n".join([entry] * 30)
    chunks = split_long(paragraph, 400)
    assert len(chunks) > 1
    assert all(len(c) <= 400 for c in chunks)
    assert not any("[ " in c for c in chunks)
    assert all(c in paragraph for c in chunks)  # cut from the text: its line breaks kept


def test_a_footnote_mark_after_a_full_stop_ends_the_sentence_and_stays_with_it() -> None:
    """A long paragraph whose sentences end in footnotes' marks ("growth.²⁵⁷", "ablation.³,¹⁸")
    is cut after the marks, each with the sentence it follows; a paragraph that ends in one
    ends a sentence, so the next page's paragraph is not run into it."""
    sentences = [
        f"Cluster policy must change because industries converge across old boundaries {n}.{mark}"
        for n, mark in zip(range(30), ["²⁵⁷", "³,¹⁸", "¹²–¹⁴", "⁴"] * 8, strict=False)
    ]
    paragraph = " ".join(sentences)
    chunks = split_long(paragraph, 400)
    assert len(chunks) > 1 and " ".join(chunks) == paragraph
    assert all(any(c.endswith(s) for s in sentences) for c in chunks)
    blocks = [
        Block(" ".join(sentences[:3]), page=1, wrapped=True),
        Block("Firms in the cluster expect growth in demand for shared labs.", page=2, wrapped=True),
    ]
    assert [u.text for u in segment(blocks, IngestSettings()).units] == [b.text for b in blocks]


def test_short_debris_is_dropped_and_short_fragments_are_merged() -> None:
    blocks = [
        Block("Figure 2"),
        Block("17"),
        Block("Firms in the cluster expect growth in demand for shared labs over the decade."),
        Block("Really."),
    ]
    cut = segment(blocks, SETTINGS)
    assert [u.text for u in cut.units] == [
        "Firms in the cluster expect growth in demand for shared labs over the decade. Really."
    ]


def test_bullet_list_stays_with_its_introducing_sentence() -> None:
    blocks = [
        Block("Three drivers explain the growth of the cluster since the turn of the century:"),
        Block("resource scarcity,", kind="list_item"),
        Block("public funding,", kind="list_item"),
        Block("Members expect further growth of the cluster in the next five years overall."),
    ]
    cut = segment(blocks, SETTINGS)
    assert [u.text for u in cut.units] == [
        "Three drivers explain the growth of the cluster since the turn of the century:\n"
        "- resource scarcity,\n- public funding,",
        "Members expect further growth of the cluster in the next five years overall.",
    ]


def test_headings_become_sections_and_offsets_point_into_the_text() -> None:
    blocks = [
        Block("Outlook", kind="heading"),
        Block("Members expect blue growth to converge with logistical services soon."),
        Block("Risks"),  # a heading set in body type
        Block("Storms and a falling fish price could slow the cluster down considerably."),
    ]
    cut = segment(blocks, SETTINGS)
    assert [u.section for u in cut.units] == ["Outlook", "Risks"]
    for unit in cut.units:
        assert cut.text[unit.start : unit.end] == unit.text


def test_no_heading_is_lost_when_several_come_before_any_text() -> None:
    """A cover's title, author and date set as headings, a contents heading, a contents entry
    set in body type and a part's headings four deep: each heading is in the section of the
    units under it, and headings that end the document with no text under them are a unit."""
    blocks = [
        Block("Cluster Report 2031", kind="heading", page=1),
        Block("Marta Ruiz, 11 May 2031", kind="heading", page=1),
        Block("Contents", kind="heading", page=1),
        Block("1 About this report", page=1),  # a contents entry, without dots or page number
        Block("Part I", kind="heading", page=2),
        Block("1 About this report", kind="heading", page=2),
        Block("Members expect blue growth to converge with logistical services soon.", page=2),
        Block("Part II", kind="heading", page=3),
        Block("Chapter 4", kind="heading", page=3),
        Block("4.1 Risks", kind="heading", page=3),
        Block("4.1.1 Storms", kind="heading", page=3),
        Block("Storms and a falling fish price could slow the cluster down considerably.", page=3),
        Block("Annex", kind="heading", page=4),
        Block("Tables", kind="heading", page=4),
    ]
    cut = segment(blocks, SETTINGS)
    assert [u.section for u in cut.units] == [
        "Cluster Report 2031 › Marta Ruiz, 11 May 2031 › Contents › 1 About this report › Part I"
        " › 1 About this report",
        "Part II › Chapter 4 › 4.1 Risks › 4.1.1 Storms",
        "Part II › Chapter 4 › 4.1 Risks › 4.1.1 Storms",
    ]
    assert cut.units[-1].text == "Annex\nTables"
    for unit in cut.units:
        assert cut.text[unit.start : unit.end] == unit.text


def test_paragraph_broken_across_a_page_is_joined() -> None:
    blocks = [
        Block("Three years on, the first group reports eleven joint projects and two licence", page=1),
        Block("agreements with firms outside the region.", page=2),
    ]
    cut = segment(blocks, SETTINGS)
    assert [u.text for u in cut.units] == [
        "Three years on, the first group reports eleven joint projects and two licence "
        "agreements with firms outside the region."
    ]
    assert cut.units[0].page == 1


def test_a_german_paragraph_broken_before_a_capitalised_noun_is_joined() -> None:
    blocks = [
        Block(
            "Zwei Unternehmen des Clusters haben Verfahren entwickelt, mit denen sie aus gebrauchten "
            "Folien ein hochwertiges",
            page=1,
        ),
        Block("Rezyklat gewinnen, das sie an Folienhersteller verkaufen.", page=2),
        Block("Ein neuer Absatz beginnt auf derselben Seite.", page=2),
    ]
    cut = segment(blocks, SETTINGS)
    assert [u.text for u in cut.units] == [
        "Zwei Unternehmen des Clusters haben Verfahren entwickelt, mit denen sie aus gebrauchten Folien "
        "ein hochwertiges Rezyklat gewinnen, das sie an Folienhersteller verkaufen.",
        "Ein neuer Absatz beginnt auf derselben Seite.",
    ]


def test_chart_axis_numbers_are_dropped_from_a_caption() -> None:
    assert join_lines(["0 25 50 75 100", "Figure 1: Share of experts rating a megatrend as relevant"]) == (
        "Figure 1: Share of experts rating a megatrend as relevant"
    )


def test_letters_are_counted_as_the_regular_expression_counts_them() -> None:
    rng = random.Random(4)
    for _ in range(3000):
        text = "".join(chr(rng.randrange(0, 128)) for _ in range(rng.randrange(0, 60)))
        assert count_letters(text) == len(LETTER.findall(text))
        text += rng.choice(["é", "ß", "Ж", "中", "٣", "\u00a0"])
        assert count_letters(text) == len(LETTER.findall(text))


def test_sentence_ends_are_told_as_the_regular_expression_tells_them() -> None:
    rng = random.Random(5)
    characters = "ab .!?:;…\"'”’)]([ \n"
    for _ in range(20000):
        text = "".join(rng.choice(characters) for _ in range(rng.randrange(0, 8)))
        assert ends_like_a_sentence(text) == (TERMINAL.search(text) is not None)


def test_a_short_lead_in_stays_before_the_list_it_introduces() -> None:
    blocks = [
        Block("The cluster's second survey asked its members what they expect of the next decade."),
        Block("Partial answer:", kind="note"),
        Block("Two findings stand out:"),
        Block("- shorter product life cycles", kind="list_item"),
        Block("- more shared test beds", kind="list_item"),
        Block("The board will discuss both findings at its spring meeting with the members."),
    ]
    units = [u.text for u in segment(blocks, SETTINGS).units]
    lead = next(u for u in units if "Two findings" in u)
    assert lead.startswith("Two findings stand out:\n- shorter product life cycles")
    assert units.index(lead) < units.index(
        "The board will discuss both findings at its spring meeting with the members."
    )


def test_text_set_large_before_a_heading_is_a_unit_under_the_section_before_it() -> None:
    """A long line in heading type right before a heading (a lead-in, a callout) is no title:
    it is a unit of the section it stands in, not of a section named after itself."""
    callout = (
        "Instalments without interest, discounted instalments and gift cards bought with the"
        " card do not count towards the monthly spending that sets the rate"
    )
    blocks = [
        Block("Excluded from the monthly spending", kind="heading"),
        Block("Taxes, public charges, tuition and transport fares paid with the card are left out."),
        Block(callout, kind="heading"),
        Block("Other terms", kind="heading"),
        Block("Points are earned when the sale is booked and expire after five years."),
    ]
    cut = segment(blocks, SETTINGS)
    assert [(u.section, u.text) for u in cut.units] == [
        ("Excluded from the monthly spending", blocks[1].text),
        ("Excluded from the monthly spending", callout),
        ("Other terms", blocks[4].text),
    ]


def test_a_paragraph_runs_on_past_its_display_formula_and_an_abbreviation() -> None:
    """Text after a display formula that goes on in lowercase is the same paragraph, the formula
    in its place; "d. h." or "e.g." at the end of the text before ends no sentence. A footnote
    holding a formula stays a unit of its own."""
    blocks = [
        Block("Sei An die Menge der n-Simplizes in K, d. h.", page=3),
        Block("An(K) := { σ ∈ K | dim(σ) = n } für n = 0, . . . , d", kind="note", page=3),
        Block("und Cn(K) der R-Vektorraum mit Basis An(K).", page=3),
        Block("We optimise the loss of each passage as the negative log likelihood, e.g.", page=4),
        Block(
            "2 The index type: HNSW on the CPU, with neighbours per node = 512 and depth = 128.",
            kind="note",
            page=4,
        ),
        Block("the likelihood of the positive passage against all the negative ones.", page=4),
    ]
    cut = segment(blocks, SETTINGS)
    assert [u.text for u in cut.units] == [
        "Sei An die Menge der n-Simplizes in K, d. h. An(K) := { σ ∈ K | dim(σ) = n } für n = 0, . . . ,"
        " d und Cn(K) der R-Vektorraum mit Basis An(K).",
        "We optimise the loss of each passage as the negative log likelihood, e.g. the likelihood of the"
        " positive passage against all the negative ones.",
        blocks[4].text,
    ]


def test_a_diagram_s_single_letters_are_no_heading_and_no_text() -> None:
    """Labels of a diagram set apart ("Σ ϕ", "(a) (b)") are neither the section of the text
    after them nor glued to it; a formula's part ("p + r .") is kept. In large type such labels
    are no heading, while Chinese characters set apart ("目 录", a contents heading) are."""
    blocks = [
        Block("Basics of machine learning", kind="heading"),
        Block("A program learns from experience when its performance improves with that experience."),
        Block("Σ ϕ"),
        Block("(a) (b)"),
        Block("Neural networks are built from simple units that are combined into larger networks."),
        Block("p + r ."),
    ]
    cut = segment(blocks, SETTINGS)
    assert [(u.section, u.text) for u in cut.units] == [
        ("Basics of machine learning", blocks[1].text),
        ("Basics of machine learning", f"{blocks[4].text} p + r ."),
    ]
    body = [
        (f"Line {i} of the body text runs on here.", 50.0, 300.0, 600.0 - 40 * i, 590.0 - 40 * i, 10.0)
        for i in range(3)
    ]
    large = [(text, 50.0, 120.0, 720.0, 705.0, 15.0) for text in ("Σ ϕ", "目 录")]
    kinds = [[p.kind for p in page_paragraphs([head, *body], 10.0)][0] for head in large]
    assert kinds == ["paragraph", "heading"]


def test_a_label_waiting_for_text_stays_before_the_next_heading() -> None:
    """Two short lines in a row make the first a label of the text that follows; when a heading
    comes first, the label stays in its own place, not glued to the text under that heading."""
    blocks = [
        Block("Financial Capital"),
        Block("Read the financial review"),
        Block("See page 44 of this report", kind="note"),
        Block("About this Report"),
        Block("The report has been prepared in line with the integrated reporting framework of 2021."),
    ]
    cut = segment(blocks, SETTINGS)
    assert [(u.section, u.text) for u in cut.units] == [
        ("Read the financial review", "See page 44 of this report"),
        ("Read the financial review", "Financial Capital"),
        ("About this Report", blocks[4].text),
    ]
