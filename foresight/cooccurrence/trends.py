"""Emerging-trend flags: how codes and code pairs change between periods (Yoon 2012's maps).

For an item i (a code, or a pair of codes) in periods j = 1..n of the window, TF_ij counts
the units carrying it, DF_ij the distinct sources it occurs in, NN_j the sources with coded
units in period j. With the time weight tw,

    DoV_ij = TF_ij / NN_j * (1 - tw * (n - j))     (degree of visibility)
    DoD_ij = DF_ij / NN_j * (1 - tw * (n - j))     (degree of diffusion)

and an item's growth is the mean per-period growth rate of its DoV (DoD beside it). Each item
is placed on an emergence map: its level (a pair's mean c over the periods; a code's mean
share of the coded units) against its growth, split at thresholds (by default the medians, as
Yoon does, for the level; for growth, the tilt the time weight alone gives a flat series):
high and growing = strong signal, low but growing = weak signal, high and flat =
established, low and flat = latent. An item absent before the last period is novel and counts
as growing. Evidence counts distinct sources, so one long report cannot make a trend.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import select

from foresight.cooccurrence.emergence import EmergenceSettings, emergence, span
from foresight.cooccurrence.matrix import c_coefficient
from foresight.cooccurrence.selection import Codings, Filters, Selection, load
from foresight.errors import ForesightError
from foresight.project import Project
from foresight.store.schema import Source

STRONG, WEAK, ESTABLISHED, LATENT = "strong signal", "weak signal", "established", "latent"
CLASSES = (STRONG, WEAK, ESTABLISHED, LATENT)


@dataclass(frozen=True)
class TrendSettings:
    """Thresholds of the emergence map; ``None`` means the median over the items ranked."""

    time_weight: float = 0.05  # Yoon (2012)
    c_threshold: float | None = None  # a pair's mean c above this is "high"
    share_threshold: float | None = None  # a code's mean share of coded units above this is "high"
    # mean DoV growth per period above this is "growing"; None: the growth a flat series gets
    # from the time weight alone, so that "growing" means growing faster than the weighting
    growth_threshold: float | None = None
    min_count: int = 3  # fewest units over the window for an item to be ranked
    min_sources: int = 2  # fewest distinct sources over the window for an item to be ranked
    # Porter et al.'s emergence score beside the flags (None: not computed)
    emergence: EmergenceSettings | None = None


def classify(high: bool, growing: bool) -> str:
    if growing:
        return STRONG if high else WEAK
    return ESTABLISHED if high else LATENT


def growth_rate(values: list[float]) -> float | None:
    """The mean of (v_j - v_j-1) / v_j-1 over the steps whose earlier value is above 0."""
    steps = [(b - a) / a for a, b in zip(values, values[1:], strict=False) if a > 0]
    return float(np.mean(steps)) if steps else None


def time_weights(periods: int, tw: float) -> np.ndarray:
    return np.array([1 - tw * (periods - j) for j in range(1, periods + 1)])


def window(project: Project, start: str | None, end: str | None, names: list[str] | None = None) -> list[str]:
    """The names of the periods from ``start`` to ``end`` (both included), in order: the
    project's periods, or ``names`` (e.g. years) when given."""
    given = names is not None
    names = names if names is not None else [p.name for p in project.config.periods]
    where = "years of the sources' dates" if given else "project's periods"
    for name in (start, end):
        if name is not None and name not in names:
            listed = ", ".join(names) if names else "none (add [[periods]] to foresight.toml)"
            raise ForesightError(f"unknown period {name!r}; the {where} are: {listed}")
    first = names.index(start) if start is not None else 0
    last = names.index(end) if end is not None else len(names) - 1
    chosen = names[first : last + 1]
    if len(chosen) < 2:
        raise ForesightError(
            f"trends compare at least two periods; the window holds {len(chosen)} "
            f"({', '.join(chosen) or 'none'}); the {where} are: {', '.join(names) or 'none'}"
        )
    return chosen


