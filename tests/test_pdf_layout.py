"""PDF pages laid out as real grey literature is: columns, running heads, footnotes, stamps.

Each test builds a PDF that shows one problem of real documents (with fpdf2, in points) and
asserts the units a coder gets from it; a few also read documents of ``shared/realdocs`` when
they lie beside the checkout.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fpdf import FPDF

from foresight import corpus
from foresight.config import IngestSettings
from foresight.ingest import ingest
from foresight.ingest.layout import page_paragraphs
from foresight.ingest.reading import prepare
from foresight.ingest.running import running
from foresight.ingest.segment import join_lines
from foresight.project import Project

REALDOCS = Path(__file__).resolve().parents[2] / "shared" / "realdocs"

COLUMNS = [
    [
        "Regional Innovation Strategy",
        "funds shared pilot lines for",
        "sensor makers and machine",
        "builders across the region.",
    ],
    [
        "Cluster managers expect that",
        "product life cycles will keep",
        "getting shorter over the next",
        "decade of the programme.",
    ],
    [
        "Most firms in the survey said",
        "that joint testing facilities",
        "matter more to them than tax",
        "incentives or cheap land.",
    ],
]


def joined(lines: list[str]) -> str:
    return " ".join(lines)


def units_of(path: Path) -> list[dict]:
    prepared = prepare(str(path), IngestSettings())
    assert not prepared.problem, prepared.problem
    (document, cut), *_ = prepared.documents
    for unit in cut.units:
        assert cut.text[unit.start : unit.end] == unit.text
    return [{"text": u.text, "page": u.page, "section": u.section} for u in cut.units] + [
        {"title": document.title}
    ]


def texts(units: list[dict]) -> list[str]:
    return [u["text"] for u in units if "text" in u]


def new_pdf(title: str = "Cluster report") -> FPDF:
    pdf = FPDF(unit="pt", format="A4")
    pdf.set_title(title)
    pdf.set_auto_page_break(False)
    pdf.set_font("Helvetica", size=10)
    return pdf


def test_columns_written_row_by_row_come_out_column_by_column(tmp_path: Path) -> None:
    """A three-column text whose file draws the columns' lines in turn (line 1 of each column,
    then line 2...): pdfium joins each row into one line; units must follow the columns."""
    pdf = new_pdf()
    pdf.add_page()
    for row in range(4):
        for col, lines in enumerate(COLUMNS):
            pdf.text(50 + col * 175, 120 + row * 13, lines[row])
    pdf.output(str(tmp_path / "rows.pdf"))
    units = units_of(tmp_path / "rows.pdf")
    # (the first column's short, unpunctuated first line is not a heading: its paragraph goes on)
    assert texts(units) == [joined(lines) for lines in COLUMNS]


def test_first_line_of_a_narrow_column_paragraph_is_kept(tmp_path: Path) -> None:
    """A short first line that starts with a capital and has no closing punctuation, in a
    narrow column, is the start of its paragraph, not a heading that takes its words away."""
    pdf = new_pdf()
    pdf.add_page()
    long_columns = [lines + lines for lines in COLUMNS]  # long enough to be units
    for col, lines in enumerate(long_columns):
        for row, line in enumerate(lines):
            pdf.text(50 + col * 175, 120 + row * 13, line)
    pdf.output(str(tmp_path / "narrow.pdf"))
    got = texts(units_of(tmp_path / "narrow.pdf"))
    assert got == [joined(lines) for lines in long_columns]


def test_paragraph_runs_across_a_page_end_and_a_footnote(tmp_path: Path) -> None:
    pdf = new_pdf()
    first = [
        "The survey of cluster managers in the northern regions shows a clear",
        "pattern: firms that share testing facilities bring products to market",
        "faster, and most of the managers interviewed expect that",
    ]
    second = [
        "shared pilot lines will matter more than tax incentives within the",
        "next five years of the regional programme.",
    ]
    pdf.add_page()
    for row, line in enumerate(first):
        pdf.text(60, 700 + row * 13, line)
    pdf.set_font("Helvetica", size=7)
    pdf.text(60, 790, "1 The survey ran from March to May 2011 in four regions of the north.")
    pdf.set_font("Helvetica", size=10)
    pdf.add_page()
    for row, line in enumerate(second):
        pdf.text(60, 80 + row * 13, line)
    pdf.output(str(tmp_path / "across.pdf"))
    got = texts(units_of(tmp_path / "across.pdf"))
    assert got[0] == joined(first + second)
    assert got[1] == "1 The survey ran from March to May 2011 in four regions of the north."


def test_running_heads_that_alternate_sides_are_dropped(tmp_path: Path) -> None:
    pdf = new_pdf()
    body = (
        "Page {n} of the report discusses how regional clusters organise shared research "
        "infrastructure and how their members judge the value of it."
    )
    for n in range(1, 7):
        pdf.add_page()
        pdf.set_font("Helvetica", size=8)
        if n % 2:
            pdf.text(400, 40, "Becker and Lund: Cluster policy")
            pdf.text(520, 810, str(n + 40))
        else:
            pdf.text(60, 40, f"Journal of Cluster Studies 12 ({2010 + n // 2})")
            pdf.text(60, 810, str(n + 40))
        pdf.set_font("Helvetica", size=10)
        first, rest = body.format(n=n).split(" shared ")
        pdf.text(60, 200, f"{first} shared")
        pdf.text(60, 213, rest)
    pdf.output(str(tmp_path / "heads.pdf"))
    got = texts(units_of(tmp_path / "heads.pdf"))
    assert got == [body.format(n=n) for n in range(1, 7)]


def test_a_long_copyright_footer_on_every_page_is_dropped(tmp_path: Path) -> None:
    """A guideline's footer of a whole copyright notice in small type, longer than two lines
    of body text, on every page: no unit holds it."""
    footer = (
        "Version 2.2020, 07/15/20 (c) 2020 Regional Cluster Network (RCN), All rights reserved. "
        "RCN Guidelines and this illustration may not be reproduced in any form without the "
        "express written permission of RCN."
    )
    assert len(footer) > 200
    bodies = [
        "The first step is a survey of which firms of the cluster test their products together.",
        "Firms that share a test bench are asked how often they book it and for how long.",
        "Where no bench is shared, the survey asks what keeps the firms from sharing one.",
        "The answers are read against the programme's aims before the next funding round.",
    ]
    pdf = FPDF(unit="pt", format="A4", orientation="landscape")
    pdf.set_auto_page_break(False)
    for body in bodies:
        pdf.add_page()
        pdf.set_font("Helvetica", size=10)
        pdf.text(60, 200, body)
        pdf.set_font("Helvetica", size=5.5)
        pdf.text(24, 580, footer)
    pdf.output(str(tmp_path / "guideline.pdf"))
    assert texts(units_of(tmp_path / "guideline.pdf")) == bodies


def test_a_book_s_head_naming_the_section_beside_the_page_number_is_dropped(tmp_path: Path) -> None:
    # the head names the current section: too many different ones to repeat on a quarter of
    # the pages, but each shares its baseline with the page's number
    pdf = new_pdf()
    words = [
        "machines",
        "labs",
        "engineers",
        "data",
        "tools",
        "halls",
        "sensors",
        "cranes",
        "robots",
        "vans",
        "printers",
        "ovens",
    ]
    body = "Members of a cluster share their {w} and the staff who run them."
    sections = ["1.1. TEST BEDS", "1.2. STAFF", "2.1. TENDERS", "2.2. LABS", "3.1. SKILLS", "3.2. OUTLOOK"]
    for n in range(1, 13):
        pdf.add_page()
        pdf.text(60, 40, str(n + 90))
        pdf.text(300, 40, sections[(n - 1) // 2])
        pdf.text(60, 200, body.format(w=words[n - 1]))
    pdf.output(str(tmp_path / "book.pdf"))
    units = units_of(tmp_path / "book.pdf")
    assert texts(units) == [body.format(w=words[n - 1]) for n in range(1, 13)]
    assert [u["section"] for u in units if "text" in u] == [None] * 12  # no head taken for a heading


def test_side_stamp_and_page_numbers_are_dropped(tmp_path: Path) -> None:
    pdf = new_pdf()
    pdf.add_page()
    pdf.set_font("Helvetica", size=18)
    with pdf.rotation(90, 30, 500):
        pdf.text(30, 500, "arXiv:1601.03642v1 [cs.CV] 12 Jan 2016")
    pdf.set_font("Helvetica", size=10)
    lines = [
        "Recent machine learning techniques can be modified to produce creative",
        "results. Those results did not exist before and they are not a trivial",
        "combination of the data which was fed into the learning system.",
    ]
    for row, line in enumerate(lines):
        pdf.text(80, 300 + row * 13, line)
    pdf.text(290, 800, "1")
    pdf.output(str(tmp_path / "stamp.pdf"))
    assert texts(units_of(tmp_path / "stamp.pdf")) == [joined(lines)]


def test_small_print_at_a_page_s_edge_that_no_other_page_repeats_is_kept(tmp_path: Path) -> None:
    """A note at the foot of one page and a table's head at the top of the next, in small type:
    text, not a running head or footer (which repeat)."""
    pdf = new_pdf()
    body = [
        "Cluster managers expect that product life cycles will keep getting shorter.",
        "Most firms in the survey said that joint testing facilities matter more to them.",
    ]
    for page, line in enumerate(body):
        pdf.add_page()
        pdf.set_font("Helvetica", size=10)
        pdf.text(72, 300, line)
        pdf.set_font("Helvetica", size=8)
        if page == 0:
            pdf.text(72, 800, "Source: regional survey, 2023.")
        else:
            pdf.text(72, 60, "Firms by region and size")
    pdf.output(str(tmp_path / "edges.pdf"))
    got = " ".join(texts(units_of(tmp_path / "edges.pdf")))
    assert "Source: regional survey, 2023." in got
    assert "Firms by region and size" in got


@pytest.mark.skipif(not REALDOCS.is_dir(), reason="shared/realdocs is not beside the checkout")
def test_real_transcript_keeps_its_head_and_words_and_drops_the_margin_line_numbers() -> None:
    got = texts(units_of(REALDOCS / "court-transcript-line-numbers.pdf"))
    assert "Official - Subject to Final Review" in got  # the head of a one-page document
    assert any(t.startswith("The above-entitled matter came on for oral argument before") for t in got)
    assert not any(t.split("\n")[0].strip().isdigit() for t in got)  # the numbers 1 to 25


def test_heading_in_larger_type_is_the_section_and_the_title(tmp_path: Path) -> None:
    pdf = new_pdf(title="10811.exe")
    pdf.add_page()
    pdf.set_font("Helvetica", size=18)
    pdf.text(60, 80, "Smart Specialisation in Practice")
    pdf.set_font("Helvetica", size=14)
    pdf.text(60, 130, "Why regions specialise")
    pdf.set_font("Helvetica", size=10)
    lines = [
        "Regions that build on what their firms already do well attract more",
        "investment than regions that chase every new technology at once.",
    ]
    for row, line in enumerate(lines):
        pdf.text(60, 155 + row * 13, line)
    pdf.output(str(tmp_path / "headings.pdf"))
    units = units_of(tmp_path / "headings.pdf")
    # (headings one after the other are all the section: none of their words is lost)
    section = "Smart Specialisation in Practice › Why regions specialise"
    assert units[0] == {"text": joined(lines), "page": 1, "section": section}
    assert units[-1] == {"title": "Smart Specialisation in Practice"}


def test_a_page_drawn_twice_gives_units_flagged_as_repeats(project: Project, tmp_path: Path) -> None:
    pdf = new_pdf()
    lines = [
        "Cluster organisations in the Baltic region run joint training programmes",
        "for the engineers of their member firms, paid for from membership fees.",
    ]
    for _ in range(2):
        pdf.add_page()
        for row, line in enumerate(lines):
            pdf.text(60, 300 + row * 13, line)
        pdf.text(60, 400, "A second paragraph, drawn twice like the rest of its page.")
    pdf.output(str(tmp_path / "twice.pdf"))
    report = ingest(project, [tmp_path / "twice.pdf"])
    assert "1 repeating units of the same source" in report.outcomes[0].message
    units = [u for u in corpus.list_units(project) if u["text"].startswith("Cluster organisations")]
    assert len(units) == 2
    assert units[0]["duplicate_of"] is None and units[1]["duplicate_of"] == units[0]["id"]


def test_chinese_lines_are_joined_without_a_space() -> None:
    assert join_lines(["计入营", "业外收入，清理固定资产"]) == "计入营业外收入，清理固定资产"
    assert join_lines(["할인점 주유", "온라인쇼핑몰"]) == "할인점 주유 온라인쇼핑몰"  # Korean: spaces
    assert join_lines(["shared", "pilot lines"]) == "shared pilot lines"


def test_symbol_font_bullets_are_list_items() -> None:
    lines = [
        ("Il est important de mettre à jour le plan parce que :", 56, 400, 700, 688, 12),
        ("\uf0b7 La Municipalité est en pleine croissance;", 60, 300, 680, 668, 12),
        ("\uf0b7 Le transport actif demeure en évolution.", 60, 300, 665, 653, 12),
    ]
    paragraphs = page_paragraphs(lines, 12)
    assert [p.lines for p in paragraphs] == [
        ["Il est important de mettre à jour le plan parce que :"],
        ["• La Municipalité est en pleine croissance;"],
        ["• Le transport actif demeure en évolution."],
    ]


def test_a_title_repeated_as_running_head_stays_on_the_first_page() -> None:
    head = ("Résumés de logs de requêtes OLAP", 200, 400, 800, 790, 9)
    title = ("Résumés de logs de requêtes OLAP", 150, 450, 760, 744, 16)
    pages = [
        [
            title if n == 1 else head,
            (f"Page {n} en dit plus sur les logs.", 60, 500, 600, 590, 10),
            (str(n), 290, 296, 40, 30, 10),
        ]
        for n in range(1, 5)
    ]
    # (digits aside, the body line is on every page too; but it is neither at an edge nor in the
    # edge zone)
    assert running(pages, 10, [(0, 842)] * 4) == [{2}, {0, 2}, {0, 2}, {0, 2}]


@pytest.mark.skipif(not REALDOCS.is_dir(), reason="shared/realdocs is not beside the checkout")
def test_real_two_column_paper_keeps_first_lines_and_drops_the_stamp() -> None:
    got = texts(units_of(REALDOCS / "paper-2col-arxiv.pdf"))
    assert not any("arXiv:1601.03642v1" in t for t in got)
    assert any(t.startswith("Abstract—Recent machine learning techniques can be modified") for t in got)
    assert any(
        t.startswith("The traditional approach of solving problems with software is to program") for t in got
    )
    lowercase = sum(t[:1].islower() for t in got)
    assert lowercase <= 0.15 * len(got)


@pytest.mark.skipif(not REALDOCS.is_dir(), reason="shared/realdocs is not beside the checkout")
def test_real_chinese_report_joins_lines_without_spaces() -> None:
    got = texts(units_of(REALDOCS / "quarterly-report-zh.pdf"))
    assert any("计入营业外收入" in t for t in got)
    assert not any("计入营 业外收入" in t for t in got)


@pytest.mark.skipif(not REALDOCS.is_dir(), reason="shared/realdocs is not beside the checkout")
def test_real_municipal_plan_bullets_and_title() -> None:
    units = units_of(REALDOCS / "municipal-transport-plan-fr.pdf")
    assert units[-1] == {"title": "Plan directeur de transport actif de la municipalité de Chelsea"}
    got = texts(units)
    assert any("\n• La Municipalité est en pleine croissance" in t for t in got)
    assert not any("\uf0b7" in t for t in got)
    assert not any("Rapport final_2021" in t for t in got)  # the footer


def test_arabic_in_two_columns_reads_right_column_first_in_logical_order(tmp_path: Path) -> None:
    """A right-to-left page laid out as typesetters do (each line's glyphs placed left to right
    in visual order): the units hold the words in reading order, the right column first."""
    import matplotlib

    font = Path(matplotlib.__file__).parent / "mpl-data" / "fonts" / "ttf" / "DejaVuSans.ttf"
    right = ["هذه هي الفقرة الأولى من التقرير عن", "التجمعات الصناعية في المنطقة الشمالية"]
    left = ["وهذه هي الفقرة الثانية من التقرير عن", "مراكز الاختبار المشتركة بين الشركات"]
    pdf = new_pdf()
    pdf.add_font("dejavu", fname=str(font))
    pdf.set_font("dejavu", size=11)
    pdf.add_page()
    for row in range(2):
        pdf.text(320, 200 + row * 14, right[row][::-1])
        pdf.text(60, 200 + row * 14, left[row][::-1])
    pdf.output(str(tmp_path / "arabic.pdf"))
    assert texts(units_of(tmp_path / "arabic.pdf")) == [" ".join(right), " ".join(left)]


# Lines as a typesetter draws them: glyphs left to right in visual order (what GNU FriBidi's
# log2vis makes of each logical line; the Arabic in presentation forms, as older programs map
# glyphs), and the logical text a reader gets back.
RTL_LINES = [
    (
        ".NATO לש (חודה יפל) 45%-ב דדמה הלע 2024 תנשב",
        "בשנת 2024 עלה המדד ב-45% (לפי הדוח) של NATO.",
    ),
    (
        ".רלוד 1,000,000 רפסמ ,12/05/2024 ךיראתהו 10:30 העשה",
        "השעה 10:30 והתאריך 12/05/2024, מספר 1,000,000 דולר.",
    ),
    (
        "ﻥﻭﺎﻌﺘﻠﻟ %3.5 ﺔﺒﺴﻨﺑ ﺓﺪﻳﺪﺟ ﺔﻄﺧ ﻦﻋ 2024 ﻡﺎﻋ ﻲﻓ (NATO) ﻒﻠﺣ ﻦﻠﻋﺃ",
        "أعلن حلف (NATO) في عام 2024 عن خطة جديدة بنسبة 3.5% للتعاون",
    ),
]
LTR_LINES_WITH_RTL = [
    (
        "The report says םלוע םולש twice (in 2023) and ends.",
        "The report says שלום עולם twice (in 2023) and ends.",
    ),
    ("Arabic: ﺖﻐﻠﺑ 2024 ﻡﺎﻋ ﻲﻓ, end of the quote.", "Arabic: في عام 2024 بلغت, end of the quote."),
]


def test_right_to_left_lines_with_numbers_and_latin_words_read_in_logical_order(tmp_path: Path) -> None:
    """Hebrew and Arabic lines with numbers, signs, brackets and a Latin word, on a page of
    right-to-left script, and Hebrew and Arabic phrases in lines of an English page: each unit
    holds its line's words in reading order (pdfium alone reverses the words of a phrase inside
    an English line, moves the signs around numbers and turns brackets the wrong way)."""
    import matplotlib

    font = Path(matplotlib.__file__).parent / "mpl-data" / "fonts" / "ttf" / "DejaVuSans.ttf"
    pdf = new_pdf()
    pdf.add_font("dejavu", fname=str(font))
    pdf.set_font("dejavu", size=11)
    for lines, right_aligned in ((RTL_LINES, True), (LTR_LINES_WITH_RTL, False)):
        pdf.add_page()
        for row, (drawn, _) in enumerate(lines):
            x = 520 - pdf.get_string_width(drawn) if right_aligned else 72
            pdf.text(x, 120 + row * 40, drawn)  # a paragraph a line
    pdf.output(str(tmp_path / "rtl.pdf"))
    assert texts(units_of(tmp_path / "rtl.pdf")) == [read for _, read in RTL_LINES + LTR_LINES_WITH_RTL]


def test_right_to_left_paragraphs_split_at_an_indent_on_the_right_and_a_short_last_line(
    tmp_path: Path,
) -> None:
    """Hebrew paragraphs with no gap between them (their full lines about as long): the first
    ends in a line short of the left edge, the next starts with an indent on the right, as an
    English one does on the left."""
    import matplotlib

    font = Path(matplotlib.__file__).parent / "mpl-data" / "fonts" / "ttf" / "DejaVuSans.ttf"
    first = [
        "הוועדה האזורית דנה השבוע בתוכנית החדשה לפיתוח",
        "אזורי התעשייה בצפון הארץ ובחנה את השפעתה על",
        "התושבים.",
    ]
    second = ["חברי הוועדה ביקשו נתונים נוספים על התחבורה", "הציבורית לפני ההצבעה."]
    pdf = new_pdf()
    pdf.add_font("dejavu", fname=str(font))
    pdf.set_font("dejavu", size=11)
    pdf.add_page()
    rows = [(line, 0) for line in first] + [(second[0], 22), (second[1], 0)]
    for row, (line, indent) in enumerate(rows):
        drawn = line[::-1]  # Hebrew words and a full stop: the visual order is the line reversed
        pdf.text(520 - indent - pdf.get_string_width(drawn), 120 + row * 14, drawn)
    pdf.output(str(tmp_path / "paragraphs.pdf"))
    assert texts(units_of(tmp_path / "paragraphs.pdf")) == [" ".join(first), " ".join(second)]


def test_justified_hebrew_drawn_word_by_word_is_not_cut_at_its_spaces(tmp_path: Path) -> None:
    """A justified Hebrew paragraph whose words the file draws one by one: a space between them
    may be wider than the ink of Hebrew letters is tall (they have no ascenders), but not than
    the type's size, and does not cut the line into cells."""
    import matplotlib

    font = Path(matplotlib.__file__).parent / "mpl-data" / "fonts" / "ttf" / "DejaVuSans.ttf"
    lines = [
        "הוועדה האזורית דנה השבוע בתוכנית החדשה לפיתוח",
        "אזורי התעשייה בצפון הארץ ובחנה את השפעתה על",
        "התושבים.",
    ]
    pdf = new_pdf()
    pdf.add_font("dejavu", fname=str(font))
    pdf.set_font("dejavu", size=11)
    pdf.add_page()
    left = 520 - max(pdf.get_string_width(line) for line in lines)
    for row, line in enumerate(lines):
        words = [word[::-1] for word in reversed(line.split())]  # drawn left to right
        widths = [pdf.get_string_width(word) for word in words]
        gap = (520 - left - sum(widths)) / (len(words) - 1) if len(words) > 1 else 0
        x = 520 - sum(widths) - gap * (len(words) - 1)
        for word, width in zip(words, widths, strict=True):
            pdf.text(x, 120 + row * 14, word)
            x += width + gap
    pdf.output(str(tmp_path / "justified.pdf"))
    assert texts(units_of(tmp_path / "justified.pdf")) == [" ".join(lines)]


