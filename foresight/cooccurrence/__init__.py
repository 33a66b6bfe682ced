"""Co-occurrence analysis: the unit x code matrix, the c-coefficient, trends, bursts, networks."""

from foresight.cooccurrence.matrix import (
    Cooccurrence,
    c_coefficient,
    cooccurrence,
    cooccurrence_counts,
    from_selection,
    supporting_units,
)
from foresight.cooccurrence.selection import CodeInfo, Codings, Filters, Selection, load

__all__ = [
    "CodeInfo",
    "Codings",
    "Cooccurrence",
    "Filters",
    "Selection",
    "c_coefficient",
    "cooccurrence",
    "cooccurrence_counts",
    "from_selection",
    "load",
    "supporting_units",
]
