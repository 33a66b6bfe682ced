"""Code co-occurrence on the 0-1 scale: counts, the c-coefficient, shares, lift and Fisher's test.

For codes a and b with n_a and n_b units each and n_ab units carrying both,
c = n_ab / (n_a + n_b - n_ab): 0 when they never meet, 1 when every unit with either has both
(the Jaccard index over unit sets; ATLAS.ti's c-coefficient). See METHODS.md.

The co-word measures beside it (:data:`MEASURES`), over the N coded units of the selection:
inclusion n_ab / min(n_a, n_b) (1 when every unit of the rarer code carries the other);
association strength n_ab / (n_a n_b) (van Eck & Waltman 2009, as METHODS.md states it: the
observed count over the product of the codes' counts, proportional to observed / expected;
N times it is the lift); lift n_ab N / (n_a n_b); and Callon's equivalence index
n_ab^2 / (n_a n_b), the link strength of the strategic diagram.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.stats import hypergeom
from sqlalchemy import select

from foresight.cooccurrence.selection import CodeInfo, Codings, Filters, Selection, load
from foresight.errors import ForesightError
from foresight.project import Project
from foresight.store.schema import Source, Unit

UNBALANCED = 5.0  # a pair is flagged when one code is used more than this many times as often


def c_coefficient(n_ab: np.ndarray, n_a: np.ndarray, n_b: np.ndarray) -> np.ndarray:
    """n_ab / (n_a + n_b - n_ab), and 0 where no unit carries either code."""
    n_ab, n_a, n_b = (np.asarray(x, dtype=float) for x in (n_ab, n_a, n_b))
    union = n_a + n_b - n_ab
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(union > 0, n_ab / np.where(union > 0, union, 1), 0.0)


MEASURES: dict[str, str] = {
    "c": "c = n_ab / (n_a + n_b - n_ab)",
    "inclusion": "inclusion = n_ab / min(n_a, n_b)",
    "association": "association = n_ab / (n_a * n_b)",
    "lift": "lift = n_ab * N / (n_a * n_b)",
    "equivalence": "equivalence = n_ab^2 / (n_a * n_b)",
}


def check_measure(name: str) -> str:
    if name not in MEASURES:
        raise ForesightError(f"--measure {name}: choose one of {', '.join(MEASURES)}")
    return name


def measure_values(name: str, n_ab: Any, n_a: Any, n_b: Any, units: int) -> np.ndarray:
    """The measure ``name`` of each pair; 0 where a code is unused."""
    check_measure(name)
    n_ab, n_a, n_b = (np.asarray(x, dtype=float) for x in (n_ab, n_a, n_b))
    if name == "c":
        return c_coefficient(n_ab, n_a, n_b)
    below = {
        "inclusion": np.minimum(n_a, n_b),
        "association": n_a * n_b,
        "lift": n_a * n_b / max(units, 1),
        "equivalence": n_a * n_b,
    }[name]
    above = n_ab * n_ab if name == "equivalence" else n_ab
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(below > 0, above / np.where(below > 0, below, 1), 0.0)


def cooccurrence_counts(matrix: sp.spmatrix) -> np.ndarray:
    """The code x code matrix of n_ab (n_a on the diagonal) from a binary unit x code matrix."""
    product = (matrix.T @ matrix).toarray()
    return np.asarray(product, dtype=np.int64)


@dataclass
class Cooccurrence:
    """Counts and coefficients for the codes of a selection; ``rows`` x ``cols`` index ``codes``."""

    codes: list[CodeInfo]
    counts: np.ndarray  # code x code n_ab, n_a on the diagonal
    units: int  # N: units carrying at least one counted code
    codings: Codings
    filters: Filters
    rows: list[int]
    cols: list[int]
    groups: tuple[str | None, str | None] = (None, None)
    counted: str = "units"  # what n_a, n_ab and N count: units, or selections (by_selection)

    @property
    def n(self) -> np.ndarray:
        return np.diag(self.counts).copy()

    def c(self) -> np.ndarray:
        """The code x code matrix of c-coefficients (1 on the diagonal of a used code)."""
        n = self.n
        return c_coefficient(self.counts, n[:, None], n[None, :])

    def _pair_indices(self, all_pairs: bool) -> tuple[np.ndarray, np.ndarray]:
        square = self.rows == self.cols
        a_list, b_list = [], []
        for ia, a in enumerate(self.rows):
            for b in self.cols[ia + 1 :] if square else self.cols:
                if a != b and (all_pairs or self.counts[a, b] > 0):
                    a_list.append(a)
                    b_list.append(b)
        return np.array(a_list, dtype=np.int64), np.array(b_list, dtype=np.int64)

    def pairs(
        self, *, min_count: int = 1, all_pairs: bool = False, stats: bool = False, measure: str = "c"
    ) -> list[dict[str, Any]]:
        """One entry per pair of codes (rows x cols), strongest first by ``measure`` (c by default;
        another measure is added to the entry under its name).

        Pairs with ``n_ab`` below ``min_count`` are left out unless ``all_pairs``. With
        ``stats``: conditional shares, expected count, lift, one-sided Fisher p (``p_one_sided``,
        and ``p``, its earlier name), and the 5-fold ``unbalanced`` flag.
        """
        check_measure(measure)
        a, b = self._pair_indices(all_pairs)
        n = self.n
        n_ab = self.counts[a, b] if len(a) else np.zeros(0, dtype=np.int64)
        if not all_pairs:
            keep = n_ab >= max(min_count, 1)
            a, b, n_ab = a[keep], b[keep], n_ab[keep]
        n_a, n_b = n[a], n[b]
        c = c_coefficient(n_ab, n_a, n_b)
        chosen = c if measure == "c" else measure_values(measure, n_ab, n_a, n_b, self.units)
        result: list[tuple[float, int, int, int, dict[str, Any]]] = []
        if stats:
            total = self.units
            with np.errstate(divide="ignore", invalid="ignore"):
                share_a = np.where(n_a > 0, n_ab / np.maximum(n_a, 1), 0.0)
                share_b = np.where(n_b > 0, n_ab / np.maximum(n_b, 1), 0.0)
                expected = n_a * n_b / max(total, 1)
                lift = np.where(expected > 0, n_ab / np.where(expected > 0, expected, 1), 0.0)
            # P(X >= n_ab) for X hypergeometric: the one-sided Fisher exact test of the 2x2 table
            p = hypergeom.sf(n_ab - 1, max(total, 1), n_a, n_b) if len(a) else np.zeros(0)
            low, high = np.minimum(n_a, n_b), np.maximum(n_a, n_b)
            unbalanced = high > UNBALANCED * low
        for k in range(len(a)):
            ca, cb = self.codes[a[k]], self.codes[b[k]]
            entry: dict[str, Any] = {
                "code_a": ca.id,
                "code_b": cb.id,
                "name_a": ca.name,
                "name_b": cb.name,
                "n_a": int(n_a[k]),
                "n_b": int(n_b[k]),
                "n_ab": int(n_ab[k]),
                "c": round(float(c[k]), 6),
            }
            if measure != "c":
                entry[measure] = round(float(chosen[k]), 9 if measure == "association" else 6)
            if stats:
                entry.update(
                    share_a=round(float(share_a[k]), 6),
                    share_b=round(float(share_b[k]), 6),
                    expected=round(float(expected[k]), 6),
                    lift=round(float(lift[k]), 6),
                    p_one_sided=float(min(max(p[k], 0.0), 1.0)),
                    unbalanced=bool(unbalanced[k]),
                )
                entry["p"] = entry["p_one_sided"]  # the name documented before, kept in the JSON
            result.append((-float(chosen[k]), -entry["n_ab"], int(a[k]), int(b[k]), entry))
        result.sort(key=lambda row: row[:4])  # ties in codebook order
        return [row[4] for row in result]

    def code_list(self) -> list[dict[str, Any]]:
        shown = sorted(set(self.rows) | set(self.cols))
        n = self.n
        return [{"id": self.codes[i].id, "name": self.codes[i].name, "n": int(n[i])} for i in shown]

    def as_json(
        self, *, min_count: int = 1, all_pairs: bool = False, stats: bool = False, measure: str = "c"
    ) -> dict[str, Any]:
        """The documented ``foresight cooccurrence --json`` object."""
        filters = self.filters.describe()
        if self.groups != (None, None):
            filters["rows"], filters["cols"] = self.groups
        return {
            "measure": MEASURES[check_measure(measure)],
            "codings": self.codings.describe(),
            "filters": filters,
            **({"counted": self.counted} if self.counted != "units" else {}),
            self.counted: self.units,
            "codes": self.code_list(),
            "pairs": self.pairs(min_count=min_count, all_pairs=all_pairs, stats=stats, measure=measure),
        }

    def frame(
        self, *, min_count: int = 1, all_pairs: bool = False, stats: bool = False, measure: str = "c"
    ) -> pd.DataFrame:
        """The pairs as rows (the p column once, as ``p_one_sided``)."""
        columns = ["code_a", "code_b", "name_a", "name_b", "n_a", "n_b", "n_ab", "c"]
        rows = self.pairs(min_count=min_count, all_pairs=all_pairs, stats=stats, measure=measure)
        for row in rows:
            row.pop("p", None)
        return pd.DataFrame(rows, columns=None if rows else columns)

    def matrix_frame(self, value: str = "c") -> pd.DataFrame:
        """The rows x cols matrix of ``c`` or ``n_ab`` as a DataFrame labelled by code ids."""
        data = self.c() if value == "c" else self.counts
        return pd.DataFrame(
            data[np.ix_(self.rows, self.cols)],
            index=[self.codes[i].id for i in self.rows],
            columns=[self.codes[i].id for i in self.cols],
        )


def _group_columns(selection: Selection, group: str | None) -> list[int]:
    if group is None:
        return list(range(len(selection.codes)))
    found = [i for i, c in enumerate(selection.codes) if c.group == group]
    if not found:
        known = sorted({c.group for c in selection.codes if c.group})
        raise ForesightError(f"no code group {group!r}; the codebook's groups are: {', '.join(known)}")
    return found


def from_selection(selection: Selection, *, rows: str | None = None, cols: str | None = None) -> Cooccurrence:
    """Co-occurrence of a loaded selection; ``rows``/``cols`` name code groups for a rectangular matrix."""
    matrix = selection.matrix()
    counts = (
        cooccurrence_counts(matrix)
        if matrix.shape[0]
        else np.zeros((len(selection.codes), len(selection.codes)), dtype=np.int64)
    )
    units = int(np.count_nonzero(np.diff(matrix.indptr))) if matrix.shape[0] else 0
    return from_counts(selection, counts, units, rows=rows, cols=cols)


def from_counts(
    selection: Selection,
    counts: np.ndarray,
    n: int,
    *,
    rows: str | None = None,
    cols: str | None = None,
    counted: str = "units",
) -> Cooccurrence:
    """The result of code x code ``counts`` over ``n`` coded units (or what ``counted`` names) of
    a selection's codes; ``rows``/``cols`` name code groups for a rectangular matrix."""
    return Cooccurrence(
        codes=selection.codes,
        counts=counts,
        units=n,
        codings=selection.codings,
        filters=selection.filters,
        rows=_group_columns(selection, rows),
        cols=_group_columns(selection, cols if cols is not None else rows),
        groups=(rows, cols) if (rows, cols) != (None, None) else (None, None),
        counted=counted,
    )