def test_vowel_points_drawn_over_their_letters_follow_them(tmp_path: Path) -> None:
    """Hebrew and Arabic vowel points drawn as glyphs of their own, each over its letter (as
    shaping programs place them; pdfium gives them before their letters, and makes up spaces
    where the file moves back to draw one): each point follows its letter, words stay whole."""
    import unicodedata

    import matplotlib
    from fontTools.ttLib import TTFont

    font = Path(matplotlib.__file__).parent / "mpl-data" / "fonts" / "ttf" / "DejaVuSans.ttf"
    tt = TTFont(str(font))
    glyphs, scale = tt["glyf"], 14 / tt["head"].unitsPerEm
    lines = ["שָׁלוֹם עוֹלָם וְכָל הָעוֹלָם", "سَلامٌ عَلَيْكُم وَرَحْمَةُ اللهِ"]
    pdf = new_pdf()
    pdf.add_font("dejavu", fname=str(font))
    pdf.set_font("dejavu", size=14)
    pdf.add_page()
    for row, line in enumerate(lines):
        x, width = 520.0, 0.0
        for char in line:  # letters placed right to left, each point over the letter before it
            if unicodedata.combining(char):
                ink = glyphs[tt.getBestCmap()[ord(char)]]
                pdf.text(x + width / 2 - (ink.xMin + ink.xMax) / 2 * scale, 120 + 30 * row, char)
                continue
            width = pdf.get_string_width(char)
            x -= width
            pdf.text(x, 120 + 30 * row, char)
    pdf.output(str(tmp_path / "points.pdf"))
    assert texts(units_of(tmp_path / "points.pdf")) == [" ".join(lines)]


