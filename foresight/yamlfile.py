"""YAML files that people write: safe loading, with each node's line kept for messages."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from foresight.errors import ForesightError


def load_with_lines(
    text: str, path: str | Path, error: type[ForesightError] = ForesightError
) -> tuple[Any, yaml.Node | None]:
    """The data in ``text`` and its node tree (``node.start_mark.line`` is 0-based).

    Safe loading only: no tags that build objects. Bad YAML raises ``error`` naming the file and
    the line."""
    try:
        return yaml.safe_load(text), yaml.compose(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        raise error(f"{where}: not valid YAML ({getattr(exc, 'problem', exc)})") from None
