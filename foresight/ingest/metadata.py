"""What is stored of a source besides its text, settled before anything is written.

Each fact comes from the best place that has it: the document's own metadata first, then its
file name (``2011-05-14_policy_brief.pdf``), then what the ingest was told (``--date``,
``--source-type``), then the project's defaults. The language is the exception: ``--lang``
overrides, then the language detected in the text (:mod:`foresight.ingest.language`), then
the document's own tag. :func:`settle` is pure: it
reads no store and no file, so the writer (:func:`foresight.ingest.pipeline.store_document`)
only writes what it is given.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from foresight.config import ProjectConfig
from foresight.ingest.language import settle_language
from foresight.ingest.model import Document
from foresight.ingest.reading import is_url

if TYPE_CHECKING:
    from foresight.ingest.pipeline import IngestOptions

SOURCE_TYPES = ("news", "blog", "policy", "report", "proceedings", "interview", "survey", "other")
FILE_NAME = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:[_ -]+([a-z]+))?")
# the source type of a format that says what it holds
FORMAT_TYPES = {"csv": "survey", "xlsx": "survey", "feed": "news"}


@dataclass(frozen=True)
class SourceFacts:
    title: str
    path: str  # the file read, or a feed item's own address
    date: dt.date | None
    date_origin: str  # metadata | file name | flag | unknown
    source_type: str
    actor_type: str | None
    language: str
    period: str | None  # the project's period the date falls in


def name_hints(location: str) -> tuple[dt.date | None, str | None]:
    """A date and a source type from a file name like ``2011-05-14_policy_brief.pdf``."""
    match = FILE_NAME.match(Path(location).name)
    if not match:
        return None, None
    try:
        day = dt.date.fromisoformat(match.group(1))
    except ValueError:
        return None, None
    kind = match.group(2)
    return day, kind if kind in SOURCE_TYPES else None


def title_of(document: Document, location: str) -> str:
    """The document's own title, else its file name without a leading date and type."""
    if document.title:
        return document.title.strip()
    stem = Path(location).stem if not is_url(location) else location
    return (
        re.sub(r"^\d{4}-\d{2}-\d{2}[_ -]+([a-z]+[_ -]+)?", "", stem).replace("_", " ").replace("-", " ")
        or stem
    )


def settle(
    document: Document,
    location: str,
    options: IngestOptions,
    config: ProjectConfig,
    detected: str | None = None,
) -> SourceFacts:
    """The facts of a source read from ``location``, each from the best place that has it;
    ``detected``: the language found in its text."""
    name_date, name_type = name_hints(location)
    if document.date is not None:
        day, origin = document.date, "metadata"
    elif name_date is not None:
        day, origin = name_date, "file name"
    elif options.date is not None:
        day, origin = options.date, "flag"
    else:
        day, origin = None, "unknown"
    own_type = document.source_type if document.source_type in SOURCE_TYPES else None
    by_format = FORMAT_TYPES.get(document.format, "other")
    return SourceFacts(
        title=title_of(document, location),
        path=document.url if document.format == "feed" and document.url else location,
        date=day,
        date_origin=origin,
        source_type=own_type or name_type or options.source_type or by_format,
        actor_type=options.actor_type,
        language=settle_language(document.language, detected, options.language, config.default_language),
        period=config.period_of(day),
    )
