"""Web pages: trafilatura finds the main text, title, date and author."""

from __future__ import annotations

import re

import trafilatura
from lxml import etree

from foresight.errors import InputError
from foresight.ingest.model import Block, Document
from foresight.ingest.textfile import decode, meta_date

HTML_LANG = re.compile(rb"<html[^>]*\blang=[\"']?([A-Za-z]{2,3})", re.I)


def blocks_from_xml(main: etree._Element) -> list[Block]:
    """Blocks from trafilatura's XML body: head, p and list items, in reading order."""
    blocks: list[Block] = []
    for element in main.iter("head", "p", "item", "quote"):
        text = "".join(element.itertext()).strip()
        if not text:
            continue
        if element.tag == "head":
            blocks.append(Block(text, kind="heading"))
        elif element.tag == "item":
            blocks.append(Block(text, kind="list_item"))
        elif element.getparent() is not None and element.getparent().tag in ("item", "quote"):
            continue  # already taken with its item or quote
        else:
            blocks.append(Block(text))
    return blocks


def read_html(data: bytes, name: str, url: str | None = None) -> list[Document]:
    html = decode(data, name)
    xml = trafilatura.extract(
        html,
        url=url,
        output_format="xml",
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        favor_precision=True,
    )
    if not xml:
        raise InputError(name, "no main text found in the web page")
    root = etree.fromstring(xml.encode("utf-8"), etree.XMLParser(resolve_entities=False))
    main = root.find("main")
    blocks = blocks_from_xml(main if main is not None else root)
    if not blocks:
        raise InputError(name, "no main text found in the web page")
    lang = HTML_LANG.search(data[:4096])
    return [
        Document(
            format="html",
            blocks=blocks,
            title=root.get("title") or None,
            author=root.get("author") or None,
            date=meta_date(root.get("date")),
            language=lang.group(1).decode().lower() if lang else None,
            url=url or root.get("url") or None,
        )
    ]
