"""RSS and Atom feed files: one source per item."""

from __future__ import annotations

import datetime as dt
import hashlib
import re

import feedparser
import lxml.html

from foresight.errors import InputError
from foresight.ingest.model import Block, Document

FEED_ROOT = re.compile(rb"<(?:rss|feed|rdf:RDF)[\s>]", re.I)
# characters an XML tree cannot hold (lxml refuses them), which a broken feed may still carry
NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def is_feed(data: bytes) -> bool:
    return bool(FEED_ROOT.search(data[:2048]))


def blocks_from_html(fragment: str) -> list[Block]:
    if "<" not in fragment:
        return [Block(chunk, wrapped=True) for chunk in re.split(r"\n\s*\n", fragment) if chunk.strip()]
    tree = lxml.html.fragment_fromstring(NOT_XML.sub("", fragment), create_parent="div")
    blocks: list[Block] = []
    for element in tree.iter("p", "li", "h1", "h2", "h3", "h4", "h5", "h6"):
        text = element.text_content().strip()
        if not text:
            continue
        kind = (
            "heading" if element.tag.startswith("h") else "list_item" if element.tag == "li" else "paragraph"
        )
        blocks.append(Block(text, kind=kind))
    if not blocks:
        text = tree.text_content().strip()
        blocks = [Block(text)] if text else []
    return blocks


def read_feed(data: bytes, name: str) -> list[Document]:
    try:
        parsed = feedparser.parse(data)
    except (UnicodeError, LookupError) as exc:  # an encoding it declares and then breaks, or none known
        raise InputError(name, f"not a readable RSS/Atom feed ({exc})") from None
    if parsed.bozo and not parsed.entries:
        raise InputError(name, f"not a readable RSS/Atom feed ({parsed.bozo_exception})")
    language = parsed.feed.get("language")
    documents = []
    for index, entry in enumerate(parsed.entries):
        body = entry["content"][0]["value"] if entry.get("content") else entry.get("summary", "")
        blocks = blocks_from_html(body)
        if not blocks:
            continue
        # the entry's own updated date, read past feedparser's deprecated fallback to published
        stamp = entry.get("published_parsed") or dict.get(entry, "updated_parsed")
        link = entry.get("link")
        item_bytes = "\n".join([entry.get("title", ""), link or "", body]).encode("utf-8")
        documents.append(
            Document(
                format="feed",
                blocks=blocks,
                title=entry.get("title") or None,
                author=entry.get("author") or None,
                date=dt.date(*stamp[:3]) if stamp else None,
                language=language[:2].lower() if language else None,
                locator=entry.get("id") or link or f"item-{index + 1}",
                url=link,
                sha256=hashlib.sha256(item_bytes).hexdigest(),
                attributes={"feed": parsed.feed.get("title", "")},
            )
        )
    if not documents:
        raise InputError(name, "the feed has no items with text")
    return documents