def _years(project: Project, selection: Selection) -> tuple[list[str], dict[int, str | None]]:
    """Every year from the first to the last of the selection's dated sources, and each unit's
    year (None for a source without a date)."""
    wanted = sorted(set(selection.unit_source.values()))
    dates: dict[int, Any] = {}
    with project.session() as session:
        for first in range(0, len(wanted), 500):
            chunk = wanted[first : first + 500]
            dates.update(session.execute(select(Source.id, Source.date).where(Source.id.in_(chunk))).all())
    years = {s: d.year for s, d in dates.items() if d is not None}
    if not years:
        raise ForesightError(f"no coded units with a dated source ({selection.codings.label()})")
    names = [str(y) for y in range(min(years.values()), max(years.values()) + 1)]
    return names, {u: (str(years[s]) if s in years else None) for u, s in selection.unit_source.items()}


def _long_table(selection: Selection, periods: list[str], of_unit: dict[int, str | None]) -> pd.DataFrame:
    frame = pd.DataFrame({"unit": selection.units, "col": selection.cols})
    frame["source"] = frame["unit"].map(selection.unit_source)
    frame["period"] = frame["unit"].map(of_unit)
    return frame[frame["period"].isin(periods)].reset_index(drop=True)


def _source_titles(project: Project, ids: set[int]) -> dict[int, str]:
    titles: dict[int, str] = {}
    wanted = sorted(ids)
    with project.session() as session:
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            titles.update(session.execute(select(Source.id, Source.title).where(Source.id.in_(chunk))).all())
    return titles


def _threshold(given: float | None, values: list[float]) -> float:
    if given is not None:
        return given
    return float(np.median(values)) if values else 0.0


@dataclass(frozen=True)
class Evidence:
    """The distinct units and sources (sorted) an item rests on."""

    units: np.ndarray
    sources: np.ndarray


def _evidence(frame: pd.DataFrame, keys: list[str]) -> dict[tuple[int, ...], Evidence]:
    """Each key's distinct units and sources, in one sort of the whole frame."""
    key_values = frame[keys].to_numpy(dtype=np.int64)
    units, sources = frame["unit"].to_numpy(dtype=np.int64), frame["source"].to_numpy(dtype=np.int64)
    order = np.lexsort(key_values.T[::-1])
    key_values, units, sources = key_values[order], units[order], sources[order]
    starts = np.flatnonzero(np.r_[True, (key_values[1:] != key_values[:-1]).any(axis=1)])
    bounds = np.r_[starts, len(order)]
    return {
        tuple(int(k) for k in key_values[a]): Evidence(np.unique(units[a:b]), np.unique(sources[a:b]))
        for a, b in zip(bounds[:-1], bounds[1:], strict=True)
    }


