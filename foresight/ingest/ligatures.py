"""Ligatures a PDF's text gets wrong: glyphs pdfium could not map, and glyphs a program mapped
to letters of other alphabets. Each is read as the ligature that makes an English word."""

from __future__ import annotations

import re

from foresight.ingest.hyphens import RARE_WORD, word_frequency

_LIGATURES = ("fi", "fl", "ff", "ffi", "ffl", "ft", "st")
_MARKED_WORD = re.compile(r"(\w*)\ufffe(\w*)")


def unmapped_ligatures(text: str) -> str:
    """Each glyph pdfium could not map inside a word (U+FFFE) as the ligature that makes the
    likeliest English word ("di" + "culties": "difficulties"), else as nothing."""

    def choose(match: re.Match[str]) -> str:
        head, tail = match.group(1), match.group(2)
        if not (head or tail):
            return ""
        scored = [(word_frequency(f"{head}{ligature}{tail}"), ligature) for ligature in _LIGATURES]
        known = [(score, ligature) for score, ligature in scored if score is not None]
        return f"{head}{max(known)[1]}{tail}" if known else head + tail

    return _MARKED_WORD.sub(choose, text)


# a letter of the Latin Extended-B or IPA blocks, or ō, inside an English word: what some
# programs map a ligature's glyph to (Word's Calibri: "ɵ" for "ti", "ƫ" for "tti", "Ʃ" and
# "ʃ" for "tt", "ō" for "ft")
ODD_LETTER = re.compile(r"([A-Za-z]*)([\u0180-\u02af\u014c\u014d])([A-Za-z]*)")
_MISMAPPED = ("ti", "tti", "tt", "ft", "fti", "fi", "fl", "ff", "ffi", "ffl", "tf", "st", "th", "ct")


def mismapped_ligatures(text: str) -> str:
    """Each letter that a ligature's glyph was mapped to by mistake, inside a word that is no
    English word, as the ligature that makes the likeliest one ("wriɵng": "writing"); a word
    that none makes, or that is a word as it stands (a Romanian "ţară"), is left as it is."""

    def choose(match: re.Match[str]) -> str:
        head, odd, tail = match.groups()
        if not (head or tail) or word_frequency(head + odd + tail) is not None:
            return match.group(0)
        scored = [(word_frequency(f"{head}{ligature}{tail}"), ligature) for ligature in _MISMAPPED]
        known = [(score, ligature) for score, ligature in scored if score is not None and score > RARE_WORD]
        return f"{head}{max(known)[1]}{tail}" if known else match.group(0)

    return ODD_LETTER.sub(choose, text)
