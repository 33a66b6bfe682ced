"""A coder in a process of its own: applies codes to units at random for a while.

Prints one JSON object: the codings the store said it saved, the units marked done, and every
error it saw (none is expected: clashes with other processes are the store's to retry).

    python -m tests.workers.coder PROJECT CODER SEED SECONDS
"""

from __future__ import annotations

import json
import random
import sys
import time

from foresight import coding, corpus
from foresight.project import Project

CODES = [
    "FC.TREND",
    "FC.DRIVER",
    "FC.WEAK_SIGNAL",
    "EI.BLUE_GROWTH",
    "MT.IOT",
    "MT.BIG_DATA",
    "VR.TECHNOLOGY",
]


def main() -> None:
    root, coder, seed, seconds = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
    project = Project.open(root)
    rng = random.Random(seed)
    units = [u["id"] for u in corpus.list_units(project)]
    saved, done, errors, steps = [], [], [], 0
    stop = time.monotonic() + seconds
    while time.monotonic() < stop:
        unit = rng.choice(units[: max(3, len(units) // 2)])  # half the units: plenty of overlap
        steps += 1
        try:
            if rng.random() < 0.1:
                coding.mark_done(project, unit, coder=coder)
                done.append(unit)
            else:
                code = rng.choice(CODES)
                if coding.apply_code(project, unit, code, coder=coder):
                    saved.append([unit, code])
        except Exception as exc:  # noqa: BLE001 - the test wants to see every error, whatever kind
            errors.append(f"{type(exc).__name__}: {exc}")
    project.close()
    print(json.dumps({"coder": coder, "saved": saved, "done": done, "errors": errors, "steps": steps}))


if __name__ == "__main__":
    main()
