"""Cleaning and splitting: raw blocks in, information units with offsets out.

Splitting follows the text, not the line breaks: wrapped lines are joined, words hyphenated at a
line end are rejoined, running headers and footers are dropped, figure debris is dropped, short
fragments are merged, over-long paragraphs are split at sentence boundaries (spaCy's sentencizer
on a blank pipeline, :mod:`foresight.nlp`: no model download), and a bullet list stays with the sentence that
introduces it.
"""

from __future__ import annotations

import re
from collections.abc import Set
from dataclasses import dataclass, field
from typing import Any

from foresight.config import IngestSettings
from foresight.ingest.hyphens import document_words, join_hyphenated
from foresight.ingest.language import paragraph_language
from foresight.ingest.model import Block, Segmented, UnitDraft
from foresight.nlp import RAISED_MARK, SUPERSCRIPT_FIGURES, sentences

# bullets, also those of symbol fonts (Symbol and Wingdings glyphs in the private use area)
BULLET = re.compile(
    r"^\s*(?:[•●▪▫◦○■□‣⁃∙·*–—➢➤►▶✓✔❖\uf0b7\uf0a7\uf076\uf0d8\uf0fc\uf0a8\uf06e\uf0e0\uf02d-]|\(?\d{1,2}[.)]|\(?[a-z][.)])\s+"
)
_MARKS = f"(?:{RAISED_MARK})?"  # a footnote's mark after the stop: ".²⁵⁷", ".³,¹⁸"
TERMINAL = re.compile(rf"[.!?:;…。！？：；][\"'”’)\]」』]*{_MARKS}$")
SENTENCE_END = re.compile(rf"[.!?…。！？][\"'”’)\]」』]*{_MARKS}$")
# abbreviations that something always follows ("d. h." a formula, "e.g." an example): no
# sentence ends at them
LEADING_ABBREVIATION = re.compile(
    r"(?<!\w)(?:d\.\s?h|z\.\s?B|u\.\s?a|i\.\s?e|e\.\s?g|bzw|vgl|ggf|cf|vs|resp|viz|p\.\s?ex|c\.-à-d)\.$"
)
_SIGNS = "=∑∫√±≤≥∈∀∃→⇒∂∇×"  # a formula's relations and operators
FORMULA = re.compile(f"[{_SIGNS}]")
_MATH = re.compile(f"[{_SIGNS}∉⊆⊂⇔∪∩≠≈∼]")  # (and set theory's, for a display formula)
_OPERATOR = re.compile(r"[-+−*/<>]|" + _MATH.pattern)
_WORDY = re.compile(r"[^\W\d_]{3,}")


def ends_sentence(text: str) -> bool:
    """Whether ``text`` ends a sentence: with a full stop (or a question or exclamation mark),
    not with an abbreviation that something always follows ("d. h.", "z. B.", "e.g.")."""
    return SENTENCE_END.search(text) is not None and LEADING_ABBREVIATION.search(text) is None


def _is_formula(text: str) -> bool:
    """A display formula, not a footnote or a caption that holds one: a relation or an operator
    among four words or fewer, or no word at all."""
    words = len(_WORDY.findall(text))
    return words == 0 or (words <= 4 and _MATH.search(text) is not None)


CAPTION = re.compile(
    r"^(?:figure|fig\.?|table|tab\.|chart|exhibit|graph|photo|image|source|box)\s*"
    r"[\dIVXivx]+[a-z]?\s*[.:]?$",
    re.IGNORECASE,
)
# a page number alone on its line: "12", "- 3 -", "Page 4 of 9", "Seite 2", "xiv"
PAGE_NUMBER = re.compile(
    r"^\W*(?:page|p\.|seite|pág\.?|página)?\s*(?:\d{1,4}|(?=[ivxlc])c{0,3}(?:xc|xl|l?x{0,3})(?:ix|iv|v?i{0,3}))"
    r"(?:\s*(?:of|/|von|de|sur)\s*\d{1,4})?\W*$",
    re.I,
)
SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000]+")
SOFT_HYPHEN = "\u00ad"
LETTER = re.compile(r"[^\W\d_]")
_NOT_LETTERS = re.compile(r"[\W\d_]+")  # the complement of LETTER
_NOT_ASCII_LETTERS = bytes(c for c in range(128) if not chr(c).isalpha())
TWO_LETTERS = re.compile(r"[^\W\d_].*?[^\W\d_]", re.S)
HYPHENS = "-\u2010\u2011"
_TERMINAL_LAST = ".!?:;…。！？：；\"'”’)]」』" + SUPERSCRIPT_FIGURES  # what TERMINAL can end with