def test_right_to_left_paragraphs_exported_by_libreoffice_read_as_written() -> None:
    """A PDF from LibreOffice (tests/data/pdf/README.md) of the paragraphs of its HTML source:
    each unit is one of them, word for word, in reading order."""
    import html
    import re

    data = Path(__file__).parent / "data" / "pdf"
    source = (data / "rtl-libreoffice.html").read_text(encoding="utf-8")
    paragraphs = [" ".join(html.unescape(p).split()) for p in re.findall(r"<p[^>]*>(.*?)</p>", source, re.S)]
    assert [" ".join(t.split()) for t in texts(units_of(data / "rtl-libreoffice.pdf"))] == paragraphs


def test_right_to_left_columns_exported_by_libreoffice_read_as_written() -> None:
    """Justified Hebrew and Arabic paragraphs in two right-to-left columns, from LibreOffice
    (tests/data/pdf/README.md): each unit is one of them, word for word, right column first."""
    data = Path(__file__).parent / "data" / "pdf"
    paragraphs = (data / "rtl-two-columns-libreoffice.txt").read_text(encoding="utf-8").split("\n")
    got = texts(units_of(data / "rtl-two-columns-libreoffice.pdf"))
    assert [" ".join(t.split()) for t in got] == paragraphs


@pytest.mark.skipif(not REALDOCS.is_dir(), reason="shared/realdocs is not beside the checkout")
def test_real_arabic_word_drawn_as_one_ligature_reads_in_logical_order() -> None:
    (text,) = texts(units_of(REALDOCS / "arabic.pdf"))
    assert text.startswith("حَبيبي")  # pdfium alone gives "يبيبَح"
    # whole words, without the made-up text pdfium gives the glyphs the file maps to no text
    # (Greek letters from their codes, an accent from the code of the fatha's glyph)
    assert text.split() == ["حَبيبي", "habibi", "حَبيبي"]


