"""Whether a PDF's text layer holds the page's words or debris.

pdfium gives the characters a font's map names. A scan whose OCR layer uses fonts without a
usable map, or a font that maps its glyphs to nothing (or to glyph numbers), gives text that is
there but is not the page's words: private-use characters, U+FFFD, control characters, or the
digits and stray letters left when the words themselves were dropped. Stored, such text becomes
units nobody can code. :func:`text_layer_problem` tells it apart from real text in any script.

Measured on the review set's real documents (pypdfium2's text of every page; the sample this
module takes), real text in English, French, German, Chinese, Korean and Arabic, a math-heavy
German book and a transport plan with symbol-font bullets, against the one scan whose OCR layer
pdfium cannot map (its Chinese characters come out as nothing, leaving digits and stray letters):

=================================  ================  ====  ============
figure                             real, worst       scan  refused when
=================================  ================  ====  ============
unmapped characters                0.2 % (de book)   0 %   > 30 %
letters among characters           56 % (zh report)  11 %  < 20 %, and
tokens holding a word              44 % (de book)    5 %   < 15 %
Latin words without a vowel (50+)  1.8 % (arXiv)     -     > 30 %
letters in a run of one letter     0.6 % (zh report) 3 %   > 25 %
=================================  ================  ====  ============

Text shifted by a font's glyph numbers ("Wkh" for "The") has 35-40 % of words without a vowel.
Only a sample of a long document is looked at (its pages evenly), so the check costs a few
milliseconds whatever the length.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

SAMPLE_CHARS = 8_000  # looked at, at most, spread evenly over the pages
PAGE_CHARS = 1_000  # from each page taken into the sample
MIN_CHARS = 20  # below this many non-blank characters there is no text to judge (no text layer)
MIN_FOR_STATISTICS = 200  # the letter and word figures need at least this many
MIN_LATIN_WORDS = 50

MAX_UNMAPPED = 0.3
MIN_LETTERS = 0.2
MIN_WORD_TOKENS = 0.15
MAX_VOWELLESS = 0.3
MAX_REPEATED = 0.25

# Counted by regular expressions, in C: a loop over characters in Python would cost more than
# reading a short PDF. Not counted as unmapped: blanks, and U+FFFE, with which pdfium marks a
# hyphen it found at a line end.
_BLANK = re.compile(r"\s+")
_UNMAPPED = re.compile(
    "[\x00-\x08\x0e-\x1f\x7f-\x9f\ud800-\udfff\ue000-\uf8ff\ufff0-\ufffd\uffff\U000f0000-\U0010ffff]"
)
_NOT_LETTER = re.compile(r"[\W\d_]+")
# Two letters in a row, or one of a script written without spaces, where a letter is a word:
# Thai to Myanmar, Hangul jamo, CJK (Han, kana, their punctuation), Hangul, compatibility forms
_WORD = re.compile(
    r"[^\W\d_]{2,}|[\u0e00-\u109f\u1100-\u11ff\u2e80-\ua4cf\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]"
)
_LATIN_WORD = re.compile(r"[A-Za-z\u00c0-\u024f]{3,}")
_REPEATED_LETTER = re.compile(r"([^\W\d_])\1{2,}")
# a blank-separated token holding a word, and a Latin word (its accents taken off) without a vowel:
# counted by one search each, in C
_TOKEN_WITH_WORD = re.compile(rf"\S*?(?:{_WORD.pattern})\S*")
_NO_VOWEL = re.compile(r"(?<!\S)[^\saeiouyAEIOUY]+(?!\S)")


def _sample(pages: Sequence[str]) -> str:
    """Up to :data:`SAMPLE_CHARS` of the text: the start of each page, of evenly spread pages
    when there are too many."""
    count = len(pages)
    take = max(1, SAMPLE_CHARS // PAGE_CHARS)
    chosen = pages if count <= take else [pages[i * count // take] for i in range(take)]
    return "\n".join(page[:PAGE_CHARS] for page in chosen)


def _percent(share: float) -> str:
    return f"{100 * share:.0f}%"


def text_layer_problem(pages: Sequence[str]) -> str | None:
    """None when the text pdfium extracted from a PDF's pages (one string a page) reads as text;
    else why it does not, in a few words, to stand in a one-line message.

    Text too short to judge (fewer than :data:`MIN_CHARS` non-blank characters: no text layer)
    gives None; telling that case is the reader's.
    """
    text = _sample(pages)
    total = len(text) - sum(map(len, _BLANK.findall(text)))
    if total < MIN_CHARS:
        return None
    unmapped = len(_UNMAPPED.findall(text)) / total
    if unmapped > MAX_UNMAPPED:
        return f"{_percent(unmapped)} of its characters are unmapped: U+FFFD, private-use or control"
    if total < MIN_FOR_STATISTICS:
        return None
    letter_count = len(_NOT_LETTER.sub("", text))
    letters = letter_count / total
    words = len(_TOKEN_WITH_WORD.findall(text)) / len(text.split())
    if letters < MIN_LETTERS and words < MIN_WORD_TOKENS:
        return f"mostly digits and punctuation: {_percent(letters)} of its characters are letters"
    latin = _LATIN_WORD.findall(text)
    if len(latin) >= MIN_LATIN_WORDS:
        bare = unicodedata.normalize("NFD", " ".join(latin)).split()
        vowelless = len(_NO_VOWEL.findall(" ".join(bare))) / len(bare)
        if vowelless > MAX_VOWELLESS:
            return f"{_percent(vowelless)} of its words have no vowel"
    if letter_count >= MIN_FOR_STATISTICS:
        repeated = sum(map(len, (m.group() for m in _REPEATED_LETTER.finditer(text)))) / letter_count
        if repeated > MAX_REPEATED:
            return f"{_percent(repeated)} of its letters are one letter repeated"
    return None


NO_TEXT_LAYER = "has no text layer (a scanned PDF?); run OCR on it: foresight ingest --ocr"


def unreadable_message(problem: str) -> str:
    """The problem :class:`~foresight.errors.InputError` states for a text layer that is debris."""
    return f"has a text layer that cannot be read ({problem}); run OCR on it: foresight ingest --ocr"