def ends_like_a_sentence(text: str) -> bool:
    """Whether ``text`` ends with closing punctuation (:data:`TERMINAL`); told from its last
    character for most texts, where the regular expression would try every position (``$``
    also matches before one closing newline)."""
    last = text[-2:-1] if text[-1:] == "\n" else text[-1:]
    return last in _TERMINAL_LAST and TERMINAL.search(text) is not None


def count_letters(text: str) -> int:
    """How many letters ``text`` holds, counted in C: ASCII text by one bytes translation, other
    text by removing what is not a letter (a list of every letter found would cost ten times)."""
    if text.isascii():
        return len(text.encode("ascii").translate(None, _NOT_ASCII_LETTERS))
    return len(_NOT_LETTERS.sub("", text))


def squeeze(text: str) -> str:
    """Each run of spaces, tabs and other blanks as one plain space.

    Most text has none to replace: that is told by scans in C, where the regular expression
    would step through every character.
    """
    if text.isascii() and "\t" not in text and "  " not in text:
        return text
    return SPACES.sub(" ", text)


_WORD_END = re.compile(r"(\w+)[" + HYPHENS + r"]$")
_WORD_START = re.compile(r"^([a-zäöüßéèàçñ]\w*)")
_HYPHEN_ENDS = tuple(HYPHENS)
_DASHES = ("\u2013", "\u2014")  # en and em dash


_CJK = re.compile(r"[\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")


def is_cjk(char: str) -> bool:
    """Whether a character is Chinese or Japanese script (or their punctuation), which is
    written without spaces between words: lines of it are joined without one. (Korean puts
    spaces between words, so its lines are joined with one.)"""
    return char >= "\u3000" and _CJK.match(char) is not None


def is_bullet(line: str) -> bool:
    """Whether a stripped line starts as a list item does (:data:`BULLET`).

    Most lines start with a letter that is not an item's letter ("a)", "b."): told without the
    regular expression.
    """
    if line[:1].isalpha() and line[1:2] and line[1] not in ".)":
        return False
    return BULLET.match(line) is not None


def join_lines(lines: list[str], vocabulary: Set[str] = frozenset()) -> str:
    """Join soft-wrapped lines into one paragraph; bullet items keep their own lines. A word
    hyphenated at a line end is joined or not as
    :func:`foresight.ingest.hyphens.join_hyphenated` says."""
    return _join_cleaned([squeeze(raw.replace(SOFT_HYPHEN, "-")).strip() for raw in lines], vocabulary)


def _join_cleaned(lines: list[str], vocabulary: Set[str] = frozenset()) -> str:
    """:func:`join_lines` for lines already stripped, their spaces and soft hyphens replaced."""
    out: list[str] = []
    for line in lines:
        if not (line[:1].isalpha() or LETTER.search(line)):  # (most lines start with a letter)
            continue  # chart axis labels, table figures, lone numbers
        if not out or is_bullet(line):
            out.append(line)
            continue
        prev = out[-1]
        head = None
        if prev.endswith(_HYPHEN_ENDS):
            # (the word before the hyphen starts after the last space: the search starts there)
            head = _WORD_END.search(prev, max(0, len(prev) - 80, prev.rfind(" ") + 1))
        if head is None:
            # no space between lines of Chinese or Japanese, nor after a dash set close to the
            # word before it ("2025–" + "2030", "growth—" + "and"; "Paris –" + "Lyon" keeps it)
            close = (is_cjk(prev[-1]) and is_cjk(line[0])) or (
                prev.endswith(_DASHES) and len(prev) > 1 and not prev[-2].isspace()
            )
            out[-1] = f"{prev}{line}" if close else f"{prev} {line}"
            continue
        tail = _WORD_START.match(line)
        if tail and not prev.endswith(" -"):
            word = join_hyphenated(head.group(1), tail.group(1), vocabulary)
            out[-1] = prev[: head.start()] + word + line[tail.end() :]
        elif line[0].isupper():  # "Baden-" + "Württemberg": a name keeps its hyphen
            out[-1] = prev + line
        else:
            out[-1] = f"{prev} {line}"
    return "\n".join(out)


_LETTER_OR_DIGIT = re.compile(r"\w")


