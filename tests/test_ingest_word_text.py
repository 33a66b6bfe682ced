"""Word tables and tables of contents, and hard-wrapped plain text, as the units a coder sees."""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable
from pathlib import Path

import docx
import pytest
from docx.document import Document as WordDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.text.paragraph import Paragraph

from foresight import corpus
from foresight.ingest import ingest
from foresight.project import Project

REAL_DOCS = Path(__file__).resolve().parents[2] / "shared" / "realdocs"


def units(project: Project) -> list[dict]:
    """The units of every source, each checked against its source's text."""
    out = []
    for source in corpus.list_sources(project):
        text = corpus.source_text(project, source["id"])
        for unit in corpus.list_units(project, source_id=source["id"]):
            assert text[unit["start"] : unit["end"]] == unit["text"]
            out.append(unit)
    return out


def texts(project: Project) -> list[str]:
    return [unit["text"] for unit in units(project)]


def real(name: str) -> Path:
    path = REAL_DOCS / name
    if not path.is_file():
        pytest.skip(f"{path} is not there (CI puts the real documents beside the clone)")
    return path


# Word: tables


def survey_table_document(path: Path) -> Path:
    """A report with a table: a header row, two rows of prose, a note merged across the row."""
    document = docx.Document()
    document.add_heading("Trends in the Aldermoor cluster", level=1)
    document.add_paragraph(
        "The cluster office surveyed its sixty members in spring and sorted their answers into trends."
    )
    table = document.add_table(rows=4, cols=3)
    rows = [
        ("Trend", "What members said", "Horizon"),
        ("Offshore wind", "Members expect wind farms to need twice as many service vessels.", "2030"),
        ("Aquaculture", "Fish farms move further offshore, where the water is cleaner.", "2035"),
    ]
    for row, values in zip(table.rows, rows, strict=False):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value
    note = table.cell(3, 0).merge(table.cell(3, 2))
    note.text = "Source: member survey, spring 2012"
    document.add_paragraph("The office will repeat the survey every second year to see which trends hold.")
    document.save(str(path))
    return path


def test_table_rows_of_prose_are_units_and_rows_of_labels_are_table_units(
    project: Project, tmp_path: Path
) -> None:
    ingest(project, [survey_table_document(tmp_path / "trends.docx")])
    found = units(project)
    assert [u["text"] for u in found] == [
        "The cluster office surveyed its sixty members in spring and sorted their answers into trends.",
        "Trend | What members said | Horizon",
        "Offshore wind | Members expect wind farms to need twice as many service vessels. | 2030",
        "Aquaculture | Fish farms move further offshore, where the water is cleaner. | 2035",
        "Source: member survey, spring 2012",
        "The office will repeat the survey every second year to see which trends hold.",
    ]
    # every row of the table is marked as such, rows of prose too
    assert [u["attributes"] for u in found] == [{}, *[{"table": True}] * 4, {}]
    assert {u["section"] for u in found} == {"Trends in the Aldermoor cluster"}


