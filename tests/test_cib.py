"""Cross-impact balance analysis against hand-solved and brute-forced examples."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import numpy as np
import pytest

from foresight.errors import ForesightError
from foresight.workshops.cib import Descriptor, consistent_scenarios, load_cib, make_matrix, succession

UNIQUE = """\
descriptors:
  - {id: A, name: Growth, variants: [high, low]}
  - {id: B, name: Funding, variants: [more, less]}
impacts:
  A:
    high: {B: [2, -2]}
    low: {B: [-2, 2]}
  B:
    more: {A: [3, -3]}
    less: {A: [1, -1]}
"""


def brute_force(
    descriptors: list[Descriptor], c: dict[tuple[int, int, int, int], float]
) -> set[tuple[int, ...]]:
    """Consistent scenarios straight from the definition, one balance at a time."""
    found = set()
    for scenario in itertools.product(*(range(len(d.variants)) for d in descriptors)):
        ok = True
        for t, dl in enumerate(descriptors):
            balance = [
                sum(c.get((k, scenario[k], t, b), 0.0) for k in range(len(descriptors)) if k != t)
                for b in range(len(dl.variants))
            ]
            ok &= balance[scenario[t]] >= max(balance)
        if ok:
            found.add(scenario)
    return found


def test_hand_solved_example_has_one_consistent_scenario(tmp_path: Path) -> None:
    # Given B=more, A's balances are (3, -3): A=high. Given A=high, B's are (2, -2): B=more.
    # (low, less) fails because B=less still favours A=high (1 > -1); the mixed ones fail too.
    file = tmp_path / "cib.yaml"
    file.write_text(UNIQUE, encoding="utf-8")
    result = consistent_scenarios(load_cib(file))
    assert result.method == "enumeration"
    assert result.examined == 4
    assert [s.names for s in result.scenarios] == [{"A": "high", "B": "more"}]
    assert result.scenarios[0].total_impact == 5.0


def test_symmetric_example_has_two_consistent_scenarios() -> None:
    d = [Descriptor("A", "A", ("x", "y")), Descriptor("B", "B", ("x", "y"))]
    same = {
        ("A", "x"): {"B": [1, -1]},
        ("A", "y"): {"B": [-1, 1]},
        ("B", "x"): {"A": [1, -1]},
        ("B", "y"): {"A": [-1, 1]},
    }
    result = consistent_scenarios(make_matrix(d, same))
    assert sorted(s.variants for s in result.scenarios) == [(0, 0), (1, 1)]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_enumeration_matches_brute_force_on_random_matrices(seed: int) -> None:
    rng = np.random.default_rng(seed)
    descriptors = [
        Descriptor(f"D{i}", f"D{i}", tuple(f"v{j}" for j in range(int(rng.integers(2, 4))))) for i in range(5)
    ]
    c: dict[tuple[int, int, int, int], float] = {}
    judgements: dict[tuple[str, str], dict[str, list[float]]] = {}
    for k, dk in enumerate(descriptors):
        for a, va in enumerate(dk.variants):
            for t, dl in enumerate(descriptors):
                if k == t:
                    continue
                values = [float(rng.integers(-3, 4)) for _ in dl.variants]
                judgements.setdefault((dk.id, va), {})[dl.id] = values
                for b, v in enumerate(values):
                    c[(k, a, t, b)] = v
    matrix = make_matrix(descriptors, judgements)
    expected = brute_force(descriptors, c)
    assert {s.variants for s in consistent_scenarios(matrix).scenarios} == expected
    # the succession search finds only consistent scenarios, and here (few scenarios) all it can reach
    searched = consistent_scenarios(matrix, max_enumerate=10, starts=300, seed=seed)
    assert searched.method == "succession"
    assert {s.variants for s in searched.scenarios} <= expected
    for scenario in expected:
        assert succession(matrix, scenario) == scenario


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("descriptors: 3\n", "a CIB matrix needs a 'descriptors' list and an 'impacts' mapping"),
        ("descriptors:\n  - {id: A, variants: [x]}\n", "descriptor A needs two or more distinct variants"),
        (
            "descriptors:\n  - {id: A, variants: [x, y]}\n  - {id: B, variants: [x, y]}\n"
            "impacts:\n  A:\n    x: {B: [1]}\n",
            "impacts of A=x on B must be a list of 2 numbers",
        ),
        (
            "descriptors:\n  - {id: A, variants: [x, y]}\nimpacts:\n  A:\n    z: {}\n",
            "impacts: descriptor A has no variant 'z'",
        ),
    ],
)
def test_bad_matrices_are_named(tmp_path: Path, text: str, message: str) -> None:
    file = tmp_path / "bad.yaml"
    file.write_text(text, encoding="utf-8")
    with pytest.raises(ForesightError) as excinfo:
        load_cib(file)
    assert str(excinfo.value) == f"{file}: {message}"


# -- complete enumeration, inconsistency, ScenarioWizard files -----------------------------------

SAMPLES = Path(__file__).parent / "data" / "cib"

# (a, a, b) is consistent with no tie, yet from every other start the succession ends at (b, b, a)
# or cycles: only an enumeration finds it
HIDDEN = """\
descriptors:
  - {id: A, variants: [a, b]}
  - {id: B, variants: [a, b]}
  - {id: C, variants: [a, b]}
