"""What importing a REFI-QDA project did: counts of what came in, what was known, what was not
placed and why; ``foresight import qdpx --json`` prints it."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class ImportReport:
    archive: Path
    origin: str = ""
    coders: list[str] = field(default_factory=list)
    codes_added: int = 0
    codes_known: int = 0
    sources_added: int = 0
    sources_known: int = 0
    units_added: int = 0
    sources_skipped: list[str] = field(default_factory=list)  # "name: why"
    selections: int = 0
    placed_in_one_unit: int = 0
    placed_across_units: int = 0
    not_placed: Counter[str] = field(default_factory=Counter)  # why -> selections
    codings_added: int = 0
    codings_known: int = 0
    codings_skipped: Counter[str] = field(default_factory=Counter)  # why -> codings
    spans_added: int = 0  # exact spans of selections kept on the codings
    memos_added: int = 0
    conventions: dict[str, str] = field(default_factory=dict)  # source -> how its positions count

    @property
    def placed(self) -> int:
        return self.placed_in_one_unit + self.placed_across_units

    def as_dict(self) -> dict[str, Any]:
        return {
            "archive": str(self.archive),
            "origin": self.origin,
            "coders": self.coders,
            "codes": {"added": self.codes_added, "known": self.codes_known},
            "sources": {
                "added": self.sources_added,
                "known": self.sources_known,
                "skipped": self.sources_skipped,
            },
            "units_added": self.units_added,
            "selections": {
                "total": self.selections,
                "in_one_unit": self.placed_in_one_unit,
                "across_units": self.placed_across_units,
                "not_placed": dict(self.not_placed),
            },
            "codings": {
                "added": self.codings_added,
                "known": self.codings_known,
                "skipped": dict(self.codings_skipped),
                "spans_added": self.spans_added,
            },
            "memos_added": self.memos_added,
            "conventions": self.conventions,
        }

    def summary(self) -> dict[str, Any]:
        """The counts the event log keeps of an import."""
        return {
            "sources_added": self.sources_added,
            "codes_added": self.codes_added,
            "codings_added": self.codings_added,
            "selections": self.selections,
            "not_placed": sum(self.not_placed.values()),
        }
