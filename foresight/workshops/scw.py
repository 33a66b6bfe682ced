"""ScenarioWizard ``.scw`` files: the descriptors, variants and judgement matrix of a CIB analysis.

ScenarioWizard (Weimer-Jehle's CIB software) writes plain text: a ``$ ScenarioWizard`` header and
the file's name; each descriptor as ``&ID`` followed by its variants as `` -name`` lines; then,
between lines holding only ``#``, sections of descriptions, colours and the judgement matrix, one
line of comma-separated whole numbers per variant. Rows are the impacting variants, columns the
impacted ones (the only reading that reproduces the solution sets ScenarioWizard ships with its
samples). Only the descriptors and the matrix are read.

The method gives a descriptor no impact on itself; a file that holds such self-impacts (the public
``CIB_natl_regional.scw`` does, on one descriptor) is read with them left out, and the matrix names
the descriptors concerned so that the user is told.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from foresight.errors import ForesightError
from foresight.workshops.cib import CIBMatrix, Descriptor

HEADER = "$ ScenarioWizard"
ROW = re.compile(r"^\s*[-+]?\d+(\s*,\s*[-+]?\d+)*\s*,?\s*$")


def read_scw(path: str | Path) -> CIBMatrix:
    """The descriptors and judgement matrix of a ScenarioWizard file (self-impacts left out)."""
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        raise ForesightError(f"{file}: no such file") from None
    except OSError as exc:
        raise ForesightError(f"{file}: cannot read ({exc.strerror or exc})") from None
    lines = text.splitlines()
    if not lines or not lines[0].startswith(HEADER):
        raise ForesightError(f"{file}: not a ScenarioWizard file (no '{HEADER}' header on line 1)")
    descriptors: list[tuple[str, list[str]]] = []
    end = next((i for i, line in enumerate(lines) if line.strip() == "#"), len(lines))
    for number, line in enumerate(lines[2:end], start=3):
        if line.startswith("&"):
            descriptors.append((line[1:].strip(), []))
        elif line.strip().startswith("-") and descriptors:
            descriptors[-1][1].append(line.strip()[1:].strip())
        elif line.strip():
            raise ForesightError(
                f"{file}:{number}: expected '&DESCRIPTOR' or ' -variant', not {line.strip()!r}"
            )
    if len(descriptors) < 2:
        raise ForesightError(f"{file}: a CIB matrix needs two or more descriptors ('&ID' lines)")
    for name, variants in descriptors:
        if not name or len(variants) < 2 or len(set(variants)) != len(variants):
            raise ForesightError(
                f"{file}: descriptor {name or '(no name)'} needs two or more distinct variants"
            )
    if len({name for name, _ in descriptors}) != len(descriptors):
        raise ForesightError(f"{file}: descriptor names must be distinct")
    size = sum(len(v) for _, v in descriptors)
    matrix = _matrix(lines[end:], size)
    if matrix is None:
        raise ForesightError(f"{file}: no judgement matrix of {size} lines of {size} whole numbers")
    built = [Descriptor(name, name, tuple(variants)) for name, variants in descriptors]
    offsets = np.cumsum([0] + [len(v) for _, v in descriptors])
    own = []
    for d, (start, stop) in enumerate(zip(offsets[:-1], offsets[1:], strict=True)):
        if matrix[start:stop, start:stop].any():
            own.append(built[d].id)
            matrix[start:stop, start:stop] = 0
    return CIBMatrix(tuple(built), matrix, self_impacts=tuple(own))


def _matrix(lines: list[str], size: int) -> np.ndarray | None:
    """The first run of ``size`` lines of ``size`` comma-separated whole numbers."""
    run: list[list[float]] = []
    for line in lines:
        if ROW.match(line):
            values = [float(v) for v in line.strip().rstrip(",").split(",")]
            run = [*run, values] if len(values) == size else []
            if len(run) == size:
                return np.array(run)
        else:
            run = []
    return None
