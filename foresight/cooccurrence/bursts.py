"""Bursts of a code over time: Kleinberg's (2002) two-state automaton over batches.

In batch t (a year or a month of source dates), r_t of the d_t coded units carry the code. The
base state emits at p0 = sum r / sum d, the burst state at p1 = s * p0. Being in state q in
batch t costs -ln[C(d_t, r_t) p_q^r_t (1 - p_q)^(d_t - r_t)]; moving up costs gamma * ln(n)
for n batches, moving down is free. The cheapest state sequence (Viterbi) marks the bursts.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import numpy as np
import pandas as pd
from scipy.special import gammaln
from sqlalchemy import select

from foresight.cooccurrence.selection import Codings, Filters, load
from foresight.errors import ForesightError
from foresight.project import Project
from foresight.store.schema import Source

BATCHES = ("year", "month")


def state_costs(r: np.ndarray, d: np.ndarray, p: float) -> np.ndarray:
    """-ln of the binomial probability of r_t among d_t at rate p, per batch."""
    r, d = np.asarray(r, dtype=float), np.asarray(d, dtype=float)
    log_choose = gammaln(d + 1) - gammaln(r + 1) - gammaln(d - r + 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        hits = np.where(r > 0, r * np.log(p) if p > 0 else -np.inf, 0.0)
        misses = np.where(d - r > 0, (d - r) * np.log1p(-p) if p < 1 else -np.inf, 0.0)
    return -(log_choose + hits + misses)


def kleinberg(
    r: list[int] | np.ndarray, d: list[int] | np.ndarray, *, s: float = 2.0, gamma: float = 1.0
) -> list[int]:
    """The minimum-cost state (0 base, 1 burst) of each batch, starting from the base state."""
    r, d = np.asarray(r, dtype=float), np.asarray(d, dtype=float)
    if len(r) != len(d):
        raise ValueError("r and d need one entry per batch")
    if np.any(r > d) or np.any(r < 0):
        raise ValueError("each batch needs 0 <= r_t <= d_t")
    n = len(r)
    if n == 0 or d.sum() == 0:
        return [0] * n
    p0 = r.sum() / d.sum()
    p1 = min(s * p0, 1 - 1e-9)
    if p0 == 0 or p1 <= p0:
        return [0] * n
    costs = np.vstack([state_costs(r, d, p0), state_costs(r, d, p1)])
    up = gamma * math.log(n) if n > 1 else 0.0
    total = np.array([costs[0, 0], costs[1, 0] + up])
    back = np.zeros((n, 2), dtype=int)
    for t in range(1, n):
        stay_low, climb = total[0], total[0] + up
        fall, stay_high = total[1], total[1]
        back[t, 0] = 0 if stay_low <= fall else 1
        back[t, 1] = 0 if climb < stay_high else 1
        total = np.array([min(stay_low, fall) + costs[0, t], min(climb, stay_high) + costs[1, t]])
    states = [int(np.argmin(total))]
    for t in range(n - 1, 0, -1):
        states.append(int(back[t, states[-1]]))
    return states[::-1]


def _label(day: dt.date, by: str) -> str:
    return f"{day.year}" if by == "year" else f"{day.year}-{day.month:02d}"


def _labels(first: dt.date, last: dt.date, by: str) -> list[str]:
    if by == "year":
        return [str(y) for y in range(first.year, last.year + 1)]
    months = (last.year - first.year) * 12 + last.month - first.month
    return [
        f"{first.year + (first.month - 1 + k) // 12}-{(first.month - 1 + k) % 12 + 1:02d}"
        for k in range(months + 1)
    ]


def bursts(
    project: Project,
    codings: Codings | None = None,
    filters: Filters | None = None,
    *,
    by: str = "year",
    s: float = 2.0,
    gamma: float = 1.0,
) -> dict[str, Any]:
    """Each code's counts per batch and its bursts; codes with a burst first."""
    if by not in BATCHES:
        raise ForesightError(f"--by {by}: batches are by year or by month")
    selection = load(project, codings, filters, meta=True)
    frame = pd.DataFrame({"unit": selection.units, "col": selection.cols})
    frame["source"] = frame["unit"].map(selection.unit_source)
    frame = frame.dropna(subset=["source"])
    with project.session() as session:
        wanted = sorted({int(x) for x in frame["source"].unique()})
        dates: dict[int, dt.date | None] = {}
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            dates.update(session.execute(select(Source.id, Source.date).where(Source.id.in_(chunk))).all())
    frame["date"] = frame["source"].map(dates)
    undated = int(frame.loc[frame["date"].isna(), "unit"].nunique())
    frame = frame.dropna(subset=["date"])
    if frame.empty:
        raise ForesightError(f"no coded units with a dated source ({selection.codings.label()})")
    labels = _labels(min(frame["date"]), max(frame["date"]), by)
    frame["batch"] = frame["date"].map(lambda day: _label(day, by))
    d = frame.groupby("batch")["unit"].nunique().reindex(labels, fill_value=0).to_numpy()
    codes = []
    for col, group in frame.groupby("col"):
        r = group.groupby("batch")["unit"].nunique().reindex(labels, fill_value=0).to_numpy()
        states = kleinberg(r, d, s=s, gamma=gamma)
        runs, t = [], 0
        while t < len(states):
            if states[t] == 1:
                end = t
                while end + 1 < len(states) and states[end + 1] == 1:
                    end += 1
                units = int(r[t : end + 1].sum())
                runs.append(
                    {
                        "start": labels[t],
                        "end": labels[end],
                        "units": units,
                        "share": round(units / max(int(d[t : end + 1].sum()), 1), 6),
                    }
                )
                t = end + 1
            else:
                t += 1
        code = selection.codes[int(col)]
        codes.append({"code": code.id, "name": code.name, "counts": r.tolist(), "bursts": runs})
    codes.sort(key=lambda c: (not c["bursts"], -sum(b["units"] for b in c["bursts"])))
    return {
        "by": by,
        "s": s,
        "gamma": gamma,
        "codings": selection.codings.describe(),
        "filters": selection.filters.describe(),
        "batches": labels,
        "units_per_batch": d.tolist(),
        "undated_units": undated,
        "codes": codes,
    }


def burst_tables(report: dict[str, Any]) -> dict[str, pd.DataFrame]:
    """A :func:`bursts` report as DataFrames: ``bursts`` (a row per burst, as printed) and
    ``codes`` (each code's coded units per batch)."""
    runs = [{"code": c["code"], "name": c["name"], **run} for c in report["codes"] for run in c["bursts"]]
    counts = [
        {"code": c["code"], "name": c["name"], **dict(zip(report["batches"], c["counts"], strict=True))}
        for c in report["codes"]
    ]
    return {
        "bursts": pd.DataFrame(runs, columns=["code", "name", "start", "end", "units", "share"]),
        "codes": pd.DataFrame(counts, columns=["code", "name", *report["batches"]]),
    }