def test_accents_drawn_as_glyphs_of_their_own_sit_on_their_letters(tmp_path: Path) -> None:
    # TeX draws "L\\'aszl\\'o" as the word and then each accent, on its own, above its letter
    pdf = new_pdf()
    pdf.add_page()
    line = "In 2017 Laszlo Lukacs and Herve Jegou wrote about the search for similar vectors."
    accents = {"Laszlo": [1, 5], "Lukacs": [3], "Herve": [4], "Jegou": [1]}
    width, pos = pdf.get_string_width, 0
    for word in line.split(" "):
        start = 72 + width(line[:pos])
        pdf.text(start, 100, word)
        for k in accents.get(word, []):
            pdf.text(start + width(word[:k]) + width(word[k]) / 2 - width("\u00b4") / 2, 99, "\u00b4")
        pos += len(word) + 1
    pdf.text(72, 114, "They found it fast.")
    path = tmp_path / "accents.pdf"
    pdf.output(str(path))
    assert texts(units_of(path)) == [
        "In 2017 László Lukács and Hervé Jégou wrote about the search for similar vectors. "
        "They found it fast."
    ]


@pytest.mark.skipif(not REALDOCS.is_dir(), reason="shared/realdocs is not beside the checkout")
def test_real_paper_reads_lines_after_a_formula_with_glyphs_that_have_no_unicode() -> None:
    # the formula's big brackets have no Unicode: pdfium's text leaves them out, its boxes do not
    got = texts(units_of(REALDOCS / "paper-2col-dpr.pdf"))
    start = "During training, we sample one positive and m̃−1 negative passages from the top 100"
    assert any(t.startswith(start) for t in got)
    assert any("László Lukács" in t for t in got)
    assert any("Hervé Jégou. 2017. Billion-scale" in t for t in got)
    assert not any("\x01" in t for t in got)


def test_a_ligature_pdfium_cannot_map_is_read_as_the_likeliest_word() -> None:
    from foresight.ingest.ligatures import unmapped_ligatures

    assert unmapped_ligatures("several practical di\ufffeculties for e\ufffecient tools") == (
        "several practical difficulties for efficient tools"
    )
    assert unmapped_ligatures("a \ufffe b") == "a  b"


@pytest.mark.skipif(not REALDOCS.is_dir(), reason="shared/realdocs is not beside the checkout")
def test_real_copy_protected_paper_keeps_words_with_unmapped_ligatures() -> None:
    got = " ".join(texts(units_of(REALDOCS / "paper-stamp-copy-protected.pdf")))
    assert "several practical difficulties for taking advantages" in got
    assert "\ufffe" not in got and "di- culties" not in got


def test_a_changed_two_column_pdf_keeps_the_codings_of_its_unchanged_units(
    project: Project, tmp_path: Path
) -> None:
    from sqlmodel import select

    from foresight.codebook import import_codebook
    from foresight.resources import DEFAULT_CODEBOOK
    from foresight.store import Code, Coding

    def write(first_word: str) -> Path:
        pdf = new_pdf()
        pdf.add_page()
        long_columns = [lines + lines for lines in COLUMNS]
        long_columns[2][0] = f"{first_word} firms in the survey said"
        for col, lines in enumerate(long_columns):
            for row, line in enumerate(lines):
                pdf.text(50 + col * 175, 120 + row * 13, line)
        pdf.output(str(tmp_path / "columns.pdf"))
        return tmp_path / "columns.pdf"

    import_codebook(project, DEFAULT_CODEBOOK, actor="test")
    ingest(project, [write("Most")])
    old = corpus.list_units(project)
    assert len(old) == 3
    with project.transaction() as session:
        code = session.exec(select(Code).where(Code.code_id == "FC.TREND")).one()
        for unit in old:
            session.add(Coding(unit_id=unit["id"], code_id=code.id, coder="anna"))
    report = ingest(project, [write("Many")])
    assert report.outcomes[0].message.endswith("2 codings carried over, 1 stay on the old version")
    new = corpus.list_units(project)
    assert [u["text"][:20] for u in new] == [
        "Regional Innovation ",
        "Cluster managers exp",
        "Many firms in the su",
    ]
    with project.session() as session:
        coded = {c.unit_id for c in session.exec(select(Coding)).all()}
    assert [u["id"] in coded for u in new] == [True, True, False]
    source = corpus.list_sources(project)[0]
    text = corpus.source_text(project, source["id"])
    assert all(text[u["start"] : u["end"]] == u["text"] for u in new)


