"""`foresight demo`: the whole pipeline on the sample corpus, run once through the command line and
checked by what it leaves behind: the store, every output file and the printed account."""

from __future__ import annotations

import json
import shlex
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import docx
import networkx as nx
import pandas as pd
import pypdfium2
import pytest
from PIL import Image

from foresight import coding
from foresight.agreement import agreement_report, list_batches
from foresight.cooccurrence import cooccurrence
from foresight.cooccurrence.figures import draw_network, write_heatmap
from foresight.cooccurrence.network import network
from foresight.corpus import list_sources, list_units
from foresight.demo import MACHINE_NOTE, RULES_CODER, SECOND_CODER, neighbours, second_reading
from foresight.project import Project
from foresight.resources import SAMPLE_CORPUS
from foresight.workshops.scenario import SECTIONS, STUB_SECTIONS
from tests.conftest import Result

A3_POINTS = (420 / 25.4 * 72, 297 / 25.4 * 72)  # landscape
# paragraphs of the sample's German and French documents (by their first words) and codes whose
# keywords in that language they use, most of them inflected ("vorausschauenden Wartung",
# "sous-traitants", "matières recyclées")
OWN_LANGUAGE = {
    "de": {
        "Auf der Linie sind jede Spindel": {"MT.IOT_INDUSTRIAL", "MT.DATA_SERVICES", "MT.VIRTUAL_TESTING"},
        "Die größte Sorge der Unternehmen": {"MT.WORKFORCE_AGEING", "MT.ICT_SPECIALISTS"}
        | {"MT.DIGITAL_SKILLS"},
        "Die Verpackungsverordnung und die geplante": {"MT.RECYCLING", "MT.CIRCULAR_ECONOMY", "VR.FRAMEWORK"},
    },
    "fr": {
        "La plupart des entreprises": {"LK.SUPPLIER_USER", "EI.MOBILITY", "KET.ADV_MANUFACTURING"},
        "Le vieillissement des effectifs": {"MT.WORKFORCE_AGEING", "MT.LIFELONG_LEARNING"},
        "R : D'abord à cause des prix.": {"MT.CIRCULAR_ECONOMY", "MT.RESOURCE_SCARCITY", "MT.RECYCLING"},
    },
}
OUTPUTS = (
    "agreement.csv",
    "cooccurrence.csv",
    "cooccurrence.png",
    "cooccurrence.svg",
    "trends.json",
    "network.gexf",
    "network.png",
    "network.svg",
    "roadmap.pdf",
)


@dataclass
class Run:
    root: Path
    result: Result

    @property
    def outputs(self) -> Path:
        return self.root / "outputs"

    def project(self) -> Project:
        return Project.open(self.root)


@pytest.fixture(scope="module")
def _runs() -> dict[str, Run]:
    return {}


@pytest.fixture
def demo(cli, _runs: dict[str, Run], tmp_path_factory: pytest.TempPathFactory) -> Run:  # type: ignore[no-untyped-def]
    """One demo run for the whole module, through the command line (the first test makes it)."""
    if "run" not in _runs:
        root = tmp_path_factory.mktemp("demo") / "project"
        _runs["run"] = Run(root, cli("demo", str(root)))
    return _runs["run"]


def test_the_demo_succeeds_and_names_every_output(demo: Run) -> None:
    assert demo.result.code == 0, demo.result.err
    out = demo.result.out
    assert (
        "Demo: every coding was made by keyword rules (coders demo-rules and demo-rules-b), not by people"
        in out
    )
    for name in OUTPUTS:
        assert str(demo.outputs / name) in out
    [scenario] = demo.outputs.glob("scenarios-*.docx")
    assert str(scenario) in out
    assert sorted(p.name for p in demo.outputs.iterdir()) == sorted([*OUTPUTS, scenario.name])
    lines = out.splitlines()
    table = lines[lines.index(next(x for x in lines if "Outputs" in x)) + 1 : -1]
    assert [line.split()[-1] for line in table] == [
        str(demo.root),
        *(str(demo.outputs / name) for name in OUTPUTS),
        str(scenario),
    ]
    assert lines[-1].startswith("Done in ")


