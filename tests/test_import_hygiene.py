"""The core is headless: no module outside ``foresight.cli`` and ``foresight.tui`` imports the
terminal UI, the command line or rich's console."""

from __future__ import annotations

import ast
import importlib.util
import pkgutil
import subprocess
import sys
from pathlib import Path

import foresight

FORBIDDEN = ("textual", "typer", "rich.console")


def core_modules() -> list[str]:
    """Every module of the package but the command line's and the coders' screen's."""
    found = [
        info.name
        for info in pkgutil.walk_packages(foresight.__path__, "foresight.")
        if not info.name.startswith(("foresight.cli", "foresight.tui", "foresight.__main__"))
    ]
    return ["foresight", *sorted(found)]


def imported_names(module: str) -> set[str]:
    """The modules a module's own code imports, at its top or inside its functions."""
    spec = importlib.util.find_spec(module)
    assert spec is not None and spec.origin is not None
    tree = ast.parse(Path(spec.origin).read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names |= {f"{node.module}.{alias.name}" for alias in node.names}
    return names


def forbidden(name: str) -> bool:
    return any(name == f or name.startswith(f + ".") for f in FORBIDDEN)


def test_the_walk_finds_the_core_modules() -> None:
    modules = set(core_modules())
    assert {"foresight.store.schema", "foresight.coding.worklist", "foresight.ingest.metadata"} <= modules
    assert not any(m.startswith(("foresight.cli", "foresight.tui")) for m in modules)
    assert forbidden("rich.console") and forbidden("textual.app") and not forbidden("rich.table")
    assert any(forbidden(name) for name in imported_names("foresight.cli.common"))  # it may


def test_no_core_module_imports_the_screen_the_command_line_or_rich_s_console() -> None:
    found = {m: sorted(n for n in imported_names(m) if forbidden(n)) for m in core_modules()}
    assert {m: names for m, names in found.items() if names} == {}


def test_importing_the_core_loads_neither_the_screen_nor_the_command_line() -> None:
    """Nor through a library: rich's console is left out here, as scikit-learn loads it itself."""
    code = (
        "import importlib, sys\n"
        f"for name in {core_modules()!r}:\n"
        "    importlib.import_module(name)\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'textual', 'typer'}))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]", result.stdout
