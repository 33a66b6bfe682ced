"""What every benchmark prints: figures beside their targets, as a table or as JSON."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass

from rich.console import Console, JustifyMethod
from rich.table import Table


@dataclass
class Result:
    name: str
    work: str  # the size measured
    value: float
    unit: str
    target: str | None = None
    met: bool | None = None


def results_table(results: Iterable[Result], title: str) -> Table:
    table = Table(title=title)
    columns: tuple[tuple[str, JustifyMethod], ...] = (
        ("name", "left"),
        ("work", "left"),
        ("value", "right"),
        ("unit", "left"),
        ("target", "left"),
        ("met", "center"),
    )
    for column, justify in columns:
        table.add_column(column, justify=justify)
    for r in results:
        met = "-" if r.met is None else ("[green]yes[/]" if r.met else "[red]no[/]")
        whole = abs(r.value) >= 1000 or float(r.value).is_integer()
        value = f"{r.value:,.0f}" if whole else f"{r.value:.2f}"
        table.add_row(r.name, r.work, value, r.unit, r.target or "-", met)
    return table


def report(results: list[Result], title: str, *, as_json: bool) -> int:
    """Print the results; the exit status is 1 when a target is missed."""
    if as_json:
        print(json.dumps({"results": [asdict(r) for r in results]}, indent=2))
    else:
        Console().print(results_table(results, title))
    return 1 if any(r.met is False for r in results) else 0
