"""The language of a text, a unit and a source, detected offline.

Detection uses py3langid (langid.py's naive Bayes model over byte n-grams, shipped in the wheel:
nothing is downloaded), restricted to :data:`LANGUAGES`, the languages a European foresight team
reads plus Chinese, Japanese and Korean: fewer candidates, fewer confusions (Dutch for Afrikaans,
Spanish for Galician). Measured by ``benchmarks/bench_language.py`` on the labelled paragraphs of
``tests/data/languages/paragraphs.tsv`` (7 languages, 2 to 25 words): py3langid and
lingua-language-detector (high accuracy) both classified all 56 right; py3langid took 70-150 µs
a paragraph against lingua's 550 µs with 15 languages and 35 ms with these 38, and ships 4.6 MB
against 96 MB. At 50 units a document,
py3langid adds about 3.5 ms of CPU to each document ingested.

A unit gets its own detected language when it is long enough and the detection confident
(:data:`UNIT_MIN_CHARS`, :data:`UNIT_MIN_CONFIDENCE`), else its source's: a heading or a
four-word list item says too little. A source's language is the one most of its units' text is
in (by characters), so a German report with English quotations stays German.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from py3langid.langid import LanguageIdentifier

# ISO 639-1 codes: the EU's languages and those of its neighbours, then Chinese, Japanese, Korean
LANGUAGES = ("en", "de", "fr", "it", "es", "pt", "nl", "pl", "cs", "sk", "sl", "hr", "sr", "bs")
LANGUAGES += ("hu", "ro", "bg", "el", "da", "sv", "no", "fi", "et", "lv", "lt", "ga", "mt", "is")
LANGUAGES += ("lb", "ca", "eu", "gl", "tr", "uk", "ru", "zh", "ja", "ko")
UNIT_MIN_CHARS = 40  # shorter units take their source's language
UNIT_MIN_CONFIDENCE = 0.9  # py3langid's normalised probability
# a unit's language is told from its first characters: the model's cost grows with the text's
# length, and a paragraph's first 300 characters tell its language as well as the rest
UNIT_SAMPLE_CHARS = 300
SOURCE_MIN_CONFIDENCE = 0.5  # for a source without a unit in a known language
SOURCE_SAMPLE_CHARS = 20_000  # a source without a unit long enough: its text's beginning
_LANGUAGE_TAG = re.compile(r"^([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]+)*$")
_THREE_LETTERS = {"eng": "en", "deu": "de", "ger": "de", "fra": "fr", "fre": "fr", "ita": "it"}
_THREE_LETTERS |= {"spa": "es", "nld": "nl", "dut": "nl", "pol": "pl", "por": "pt", "zho": "zh"}
_THREE_LETTERS |= {"chi": "zh", "jpn": "ja", "kor": "ko"}


@dataclass(frozen=True, slots=True)
class Guess:
    language: str  # ISO 639-1
    confidence: float  # 0..1


@lru_cache(maxsize=1)
def _identifier() -> LanguageIdentifier:
    """py3langid's model restricted to :data:`LANGUAGES` (about 1 s to load: once a process,
    before ingest forks its workers)."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(LANGUAGES)
    return identifier


def detect(text: str) -> Guess | None:
    """The language ``text`` is most likely in; None for a text without letters."""
    if not any(ch.isalpha() for ch in text):
        return None
    language, confidence = _identifier().classify(text)
    return Guess(str(language), float(confidence))


def normalise(tag: str | None) -> str | None:
    """A document's own language tag ("en-US", "de_DE", "fra") as an ISO 639-1 code; None for
    what is no language tag ("x-none", "zxx", empty)."""
    match = _LANGUAGE_TAG.match((tag or "").strip())
    if not match:
        return None
    code = match.group(1).lower()
    code = _THREE_LETTERS.get(code, code)
    return code if len(code) == 2 else None


SAMPLE_UNITS = 12  # units of a document looked at first; all of them only when these disagree


def paragraph_language(text: str) -> str | None:
    """The language of a paragraph, told from its first characters; None when unsure."""
    guess = detect(text[:UNIT_SAMPLE_CHARS])
    return guess.language if guess and guess.confidence >= UNIT_MIN_CONFIDENCE else None


def unit_languages(texts: Sequence[str]) -> list[str | None]:
    """Each unit's own language: None where the unit is too short or the detection unsure.

    A sample of the document's units is looked at first (its first three and others spread over
    it, :data:`SAMPLE_UNITS` in all); when they agree, the document is in one language and the
    other units take it from their source (None here); when they do not, every unit is
    looked at. Detection is most of the cost of reading a short unit: a document in one
    language pays for a dozen."""
    eligible = [i for i, text in enumerate(texts) if len(text) >= UNIT_MIN_CHARS]
    step = max(1, (len(eligible) - 3) // max(1, SAMPLE_UNITS - 3))
    sample = dict.fromkeys(eligible[:3] + eligible[3::step][: SAMPLE_UNITS - 3])
    found: list[str | None] = [None] * len(texts)
    for i in sample:
        found[i] = paragraph_language(texts[i])
    if len({found[i] for i in sample} - {None}) > 1:  # a document in several languages
        for i in eligible:
            if i not in sample:
                found[i] = paragraph_language(texts[i])
    return found


def source_language(texts: Sequence[str], languages: Sequence[str | None], whole: str) -> str | None:
    """The language most of a source's unit text is in (by characters), from
    :func:`unit_languages`; without a unit in a known language, the detection of ``whole``'s
    beginning."""
    weight: Counter[str] = Counter()
    for text, language in zip(texts, languages, strict=True):
        if language:
            weight[language] += len(text)
    if weight:
        return weight.most_common(1)[0][0]
    guess = detect(whole[:SOURCE_SAMPLE_CHARS])
    return guess.language if guess and guess.confidence >= SOURCE_MIN_CONFIDENCE else None


def settle_language(own: str | None, detected: str | None, flag: str | None, default: str) -> str:
    """A source's language: ``--lang`` when given, else the one detected in its text (a German
    report whose template says "en-US" is German), else the document's own tag, else the
    project's default."""
    if flag:
        return flag
    return detected or normalise(own) or default
