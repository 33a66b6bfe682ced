"""The code network: graph from co-occurrence, exports, drawing, planted communities recovered."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import networkx as nx
import numpy as np
import pytest

from foresight.cooccurrence import Codings, cooccurrence
from foresight.cooccurrence import network as net
from foresight.cooccurrence.network import code_graph, detect_communities
from foresight.cooccurrence.strategic import BASIC, EMERGING, MOTOR, SPECIALISED, quadrant, themes
from foresight.errors import ForesightError
from foresight.project import Project
from tests.cooc_fixtures import build

PLANTED = [{f"G{g}.{i}" for i in range(6)} for g in range(3)]


def planted_graph(seed: int = 0) -> nx.Graph:
    """Three groups of six codes: strong ties inside (c 0.4..0.9), a few weak ties between."""
    rng = np.random.default_rng(seed)
    graph = nx.Graph()
    for group in PLANTED:
        for node in sorted(group):
            graph.add_node(node, name=node, group="", n=10)
        members = sorted(group)
        for i, a in enumerate(members):
            for b in members[i + 1 :]:
                if rng.random() < 0.8:
                    graph.add_edge(a, b, weight=float(rng.uniform(0.4, 0.9)), n_ab=5)
    for a, b in [("G0.0", "G1.0"), ("G1.1", "G2.1"), ("G2.2", "G0.2")]:
        graph.add_edge(a, b, weight=0.05, n_ab=1)
    return graph


@pytest.mark.parametrize("method", ["infomap", "spinglass", "louvain"])
def test_planted_communities_are_recovered(method: str) -> None:
    used, found = detect_communities(planted_graph(), method, k=3, seed=1)
    assert used == method
    assert sorted(map(sorted, found)) == sorted(map(sorted, PLANTED))


def test_spinglass_takes_infomaps_count_and_other_components_stand_alone() -> None:
    graph = planted_graph()
    graph.add_edge("X.1", "X.2", weight=0.5, n_ab=3)
    for node in ("X.1", "X.2"):
        graph.nodes[node].update(name=node, group="", n=3)
    used, found = detect_communities(graph, "spinglass", seed=1)
    assert sorted(map(sorted, found)) == sorted(map(sorted, [*PLANTED, {"X.1", "X.2"}]))


def test_without_igraph_auto_falls_back_to_louvain(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(net, "_igraph", lambda: None)
    used, found = detect_communities(planted_graph(), "auto", seed=1)
    assert used == "louvain"
    assert sorted(map(sorted, found)) == sorted(map(sorted, PLANTED))
    with pytest.raises(ForesightError) as info:
        detect_communities(planted_graph(), "infomap")
    assert str(info.value) == (
        "Infomap and Spin Glass need igraph, which cannot be imported here: pip install igraph "
        "(or use --communities louvain)"
    )


CODES = {"MT.A": "Alpha", "MT.B": "Beta", "MT.C": "Gamma", "EI.D": "Delta", "EI.E": "Eps", "EI.F": "Zeta"}


@pytest.fixture
def two_clusters(project: Project) -> Project:
    units = (
        [("r1", {"ana": ["MT.A", "MT.B", "MT.C"]})] * 4
        + [("r2", {"ana": ["MT.A", "MT.B"]})] * 2
        + [("r3", {"ana": ["EI.D", "EI.E", "EI.F"]})] * 4
        + [("r4", {"ana": ["EI.E", "EI.F"]})] * 2
        + [("r5", {"ana": ["MT.C", "EI.D"]})]
    )
    build(project, CODES, units)
    return project


def test_code_graph_nodes_and_edges(two_clusters: Project) -> None:
    graph = code_graph(cooccurrence(two_clusters, Codings(coder="ana")), threshold=0.1, min_count=1)
    assert dict(graph.nodes(data="n")) == {"MT.A": 6, "MT.B": 6, "MT.C": 5, "EI.D": 5, "EI.E": 6, "EI.F": 6}
    assert graph.edges["MT.A", "MT.B"] == {"weight": 1.0, "n_ab": 6}
    assert graph.edges["MT.C", "EI.D"] == {"weight": pytest.approx(1 / 9, abs=1e-6), "n_ab": 1}
    assert graph.number_of_edges() == 7
    assert code_graph(cooccurrence(two_clusters), threshold=0.2).number_of_edges() == 6


def test_network_cli_reports_communities_and_writes_files(
    two_clusters: Project,
    cli,  # type: ignore[no-untyped-def]
    tmp_path: Path,
) -> None:
    files = [tmp_path / "n.graphml", tmp_path / "n.gexf", tmp_path / "n.png"]
    args = ["--graphml", str(files[0]), "--gexf", str(files[1]), "--draw", str(files[2])]
    result = cli("--project", str(two_clusters.root), "network", "--min-count", "1", *args, "--json")
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert (data["method"], data["nodes"], data["edges"]) == ("infomap", 6, 7)
    assert [[c["id"] for c in community["codes"]] for community in data["communities"]] == [
        ["EI.E", "EI.F", "EI.D"],
        ["MT.A", "MT.B", "MT.C"],
    ]
    first = data["communities"][0]
    assert first["ties"][0] == {"code_a": "EI.E", "code_b": "EI.F", "c": 1.0, "n_ab": 6}
    assert first["units"] == 6
    graph = nx.read_graphml(files[0])
    assert graph.nodes["MT.A"]["community"] == 2 and graph.nodes["MT.A"]["name"] == "Alpha"
    assert nx.read_gexf(files[1]).number_of_edges() == 7
    assert files[2].read_bytes()[:4] == b"\x89PNG"
    text = cli("--project", str(two_clusters.root), "network", "--communities", "louvain")
    assert text.out.splitlines() == [
        "6 codes, 6 ties with c >= 0.1 (union of all coders); 2 communities by louvain",
        "1. EI.E, EI.F, EI.D | 6 units | ties EI.E-EI.F 1.00; EI.D-EI.E 0.57; EI.D-EI.F 0.57",
        "2. MT.A, MT.B, MT.C | 6 units | ties MT.A-MT.B 1.00; MT.A-MT.C 0.57; MT.B-MT.C 0.57",
    ]


def test_network_errors(two_clusters: Project, cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = cli("--project", str(two_clusters.root), "network", "--communities", "magic")
    assert (result.code, result.err) == (
        1,
        "Error: --communities magic: choose one of auto, infomap, spinglass, louvain\n",
    )
    result = cli("--project", str(two_clusters.root), "network", "--graphml", str(tmp_path / "n.xml"))
    assert (result.code, result.err) == (
        1,
        f"Error: {tmp_path / 'n.xml'}: --graphml writes a .graphml file\n",
    )


def test_codes_without_a_tie_are_listed_apart(two_clusters: Project, cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("--project", str(two_clusters.root), "network", "--threshold", "0.9", "--json")
    data = json.loads(result.out)
    assert [[c["id"] for c in community["codes"]] for community in data["communities"]] == [
        ["EI.E", "EI.F"],
        ["MT.A", "MT.B"],
    ]
    assert data["isolated"] == ["EI.D", "MT.C"]


def test_network_tables_to_csv_and_xlsx(two_clusters: Project, cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import pandas as pd

    p = ("--project", str(two_clusters.root), "network", "--min-count", "1", "--threshold", "0.5")
    data = json.loads(cli(*p, "--json").out)
    result = cli(*p, "--csv", str(tmp_path / "n.csv"), "--xlsx", str(tmp_path / "n.xlsx"))
    assert result.code == 0, result.err
    assert result.out.splitlines()[-4:] == [
        f"Wrote 2 communities to {tmp_path / 'n.csv'}",
        f"Wrote 6 codes to {tmp_path / 'n-codes.csv'}",
        f"Wrote 6 ties to {tmp_path / 'n-ties.csv'}",
        f"Wrote 2 communities, 6 codes, 6 ties to {tmp_path / 'n.xlsx'}",
    ]
    book = pd.read_excel(tmp_path / "n.xlsx", sheet_name=None)
    for communities in (pd.read_csv(tmp_path / "n.csv"), book["communities"]):
        assert communities[["community", "codes", "units"]].values.tolist() == [
            [c["id"], ", ".join(code["id"] for code in c["codes"]), c["units"]] for c in data["communities"]
        ]
    codes = pd.read_csv(tmp_path / "n-codes.csv")
    assert codes[["community", "code"]].values.tolist() == [
        [c["id"], code["id"]] for c in data["communities"] for code in c["codes"]
    ] + [[0, code] for code in data["isolated"]]
    ties = book["ties"]
    assert ties[["code_a", "code_b", "n_ab"]].values.tolist() == [
        [t["code_a"], t["code_b"], t["n_ab"]] for c in data["communities"] for t in c["ties"]
    ]


def test_the_printed_ties_are_the_same_from_one_run_to_the_next(project: Project) -> None:
    """A tie's codes are printed in the graph's order, not in the order of a set of codes,
    which changes with Python's hash seed from one process to the next."""
    codes = {**CODES, "EI.G": "Eta", "EI.H": "Theta", "EI.I": "Iota"}
    clusters = (["MT.A", "MT.B", "MT.C"], ["EI.D", "EI.E", "EI.F"], ["EI.G", "EI.H", "EI.I"])
    build(project, codes, [(f"r{i}", {"ana": cluster}) for i, cluster in enumerate(clusters * 3)])
    printed = set()
    for seed in ("1", "2", "3", "4", "5"):
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "foresight",
                "--project",
                str(project.root),
                "network",
                "--min-count",
                "1",
            ],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        )
        printed.add(done.stdout)
    assert len(printed) == 1, printed


