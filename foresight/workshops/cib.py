"""Cross-impact balance (CIB) analysis: which scenarios are consistent with the judgements.

Descriptors each have variants; a judgement says how strongly variant a of descriptor k promotes
(+) or hinders (-) variant b of descriptor l (Weimer-Jehle 2006). For a scenario (one variant per
descriptor) the impact balance of a variant is the sum of the impacts the scenario's other
variants have on it; the scenario is consistent when each descriptor's chosen variant has the
largest balance of its descriptor's variants (ties allowed).

Every scenario is examined when there are at most ``MAX_ENUMERATE`` (10^8) of them: a vectorised
enumeration in chunks, so memory stays small whatever the count. Beyond that the succession
procedure (every descriptor switches to its best-balanced variant until nothing changes) runs from
many seeded starts; it finds only scenarios that some start leads to, so its list may be
incomplete, and the result says so. Each scenario found carries its total impact score (TIS, the
sum of its chosen variants' balances) and its inconsistency (IC, the largest amount by which a
descriptor's chosen variant falls short of the best balance of its descriptor; 0: consistent).
An enumeration can also list the scenarios of inconsistency up to a given value.

Judgements are read from YAML (below) or from a ScenarioWizard ``.scw`` file
(:mod:`foresight.workshops.scw`).

A judgement file (YAML)::

    descriptors:
      - {id: A, name: Economic growth, variants: [high, low]}
      - {id: B, name: Cluster funding, variants: [more, less]}
    impacts:            # impacts[source descriptor][source variant][target descriptor]
      A:
        high: {B: [2, -2]}
        low: {B: [-1, 1]}
      B:
        more: {A: [1, -1]}
        less: {A: [0, 0]}

Pairs left out have no impact.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml

from foresight.errors import ForesightError

# Scenarios examined one by one up to this many. The enumeration keeps one chunk in memory (tens
# of MB); its time grows with the count: on a 2-core machine the 22.7 M scenarios of the public
# CIB_natl_regional sample take about 4 s, a random matrix of 96 M scenarios 15 s
# (benchmarks/bench_cib.py --random 100000000).
MAX_ENUMERATE = 100_000_000
CHUNK = 1 << 16  # scenarios checked at once: the inner descriptors' combinations, at most this many


@dataclass(frozen=True)
class Descriptor:
    id: str
    name: str
    variants: tuple[str, ...]


@dataclass(frozen=True)
class CIBMatrix:
    """Descriptors and the judgement matrix over all their variants (rows: source, columns: target)."""

    descriptors: tuple[Descriptor, ...]
    impacts: np.ndarray  # (N, N), N = total number of variants; zero within a descriptor
    self_impacts: tuple[str, ...] = ()  # descriptors whose impacts on themselves a file held, left out

    @property
    def offsets(self) -> list[int]:
        return [0, *itertools.accumulate(len(d.variants) for d in self.descriptors)][:-1]

    def flat(self, scenario: tuple[int, ...]) -> list[int]:
        return [o + v for o, v in zip(self.offsets, scenario, strict=True)]

    def balances(self, scenario: tuple[int, ...]) -> list[list[float]]:
        """The impact balance of every variant of every descriptor under ``scenario``."""
        total = self.impacts[self.flat(scenario)].sum(axis=0)
        return [
            [float(total[o + i]) for i in range(len(d.variants))]
            for o, d in zip(self.offsets, self.descriptors, strict=True)
        ]

    def is_consistent(self, scenario: tuple[int, ...]) -> bool:
        return self.inconsistency(scenario) <= 0

    def inconsistency(self, scenario: tuple[int, ...]) -> float:
        """IC: the largest shortfall of a chosen variant's balance from its descriptor's best."""
        return max(max(b) - b[v] for b, v in zip(self.balances(scenario), scenario, strict=True))

    def total_impact(self, scenario: tuple[int, ...]) -> float:
        """The sum of the chosen variants' balances (higher: more strongly supported)."""
        return float(sum(b[v] for b, v in zip(self.balances(scenario), scenario, strict=True)))

    @property
    def scenario_count(self) -> int:
        return math.prod(len(d.variants) for d in self.descriptors)

    def names(self, scenario: tuple[int, ...]) -> dict[str, str]:
        return {d.id: d.variants[v] for d, v in zip(self.descriptors, scenario, strict=True)}


@dataclass(frozen=True)
class ConsistentScenario:
    variants: tuple[int, ...]  # the chosen variant of each descriptor
    names: dict[str, str]  # descriptor id -> variant
    total_impact: float  # sum of the chosen variants' balances (higher: more strongly supported)
    inconsistency: float = 0.0  # 0: consistent; else the largest shortfall from a descriptor's best


