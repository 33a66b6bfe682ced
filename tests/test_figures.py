"""The report figures: the heatmap and the network drawing show the table's codes by name, in
labels that do not overlap (bounding boxes from matplotlib's renderer)."""

from __future__ import annotations

import itertools
import random
from pathlib import Path

import networkx as nx
import pytest

from foresight.cooccurrence import Codings, cooccurrence
from foresight.cooccurrence.figures import (
    SCALE_MIN_COUNT,
    community_styles,
    heatmap_figure,
    network_figure,
    write_heatmap,
)
from foresight.cooccurrence.network import Network, detect_communities, network
from foresight.project import Project
from tests.cooc_fixtures import build

CODES = {
    "MT.A": "Ageing workforce and skilled labour shortage",
    "MT.B": "Beta megatrend",
    "MT.C": "Gamma",
    "EI.D": "Delta industries",
    "EI.E": "Epsilon",
    "EI.F": "Zeta industries and services",
    "EI.X": "Seen once with Y",
    "EI.Y": "Seen once with X",
}


@pytest.fixture
def clusters(project: Project) -> Project:
    """Two groups of three codes, four units together (c 0.67-0.8); one tie between the groups
    in a single unit; X and Y only ever in one unit together (c = 1 from n_ab = 1)."""
    units = (
        [("r1", {"ana": ["MT.A", "EI.E", "MT.C"]})] * 4
        + [("r2", {"ana": ["MT.A"]}), ("r2", {"ana": ["EI.E"]})]
        + [("r3", {"ana": ["EI.D", "MT.B", "EI.F"]})] * 4
        + [("r4", {"ana": ["MT.B"]}), ("r4", {"ana": ["EI.F"]})]
        + [("r5", {"ana": ["MT.C", "EI.D"]})]
        + [("r6", {"ana": ["EI.X", "EI.Y"]})]
    )
    build(project, CODES, units)
    return project


def boxes(texts: list, renderer) -> list:  # type: ignore[no-untyped-def, type-arg]
    return [t.get_window_extent(renderer) for t in texts if t.get_text()]


def assert_apart(extents: list) -> None:  # type: ignore[type-arg]
    for a, b in itertools.combinations(extents, 2):
        assert not a.overlaps(b), (a, b)


def table_codes(result, min_count: int) -> set[str]:  # type: ignore[no-untyped-def]
    pairs = result.pairs(min_count=min_count)
    return {p["code_a"] for p in pairs} | {p["code_b"] for p in pairs}


@pytest.mark.parametrize("min_count", [1, 2])
def test_heatmap_draws_the_tables_codes_by_name_without_overlap(clusters: Project, min_count: int) -> None:
    result = cooccurrence(clusters, Codings(coder="ana"))
    fig, drawn = heatmap_figure(result, min_count=min_count)
    assert set(drawn.rows) == set(drawn.cols) == table_codes(result, min_count)
    assert ("EI.X" in drawn.rows) == (min_count == 1)
    ax = fig.axes[0]
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    names = {CODES[c] for c in drawn.rows}
    down = [t.get_text() for t in ax.get_yticklabels()]
    across = [t.get_text() for t in ax.get_xticklabels()]
    assert down == [CODES[c] for c in drawn.rows] and set(across) == names  # names, not ids
    assert not set(down) & set(CODES)
    assert_apart(boxes(ax.get_yticklabels(), renderer))
    assert_apart(boxes(ax.get_xticklabels(), renderer))
    assert all(t.get_fontsize() >= 7 for t in ax.get_yticklabels())
    assert drawn.a4


def test_heatmap_orders_by_clustering_and_scales_without_single_unit_pairs(clusters: Project) -> None:
    result = cooccurrence(clusters, Codings(coder="ana"))
    _, drawn = heatmap_figure(result, min_count=1)
    first, second = {"MT.A", "EI.E", "MT.C"}, {"EI.D", "MT.B", "EI.F"}
    order = drawn.rows
    for group in (first, second):  # each group's codes side by side, although the codebook mixes them
        places = sorted(order.index(c) for c in group)
        assert places[-1] - places[0] == 2
    assert sorted(map(sorted, drawn.clusters)) == sorted(map(sorted, [first, second, {"EI.X", "EI.Y"}]))
    strongest = max(p["c"] for p in result.pairs(min_count=SCALE_MIN_COUNT))
    assert drawn.scale_max == pytest.approx(strongest) and strongest < 1.0  # not the pair X-Y (c = 1)