def test_the_whole_sample_corpus_is_ingested(demo: Run, cli) -> None:  # type: ignore[no-untyped-def]
    sources = json.loads(cli("--project", str(demo.root), "sources", "--json").out)
    files = [p for p in SAMPLE_CORPUS.rglob("*") if p.is_file()]
    assert len(sources) >= len(files) >= 20  # the feed gives a source per item
    assert {"pdf", "docx", "html", "txt", "feed", "xlsx"} <= {s["format"] for s in sources}
    assert all(s["date"] and "2000-01-01" <= s["date"] <= "2014-12-31" for s in sources)
    assert sum(s["units"] for s in sources) > 200


def test_german_and_french_units_are_coded_with_the_keywords_of_their_language(demo: Run) -> None:
    project = demo.project()
    try:
        codes: dict[int, set[str]] = defaultdict(set)
        for c in coding.list_codings(project, coder=RULES_CODER):
            codes[c["unit_id"]].add(c["code_id"])
        for language, paragraphs in OWN_LANGUAGE.items():
            units = list_units(project, language=language)
            assert len({u["source_id"] for u in units}) == 2
            for start, expected in paragraphs.items():
                [unit] = [u for u in units if u["text"].startswith(start)]
                assert expected <= codes[unit["id"]], (language, start, codes[unit["id"]])
            long = [u for u in units if len(u["text"]) > 300]
            assert sum(len(codes[u["id"]]) >= 3 for u in long) >= 0.8 * len(long)
    finally:
        project.close()


def test_german_and_french_sources_are_evidence_of_trend_flags(demo: Run) -> None:
    report = json.loads((demo.outputs / "trends.json").read_text(encoding="utf-8"))
    project = demo.project()
    try:
        language = {s["id"]: s["language"] for s in list_sources(project)}
    finally:
        project.close()
    items = [*report["pairs"], *report["codes"]]
    flagged = [i for i in items if i["class"] in ("strong signal", "weak signal")]
    cited = {language[s["id"]] for item in flagged for s in item["evidence"]["sources"]}
    assert {"de", "fr"} <= cited


def test_both_machine_coders_have_accepted_suggestions(demo: Run) -> None:
    project = demo.project()
    try:
        codings = coding.list_codings(project)
        rules = [c for c in codings if c["coder"] == RULES_CODER]
        second = [c for c in codings if c["coder"] == SECOND_CODER]
        assert {c["coder"] for c in codings} == {RULES_CODER, SECOND_CODER}
        assert {c["origin"] for c in codings} == {"accepted-suggestion"}
        assert len(rules) > 300 and len(second) > 20
        done, total = coding.progress(project, coder=RULES_CODER)
        assert done == total > 200  # the rules coder finished every unit
    finally:
        project.close()
    line = next(x for x in demo.result.out.splitlines() if " suggestions on " in x)
    assert int(line.split()[0]) == len(rules)


def test_a_batch_of_both_coders_finished_by_both(demo: Run) -> None:
    project = demo.project()
    try:
        [batch] = list_batches(project)
        assert batch["coders"] == [RULES_CODER, SECOND_CODER]
        assert batch["units"] == 40 and batch["seed"] == 7
        report = agreement_report(project)  # the newest batch's coders
    finally:
        project.close()
    assert report.coders == [RULES_CODER, SECOND_CODER]
    assert report.units == 40 == report.alpha_units
    alpha = report.overall.alpha
    assert isinstance(alpha, float) and -1 < alpha < 1 and alpha != 1.0
    assert report.disagreements > 0
    assert f"overall Krippendorff's alpha {alpha:.3f}" in demo.result.out