impacts:
  A:
    a: {B: [1, 2], C: [-2, 2]}
    b: {B: [0, 0], C: [1, -1]}
  B:
    a: {A: [2, -2], C: [-1, -1]}
    b: {A: [0, 0], C: [-2, -2]}
  C:
    a: {A: [-2, -2], B: [-2, 2]}
    b: {A: [-2, 1], B: [1, -1]}
"""


def test_enumeration_finds_a_scenario_no_succession_reaches(tmp_path: Path) -> None:
    file = tmp_path / "hidden.yaml"
    file.write_text(HIDDEN, encoding="utf-8")
    matrix = load_cib(file)
    full = consistent_scenarios(matrix)
    assert (full.method, full.complete, full.total) == ("enumeration", True, 8)
    assert sorted(s.variants for s in full.scenarios) == [(0, 0, 1), (1, 1, 0)]
    hidden = (0, 0, 1)
    assert matrix.balances(hidden) == [[0.0, -1.0], [2.0, 1.0], [-3.0, 1.0]]  # no tie
    others = [s for s in itertools.product(range(2), repeat=3) if s != hidden]
    assert all(succession(matrix, start) != hidden for start in others)
    # a succession finds it only when a random start happens to be the scenario itself
    searched = consistent_scenarios(matrix, max_enumerate=0, starts=50, seed=1)
    assert (searched.method, searched.complete, searched.examined) == ("succession", False, 50)


@pytest.mark.parametrize("seed", [4, 5])
def test_inconsistency_and_total_impact_match_the_definition(seed: int) -> None:
    rng = np.random.default_rng(seed)
    descriptors = [Descriptor(f"D{i}", f"D{i}", ("x", "y", "z")[: int(rng.integers(2, 4))]) for i in range(4)]
    judgements = {
        (dk.id, va): {
            dl.id: [float(rng.integers(-3, 4)) for _ in dl.variants] for dl in descriptors if dl != dk
        }
        for dk in descriptors
        for va in dk.variants
    }
    matrix = make_matrix(descriptors, judgements)
    result = consistent_scenarios(matrix, max_inconsistency=2)
    expected = {}
    for scenario in itertools.product(*(range(len(d.variants)) for d in descriptors)):
        balances = matrix.balances(scenario)
        gap = max(max(b) - b[v] for b, v in zip(balances, scenario, strict=True))
        if gap <= 2:
            expected[scenario] = (sum(b[v] for b, v in zip(balances, scenario, strict=True)), gap)
    assert {s.variants: (s.total_impact, s.inconsistency) for s in result.scenarios} == expected
    gaps = [s.inconsistency for s in result.scenarios]
    assert gaps == sorted(gaps)  # the consistent ones first


def test_scenariowizard_global_sample_gives_its_four_scenarios() -> None:
    result = consistent_scenarios(load_cib(SAMPLES / "CIB_global.scw"))
    assert (result.method, result.total) == ("enumeration", 36)
    # the .sl solution set: variants from 1 and total impact scores
    assert [("".join(str(v + 1) for v in s.variants), s.total_impact) for s in result.scenarios] == [
        ("232", 15),
        ("313", 12),
        ("222", 9),
        ("123", 8),
    ]
    assert result.scenarios[0].names == {"WTRD": "Ntl", "WSEC": "Alrt", "WECO": "Stag"}


def test_natl_regional_sample_is_enumerated_in_full_where_succession_misses_one() -> None:
    matrix = load_cib(SAMPLES / "CIB_natl_regional.scw")
    assert matrix.self_impacts == ("WSCEN",) and matrix.scenario_count == 22_674_816
    full = consistent_scenarios(matrix)
    assert (full.method, full.complete, full.examined) == ("enumeration", True, 22_674_816)
    assert [s.total_impact for s in full.scenarios] == [169, 164, 162, 157, 93, 92, 90, 89, 85, 61]
    assert all(s.inconsistency == 0 for s in full.scenarios)
    score_92 = next(s for s in full.scenarios if s.total_impact == 92)
    assert [v + 1 for v in score_92.variants] == [2, 2, 1, 2, 3, 2, 1, 2, 2, 2, 2, 3, 4, 2, 2]
    searched = consistent_scenarios(matrix, max_enumerate=1_000_000, starts=2000, seed=0)
    assert searched.method == "succession" and not searched.complete
    assert {s.variants for s in searched.scenarios} == {s.variants for s in full.scenarios} - {
        score_92.variants
    }


def test_cli_says_when_the_list_may_be_incomplete(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # 27 descriptors of two variants: 134 M scenarios, more than are enumerated
    rng = np.random.default_rng(0)
    ids = [f"D{i}" for i in range(27)]
    lines = ["descriptors:", *(f"  - {{id: {d}, variants: [x, y]}}" for d in ids), "impacts:"]
    for d in ids:
        lines += [f"  {d}:"]
        for v in ("x", "y"):
            targets = ", ".join(f"{t}: [{rng.integers(-3, 4)}, {rng.integers(-3, 4)}]" for t in ids if t != d)
            lines += [f"    {v}: {{{targets}}}"]
    file = tmp_path / "big.yaml"
    file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = cli("scenario", "cib", str(file), "--starts", "40")
    assert result.code == 0, result.err
    out = result.out.splitlines()
    assert out[0].endswith("(succession from 40 starts; 134,217,728 scenarios, too many to enumerate)")
    assert out[1] == (
        "The list may be incomplete: a consistent scenario no start leads to is missed "
        "(more --starts find more)."
    )
    result = cli("scenario", "cib", str(file), "--max-inconsistency", "1")
    assert (result.code, result.err.strip()) == (
        1,
        "Error: the matrix has 134,217,728 scenarios, more than the 100,000,000 examined one by one: "
        "scenarios of inconsistency above 0 can only be listed from a full enumeration",
    )
    data = json.loads(cli("scenario", "cib", str(SAMPLES / "CIB_global.scw"), "--json").out)
    assert (data["complete"], data["scenarios_total"], data["self_impacts_left_out"]) == (True, 36, [])
    assert [(s["total_impact"], s["inconsistency"]) for s in data["scenarios"]] == [
        (15, 0),
        (12, 0),
        (9, 0),
        (8, 0),
    ]


def test_bad_scenariowizard_files_are_named(tmp_path: Path) -> None:
    file = tmp_path / "bad.scw"
    file.write_text("hello\n", encoding="utf-8")
    with pytest.raises(ForesightError) as excinfo:
        load_cib(file)
    assert str(excinfo.value) == f"{file}: not a ScenarioWizard file (no '$ ScenarioWizard' header on line 1)"
    text = (SAMPLES / "CIB_global.scw").read_text(encoding="utf-8")
    file.write_text(text.replace(" 3 ,-6 , 3 ,-1 , 1 , 0 , 0 , 0 , 0 , 0 ", " 3 ,-6 , 3"), encoding="utf-8")
    with pytest.raises(ForesightError) as excinfo:
        load_cib(file)
    assert str(excinfo.value) == f"{file}: no judgement matrix of 10 lines of 10 whole numbers"
