"""The codebook: groups of codes with definitions, keywords and colours; YAML and REFI-QDA .qdc.

Each name below is loaded from its module when first asked for, so that
``foresight.codebook.lookup`` (a code found by id or name, over a bare DB-API connection)
loads no SQLAlchemy.
"""

from __future__ import annotations

from foresight.lazy import attributes

_HOME = {
    **dict.fromkeys(
        [
            "LoadedCodebook",
            "check_codebook",
            "code_details",
            "code_tree",
            "export_codebook",
            "find_code",
            "import_codebook",
            "read_codebook_file",
        ],
        "catalog",
    ),
    **dict.fromkeys(["CodeSpec", "CodebookSpec", "GroupSpec", "Problem", "validate"], "model"),
}
__all__ = sorted(_HOME)

__getattr__ = attributes(__name__, _HOME, globals())
