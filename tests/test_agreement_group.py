"""An exclusive code group's reliability as one variable, through the CLI, on published examples."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from foresight import coding
from foresight.codebook import import_codebook
from foresight.project import Project
from foresight.resources import DEFAULT_CODEBOOK
from tests.test_agreement import add_source
from tests.test_agreement_stats import DIAGNOSES, FLEISS_COUNTS, FOUR_OBSERVERS

CODEBOOK = """\
schema_version: 1
codebook: {name: Values, version: 1}
groups:
  - {id: V, name: Value, colour: "#112233", exclusive: true}
  - {id: T, name: Topic, colour: "#445566"}
codes:
  - {id: V.1, name: One, group: V, definition: d}
  - {id: V.2, name: Two, group: V, definition: d}
  - {id: V.3, name: Three, group: V, definition: d}
  - {id: V.4, name: Four, group: V, definition: d}
  - {id: V.5, name: Five, group: V, definition: d}
  - {id: T.X, name: Topic X, group: T, definition: d}
"""


@pytest.fixture
def values(project: Project, tmp_path: Path) -> Project:
    path = tmp_path / "values.yaml"
    path.write_text(CODEBOOK, encoding="utf-8")
    import_codebook(project, path, actor="test")
    return project


def code_matrix(project: Project, data: np.ndarray) -> list[str]:
    """Units x coders of values 1..5 (NaN: the coder did not code the unit) as codings V.1..V.5."""
    units = add_source(project, data.shape[0])
    coders = [f"c{i + 1}" for i in range(data.shape[1])]
    for unit, row in zip(units, data, strict=True):
        for coder, value in zip(coders, row, strict=True):
            if not np.isnan(value):
                coding.apply_code(project, unit, f"V.{int(value)}", coder=coder)
    return coders


def group_json(cli, project: Project, coders: list[str]) -> dict:  # type: ignore[no-untyped-def]
    result = cli(
        "--project",
        str(project.root),
        "agreement",
        "report",
        "--coders",
        ",".join(coders),
        "--group",
        "V",
        "--json",
    )
    assert result.code == 0, result.err
    return json.loads(result.out)["group"]


def test_krippendorff_four_coders_with_missing_values(cli, values: Project) -> None:  # type: ignore[no-untyped-def]
    coders = code_matrix(values, FOUR_OBSERVERS)
    group = group_json(cli, values, coders)
    assert round(group["alpha"], 3) == 0.743  # Krippendorff (2011), section C
    assert group["cohen_kappa"] is None  # four coders
    assert (group["id"], group["coders"], group["units"], group["verdict"]) == ("V", coders, 11, "tentative")
    assert group["values"] == ["V.1", "V.2", "V.3", "V.4", "V.5", "(none)"]
    assert group["violations"] == 0
    # his coincidence matrix: n_c = 9, 13, 10, 5, 3 pairable values of 1..5 (n = 40)
    coincidences = np.array(group["confusion"]["counts"])
    assert np.allclose(coincidences, coincidences.T) and group["confusion"]["rows"] is None
    assert coincidences.sum(axis=1) == pytest.approx([9, 13, 10, 5, 3, 0], abs=1e-5)
    assert coincidences[0, 0] == pytest.approx(7.0) and coincidences[1, 2] == pytest.approx(4 / 3)
    text = cli(
        "--project", str(values.root), "agreement", "report", "--coders", ",".join(coders), "--group", "V"
    )
    assert "Krippendorff's alpha (nominal) 0.743 (tentative); Fleiss κ" in text.out


def test_fleiss_fourteen_coders(cli, values: Project) -> None:  # type: ignore[no-untyped-def]
    # the 10 subjects x 14 raters x 5 categories example (Fleiss' kappa 0.210) as coders' values
    data = np.array([np.repeat(np.arange(1, 6), row) for row in FLEISS_COUNTS], dtype=float)
    group = group_json(cli, values, code_matrix(values, data))
    assert round(group["fleiss_kappa"], 3) == 0.210
    assert (group["units"], group["complete_units"], group["cohen_kappa"]) == (10, 10, None)


def test_fleiss_1971_diagnoses(cli, values: Project) -> None:  # type: ignore[no-untyped-def]
    group = group_json(cli, values, code_matrix(values, DIAGNOSES.astype(float)))
    assert round(group["fleiss_kappa"], 3) == 0.430  # Fleiss (1971): 30 patients, 6 psychiatrists


def test_two_coders_none_violations_and_confusion(cli, values: Project) -> None:  # type: ignore[no-untyped-def]
    units = add_source(values, 6)
    anna = [["V.1"], ["V.1"], ["V.2"], [], ["V.1", "V.2"], ["V.3"]]
    ben = [["V.1"], ["V.2"], ["V.2"], ["T.X"], ["V.1"], []]
    for coder, rows in (("anna", anna), ("ben", ben)):
        for unit, codes in zip(units, rows, strict=True):
            for code in codes:
                coding.apply_code(values, unit, code, coder=coder)
            if not codes:
                coding.mark_done(values, unit, coder=coder)
    group = group_json(cli, values, ["anna", "ben"])
    # unit 5: anna applied two V codes, so her value there is missing; unit 4: neither gave a V code
    # (ben's topic code is no V value): both "(none)"; unit 6: anna V.3, ben "(none)"
    assert group["violations"] == 1 and group["violation_units"] == [units[4]]
    assert (group["units"], group["complete_units"]) == (5, 5)
    counts = np.array(group["confusion"]["counts"], dtype=int)
    assert (group["confusion"]["rows"], group["confusion"]["columns"]) == ("anna", "ben")
    assert counts[0].tolist() == [1, 1, 0, 0, 0, 0]
    assert counts[1, 1] == 1 and counts[2, 5] == 1 and counts[5, 5] == 1 and counts.sum() == 5
    data = np.array([[0, 0], [0, 1], [1, 1], [5, 5], [2, 5]], dtype=float)
    from foresight.agreement import cohen_kappa, krippendorff_alpha

    assert group["alpha"] == pytest.approx(krippendorff_alpha(data))
    assert group["cohen_kappa"] == pytest.approx(cohen_kappa(data))
    text = cli(
        "--project", str(values.root), "agreement", "report", "--coders", "anna,ben", "--group", "V"
    ).out
    assert (
        f"1 time a coder applied two or more V codes to one unit; those values are left out as missing "
        f"(units {units[4]})"
    ) in text
    assert "Confusion table: units, rows anna, columns ben" in text


def test_group_option_refuses_what_is_not_an_exclusive_group(cli, project: Project) -> None:  # type: ignore[no-untyped-def]
    import_codebook(project, DEFAULT_CODEBOOK, actor="test")
    units = add_source(project, 2)
    for coder in ("anna", "ben"):
        coding.apply_code(project, units[0], "TH.SHORT", coder=coder)
    p = ("--project", str(project.root), "agreement", "report", "--coders", "anna,ben")
    name = "Megatrends, emerging industries and foresight concepts"
    result = cli(*p, "--group", "VR")
    assert (result.code, result.err.strip()) == (
        1,
        f"Error: code group 'VR' of codebook {name!r} is not exclusive (exclusive groups: TH); "
        "mark it 'exclusive: true' in the codebook if a unit takes at most one of its codes",
    )
    result = cli(*p, "--group", "XX")
    assert (result.code, result.err.strip()) == (
        1,
        f"Error: no code group 'XX' in codebook {name!r} (groups: MT, EI, KET, VR, FC, TH, LK, CP)",
    )
    result = cli(*p, "--group", "TH", "--codes", "FC")
    assert (result.code, result.err.strip()) == (
        1,
        "Error: --codes FC and --group TH name different groups; give one",
    )
    result = cli(*p, "--group", "TH", "--json")
    assert result.code == 0 and json.loads(result.out)["group"]["id"] == "TH"
    assert json.loads(cli(*p, "--json").out)["group"] is None