def test_igraph_is_a_dependency_and_its_licence_is_stated() -> None:
    import tomllib

    root = Path(__file__).resolve().parents[1]
    project = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert any(d.startswith("igraph") for d in project["dependencies"])
    readme = (root / "README.md").read_text(encoding="utf-8")
    assert "python-igraph (`igraph` on PyPI, GPL-2.0-or-later)" in readme


# Callon's strategic diagram on a network computed by hand
UNITS = [["A", "B"], ["A", "B"], ["C", "D"], ["A", "C"], ["C"], ["D"], ["E", "F"], ["B", "E"], ["D", "E"]]
UNITS += [["A", "D"]]
THEMES = [["MT.A", "MT.B"], ["MT.C", "MT.D"], ["MT.E", "MT.F"]]


@pytest.fixture
def callon(project: Project) -> Project:
    codes = {f"MT.{x}": f"Code {x}" for x in "ABCDEF"}
    build(project, codes, [(f"s{i % 3}", {"ana": [f"MT.{c}" for c in u]}) for i, u in enumerate(UNITS)])
    return project


def test_centrality_and_density_by_hand(callon: Project) -> None:
    # n: A 4, B 3, C 3, D 4, E 3, F 1; together: AB 2, AC 1, AD 1, BE 1, CD 1, DE 1, EF 1
    # e = n_ab^2 / (n_a n_b): AB 1/3, AC 1/12, AD 1/16, BE 1/9, CD 1/12, DE 1/12, EF 1/3
    found, used = themes(cooccurrence(callon), THEMES)
    # T1 {A,B}: in AB 1/3; out AC + AD + BE = 37/144.  T2 {C,D}: in 1/12; out AC + AD + DE = 33/144
    # T3 {E,F}: in 1/3; out BE + DE = 28/144
    assert [t.centrality for t in found] == pytest.approx([370 / 144, 330 / 144, 280 / 144])
    assert [t.density for t in found] == pytest.approx([100 / 3 / 2, 100 / 12 / 2, 100 / 3 / 2])
    assert (used["centrality_median"], used["density_median"]) == (round(330 / 144, 6), round(100 / 6, 6))
    assert [t.quadrant for t in found] == [MOTOR, BASIC, SPECIALISED]
    # the c-coefficient as the link: AB 2/5; AC 1/6, AD 1/7, BE 1/5 out of T1
    by_c, used = themes(cooccurrence(callon), THEMES, measure="c")
    assert (by_c[0].density, by_c[0].centrality) == pytest.approx(
        (100 * 2 / 5 / 2, 10 * (1 / 6 + 1 / 7 + 1 / 5))
    )
    assert used["measure"] == "c = n_ab / (n_a + n_b - n_ab)"


