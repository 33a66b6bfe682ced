"""spaCy's blank pipelines in a text's language: word lemmas and sentences, no model download.

A language is an ISO 639-1 code ("de", "fr"), as units carry it (:mod:`foresight.ingest.language`)
and codebooks name it. spaCy's blank pipeline of that language brings its tokenizer and the
abbreviations it knows ("z. B.", "Dr.", "M.", "Mme"): a sentence does not end at them. Lemmas come
from the lookup tables of spacy-lookups-data (a word -> lemma table per language, where one exists:
de, fr, it, es, nl, pt, sv and a score of others; none for Polish, whose tables need a part of
speech). A language spaCy does not know falls back to its multi-language pipeline ("xx"); a text
without a language is taken as English; a language without a lookup table is matched on its
lower-cased words.

Sentences: spaCy's rule-based sentencizer on the blank pipeline, with a few abbreviations its
tokenizer lacks (:data:`EXTRA_ABBREVIATIONS`). Measured against pysbd 0.3.4 (rule-based, with
per-language abbreviation lists, but no release since 2021) on 14 sentences in German, French and
English full of abbreviations ("z. B.", "vgl. Abb. 3", "p. ex.", "env.", "approx."): this splitter
cut all three texts right, pysbd cut each wrongly once ("Abb.", "p.", "approx."), and took 1.2-2.8
times as long (0.5-1.5 ms against 1.5-2.5 ms a text of 110-240 characters).
"""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.lookups import Table

DEFAULT = "en"  # the language of a text whose language is not known
# figures set raised (a footnote's mark, a power), as the readers write them: "practice²", "m²"
SUPERSCRIPT_FIGURES = "⁰¹²³⁴⁵⁶⁷⁸⁹"
# a footnote's mark in superscript figures: "²⁵⁷", "³,¹⁸", "¹²–¹⁴"
RAISED_MARK = f"[{SUPERSCRIPT_FIGURES}]+(?:[,–-][{SUPERSCRIPT_FIGURES}]+)*"
# codes a detector gives where spaCy has another: Norwegian is Bokmål in spaCy
SPACY_CODE = {"no": "nb"}
# abbreviations a blank pipeline's tokenizer lacks, written as one token so no sentence ends there
EXTRA_ABBREVIATIONS = {
    "de": ("bzw.", "vgl.", "ggf.", "inkl.", "zzgl.", "Abb.", "Tab.", "Kap.", "Nr.", "S."),
    "fr": ("ex.", "cf.", "env.", "p.", "pp.", "vol.", "art.", "chap.", "fig.", "n°."),
    "en": ("cf.", "approx.", "vs.", "Fig.", "No.", "Vol.", "pp."),
}
# languages that write compounds as one word: an unknown word is lemmatised by its last part
COMPOUNDING = frozenset({"de", "nl", "sv", "da", "nb"})
MIN_PART = 4  # the shortest final part of a compound looked up (and the shortest first part - 1)
SENTENCE_WINDOW = 200_000  # spaCy refuses a text over 1,000,000 characters (nlp.max_length)


@cache
def _spacy_dir() -> Path | None:
    spec = importlib.util.find_spec("spacy")  # found, not imported: a codebook check stays quick
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


@cache
def knows(language: str) -> bool:
    """spaCy has a pipeline for this ISO 639-1 code (two lower-case letters)."""
    code = SPACY_CODE.get(language, language)
    root = _spacy_dir()
    return (
        len(language) == 2
        and language.isascii()
        and language.isalpha()
        and language.islower()
        and root is not None
        and (root / "lang" / code / "__init__.py").is_file()
    )


def unknown_language(language: object) -> str:
    """What to say of a language code :func:`knows` refuses."""
    return f"unknown language {language!r} (use an ISO 639-1 code spaCy knows: de, fr ...)"


def spacy_code(language: str | None) -> str:
    """The spaCy language to read a text in ``language`` with (see the module's docstring)."""
    if not language:
        return DEFAULT
    return SPACY_CODE.get(language, language) if knows(language) else "xx"


