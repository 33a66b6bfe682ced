"""Scenario drafts: a real Word document with its sections in order, read back with python-docx."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pypdfium2
import pytest
from docx.oxml.ns import qn
from docx.shared import Mm
from sqlmodel import select

from foresight.coding import apply_code
from foresight.project import Project
from foresight.resources import WORKSHOPS
from foresight.store import Code, Source, Unit
from foresight.workshops import load_workshop
from foresight.workshops.cib import load_cib
from foresight.workshops.scenario import (
    SECTIONS,
    STUB_SECTIONS,
    choose_axes,
    draft_scenarios,
    scenario_input,
)
from tests.workshop_data import coded_project

# the units of tests/workshop_data.py have no dates, so they fall in no period
NO_TRENDS = (
    "No trend cards: the codings fall in fewer than two of the project's periods, "
    "so there is no change to flag; the cards come from the codings only.\n"
)
SCENARIO = WORKSHOPS / "scenario-workshop.yaml"
CIB = WORKSHOPS / "cib" / "scenario-workshop.yaml"


@pytest.fixture
def draft(cli, project: Project, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    coded_project(project)
    out = tmp_path / "draft.docx"
    result = cli(
        "-P", str(project.root), "scenario", "draft", str(SCENARIO), "--cib", str(CIB), "--out", str(out)
    )
    assert (result.code, result.out, result.err) == (0, f"Wrote {out}\n", NO_TRENDS)
    return out


def test_sections_come_in_order(draft: Path) -> None:
    doc = docx.Document(str(draft))
    assert doc.paragraphs[0].style.name == "Title"
    assert doc.paragraphs[0].text == "Scenarios: Smart mobility and logistics"
    assert [p.text for p in doc.paragraphs if p.style.name == "Heading 1"] == list(SECTIONS)
    stubs = [p.text for p in doc.paragraphs if p.style.name == "Heading 2"]
    assert stubs == [
        "Scenario 1: regional and closed / incremental",
        "Scenario 2: regional and closed / disruptive",
        "Scenario 3: global and open / incremental",
        "Scenario 4: global and open / disruptive",
    ]
    assert [p.text for p in doc.paragraphs if p.style.name == "Heading 3"] == list(STUB_SECTIONS) * 4


def test_tables_are_numbered_and_hold_the_evidence(draft: Path) -> None:
    doc = docx.Document(str(draft))
    captions = [p.text for p in doc.paragraphs if p.style.name == "Caption"]
    assert captions == [
        "Table 1: Key drivers and trends with their evidence",
        "Table 2: Key uncertainties with the evidence for each pole",
        "Table 3: Scenario logic",
        "Table 4: Descriptors of the cross-impact balance",
        "Table 5: Consistent scenarios from the cross-impact balance analysis",
        "Table 6: Sources quoted, with the units quoted from each",
    ]
    drivers = [[c.text for c in row.cells] for row in doc.tables[0].rows]
    assert drivers[0] == ["Driver or trend", "Type", "Domain", "Time slot", "Units", "Sources"]
    assert drivers[1] == ["Smart cities", "trend", "Technological developments", "2018-2020", "3", "2"]
    assert [r[0] for r in drivers[1:]] == ["Smart cities", "Big data", "Trade agreements and trade barriers"]
    uncertainties = [[c.text for c in row.cells] for row in doc.tables[1].rows]
    assert uncertainties[1] == [
        "Openness of value chains",
        "regional and closed (1 unit · 1 source)",
        "global and open (no units)",
        "yes",
    ]
    logic = [[c.text for c in row.cells] for row in doc.tables[2].rows]
    assert logic[1] == [
        "regional and closed",
        "Scenario 1: regional and closed / incremental (consistent)",
        "Scenario 2: regional and closed / disruptive (inconsistent, inconsistency 2)",
    ]
    descriptors = [[c.text for c in row.cells] for row in doc.tables[3].rows]
    assert descriptors[1] == ["VC", "Openness of value chains", "regional and closed, global and open"]
    cib_rows = [[c.text for c in row.cells] for row in doc.tables[4].rows]
    assert cib_rows[0] == ["Descriptor", "CIB 1", "CIB 2", "CIB 3", "CIB 4"]
    assert cib_rows[1] == [
        "Openness of value chains",
        "regional and closed",
        "global and open",
        "regional and closed",
        "regional and closed",
    ]
    assert cib_rows[-2:] == [
        ["Total impact", "12", "12", "7", "6"],
        ["In the 2x2", "Scenario 1", "Scenario 4", "Scenario 1", "Scenario 1"],
    ]
    annex = [[c.text for c in row.cells] for row in doc.tables[5].rows]
    assert annex[0] == ["Source", "Date", "File or address", "Units quoted"]
    assert {r[0] for r in annex[1:]} == {"Source 1", "Source 2", "Source 3"}


def test_word_furniture_toc_page_numbers_header(draft: Path, project: Project) -> None:
    with zipfile.ZipFile(draft) as z:
        body = z.read("word/document.xml").decode()
        footers = "".join(z.read(n).decode() for n in z.namelist() if n.startswith("word/footer"))
    assert 'TOC \\o "1-2"' in body
    assert "SEQ Table" in body
    assert " PAGE " in footers and " NUMPAGES " in footers
    doc = docx.Document(str(draft))
    assert doc.sections[0].header.paragraphs[0].text == project.config.name


def test_a_note_comes_first_under_the_framing(project: Project, tmp_path: Path) -> None:
    coded_project(project)
    workshop = load_workshop(SCENARIO)
    data = scenario_input(project, workshop, note="The codings were made by keyword rules.")
    doc = docx.Document(str(draft_scenarios(data, tmp_path / "noted.docx")))
    texts = [p.text for p in doc.paragraphs]
    framing = texts.index("Framing", texts.index("Framing") + 1)  # the heading, after the contents
    assert texts[framing + 1] == "The codings were made by keyword rules."
    assert doc.paragraphs[framing + 1].runs[0].italic
    assert texts[framing + 2].startswith("How the codings were made: ")
    assert texts[framing + 3].startswith("Framing question: ")


def test_note_option(cli, project: Project, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    coded_project(project)
    out = tmp_path / "noted.docx"
    args = ["-P", str(project.root), "scenario", "draft", str(SCENARIO), "--out", str(out)]
    assert cli(*args, "--note", "Coded by keyword rules.").code == 0
    texts = [p.text for p in docx.Document(str(out)).paragraphs]
    assert texts.count("Coded by keyword rules.") == 1


def test_signals_and_wild_cards_come_from_the_analysis(draft: Path) -> None:
    doc = docx.Document(str(draft))
    bullets = [p.text for p in doc.paragraphs if p.style.name == "List Bullet"]
    assert bullets.count("Carbon footprint reduction (1 unit · 1 source)") == 4  # each scenario's wild card
    texts = [p.text for p in doc.paragraphs]
    assert "Sharing economy and product-as-a-service (weak signal, 1 unit · 1 source)" in texts
    assert not [t for t in texts if "MT." in t and "says" not in t and "(MT." not in t]  # no bare code ids


def test_axes_are_checked(cli, project: Project, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    workshop = load_workshop(SCENARIO)
    assert [u.name for u in choose_axes(workshop, [3, 1])] == [
        "Public support for clusters",
        "Openness of value chains",
    ]
    out = tmp_path / "d.docx"
    result = cli(
        "-P", str(project.root), "scenario", "draft", str(SCENARIO), "--axes", "1,1", "--out", str(out)
    )
    assert (result.code, result.err) == (
        1,
        f"Error: {SCENARIO}: choose two different uncertainties between 1 and 3, not [1, 1]\n",
    )
    expert = WORKSHOPS / "foresight-expert-workshop.yaml"
    result = cli("-P", str(project.root), "scenario", "draft", str(expert), "--out", str(out))
    assert (result.code, result.err) == (
        1,
        f"Error: {expert}: a scenario draft needs two 'uncertainties' in the workshop file\n",
    )


def test_cib_command_lists_the_consistent_scenarios(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("scenario", "cib", str(CIB))
    assert result.code == 0
    assert result.out.splitlines()[:2] == [
        "4 consistent scenarios (enumeration of all 24 scenarios)",
        "1. VC=regional and closed; DC=incremental; PS=retreating; CC=weak "
        "(total impact 12, inconsistency 0)",
    ]


@pytest.mark.skipif(
    not (shutil.which("soffice") or shutil.which("libreoffice")),
    reason="LibreOffice is not installed: apt-get install libreoffice-writer-nogui",
)
def test_libreoffice_converts_the_draft_without_warnings(draft: Path, tmp_path: Path) -> None:
    office = shutil.which("soffice") or shutil.which("libreoffice")
    profile = (tmp_path / "profile").as_uri()  # a fresh user profile: no clash with a running office
    result = subprocess.run(
        [
            str(office),
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path / "pdf"),
            str(draft),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert result.returncode == 0
    assert (tmp_path / "pdf" / "draft.pdf").exists()
    # LibreOffice's own start-up note about a missing Java runtime is about the machine, not the document
    lines = [line for line in (result.stderr + result.stdout).splitlines() if "javaldx" not in line]
    assert not [line for line in lines if "warn" in line.lower() or "error" in line.lower()]
    pdf = pypdfium2.PdfDocument(str(tmp_path / "pdf" / "draft.pdf"))
    text = " ".join(pdf[0].get_textpage().get_text_range().split())
    assert "Scenarios: Smart mobility and logistics" in text


def test_a_template_lends_its_styles_but_not_its_text(cli, project: Project, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from docx.shared import Pt

    template = docx.Document()
    template.styles["Heading 1"].font.size = Pt(21)
    template.add_paragraph("Old text that must not survive")
    template.save(str(tmp_path / "house.docx"))
    coded_project(project)
    out = tmp_path / "draft.docx"
    args = ("-P", str(project.root), "scenario", "draft", str(SCENARIO), "--out", str(out))
    result = cli(*args, "--template", str(tmp_path / "house.docx"))
    assert result.code == 0, result.err
    doc = docx.Document(str(out))
    assert doc.styles["Heading 1"].font.size == Pt(21)
    assert "Old text that must not survive" not in [p.text for p in doc.paragraphs]
    assert [p.text for p in doc.paragraphs if p.style.name == "Heading 1"] == list(SECTIONS)
    (tmp_path / "plain.docx").write_text("not a zip", encoding="utf-8")
    bad = cli(*args, "--template", str(tmp_path / "plain.docx"))
    assert (bad.code, bad.err) == (
        1,
        NO_TRENDS + f"Error: {tmp_path / 'plain.docx'}: not a Word document (.docx) to use as a template\n",
    )


def test_the_provenance_line_is_there_without_a_note(draft: Path) -> None:
    doc = docx.Document(str(draft))
    texts = [p.text for p in doc.paragraphs]
    framing = texts.index("Framing", texts.index("Framing") + 1)
    assert texts[framing + 1] == (
        "How the codings were made: 33 codings on 7 units by 1 coder: 33 made by people (by hand or "
        "adjudicated), 0 suggestions accepted by coders, 0 machine-made."
    )
    assert doc.core_properties.comments == (
        "Codings on 7 units: 33 by people, 0 accepted suggestions, 0 machine-made"
    )


def test_provenance_tells_people_accepted_suggestions_and_machine_apart(project: Project) -> None:
    from foresight.store.schema import Suggestion, SuggestionDecision
    from foresight.workshops.evidence import coding_provenance

    ids = coded_project(project, [(1, ("MT.BIG_DATA",)), (1, ("MT.SMART_CITY",)), (2, ("MT.OPEN_DATA",))])
    apply_code(project, ids[0], "MT.CLOUD_COMPUTING", coder="bot", origin="accepted-suggestion")
    apply_code(project, ids[1], "MT.CLOUD_COMPUTING", coder="bot", origin="accepted-suggestion")
    apply_code(project, ids[2], "MT.CLOUD_COMPUTING", coder="ben", origin="accepted-suggestion")
    with project.transaction() as session:  # ben rejected a suggestion once: he reads them
        code = session.exec(select(Code).where(Code.code_id == "MT.IOT")).first()
        suggestion = Suggestion(unit_id=ids[0], code_id=code.id, model="rules", score=0.9, status="rejected")
        session.add(suggestion)
        session.flush()
        session.add(SuggestionDecision(suggestion_id=suggestion.id, coder="ben", status="rejected"))
    found = coding_provenance(project, ids)
    assert (found.people, found.accepted, found.machine) == (3, 1, 2)
    assert found.machine_coders == ("bot",)
    assert found.sentence() == (
        "How the codings were made: 6 codings on 3 units by 3 coders: 3 made by people (by hand or "
        "adjudicated), 1 suggestions accepted by coders, 2 machine-made (suggestions accepted by bot, "
        "who accepted every suggestion and rejected none)."
    )
    assert coding_provenance(project, []).sentence() == (
        "How the codings were made: no codings support this draft yet."
    )


def test_evidence_is_quoted_with_its_source(project: Project, tmp_path: Path) -> None:
    ids = coded_project(project)
    with project.transaction() as session:
        source = session.exec(select(Source).where(Source.title == "Source 2")).one()
        source.date = dt.date(2014, 5, 1)
        unit = session.get(Unit, ids[3])
        unit.page = 3
        unit.text = "Freight data piles up. Big data lets logistics firms plan routes a day ahead. Tail."
    data = scenario_input(project, load_workshop(SCENARIO), cib=load_cib(CIB))
    doc = docx.Document(str(draft_scenarios(data, tmp_path / "quoted.docx")))
    texts = [p.text for p in doc.paragraphs]
    evidence = texts.index("Evidence by driver", texts.index("Evidence by driver") + 1)
    grouped = texts[evidence:]
    big_data = grouped.index("Big data (driver, 1 unit · 1 source)")
    # the sentence naming the driver, with the source's title, date and page and the unit's id
    assert grouped[big_data + 1] == (
        f"“Big data lets logistics firms plan routes a day ahead.” Source 2, 2014-05-01, p. 3 (unit {ids[3]})"
    )
    quote = doc.paragraphs[evidence + big_data + 1]
    assert quote.style.name == "List Bullet" and quote.runs[0].italic
    assert grouped[grouped.index("Smart cities (trend, 3 units · 2 sources)") + 3] == "and 1 more unit"


def test_short_quotes_are_cut_at_a_word() -> None:
    from foresight.workshops.evidence import short_quote

    assert short_quote("One. Two has data. Three.", ["data"]) == "Two has data."
    assert short_quote("One. Two.", ["none"]) == "One."
    long = "Word " * 100
    cut = short_quote(long, [], limit=30)
    assert cut == "Word Word Word Word Word Word…" and len(cut) <= 30


def test_an_inconsistent_scenario_is_flagged_with_its_scores(draft: Path) -> None:
    doc = docx.Document(str(draft))
    texts = [p.text for p in doc.paragraphs]
    second = texts.index(
        "Scenario 2: regional and closed / disruptive",
        texts.index("Scenario logic", texts.index("Scenario logic") + 1),
    )
    assert texts[second + 1] == (
        "Inconsistent with the cross-impact judgements: no consistent scenario combines Openness of "
        "value chains = regional and closed with Pace of digital convergence = disruptive. The least "
        "inconsistent way to complete it (Openness of value chains = regional and closed; Pace of "
        "digital convergence = disruptive; Public support for clusters = expanding; Cross-sectoral "
        "collaboration = moderate) has inconsistency 2 (0 is consistent) and total impact 2."
    )
    assert doc.paragraphs[second + 1].runs[0].bold
    first = texts.index("Scenario 1: regional and closed / incremental", second - 30)
    assert texts[first + 1] == (
        "Cross-impact balance: consistent, as CIB scenarios 1 (total impact 12), 3 (total impact 7) "
        "and 4 (total impact 6)."
    )


def test_each_scenario_has_its_own_signposts(draft: Path) -> None:
    doc = docx.Document(str(draft))
    texts = [p.text for p in doc.paragraphs]
    start = texts.index(
        "Scenario 1: regional and closed / incremental",
        texts.index("Scenario logic", texts.index("Scenario logic") + 1),
    )
    signposts: dict[str, list[str]] = {}
    current = ""
    for p in doc.paragraphs[start:]:
        if p.style.name == "Heading 2":
            current = p.text
        elif p.style.name == "Heading 1":
            break
        elif p.style.name == "List Bullet" and "towards" in p.text:
            signposts.setdefault(current, []).append(p.text.split(":")[0])
    assert signposts == {
        "Scenario 1: regional and closed / incremental": [
            "Trade agreements and trade barriers (towards regional and closed)"
        ],
        "Scenario 2: regional and closed / disruptive": [
            "Trade agreements and trade barriers (towards regional and closed)",
            "Big data (towards disruptive)",
        ],
        "Scenario 4: global and open / disruptive": ["Big data (towards disruptive)"],
    }
    assert "No driver's evidence carries the codes of these poles yet." in texts


def test_header_rows_repeat_and_rows_do_not_split(draft: Path) -> None:
    doc = docx.Document(str(draft))
    for table in doc.tables:
        rows = table._tbl.tr_lst
        assert rows[0].trPr.find(qn("w:tblHeader")) is not None
        assert all(r.trPr.find(qn("w:tblHeader")) is None for r in rows[1:])
        assert all(r.trPr.find(qn("w:cantSplit")) is not None for r in rows)
        widths = [c.width for c in table.columns]
        assert all(widths) and abs(sum(widths) - Mm(170)) < Mm(1)  # the text width of A4, 20 mm margins


def test_core_properties_and_fields_updated_on_opening(draft: Path, project: Project) -> None:
    doc = docx.Document(str(draft))
    core = doc.core_properties
    assert core.title == "Scenarios: Smart mobility and logistics"
    assert core.subject == "Draft for the Scenario Workshop, 2015-09-17, VDI/VDE-IT, Berlin"
    assert core.author == core.last_modified_by == project.config.name
    now = dt.datetime.now(dt.UTC)
    assert core.created is not None and abs(now - core.created) < dt.timedelta(minutes=5)
    assert core.modified == core.created
    settings = doc.settings.element
    update = settings.find(qn("w:updateFields"))
    assert update is not None and update.get(qn("w:val")) == "true"
    names = [child.tag.split("}")[1] for child in settings]
    assert names.index("updateFields") < names.index("compat")  # the schema's order, which Word wants


def test_uncertainty_codes_are_checked(cli, project: Project, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    coded_project(project)
    text = SCENARIO.read_text(encoding="utf-8")
    unknown = tmp_path / "unknown.yaml"
    unknown.write_text(text.replace("MT.RESHORING", "MT.NOT_A_CODE"), encoding="utf-8")
    out = tmp_path / "d.docx"
    result = cli("-P", str(project.root), "scenario", "draft", str(unknown), "--out", str(out))
    assert (result.code, result.err.splitlines()[-1]) == (
        1,
        f"Error: {unknown}: uncertainties name codes the project's codebook lacks: MT.NOT_A_CODE",
    )
    stray = tmp_path / "stray.yaml"
    stray.write_text(text.replace("      expanding: [CP.", "      growing: [CP."), encoding="utf-8")
    result = cli("-P", str(project.root), "scenario", "draft", str(stray), "--out", str(out))
    line = text.splitlines().index(
        "      expanding: [CP.POLICY_INSTRUMENTS, CP.SMART_SPECIALISATION, CP.CLUSTER_MANAGEMENT]"
    )
    assert (result.code, result.err) == (
        1,
        f"Error: {stray}:{line + 1}: uncertainty: codes name 'growing', not one of its poles\n",
    )
