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


_DISPLAYSTYLE = re.compile(r"^\{\\displaystyle\s*(.*)\}$", re.S)
# wiki pages' "[edit]" links beside each heading: page furniture, not the heading's words
_FURNITURE = "mw-editsection"


def _formulas_kept(html: str) -> str:
    """The page with each formula (MathML, as wikis and journals write them) as the text of its
    TeX (``alttext``, "x_{i}") or, without one, its own text, and wikis' "[edit]" links left
    out: the main-text extractor drops formulas, and a sentence loses its symbols."""
    if "<math" not in html and _FURNITURE not in html:
        return html
    import lxml.html

    try:
        tree = lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        return html
    for element in tree.xpath(f"//*[contains(@class, '{_FURNITURE}')]"):
        element.drop_tree()
    for math in tree.xpath("//*[local-name() = 'math']"):
        alt = math.get("alttext")
        tex = _DISPLAYSTYLE.sub(r"\1", alt.strip()).strip() if alt else " ".join(math.itertext()).split()
        text = tex if isinstance(tex, str) else " ".join(tex)
        # the formula's wrapper (a wiki's holds the MathML, hidden, and a fallback image): the text
        holder = math
        while (parent := holder.getparent()) is not None and "mwe-math" in (parent.get("class") or ""):
            holder = parent
        tail = holder.tail
        replacement = lxml.html.Element("span")
        replacement.text, replacement.tail = text, tail
        holder.getparent().replace(holder, replacement)
    return lxml.html.tostring(tree, encoding="unicode")


def read_html(data: bytes, name: str, url: str | None = None) -> list[Document]:
    html = _formulas_kept(decode(data, name))
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
