"""Names of a package that load their module when first used, so that importing the package
costs nothing until then (``foresight code`` starts without SQLAlchemy)."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any


def attributes(package: str, home: dict[str, str], space: dict[str, Any]) -> Callable[[str], Any]:
    """A module ``__getattr__`` for ``package``: a name of ``home`` comes from its module (of the
    package), is kept in the package's namespace ``space`` and is returned."""

    def getattr_(name: str) -> Any:
        if name not in home:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f"{package}.{home[name]}"), name)
        space[name] = value
        return value

    return getattr_
