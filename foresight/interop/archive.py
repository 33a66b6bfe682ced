"""Reading a ``.qdpx`` archive without trusting it.

Nothing is extracted to disk: members are read into memory by name, so a member named
``../../x`` cannot write anywhere, and a reference from ``project.qde`` that points outside the
archive (an absolute path, ``..``, ``file://``) is refused. Every read is capped, whatever the
zip's own headers claim, so a zip bomb stops at the cap. XML is parsed with no DTD, no entity
expansion and no network; ``project.qde`` is parsed as it unpacks, one source at a time.
"""

from __future__ import annotations

import contextlib
import posixpath
import zipfile
import zlib
from collections.abc import Generator, Iterable, Iterator
from pathlib import Path

import charset_normalizer
from lxml import etree

from foresight.codebook.qdc import (
    MAX_ELEMENTS,
    SAFE_XML,
    check_root,
    declares_doctype,
    not_well_formed,
    too_many_elements,
)
from foresight.errors import ForesightError

MB = 1024 * 1024
MAX_PROJECT_BYTES = 1024 * MB  # project.qde
MAX_SOURCE_BYTES = 256 * MB  # one source's text
MAX_TOTAL_BYTES = 4096 * MB  # everything read from one archive
MAX_MEMBERS = 1_000_000
PROJECT_FILE = "project.qde"
SOURCE_FOLDERS = ("sources/", "Sources/")
# the parts of a Project in Project.xsd, in the schema's order; not Description and NoteRef, small
# at the top and whose names recur in every code and selection
SECTIONS = ("Users", "CodeBook", "Variables", "Cases", "Sources", "Notes", "Links", "Sets", "Graphs")
SOURCE_KINDS = ("TextSource", "PDFSource", "PictureSource", "AudioSource", "VideoSource")
PROJECT = "a REFI-QDA project"


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

    def _read(self, info: zipfile.ZipInfo, cap: int, what: str) -> bytes:
        """The member's bytes, up to ``cap``."""
        return b"".join(self._chunks(info, cap, what))

    def _chunks(
        self, info: zipfile.ZipInfo, cap: int, what: str, *, xml: bool = False, again: bool = False
    ) -> Generator[bytes, None, None]:
        """The member's bytes a megabyte at a time, up to ``cap``; XML stops as soon as it holds too
        many elements. ``again``: a member read before, not counted twice in the archive's total."""
        if info.flag_bits & 0x1:
            raise ForesightError(f"{self.path}: {what} is encrypted")
        size, tags = 0, 0
        try:
            with self._zip.open(info) as fh:
                while chunk := fh.read(1024 * 1024):
                    size += len(chunk)
                    tags += chunk.count(b"<") if xml else 0
                    if tags > MAX_ELEMENTS:
                        raise too_many_elements(f"{self.path}: {what}")
                    self._read_so_far += 0 if again else len(chunk)
                    if size > cap:
                        raise ForesightError(
                            f"{self.path}: {what} is too large (over {cap // MB} MB unpacked)"
                        )
                    if self._read_so_far > MAX_TOTAL_BYTES:
                        raise ForesightError(
                            f"{self.path}: the archive unpacks to more than {MAX_TOTAL_BYTES // MB} MB"
                        )
                    yield chunk
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

    def project_parts(self) -> Iterator[etree._Element]:
        """``project.qde`` part by part as it unpacks, never whole.

        First the root ``Project`` (for its attributes: its children are not kept), then, in the
        file's order, each source of a top-level ``Sources`` once it is complete and each top-level
        section (:data:`SECTIONS`) once it is complete. A part is cleared, and what came before it
        freed, when the next one is asked for: take what a part holds before then. So memory holds
        one source, or one section, at a time.

        The member is read twice: here, to hold it to the caps on size and elements, so that a file
        over them is refused before any of it is parsed; then, as the parts are asked for, to parse
        it.
        """
        info = self._members.get(PROJECT_FILE) or next(
            (i for n, i in self._members.items() if n.casefold().endswith(".qde") and "/" not in n), None
        )
        if info is None:
            raise ForesightError(f"{self.path}: not a REFI-QDA project (no {PROJECT_FILE} inside)")
        for _ in self._chunks(info, MAX_PROJECT_BYTES, info.filename, xml=True):
            pass
        return self._parts(info)

    def _parts(self, info: zipfile.ZipInfo) -> Iterator[etree._Element]:
        where = f"{self.path}: {info.filename}"
        parser = etree.XMLPullParser(
            events=("end",), tag=[f"{{*}}{name}" for name in (*SECTIONS, *SOURCE_KINDS)], **SAFE_XML
        )
        root: etree._Element | None = None
        prolog, doctype = b"", False

        def parts(ended: Iterable[tuple[str, etree._Element]]) -> Iterator[etree._Element]:
            nonlocal root
            for _, el in ended:
                if root is None:
                    root = el.getroottree().getroot()
                    check_root(root, where, "Project", PROJECT, PROJECT)
                    yield root
                parent = el.getparent()
                if parent is None:
                    continue
                if parent is root or (
                    parent.getparent() is root and etree.QName(parent).localname == "Sources"
                ):
                    yield el
                    el.clear()
                    while el.getprevious() is not None:
                        del parent[0]

        with contextlib.closing(self._chunks(info, MAX_PROJECT_BYTES, info.filename, again=True)) as chunks:
            for chunk in chunks:
                if root is None:  # where a DOCTYPE may be
                    prolog = prolog[-64:] + chunk
                    doctype = doctype or declares_doctype(prolog)
                try:
                    parser.feed(chunk)
                except etree.XMLSyntaxError as exc:
                    raise not_well_formed(exc, where, PROJECT, doctype=doctype) from None
                yield from parts(parser.read_events())
        try:
            parser.feed(b"")  # an empty file is "empty", not "no element found"
            whole = parser.close()
        except etree.XMLSyntaxError as exc:
            raise not_well_formed(exc, where, PROJECT, doctype=doctype) from None
        yield from parts(parser.read_events())
        if root is None:
            check_root(whole, where, "Project", PROJECT, PROJECT)
            yield whole

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
