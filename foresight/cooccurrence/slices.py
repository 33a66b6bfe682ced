"""Co-occurrence slice by slice: one matrix per period, source type, actor type or source."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
from sqlalchemy import select

from foresight.cooccurrence.matrix import Cooccurrence, from_selection
from foresight.cooccurrence.selection import Codings, Filters, load
from foresight.errors import ForesightError
from foresight.project import Project
from foresight.store.schema import Source

SLICES = ("period", "source-type", "actor-type", "source")
NONE_LABEL = {"period": "no period", "source-type": "no type", "actor-type": "no actor type", "source": "?"}


def cooccurrence_by(
    project: Project,
    by: str,
    codings: Codings | None = None,
    filters: Filters | None = None,
    *,
    rows: str | None = None,
    cols: str | None = None,
) -> list[tuple[str, Cooccurrence]]:
    """One co-occurrence result per value of ``by`` (periods in the project's order, other
    values sorted; units without a value last), from a single read of the store."""
    if by not in SLICES:
        slices = ", ".join(SLICES)
        raise ForesightError(f"--by {by}: slices are by {slices}; --by selection counts selections")
    selection = load(project, codings, filters, meta=True)
    if not len(selection.units):
        raise ForesightError(f"no coded units in this selection ({selection.codings.label()})")
    if by == "period":
        of_unit: dict[int, Any] = selection.unit_period
        order = [p.name for p in project.config.periods]
    else:
        with project.session() as session:
            column = {
                "source-type": Source.source_type,
                "actor-type": Source.actor_type,
                "source": Source.id,
            }[by]
            wanted = sorted(set(selection.unit_source.values()))
            value_of: dict[int, Any] = {}
            for start in range(0, len(wanted), 500):
                chunk = wanted[start : start + 500]
                value_of.update(session.execute(select(Source.id, column).where(Source.id.in_(chunk))).all())
        of_unit = {unit: value_of.get(source) for unit, source in selection.unit_source.items()}
        order = sorted({v for v in value_of.values() if v is not None}, key=lambda v: (str(type(v)), v))
    values = np.array([of_unit.get(int(u)) for u in selection.units], dtype=object)
    found = set(values.tolist())
    results = []
    for value in [v for v in order if v in found] + ([None] if None in found else []):
        keep = values == value if value is not None else np.array([v is None for v in values], dtype=bool)
        part = replace(selection, units=selection.units[keep], cols=selection.cols[keep])
        label = NONE_LABEL[by] if value is None else str(value)
        results.append((label, from_selection(part, rows=rows, cols=cols)))
    return results


def slices_json(
    by: str,
    results: list[tuple[str, Cooccurrence]],
    *,
    min_count: int = 1,
    all_pairs: bool = False,
    stats: bool = False,
    measure: str = "c",
) -> dict[str, Any]:
    """``foresight cooccurrence --by ... --json``: the slice's value beside each usual object."""
    return {
        "by": by,
        "slices": [
            {
                "slice": label,
                **result.as_json(min_count=min_count, all_pairs=all_pairs, stats=stats, measure=measure),
            }
            for label, result in results
        ],
    }
