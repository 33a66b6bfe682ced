"""The code network: codes as nodes (weighted by n), edges weighted by c above a threshold.

Communities as the method finds its collaboration spaces (chapter 3.4): Infomap estimates the
number of communities, Spin Glass (Reichardt & Bornholdt 2006) splits the main component into a
chosen number, both from igraph (a dependency); Louvain from networkx on request, or where
igraph cannot be imported. Randomness is seeded, so a run can be repeated. The drawing:
:mod:`foresight.cooccurrence.figures`.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np

from foresight.cooccurrence.matrix import Cooccurrence, from_selection
from foresight.cooccurrence.selection import Codings, Filters, Selection, load
from foresight.cooccurrence.strategic import Theme, themes
from foresight.errors import ForesightError
from foresight.project import Project

METHODS = ("auto", "infomap", "spinglass", "louvain")
SPINGLASS_RUNS = 5
GRAPH_FORMATS = {".graphml": "graphml", ".gexf": "gexf"}
IGRAPH_MISSING = (
    "Infomap and Spin Glass need igraph, which cannot be imported here: pip install igraph "
    "(or use --communities louvain)"
)


def code_graph(result: Cooccurrence, *, threshold: float = 0.1, min_count: int = 1) -> nx.Graph:
    """Used codes as nodes (``name``, ``group``, ``n``); pairs with c >= ``threshold`` and
    n_ab >= ``min_count`` as edges (``weight`` = c, ``n_ab``)."""
    graph = nx.Graph()
    n = result.n
    for i in sorted(set(result.rows) | set(result.cols)):
        if n[i] > 0:
            code = result.codes[i]
            graph.add_node(code.id, name=code.name, group=code.group, n=int(n[i]))
    for pair in result.pairs(min_count=max(min_count, 1)):
        if pair["c"] >= threshold:
            graph.add_edge(pair["code_a"], pair["code_b"], weight=pair["c"], n_ab=pair["n_ab"])
    return graph


def _igraph() -> Any:
    try:
        import igraph
    except ImportError:
        return None
    return igraph


def igraph_installed() -> bool:
    return _igraph() is not None


def _to_igraph(graph: nx.Graph, igraph: Any) -> Any:
    names = list(graph.nodes)
    index = {name: i for i, name in enumerate(names)}
    g = igraph.Graph(n=len(names), edges=[(index[a], index[b]) for a, b in graph.edges])
    g.vs["name"] = names
    g.es["weight"] = [float(graph.edges[e]["weight"]) for e in graph.edges]
    return g


def detect_communities(
    graph: nx.Graph, method: str = "auto", *, k: int | None = None, seed: int = 1
) -> tuple[str, list[set[str]]]:
    """The method used and the communities (sets of node names), largest first; a code without
    a tie is a community of its own, listed last.

    ``auto`` is Infomap when igraph is installed and Louvain otherwise. ``spinglass`` runs on
    the main component with at most ``k`` communities (default: as many as Infomap finds
    there); every other component is a community of its own.
    """
    if method not in METHODS:
        raise ForesightError(f"--communities {method}: choose one of {', '.join(METHODS)}")
    if graph.number_of_nodes() == 0:
        raise ForesightError("the network has no codes; lower --threshold or code more units")
    igraph = _igraph()
    if method == "auto":
        method = "infomap" if igraph is not None else "louvain"
    if method in ("infomap", "spinglass") and igraph is None:
        raise ForesightError(IGRAPH_MISSING)
    random.seed(seed)
    if igraph is not None:
        igraph.set_random_number_generator(random)
    alone = [{v} for v in graph.nodes if graph.degree(v) == 0]
    graph = graph.subgraph([v for v in graph.nodes if graph.degree(v) > 0])
    if graph.number_of_nodes() == 0:
        return method, alone
    if method == "louvain":
        found = nx.community.louvain_communities(graph, weight="weight", seed=seed)
    elif method == "infomap":
        g = _to_igraph(graph, igraph)
        found = [
            {g.vs[v]["name"] for v in part} for part in g.community_infomap(edge_weights="weight", trials=10)
        ]
    else:
        components = sorted(nx.connected_components(graph), key=len, reverse=True)
        main = graph.subgraph(components[0]).copy()
        if main.number_of_edges() == 0:
            found = [set(c) for c in components]
        else:
            g = _to_igraph(main, igraph)
            if k is None:
                k = len(g.community_infomap(edge_weights="weight", trials=10))
            if k < 1:
                raise ForesightError(f"--k {k}: the number of communities is at least 1")
            if k == 1:
                parts = [set(main.nodes)]
            else:
                # simulated annealing can stop in a poor state: keep the best of a few runs
                runs = [g.community_spinglass(weights="weight", spins=k) for _ in range(SPINGLASS_RUNS)]
                best = max(runs, key=lambda run: g.modularity(run.membership, weights="weight"))
                parts = [{g.vs[v]["name"] for v in part} for part in best]
            found = parts + [set(c) for c in components[1:]]
    communities = [set(c) for c in found if c]
    communities.sort(key=lambda c: (-len(c), sorted(c)))
    communities += alone
    return method, communities


@dataclass
class Network:
    graph: nx.Graph
    method: str
    communities: list[dict[str, Any]] = field(default_factory=list)  # of two codes or more
    isolated: list[str] = field(default_factory=list)  # codes without a tie above the threshold
    settings: dict[str, Any] = field(default_factory=dict)
    codings: dict[str, Any] = field(default_factory=dict)
    filters: dict[str, Any] = field(default_factory=dict)
    themes: list[Theme] | None = None  # Callon's strategic diagram, when asked for
    theme_settings: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        strategic = (
            {}
            if self.themes is None
            else {"strategic": {**self.theme_settings, "themes": [t.as_json() for t in self.themes]}}
        )
        return {
            "codings": self.codings,
            "filters": self.filters,
            "settings": self.settings,
            "method": self.method,
            "nodes": self.graph.number_of_nodes(),
            "edges": self.graph.number_of_edges(),
            "communities": self.communities,
            "isolated": self.isolated,
            **strategic,
        }

    def tables(self) -> dict[str, Any]:
        """DataFrames: ``communities`` (as printed: codes, units, strongest ties), ``codes`` (a
        row per code with its community, 0 for codes without a tie) and ``ties``."""
        import pandas as pd

        communities = [
            {
                "community": c["id"],
                "codes": ", ".join(code["id"] for code in c["codes"]),
                "size": len(c["codes"]),
                "units": c["units"],
                "ties": "; ".join(f"{t['code_a']}-{t['code_b']} {t['c']:.2f}" for t in c["ties"]),
            }
            for c in self.communities
        ]
        codes = [
            {"community": c["id"], "code": code["id"], "name": code["name"], "n": code["n"]}
            for c in self.communities
            for code in c["codes"]
        ]
        codes += [
            {"community": 0, "code": v, "name": self.graph.nodes[v]["name"], "n": self.graph.nodes[v]["n"]}
            for v in self.isolated
        ]
        ties = [{"community": c["id"], **tie} for c in self.communities for tie in c["ties"]]
        return {
            "communities": pd.DataFrame(communities, columns=["community", "codes", "size", "units", "ties"]),
            "codes": pd.DataFrame(codes, columns=["community", "code", "name", "n"]),
            "ties": pd.DataFrame(ties, columns=["community", "code_a", "code_b", "c", "n_ab"]),
        }


def _describe(graph: nx.Graph, members: set[str], selection: Selection, ties: int) -> dict[str, Any]:
    codes = sorted(members, key=lambda c: (-graph.nodes[c]["n"], c))
    inside = sorted(  # (a tie's codes in the graph's order: a subgraph's follows the set's hashes)
        ((a, b, d) for a, b, d in graph.edges(data=True) if a in members and b in members),
        key=lambda e: (-e[2]["weight"], -e[2]["n_ab"], e[0], e[1]),
    )
    cols = [selection.column(c) for c in codes]
    matrix = selection.matrix()
    carried = np.asarray(matrix[:, cols].sum(axis=1)).ravel() if matrix.shape[0] else np.zeros(0)
    units = np.flatnonzero(carried >= 2).tolist() if len(codes) > 1 else np.flatnonzero(carried).tolist()
    return {
        "codes": [{"id": c, "name": graph.nodes[c]["name"], "n": graph.nodes[c]["n"]} for c in codes],
        "ties": [
            {"code_a": a, "code_b": b, "c": d["weight"], "n_ab": d["n_ab"]} for a, b, d in inside[:ties]
        ],
        "units": len(units),
        "unit_ids": units,
    }


def network(
    project: Project,
    codings: Codings | None = None,
    filters: Filters | None = None,
    *,
    threshold: float = 0.1,
    min_count: int = 2,
    method: str = "auto",
    k: int | None = None,
    seed: int = 1,
    ties: int = 3,
    strategic: str | None = None,
) -> Network:
    """The code network of a selection and its communities of two codes or more; each lists its
    codes, its strongest ties and its units (those carrying at least two of its codes). Codes
    without a tie above the threshold are listed apart (community 0 in the graph). With
    ``strategic`` (a measure of :data:`~foresight.cooccurrence.matrix.MEASURES`), each community
    is also a theme of Callon's strategic diagram, its links weighted by that measure."""
    selection = load(project, codings, filters)
    if not len(selection.units):
        raise ForesightError(f"no coded units in this selection ({selection.codings.label()})")
    counted = from_selection(selection)
    graph = code_graph(counted, threshold=threshold, min_count=min_count)
    used, found = detect_communities(graph, method, k=k, seed=seed)
    isolated = sorted(
        (c for c in graph.nodes if graph.degree(c) == 0), key=lambda c: (-graph.nodes[c]["n"], c)
    )
    for code in isolated:
        graph.nodes[code]["community"] = 0
    communities = []
    for number, members in enumerate((c for c in found if not set(c) <= set(isolated)), start=1):
        for code in members:
            graph.nodes[code]["community"] = number
        communities.append({"id": number, **_describe(graph, members, selection, ties)})
    found_themes, theme_settings = (
        themes(counted, [[c["id"] for c in t["codes"]] for t in communities], measure=strategic)
        if strategic is not None
        else (None, {})
    )
    return Network(
        graph=graph,
        method=used,
        communities=communities,
        isolated=isolated,
        settings={"threshold": threshold, "min_count": min_count, "k": k, "seed": seed},
        codings=selection.codings.describe(),
        filters=selection.filters.describe(),
        themes=found_themes,
        theme_settings=theme_settings,
    )


def write_graph(graph: nx.Graph, path: Path) -> None:
    """GraphML or GEXF (for Gephi), by the file's extension."""
    kind = GRAPH_FORMATS.get(path.suffix.lower())
    if kind is None:
        raise ForesightError(f"{path}: a network is written as .graphml or .gexf")
    (nx.write_graphml if kind == "graphml" else nx.write_gexf)(graph, path)
