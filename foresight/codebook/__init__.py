"""The codebook: groups of codes with definitions, keywords and colours; YAML and REFI-QDA .qdc."""

from foresight.codebook.catalog import (
    LoadedCodebook,
    check_codebook,
    code_details,
    code_tree,
    export_codebook,
    find_code,
    import_codebook,
    read_codebook_file,
)
from foresight.codebook.model import CodebookSpec, CodeSpec, GroupSpec, Problem, validate

__all__ = [
    "CodeSpec",
    "CodebookSpec",
    "GroupSpec",
    "LoadedCodebook",
    "Problem",
    "check_codebook",
    "code_details",
    "code_tree",
    "export_codebook",
    "find_code",
    "import_codebook",
    "read_codebook_file",
    "validate",
]