def test_slides_drawn_in_any_order_give_a_unit_a_slide_under_its_title(tmp_path: Path) -> None:
    slides = [
        (
            "Why clusters matter",
            [
                "Firms in clusters grow faster than isolated firms",
                "Shared labs cut the cost of testing new products",
                "Regions compete for talent, not for factories",
            ],
        ),
        (
            "What we propose",
            [
                "A joint pilot line for sensor makers by 2026",
                "Training paid from membership fees",
                "An annual foresight workshop with the region",
            ],
        ),
    ]
    pdf = FPDF(unit="pt", format=(720, 405))
    pdf.set_auto_page_break(False)
    pdf.set_title("Cluster strategy 2030")
    for number, (title, bullets) in enumerate(slides, start=1):
        pdf.add_page()
        # drawn bottom up: the footer, the bullets from the last, then the title
        pdf.set_font("Helvetica", size=10)
        pdf.text(40, 390, f"Cluster strategy 2030 | {number}")
        pdf.set_font("Helvetica", size=20)
        for row, bullet in reversed(list(enumerate(bullets))):
            pdf.text(60, 150 + row * 40, f"- {bullet}")
        pdf.set_font("Helvetica", "B", size=30)
        pdf.text(40, 70, title)
    pdf.output(str(tmp_path / "slides.pdf"))
    units = units_of(tmp_path / "slides.pdf")
    assert units == [
        {"text": "\n".join(f"- {b}" for b in bullets), "page": n, "section": title}
        for n, (title, bullets) in enumerate(slides, start=1)
    ] + [{"title": "Cluster strategy 2030"}]


def test_a_results_sheet_is_one_table_read_across(tmp_path: Path) -> None:
    """A page of short cells in rows (election results, a price list), drawn as one text object
    a row whose cells are spaced apart: one unit marked as a table, its rows read across."""
    rows = [
        (f"Candidate {chr(65 + i)} Party {i}", f"{100 + 7 * i}", f"YES {20 + i}", f"NO {30 + i}")
        for i in range(16)
    ]
    pdf = new_pdf()
    pdf.add_page()
    for n, cells in enumerate(rows):
        # one string a row, the cells spaced apart by runs of spaces (one text object)
        pdf.text(50, 100 + n * 14, cells[0].ljust(36) + cells[1].ljust(14) + cells[2].ljust(14) + cells[3])
    pdf.output(str(tmp_path / "results.pdf"))
    prepared = prepare(str(tmp_path / "results.pdf"), IngestSettings())
    ((_, cut),) = prepared.documents
    assert [u.attributes for u in cut.units] == [{"table": True}]
    assert cut.units[0].text.split("\n") == [" | ".join(cells) for cells in rows]


def test_a_table_s_last_row_at_the_foot_of_the_page_keeps_its_figures(tmp_path: Path) -> None:
    """The lowest text of the page is a table's last row: the figure at its end is a cell, not
    the page's number."""
    rows = [("Region", "Firms", "Jobs")] + [
        (region, str(20 + 15 * n), str(300 + 100 * n))
        for n, region in enumerate(["North", "South", "Centre", "Coast", "Valley", "Hills"])
    ]
    pdf = new_pdf()
    pdf.add_page()
    for n, cells in enumerate(rows):
        for column, cell in enumerate(cells):
            pdf.text(72 + 110 * column, 120 + 16 * n, cell)
    pdf.output(str(tmp_path / "table.pdf"))
    assert texts(units_of(tmp_path / "table.pdf")) == ["\n".join(" | ".join(cells) for cells in rows)]


def test_a_hebrew_table_is_read_right_to_left_and_its_last_row_keeps_its_figures(tmp_path: Path) -> None:
    """A table on a page of right-to-left script: its first column stands on the right. Its
    last row is the page's lowest text: the figure at its end is a cell, not a page number."""
    import matplotlib

    font = Path(matplotlib.__file__).parent / "mpl-data" / "fonts" / "ttf" / "DejaVuSans.ttf"
    rows = [("אזור", "חברות", "עובדים")] + [
        (region, str(20 + 15 * n), str(300 + 100 * n))
        for n, region in enumerate(["צפון", "דרום", "מרכז", "שרון", "שפלה", "גליל"])
    ]
    pdf = new_pdf()
    pdf.add_font("dejavu", fname=str(font))
    pdf.set_font("dejavu", size=10)
    pdf.add_page()
    for n, cells in enumerate(rows):
        for column, cell in enumerate(cells):
            drawn = cell if cell[0].isdigit() else cell[::-1]  # Hebrew words reversed, figures not
            pdf.text(520 - 110 * column - pdf.get_string_width(drawn), 120 + 16 * n, drawn)
    pdf.output(str(tmp_path / "table.pdf"))
    prepared = prepare(str(tmp_path / "table.pdf"), IngestSettings())
    ((_, cut),) = prepared.documents
    assert [u.attributes for u in cut.units] == [{"table": True}]
    assert cut.units[0].text.split("\n") == [" | ".join(cells) for cells in rows]


def test_a_table_cell_of_names_wrapped_on_three_lines_stays_in_its_row(tmp_path: Path) -> None:
    """A flyer's table whose second column lists names on several lines, with figures drawn
    below the page (invisible) that must not break the table."""
    pdf = new_pdf()
    pdf.add_page()
    pdf.text(60, 100, "Sector")
    pdf.text(200, 100, "Partners")
    pdf.text(60, 120, "Coffee")
    names = ["Star Roasters, Twosome, Bene,", "Bean House, Angel Cups,", "Hollys, Paul Bassett"]
    for n, line in enumerate(names):
        pdf.text(200, 120 + 12 * n, line)
    pdf.text(60, 170, "Bakery")
    pdf.text(200, 170, "Paris Loaf, Tous Jours")
    pdf.text(60, 190, "Stores")
    pdf.text(200, 190, "CU, GS25, Seven, Ministop")
    for n, digit in enumerate("0934"):
        pdf.text(100 + 8 * n, 850, digit)  # below the bottom of the page
    pdf.set_font("Helvetica", size=10)
    pdf.text(60, 260, "Points are given for every purchase made in the month before the statement.")
    pdf.output(str(tmp_path / "flyer.pdf"))
    prepared = prepare(str(tmp_path / "flyer.pdf"), IngestSettings())
    ((_, cut),) = prepared.documents
    assert cut.units[0].attributes == {"table": True}
    assert cut.units[0].text.split("\n") == [
        "Sector | Partners",
        "Coffee | Star Roasters, Twosome, Bene, Bean House, Angel Cups, Hollys, Paul Bassett",
        "Bakery | Paris Loaf, Tous Jours",
        "Stores | CU, GS25, Seven, Ministop",
    ]
    assert [u.text for u in cut.units[1:]] == [
        "Points are given for every purchase made in the month before the statement."
    ]


PROSE = [
    "Cluster firms that share a pilot line bring new",
    "products to market sooner than those that do not,",
    "and the gap grows with the number of partners in",
    "the line. Firms with four partners or more took",
    "half as long from prototype to first sale as the",
    "firms that tested alone, and they spent a third",
    "less on the machines they needed for the tests.",
]
RESULTS = [("Region", "Firms", "Jobs", "Share")] + [
    (region, str(20 + 15 * n), str(300 + 100 * n), f"{5 + n}%")
    for n, region in enumerate(["North", "South", "Centre", "Coast", "Valley", "Hills"])
]


def test_a_table_in_one_column_leaves_the_column_of_prose_beside_it_whole(tmp_path: Path) -> None:
    """A two-column page whose right column holds a table, its rows on the baselines of the
    left column's lines: the left column's paragraph is one unit and the table another, not
    the prose's lines read across into the table's rows."""
    pdf = new_pdf()
    pdf.add_page()
    for n, line in enumerate(PROSE + PROSE):
        pdf.text(50, 100 + 13 * n, line)
    for n, cells in enumerate(RESULTS):
        for column, cell in enumerate(cells):
            pdf.text(310 + 60 * column, 100 + 13 * n, cell)
    for n, line in enumerate(PROSE):
        pdf.text(310, 220 + 13 * n, line)
    pdf.output(str(tmp_path / "beside.pdf"))
    prose = joined(PROSE)
    table = "\n".join(" | ".join(cells) for cells in RESULTS)
    assert texts(units_of(tmp_path / "beside.pdf")) == [f"{prose} {prose}", table, prose]