def test_agreement_and_cooccurrence_tables_read_with_pandas(demo: Run) -> None:
    agreement = pd.read_csv(demo.outputs / "agreement.csv", encoding="utf-8-sig")
    assert {"code", f"applied_{RULES_CODER}", f"applied_{SECOND_CODER}", "alpha"} <= set(agreement.columns)
    assert len(agreement) == 102
    pairs = pd.read_csv(demo.outputs / "cooccurrence.csv", encoding="utf-8-sig")
    assert {"code_a", "code_b", "n_ab", "c"} <= set(pairs.columns)
    assert len(pairs) > 50 and pairs["c"].between(0, 1).all()


def test_trends_are_flagged(demo: Run) -> None:
    report = json.loads((demo.outputs / "trends.json").read_text(encoding="utf-8"))
    assert report["periods"] == ["2000-2006", "2007-2014"]
    classes = [i["class"] for i in [*report["pairs"], *report["codes"]]]
    assert "strong signal" in classes and "weak signal" in classes
    strongest = next(i for i in report["pairs"] if i["class"] == "strong signal")
    c = f"{strongest['c']['2000-2006']:.3f} → {strongest['c']['2007-2014']:.3f}"
    row = next(x for x in demo.result.out.splitlines() if x.startswith("strong "))
    assert row.split()[1:6] == [strongest["code_a"], strongest["code_b"], *c.split()]


def test_pictures_open_and_the_network_parses(demo: Run) -> None:
    for name in ("cooccurrence.png", "network.png"):
        with Image.open(demo.outputs / name) as image:
            assert image.format == "PNG" and min(image.size) > 300
    graph = nx.read_gexf(demo.outputs / "network.gexf")
    assert graph.number_of_nodes() > 50 and graph.number_of_edges() > 20
    communities = {data["community"] for _, data in graph.nodes(data=True)}
    assert len(communities - {0}) >= 2


def test_figures_carry_the_note_in_their_title(demo: Run, tmp_path: Path) -> None:
    project = demo.project()
    try:
        write_heatmap(cooccurrence(project), tmp_path / "c.pdf", note=MACHINE_NOTE)
        draw_network(network(project), tmp_path / "n.pdf", note=MACHINE_NOTE)
        write_heatmap(cooccurrence(project), tmp_path / "plain.pdf")
    finally:
        project.close()
    for name in ("c.pdf", "n.pdf"):
        pdf = pypdfium2.PdfDocument(str(tmp_path / name))
        assert MACHINE_NOTE in pdf[0].get_textpage().get_text_range()
        pdf.close()
    pdf = pypdfium2.PdfDocument(str(tmp_path / "plain.pdf"))
    assert "keyword rules" not in pdf[0].get_textpage().get_text_range()
    pdf.close()


def test_roadmap_pdf_is_a3_landscape_and_says_the_codings_are_machine_made(demo: Run) -> None:
    path = demo.outputs / "roadmap.pdf"
    assert path.read_bytes().startswith(b"%PDF")
    pdf = pypdfium2.PdfDocument(str(path))
    try:
        pages = [(page.get_size(), page.get_textpage().get_text_range()) for page in pdf]
    finally:
        pdf.close()
    posters = [(size, text) for size, text in pages if ": more cards" not in " ".join(text.split())]
    assert len(posters) == 5  # four topics and the overview, each maybe followed by a list of more cards
    for (width, height), _ in pages:
        assert (width, height) == pytest.approx(A3_POINTS, abs=1)
    for _, text in posters:
        assert "made by keyword rules" in " ".join(text.split())
    assert any("strong signal" in text for _, text in pages)


def test_scenario_draft_opens_with_its_headings_and_the_note(demo: Run) -> None:
    [path] = demo.outputs.glob("scenarios-*.docx")
    doc = docx.Document(str(path))
    assert doc.paragraphs[0].text.startswith("Scenarios: ")
    assert [p.text for p in doc.paragraphs if p.style.name == "Heading 1"] == list(SECTIONS)
    assert [p.text for p in doc.paragraphs if p.style.name == "Heading 3"] == list(STUB_SECTIONS) * 4
    text = "\n".join(p.text for p in doc.paragraphs)
    assert (
        "every coding was made by keyword rules (coders demo-rules and demo-rules-b), not by people" in text
    )
    cells = {cell.text for table in doc.tables for row in table.rows for cell in row.cells}
    assert "strong signal" in cells  # trend flags among the drivers
    assert any("Consistent scenarios" in p.text for p in doc.paragraphs if p.style.name == "Caption")


