"""Workshop files: the shipped ones load, bad ones are named with their line; balanced groups; kits."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import docx
import pytest

from foresight.resources import WORKSHOPS
from foresight.workshops import WorkshopError, load_workshop
from foresight.workshops.definition import DEFAULT_SLOTS, Groups
from foresight.workshops.kit import QUESTIONS, assign_groups

EXPERT = WORKSHOPS / "foresight-expert-workshop.yaml"
SCENARIO = WORKSHOPS / "scenario-workshop.yaml"
INTERNAL = WORKSHOPS / "internal-foresight-workshop.yaml"

GOOD = """\
schema_version: 1
workshop:
  name: Test workshop
  kind: expert
  date: 2015-01-23
  venue: Berlin
groups:
  count: 2
participants:
  - {name: A, organisation: X, stakeholder: industry}
  - {name: B, organisation: Y, stakeholder: research}
topics:
  - {id: mobility, name: Mobility, codes: [EI.MOBILITY]}
agenda:
  - {start: "09:00", minutes: 30, title: Welcome}
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "w.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_three_berlin_workshops_load() -> None:
    internal, expert, scenario = (load_workshop(p) for p in (INTERNAL, EXPERT, SCENARIO))
    assert (internal.kind, len(internal.participants)) == ("internal", 10)
    assert (expert.kind, len(expert.participants), expert.groups.sizes(25)) == ("expert", 25, [7, 6, 6, 6])
    assert scenario.kind == "scenario"
    assert all(5 <= size <= 6 for size in scenario.groups.sizes(len(scenario.participants)))
    assert expert.slots == DEFAULT_SLOTS == ("2015", "2016-2017", "2018-2020", "beyond 2020")
    assert expert.horizons == {"TH.SHORT": "2016-2017", "TH.MID": "2018-2020", "TH.LONG": "beyond 2020"}
    assert expert.topic(None).id == "mobility"
    assert len(scenario.uncertainties) == 3


def test_a_minimal_file_gets_the_defaults(tmp_path: Path) -> None:
    w = load_workshop(write(tmp_path, GOOD))
    assert w.slots == DEFAULT_SLOTS
    assert w.topics[0].codes == ("EI.MOBILITY",)
    assert w.agenda[0].format == "plenary"


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "kind: expert",
            "kind: party",
            "4: workshop: kind must be one of internal, expert, scenario, not 'party'",
        ),
        ("date: 2015-01-23", "date: soon", "5: workshop: date must be a date like 2015-01-23, not 'soon'"),
        (
            "stakeholder: research}",
            "stakeholder: artists}",
            "11: participant: stakeholder must be one of industry, research, policy, cluster management, "
            "intermediary, civil society, not 'artists'",
        ),
        ("count: 2", "count: 0", "8: groups: count must be a whole number of at least 1"),
        (
            'start: "09:00"',
            'start: "9 o\'clock"',
            '15: agenda block: start must be a time like 09:30, not "9 o\'clock"',
        ),
        ("codes: [EI.MOBILITY]", "codes: EI.MOBILITY", "13: topic: codes must be a list of code ids"),
        ("  venue: Berlin\n", "  venue: Berlin\n  colour: red\n", "7: workshop: unknown field 'colour'"),
        ("schema_version: 1", "schema_version: 2", "1: schema_version must be 1, not 2"),
    ],
)
def test_bad_files_name_the_line_and_the_problem(tmp_path: Path, old: str, new: str, message: str) -> None:
    path = write(tmp_path, GOOD.replace(old, new))
    with pytest.raises(WorkshopError) as excinfo:
        load_workshop(path)
    assert str(excinfo.value) == f"{path}:{message}"


def test_several_problems_are_counted(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace("kind: expert", "kind: party").replace("count: 2", "count: -1"))
    with pytest.raises(WorkshopError) as excinfo:
        load_workshop(path)
    assert str(excinfo.value).endswith("(and 1 more problems)")


def test_cli_reports_a_bad_file_in_one_line(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = write(tmp_path, "workshop: [1\n")
    result = cli("workshop", "validate", str(path))
    assert result.code == 1
    assert result.err == f"Error: {path}:2: not valid YAML (expected ',' or ']', but got '<stream end>')\n"
    missing = cli("workshop", "validate", str(tmp_path / "nope.yaml"))
    assert (missing.code, missing.err) == (1, f"Error: {tmp_path / 'nope.yaml'}: no such workshop file\n")


def test_cli_validates_the_shipped_workshops(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("workshop", "validate", str(EXPERT))
    assert result.code == 0
    assert result.out == (
        f"{EXPERT}: Foresight Expert Workshop, 2015-01-23, 25 participants, 4 topics, "
        "groups of [7, 6, 6, 6]\n"
    )


def test_group_sizes_are_as_even_as_they_can_be() -> None:
    assert Groups(count=4).sizes(25) == [7, 6, 6, 6]
    assert Groups(min_size=5, max_size=6).sizes(17) == [6, 6, 5]
    assert Groups(max_size=6).sizes(12) == [6, 6]
    assert Groups(count=3).sizes(2) == [1, 1]


@pytest.mark.parametrize("path", [EXPERT, SCENARIO, INTERNAL])
@pytest.mark.parametrize("seed", [0, 1, 7])
def test_groups_are_balanced_by_stakeholder_group(path: Path, seed: int) -> None:
    workshop = load_workshop(path)
    groups = assign_groups(workshop, seed=seed)
    assert [len(g.members) for g in groups] == workshop.groups.sizes(len(workshop.participants))
    assert sorted(p.name for g in groups for p in g.members) == sorted(p.name for p in workshop.participants)
    for stakeholder in {p.stakeholder for p in workshop.participants}:
        counts = [g.mix[stakeholder] for g in groups]
        assert max(counts) - min(counts) <= 1, (stakeholder, counts)


def test_groups_are_reproducible_with_a_seed() -> None:
    workshop = load_workshop(EXPERT)
    first = [[p.name for p in g.members] for g in assign_groups(workshop, seed=3)]
    assert first == [[p.name for p in g.members] for g in assign_groups(workshop, seed=3)]
    assert first != [[p.name for p in g.members] for g in assign_groups(workshop, seed=4)]


def test_kit_writes_agenda_groups_worksheets_and_posters(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "kit"
    result = cli("workshop", "kit", str(EXPERT), "--out", str(folder), "--seed", "2", "--size", "A3")
    assert result.code == 0, result.err
    assert sorted(p.name for p in folder.iterdir()) == [
        "agenda.docx",
        "groups.csv",
        "groups.docx",
        "roadmap-cluster-management.pdf",
        "roadmap-eco.pdf",
        "roadmap-health.pdf",
        "roadmap-mobility.pdf",
        "worksheet-group-1.docx",
        "worksheet-group-2.docx",
        "worksheet-group-3.docx",
        "worksheet-group-4.docx",
    ]
    assert result.out.splitlines()[-1] == f"Wrote 11 files into {folder}"
    with (folder / "groups.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert Counter(r["group"] for r in rows) == {"1": 7, "2": 6, "3": 6, "4": 6}
    agenda = docx.Document(str(folder / "agenda.docx"))
    assert agenda.tables[0].rows[1].cells[0].text == "09:00-09:30"
    sheet = docx.Document(str(folder / "worksheet-group-1.docx"))
    headings = [p.text for p in sheet.paragraphs if p.style.name == "Heading 2"]
    assert headings == list(QUESTIONS)
    assert sheet.paragraphs[0].text == "Group 1: Smart mobility and logistics"
