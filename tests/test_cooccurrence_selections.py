"""``foresight cooccurrence --by selection``: codes meet where their selections overlap; counts
worked out by hand on a tiny project."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from foresight.cooccurrence.by_selection import cooccurrence_of_selections, meeting_counts
from foresight.cooccurrence.selection import Codings
from foresight.interop.qdpx_import import import_qdpx
from foresight.project import Project
from tests.test_qdpx_spans import build_archive

# The archive's six selections (anna and ben select the second passage alike: one selection):
#   S1 "Regional clusters change"                   IOT
#   S2 "Sensor makers now share development teams"  IOT (anna, ben)
#   S3 "traceable supply chains"                    PACK, IOT
#   S4 "Retailers ... smart labels" (two units)     PACK (ben)
#   S5 "smart labels with sensors"                  SIGNAL
#   S6 "sensors that report"                        IOT
# S4 and S5 share "smart labels", S5 and S6 "sensors"; S4 and S6 do not touch.
# n_IOT = 4 (S1, S2, S3, S6), n_PACK = 2 (S3, S4), n_SIGNAL = 1 (S5), N = 6
# IOT-PACK meet in S3 (1), PACK-SIGNAL in S4-S5 (1), IOT-SIGNAL in S5-S6 (1):
# c = 1 / (4 + 2 - 1) = 0.2, 1 / (2 + 1 - 1) = 0.5, 1 / (4 + 1 - 1) = 0.25
HAND = {
    frozenset(("IOT", "PACK")): ({"IOT": 4, "PACK": 2}, 1, 0.2),
    frozenset(("PACK", "SIGNAL")): ({"PACK": 2, "SIGNAL": 1}, 1, 0.5),
    frozenset(("IOT", "SIGNAL")): ({"IOT": 4, "SIGNAL": 1}, 1, 0.25),
}


def test_codes_meet_in_overlapping_selections(make_project: Callable[[str], Project], tmp_path: Path) -> None:
    project = make_project("p")
    import_qdpx(project, build_archive(tmp_path / "tool.qdpx"), actor="lead")
    result = cooccurrence_of_selections(project)
    assert result.units == 6
    found = {
        frozenset((p["name_a"], p["name_b"])): (
            {p["name_a"]: p["n_a"], p["name_b"]: p["n_b"]},
            p["n_ab"],
            p["c"],
        )
        for p in result.pairs()
    }
    assert found == HAND
    # ben's alone: S2 (IOT) and S4 (PACK), which do not overlap
    bens = cooccurrence_of_selections(project, Codings(coder="ben"))
    assert (bens.units, bens.pairs()) == (2, [])


def test_a_long_selection_over_two_others_is_one_place_where_they_meet() -> None:
    # one source: a (0-100) overlaps b (10-20) and b (50-60); b (200-210) is alone; then a
    # selection carrying both codes in another source
    spans = [(1, 0, 100), (1, 10, 20), (1, 50, 60), (1, 200, 210), (2, 0, 5)]
    carries = [{0}, {1}, {1}, {1}, {0, 1}]
    counts = meeting_counts(spans, carries, 2)
    assert counts.tolist() == [[2, 2], [2, 4]]  # n_a 2, n_b 4, n_ab: the first source once, the second once


def test_the_command_counts_selections_and_says_so(
    make_project: Callable[[str], Project], tmp_path: Path, cli: Callable[..., object]
) -> None:
    project = make_project("p")
    import_qdpx(project, build_archive(tmp_path / "tool.qdpx"), actor="lead")
    root = str(project.root)
    project.close()
    shown = cli("--project", root, "cooccurrence", "--by", "selection")
    assert shown.code == 0, shown.err  # type: ignore[attr-defined]
    assert shown.out.startswith("Co-occurrence over 6 coded selections (union of all coders)\n")  # type: ignore[attr-defined]
    data = json.loads(cli("--project", root, "cooccurrence", "--by", "selection", "--json").out)  # type: ignore[attr-defined]
    assert (data["counted"], data["selections"], len(data["pairs"])) == ("selections", 6, 3)
    by_unit = json.loads(cli("--project", root, "cooccurrence", "--json").out)  # type: ignore[attr-defined]
    assert by_unit["units"] == 3 and "counted" not in by_unit  # counting units, as before
    refused = cli("--project", root, "cooccurrence", "--by", "selection", "--consensus", "2")
    assert (refused.code, refused.err) == (  # type: ignore[attr-defined]
        1,
        "Error: --by selection counts each coder's own selections; "
        "--consensus K counts units: leave one out\n",
    )
