"""The core is headless: it never imports the terminal UI or the command line."""

from __future__ import annotations

import subprocess
import sys

CORE = [
    "foresight",
    "foresight.store",
    "foresight.project",
    "foresight.config",
    "foresight.ingest",
    "foresight.corpus",
    "foresight.codebook",
    "foresight.codebook.edits",
    "foresight.coding",
    "foresight.coding.worklist",
    "foresight.interop.tables",
    "foresight.interop.sheets",
    "foresight.agreement",
    "foresight.cooccurrence",
    "foresight.cooccurrence.output",
    "foresight.cooccurrence.trends",
    "foresight.cooccurrence.bursts",
    "foresight.cooccurrence.network",
    "foresight.cooccurrence.slices",
    "foresight.workshops",
    "foresight.workshops.roadmap",
    "foresight.workshops.scenario",
    "foresight.workshops.kit",
    "foresight.workshops.cib",
    "foresight.interop.qdpx_export",
    "foresight.interop.qdpx_import",
    "foresight.maintenance",
    "foresight.demo",
]


def test_core_modules_import_neither_textual_nor_typer() -> None:
    code = (
        f"import sys; import {', '.join(CORE)}; "
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'typer')); print(bad)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