def test_the_four_quadrants() -> None:
    assert [quadrant(c, d) for c in (True, False) for d in (True, False)] == [
        MOTOR,
        BASIC,
        SPECIALISED,
        EMERGING,
    ]


def test_network_strategic_cli(callon: Project, cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    p = ("--project", str(callon.root))
    svg = tmp_path / "strategic.svg"
    result = cli(*p, "network", "--threshold", "0.15", "--min-count", "1", "--strategic", str(svg))
    assert result.code == 0, result.err
    assert "Strategic diagram (equivalence = n_ab^2 / (n_a * n_b)): centrality = 10 x links out" in result.out
    assert " theme  centrality  density  quadrant " in result.out
    text = svg.read_text(encoding="utf-8")
    assert "motor themes" in text and "emerging or declining" in text
    data = json.loads(
        cli(*p, "network", "--threshold", "0.15", "--min-count", "1", "--strategic", str(svg), "--json").out
    )
    communities = [[c["id"] for c in community["codes"]] for community in data["communities"]]
    found, _ = themes(cooccurrence(callon), communities)
    assert data["strategic"]["themes"] == [t.as_json() for t in found]
    result = cli(*p, "network", "--measure", "lift")
    assert (result.code, result.err) == (
        1,
        "Error: --measure weighs the strategic diagram's links: add --strategic FILE\n",
    )
    result = cli(*p, "network", "--strategic", str(tmp_path / "s.txt"))
    assert (result.code, result.err) == (
        1,
        f"Error: {tmp_path / 's.txt'}: a figure is written as .png, .svg or .pdf\n",
    )