@dataclass(frozen=True)
class CIBResult:
    scenarios: list[ConsistentScenario]
    method: str  # "enumeration" | "succession"
    examined: int  # scenarios checked (enumeration) or starts run (succession)
    total: int = 0  # scenarios there are (the product of the descriptors' variant counts)
    max_inconsistency: float = 0.0  # scenarios listed are those of IC up to this

    @property
    def complete(self) -> bool:
        """Whether every scenario was examined; a succession's list may miss some."""
        return self.method == "enumeration"


def make_matrix(
    descriptors: list[Descriptor], judgements: dict[tuple[str, str], dict[str, list[float]]]
) -> CIBMatrix:
    """The matrix from ``judgements[(source id, source variant)][target id] = impacts per target variant``."""
    index = {d.id: i for i, d in enumerate(descriptors)}
    offsets = [0, *itertools.accumulate(len(d.variants) for d in descriptors)]
    impacts = np.zeros((offsets[-1], offsets[-1]))
    for (source, variant), targets in judgements.items():
        k = index[source]
        row = offsets[k] + descriptors[k].variants.index(variant)
        for target, values in targets.items():
            col = offsets[index[target]]
            impacts[row, col : col + len(values)] = values
    return CIBMatrix(tuple(descriptors), impacts)


def _scored(matrix: CIBMatrix, found: set[tuple[int, ...]]) -> list[ConsistentScenario]:
    scored = []
    for scenario in found:
        balances = matrix.balances(scenario)
        total = sum(b[v] for b, v in zip(balances, scenario, strict=True))
        gap = max(max(b) - b[v] for b, v in zip(balances, scenario, strict=True))
        scored.append(ConsistentScenario(scenario, matrix.names(scenario), total, gap))
    return sorted(scored, key=lambda s: (s.inconsistency, -s.total_impact, s.variants))


def _combinations(counts: list[int]) -> np.ndarray:
    """Every combination of variants of descriptors with ``counts`` variants, in odometer order."""
    grids = np.indices(counts).reshape(len(counts), -1).T
    return np.ascontiguousarray(grids, dtype=np.int64)


def enumerate_consistent(
    matrix: CIBMatrix, *, max_inconsistency: float = 0.0, chunk: int = CHUNK
) -> set[tuple[int, ...]]:
    """Every scenario of inconsistency up to ``max_inconsistency`` (0: the consistent ones).

    The descriptors split into outer ones, walked one combination at a time, and inner ones whose
    combinations (at most ``chunk``) are checked together: their share of every balance is
    computed once, the outer combination's share added per chunk. Descriptors are checked one
    after the other and each check keeps only the scenarios that pass, so most of a chunk is
    dropped after a descriptor or two.
    """
    counts = [len(d.variants) for d in matrix.descriptors]
    offsets = np.array(matrix.offsets)
    m = len(counts)
    split = m
    while split > 0 and math.prod(counts[split - 1 :]) <= chunk:
        split -= 1
    inner = _combinations(counts[split:]) if split < m else np.zeros((1, 0), dtype=np.int64)
    # the inner descriptors' share of every balance: (inner combinations, N), columns contiguous
    inner_share = np.zeros((len(inner), len(matrix.impacts)), order="F")
    for j in range(m - split):
        inner_share += matrix.impacts[inner[:, j] + offsets[split + j]]
    rows = np.arange(len(inner))
    found: set[tuple[int, ...]] = set()
    for outer in itertools.product(*(range(n) for n in counts[:split])):
        chosen = offsets[:split] + np.array(outer, dtype=np.int64)
        outer_share = matrix.impacts[chosen].sum(axis=0)
        alive = rows
        for d in range(m):
            cols = slice(offsets[d], offsets[d] + counts[d])
            balances = inner_share[alive, cols] + outer_share[cols]
            if d < split:
                mine = balances[:, outer[d]]
            else:
                mine = balances[np.arange(len(alive)), inner[alive, d - split]]
            alive = alive[mine >= balances.max(axis=1) - max_inconsistency]
            if len(alive) == 0:
                break
        for row in alive.tolist():
            found.add(tuple(outer) + tuple(int(v) for v in inner[row]))
    return found


def succession(matrix: CIBMatrix, start: tuple[int, ...], *, max_steps: int = 1000) -> tuple[int, ...] | None:
    """Global succession from ``start``: the fixed point it reaches, or None when it cycles."""
    seen = {start}
    current = start
    for _ in range(max_steps):
        balances = matrix.balances(current)
        nxt = tuple(
            v if b[v] >= max(b) else int(np.argmax(b)) for b, v in zip(balances, current, strict=True)
        )
        if nxt == current:
            return current
        if nxt in seen:
            return None
        seen.add(nxt)
        current = nxt
    return None