def trends(
    project: Project,
    codings: Codings | None = None,
    filters: Filters | None = None,
    *,
    start: str | None = None,
    end: str | None = None,
    settings: TrendSettings | None = None,
    by: str | None = None,
) -> dict[str, Any]:
    """Codes and code pairs ranked by their change over the periods of the window, classed and
    with their evidence. The periods are the project's, or with ``by="year"`` every year of the
    sources' dates. The result is the documented ``foresight trends --json`` object."""
    settings = settings or TrendSettings()
    filters = filters or Filters()
    if filters.periods:
        raise ForesightError("trends take their periods from --from and --to, not --period")
    if by not in (None, "period", "year"):
        raise ForesightError(f"--by {by}: trends run over the project's periods or by year")
    if by == "year":
        selection = load(project, codings, filters, meta=True)
        names, of_unit = _years(project, selection)
        periods = window(project, start, end, names)
    else:
        periods = window(project, start, end)
    scored = span(periods, settings.emergence) if settings.emergence is not None else None
    if by != "year":
        selection = load(project, codings, filters, meta=True)
        of_unit = selection.unit_period
    frame = _long_table(selection, periods, of_unit)
    if frame.empty:
        raise ForesightError(
            f"no coded units in the periods {', '.join(periods)} ({selection.codings.label()})"
        )
    n_periods = len(periods)
    weights = time_weights(n_periods, settings.time_weight)
    index = {p: j for j, p in enumerate(periods)}
    frame["j"] = frame["period"].map(index)
    docs = frame.groupby("j")["source"].nunique().reindex(range(n_periods), fill_value=0).to_numpy()
    coded = frame.groupby("j")["unit"].nunique().reindex(range(n_periods), fill_value=0).to_numpy()

    def per_period(group: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
        tf = group.groupby([*keys, "j"])["unit"].nunique().unstack("j").reindex(columns=range(n_periods))
        df = group.groupby([*keys, "j"])["source"].nunique().unstack("j").reindex(columns=range(n_periods))
        return pd.concat({"tf": tf.fillna(0).astype(int), "df": df.fillna(0).astype(int)}, axis=1)

    singles = per_period(frame, ["col"])
    both = frame.merge(frame[["unit", "col"]], on="unit", suffixes=("_a", "_b"))
    both = both[both["col_a"] < both["col_b"]]
    pairs = per_period(both, ["col_a", "col_b"]) if not both.empty else None

    def curves(tf: np.ndarray, df: np.ndarray) -> dict[str, Any]:
        with np.errstate(divide="ignore", invalid="ignore"):
            dov = np.where(docs > 0, tf / np.maximum(docs, 1), 0.0) * weights
            dod = np.where(docs > 0, df / np.maximum(docs, 1), 0.0) * weights
        novel = bool(tf[-1] > 0 and not tf[:-1].any())
        extra: dict[str, Any] = {}
        if scored is not None:
            base, active = scored
            first = n_periods - len(base) - len(active)
            extra["emergence"] = emergence(tf[first:], coded[first:], len(base), settings.emergence)
        return {
            "growth": None if novel else growth_rate(dov.tolist()),
            "dod_growth": None if novel else growth_rate(dod.tolist()),
            "novel": novel,
            **extra,
        }

    code_items: list[dict[str, Any]] = []
    # plain arrays, row by row: a pandas row lookup per item costs more than the whole sum
    single_tf, single_df = singles["tf"].to_numpy(), singles["df"].to_numpy()
    tf_single = dict(zip(singles.index, single_tf, strict=True))
    for col, tf, df in zip(singles.index, single_tf, single_df, strict=True):
        code = selection.codes[int(col)]
        share = np.where(coded > 0, tf / np.maximum(coded, 1), 0.0)
        code_items.append(
            {
                "code": code.id,
                "name": code.name,
                "level": float(share.mean()),
                "share": dict(zip(periods, np.round(share, 6).tolist(), strict=True)),
                "n": dict(zip(periods, tf.tolist(), strict=True)),
                "sources": dict(zip(periods, df.tolist(), strict=True)),
                **curves(tf, df),
                "_col": int(col),
            }
        )
    pair_items: list[dict[str, Any]] = []
    if pairs is not None:
        for (ca, cb), tf, df in zip(pairs.index, pairs["tf"].to_numpy(), pairs["df"].to_numpy(), strict=True):
            a, b = selection.codes[int(ca)], selection.codes[int(cb)]
            c = c_coefficient(tf, tf_single[ca], tf_single[cb])
            pair_items.append(
                {
                    "code_a": a.id,
                    "code_b": b.id,
                    "name_a": a.name,
                    "name_b": b.name,
                    "level": float(c.mean()),
                    "c": dict(zip(periods, np.round(c, 6).tolist(), strict=True)),
                    "c_change": round(float(c[-1] - c[0]), 6),
                    "n": dict(zip(periods, tf.tolist(), strict=True)),
                    "sources": dict(zip(periods, df.tolist(), strict=True)),
                    **curves(tf, df),
                    "_cols": (int(ca), int(cb)),
                }
            )

    def enough(item: dict[str, Any], rows: Evidence) -> bool:
        return sum(item["n"].values()) >= settings.min_count and len(rows.sources) >= settings.min_sources

    unit_rows = {key[0]: rows for key, rows in _evidence(frame, ["col"]).items()}
    pair_rows = _evidence(both, ["col_a", "col_b"]) if not both.empty else {}
    code_items = [i for i in code_items if enough(i, unit_rows[i["_col"]])]
    pair_items = [i for i in pair_items if enough(i, pair_rows[i["_cols"]])]

    flat = growth_rate(weights.tolist()) or 0.0  # a constant TF / NN, tilted by the time weight only
    used = {
        "time_weight": settings.time_weight,
        "c_threshold": _threshold(settings.c_threshold, [i["level"] for i in pair_items]),
        "share_threshold": _threshold(settings.share_threshold, [i["level"] for i in code_items]),
        "growth_threshold": flat if settings.growth_threshold is None else settings.growth_threshold,
        "min_count": settings.min_count,
        "min_sources": settings.min_sources,
    }
    if scored is not None and settings.emergence is not None:
        used["emergence"] = {
            "base": scored[0],
            "active": scored[1],
            "min_records": settings.emergence.min_records,
            "min_active_periods": settings.emergence.min_active_periods,
            "base_share": settings.emergence.base_share,
            "growth_ratio": settings.emergence.growth_ratio,
        }
    needed: set[int] = set()
    for item in code_items:
        needed.update(unit_rows[item["_col"]].sources.tolist())
    for item in pair_items:
        needed.update(pair_rows[item["_cols"]].sources.tolist())
    titles = _source_titles(project, needed)

    def finish(item: dict[str, Any], rows: Evidence, keys: tuple[str, str], read: str) -> dict[str, Any]:
        level_key, growth_key = keys
        growing = item["novel"] or (item["growth"] is not None and item["growth"] > used[growth_key])
        item["class"] = classify(item["level"] > used[level_key], growing)
        item["level"] = round(item["level"], 6)
        for key in ("growth", "dod_growth"):
            if item[key] is not None:
                item[key] = round(item[key], 6)
        item["evidence"] = {
            "sources": [{"id": s, "title": titles.get(s, "")} for s in rows.sources.tolist()],
            "units": rows.units.tolist(),
            "read": read,
        }
        item.pop("_col", None)
        item.pop("_cols", None)
        return item

    def rank(item: dict[str, Any]) -> tuple[Any, ...]:
        """Pairs by the change of c, then growth; codes by growth (new ones first)."""
        growth = np.inf if item["novel"] else (item["growth"] if item["growth"] is not None else -np.inf)
        return (-item.get("c_change", 0.0), -growth, -item["level"])

    chosen = selection.codings.flags()
    pair_items = [
        finish(
            i,
            pair_rows[i["_cols"]],
            ("c_threshold", "growth_threshold"),
            f"foresight cooccurrence units {i['code_a']} {i['code_b']}{chosen}",
        )
        for i in pair_items
    ]
    code_items = [
        finish(
            i,
            unit_rows[i["_col"]],
            ("share_threshold", "growth_threshold"),
            f"foresight cooccurrence units {i['code']} {i['code']}{chosen}",
        )
        for i in code_items
    ]
    return {
        "periods": periods,
        "codings": selection.codings.describe(),
        "filters": selection.filters.describe(),
        "settings": used,
        "sources_per_period": dict(zip(periods, docs.tolist(), strict=True)),
        "units_per_period": dict(zip(periods, coded.tolist(), strict=True)),
        "pairs": sorted(pair_items, key=rank),
        "codes": sorted(code_items, key=rank),
    }


def trend_tables(report: dict[str, Any]) -> dict[str, pd.DataFrame]:
    """The ranked pairs and codes of a :func:`trends` report as two DataFrames (``pairs``,
    ``codes``), every item in rank order, a column per period for c, n and sources."""
    periods = report["periods"]

    def common(item: dict[str, Any]) -> dict[str, Any]:
        scored = {f"emergence {k}": v for k, v in item["emergence"].items()} if "emergence" in item else {}
        return {
            "growth": item["growth"],
            "dod_growth": item["dod_growth"],
            "novel": item["novel"],
            **scored,
            "sources": len(item["evidence"]["sources"]),
            "units": len(item["evidence"]["units"]),
            "read": item["evidence"]["read"],
        }

    def per_period(item: dict[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
        return {f"{key} {p}": item[key][p] for key in keys for p in periods}

    pairs = [
        {
            "class": i["class"],
            "code_a": i["code_a"],
            "code_b": i["code_b"],
            "name_a": i["name_a"],
            "name_b": i["name_b"],
            "level": i["level"],
            **per_period(i, ("c",)),
            "c_change": i["c_change"],
            **per_period(i, ("n", "sources")),
            **common(i),
        }
        for i in report["pairs"]
    ]
    codes = [
        {
            "class": i["class"],
            "code": i["code"],
            "name": i["name"],
            "level": i["level"],
            **per_period(i, ("share", "n", "sources")),
            **common(i),
        }
        for i in report["codes"]
    ]
    return {"pairs": pd.DataFrame(pairs), "codes": pd.DataFrame(codes)}