def test_a_table_across_the_page_ends_where_the_columns_below_it_begin(tmp_path: Path) -> None:
    """A table across the top of a page, then two columns of prose, the right one beside a
    chart's labels in rows: the table is one unit, and the columns' lines are not read into it
    or across each other."""
    pdf = new_pdf()
    pdf.add_page()
    for n, cells in enumerate(RESULTS):
        for column, cell in enumerate(cells):
            pdf.text(50 + 120 * column, 80 + 13 * n, cell)
    for n, line in enumerate(PROSE):
        pdf.text(50, 200 + 13 * n, line)
        pdf.text(310, 200 + 13 * n, line)
    for n, label in enumerate(["90", "80", "70", "60", "50"]):  # a chart's axis, legend and ticks
        pdf.text(50, 320 + 13 * n, label)
        pdf.text(120, 320 + 13 * n, f"Series {n}")
        pdf.text(190, 320 + 13 * n, f"{20 * n}")
    for n, line in enumerate(PROSE):
        pdf.text(310, 320 + 13 * n, line)
    pdf.output(str(tmp_path / "across.pdf"))
    got = texts(units_of(tmp_path / "across.pdf"))
    prose = joined(PROSE)
    assert got[0] == "\n".join(" | ".join(cells) for cells in RESULTS)
    assert got[1] == prose
    assert f"{prose} {prose}" in got or got.count(prose) == 3
    assert not any("Series" in text and "Cluster" in text for text in got)


def test_a_paragraph_runs_on_past_a_table_whose_head_is_a_row_of_names(tmp_path: Path) -> None:
    """A page that ends mid-sentence, then a table across the top of the next page (its head one
    line of capitalised names, drawn as one string), then the sentence goes on: the paragraph is
    one unit, and the head is the table's first row, not a heading."""
    pdf = new_pdf()
    pdf.add_page()
    for n, line in enumerate(PROSE[:3]):
        pdf.text(60, 700 + 13 * n, line)
    pdf.add_page()
    pdf.text(60, 80, "Region Firms Jobs Share of Cluster Total")
    for n, cells in enumerate(RESULTS[1:]):
        for column, cell in enumerate(cells):
            pdf.text(60 + 120 * column, 93 + 13 * n, cell)
    for n, line in enumerate(PROSE[3:]):
        pdf.text(60, 200 + 13 * n, line)
    pdf.output(str(tmp_path / "past.pdf"))
    units = units_of(tmp_path / "past.pdf")
    rows = ["Region Firms Jobs Share of Cluster Total"] + [" | ".join(c) for c in RESULTS[1:]]
    assert texts(units) == [joined(PROSE), "\n".join(rows)]
    assert all(u.get("section") is None for u in units if "text" in u)


@pytest.mark.skipif(not REALDOCS.is_dir(), reason="shared/realdocs is not beside the checkout")
def test_real_chinese_balance_sheet_keeps_its_labels_in_its_rows() -> None:
    """A page of a balance sheet whose first rows hold labels without figures: they are rows of
    the table, one a line, not a paragraph of labels run together."""
    got = texts(units_of(REALDOCS / "quarterly-report-zh.pdf"))
    (table,) = [t for t in got if "税金及附加 | 323,498.25 | 312,207.91" in t]
    assert table.startswith("利息支出\n手续费及佣金支出\n退保金\n")
    assert not any("利息支出手续费" in t for t in got)


def test_reference_labels_in_a_column_of_their_own_start_their_entries(tmp_path: Path) -> None:
    """A list of references whose labels stand in a column left of the entries (drawn apart):
    each entry is one unit that starts with its label, not a run of labels then the entries."""
    entries = {
        "[Cop87]": [
            "D. Cope, Experiments in music intelligence, in Proceedings",
            "of the music conference, 1987.",
        ],
        "[KMN+02]": [
            "T. Kanungo and D. Mount, An efficient clustering algorithm:",
            "analysis and implementation, 2002.",
        ],
        "[Mit97]": [
            "T. M. Mitchell, Machine learning, ser. McGraw Hill series in",
            "computer science. McGraw-Hill, 1997.",
        ],
    }
    pdf = new_pdf()
    pdf.add_page()
    y = 100
    for label, lines in entries.items():
        pdf.text(50, y, label)
        for line in lines:
            pdf.text(100, y, line)
            y += 13
        y += 4
    pdf.output(str(tmp_path / "refs.pdf"))
    assert texts(units_of(tmp_path / "refs.pdf")) == [
        f"{label} {joined(lines)}" for label, lines in entries.items()
    ]


def test_panels_side_by_side_are_read_row_by_row_under_their_headings(tmp_path: Path) -> None:
    """A flyer of four panels, two by two, each a heading in larger type over its text, the
    headings of a row at one height: the panels are read row by row (top left, top right,
    bottom left, bottom right), each unit under its own panel's heading."""
    panels = [
        ("Pilot lines", COLUMNS[0], 50, 100),
        ("Shared testing", COLUMNS[1], 310, 100),
        ("Skills", COLUMNS[2], 50, 300),
        ("Funding", ["Firms in the north said that", *COLUMNS[2][1:]], 310, 300),
    ]
    pdf = new_pdf()
    pdf.add_page()
    for heading, lines, x, y in panels:
        pdf.set_font("Helvetica", "B", size=16)
        pdf.text(x, y, heading)
        pdf.set_font("Helvetica", size=10)
        for n, line in enumerate(lines + lines):
            pdf.text(x, y + 24 + 13 * n, line)
    pdf.output(str(tmp_path / "panels.pdf"))
    units = [u for u in units_of(tmp_path / "panels.pdf") if "text" in u]
    assert [(u["section"], u["text"]) for u in units] == [
        (heading, joined(lines + lines)) for heading, lines, _, _ in panels
    ]


def test_a_numbered_head_in_small_capitals_is_the_section(tmp_path: Path) -> None:
    """A section's number and title set in small capitals ("VI. DISCUSSION"), whose letters
    are smaller than the body's: the section of the text under it, not a note or a unit."""
    pdf = new_pdf()
    pdf.add_page()
    pdf.set_font("Helvetica", size=8)
    pdf.text(60, 100, "VI. DISCUSSION")
    pdf.set_font("Helvetica", size=10)
    for n, line in enumerate(PROSE):
        pdf.text(60, 118 + 13 * n, line)
    pdf.output(str(tmp_path / "caps.pdf"))
    units = [u for u in units_of(tmp_path / "caps.pdf") if "text" in u]
    assert [(u["section"], u["text"]) for u in units] == [("VI. DISCUSSION", joined(PROSE))]


def test_arabic_line_in_many_type_sizes_is_read(tmp_path: Path) -> None:
    """A right-to-left line whose words are set in six sizes, none of them a quarter of its
    glyphs (as in vocalised text set from several fonts): the line is read, in logical order,
    instead of the document being refused as unreadable."""
    import matplotlib

    font = Path(matplotlib.__file__).parent / "mpl-data" / "fonts" / "ttf" / "DejaVuSans.ttf"
    words = ["هذه", "فقرة", "تقرير", "التجمعات", "الصناعية", "الشمالية"]
    pdf = new_pdf()
    pdf.add_font("dejavu", fname=str(font))
    pdf.add_page()
    x = 500.0
    for size, word in zip((10, 11, 12, 13, 14, 15), words, strict=True):
        pdf.set_font("dejavu", size=size)
        x -= pdf.get_string_width(word)
        pdf.text(x, 200, word[::-1])  # glyphs placed left to right, in visual order
        x -= pdf.get_string_width(" ")
    pdf.output(str(tmp_path / "sizes.pdf"))
    assert texts(units_of(tmp_path / "sizes.pdf")) == [" ".join(words)]


