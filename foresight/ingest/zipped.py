"""Word and Excel files are zip archives: what one unpacks to is checked before a library opens it.

A zip's own headers say how large each member is; Python's zipfile never unpacks more than that,
so the sum of the declared sizes bounds what reading the file can take. A file of a few hundred
kB that claims gigabytes (a zip bomb) is refused here, before python-docx or openpyxl load it.
"""

from __future__ import annotations

import io
import zipfile
import zlib

from foresight.errors import InputError

MAX_UNPACKED = 100_000_000  # bytes, all members together
MAX_MEMBERS = 10_000
# what a broken archive raises while it is opened or read
ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, OSError, ValueError, KeyError)
# ... and what broken XML inside it raises: ElementTree's ParseError and lxml's XMLSyntaxError are
# both SyntaxErrors
READ_ERRORS = (*ZIP_ERRORS, SyntaxError)


def check_unpacked(data: bytes, name: str, kind: str) -> None:
    """Refuse an archive that is not one, or that unpacks to more than MAX_UNPACKED bytes.

    ``kind`` names the file in messages: "Word .docx file", ".xlsx workbook"."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except ZIP_ERRORS as exc:
        raise InputError(name, f"not a readable {kind} ({exc})") from None
    if len(infos) > MAX_MEMBERS:
        raise InputError(name, f"not a readable {kind} ({len(infos):,} files inside, over {MAX_MEMBERS:,})")
    total = sum(info.file_size for info in infos)
    if total > MAX_UNPACKED:
        raise InputError(
            name,
            f"unpacks to {total / 1e6:.3g} MB, over the {MAX_UNPACKED / 1e6:.3g} MB a {kind} may hold "
            "(a zip bomb?)",
        )
