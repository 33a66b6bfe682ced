"""Cross-impact balance (CIB) analysis: which scenarios are consistent with the judgements.

Descriptors each have variants; a judgement says how strongly variant a of descriptor k promotes
(+) or hinders (-) variant b of descriptor l (Weimer-Jehle 2006). For a scenario (one variant per
descriptor) the impact balance of a variant is the sum of the impacts the scenario's other
variants have on it; the scenario is consistent when each descriptor's chosen variant has the
largest balance of its descriptor's variants (ties allowed).

Small matrices are enumerated in full; big ones are searched by the succession procedure from
many seeded starts (every descriptor switches to its best-balanced variant until nothing changes).

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

MAX_ENUMERATE = 1_000_000


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
        return all(b[v] >= max(b) for b, v in zip(self.balances(scenario), scenario, strict=True))

    def names(self, scenario: tuple[int, ...]) -> dict[str, str]:
        return {d.id: d.variants[v] for d, v in zip(self.descriptors, scenario, strict=True)}


@dataclass(frozen=True)
class ConsistentScenario:
    variants: tuple[int, ...]  # the chosen variant of each descriptor
    names: dict[str, str]  # descriptor id -> variant
    total_impact: float  # sum of the chosen variants' balances (higher: more strongly supported)


@dataclass(frozen=True)
class CIBResult:
    scenarios: list[ConsistentScenario]
    method: str  # "enumeration" | "succession"
    examined: int  # scenarios checked (enumeration) or starts run (succession)


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
        scored.append(ConsistentScenario(scenario, matrix.names(scenario), total))
    return sorted(scored, key=lambda s: (-s.total_impact, s.variants))


def enumerate_consistent(matrix: CIBMatrix, *, chunk: int = 65_536) -> set[tuple[int, ...]]:
    """Every consistent scenario, checking all of them (vectorised, ``chunk`` at a time)."""
    counts = [len(d.variants) for d in matrix.descriptors]
    offsets = np.array(matrix.offsets)
    groups = [np.arange(o, o + n) for o, n in zip(offsets, counts, strict=True)]
    found: set[tuple[int, ...]] = set()
    product = itertools.product(*(range(n) for n in counts))
    while True:
        block = np.array(list(itertools.islice(product, chunk)), dtype=np.int64)
        if block.size == 0:
            return found
        balances = matrix.impacts[block + offsets].sum(axis=1)  # (chunk, N)
        ok = np.ones(len(block), dtype=bool)
        for d, cols in enumerate(groups):
            chosen = balances[np.arange(len(block)), offsets[d] + block[:, d]]
            ok &= chosen >= balances[:, cols].max(axis=1)
        found.update(tuple(int(v) for v in row) for row in block[ok])


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
    matrix: CIBMatrix, *, max_enumerate: int = MAX_ENUMERATE, starts: int = 2000, seed: int = 0
) -> CIBResult:
    """The consistent scenarios, strongest first: all of them when there are at most ``max_enumerate``
    scenarios, else those the succession procedure reaches from ``starts`` random starts."""
    counts = [len(d.variants) for d in matrix.descriptors]
    total = math.prod(counts)
    if total <= max_enumerate:
        return CIBResult(_scored(matrix, enumerate_consistent(matrix)), "enumeration", total)
    rng = np.random.default_rng(seed)
    found = set()
    for _ in range(starts):
        start = tuple(int(rng.integers(n)) for n in counts)
        end = succession(matrix, start)
        if end is not None:
            found.add(end)
    return CIBResult(_scored(matrix, found), "succession", starts)


def _problem(path: Path, message: str) -> ForesightError:
    return ForesightError(f"{path}: {message}")


def load_cib(path: str | Path) -> CIBMatrix:
    """A judgement matrix from a YAML file (see the module's docstring for the form)."""
    file = Path(path)
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
