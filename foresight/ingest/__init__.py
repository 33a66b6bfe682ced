"""Reading grey literature into sources and information units."""

from foresight.ingest.metadata import SOURCE_TYPES
from foresight.ingest.pipeline import (
    FileOutcome,
    IngestOptions,
    IngestReport,
    ingest,
    warm_up,
)

__all__ = ["SOURCE_TYPES", "FileOutcome", "IngestOptions", "IngestReport", "ingest", "warm_up"]
