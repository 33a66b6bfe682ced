"""Rule suggestions: the codebook's keywords and phrases found in a unit's text.

spaCy's PhraseMatcher on lemmas of the lower-cased text (a blank English pipeline with the
lookup lemmatizer from spacy-lookups-data: no model download), so "connected devices" matches
the keyword "connected device". Work on day one, with no coded units.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc


@cache
def lemmatizer() -> Language:
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    return nlp


def rule_score(hits: int) -> float:
    """One distinct keyword found gives 0.5, two 0.75, three 0.875 ..."""
    return 1.0 - 0.5**hits


class KeywordRules:
    """Codes whose keywords occur in a text, with a score that grows with distinct keywords found."""

    def __init__(self, keywords: dict[str, list[str]]) -> None:
        from spacy.attrs import LEMMA, ORTH
        from spacy.matcher import PhraseMatcher

        self._orth, self._lemma = ORTH, LEMMA
        self.nlp = lemmatizer()
        table = self.nlp.get_pipe("lemmatizer").lookups.get_table("lemma_lookup")
        self._table = table
        self._lemmas: dict[int, int] = {}  # word -> its lemma (string hashes), filled as words come
        self.matcher = PhraseMatcher(self.nlp.vocab, attr="LEMMA")
        self.codes = sorted(c for c, words in keywords.items() if words)
        for code in self.codes:
            self.matcher.add(code, [self.doc(w) for w in keywords[code] if w.strip()])

    def doc(self, text: str) -> Doc:
        """The lower-cased text, tokenised, each token with its lookup lemma.

        The same lemmas as spaCy's lookup lemmatizer gives, set from a cache of the words seen
        so far: three times faster on a big project, whose words repeat.
        """
        doc = self.nlp.make_doc(text.lower())
        strings = self.nlp.vocab.strings
        lemmas = []
        for orth in doc.to_array(self._orth).tolist():
            lemma = self._lemmas.get(orth)
            if lemma is None:
                word = strings[orth]
                lemma = self._lemmas[orth] = strings.add(self._table.get(word, word))
            lemmas.append(lemma)
        if lemmas:
            doc.from_array([self._lemma], np.array(lemmas, dtype="uint64").reshape(-1, 1))
        return doc

    def scores(self, texts: Iterable[str]) -> list[dict[str, float]]:
        """For each text, code -> rule score for the codes whose keywords occur in it."""
        out: list[dict[str, float]] = []
        strings = self.nlp.vocab.strings
        for text in texts:
            doc = self.doc(text)
            found: dict[str, set[str]] = {}
            for match_id, start, end in self.matcher(doc):
                found.setdefault(strings[match_id], set()).add(doc[start:end].lemma_)
            out.append({code: rule_score(len(words)) for code, words in found.items()})
        return out