def nothing_coded(codings: Codings, filters: Filters, what: str = "units") -> ForesightError:
    where = f"; {filters.label()}" if filters.label() else ""
    return ForesightError(f"no coded {what} in this selection ({codings.label()}{where})")


def cooccurrence(
    project: Project,
    codings: Codings | None = None,
    filters: Filters | None = None,
    *,
    rows: str | None = None,
    cols: str | None = None,
) -> Cooccurrence:
    """Co-occurrence of the project's codes under ``codings`` on the units ``filters`` selects."""
    selection = load(project, codings, filters)
    if not len(selection.units):
        raise nothing_coded(selection.codings, selection.filters)
    return from_selection(selection, rows=rows, cols=cols)


def supporting_units(
    project: Project,
    code_a: str,
    code_b: str,
    codings: Codings | None = None,
    filters: Filters | None = None,
) -> list[dict[str, Any]]:
    """The units carrying both codes (under the same selection), with their text, source and date."""
    selection = load(project, codings, filters)
    ia, ib = selection.column(code_a), selection.column(code_b)
    units_a = set(selection.units[selection.cols == ia].tolist())
    both = sorted(units_a & set(selection.units[selection.cols == ib].tolist()))
    found: list[dict[str, Any]] = []
    with project.session() as session:
        for start in range(0, len(both), 500):
            chunk = both[start : start + 500]
            rows = session.execute(
                select(Unit.id, Unit.ordinal, Unit.text, Unit.period, Source.id, Source.title, Source.date)
                .join(Source, Source.id == Unit.source_id)
                .where(Unit.id.in_(chunk))
                .order_by(Unit.id)
            ).all()
            for r in rows:
                found.append(
                    {
                        "unit_id": r[0],
                        "ordinal": r[1],
                        "text": r[2],
                        "period": r[3],
                        "source_id": r[4],
                        "source": r[5],
                        "date": r[6].isoformat() if r[6] else None,
                    }
                )
    return found
