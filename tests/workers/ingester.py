"""`foresight ingest` in a process of its own, started on a signal: loads the command and the
ingest first, says it is ready, and runs the command once the file GO exists, so that the
ingests of several such processes overlap. Each source's look-up of near-duplicates takes
DELAY seconds more, as over a slow link to a server: the writes of the processes overlap too.

    python -m tests.workers.ingester READY GO DELAY ARGS...   (ARGS as after `foresight`)
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

from foresight.cli import main as foresight
from foresight.ingest import pipeline

ready, go, delay = Path(sys.argv[1]), Path(sys.argv[2]), float(sys.argv[3])
look_up = pipeline.near_duplicates


def slow_look_up(*args: Any, **kwargs: Any) -> dict[int, int]:
    found = look_up(*args, **kwargs)
    time.sleep(delay)  # (then the units are written, and the source committed)
    return found


pipeline.near_duplicates = slow_look_up
ready.touch()
stop = time.monotonic() + 120
while not go.exists() and time.monotonic() < stop:
    time.sleep(0.005)
sys.argv = ["foresight", *sys.argv[4:]]
foresight()