def symbols_only(text: str) -> bool:
    """Single letters or signs in a row ("Σ ϕ", "x y z"): a diagram's labels, no heading nor
    text (Chinese or Japanese characters set apart, "目 录", are words). Two letters at least,
    each with a space among the signs between it and the next."""
    # (not one pattern of the whole text: on a long row of single letters a pattern's
    # backtracking takes exponential time)
    gaps = _LETTER_OR_DIGIT.split(text)
    return (
        len(gaps) >= 3
        and all(any(c.isspace() for c in gap) for gap in gaps[1:-1])
        and _CJK.search(text) is None
    )


def looks_like_heading(text: str) -> bool:
    words = text.split()
    return (
        0 < len(words) <= 12
        and len(text) <= 100
        and "\n" not in text
        and not ends_like_a_sentence(text)
        and not text.endswith(",")
        and "=" not in text  # a formula's line ("p_{ii}=0") is no heading
        and (text[0].isupper() or text[0].isdigit())
        and LETTER.search(text) is not None
        and not symbols_only(text)
    )


def _goes_on_over_a_page(body: _Para, page: int | None, text: str) -> bool:
    """Whether ``text``, first on a new page, goes on with ``body``, which broke off at the end of
    the page before on a lower-case word and no punctuation: in German the next word may well be a
    capitalised noun ("ein hochwertiges" / "Rezyklat gewinnen lässt")."""
    return (
        page is not None
        and body.page is not None
        and page > body.page
        and body.text[-1:].isalpha()
        and body.text.rsplit(None, 1)[-1][:1].islower()  # (no such case in scripts without one)
        and text[:1].isupper()
    )


def is_debris(text: str) -> bool:
    """Figure and table captions without text, lone numbers, stray symbols."""
    return (
        not TWO_LETTERS.search(text)
        or bool(CAPTION.match(text))
        or bool(PAGE_NUMBER.match(text))
        or (symbols_only(text) and _OPERATOR.search(text) is None)  # (a formula's part is kept)
    )


TABLE_UNIT_CHARS = 1000  # a table is cut into units of at most this many characters, by rows


def table_blocks(rows: list[str], *, page: int | None = None, section: str | None = None) -> list[Block]:
    """A table's rows as blocks of kind "table", each a unit as it stands (``fixed``: never
    merged into prose nor taken for a heading) marked ``{"table": True}``, of at most
    :data:`TABLE_UNIT_CHARS` characters; a table without words is left out."""
    blocks: list[Block] = []
    chunk: list[str] = []
    size = 0
    for row in [*rows, ""]:
        if chunk and (not row or size + len(row) > TABLE_UNIT_CHARS):
            text = "\n".join(chunk)
            if not is_debris(squeeze(text)):
                blocks.append(
                    Block(
                        text, kind="table", page=page, section=section, fixed=True, attributes={"table": True}
                    )
                )
            chunk, size = [], 0
        if row:
            chunk.append(row)
            size += len(row) + 1
    return blocks


_OPENERS = "([{“‘«„"  # an opening bracket or quote belongs to the sentence after it


def split_long(text: str, max_chars: int, language: str | None = None) -> list[str]:
    """Split a paragraph longer than ``max_chars`` at sentence boundaries, packing greedily; the
    pieces are cut from the text as it stands, so what stood between two sentences (a space,
    a line break) stays as it was. Sentences end by the rules of ``language`` (ISO 639-1; the
    paragraph's detected language when None, else English): "z. B." ends none in German."""
    if len(text) <= max_chars:
        return [text]
    spans: list[list[int]] = []
    pos = 0
    language = language or paragraph_language(text)
    for sentence in sentences(text, language):  # (slices of the text, in order)
        begin = text.find(sentence, pos)
        pos = begin + len(sentence)
        spans.append([begin, pos])
    for before, after in zip(spans, spans[1:], strict=False):
        # "… 1987. [" + "Online]. …": the bracket opens the next sentence
        end = before[1]
        while end > before[0] and text[end - 1].isspace():
            end -= 1
        while end > before[0] + 1 and text[end - 1] in _OPENERS:
            end -= 1
            before[1] = after[0] = end
    pieces: list[tuple[int, int]] = []
    for begin, end in spans:
        while begin < end and text[begin].isspace():
            begin += 1
        while end > begin and text[end - 1].isspace():
            end -= 1
        while end - begin > max_chars:  # one sentence longer than a unit: cut at a space
            cut = text.rfind(" ", begin, begin + max_chars)
            cut = cut if cut > begin + max_chars // 2 else begin + max_chars
            pieces.append((begin, cut))
            begin = cut
            while begin < end and text[begin].isspace():
                begin += 1
        if end > begin:
            pieces.append((begin, end))
    chunks: list[tuple[int, int]] = []
    for begin, end in pieces:
        if chunks and end - chunks[-1][0] <= max_chars:
            chunks[-1] = (chunks[-1][0], end)
        else:
            chunks.append((begin, end))
    return [text[begin:end].strip() for begin, end in chunks]


