"""Reliability statistics on a units x coders matrix, NaN where a coder gave no value.

Plain numpy, no store: usable from a notebook on any reliability data. Each statistic returns
``nan`` when it is undefined (fewer than two values to compare, or no variation at all), never
raises on such data. Formulas as in ``METHODS.md``:

- Krippendorff's alpha from the coincidence matrix of pairable values (Krippendorff 2011,
  "Computing Krippendorff's Alpha-Reliability"); units with fewer than two values drop out;
- Cohen's kappa for two coders, the expected agreement from each coder's own marginals;
- Fleiss' kappa (Fleiss 1971) for any fixed number of coders per unit;
- percent agreement: the share of units whose values all agree.

The ``binary_*`` functions compute the same statistics for many present/absent decisions at
once (one column per code), which is what a report over a whole codebook needs.
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

Level = Literal["nominal", "ordinal", "interval", "ratio"]
LEVELS: tuple[str, ...] = ("nominal", "ordinal", "interval", "ratio")
FloatArray = NDArray[np.float64]


def _matrix(data: ArrayLike) -> FloatArray:
    array = np.asarray(data, dtype=float)
    if array.ndim != 2:
        raise ValueError(f"reliability data is a units x coders matrix; got {array.ndim} dimension(s)")
    return array


def category_counts(data: ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Per unit, how many coders gave each value: (units x values counts, the sorted values)."""
    array = _matrix(data)
    present = ~np.isnan(array)
    values = np.unique(array[present])
    rows = np.nonzero(present)[0]
    columns = np.searchsorted(values, array[present])
    flat = np.bincount(rows * len(values) + columns, minlength=array.shape[0] * len(values))
    return flat.reshape(array.shape[0], len(values)).astype(float), values


def _distance(values: FloatArray, totals: FloatArray, level: str) -> FloatArray:
    """The squared difference delta^2 between every two values, for the level of measurement."""
    if level == "nominal":
        return 1.0 - np.eye(len(values))
    if level == "interval":
        return np.subtract.outer(values, values) ** 2
    if level == "ratio":
        sums = np.add.outer(values, values)
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(sums == 0, 0.0, np.subtract.outer(values, values) / sums)
        return ratio**2
    if level == "ordinal":
        cumulative = np.cumsum(totals)
        low = np.minimum.outer(np.arange(len(values)), np.arange(len(values)))
        high = np.maximum.outer(np.arange(len(values)), np.arange(len(values)))
        between = cumulative[high] - cumulative[low] + totals[low]
        return (between - np.add.outer(totals, totals) / 2) ** 2
    raise ValueError(f"level {level!r} is not one of {', '.join(LEVELS)}")


def alpha_from_counts(counts: ArrayLike, values: ArrayLike, level: Level = "nominal") -> float:
    """Krippendorff's alpha from units x values counts (as :func:`category_counts` returns)."""
    table = np.asarray(counts, dtype=float)
    per_unit = table.sum(axis=1)
    pairable = per_unit >= 2
    table, per_unit = table[pairable], per_unit[pairable]
    if table.shape[0] == 0 or table.shape[1] < 2:
        return float("nan")
    weighted = table / (per_unit - 1)[:, None]
    coincidences = weighted.T @ table - np.diag(weighted.sum(axis=0))
    totals = coincidences.sum(axis=0)
    n = totals.sum()
    delta = _distance(np.asarray(values, dtype=float), totals, level)
    expected = (np.outer(totals, totals) * delta).sum() / (n - 1)
    if expected == 0:
        return float("nan")
    return float(1.0 - (coincidences * delta).sum() / expected)


def krippendorff_alpha(data: ArrayLike, level: Level = "nominal") -> float:
    """Krippendorff's alpha of a units x coders matrix with NaN for missing values."""
    counts, values = category_counts(data)
    return alpha_from_counts(counts, values, level)


def percent_agreement(data: ArrayLike) -> float:
    """The share of units (with at least two values) on which every coder gave the same value."""
    counts, _ = category_counts(data)
    per_unit = counts.sum(axis=1)
    pairable = per_unit >= 2
    if not pairable.any():
        return float("nan")
    return float((counts[pairable].max(axis=1) == per_unit[pairable]).mean())


def cohen_kappa(data: ArrayLike) -> float:
    """Cohen's kappa of two coders (units x 2); units either coder left out are dropped."""
    array = _matrix(data)
    if array.shape[1] > 2:
        raise ValueError(f"Cohen's kappa compares two coders; got {array.shape[1]} (use fleiss_kappa)")
    if array.shape[1] < 2:
        return float("nan")
    array = array[~np.isnan(array).any(axis=1)]
    if array.shape[0] == 0:
        return float("nan")
    values, index = np.unique(array, return_inverse=True)
    index = index.reshape(array.shape)
    k = len(values)
    table = np.bincount(index[:, 0] * k + index[:, 1], minlength=k * k).reshape(k, k) / array.shape[0]
    observed = np.trace(table)
    expected = float(table.sum(axis=1) @ table.sum(axis=0))
    if expected == 1.0:
        return float("nan")
    return float((observed - expected) / (1.0 - expected))


