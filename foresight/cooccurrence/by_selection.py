"""Co-occurrence counted over selections, not units (``foresight cooccurrence --by selection``).

A selection is a passage of a source's text that carries codes: each distinct span (source,
start, end) the counted codings carry, and, for a coding without spans, its whole unit. One span
carried by several codings (several codes, several coders, or a selection across units) is one
selection carrying each of their codes.

- n_a counts the selections carrying code a.
- Codes a and b co-occur where a selection carrying a and one carrying b overlap (share at least
  one character), a selection carrying both overlapping itself: ATLAS.ti's co-occurrence of codes
  on the same or overlapping quotations. n_ab counts the places where they meet: the groups of
  a's and b's selections joined by such overlaps. Where no selection overlaps more than one of
  the other code this is ATLAS.ti's count of co-occurring quotation pairs; where one long
  selection of a overlaps two selections of b, ATLAS.ti counts two and its c-coefficient can pass
  1 (it marks the cell), here they count as one place, so that n_ab never exceeds n_a or n_b and
  every measure keeps its range.
- N, the number the lift and Fisher's test take, counts the coded selections.
"""

from __future__ import annotations

import itertools
from collections import defaultdict

import numpy as np

from foresight.cooccurrence.matrix import Cooccurrence, from_counts, nothing_coded
from foresight.cooccurrence.selection import (
    Codings,
    Filters,
    Selection,
    _eligible_sql,
    _fetch,
    codebook_codes,
    whose,
)
from foresight.errors import ForesightError
from foresight.project import Project

NO_CONSENSUS = "--by selection counts each coder's own selections; --consensus K counts units: leave one out"

Span = tuple[int, int, int]  # source id, start, end


def selections(
    project: Project, codings: Codings, filters: Filters
) -> tuple[list[Span], list[set[int]], Selection]:
    """The selections that count, in text order, the code rows each carries, and an empty
    :class:`Selection` with the codes (for the columns of the result)."""
    if codings.consensus is not None:
        raise ForesightError(NO_CONSENSUS)
    codes, retired = codebook_codes(project, filters)
    where, params = whose(codings, "c")
    eligible, eligible_params = _eligible_sql(filters, False)
    where = (where + " AND" if where else " WHERE") + f" c.unit_id IN ({eligible})"
    sql = (
        'SELECT c.id, c.code_id, u.source_id, u.start, u."end" FROM coding c JOIN unit u ON u.id = c.unit_id'
    )
    rows = _fetch(project, sql + where, [*params, *eligible_params])
    spans: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for coding, start, end in _fetch(project, 'SELECT coding_id, start, "end" FROM coding_span', []):
        spans[coding].append((start, end))
    column = {code.row: i for i, code in enumerate(codes)}
    carried: dict[Span, set[int]] = defaultdict(set)
    for coding, code, source, start, end in rows:
        if code in column:
            for a, b in spans.get(coding) or [(start, end)]:
                carried[(source, a, b)].add(column[code])
    used = set().union(*carried.values()) if carried else set()
    kept = [i for i, code in enumerate(codes) if code.row not in retired or i in used]
    renumber = {old: new for new, old in enumerate(kept)}
    order = sorted(carried)
    empty = np.zeros(0, dtype=np.int64)
    selection = Selection([codes[i] for i in kept], empty, empty, codings, filters)
    return order, [{renumber[c] for c in carried[key]} for key in order], selection


def meeting_counts(spans: list[Span], carries: list[set[int]], n_codes: int) -> np.ndarray:
    """The code x code matrix of n_ab (n_a on the diagonal) over selections in text order."""
    counts = np.zeros((n_codes, n_codes), dtype=np.int64)
    parent: dict[tuple[int, int], dict[int, int]] = defaultdict(dict)

    def root(forest: dict[int, int], node: int) -> int:
        forest.setdefault(node, node)
        while forest[node] != node:
            forest[node] = forest[forest[node]]
            node = forest[node]
        return node

    def join(i: int, j: int) -> None:
        for a in carries[i]:
            for b in carries[j]:
                if a != b:
                    forest = parent[(min(a, b), max(a, b))]
                    forest[root(forest, i)] = root(forest, j)

    for i, codes in enumerate(carries):
        for a in codes:
            counts[a, a] += 1
        join(i, i)
    for _, group in itertools.groupby(range(len(spans)), key=lambda i: spans[i][0]):
        open_: list[int] = []  # selections of this source that may still overlap the next
        for i in group:
            start = spans[i][1]
            open_ = [j for j in open_ if spans[j][2] > start]
            for j in open_:
                join(j, i)
            open_.append(i)
    for (a, b), forest in parent.items():
        counts[a, b] = counts[b, a] = len({root(forest, node) for node in forest})
    return counts


def cooccurrence_of_selections(
    project: Project,
    codings: Codings | None = None,
    filters: Filters | None = None,
    *,
    rows: str | None = None,
    cols: str | None = None,
) -> Cooccurrence:
    """Co-occurrence of the project's codes over the selections ``codings`` and ``filters`` let
    through (see the module's note for what each count counts)."""
    codings, filters = codings or Codings(), filters or Filters()
    spans, carries, selection = selections(project, codings, filters)
    if not spans:
        raise nothing_coded(codings, filters, "selections")
    counts = meeting_counts(spans, carries, len(selection.codes))
    return from_counts(selection, counts, len(spans), rows=rows, cols=cols, counted="selections")