def test_a_heatmap_as_svg_keeps_its_text_as_text(clusters: Project, tmp_path: Path) -> None:
    result = cooccurrence(clusters, Codings(coder="ana"))
    drawn = write_heatmap(result, tmp_path / "c.svg", min_count=2, note="made by rules")
    text = (tmp_path / "c.svg").read_text(encoding="utf-8")
    assert "made by rules" in text and CODES[drawn.rows[0]] in text


def big_network(nodes: int = 48, seed: int = 3) -> Network:
    """Codes with long names, tied in groups with a few ties between them: a crowded drawing."""
    rng = random.Random(seed)
    graph = nx.Graph()
    for i in range(nodes):
        graph.add_node(
            f"G.{i}", name=f"Long code name number {i} of the codebook", group="G", n=rng.randint(2, 40)
        )
    for i in range(nodes):
        for j in range(i + 1, nodes):
            if (i // 6 == j // 6 and rng.random() < 0.6) or rng.random() < 0.02:
                graph.add_edge(f"G.{i}", f"G.{j}", weight=rng.uniform(0.1, 0.6), n_ab=3)
    graph.add_node("G.alone", name="Alone", group="G", n=3)
    method, found = detect_communities(graph, "infomap", seed=1)
    communities = []
    for number, members in enumerate((c for c in found if len(c) > 1), start=1):
        for code in members:
            graph.nodes[code]["community"] = number
        codes = sorted(members)
        communities.append(
            {
                "id": number,
                "codes": [{"id": c, "name": graph.nodes[c]["name"], "n": 1} for c in codes],
                "units": 1,
            }
        )
    graph.nodes["G.alone"]["community"] = 0
    return Network(graph=graph, method=method, communities=communities, isolated=["G.alone"])


def node_labels(fig) -> dict[str, object]:  # type: ignore[no-untyped-def]
    ax = fig.axes[0]
    return {
        t.get_gid().removeprefix("label "): t for t in ax.texts if (t.get_gid() or "").startswith("label ")
    }


def test_network_labels_are_names_and_never_overlap() -> None:
    result = big_network()
    fig = network_figure(result, seed=1)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    labels = node_labels(fig)
    assert set(labels) == {code["id"] for c in result.communities for code in c["codes"]}  # not "G.alone"
    for code, text in labels.items():
        assert " ".join(text.get_text().split()) == result.graph.nodes[code]["name"]
        assert text.get_fontsize() >= 7
    assert_apart(boxes(list(labels.values()), renderer))
    legend = fig.legends[0]
    assert len(legend.get_texts()) == len(result.communities)
    title = " ".join(t.get_text() for t in fig.texts)
    assert "communities by infomap" in title and "1 codes without a tie are not drawn" in title


def test_network_of_a_project_draws_the_codes_of_its_communities(clusters: Project, tmp_path: Path) -> None:
    result = network(clusters, Codings(coder="ana"), min_count=1, threshold=0.2)
    fig = network_figure(result)
    table = set(result.tables()["codes"].query("community > 0")["code"])
    assert set(node_labels(fig)) == table == {"MT.A", "EI.E", "MT.C", "EI.D", "MT.B", "EI.F", "EI.X", "EI.Y"}


def test_neighbouring_communities_differ_in_colour_and_every_community_in_style() -> None:
    result = big_network()
    styles = community_styles(result.graph, result.communities)
    assert len(set(styles.values())) == len(result.communities)
    for a, b in result.graph.edges:
        ca, cb = result.graph.nodes[a]["community"], result.graph.nodes[b]["community"]
        if ca != cb:
            assert styles[ca][0] != styles[cb][0]
