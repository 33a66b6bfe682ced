"""Ingest of every format, into a project on SQLite and on PostgreSQL."""

from __future__ import annotations

import datetime as dt
import io
import warnings
import zipfile
from pathlib import Path

import pytest

from foresight import corpus
from foresight.ingest import IngestOptions, ingest
from foresight.ingest.survey import read_csv, read_xlsx
from foresight.project import Project
from tests import builders


def only_source(project: Project) -> dict:
    sources = corpus.list_sources(project)
    assert len(sources) == 1
    return sources[0]


def assert_offsets(project: Project) -> None:
    for source in corpus.list_sources(project, all_versions=True):
        text = corpus.source_text(project, source["id"])
        for unit in corpus.list_units(project, source_id=source["id"]):
            assert text[unit["start"] : unit["end"]] == unit["text"]


def test_pdf_is_cleaned_into_paragraphs_with_pages(project: Project, tmp_path: Path) -> None:
    report = ingest(project, [builders.wrapped_pdf(tmp_path / "brief.pdf")])
    assert report.count("ingested") == 1
    source = only_source(project)
    assert (source["format"], source["title"], source["date"]) == ("pdf", "Sensing clusters", "2011-04-14")
    units = corpus.list_units(project)
    assert [(u["page"], u["text"]) for u in units] == [
        (
            1,
            "Regional clusters are changing as the internet of things reaches the factory floor. "
            "Sensor makers and machine builders now share development teams, and the cluster "
            "office runs joint pilot lines.",
        ),
        (
            1,
            "Cross-sectoral projects bring packaging firms and software houses together around "
            "traceable supply chains.",
        ),
        (
            2,
            "A second page continues the argument with evidence from the survey of cluster "
            "managers: most expect shorter product life cycles to reward firms that collaborate "
            "across sectors.",
        ),
        (
            2,
            "The conclusion of the brief is that policy should fund shared infrastructure rather "
            "than single firms.",
        ),
    ]
    text = corpus.source_text(project, source["id"])
    assert "Observatory" not in text and "Page" not in text
    assert_offsets(project)


def test_long_pdf_paragraph_is_split_into_units_under_the_limit(project: Project, tmp_path: Path) -> None:
    ingest(project, [builders.long_pdf(tmp_path / "long.pdf")])
    # (the head of the document's one page, which no other page repeats, is a unit of its own)
    units = [u for u in corpus.list_units(project) if u["text"] != "Long report"]
    assert len(units) >= 3
    assert all(len(u["text"]) <= project.config.ingest.max_unit_chars for u in units)
    assert all(u["text"].endswith(".") for u in units)
    assert_offsets(project)


def test_docx_headings_become_sections_and_lists_stay_together(project: Project, tmp_path: Path) -> None:
    ingest(project, [builders.word_document(tmp_path / "blue.docx")])
    source = only_source(project)
    assert (source["title"], source["date"], source["author"]) == (
        "Blue growth in the Aldermoor cluster",
        "2012-09-03",
        "Cluster office",
    )
    units = corpus.list_units(project)
    assert [u["section"] for u in units] == ["Blue growth in the Aldermoor cluster", "Drivers", "Outlook"]
    assert units[1]["text"] == (
        "Three drivers explain the growth of the cluster since 2008:\n- resource scarcity on land,\n"
        "- public funding for offshore wind,\n- and new materials for underwater sensors."
    )
    assert_offsets(project)


def test_html_main_text_title_date_author_without_boilerplate(project: Project, tmp_path: Path) -> None:
    ingest(project, [builders.web_page(tmp_path / "news.html")])
    source = only_source(project)
    assert source["date"] == "2009-06-02"
    assert source["author"] == "Maria Keller"
    assert "Printed electronics cluster signs alliance" in source["title"]
    texts = [u["text"] for u in corpus.list_units(project)]
    assert any(t.startswith("The printed electronics cluster of the Lower Vessel Valley") for t in texts)
    assert any("Critics warn" in t for t in texts)
    joined = " ".join(texts)
    assert "cookies" not in joined and "Copyright" not in joined and "Most read" not in joined
    assert_offsets(project)


