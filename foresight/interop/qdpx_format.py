"""What a REFI-QDA project archive (``.qdpx``) is made of, as both directions read and write it.

The project file's namespace, the variables a source carries, foresight's own ``foresight.json``
beside ``project.qde`` (which other tools ignore), and the guids: each derived from what it
names (a coder's name, a source's content, a unit's span), so that the same project exported
twice gives the same guids, and a source imported from an archive keeps the one it had there.
"""

from __future__ import annotations

from functools import cache

from foresight.codebook.model import stable_guid
from foresight.codebook.qdc import PROJECT_NS
from foresight.store.schema import Source

SIDECAR = "foresight.json"
SIDECAR_FORMAT = "foresight-qdpx"
NS = PROJECT_NS
VARIABLES = (  # (variable name, source field, REFI type)
    ("Source type", "source_type", "Text"),
    ("Actor type", "actor_type", "Text"),
    ("Date", "date", "Date"),
    ("Period", "period", "Text"),
    ("Language", "language", "Text"),
    ("Author", "author", "Text"),
    ("Format", "format", "Text"),
    ("Location", "path", "Text"),
)


@cache
def user_guid(coder: str) -> str:
    return stable_guid("user", coder)


def source_guid(source: Source) -> str:
    """The guid a source had in the archive it came from, else one derived from its content."""
    given = (source.attributes or {}).get("refi_guid")
    return str(given) if given else stable_guid("source", source.sha256, source.locator)


def selection_guid(source: str, start: int, end: int) -> str:
    return stable_guid("selection", source, str(start), str(end))


def coding_guid(selection: str, code: str, coder: str) -> str:
    return stable_guid("coding", selection, code, coder)


# a source's text fields in the sidecar: the export writes them, the import keeps them
SIDECAR_TEXTS = (
    "title",
    "path",
    "locator",
    "sha256",
    "file_sha256",
    "format",
    "source_type",
    "actor_type",
    "date",
    "date_origin",
    "language",
    "author",
    "ingested_at",
)
