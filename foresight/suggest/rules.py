"""Rule suggestions: the codebook's keywords and phrases found in a unit's text.

spaCy's PhraseMatcher on lemmas of the lower-cased text (a blank English pipeline with the
lookup lemmatizer from spacy-lookups-data: no model download), so "connected devices" matches
the keyword "connected device". Work on day one, with no coded units.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.language import Language


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
        from spacy.matcher import PhraseMatcher

        self.nlp = lemmatizer()
        self.matcher = PhraseMatcher(self.nlp.vocab, attr="LEMMA")
        self.codes = sorted(c for c, words in keywords.items() if words)
        for code in self.codes:
            patterns = list(self.nlp.pipe(w.lower() for w in keywords[code] if w.strip()))
            self.matcher.add(code, patterns)

    def scores(self, texts: Iterable[str], batch_size: int = 256) -> list[dict[str, float]]:
        """For each text, code -> rule score for the codes whose keywords occur in it."""
        out: list[dict[str, float]] = []
        strings = self.nlp.vocab.strings
        for doc in self.nlp.pipe((t.lower() for t in texts), batch_size=batch_size):
            found: dict[str, set[str]] = {}
            for match_id, start, end in self.matcher(doc):
                found.setdefault(strings[match_id], set()).add(doc[start:end].lemma_)
            out.append({code: rule_score(len(words)) for code, words in found.items()})
        return out
