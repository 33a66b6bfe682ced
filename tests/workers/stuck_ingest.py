"""An ingest whose reader of ``.stuck`` files never returns, for killing from outside.

python -m tests.workers.stuck_ingest PROJECT FOLDER
"""

from __future__ import annotations

import sys
import time

from foresight.ingest import ingest, reading
from foresight.ingest.model import Document
from foresight.project import Project


def stuck(data: bytes, location: str) -> list[Document]:
    while True:  # as a reader caught in a loop in C code: nothing but a kill stops it
        time.sleep(1)


def main() -> None:
    reading.READERS[".stuck"] = stuck  # before ingest forks its workers, which inherit it
    ingest(Project.open(sys.argv[1]), [sys.argv[2]], workers=2)


if __name__ == "__main__":
    main()
