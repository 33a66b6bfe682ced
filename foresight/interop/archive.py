"""Reading a ``.qdpx`` archive without trusting it.

Nothing is extracted to disk: members are read into memory by name, so a member named
``../../x`` cannot write anywhere, and a reference from ``project.qde`` that points outside the
archive (an absolute path, ``..``, ``file://``) is refused. Every read is capped, whatever the
zip's own headers claim, so a zip bomb stops at the cap. XML is parsed with no DTD, no entity
expansion and no network.
"""

from __future__ import annotations

import posixpath
import zipfile
import zlib
from pathlib import Path

import charset_normalizer
from lxml import etree

from foresight.codebook.qdc import MAX_ELEMENTS, parse_refi_xml, too_many_elements
from foresight.errors import ForesightError

MB = 1024 * 1024
MAX_PROJECT_BYTES = 1024 * MB  # project.qde
MAX_SOURCE_BYTES = 256 * MB  # one source's text
MAX_TOTAL_BYTES = 4096 * MB  # everything read from one archive
MAX_MEMBERS = 1_000_000
PROJECT_FILE = "project.qde"
SOURCE_FOLDERS = ("sources/", "Sources/")


class Archive:
    """A REFI-QDA project archive opened for reading."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        try:
            self._zip = zipfile.ZipFile(self.path)
        except FileNotFoundError:
            raise ForesightError(f"{self.path}: no such file") from None
        except IsADirectoryError:
            raise ForesightError(f"{self.path}: is a folder, not a .qdpx file") from None
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError) as exc:
            raise ForesightError(f"{self.path}: not a REFI-QDA project (not a zip archive: {exc})") from None
        infos = self._zip.infolist()
        if len(infos) > MAX_MEMBERS:
            raise ForesightError(f"{self.path}: too many files in the archive ({len(infos):,})")
        # the first member of each name, and a case-insensitive index for the folder's spelling
        self._members: dict[str, zipfile.ZipInfo] = {}
        self._folded: dict[str, zipfile.ZipInfo] = {}
        for info in infos:
            name = info.filename.replace("\\", "/")
            self._members.setdefault(name, info)
            self._folded.setdefault(name.casefold(), info)
        self._read_so_far = 0

    def close(self) -> None:
        self._zip.close()

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def _read(self, info: zipfile.ZipInfo, cap: int, what: str, *, xml: bool = False) -> bytes:
        """The member's bytes, up to ``cap``; XML stops as soon as it holds too many elements."""
        if info.flag_bits & 0x1:
            raise ForesightError(f"{self.path}: {what} is encrypted")
        chunks, size, tags = [], 0, 0
        try:
            with self._zip.open(info) as fh:
                while chunk := fh.read(1024 * 1024):
                    size += len(chunk)
                    tags += chunk.count(b"<") if xml else 0
                    if tags > MAX_ELEMENTS:
                        raise too_many_elements(f"{self.path}: {what}")
                    self._read_so_far += len(chunk)
                    if size > cap:
                        raise ForesightError(
                            f"{self.path}: {what} is too large (over {cap // MB} MB unpacked)"
                        )
                    if self._read_so_far > MAX_TOTAL_BYTES:
                        raise ForesightError(
                            f"{self.path}: the archive unpacks to more than {MAX_TOTAL_BYTES // MB} MB"
                        )
                    chunks.append(chunk)
        # ValueError: a member's header naming it in bytes that are not the UTF-8 it claims
        except (
            zipfile.BadZipFile,
            zlib.error,
            OSError,
            EOFError,
            NotImplementedError,
            RuntimeError,
            ValueError,
        ) as exc:
            raise ForesightError(f"{self.path}: {what} cannot be read ({exc})") from None
        return b"".join(chunks)

    def project(self) -> etree._Element:
        """The root ``Project`` element of ``project.qde``."""
        info = self._members.get(PROJECT_FILE) or next(
            (i for n, i in self._members.items() if n.casefold().endswith(".qde") and "/" not in n), None
        )
        if info is None:
            raise ForesightError(f"{self.path}: not a REFI-QDA project (no {PROJECT_FILE} inside)")
        data = self._read(info, MAX_PROJECT_BYTES, info.filename, xml=True)
        return parse_refi_xml(
            data, f"{self.path}: {info.filename}", "Project", "a REFI-QDA project", "a REFI-QDA project"
        )

    def member(self, name: str) -> bytes | None:
        """A member by its exact name (for files foresight itself writes), or None."""
        info = self._members.get(name)
        return self._read(info, MAX_PROJECT_BYTES, name) if info is not None else None

    def source(self, reference: str) -> tuple[bytes | None, str | None]:
        """The bytes a source's ``plainTextPath`` (or ``richTextPath``) points to, or why not.

        ``internal://NAME`` and a bare relative name are looked up in the archive's sources
        folder (``sources/`` or ``Sources/``, any case); anything else is outside the archive.
        """
        ref = reference.strip()
        if ref.lower().startswith("internal://"):
            ref = ref[len("internal://") :]
        elif "://" in ref or ref.startswith(("/", "\\")) or (len(ref) > 1 and ref[1] == ":"):
            return None, f"its text is outside the archive ({reference})"
        ref = ref.replace("\\", "/")
        normal = posixpath.normpath(ref)
        if normal.startswith("../") or normal == ".." or normal.startswith("/"):
            return None, f"its path leaves the archive ({reference})"
        for folder in SOURCE_FOLDERS:
            info = self._members.get(folder + normal) or self._folded.get((folder + normal).casefold())
            if info is not None:
                return self._read(info, MAX_SOURCE_BYTES, info.filename), None
        info = self._members.get(normal) or self._folded.get(normal.casefold())
        if info is not None:
            return self._read(info, MAX_SOURCE_BYTES, info.filename), None
        return None, f"its text file is missing from the archive ({reference})"


def decode_text(data: bytes) -> str:
    """A source's bytes as text, a byte-order mark kept as U+FEFF (it may count in positions).

    UTF-8 and UTF-16 with a byte-order mark, then plain UTF-8, then the encoding
    charset-normalizer finds; never fails on bytes.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return data.decode("utf-8", errors="replace")  # keeps U+FEFF
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "\ufeff" + data.decode("utf-16", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    best = charset_normalizer.from_bytes(data).best()
    return str(best) if best is not None else data.decode("utf-8", errors="replace")
