"""Scenario drafts: a real Word document with its sections in order, read back with python-docx."""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pypdfium2
import pytest

from foresight.project import Project
from foresight.resources import WORKSHOPS
from foresight.workshops import load_workshop
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
        "Table 2: Key uncertainties",
        "Table 3: Scenario logic",
        "Table 4: Consistent scenarios from the cross-impact balance analysis",
        "Table 5: Supporting units and their sources",
    ]
    drivers = [[c.text for c in row.cells] for row in doc.tables[0].rows]
    assert drivers[1] == [
        "Smart cities",
        "trend",
        "Technological developments",
        "2018-2020",
        "MT.SMART_CITY: 3 units · 2 sources",
    ]
    assert [r[0] for r in drivers[1:]] == ["Smart cities", "Big data", "Trade agreements and trade barriers"]
    logic = [[c.text for c in row.cells] for row in doc.tables[2].rows]
    assert logic[1] == [
        "regional and closed",
        "Scenario 1: regional and closed / incremental",
        "Scenario 2: regional and closed / disruptive",
    ]
    cib_rows = [[c.text for c in row.cells] for row in doc.tables[3].rows]
    assert cib_rows[1] == ["1", "regional and closed", "incremental", "retreating", "weak", "12"]
    assert len(cib_rows) == 5
    annex = [[c.text for c in row.cells] for row in doc.tables[4].rows]
    assert annex[0] == ["Unit", "Source", "Date", "Codes", "Text"]
    assert {r[1] for r in annex[1:]} == {"Source 1", "Source 2", "Source 3"}


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
    assert texts[framing + 2].startswith("Framing question: ")


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
    assert "Sharing economy and product-as-a-service (MT.SHARING_ECONOMY: 1 unit · 1 source)" in bullets
    assert "Carbon footprint reduction (MT.CARBON_FOOTPRINT: 1 unit · 1 source)" in bullets


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
