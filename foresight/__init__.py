"""foresight: horizon scanning and foresight on grey literature.

The core is a set of plain functions over a :class:`~foresight.project.Project`;
the command line (``foresight``) and the terminal UI only parse, call and show.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from foresight.errors import ForesightError

if TYPE_CHECKING:
    from foresight.project import Project

__all__ = ["ForesightError", "Project", "__version__"]
__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    """``foresight.Project`` imported when first asked for: the store's libraries take a while
    to load, and ``foresight --help`` needs none of them."""
    if name == "Project":
        from foresight.project import Project

        return Project
    raise AttributeError(f"module 'foresight' has no attribute {name!r}")