def test_emoji_and_math_letters_do_not_shift_the_columns(tmp_path: Path) -> None:
    """Characters beyond 16 bits (emoji in a blog, math italic letters in a paper) count twice
    in pdfium and once in its text: the lines after them keep their places, so that two
    columns drawn row by row still come out column by column."""
    import matplotlib

    font = Path(matplotlib.__file__).parent / "mpl-data" / "fonts" / "ttf" / "DejaVuSans.ttf"
    pdf = new_pdf()
    pdf.add_font("dejavu", fname=str(font))
    pdf.set_font("dejavu", size=10)
    pdf.add_page()
    pdf.text(50, 90, "Weak signals of the week 😀😀😀😀😀😀😀😀😀😀😀😀")
    for row in range(4):
        for col, lines in enumerate(COLUMNS[:2]):
            pdf.text(50 + col * 250, 120 + row * 13, lines[row])
    pdf.output(str(tmp_path / "emoji.pdf"))
    got = texts(units_of(tmp_path / "emoji.pdf"))
    assert got[-2:] == [joined(lines) for lines in COLUMNS[:2]]


def test_arabic_letters_with_flat_ink_in_a_font_with_a_tall_box_are_kept(tmp_path: Path) -> None:
    """A medial seen's ink is flat, a fifth of the box of an Arabic font whose ascent and
    descent are twice its size (as some are): it is a letter, not a kashida's stroke to leave
    out ("المسابقات" read as "السابقات" lost a letter in every such word)."""
    import matplotlib
    from fontTools.ttLib import TTFont

    font = TTFont(str(Path(matplotlib.__file__).parent / "mpl-data" / "fonts" / "ttf" / "DejaVuSans.ttf"))
    metrics = (("hhea", "ascent", "descent"), ("OS/2", "sTypoAscender", "sTypoDescender"))
    for table, ascent, descent in metrics:
        setattr(font[table], ascent, 2 * getattr(font[table], ascent))
        setattr(font[table], descent, 2 * getattr(font[table], descent))
    font["OS/2"].usWinAscent *= 2
    font["OS/2"].usWinDescent *= 2
    font.save(str(tmp_path / "tall.ttf"))
    pdf = new_pdf()
    pdf.add_font("tall", fname=str(tmp_path / "tall.ttf"))
    pdf.set_font("tall", size=14)
    pdf.add_page()
    line = "اﻟﻣﺳﺎﺑﻘﺎت ﻣﺳﺗﻘﺑﻝ اﻟﻣﺳﺎﺑﻘﺎت ﻣﺳﺗﻘﺑﻝ"  # presentation forms, as the glyphs are mapped
    for row in range(4):
        pdf.text(200, 200 + 30 * row, line[::-1])  # glyphs placed left to right, in visual order
    pdf.output(str(tmp_path / "tall.pdf"))
    assert texts(units_of(tmp_path / "tall.pdf")) == [" ".join(["المسابقات مستقبل"] * 8)]


def test_ligatures_mapped_to_odd_letters_are_read_as_ligatures(tmp_path: Path) -> None:
    """Word's Calibri maps its ligature glyphs to letters of other alphabets ("ɵ" for "ti",
    "Ʃ" for "tt", "ō" for "ft"): inside English words they are read as the ligature that makes
    a word; a Romanian word keeps its own letter."""
    import matplotlib

    font = Path(matplotlib.__file__).parent / "mpl-data" / "fonts" / "ttf" / "DejaVuSans.ttf"
    pdf = new_pdf()
    pdf.add_font("dejavu", fname=str(font))
    pdf.set_font("dejavu", size=10)
    pdf.add_page()
    drawn = [
        "The addiɵonal opɵons for wriɵng reports work beƩer aōer the",
        "first tesɵng round in Brașov, according to the cluster's staff.",
    ]
    for row, line in enumerate(drawn):
        pdf.text(72, 120 + row * 13, line)
    pdf.output(str(tmp_path / "calibri.pdf"))
    assert texts(units_of(tmp_path / "calibri.pdf")) == [
        "The additional options for writing reports work better after the first testing round in"
        " Brașov, according to the cluster's staff."
    ]


def test_ruled_table_with_wrapped_cells_gives_a_row_a_line(tmp_path: Path) -> None:
    """A table drawn with its rules whose first column wraps over four lines: each row is one
    line of the table's unit, each cell's lines joined; read line by line, a member's name was
    cut into four rows around the other cells."""
    pdf = new_pdf()
    pdf.add_page()
    rows = [("Member", "Kind of firm", "Share", "Employees")] + [
        (
            f"Nordvik Marine Engineering and Offshore Services Group {i}",
            "Limited company",
            f"{10 + i}.5%",
            "1,200",
        )
        for i in range(6)
    ]
    with pdf.table(col_widths=(110, 90, 60, 70), width=330, text_align="LEFT", line_height=12) as table:
        for row in rows:
            cells = table.row()
            for text in row:
                cells.cell(text)
    pdf.output(str(tmp_path / "ruled.pdf"))
    (table_text,) = texts(units_of(tmp_path / "ruled.pdf"))
    assert table_text.split("\n") == [" | ".join(row) for row in rows]


def test_slide_deck_gives_a_unit_a_frame_under_its_title(tmp_path: Path) -> None:
    """Slides (4:3, large type) with a footline on each: a slide's text is one unit under its
    title; a frame shown bullet by bullet over three slides is one unit, the complete one; the
    footline is dropped, and nothing of one slide joins the next."""
    pdf = FPDF(unit="pt", format=(540, 720))  # (height, width): landscape
    pdf.set_auto_page_break(False)
    frames = [
        ("Why clusters matter", ["Shared testing facilities", "A common pool of skilled staff", "Faster"]),
        ("What members expect", ["Wind farms need service vessels.", "Fish farms move offshore."]),
    ]
    slides = [("Cluster Days 2031", ["Nordvik marine cluster", "Annual members' meeting"])]
    slides += [(title, items[:n]) for title, items in frames for n in range(1, len(items) + 1)]
    for number, (title, items) in enumerate(slides, start=1):
        pdf.add_page(orientation="L")
        pdf.set_font("Helvetica", "B", size=30)
        pdf.text(50, 80, title)
        pdf.set_font("Helvetica", size=20)
        for row, item in enumerate(items):
            pdf.text(70, 160 + row * 40, f"- {item}" if number > 1 else item)
        pdf.set_font("Helvetica", size=9)
        pdf.text(50, 520, f"Nordvik marine cluster - Cluster Days 2031        {number} / {len(slides)}")
    pdf.output(str(tmp_path / "deck.pdf"))
    units = [u for u in units_of(tmp_path / "deck.pdf") if "text" in u]
    assert [(u["section"], u["text"]) for u in units] == [
        ("Cluster Days 2031", "Nordvik marine cluster Annual members' meeting"),
        ("Why clusters matter", "- Shared testing facilities\n- A common pool of skilled staff\n- Faster"),
        ("What members expect", "- Wind farms need service vessels.\n- Fish farms move offshore."),
    ]
    assert [u["page"] for u in units] == [1, 4, 6]


def test_a_heading_set_on_top_of_its_text_and_a_line_ending_in_typewriter_type(tmp_path: Path) -> None:
    """A bold heading a size larger set right on top of its text (no gap between) is the
    section of that text; a line of the text that ends in a program's name in smaller
    typewriter type is still a line of the paragraph, not a note that cuts it."""
    pdf = new_pdf()
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 11.5)
    pdf.text(50, 100, "About this report")
    lines = [
        ("The report follows the integrated reporting framework and covers", ""),
        ("the financial year to March 2022. Its figures come from the", ""),
        ("audited accounts; the data tables were produced with", "pandas"),
        ("and checked by hand against the accounts before they were printed.", ""),
    ]
    for row, (text, code) in enumerate(lines):
        y = 113 + 12 * row
        pdf.set_font("Helvetica", size=10)
        pdf.text(50, y, text)
        if code:
            width = pdf.get_string_width(text + " ")
            pdf.set_font("Courier", size=8)
            pdf.text(50 + width, y, code)
    pdf.output(str(tmp_path / "report.pdf"))
    units = [u for u in units_of(tmp_path / "report.pdf") if "text" in u]
    assert [(u["section"], u["text"]) for u in units] == [
        ("About this report", joined([f"{text} {code}".strip() for text, code in lines]))
    ]