@dataclass
class _Para:
    text: str
    page: int | None
    section: str | None
    fixed: bool = False
    attributes: dict[str, Any] = field(default_factory=dict)
    note: bool = False  # a footnote or caption: a paragraph running past it is joined across it


@dataclass
class _Heading:
    """A section heading; ``guessed`` when only its shape (short, unpunctuated) made it one."""

    text: str
    guessed: bool = False
    section: str | None = None  # the section of the units under it: this heading, or the
    # headings right before it and this one


def _clean(block: Block, vocabulary: Set[str]) -> str:
    if block.wrapped:  # spaces and soft hyphens replaced in one pass over the block, not per line
        text = squeeze(block.text.replace(SOFT_HYPHEN, "-"))
        return _join_cleaned([line.strip() for line in text.splitlines()], vocabulary)
    lines = [squeeze(ln).strip() for ln in block.text.replace(SOFT_HYPHEN, "").splitlines()]
    # an item's lines, a table's rows and a slide's paragraphs stay lines; others are joined
    joiner = "\n" if block.kind in ("list_item", "table", "slide") else " "
    return joiner.join(ln for ln in lines if ln)


def _paragraphs(blocks: list[Block], settings: IngestSettings) -> list[_Para | _Heading]:
    """Paragraphs and headings after joining, dropping and merging."""
    out: list[_Para | _Heading] = []
    section: str | None = None
    pending = ""  # a short fragment waiting to be merged into the next paragraph
    vocabulary = document_words("\n".join(block.text for block in blocks if block.wrapped))

    def last_para() -> _Para | None:
        return out[-1] if out and isinstance(out[-1], _Para) and not out[-1].fixed else None

    def running_para() -> _Para | None:
        """The last paragraph of body text, looking past notes (footnotes, captions) and tables
        after it."""
        for item in reversed(out):
            if isinstance(item, _Para) and item.fixed and item.attributes.get("table"):
                continue
            if not isinstance(item, _Para) or item.fixed:
                return None
            if not item.note:
                return item
        return None

    for block in blocks:
        text = _clean(block, vocabulary)
        if not text:
            continue
        if block.fixed:
            own = block.section if block.section is not None else section
            out.append(_Para(text, block.page, own, True, dict(block.attributes)))
            continue
        if block.section is not None:
            section = block.section
        starts_lower = text[0].islower()
        last = out[-1] if out else None
        if (
            starts_lower
            and block.kind != "heading"
            and isinstance(last, _Heading)
            and not SENTENCE_END.search(last.text)
        ):
            # the "heading" was the first line of this paragraph (a line the next one continues
            # is no heading, whatever its type): it goes back into the text
            out.pop()
            section = next((h.section for h in reversed(out) if isinstance(h, _Heading)), block.section)
            text = f"{last.text} {text}"
            starts_lower = False
        if block.kind == "heading":
            if pending:  # short text before a heading (a cover's lines) stays in its own section
                out.append(_Para(pending, block.page, section))
                pending = ""
            if out and isinstance(out[-1], _Heading) and len(out[-1].text) > 80:
                # a long "heading" right before another is text set large (a lead-in, a
                # callout), not a title: it is a unit of its own
                lead = out.pop()
                # (under what stood before it: it is not its own section)
                section = out[-1].section if out else None
                out.append(_Para(lead.text, block.page, section))
            heading = text.replace("\n", " ")
            if out and isinstance(out[-1], _Heading) and section:
                # headings one after the other (a chapter's, then its first section's): the
                # units under them have them all as their section (of those that units had
                # before, the last three)
                section = _deeper(section, heading, out)
            else:
                section = heading
            out.append(_Heading(heading, section=section))
            continue
        if is_debris(text):
            continue
        note = block.kind == "note"
        prev = last_para()
        bullet = is_bullet(text)
        if block.kind == "list_item" or bullet:
            item = text if bullet else f"- {text}"
            if pending:  # a short lead-in waiting for text: the list it introduces
                out.append(_Para(f"{pending}\n{item}", block.page, section))
                pending = ""
            elif prev is not None and not prev.note:
                prev.text = f"{prev.text}\n{item}"
            else:
                out.append(_Para(item, block.page, section))
            continue
        body = running_para() if not note else prev
        if (
            body is not None
            and (starts_lower or _goes_on_over_a_page(body, block.page, text))
            and not ends_sentence(body.text)
        ):
            at = next(i for i in range(len(out) - 1, -1, -1) if out[i] is body)
            between = out[at + 1 :]
            if between and all(
                isinstance(b, _Para) and b.note and b.page == block.page and _is_formula(b.text)
                for b in between
            ):  # display formulas the paragraph runs on past: they are part of it
                body.text = join_lines([body.text, *(b.text.replace("\n", " ") for b in between)], vocabulary)
                del out[at + 1 :]
            head, sep, last = body.text.rpartition("\n")  # (the last item of a list goes on)
            body.text = head + sep + join_lines([last, text], vocabulary)
            continue
        if len(text) < settings.min_unit_chars * 2 and looks_like_heading(text) and not note:
            if out and isinstance(out[-1], _Heading) and out[-1].guessed:
                # two short lines in a row are labels (a chart's, a key figure's), not headings:
                # the first goes with the text that follows
                pending = f"{pending} {out.pop().text}".strip()
            elif pending:  # short text before a heading stays in its own section, as before a
                out.append(_Para(pending, block.page, section))  # heading set large
                pending = ""
            # (after headings that no unit has had yet, a path one deeper: none is lost)
            after_heading = out and isinstance(out[-1], _Heading) and section
            section = _deeper(section, text, out) if after_heading else text
            out.append(_Heading(text, guessed=True, section=section))
            continue
        if note:  # notes are kept apart from the body text, short ones together
            if (
                prev is not None
                and prev.note
                and out[-1] is prev
                and len(prev.text) < settings.max_unit_chars
            ):
                prev.text = f"{prev.text} {text}"
            else:
                out.append(_Para(text, block.page, section, note=True))
            continue
        if len(text) < settings.min_unit_chars:
            if prev is not None and prev.section == section and not prev.note:
                prev.text = f"{prev.text} {text}"
            else:
                pending = f"{pending} {text}".strip()
            continue
        if pending:
            text, pending = f"{pending} {text}", ""
        out.append(_Para(text, block.page, section, attributes=dict(block.attributes), note=note))
    if pending:
        prev = last_para()
        if prev is not None:
            prev.text = f"{prev.text} {pending}"
        else:
            out.append(_Para(pending, None, section))
    fresh = _fresh(out)
    if fresh:  # headings at the end, with no text under them: text of their own, not lost
        last_page = next((item.page for item in reversed(out) if isinstance(item, _Para)), None)
        before = out[-fresh - 1].section if len(out) > fresh and isinstance(out[-fresh - 1], _Para) else None
        texts = [item.text for item in out[-fresh:]]
        del out[-fresh:]
        out.append(_Para("\n".join(texts), last_page, before))
    return out