def test_markdown_front_matter_headings_and_lists(project: Project, tmp_path: Path) -> None:
    ingest(project, [builders.markdown_post(tmp_path / "makers.md")])
    source = only_source(project)
    assert (source["title"], source["date"], source["source_type"], source["author"]) == (
        "Makers and the maker movement",
        "2013-02-11",
        "blog",
        "Jo Lind",
    )
    units = corpus.list_units(project)
    assert units[0]["text"] == (
        "Fab labs have appeared in nine cluster regions this year, and "
        "their users are not only hobbyists: product designers use them "
        "for rapid prototyping."
    )
    assert units[1]["section"] == "What cluster managers can do"
    assert units[1]["text"].endswith(
        "- open the labs to member firms,\n- run joint training,\n- and share machines."
    )
    assert_offsets(project)


@pytest.mark.parametrize("encoding", ["utf-8", "cp1252", "utf-16"])
def test_text_in_any_encoding_is_joined_and_dehyphenated(
    project: Project, tmp_path: Path, encoding: str
) -> None:
    ingest(
        project,
        [builders.hard_wrapped_text(tmp_path / "notes.txt", encoding)],
        IngestOptions(date=dt.date(2010, 5, 1), source_type="interview"),
    )
    source = only_source(project)
    assert (source["date"], source["date_origin"], source["source_type"]) == (
        "2010-05-01",
        "flag",
        "interview",
    )
    units = corpus.list_units(project)
    assert units[0]["section"] == "Interview notes, cluster manager, Île-de-France"
    assert units[0]["text"] == (
        "The manager said that the café owners near the science park now "
        "sell more lunches to start-ups than to the old electronics firms, "
        "a sign that the cluster's centre of gravity is moving."
    )
    assert "Baden-Württemberg and in Asia." in units[1]["text"]
    assert all(u["period"] == "2007-2014" for u in units)
    assert_offsets(project)


def test_feed_items_become_one_source_each(project: Project, tmp_path: Path) -> None:
    report = ingest(project, [builders.feed_file(tmp_path / "wire.xml")])
    assert report.units == 3
    sources = corpus.list_sources(project)
    assert [(s["title"], s["date"], s["path"], s["language"]) for s in sources] == [
        ("Medical devices cluster opens test lab", "2008-03-04", "https://example.org/news/1", "en"),
        ("Logistics firms join mobility cluster", "2008-09-18", "https://example.org/news/2", "en"),
    ]
    assert [u["text"][:30] for u in corpus.list_units(project, source_id=sources[0]["id"])] == [
        "The medical devices cluster in",
        "The lab will also serve photon",
    ]
    assert_offsets(project)


@pytest.mark.parametrize("build", [builders.survey_xlsx, builders.survey_csv])
def test_survey_sheet_gives_one_unit_per_answer_with_respondent(
    project: Project, tmp_path: Path, build
) -> None:
    path = build(tmp_path / f"survey.{'xlsx' if build is builders.survey_xlsx else 'csv'}")
    ingest(project, [path])
    assert only_source(project)["source_type"] == "survey"
    units = corpus.list_units(project)
    assert len(units) == 4  # six answer cells, two of them empty
    first = units[0]
    assert first["text"] == "Digitalisation of production and the internet of things in our machine builders."
    assert first["section"] == "Which trends will most change your cluster by 2020?"
    assert first["attributes"] == {
        "respondent": "R1",
        "country": "DE",
        "stakeholder group": "cluster management",
        "question": "Which trends will most change your cluster by 2020?",
        "row": 2,
    }
    assert [u["attributes"]["respondent"] for u in units] == ["R1", "R1", "R2", "R3"]
    assert_offsets(project)


def test_a_survey_unit_s_row_is_its_line_in_the_csv_blank_lines_counted(tmp_path: Path) -> None:
    lines = [
        "respondent,What will change by 2030?",
        "",
        "R1,Digitalisation of production and the internet of things in machine building.",
        ",",
        "",
        "R2,Circular economy rules for packaging and the materials they will demand of us.",
    ]
    sheet = tmp_path / "blank-rows.csv"
    sheet.write_text("\n".join(lines) + "\n", encoding="utf-8")
    blocks = read_csv(sheet.read_bytes(), sheet.name)[0].blocks
    rows = [(b.attributes["respondent"], b.attributes["row"]) for b in blocks]
    assert rows == [("R1", 3), ("R2", 6)]
    assert [lines[row - 1].split(",")[0] for _, row in rows] == ["R1", "R2"]


