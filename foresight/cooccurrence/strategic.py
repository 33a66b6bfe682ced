"""Callon's strategic diagram: each community of the code network as a theme, placed by its
centrality (how strongly it is tied to the rest) and its density (how strongly its own codes are
tied to each other). Callon, Courtial & Laville (1991), "Co-word analysis as a tool for
describing the network of interactions between basic and technological research", as
METHODS.md states it.

Links are every pair of codes seen together in the selection (not only the network's edges
above its threshold), weighted by a co-occurrence measure: by default Callon's equivalence index
e_ab = n_ab^2 / (n_a n_b). For a theme T of k codes,

    centrality = 10 * sum of the links from a code of T to a code outside T
    density    = 100 * sum of the links between two codes of T / k

(density is the sum per code, as Callon 1991 and METHODS.md define it, not the mean per link).
Each axis is split at the median over the themes; a theme at or above it is high:
central and dense = motor themes; peripheral and dense = specialised or isolated; peripheral
and sparse = emerging or declining; central and sparse = basic or transversal.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from foresight.cooccurrence.matrix import MEASURES, Cooccurrence, check_measure, measure_values

MOTOR, SPECIALISED, EMERGING, BASIC = (
    "motor themes",
    "specialised or isolated",
    "emerging or declining",
    "basic or transversal",
)


def quadrant(central: bool, dense: bool) -> str:
    if dense:
        return MOTOR if central else SPECIALISED
    return BASIC if central else EMERGING


@dataclass(frozen=True)
class Theme:
    id: int
    codes: list[str]
    centrality: float
    density: float
    quadrant: str

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "codes": self.codes,
            "centrality": round(self.centrality, 6),
            "density": round(self.density, 6),
            "quadrant": self.quadrant,
        }


def themes(
    result: Cooccurrence, communities: list[list[str]], *, measure: str = "equivalence"
) -> tuple[list[Theme], dict[str, Any]]:
    """The themes (one per community of code ids, numbered from 1 in the given order) and the
    settings used: the measure and the medians that split the axes."""
    check_measure(measure)
    member = {code: number for number, codes in enumerate(communities, start=1) for code in codes}
    n = result.n
    links = measure_values(measure, result.counts, n[:, None], n[None, :], result.units)
    links[result.counts == 0] = 0.0
    np.fill_diagonal(links, 0.0)
    theme = np.array([member.get(code.id, 0) for code in result.codes])  # 0: in no theme
    inside = np.zeros(len(communities) + 1)
    outside = np.zeros(len(communities) + 1)
    a, b = np.nonzero(np.triu(links))
    for i, j in zip(a.tolist(), b.tolist(), strict=True):
        ti, tj = theme[i], theme[j]
        if ti and ti == tj:
            inside[ti] += links[i, j]
        else:
            outside[ti] += links[i, j]
            outside[tj] += links[i, j]
    centrality = [10 * float(outside[t]) for t in range(1, len(communities) + 1)]
    density = [100 * float(inside[t]) / len(codes) for t, codes in enumerate(communities, start=1)]
    split_c = float(np.median(centrality)) if communities else 0.0
    split_d = float(np.median(density)) if communities else 0.0
    found = [
        Theme(t, list(codes), c, d, quadrant(c >= split_c, d >= split_d))
        for t, (codes, c, d) in enumerate(zip(communities, centrality, density, strict=True), start=1)
    ]
    settings = {
        "measure": MEASURES[measure],
        "centrality": "10 * sum of links to codes outside the theme",
        "density": "100 * sum of links within the theme / its codes",
        "centrality_median": round(split_c, 6),
        "density_median": round(split_d, 6),
    }
    return found, settings