def test_a_merged_cell_and_a_nested_table_are_read_once(project: Project, tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("Members named two drivers of growth and two scenarios for the port.")
    drivers = document.add_table(rows=2, cols=2)
    drivers.cell(0, 0).merge(drivers.cell(1, 0)).text = "Drivers"  # merged down two rows
    drivers.cell(0, 1).text = "Resource scarcity on land pushes aquaculture and energy offshore."
    drivers.cell(1, 1).text = "Public funding for offshore wind has doubled since 2008."
    scenarios = document.add_table(rows=1, cols=2)
    scenarios.cell(0, 0).text = "Scenarios"
    holder = scenarios.cell(0, 1)
    holder.text = "Two scenarios were discussed at the workshop in May."
    nested = holder.add_table(rows=2, cols=2)
    nested.cell(0, 0).text = "Green port"
    nested.cell(0, 1).text = "The port runs on shore power and hydrogen by 2035."
    nested.cell(1, 0).text = "Grey port"
    nested.cell(1, 1).text = "The port keeps its diesel cranes and loses the ferry lines."
    holder.add_paragraph("")  # Word ends a cell with a paragraph
    document.save(str(tmp_path / "port.docx"))

    ingest(project, [tmp_path / "port.docx"])
    assert texts(project) == [
        "Members named two drivers of growth and two scenarios for the port.",
        "Drivers | Resource scarcity on land pushes aquaculture and energy offshore.",
        "Public funding for offshore wind has doubled since 2008.",
        "Scenarios | Two scenarios were discussed at the workshop in May.",
        "Green port | The port runs on shore power and hydrogen by 2035.",
        "Grey port | The port keeps its diesel cranes and loses the ferry lines.",
    ]


def test_a_box_of_one_cell_is_read_as_body_text(project: Project, tmp_path: Path) -> None:
    document = docx.Document()
    box = document.add_table(rows=1, cols=1).cell(0, 0)
    box.text = "In brief"
    box.paragraphs[0].style = document.styles["Heading 2"]
    box.add_paragraph("Ports that electrify their quays first will keep the ferry lines in the next decade.")
    box.add_paragraph("Those that wait will lose them to the ports across the bay.")
    document.save(str(tmp_path / "box.docx"))

    ingest(project, [tmp_path / "box.docx"])
    found = units(project)
    assert [(u["section"], u["text"]) for u in found] == [
        ("In brief", "Ports that electrify their quays first will keep the ferry lines in the next decade."),
        ("In brief", "Those that wait will lose them to the ports across the bay."),
    ]


# Word: tables of contents

BODY = [
    ("Drivers", "Three drivers explain the growth of the cluster since 2008, the survey finds."),
    ("Outlook", "Members expect blue growth to converge with logistics as ports automate."),
    ("Sources", "The survey reached fifty-two of the sixty members of the cluster office."),
]


def _run(paragraph: Paragraph, **parts: str) -> None:
    """Append a run holding one ``w:fldChar`` (``char``), ``w:instrText`` (``code``) or text."""
    run = OxmlElement("w:r")
    if "char" in parts:
        char = OxmlElement("w:fldChar")
        char.set(qn("w:fldCharType"), parts["char"])
        run.append(char)
    elif "code" in parts:
        code = OxmlElement("w:instrText")
        code.text = parts["code"]
        run.append(code)
    else:
        run.append(OxmlElement("w:t"))
        run[0].text = parts["text"]
    paragraph._p.append(run)


def contents_by_styles(document: WordDocument) -> None:
    document.styles.add_style("toc 1", WD_STYLE_TYPE.PARAGRAPH)  # the template has "TOC Heading"
    document.add_paragraph("Contents", style="TOC Heading")
    for number, (heading, _) in enumerate(BODY, start=2):
        document.add_paragraph(f"{heading}\t{number}", style="toc 1")


def contents_by_field(document: WordDocument) -> None:
    """Word's TOC field: entries in Normal style, each page number a PAGEREF field inside it."""
    for number, (heading, _) in enumerate(BODY, start=2):
        paragraph = document.add_paragraph()
        if number == 2:
            _run(paragraph, char="begin")
            _run(paragraph, code=' TOC \\o "1-3" \\h \\z \\u ')
            _run(paragraph, char="separate")
        _run(paragraph, text=f"{heading}\t")
        _run(paragraph, char="begin")
        _run(paragraph, code=f" PAGEREF _Toc{number} \\h ")
        _run(paragraph, char="separate")
        _run(paragraph, text=str(number))
        _run(paragraph, char="end")
    _run(paragraph, char="end")


def contents_in_a_content_control(document: WordDocument) -> None:
    entries = "".join(
        f"<w:p><w:r><w:t xml:space='preserve'>{heading}\t{number}</w:t></w:r></w:p>"
        for number, (heading, _) in enumerate(BODY, start=2)
    )
    sdt = parse_xml(
        f"<w:sdt {nsdecls('w')}><w:sdtPr><w:docPartObj>"
        "<w:docPartGallery w:val='Table of Contents'/><w:docPartUnique/></w:docPartObj></w:sdtPr>"
        f"<w:sdtContent><w:p><w:r><w:t>Contents</w:t></w:r></w:p>{entries}</w:sdtContent></w:sdt>"
    )
    document.element.body.insert(len(document.element.body) - 1, sdt)  # before w:sectPr


def contents_typed(document: WordDocument) -> None:
    """A table of contents typed by hand, dot leaders and all, in Normal style."""
    document.add_paragraph("Table of Contents")
    document.add_paragraph("Chapter 1 - The cluster")
    for number, (heading, _) in enumerate(BODY, start=2):
        document.add_paragraph(f"{heading} {'.' * 20} {number}")


@pytest.mark.parametrize(
    "contents", [contents_by_styles, contents_by_field, contents_in_a_content_control, contents_typed]
)
def test_a_table_of_contents_is_left_out(
    project: Project, tmp_path: Path, contents: Callable[[WordDocument], None]
) -> None:
    document = docx.Document()
    document.add_paragraph("Blue growth in the Aldermoor cluster, a report of the cluster office, 2012.")
    contents(document)
    for heading, text in BODY:
        document.add_heading(heading, level=1)
        document.add_paragraph(text)
    document.save(str(tmp_path / "report.docx"))

    ingest(project, [tmp_path / "report.docx"])
    found = units(project)
    assert [(u["section"], u["text"]) for u in found] == [
        (None, "Blue growth in the Aldermoor cluster, a report of the cluster office, 2012."),
        *BODY,
    ]
    source = corpus.list_sources(project)[0]
    assert "Contents" not in corpus.source_text(project, source["id"])


def test_lines_ending_in_a_number_are_kept_when_they_are_no_contents(
    project: Project, tmp_path: Path
) -> None:
    document = docx.Document()
    document.add_paragraph("Members by sector, as the cluster office counted them in the spring of 2012:")
    document.add_paragraph("Offshore energy and marine engineering\t24")
    document.add_paragraph("The rest of the members work in logistics, tourism and research.")
    document.save(str(tmp_path / "members.docx"))

    ingest(project, [tmp_path / "members.docx"])
    source = corpus.list_sources(project)[0]
    assert "Offshore energy and marine engineering 24" in corpus.source_text(project, source["id"])


# Plain text

PARAGRAPHS = [
    "Regional clusters are changing as the internet of things reaches the factory floor. Sensor "
    "makers and machine builders now share development teams, and the cluster office runs joint "
    "pilot lines for them.",
    "Cross-sectoral projects bring packaging firms and software houses together around traceable "
    "supply chains.[3] The first of them started in 2009 with four firms.",
    "A third of the members say that they will need new skills within five years.",
]


def wrap(paragraph: str) -> str:
    """A paragraph hard-wrapped at 64 characters, as a typewriter or an e-mail program does."""
    return textwrap.fill(paragraph, 64, break_on_hyphens=False)


def test_hard_wrapped_text_without_blank_lines_is_cut_at_paragraph_ends(
    project: Project, tmp_path: Path
) -> None:
    first, second, third = (wrap(p) for p in PARAGRAPHS)
    # a citation mark pushed to the start of a line does not start a paragraph
    second = second.replace("chains.[3] The", "chains.\n[3] The")
    text = "\n".join(
        [
            "Sensing clusters",
            first,
            "   " + second,  # an indented first line
            "Skills",  # a heading
            third,
        ]
    )
    (tmp_path / "brief.txt").write_text(text + "\n", encoding="utf-8")

    ingest(project, [tmp_path / "brief.txt"])
    found = units(project)
    assert [(u["section"], u["text"]) for u in found] == [
        ("Sensing clusters", PARAGRAPHS[0]),
        ("Sensing clusters", PARAGRAPHS[1].replace(".[3]", ". [3]")),
        ("Skills", PARAGRAPHS[2]),
    ]


def test_an_indented_line_starts_a_paragraph_after_a_full_line(project: Project, tmp_path: Path) -> None:
    members = [
        "The cluster office counted sixty members in the spring of 2012 and",
        "expects seventy by the end of the year, most of them small firms.",  # full, yet the end
    ]
    boats = [
        "    Members expect offshore wind farms to need twice as many boats,",
        "and the ports along the coast are already hiring crews for them.",
    ]
    (tmp_path / "notes.txt").write_text("\n".join(members + boats), encoding="utf-8")
    ingest(project, [tmp_path / "notes.txt"])
    assert texts(project) == [" ".join(line.strip() for line in lines) for lines in (members, boats)]


def test_a_short_line_that_ends_a_sentence_ends_its_paragraph(project: Project, tmp_path: Path) -> None:
    text = "\n".join(wrap(p) for p in PARAGRAPHS)
    (tmp_path / "brief.txt").write_text(text, encoding="utf-8")
    ingest(project, [tmp_path / "brief.txt"])
    assert texts(project) == PARAGRAPHS


def test_text_with_a_paragraph_on_each_line_keeps_its_lines_as_paragraphs(
    project: Project, tmp_path: Path
) -> None:
    long_lines = [" ".join([p] * 2) for p in PARAGRAPHS]  # over 200 characters: no one wraps there
    (tmp_path / "long.txt").write_text("\n".join(long_lines), encoding="utf-8")
    (tmp_path / "short.txt").write_text("\n".join(PARAGRAPHS), encoding="utf-8")
    ingest(project, [tmp_path / "long.txt", tmp_path / "short.txt"])
    assert texts(project) == long_lines + PARAGRAPHS


# The real documents


def test_real_word_table_with_merged_cells_gives_its_text_once(project: Project) -> None:
    report = ingest(project, [real("tables-in-word.docx")])
    assert report.failed == []
    (only,) = units(project)
    assert only["attributes"] == {"table": True}
    assert re.fullmatch(r"A \| Merged B1-B3\s+C", only["text"])


def test_real_handbook_contents_are_left_out(project: Project) -> None:
    ingest(project, [real("handbook-872p.docx")])
    found = units(project)
    page_number_end = re.compile(r"[A-Z)]\s*\d{1,2}-\d{1,3}$", re.M)  # "A. PURPOSE1-1"
    assert not [u["text"] for u in found if page_number_end.search(u["text"])]
    assert not [u["section"] for u in found if u["section"] and page_number_end.search(u["section"])]
    purpose = [u["text"] for u in found if u["section"] == "A. PURPOSE"]
    assert any("The United States Trustee appoints and supervises standing trustees" in t for t in purpose)
    provisions = [u["text"] for u in found if u["attributes"] == {"table": True}]
    assert provisions and all(
        "Examination of the Debtor / Self-incrimination; Immunity" in t for t in provisions
    )


def test_real_hard_wrapped_text_is_cut_at_paragraph_starts(project: Project) -> None:
    ingest(project, [real("hard-wrapped.txt")])
    found = texts(project)
    assert len(found) >= 60  # 44 units of 1,100 characters or so before paragraph ends were found
    prose = [t for t in found if "http" not in t and "Retrieved" not in t]  # not the references
    assert [t for t in prose if not re.match(r"[A-Z0-9\"“]", t)] == []
    assert sum(len(t) > 1000 for t in prose) <= len(prose) // 5
    for start in (
        "Roberts made 647 league appearances during his career",
        "Since retiring as a player, Roberts, who speaks fluent Welsh",
        "Roberts credits a lot of his success as a striker",
        "In the 1994",
    ):
        assert any(t.startswith(start) for t in found), start
    assert any("Vicarage Road. [10] Having made only one" in t for t in found)
    # the file holds its dashes encoded twice ("1986\u00e2\u0080\u00931990"): read as dashes
    assert any("1990–1993 Huddersfield Town" in t for t in found)
    assert not any("\u0080" in t for t in found)


def test_a_file_name_as_the_word_title_gives_way_to_the_first_heading(
    project: Project, tmp_path: Path
) -> None:
    document = docx.Document()
    document.core_properties.title = "10811.exe"
    document.add_heading("Smart specialisation in the Baltic", level=1)
    document.add_paragraph("Regions that build on what their firms already do well attract more investment.")
    document.save(str(tmp_path / "baltic.docx"))
    ingest(project, [tmp_path / "baltic.docx"])
    (source,) = corpus.list_sources(project)
    assert source["title"] == "Smart specialisation in the Baltic"


def test_a_text_file_s_title_is_the_heading_it_opens_with(project: Project, tmp_path: Path) -> None:
    """A plain text file or a Markdown file without front matter is titled by the heading it
    opens with (a short first line standing apart, "# Title"), not by its file name; a file
    that opens with text keeps its file name."""
    (tmp_path / "notes_17.txt").write_text(
        "Smart specialisation in the Baltic\n\nRegions that build on what their firms already do\n"
        "well attract more investment than regions that start anew.\n",
        encoding="utf-8",
    )
    (tmp_path / "post.md").write_text(
        "# The internet of things in the port\n\nSensors on the cranes report every lift.\n",
        encoding="utf-8",
    )
    (tmp_path / "2011-04-14_interview_cluster-manager.txt").write_text(
        "We asked the cluster manager how the members share their test benches.\n\n"
        "Most of them book the bench a week ahead.\n",
        encoding="utf-8",
    )
    ingest(project, sorted(tmp_path.iterdir()))
    assert sorted(s["title"] for s in corpus.list_sources(project)) == [
        "Smart specialisation in the Baltic",
        "The internet of things in the port",
        "cluster manager",
    ]


def test_text_encoded_twice_reads_as_written(project: Project, tmp_path: Path) -> None:
    """UTF-8 read as Latin-1 and saved as UTF-8 again (a copy and paste through the wrong
    program): its runs are decoded once more; text that merely has accents is left alone."""
    written = "Cluster policy 2007–2013 in Zürich: the café owners’ view."
    garbled = written.encode("utf-8").decode("latin-1")
    (tmp_path / "garbled.txt").write_text(garbled, encoding="utf-8")
    (tmp_path / "plain.txt").write_text(
        "Ã is a letter, and so is é: both stay as they are.", encoding="utf-8"
    )
    ingest(project, [tmp_path / "garbled.txt", tmp_path / "plain.txt"])
    assert sorted(texts(project)) == [
        "Cluster policy 2007–2013 in Zürich: the café owners’ view.",
        "Ã is a letter, and so is é: both stay as they are.",
    ]


# Web pages: formulas and a wiki's page furniture


def test_real_wiki_page_keeps_its_formulas_and_drops_edit_links(project: Project) -> None:
    """A wiki page writes its formulas as hidden MathML beside an image: the main-text
    extractor dropped them ("Given a set of  high-dimensional objects , t-SNE"); each is kept
    as its TeX, and the "[edit]" links beside the headings are no part of the sections."""
    ingest(project, [real("wikipedia-tsne.html")])
    found = units(project)
    assert any(
        u["text"].startswith(r"Given a set of N high-dimensional objects \mathbf {x} _{1},\dots ,")
        for u in found
    )
    assert not [u for u in found if "objects , t-SNE" in u["text"] or "[edit]" in (u["section"] or "")]
    assert "Details" in {u["section"] for u in found}


def test_formula_in_a_web_page_without_tex_keeps_its_symbols(project: Project, tmp_path: Path) -> None:
    page = tmp_path / "post.html"
    page.write_text(
        "<html><head><title>Cluster growth</title></head><body><article><h1>Cluster growth</h1>"
        "<p>The cluster's members grew by a rate of <math><mi>r</mi><mo>=</mo><mn>0.04</mn></math>"
        " a year between 2010 and 2020, faster than the region's other industries did.</p>"
        "<p>Most of the new firms came from spin-offs of the two universities in the region.</p>"
        "</article></body></html>",
        encoding="utf-8",
    )
    ingest(project, [page])
    assert texts(project)[0].startswith("The cluster's members grew by a rate of r = 0.04 a year")


def test_raised_figures_in_a_word_file_are_superscript_figures(project: Project, tmp_path: Path) -> None:
    """Figures typed in a raised run (a footnote's mark, a power) are written as superscript
    figures, in the text and in a table's cells, as a PDF's are; a lowered one ("CO2") stays."""
    document = docx.Document()
    paragraph = document.add_paragraph("The cluster's firms share their test benches more often in practice")
    paragraph.add_run("2").font.superscript = True
    paragraph.add_run(", and the CO")
    paragraph.add_run("2").font.subscript = True
    paragraph.add_run(" they save is counted by the regional office every year.")
    cell = document.add_table(rows=1, cols=2).rows[0].cells
    cell[0].paragraphs[0].add_run("Floor space in m")
    cell[0].paragraphs[0].add_run("2").font.superscript = True
    cell[1].text = "12,400"
    document.save(str(tmp_path / "benches.docx"))
    ingest(project, [tmp_path / "benches.docx"])
    assert texts(project) == [
        "The cluster's firms share their test benches more often in practice², and the CO2 they save "
        "is counted by the regional office every year.",
        "Floor space in m² | 12,400",
    ]
