"""Reading grey literature into sources and information units."""

from foresight.ingest.pipeline import (
    SOURCE_TYPES,
    FileOutcome,
    IngestOptions,
    IngestReport,
    ingest,
    warm_up,
)

__all__ = ["SOURCE_TYPES", "FileOutcome", "IngestOptions", "IngestReport", "ingest", "warm_up"]