@cache
def blank(language: str | None) -> Language:
    """The blank pipeline for ``language``; one per process. Its tokenizer cuts superscript
    figures off a word ("practice²", a footnote's mark, is "practice" and "²")."""
    import spacy
    from spacy.util import compile_suffix_regex

    nlp = spacy.blank(spacy_code(language))
    suffixes = [*nlp.Defaults.suffixes, f"[{SUPERSCRIPT_FIGURES}]+"]
    nlp.tokenizer.suffix_search = compile_suffix_regex(suffixes).search
    return nlp


@cache
def lemma_table(language: str | None) -> Table | None:
    """spacy-lookups-data's word -> lemma table for ``language``; None when it has none (or an
    empty one). ``table.get(word, word)`` is a word's lemma."""
    from spacy.lookups import load_lookups

    lookups = load_lookups(spacy_code(language), ["lemma_lookup"], strict=False)
    if not lookups.has_table("lemma_lookup"):
        return None
    table = lookups.get_table("lemma_lookup")
    return table if len(table) else None


def lemma(table: Table | None, word: str, *, compounds: bool = False) -> str:
    """The lower-cased lookup lemma of ``word``: that of its lower-case form, else capitalised
    (German nouns: "staaten" -> "staat", as "Staaten" -> "Staat"); else, in a language that
    writes compounds as one word (``compounds``), the word with its longest final part that has
    a lemma lemmatised ("lieferketten" -> "lieferkette", as "Ketten" -> "Kette"); else the
    lower-cased word."""
    lower = word.lower()
    if table is None:
        return lower
    for form in (lower, lower.capitalize()):
        found = table.get(form)
        if found is not None:
            return _first(found).lower()
    if compounds:
        for i in range(MIN_PART - 1, len(lower) - MIN_PART + 1):
            tail = lower[i:]
            for form in (tail, tail.capitalize()):
                found = table.get(form)
                if found is not None:
                    return lower[:i] + _first(found).lower()
    return lower


def _first(found: str | list[str]) -> str:
    """Some tables (French) give a list of lemmas: the first is the commonest."""
    return found if isinstance(found, str) else found[0] if found else ""


_MARK_START = re.compile(RAISED_MARK)


@cache
def sentencizer(language: str | None = None) -> Language:
    """The blank pipeline for ``language`` with spaCy's rule-based sentencizer; one per process."""
    from spacy.symbols import ORTH

    code = spacy_code(language)
    nlp = blank.__wrapped__(language)  # (a fresh one: the special cases below are its own)
    # (not in the pipelines that match keywords: a special case holding a full stop makes spaCy
    # check every text for it, a third slower; only sentence ends need them)
    for word in EXTRA_ABBREVIATIONS.get(code, ()):
        nlp.tokenizer.add_special_case(word, [{ORTH: word}])
    nlp.add_pipe("sentencizer")
    return nlp


def sentences(text: str, language: str | None = None) -> Iterator[str]:
    """The sentences of ``text`` (slices of it, in order), split by the rules of ``language``;
    a very long text is cut at spaces into windows first."""
    nlp = sentencizer(language)
    start = 0
    while start < len(text):
        end = min(start + SENTENCE_WINDOW, len(text))
        if end < len(text):
            space = text.rfind(" ", start + SENTENCE_WINDOW // 2, end)
            end = space if space > 0 else end
        window = text[start:end]
        spans = [[sent.start_char, sent.end_char] for sent in nlp(window).sents]
        for before, after in zip(spans, spans[1:], strict=False):
            # a footnote's mark after a full stop ("care.²⁵⁷ Debate") ends the sentence before it
            if mark := _MARK_START.match(window, after[0]):
                before[1] = mark.end()
                after[0] = len(window) - len(window[mark.end() :].lstrip())
        for begin, finish in spans:  # sliced: a span's text is built token by token
            if finish > begin:
                yield window[begin:finish]
        start = end
