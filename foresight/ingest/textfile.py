"""Plain text and Markdown, with YAML front matter; and decoding bytes of unknown encoding."""

from __future__ import annotations

import codecs
import datetime as dt
import re
from collections import Counter
from typing import Any

import yaml
from charset_normalizer import from_bytes
from markdown_it import MarkdownIt

from foresight.errors import InputError
from foresight.ingest.model import Block, Document
from foresight.ingest.segment import TERMINAL, is_bullet, looks_like_heading
from foresight.yamlfile import safe_load

FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*\r?\n", re.S)


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
    return repair_double_encoding(text).replace("\r\n", "\n").replace("\r", "\n")


# UTF-8 read as Latin-1 and written as UTF-8 again: "â\x80\x93" for "–", "Ã©" for "é". The
# C1 control characters (U+0080-U+009F) such text is full of never stand in real text.
_DOUBLE_ENCODED = re.compile(r"[\u00c2-\u00f4][\u0080-\u00bf]{1,3}")


def repair_double_encoding(text: str) -> str:
    """Text with each run of doubly encoded UTF-8 decoded once more ("1986â\x80\x931990" ->
    "1986–1990"); text without any C1 control character is returned as it is."""
    if not _C1.search(text):
        return text

    def once(match: re.Match[str]) -> str:
        try:
            return match.group().encode("latin-1").decode("utf-8")
        except UnicodeDecodeError:  # not the bytes of one character: leave it
            return match.group()

    return _DOUBLE_ENCODED.sub(once, text)


_C1 = re.compile(r"[\u0080-\u009f]")


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
    """The document of a text file: its title the front matter's, else the heading it opens
    with ("# Title" in Markdown, a short first line standing apart in plain text)."""
    opening = blocks[0] if len(blocks) > 1 else None
    if opening is not None and not (opening.kind == "heading" or looks_like_heading(opening.text)):
        opening = None
    return Document(
        format=fmt,
        blocks=blocks,
        title=str(meta["title"]) if meta.get("title") else opening.text if opening else None,
        date=meta_date(meta.get("date")),
        author=str(meta["author"]) if meta.get("author") else None,
        language=str(meta["language"]) if meta.get("language") else None,
        source_type=str(meta["source_type"]) if meta.get("source_type") else None,
    )


def read_text(data: bytes, name: str) -> list[Document]:
    """A plain text file as one document: a block for each paragraph (:func:`paragraphs`)."""
    meta, body = front_matter(decode(data, name))
    return [_document("txt", meta, [Block(text, wrapped=True) for text in paragraphs(body)])]


# No one wraps text at more than 200 characters: lines longer than that (in a tenth of the lines
# or more) are paragraphs of their own. hard-wrapped.txt, a PDF's text, has lines up to 159
# characters (178 once), 90% of them at most 135.
LONG_LINE = 200
# In hard-wrapped text most full lines break inside a sentence (80% of them in hard-wrapped.txt);
# in text with a paragraph on each line, almost every line ends with closing punctuation.
OPEN_LINES = 0.3
# A line's width is the longest line among its neighbours, this many either side: the width
# changes inside one text (hard-wrapped.txt has lines of about 90 characters, then of about 150).
WIDTH_WINDOW = 5
# A line is short when the next line's first word would have fitted on it and it is at most this
# share of the width: PDF text (proportional type) has full lines of 80 to 96 characters side by
# side in hard-wrapped.txt, where "the next word fits" alone would end paragraphs in mid-flow.
SHORT_LINE = 0.85
# A line after a heading starts a paragraph when it is at least this share of the width (and
# no heading itself): a run of short lines (names, an address, verse) holds no headings.
PARAGRAPH_START_WIDTH = 0.5
CITATIONS = re.compile(r"(?:\[[^\]\s]{1,8}\])+$")  # "...in 1986.[9]" or "[14][15]" after a sentence
OPENING_QUOTES = "\"'“‘«„‚‹¿¡"


