"""Plain text and Markdown, with YAML front matter; and decoding bytes of unknown encoding."""

from __future__ import annotations

import codecs
import datetime as dt
import re
from typing import Any

import yaml
from charset_normalizer import from_bytes
from markdown_it import MarkdownIt

from foresight.errors import InputError
from foresight.ingest.model import Block, Document
from foresight.yamlfile import safe_load

FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*\r?\n", re.S)
BLANK_LINES = re.compile(r"\n[ \t]*\n+")


def decode(data: bytes, name: str) -> str:
    """Text from bytes: a byte-order mark, else UTF-8, else the encoding detected from them.

    Line ends become line feeds, whichever way the text was found."""
    boms = (
        (codecs.BOM_UTF8, "utf-8-sig", "UTF-8"),
        (codecs.BOM_UTF16_LE, "utf-16", "UTF-16"),
        (codecs.BOM_UTF16_BE, "utf-16", "UTF-16"),
    )
    marked = next(((encoding, label) for bom, encoding, label in boms if data.startswith(bom)), None)
    if marked is not None:
        encoding, label = marked
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as exc:
            problem = f"{exc.reason} at byte {exc.start}"
            raise InputError(
                name, f"starts with a {label} byte-order mark but is not {label} ({problem})"
            ) from None
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            best = from_bytes(data).best()
            if best is None or best.encoding is None:
                raise InputError(name, "cannot tell the text encoding (is it a binary file?)") from None
            text = str(best)
    if "\x00" in text:
        raise InputError(name, "holds NUL bytes: a binary file, not text")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def front_matter(text: str) -> tuple[dict[str, Any], str]:
    """Split a leading ``---`` YAML block (title, date, author, source_type, ...) off the text."""
    match = FRONT_MATTER.match(text)
    if not match:
        return {}, text
    try:
        meta, _ = safe_load(match.group(1))
    except yaml.YAMLError:  # not YAML after all (or a bomb): the block stays part of the text
        return {}, text
    return (meta if isinstance(meta, dict) else {}), text[match.end() :]


def meta_date(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip()[:10])
        except ValueError:
            return None
    return None


def _document(fmt: str, meta: dict[str, Any], blocks: list[Block]) -> Document:
    return Document(
        format=fmt,
        blocks=blocks,
        title=str(meta["title"]) if meta.get("title") else None,
        date=meta_date(meta.get("date")),
        author=str(meta["author"]) if meta.get("author") else None,
        language=str(meta["language"]) if meta.get("language") else None,
        source_type=str(meta["source_type"]) if meta.get("source_type") else None,
    )


def read_text(data: bytes, name: str) -> list[Document]:
    meta, body = front_matter(decode(data, name))
    blocks = [Block(chunk, wrapped=True) for chunk in BLANK_LINES.split(body) if chunk.strip()]
    return [_document("txt", meta, blocks)]


def _inline_text(token: Any) -> str:
    parts = []
    for child in token.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append("\n")
    return "".join(parts)


def read_markdown(data: bytes, name: str) -> list[Document]:
    meta, body = front_matter(decode(data, name))
    tokens = MarkdownIt("commonmark").parse(body)
    blocks: list[Block] = []
    depth = 0  # inside a list
    heading = False
    for token in tokens:
        if token.type in ("bullet_list_open", "ordered_list_open"):
            depth += 1
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            depth -= 1
        elif token.type == "heading_open":
            heading = True
        elif token.type == "heading_close":
            heading = False
        elif token.type == "inline":
            text = _inline_text(token)
            if heading:
                blocks.append(Block(text, kind="heading"))
            elif depth:
                blocks.append(Block(text, kind="list_item", wrapped=True))
            else:
                blocks.append(Block(text, wrapped=True))
        elif token.type in ("fence", "code_block"):
            continue
    return [_document("markdown", meta, blocks)]
