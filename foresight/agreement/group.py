"""Reliability of an exclusive code group: its codes as the values of one nominal variable.

A group marked ``exclusive`` in the codebook (the time horizon: short, mid or long term) is one
variable per unit: each coder gives it at most one value. Judged code by code as present/absent,
its reliability is misstated (pooled binary decisions give 0.751 on Krippendorff's 4-coder example
where the nominal alpha is 0.743). Here each coder's value on a unit is

- the group's code the coder applied, when exactly one;
- "(none)" when the coder finished the unit without any code of the group (a decision too: the
  unit states no time horizon);
- missing when the coder has not finished the unit, or applied two or more of the group's codes
  (a violation of the group's rule: the coder gave no single value). Violations are counted and
  listed so they can be corrected; the coder's other values still count.

Krippendorff's nominal alpha takes every unit with values from two or more coders; Fleiss' kappa
(any number of coders), Cohen's kappa (two coders) and percent agreement take the units on which
every coder gave a value.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import combinations

import numpy as np
from numpy.typing import NDArray
from sqlmodel import Session

from foresight.agreement import stats
from foresight.agreement.data import Decisions
from foresight.codebook.catalog import require_codebook
from foresight.config import AgreementSettings
from foresight.errors import ForesightError

NONE = "(none)"


@dataclass
class GroupConfusion:
    """How often one value met another on the same unit.

    Two coders: ``counts[a][b]`` units where ``rows`` (the first coder) gave value a and
    ``columns`` (the second) value b. More coders: Krippendorff's coincidence matrix (each unit's
    pairs of values from different coders, weighted 1 / (coders on the unit - 1)), symmetric,
    its row sums the number of pairable values of each value; ``rows`` and ``columns`` are None.
    """

    values: list[str]
    rows: str | None
    columns: str | None
    counts: list[list[float]]


@dataclass
class GroupAgreement:
    id: str
    name: str
    coders: list[str]
    values: list[str]  # the group's codes in tree order, then "(none)"
    units: int  # units with values from at least two coders (alpha's data)
    complete_units: int  # units on which every coder gave a value (the kappas' data)
    alpha: float | None  # Krippendorff's nominal alpha
    fleiss_kappa: float | None
    cohen_kappa: float | None  # two coders only; null for more
    agreement: float | None  # share of the complete units on which every coder gave the same value
    verdict: str
    violations: int  # (unit, coder) pairs with two or more of the group's codes
    violation_units: list[int]  # their unit ids
    confusion: GroupConfusion
    note: str | None = None


def exclusive_group(session: Session, group: str) -> dict[str, object]:
    """The active codebook's group ``group``, which must be marked exclusive."""
    book = require_codebook(session)
    found = next((g for g in book.groups if g["id"] == group), None)
    if found is None:
        ids = ", ".join(g["id"] for g in book.groups)
        raise ForesightError(f"no code group {group!r} in codebook {book.name!r} (groups: {ids})")
    if not found.get("exclusive"):
        marked = ", ".join(g["id"] for g in book.groups if g.get("exclusive")) or "none"
        raise ForesightError(
            f"code group {group!r} of codebook {book.name!r} is not exclusive (exclusive groups: {marked}); "
            "mark it 'exclusive: true' in the codebook if a unit takes at most one of its codes"
        )
    return found


def group_values(decisions: Decisions) -> tuple[NDArray[np.float64], NDArray[np.bool_]]:
    """Units x coders: the index of each coder's value (len(codes) for "(none)", NaN if missing);
    and where a coder applied two or more of the codes."""
    per_coder = decisions.present.sum(axis=2)  # units x coders
    value = np.argmax(decisions.present, axis=2).astype(float) if decisions.codes else per_coder * 0.0
    value[per_coder == 0] = len(decisions.codes)
    violation = decisions.finished & (per_coder >= 2)
    value[~decisions.finished | violation] = np.nan
    return value, violation


def _confusion(values: NDArray[np.float64], labels: list[str], coders: list[str]) -> GroupConfusion:
    k = len(labels)
    if len(coders) == 2:
        both = values[~np.isnan(values).any(axis=1)].astype(np.int64)
        table = np.bincount(both[:, 0] * k + both[:, 1], minlength=k * k).reshape(k, k)
        return GroupConfusion(labels, coders[0], coders[1], table.astype(float).tolist())
    table = np.zeros((k, k))
    given = (~np.isnan(values)).sum(axis=1)
    for i, j in combinations(range(len(coders)), 2):
        rows = ~np.isnan(values[:, i]) & ~np.isnan(values[:, j])
        a, b = values[rows, i].astype(np.int64), values[rows, j].astype(np.int64)
        weight = 1.0 / (given[rows] - 1)
        np.add.at(table, (a, b), weight)
        np.add.at(table, (b, a), weight)
    return GroupConfusion(labels, None, None, np.round(table, 6).tolist())


def _value(x: float) -> float | None:
    return None if math.isnan(x) else float(x)


def group_agreement(
    decisions: Decisions, group: dict[str, object], thresholds: AgreementSettings
) -> GroupAgreement:
    """The group's reliability from ``decisions`` loaded for its codes (see the module's docstring)."""
    coders = list(decisions.coders)
    labels = [c.code for c in decisions.codes] + [NONE]
    values, violation = group_values(decisions)
    given = (~np.isnan(values)).sum(axis=1)
    complete = values[given == len(coders)]
    alpha = _value(stats.alpha_from_counts(*stats.category_counts(values)) if values.size else math.nan)
    fleiss = _value(stats.fleiss_kappa(complete)) if len(complete) else None
    cohen = _value(stats.cohen_kappa(complete)) if len(coders) == 2 and len(complete) else None
    units = int((given >= 2).sum())
    note = None
    if units == 0:
        note = "no unit with values from two of the coders"
    elif alpha is None:
        note = "no variation: every coder gave every unit the same value"
    return GroupAgreement(
        id=str(group["id"]),
        name=str(group.get("name", "")),
        coders=coders,
        values=labels,
        units=units,
        complete_units=len(complete),
        alpha=alpha,
        fleiss_kappa=fleiss,
        cohen_kappa=cohen,
        agreement=_value(stats.percent_agreement(complete)) if len(complete) else None,
        verdict=thresholds.verdict(alpha),
        violations=int(violation.sum()),
        violation_units=sorted(set(decisions.unit_ids[violation.any(axis=1)].tolist())),
        confusion=_confusion(values, labels, coders),
        note=note,
    )