@pytest.mark.parametrize("command", ["roadmap print", "scenario draft", "cooccurrence", "trends"])
def test_the_commands_printed_do_the_step_by_hand(demo: Run, cli, tmp_path: Path, command: str) -> None:  # type: ignore[no-untyped-def]
    line = next(x for x in demo.result.out.splitlines() if x.startswith(f"foresight {command} "))
    args = shlex.split(line)[1:]
    into = args.index(">") if ">" in args else None
    if into is not None:  # a redirection: the file is stdout
        args, redirected = args[:into], args[into + 1]
    for i, arg in enumerate(args):  # write beside, not over, the demo's outputs
        if arg.startswith("outputs/"):
            args[i] = str(tmp_path / Path(arg).name)
    result = cli("--project", str(demo.root), *args)
    assert result.code == 0, result.err
    if into is not None:
        assert result.out == (demo.root / redirected).read_text(encoding="utf-8")
    for name in {Path(a).name for a in args if a.startswith(str(tmp_path))}:
        ours, theirs = tmp_path / name, demo.outputs / name
        assert ours.exists() and theirs.exists()
        if ours.suffix == ".csv":
            assert ours.read_text() == theirs.read_text()


def test_a_folder_with_a_project_is_refused(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert cli("init", str(tmp_path / "p"), "--no-codebook").code == 0
    result = cli("demo", str(tmp_path / "p"))
    assert (result.code, result.out) == (1, "")
    assert result.err == (
        f"Error: {tmp_path / 'p'}: already holds a foresight project; the demo builds a new one: "
        "name a new or empty folder\n"
    )
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "notes.txt").write_text("mine")
    result = cli("demo", str(tmp_path / "other"))
    assert result.err == (
        f"Error: {tmp_path / 'other'}: is not empty; the demo builds its project in a new or empty folder\n"
    )
    assert sorted(p.name for p in (tmp_path / "other").iterdir()) == ["notes.txt"]


def test_the_second_reading_is_seeded_and_differs() -> None:
    tree = [
        {"id": "FC.TREND", "parent": None, "group": "FC"},
        {"id": "FC.DRIVER", "parent": None, "group": "FC"},
        {"id": "MT.IOT", "parent": None, "group": "MT"},
        {"id": "MT.IOT_INDUSTRIAL", "parent": "MT.IOT", "group": "MT"},
        {"id": "MT.IOT_CONSUMER", "parent": "MT.IOT", "group": "MT"},
        {"id": "MT.SOCIAL_MEDIA", "parent": None, "group": "MT"},
    ]
    near = neighbours(tree)
    assert near["MT.IOT_INDUSTRIAL"] == ["MT.IOT", "MT.IOT_CONSUMER"]
    assert near["MT.IOT"] == ["MT.IOT_INDUSTRIAL", "MT.IOT_CONSUMER"]
    assert near["FC.TREND"] == ["FC.DRIVER"]  # a flat group
    assert near["MT.SOCIAL_MEDIA"] == []  # alone in its tree: no code is near it
    found: list[dict[str, Any]] = [
        {"unit_id": u, "code_id": code, "score": score}
        for u in range(200)
        for code, score in (("FC.TREND", 0.5), ("MT.IOT_INDUSTRIAL", 0.75))
    ]
    first = second_reading(found, list(range(200)), near, seed=3)
    assert first == second_reading(found, list(range(200)), near, seed=3)
    assert all("MT.IOT_INDUSTRIAL" in codes for codes in first.values())  # two keywords: always kept
    kept = sum("FC.TREND" in codes for codes in first.values())
    swapped = sum("FC.DRIVER" in codes for codes in first.values())
    assert 100 < kept < 140 and 25 < swapped < 60  # 0.6 and 0.2 of 200
