"""The codebook: groups of codes with definitions, keywords and colours; YAML and REFI-QDA .qdc.

Each name below is loaded from its module when first asked for, so that
``foresight.codebook.lookup`` (a code found by id or name, over a bare DB-API connection)
loads no SQLAlchemy.
"""

from __future__ import annotations

import importlib
from typing import Any

_HOME = {
    **dict.fromkeys(
        [
            "LoadedCodebook",
            "check_codebook",
            "code_details",
            "code_tree",
            "export_codebook",
            "find_code",
            "import_codebook",
            "read_codebook_file",
        ],
        "catalog",
    ),
    **dict.fromkeys(["CodeSpec", "CodebookSpec", "GroupSpec", "Problem", "validate"], "model"),
}
__all__ = sorted(_HOME)


def __getattr__(name: str) -> Any:
    if name not in _HOME:
        raise AttributeError(f"module 'foresight.codebook' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"foresight.codebook.{_HOME[name]}"), name)
    globals()[name] = value
    return value