def test_a_survey_unit_s_row_is_its_row_in_the_sheet_blank_rows_counted(tmp_path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["respondent", "What will change by 2030?"])
    answer = "Digitalisation of production and the internet of things in machine building."
    sheet["A4"], sheet["B4"] = "R1", answer
    sheet["A9"], sheet["B9"] = "R2", answer.replace("Digitalisation", "Automation")
    data = io.BytesIO()
    book.save(data)
    blocks = read_xlsx(data.getvalue(), "blank-rows.xlsx")[0].blocks
    assert [(b.attributes["respondent"], b.attributes["row"]) for b in blocks] == [("R1", 4), ("R2", 9)]


def test_a_workbook_that_openpyxl_warns_about_is_read_without_a_warning_on_the_screen(tmp_path: Path) -> None:
    book = builders.survey_xlsx(tmp_path / "survey.xlsx")
    edited = io.BytesIO()
    with zipfile.ZipFile(book) as source, zipfile.ZipFile(edited, "w") as target:
        for name in source.namelist():
            data = source.read(name)
            if name == "xl/workbook.xml":  # a sheet entry without its part, as old tools leave
                data = data.replace(b"</sheets>", b'<sheet name="Old" sheetId="9"/></sheets>')
            target.writestr(name, data)
    with warnings.catch_warnings(record=True) as shown:
        warnings.simplefilter("always")
        documents = read_xlsx(edited.getvalue(), "survey.xlsx")
    assert [str(w.message) for w in shown] == []
    assert sum(len(d.blocks) for d in documents) == 4  # the answers are all there


