"""The emergence score of Porter, Carley et al. (2018, "Emergence scoring to identify frontier
R&D topics and key players", TFSC 146), as the public pygrams project computes it.

Over a window of periods the last ``active`` (7 by default) are the active span and up to
``base`` (3) before them the base. With x_j an item's count (units carrying it) in active
period j and T_j all coded units of that period, each count is read against sqrt(T_j):

    active trend  = sum(x of the last h) / sum(sqrt T of the last h)
                    - sum(x of the first h) / sum(sqrt T of the first h)       h = active // 2
    recent trend  = 10 * [ (x_-2 + x_-1) / (sqrt T_-2 + sqrt T_-1)
                           - (x_-4 + x_-3) / (sqrt T_-4 + sqrt T_-3) ]
    slope         = 10 * (x_-1 / sqrt T_-1 - x_m / sqrt T_m) / (active - 1 - m)   m = active // 2
    score         = 2 * active trend + recent trend + slope

With 7 active periods these are Porter's terms exactly (h = 3, m = 3: periods 1-3 against 5-7,
6-7 against 4-5, period 4 to 7 over 3 steps); with 4 to 6 the same terms on the shorter span.
A period without coded units adds nothing to either side of a ratio. Porter also asks of an
emergent term that it be rare in the base (under 15% of the base's records), grow (more than
twice as many records in the active span as in the base), occur in at least 7 records and in
at least 3 active periods; ``eligible`` says whether an item passes all four.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from foresight.errors import ForesightError

MIN_ACTIVE = 4  # the recent trend compares the last two active periods with the two before


@dataclass(frozen=True)
class EmergenceSettings:
    active: int = 7  # Porter et al.: a 10-year window, 3 base years and 7 active ones
    base: int = 3
    min_records: int = 7  # an emergent term occurs in at least this many records
    min_active_periods: int = 3  # ... in at least this many active periods
    base_share: float = 0.15  # ... in under this share of the base's records
    growth_ratio: float = 2.0  # ... and its active records exceed this multiple of its base records


def span(periods: list[str], settings: EmergenceSettings) -> tuple[list[str], list[str]]:
    """The base and active periods of a window: the last ``active`` periods (fewer when the
    window is short, keeping one for the base) and up to ``base`` before them."""
    active = min(settings.active, len(periods) - 1)
    if settings.active < MIN_ACTIVE or active < MIN_ACTIVE:
        raise ForesightError(
            f"the emergence score needs at least {MIN_ACTIVE + 1} periods ({MIN_ACTIVE} active ones and a "
            f"base before them); the window holds {len(periods)} ({', '.join(periods)})"
        )
    base = min(settings.base, len(periods) - active)
    return periods[len(periods) - active - base : len(periods) - active], periods[len(periods) - active :]


def _ratio(counts: np.ndarray, roots: np.ndarray) -> float:
    below = float(roots.sum())
    return float(counts.sum()) / below if below > 0 else 0.0


def score_terms(counts: np.ndarray, totals: np.ndarray) -> dict[str, float]:
    """The three terms and the score of active-span ``counts`` against period ``totals``."""
    x, roots = np.asarray(counts, dtype=float), np.sqrt(np.asarray(totals, dtype=float))
    a = len(x)
    if a < MIN_ACTIVE:
        raise ForesightError(f"the emergence score needs at least {MIN_ACTIVE} active periods, not {a}")
    h = m = a // 2
    active_trend = _ratio(x[a - h :], roots[a - h :]) - _ratio(x[:h], roots[:h])
    recent_trend = 10 * (_ratio(x[a - 2 :], roots[a - 2 :]) - _ratio(x[a - 4 : a - 2], roots[a - 4 : a - 2]))
    slope = 10 * (_ratio(x[a - 1 :], roots[a - 1 :]) - _ratio(x[m : m + 1], roots[m : m + 1])) / (a - 1 - m)
    return {
        "active_trend": active_trend,
        "recent_trend": recent_trend,
        "slope": slope,
        "score": 2 * active_trend + recent_trend + slope,
    }


def emergence(
    counts: np.ndarray, totals: np.ndarray, base: int, settings: EmergenceSettings | None = None
) -> dict[str, Any]:
    """The score, its terms and Porter's eligibility of one item; ``counts`` and ``totals`` run
    over the base periods (the first ``base``) and then the active ones."""
    settings = settings or EmergenceSettings()
    counts, totals = np.asarray(counts), np.asarray(totals)
    terms = score_terms(counts[base:], totals[base:])
    base_records, active_records = int(counts[:base].sum()), int(counts[base:].sum())
    base_all = int(totals[:base].sum())
    share = base_records / base_all if base_all else 0.0
    active_periods = int(np.count_nonzero(counts[base:]))
    eligible = (
        base_records + active_records >= settings.min_records
        and active_periods >= settings.min_active_periods
        and share < settings.base_share
        and active_records > settings.growth_ratio * base_records
    )
    return {
        "score": round(terms["score"], 6),
        "active_trend": round(terms["active_trend"], 6),
        "recent_trend": round(terms["recent_trend"], 6),
        "slope": round(terms["slope"], 6),
        "active_periods": active_periods,
        "base_records": base_records,
        "active_records": active_records,
        "base_share": round(share, 6),
        "eligible": bool(eligible),
    }