def _fresh(out: list[_Para | _Heading]) -> int:
    """How many headings end ``out``: those that no unit has had as its section yet."""
    count = 0
    while count < len(out) and isinstance(out[-count - 1], _Heading):
        count += 1
    return count


def _deeper(section: str, heading: str, out: list[_Para | _Heading]) -> str:
    """The section under ``heading`` set right after the headings that end ``out``: the path
    to it from the last three headings, or from all those that no unit has had yet."""
    return " › ".join([*section.split(" › ")[-max(2, _fresh(out)) :], heading])


def segment(blocks: list[Block], settings: IngestSettings) -> Segmented:
    """Cut a document's blocks into units; the returned text is what their offsets index. A long
    paragraph is cut into sentences in its own language (detected in its first characters)."""
    parts: list[str] = []
    units: list[UnitDraft] = []
    offset = 0

    def emit(text: str) -> int:
        nonlocal offset
        if parts:
            offset += 2  # the "\n\n" between parts
        start = offset
        parts.append(text)
        offset += len(text)
        return start

    for item in _paragraphs(blocks, settings):
        if isinstance(item, _Heading):
            emit(item.text)
            continue
        chunks = [item.text] if item.fixed else split_long(item.text, settings.max_unit_chars)
        for chunk in chunks:
            start = emit(chunk)
            units.append(
                UnitDraft(chunk, start, start + len(chunk), item.page, item.section, item.attributes)
            )
    return Segmented("\n\n".join(parts), units)
