"""Files written whole or not at all: beside the target first, then renamed over it."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from foresight.errors import ForesightError


def file_to_write(path: str | Path, kind: str) -> Path:
    """``path`` as a file about to be written, checked first: not a folder, in one that exists.
    ``kind`` names what it will hold ("the .qdpx file")."""
    path = Path(path)
    if path.is_dir():
        raise ForesightError(f"{path}: is a folder; name {kind} to write")
    if not path.parent.is_dir():
        raise ForesightError(f"{path.parent}: no such folder")
    return path


@contextmanager
def whole_file(path: Path) -> Iterator[Path]:
    """A path beside ``path`` to write to; when the block ends well it replaces ``path``.

    Any failure removes it and leaves ``path`` as it was; an ``OSError`` (a full disk, a folder
    that cannot be written) becomes one line naming the file.
    """
    partial = path.with_name(f".{path.name}.{os.getpid()}.part")
    try:
        yield partial
        os.replace(partial, path)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise ForesightError(f"{path}: cannot write ({exc.strerror or exc})") from None
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
