"""The 2x2 of a scenario draft: its four stubs, each one's signposts, and its cross-impact balance check.

A stub is one corner of the 2x2 (a pole of each of two uncertainties). Its signposts are drawn
from the evidence of the draft's drivers that carries the codes of its poles
(:attr:`~foresight.workshops.definition.Uncertainty.codes`), so each stub gets its own. With a
cross-impact balance (CIB) matrix whose descriptors are the two uncertainties (same names, the
poles among their variants), :func:`check_stub` says whether the stub is part of a consistent
scenario; when it is not, it gives the least inconsistent way to complete it, with its
inconsistency (the largest gap between a descriptor's best balance and its chosen variant's,
Weimer-Jehle 2006) and its total impact score.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

from foresight.workshops.candidates import Candidate, SupportingUnit
from foresight.workshops.cib import CIBMatrix, CIBResult, Descriptor
from foresight.workshops.definition import Uncertainty

MAX_SIGNPOSTS = 6  # per scenario
MAX_COMPLETIONS = 100_000  # ways to complete a stub searched for the least inconsistent one


@dataclass(frozen=True)
class ScenarioStub:
    name: str
    poles: tuple[str, str]


def stubs_of(axes: tuple[Uncertainty, Uncertainty]) -> list[ScenarioStub]:
    """The four corners of the 2x2, named after their poles."""
    a, b = axes
    corners = ((0, 0), (0, 1), (1, 0), (1, 1))
    return [
        ScenarioStub(f"Scenario {n}: {a.poles[i]} / {b.poles[j]}", (a.poles[i], b.poles[j]))
        for n, (i, j) in enumerate(corners, start=1)
    ]


def pole_codes(uncertainty: Uncertainty, pole: str) -> tuple[str, ...]:
    return uncertainty.codes[uncertainty.poles.index(pole)]


@dataclass(frozen=True)
class Signpost:
    """A driver's evidence pointing to one or both of a stub's poles, with the unit to quote."""

    candidate: Candidate
    poles: tuple[str, ...]
    units: tuple[SupportingUnit, ...]  # the driver's units carrying a code of those poles


def signposts(
    stub: ScenarioStub,
    axes: tuple[Uncertainty, Uncertainty],
    drivers: Sequence[Candidate],
    units: dict[int, SupportingUnit],
    *,
    limit: int = MAX_SIGNPOSTS,
) -> list[Signpost]:
    """Up to ``limit`` drivers whose units carry a code of the stub's poles: those pointing to both
    poles first, then one for each pole in turn, each list by its number of such units."""
    by_pole: list[list[Signpost]] = [[], []]
    both: list[Signpost] = []
    for c in drivers:
        members = [units[u] for u in c.evidence.unit_ids if u in units]
        hits = [
            [u for u in members if set(u.codes) & set(pole_codes(axis, pole))]
            for axis, pole in zip(axes, stub.poles, strict=True)
        ]
        if hits[0] and hits[1]:
            found = [u for u in members if u in hits[0] or u in hits[1]]
            both.append(Signpost(c, stub.poles, tuple(found)))
        for i, pole in enumerate(stub.poles):
            if hits[i] and not hits[1 - i]:
                by_pole[i].append(Signpost(c, (pole,), tuple(hits[i])))
    for found in (both, *by_pole):
        found.sort(key=lambda s: -len(s.units))  # stable: the drivers' order among equals
    alternating = [s for pair in itertools.zip_longest(*by_pole) for s in pair if s is not None]
    return (both + alternating)[:limit]


@dataclass(frozen=True)
class StubCheck:
    """A stub against the CIB: the consistent scenarios it is part of (1-based positions in the
    result), or, when none, the least inconsistent completion found (None when not searched)."""

    consistent: tuple[int, ...]
    nearest: dict[str, str] | None = None  # descriptor id -> variant
    inconsistency: float = 0.0
    total_impact: float = 0.0

    @property
    def is_consistent(self) -> bool:
        return bool(self.consistent)


def axis_descriptors(matrix: CIBMatrix, axes: Sequence[Uncertainty]) -> list[Descriptor] | None:
    """The matrix's descriptors named like the axes (with their poles among the variants), or None."""
    found = []
    for axis in axes:
        match = [
            d
            for d in matrix.descriptors
            if d.name.casefold() == axis.name.casefold() and all(p in d.variants for p in axis.poles)
        ]
        if not match:
            return None
        found.append(match[0])
    return found


def scores(matrix: CIBMatrix, scenario: tuple[int, ...]) -> tuple[float, float]:
    """(inconsistency, total impact score) of a scenario: 0 inconsistency means consistent."""
    return float(matrix.inconsistency(scenario)), matrix.total_impact(scenario)


def check_stub(
    matrix: CIBMatrix, result: CIBResult, axes: Sequence[Uncertainty], stub: ScenarioStub
) -> StubCheck | None:
    """The stub checked against the CIB; None when the matrix has no descriptors for the axes."""
    found = axis_descriptors(matrix, axes)
    if found is None:
        return None
    fixed = {d.id: pole for d, pole in zip(found, stub.poles, strict=True)}
    matching = tuple(
        i for i, s in enumerate(result.scenarios, start=1) if all(s.names[d] == v for d, v in fixed.items())
    )
    if matching:
        return StubCheck(matching)
    choices = [
        [d.variants.index(fixed[d.id])] if d.id in fixed else list(range(len(d.variants)))
        for d in matrix.descriptors
    ]
    if math.prod(len(c) for c in choices) > MAX_COMPLETIONS:
        return StubCheck(())
    best = min(itertools.product(*choices), key=lambda s: (scores(matrix, s)[0], -scores(matrix, s)[1]))
    gap, total = scores(matrix, best)
    return StubCheck((), matrix.names(best), gap, total)
