"""The coders' screen's memory between sessions: each coder's filter, unit and recent codes.

Kept in the project folder (``.foresight/tui-CODER.json``), not in the store: it is the screen's,
not the team's.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

from foresight.coding.worklist import Filters
from foresight.project import Project


def state_path(project: Project, coder: str) -> Path:
    safe = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in coder)
    return project.root / ".foresight" / f"tui-{safe}.json"


def save_state(
    project: Project, coder: str, filters: Filters, unit_id: int | None, recent: list[str]
) -> None:
    """Remember the coder's filter, position and recent codes for the next session."""
    path = state_path(project, coder)
    path.parent.mkdir(exist_ok=True)
    partial = path.with_suffix(".tmp")
    partial.write_text(json.dumps({"filters": asdict(filters), "unit_id": unit_id, "recent": recent}))
    partial.replace(path)


def load_state(project: Project, coder: str) -> tuple[Filters, int | None, list[str]]:
    try:
        raw: dict[str, Any] = json.loads(state_path(project, coder).read_text())
        filters = Filters(
            **{k: v for k, v in raw.get("filters", {}).items() if k in Filters.__dataclass_fields__}
        )
        return filters, raw.get("unit_id"), list(raw.get("recent", []))
    except (OSError, ValueError, TypeError):
        return Filters(), None, []
