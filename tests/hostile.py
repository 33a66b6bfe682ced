"""Running one hostile file through the reader a user would hand it to, with a time cap."""

from __future__ import annotations

import contextlib
import signal
from collections.abc import Iterator
from pathlib import Path

from foresight.codebook import check_codebook
from foresight.errors import ForesightError
from foresight.ingest import ingest
from foresight.interop.qdpx_import import import_qdpx
from foresight.project import Project
from foresight.workshops.definition import load_workshop

TIME_CAP = 20  # seconds for one file (generous: the machine may be busy)


class TooSlow(BaseException):
    """A reader took longer than TIME_CAP on one file (a BaseException, so that no reader's
    ``except Exception`` turns it into an outcome)."""


@contextlib.contextmanager
def time_cap(seconds: int = TIME_CAP) -> Iterator[None]:
    """Raise TooSlow in this (main) thread once ``seconds`` have passed."""

    def expire(signum: int, frame: object) -> None:
        raise TooSlow(f"over {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def reader_of(path: Path) -> str:
    """Which entry point reads this file: by its name's prefix, else by its extension."""
    if path.name.startswith("codebook-") or path.suffix == ".qdc":
        return "codebook"
    if path.name.startswith("workshop-"):
        return "workshop"
    if path.suffix == ".qdpx":
        return "qdpx"
    return "ingest"


def read(path: Path, project: Project, reader: str | None = None) -> tuple[str, str]:
    """(outcome, message): ``ok`` or ``error`` with the ForesightError's line, or the ingest
    outcome (ingested, updated, skipped, failed) with its message. Anything else propagates."""
    reader = reader or reader_of(path)
    with time_cap():
        try:
            if reader == "codebook":
                check_codebook(path)
            elif reader == "workshop":
                load_workshop(path)
            elif reader == "qdpx":
                import_qdpx(project, path, actor="fuzz")
            else:
                (outcome,) = ingest(project, [path], workers=1).outcomes
                return outcome.status, outcome.message
        except ForesightError as exc:
            return "error", str(exc)
    return "ok", ""