def test_folder_is_read_recursively_and_periods_follow_dates(project: Project, tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    (docs / "sub").mkdir(parents=True)
    builders.web_page(docs / "news.html")
    builders.word_document(docs / "sub" / "blue.docx")
    (docs / ".hidden.txt").write_text("a hidden file is not a document")
    report = ingest(project, [docs])
    assert report.count("ingested") == 2 and not report.failed
    periods = {u["period"] for u in corpus.list_units(project)}
    assert periods == {"2007-2014"}


def test_reingesting_the_same_file_does_nothing(project: Project, tmp_path: Path) -> None:
    path = builders.word_document(tmp_path / "blue.docx")
    ingest(project, [path])
    before = corpus.list_units(project)
    report = ingest(project, [path])
    assert report.count("skipped") == 1 and report.units == 0
    assert corpus.list_units(project) == before


def test_a_changed_file_is_a_new_version_and_codings_are_kept(project: Project, tmp_path: Path) -> None:
    from sqlmodel import select

    from foresight.codebook import import_codebook
    from foresight.resources import DEFAULT_CODEBOOK
    from foresight.store import Code, Coding

    import_codebook(project, DEFAULT_CODEBOOK, actor="test")
    path = builders.markdown_post(tmp_path / "makers.md")
    ingest(project, [path])
    old_units = corpus.list_units(project)
    with project.transaction() as session:
        code = session.exec(select(Code).where(Code.code_id == "FC.TREND")).one()
        for unit in old_units[:2]:
            session.add(Coding(unit_id=unit["id"], code_id=code.id, coder="anna"))
    path.write_text(
        path.read_text().replace("Fab labs have appeared in nine", "Fab labs have appeared in twelve")
    )
    report = ingest(project, [path])
    assert report.count("updated") == 1
    versions = corpus.list_sources(project, all_versions=True)
    assert [(v["version"], v["current"]) for v in versions] == [(1, False), (2, True)]
    assert versions[1]["previous_id"] == versions[0]["id"]
    assert "twelve" in corpus.list_units(project)[0]["text"]
    with project.session() as session:
        codings = session.exec(select(Coding)).all()
    # both old codings stay; the unchanged second unit's coding is carried to the new version
    new_ids = {u["id"] for u in corpus.list_units(project)}
    assert len([c for c in codings if c.unit_id in {u["id"] for u in old_units[:2]}]) == 2
    assert [c.unit_id in new_ids for c in codings].count(True) == 1
    carried = next(c for c in codings if c.unit_id in new_ids)
    original = next(c for c in codings if c.unit_id == old_units[1]["id"])
    assert (carried.coder, carried.origin, carried.created_at) == (
        original.coder,
        original.origin,
        original.created_at,
    )  # carried as the coder made it
    assert report.outcomes[0].message.endswith("1 codings carried over, 1 stay on the old version")
    assert_offsets(project)


def test_syndicated_paragraph_is_flagged_not_deleted(project: Project, tmp_path: Path) -> None:
    story = (
        "The printed electronics cluster of the Lower Vessel Valley signed a strategic alliance "
        "with two packaging converters on Tuesday, aiming at smart labels for food."
    )
    (tmp_path / "a.txt").write_text(f"{story}\n\nFirst outlet adds its own closing remarks here today.\n")
    (tmp_path / "b.txt").write_text(
        story.replace("on Tuesday", "this Tuesday") + "\n\nA second outlet writes something else entirely.\n"
    )
    ingest(project, [tmp_path / "a.txt"])
    ingest(project, [tmp_path / "b.txt"])
    first, second = (corpus.list_units(project, source_id=s["id"]) for s in corpus.list_sources(project))
    assert second[0]["duplicate_of"] == first[0]["id"]
    assert second[1]["duplicate_of"] is None
    assert len(first) == 2 and len(second) == 2


def test_web_page_by_url(project: Project, tmp_path: Path) -> None:
    import functools
    import http.server
    import threading

    site = tmp_path / "site"
    site.mkdir()
    builders.web_page(site / "story.html")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        base = f"http://127.0.0.1:{server.server_port}"
        report = ingest(project, [f"{base}/story.html", f"{base}/missing.html"])
    finally:
        server.shutdown()
    assert report.count("ingested") == 1
    assert [o.message for o in report.failed] == ["cannot fetch it (HTTP 404 File not found)"]
    source = only_source(project)
    assert (source["path"], source["format"], source["date"]) == (f"{base}/story.html", "html", "2009-06-02")
    assert_offsets(project)


def test_a_source_s_facts_come_from_the_best_place_that_has_them() -> None:
    """Metadata first, then the file name, then what the ingest was told, then the defaults."""
    import datetime as dt

    from foresight.config import Period, ProjectConfig
    from foresight.ingest.metadata import settle
    from foresight.ingest.model import Document

    config = ProjectConfig(
        name="p",
        default_language="de",
        periods=(Period("early", dt.date(2000, 1, 1), dt.date(2009, 12, 31)),),
    )
    told = IngestOptions(source_type="report", actor_type="firm", date=dt.date(2020, 1, 1), language="fr")
    own = Document("pdf", [], title=" Cluster strategy ", date=dt.date(2005, 3, 1), source_type="policy")
    facts = settle(own, "/in/2011-05-14_blog_notes.pdf", told, config)
    assert (facts.title, facts.date, facts.date_origin, facts.source_type, facts.period) == (
        "Cluster strategy",
        dt.date(2005, 3, 1),
        "metadata",
        "policy",
        "early",
    )
    bare = Document("pdf", [])
    facts = settle(bare, "/in/2011-05-14_blog_notes.pdf", told, config)
    assert (facts.title, facts.date, facts.date_origin, facts.source_type, facts.language) == (
        "notes",
        dt.date(2011, 5, 14),
        "file name",
        "blog",
        "fr",
    )
    facts = settle(bare, "/in/notes.pdf", told, config)
    assert (facts.date, facts.date_origin, facts.source_type, facts.actor_type, facts.period) == (
        dt.date(2020, 1, 1),
        "flag",
        "report",
        "firm",
        None,
    )
    facts = settle(Document("csv", []), "/in/answers.csv", IngestOptions(), config)
    assert (facts.date_origin, facts.source_type, facts.language) == ("unknown", "survey", "de")
    item = Document("feed", [], url="https://example.org/item/7")
    assert settle(item, "/in/feed.xml", IngestOptions(), config).path == "https://example.org/item/7"