def test_persian_words_set_with_narrow_spaces_keep_their_spaces(tmp_path: Path) -> None:
    """Words of a right-to-left line placed one by one with spaces narrower than a typesetter of
    English uses (XePersian's, a tenth of the glyphs' box): each space is kept, also after a
    letter whose tail runs on under the next word (ر, و)."""
    import matplotlib

    font = Path(matplotlib.__file__).parent / "mpl-data" / "fonts" / "ttf" / "DejaVuSans.ttf"
    words = ["در", "قسمت", "کتابنامه", "خواهند", "بود", "و", "فقط", "مراجع", "ارجاع", "داده", "شده"]
    pdf = new_pdf()
    pdf.add_font("dejavu", fname=str(font))
    pdf.set_font("dejavu", size=11)
    pdf.add_page()
    right = 520.0
    for word in words:  # right to left, each word's glyphs in visual order
        drawn = word[::-1]
        width = pdf.get_string_width(drawn)
        pdf.text(right - width, 200, drawn)
        right -= width + 1.2  # (a space of 1.2 pt: about a tenth of the glyphs' box, 12.8 pt)
    pdf.output(str(tmp_path / "persian.pdf"))
    assert texts(units_of(tmp_path / "persian.pdf")) == [" ".join(words)]


def test_a_line_that_opens_with_a_bracket_and_ends_in_a_footnote_mark_stays_in_its_paragraph(
    tmp_path: Path,
) -> None:
    """A line that opens with a bracket and ends in a footnote's raised mark is a line of its
    paragraph in the paragraph's type, not small print cut out of it as a note."""
    pdf = new_pdf()
    pdf.add_page()
    pdf.text(50, 100, "Cluster reports")
    lines = [
        "The index of each region is the share of its firms that take part in a joint",
        "project with a university, as the regional office counts them each year for",
        "(the office's own survey of the firms, not the national register)",
        "and reports them in the spring.",
    ]
    for row, text in enumerate(lines):
        pdf.set_font("Helvetica", size=10)
        pdf.text(50, 130 + 12 * row, text)
        if text.startswith("("):  # the mark comes right after its line, as a typesetter draws it
            mark = 50 + pdf.get_string_width(text) + 0.5
            pdf.set_font("Helvetica", size=6)
            pdf.text(mark, 130 + 12 * row - 4, "2")
    pdf.output(str(tmp_path / "index.pdf"))
    assert texts(units_of(tmp_path / "index.pdf")) == [" ".join([*lines[:2], f"{lines[2]}²", lines[3]])]


def test_a_root_sign_set_taller_than_its_line_leaves_the_line_in_its_paragraph() -> None:
    """A line that the file gives in pieces, one of them a root sign set taller than the text
    (as TeX sets one), is a line in the text's type: the paragraph it opens goes on with the
    next line, which is not cut off as a paragraph of its own."""
    lines = [
        ("a) The index is I =", 122.2, 242.0, 661.8, 650.9, 10.9),
        ("√", 245.0, 256.1, 663.4, 650.3, 13.1),
        ("(s t) of each region's firms that take part in a joint", 256.0, 537.3, 661.8, 650.9, 10.9),
        ("project with a university.", 137.3, 261.5, 647.6, 637.9, 9.6),
    ]
    paragraphs = page_paragraphs(lines, 9.6)
    assert [(p.kind, p.lines) for p in paragraphs] == [
        (
            "paragraph",
            ["a) The index is I = √(s t) of each region's firms that take part in a joint", lines[3][0]],
        )
    ]


def test_letters_an_ocr_layer_sets_apart_are_read_as_whole_words(tmp_path: Path) -> None:
    """An OCR layer over a scan sets each word's letters apart and its last letter on its own:
    pdfium puts a space before that letter ("Chin a Ocea n Shippin g"). The words come out
    whole, and the spaces between words stay."""
    lines = [
        "China Ocean Shipping Company Limited has its head office",
        "in Beijing and a branch in the port of Tianjin.",
    ]
    pdf = new_pdf()
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    for row, line in enumerate(lines):
        x, y = 50.0, 100.0 + 16 * row
        for word in line.split():
            pdf.set_char_spacing(2)
            pdf.text(x, y, word[:-1])
            x += pdf.get_string_width(word[:-1])
            pdf.set_char_spacing(0)
            pdf.text(x, y, word[-1])
            x += pdf.get_string_width(word[-1]) + 6
    pdf.output(str(tmp_path / "scan.pdf"))
    assert texts(units_of(tmp_path / "scan.pdf")) == [" ".join(lines)]


def test_footnote_marks_set_raised_are_superscript_figures_and_a_subscript_stays(tmp_path: Path) -> None:
    """A footnote's mark set raised right after a word, in the line or where the file starts
    a line with it, is written as superscript figures ("practice²"), so that the word stays a
    word; a figure set lower ("CO2") or on the line ("A4") stays as it is."""
    parts = [
        ("Firms share their test benches more often in practice", 0),
        ("2", 4),
        (" than the survey of 2019 suggests, and the CO", 0),
        ("2", -2),
        (" they save is counted", 0),
    ]
    pdf = new_pdf()
    pdf.add_page()
    x = 50.0
    for text, rise in parts:
        pdf.set_font("Helvetica", size=7 if rise else 10)
        pdf.text(x, 100 - rise, text)
        x += pdf.get_string_width(text)
    pdf.set_font("Helvetica", size=10)
    pdf.text(50, 112, "on sheets of A4 paper by the cluster's office in every member's own")
    pdf.text(50, 124, "name for the whole of the year.")
    pdf.set_font("Helvetica", size=7)
    pdf.text(50 + pdf.get_string_width("name for the whole of the year.") * 10 / 7, 120, "12")
    pdf.output(str(tmp_path / "marks.pdf"))
    assert texts(units_of(tmp_path / "marks.pdf")) == [
        "Firms share their test benches more often in practice² than the survey of 2019 suggests, "
        "and the CO2 they save is counted on sheets of A4 paper by the cluster's office in every "
        "member's own name for the whole of the year.¹²"
    ]


def test_a_heading_in_the_text_s_type_on_top_of_its_text_heads_it_and_a_list_stays_whole(
    tmp_path: Path,
) -> None:
    """A heading in the same type as its text, set right on top of it, ends where the next
    line's first word would have fitted: it is the section of the text, not its first words.
    A run of short lines (a list of names) is not cut into headings."""
    pdf = new_pdf()
    pdf.add_page()
    pdf.set_font("Helvetica", size=10)
    body = [
        "The panel recommends a selective approach to postoperative treatment for firms that",
        "join the cluster late. The three general functions of the programme are the training",
        "of staff, shared testing and joint marketing abroad.",
    ]
    lines = ["Eligibility for the Programme", *body]
    names = ["Members of the panel:", "Anna Berg", "Carl Dahl", "Eva Lund", "Olof Strand"]
    for row, text in enumerate(lines + [""] + names):
        pdf.text(50, 100 + 12 * row, text)
    pdf.output(str(tmp_path / "guide.pdf"))
    units = [u for u in units_of(tmp_path / "guide.pdf") if "text" in u]
    assert [(u["section"], u["text"]) for u in units] == [
        ("Eligibility for the Programme", " ".join(body)),
        ("Eligibility for the Programme", " ".join(names)),
    ]