def fleiss_kappa_from_counts(counts: ArrayLike) -> float:
    """Fleiss' kappa from a units x categories table of counts, the same number of coders per unit."""
    table = np.asarray(counts, dtype=float)
    if table.ndim != 2 or table.shape[0] == 0:
        return float("nan")
    raters = table.sum(axis=1)
    if not np.all(raters == raters[0]):
        raise ValueError("Fleiss' kappa needs the same number of coders on every unit")
    n = raters[0]
    if n < 2:
        return float("nan")
    shares = table.sum(axis=0) / table.sum()
    p_bar = float(((table**2).sum(axis=1) - n).mean() / (n * (n - 1)))
    p_e = float((shares**2).sum())
    if p_e == 1.0:
        return float("nan")
    return (p_bar - p_e) / (1.0 - p_e)


def fleiss_kappa(data: ArrayLike) -> float:
    """Fleiss' kappa of a units x coders matrix; units any coder left out are dropped."""
    array = _matrix(data)
    array = array[~np.isnan(array).any(axis=1)]
    if array.shape[1] < 2 or array.shape[0] == 0:
        return float("nan")
    counts, _ = category_counts(array)
    return fleiss_kappa_from_counts(counts)


# -- many binary (present / absent) decisions at once ---------------------------------------------


def _histogram(present: NDArray[Any], coders: int) -> NDArray[np.int64]:
    """(coders + 1) x columns: how many units had 0, 1, ... ``coders`` coders apply each column."""
    return np.stack([np.count_nonzero(present == v, axis=0) for v in range(coders + 1)])


def binary_alpha_parts(present: ArrayLike, judged: ArrayLike) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Per column: disagreeing coincidences o_01 and the pairable values n_0 (absent), n_1 (present).

    ``present`` (units x columns) counts the coders who applied the code, ``judged`` (units) the
    coders who finished the unit; units judged by fewer than two coders drop out.
    """
    k = np.asarray(present)
    m = np.asarray(judged)
    o_01 = np.zeros(k.shape[1])
    n_1 = np.zeros(k.shape[1])
    n_0 = np.zeros(k.shape[1])
    for coders in np.unique(m[m >= 2]).tolist():  # units grouped by how many coders judged them
        rows = k if np.all(m == coders) else k[m == coders]
        hist = _histogram(rows, int(coders))
        v = np.arange(coders + 1)[:, None]
        o_01 += (v * (coders - v) * hist).sum(axis=0) / (coders - 1)
        n_1 += (v * hist).sum(axis=0)
        n_0 += ((coders - v) * hist).sum(axis=0)
    return o_01, n_0, n_1


def binary_alpha_from_parts(o_01: ArrayLike, n_0: ArrayLike, n_1: ArrayLike) -> FloatArray:
    """Nominal alpha for two values: 1 - (n - 1) o_01 / (n_0 n_1); NaN where nothing varies."""
    o, a, p = (np.asarray(x, dtype=float) for x in (o_01, n_0, n_1))
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(a * p > 0, 1.0 - (a + p - 1) * o / (a * p), np.nan)


def binary_alpha(present: ArrayLike, judged: ArrayLike) -> FloatArray:
    """Krippendorff's alpha per column of present counts (see :func:`binary_alpha_parts`)."""
    return binary_alpha_from_parts(*binary_alpha_parts(present, judged))


def binary_fleiss(present: ArrayLike, coders: int) -> FloatArray:
    """Fleiss' kappa per column; ``present`` counts, out of ``coders`` on every unit, who applied it."""
    k = np.asarray(present)
    if coders < 2 or k.shape[0] == 0:
        return np.full(k.shape[1], np.nan)
    n = float(coders)
    hist = _histogram(k, coders)
    v = np.arange(coders + 1)[:, None]
    p_bar = (((v**2 + (n - v) ** 2) * hist).sum(axis=0) / k.shape[0] - n) / (n * (n - 1))
    share = (v * hist).sum(axis=0) / (k.shape[0] * n)
    p_e = share**2 + (1 - share) ** 2
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(p_e < 1.0, (p_bar - p_e) / (1.0 - p_e), np.nan)


def binary_cohen(first: ArrayLike, second: ArrayLike) -> FloatArray:
    """Cohen's kappa per column of two coders' present/absent decisions (units x columns, bool)."""
    a = np.asarray(first, dtype=bool)
    b = np.asarray(second, dtype=bool)
    units = a.shape[0]
    if units == 0:
        return np.full(a.shape[1], np.nan)
    both = np.count_nonzero(a & b, axis=0)
    neither = np.count_nonzero(~a & ~b, axis=0)
    p_a = np.count_nonzero(a, axis=0) / units
    p_b = np.count_nonzero(b, axis=0) / units
    observed = (both + neither) / units
    expected = p_a * p_b + (1 - p_a) * (1 - p_b)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(expected < 1.0, (observed - expected) / (1.0 - expected), np.nan)


def binary_agreement(present: ArrayLike, coders: int) -> FloatArray:
    """Per column, the share of units on which all ``coders`` agree (all applied it, or none)."""
    k = np.asarray(present)
    if k.shape[0] == 0:
        return np.full(k.shape[1], np.nan)
    return ((k == 0) | (k == coders)).mean(axis=0)


__all__ = [
    "LEVELS",
    "alpha_from_counts",
    "binary_agreement",
    "binary_alpha",
    "binary_alpha_from_parts",
    "binary_alpha_parts",
    "binary_cohen",
    "binary_fleiss",
    "category_counts",
    "cohen_kappa",
    "fleiss_kappa",
    "fleiss_kappa_from_counts",
    "krippendorff_alpha",
    "percent_agreement",
]