def consistent_scenarios(
    matrix: CIBMatrix,
    *,
    max_enumerate: int = MAX_ENUMERATE,
    starts: int = 2000,
    seed: int = 0,
    max_inconsistency: float = 0.0,
) -> CIBResult:
    """The consistent scenarios, strongest first: all of them when there are at most ``max_enumerate``
    scenarios, else those the succession procedure reaches from ``starts`` random starts (a list
    that may be incomplete: see :attr:`CIBResult.complete`).

    ``max_inconsistency`` above 0 also lists the scenarios whose inconsistency is at most that,
    after the consistent ones; it needs the enumeration (a succession reaches consistent ones only).
    """
    total = matrix.scenario_count
    if total <= max_enumerate:
        found = enumerate_consistent(matrix, max_inconsistency=max_inconsistency)
        return CIBResult(_scored(matrix, found), "enumeration", total, total, max_inconsistency)
    if max_inconsistency > 0:
        raise ForesightError(
            f"the matrix has {total:,} scenarios, more than the {max_enumerate:,} examined one by one: "
            "scenarios of inconsistency above 0 can only be listed from a full enumeration"
        )
    counts = [len(d.variants) for d in matrix.descriptors]
    rng = np.random.default_rng(seed)
    found = set()
    for _ in range(starts):
        start = tuple(int(rng.integers(n)) for n in counts)
        end = succession(matrix, start)
        if end is not None:
            found.add(end)
    return CIBResult(_scored(matrix, found), "succession", starts, total)


def _problem(path: Path, message: str) -> ForesightError:
    return ForesightError(f"{path}: {message}")


def load_cib(path: str | Path) -> CIBMatrix:
    """A judgement matrix from a YAML file (see the module's docstring) or a ScenarioWizard .scw file."""
    file = Path(path)
    if file.suffix.lower() == ".scw":
        from foresight.workshops.scw import read_scw

        return read_scw(file)
    try:
        raw = yaml.safe_load(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise _problem(file, "no such file") from None
    except yaml.YAMLError as exc:
        raise _problem(file, f"not valid YAML ({getattr(exc, 'problem', exc)})") from None
    if not isinstance(raw, dict) or not isinstance(raw.get("descriptors"), list):
        raise _problem(file, "a CIB matrix needs a 'descriptors' list and an 'impacts' mapping")
    descriptors: list[Descriptor] = []
    for item in raw["descriptors"]:
        if not isinstance(item, dict) or not item.get("id") or not isinstance(item.get("variants"), list):
            raise _problem(file, f"descriptor {item!r} needs an id and a list of variants")
        variants = tuple(str(v) for v in item["variants"])
        if len(variants) < 2 or len(set(variants)) != len(variants):
            raise _problem(file, f"descriptor {item['id']} needs two or more distinct variants")
        descriptors.append(Descriptor(str(item["id"]), str(item.get("name") or item["id"]), variants))
    by_id = {d.id: d for d in descriptors}
    if len(by_id) != len(descriptors):
        raise _problem(file, "descriptor ids must be distinct")
    judgements: dict[tuple[str, str], dict[str, list[float]]] = {}
    impacts = raw.get("impacts") or {}
    if not isinstance(impacts, dict):
        raise _problem(file, "'impacts' must map descriptor -> variant -> target descriptor -> impacts")
    for source, by_variant in impacts.items():
        if source not in by_id:
            raise _problem(file, f"impacts: no descriptor {source!r}")
        if not isinstance(by_variant, dict):
            raise _problem(file, f"impacts of {source} must map its variants to targets")
        for variant, targets in by_variant.items():
            if str(variant) not in by_id[source].variants:
                raise _problem(file, f"impacts: descriptor {source} has no variant {variant!r}")
            for target, values in (targets or {}).items():
                if target not in by_id:
                    raise _problem(file, f"impacts of {source}={variant}: no descriptor {target!r}")
                if target == source:
                    raise _problem(
                        file, f"impacts of {source}={variant}: a descriptor has no impact on itself"
                    )
                want = len(by_id[target].variants)
                if (
                    not isinstance(values, list)
                    or len(values) != want
                    or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in values)
                ):
                    raise _problem(
                        file, f"impacts of {source}={variant} on {target} must be a list of {want} numbers"
                    )
                judgements.setdefault((source, str(variant)), {})[target] = [float(v) for v in values]
    return make_matrix(descriptors, judgements)
