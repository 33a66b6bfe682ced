"""Rule suggestions: the codebook's keywords and phrases found in a unit's text, in its language.

spaCy's PhraseMatcher on lemmas of the lower-cased text (a blank pipeline of the text's language
with the lookup lemmas of spacy-lookups-data, :mod:`foresight.nlp`: no model download), so
"connected devices" matches the keyword "connected device", "Lieferketten" the keyword
"Lieferkette" and "chaînes d'approvisionnement" the keyword "chaîne d'approvisionnement".
Work on day one, with no coded units.

A unit is matched with the keywords of its own language and with the English ones, each read
in its own language: European reports use English terms ("Smart Grid", "start-up") among their
own words, so an English keyword also counts in a German paragraph, lemmatised as English. A
unit without a language is read as English; one in a language spaCy does not know gets the
English keywords only. A code's score counts the distinct keywords found, in any language.

Reading a unit twice costs time: on 5,000 synthetic paragraphs (``benchmarks/bench_suggest.py``'s
texts) and the shipped codebook's keywords in two languages, matching took 0.5 s as English
units and 1.1 s as German ones. English units cost what they did with English keywords alone
(the same 7,349 suggestions stored by the benchmark on 5,000 units).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np

from foresight.nlp import COMPOUNDING, DEFAULT, blank, lemma, lemma_table, spacy_code

if TYPE_CHECKING:
    from spacy.matcher import PhraseMatcher
    from spacy.tokens import Doc

# a code's keywords, as a codebook gives them: a list (English) or language -> list
Keywords = Mapping[str, Sequence[str] | Mapping[str, Sequence[str]]]


def rule_score(hits: int) -> float:
    """One distinct keyword found gives 0.5, two 0.75, three 0.875 ..."""
    return 1.0 - 0.5**hits


def per_language(words: Sequence[str] | Mapping[str, Sequence[str]]) -> Mapping[str, Sequence[str]]:
    """A code's keywords as language -> keywords (a list is English)."""
    return {DEFAULT: words} if isinstance(words, Sequence) else words


def by_language(keywords: Keywords) -> dict[str, dict[str, list[str]]]:
    """spaCy language -> code -> keywords, from code -> keywords (a list is English)."""
    out: dict[str, dict[str, list[str]]] = {}
    for code, words in keywords.items():
        for language, some in per_language(words).items():
            kept = [w for w in some if w.strip()]
            if kept:
                out.setdefault(spacy_code(language), {}).setdefault(code, []).extend(kept)
    return out


class LemmaMatcher:
    """The keywords of one language, found in texts read in that language."""

    def __init__(self, language: str, keywords: dict[str, list[str]]) -> None:
        from spacy.attrs import LEMMA, ORTH
        from spacy.matcher import PhraseMatcher

        self._orth, self._lemma = ORTH, LEMMA
        self.nlp = blank(language)
        self._table = lemma_table(language)
        self._compounds = language in COMPOUNDING
        self._lemmas: dict[int, int] = {}  # word -> its lemma (string hashes), filled as words come
        self.matcher: PhraseMatcher = PhraseMatcher(self.nlp.vocab, attr="LEMMA")
        for code in sorted(keywords):
            self.matcher.add(code, [self.doc(w) for w in keywords[code]])

    def doc(self, text: str) -> Doc:
        """The lower-cased text, tokenised, each token with its lookup lemma (:func:`foresight.nlp.lemma`).

        The lemmas are set from a cache of the words seen so far: three times faster than
        spaCy's lookup lemmatizer on a big project, whose words repeat.
        """
        doc = self.nlp.make_doc(text.lower())  # (fewer words to look up than as written)
        strings = self.nlp.vocab.strings
        table, compounds = self._table, self._compounds
        lemmas = []
        for orth in doc.to_array(self._orth).tolist():
            found = self._lemmas.get(orth)
            if found is None:
                found = self._lemmas[orth] = strings.add(lemma(table, strings[orth], compounds=compounds))
            lemmas.append(found)
        if lemmas:
            doc.from_array([self._lemma], np.array(lemmas, dtype="uint64").reshape(-1, 1))
        return doc

    def found(self, text: str, into: dict[str, set[str]]) -> None:
        """Add to ``into`` (code -> keyword lemmas) the keywords found in ``text``."""
        doc = self.doc(text)
        strings = self.nlp.vocab.strings
        for match_id, start, end in self.matcher(doc):
            into.setdefault(strings[match_id], set()).add(doc[start:end].lemma_)


class KeywordRules:
    """Codes whose keywords occur in a text, with a score that grows with distinct keywords found.

    ``keywords``: code -> its keywords, a list (English) or a mapping of ISO 639-1 language to
    list. A language's pipeline and lemma table load when a text in it first comes.
    """

    def __init__(self, keywords: Keywords) -> None:
        self._keywords = by_language(keywords)
        self.codes = sorted({code for codes in self._keywords.values() for code in codes})
        self._matchers: dict[str, LemmaMatcher] = {}

    def matcher(self, language: str | None) -> LemmaMatcher | None:
        """The matcher of ``language``'s keywords (None when it has none)."""
        code = spacy_code(language)
        if code not in self._keywords:
            return None
        if code not in self._matchers:
            self._matchers[code] = LemmaMatcher(code, self._keywords[code])
        return self._matchers[code]

    def scores(
        self, texts: Iterable[str], languages: Iterable[str | None] | None = None
    ) -> list[dict[str, float]]:
        """For each text, code -> rule score for the codes whose keywords occur in it; each text
        in its language (``languages``, in step with ``texts``; English when not given)."""
        out: list[dict[str, float]] = []
        texts = list(texts)
        langs = [spacy_code(lang) for lang in languages] if languages is not None else [DEFAULT] * len(texts)
        english = self.matcher(DEFAULT)
        for text, language in zip(texts, langs, strict=True):
            found: dict[str, set[str]] = {}
            own = self.matcher(language)
            for matcher in (own, english) if language != DEFAULT else (english,):
                if matcher is not None:
                    matcher.found(text, found)
            out.append({code: rule_score(len(words)) for code, words in found.items()})
        return out