def paragraphs(text: str) -> list[str]:
    """The paragraphs of a plain text, each with its line breaks (the segmenter joins its lines).

    A blank line always ends a paragraph. Text whose lines are long, or whose lines end with
    closing punctuation (a paragraph on each line), has a paragraph on each line. Hard-wrapped
    text (:func:`is_hard_wrapped`) also has a paragraph end before a line that starts like a
    paragraph (an upper-case letter, a digit, a quote) when that line is indented, when the
    line before ends a sentence and is short (:func:`_short`: the new line's first word would
    have fitted on it), and before and after a heading (:func:`_headings`).
    """
    lines = [line.rstrip() for line in text.split("\n")]
    filled = [i for i, line in enumerate(lines) if line.strip()]
    if not is_hard_wrapped([lines[i] for i in filled]):
        return [lines[i] for i in filled]
    texts = [lines[i] for i in filled]
    lengths = [len(line) for line in texts]
    widths = [max(lengths[max(0, k - WIDTH_WINDOW) : k + WIDTH_WINDOW + 1]) for k in range(len(texts))]
    indents = [len(line.expandtabs(4)) - len(line.expandtabs(4).lstrip()) for line in texts]
    usual_indent = Counter(indents).most_common(1)[0][0] if indents else 0
    blank_before = [k == 0 or filled[k] - filled[k - 1] > 1 for k in range(len(texts))]
    headings = _headings(texts, widths, blank_before)
    out: list[list[str]] = []
    for k, line in enumerate(texts):
        if blank_before[k]:
            out.append([line])
            continue
        prev, start = texts[k - 1].strip(), line.strip()
        short = _short(texts[k - 1], start, widths[k - 1])
        ends = (
            headings[k]
            or headings[k - 1]
            or (
                _starts_paragraph(start)
                and (
                    (indents[k] > usual_indent >= indents[k - 1] and not is_bullet(prev))
                    or (short and _ends_sentence(prev))
                )
            )
        )
        if ends:
            out.append([line])
        else:
            out[-1].append(line)
    return ["\n".join(paragraph) for paragraph in out]


def is_hard_wrapped(lines: list[str]) -> bool:
    """Whether lines were wrapped at a width, not at paragraph ends: not long (:data:`LONG_LINE`),
    and many of the full ones (:data:`OPEN_LINES`) without closing punctuation at the end."""
    if not lines:
        return False
    lengths = sorted(len(line) for line in lines)
    usual = lengths[(len(lengths) - 1) * 9 // 10]  # the 90th percentile
    if usual > LONG_LINE:
        return False
    full = [line.strip() for line in lines if len(line) >= 0.6 * usual]
    open_lines = sum(not _ends_sentence(line) for line in full)
    return open_lines >= OPEN_LINES * len(full)


def _headings(texts: list[str], widths: list[int], blank_before: list[bool]) -> list[bool]:
    """Which lines are headings: short (:data:`SHORT_LINE`) and unpunctuated, shaped as headings
    are (:func:`looks_like_heading`), after a line that ended (or a blank line) and before a
    line that starts a paragraph of some length (:data:`PARAGRAPH_START_WIDTH`) and is no such
    heading-shaped line itself."""
    shaped = [
        len(line) <= SHORT_LINE * width
        and looks_like_heading(line.strip())
        and not _ends_sentence(line.strip())
        for line, width in zip(texts, widths, strict=True)
    ]
    out = [False] * len(texts)
    for k, line in enumerate(texts[:-1]):
        after = texts[k + 1].strip()
        if (
            not shaped[k]
            or blank_before[k + 1]
            or shaped[k + 1]
            or not _starts_paragraph(after)
            or len(texts[k + 1]) < PARAGRAPH_START_WIDTH * widths[k + 1]
        ):
            continue
        prev = texts[k - 1] if k else ""
        out[k] = blank_before[k] or _ends_sentence(prev.strip()) or _short(prev, line.strip(), widths[k - 1])
    return out


def _short(line: str, following: str, width: int) -> bool:
    """Whether ``line`` ended before the width: the first word of the stripped line following it
    would have fitted, and it is at most :data:`SHORT_LINE` of the width."""
    return len(line) + 1 + len(following.split()[0]) <= width and len(line) <= SHORT_LINE * width


def _ends_sentence(line: str) -> bool:
    """Whether a stripped line ends a sentence (citation marks after it aside); a line of
    citation marks alone ("[46]") ends the sentence they were cut from."""
    text = CITATIONS.sub("", line)
    return not text or TERMINAL.search(text) is not None


def _starts_paragraph(line: str) -> bool:
    """Whether a stripped line starts as a paragraph may: not with a lower-case letter, nor with
    a citation mark ("[10] Having made..." goes on the sentence before it)."""
    first = line[:1]
    return (
        first.isdigit()
        or (first.isalpha() and not first.islower())
        or first in OPENING_QUOTES
        or is_bullet(line)
    )


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
