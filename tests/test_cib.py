"""Cross-impact balance analysis against hand-solved and brute-forced examples."""

from __future__ import annotations

import itertools
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
