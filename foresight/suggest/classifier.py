"""The classifier: TF-IDF of words, one-vs-rest logistic regression with balanced class weights.

Which features for which language (units carry the language detected at ingest):

- English, and units of no known language: one shared model on TF-IDF words of every coded unit
  (no stop-word list; the token pattern takes any letters, so it is the same for every
  language), plus all-MiniLM-L6-v2 sentence embeddings with ``embeddings=True`` (the
  ``[embeddings]`` extra). Word bigrams and character 3-5-grams were tried for English: on the
  benchmark's paragraph set they gave no better micro-F1 (0.90-0.95 against 0.96 after 1,000
  coded units) and cost 3 to 10 times the time to suggest (``benchmarks/bench_suggest.py``).
- Every other language with ``min_language_units`` (40) or more coded units: a model of its own
  on TF-IDF words, trained on that language's units alone; a code it has too few units of keeps
  the shared model's probability. A language with fewer coded units is scored by the shared
  model: with 24 German and 24 French units to learn from beside 240 English ones, models of
  their own did worse (micro-F1 0.756 against 0.770 in German), with 64 better (0.971 against
  0.959; five sets each). Character 3-5-grams within words (``char_ngrams=True``), for German
  compounds and French inflections, added nothing measurable (0.971 either way at 64) and double
  the time to train.
- With ``multilingual=True`` (the ``[embeddings-multilingual]`` extra), units not in English
  are scored by a model on multilingual-e5-small sentence embeddings trained on every coded
  unit, whatever its language: what coders did in English teaches the German and French units.

Measured with ``benchmarks/bench_suggest_languages.py``: English, German and French paragraphs
about eight codes (300 English and 80 of each other language unless said), 5-fold
cross-validation, micro / macro F1 per language (English, German, French):

    shared words for every language   1.00 / 1.00   0.98 / 0.97   0.94 / 0.93
    words, a model per language       1.00 / 1.00   0.99 / 0.98   0.97 / 0.97   (the default)
    multilingual embeddings           1.00 / 1.00   0.99 / 0.99   0.98 / 0.98   (0.6 s a unit)

With 50 German and 50 French paragraphs the multilingual embeddings gain most (German micro-F1
0.98 against 0.94 for a model per language, French 0.95 against 0.88). The README's
"Suggestions in other languages" has the rest.

Follows the scikit-learn estimator contract, so it works in cross-validation as it is. Codes
with fewer than ``min_positive`` coded units are not learned: they fall back to the rules.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.preprocessing import MultiLabelBinarizer

from foresight.nlp import SUPERSCRIPT_FIGURES

SHARED = "en"  # the language the shared model's features are chosen for
MULTILINGUAL = "*"  # the key of the multilingual-embedding model among ``language_models_``
# scikit-learn's words (two word characters or more), superscript figures apart: a footnote's
# mark ("practice²") is no part of its word
WORD_TOKEN = rf"(?u)(?:(?![{SUPERSCRIPT_FIGURES}])\w){{2,}}"


def learnable(labels: Sequence[set[str]], min_positive: int) -> list[str]:
    """The codes with ``min_positive`` or more units, and not on every unit."""
    counts: dict[str, int] = {}
    for label_set in labels:
        for code in label_set:
            counts[code] = counts.get(code, 0) + 1
    return sorted(c for c, n in counts.items() if n >= min_positive and n < len(labels))


class CodeClassifier(ClassifierMixin, BaseEstimator):
    """Multi-label: ``fit(texts, label_sets, languages)``, ``predict_proba(texts, languages)`` ->
    units x ``codes_``. Without languages every unit counts as English."""

    def __init__(
        self,
        min_positive: int = 5,
        C: float = 4.0,
        max_features: int = 200_000,
        embeddings: bool = False,
        multilingual: bool = False,
        min_language_units: int = 40,
        char_ngrams: bool = False,
    ) -> None:
        self.min_positive = min_positive
        self.C = C
        self.max_features = max_features
        self.embeddings = embeddings  # add sentence embeddings (the [embeddings] extra)
        self.multilingual = multilingual  # other languages: the [embeddings-multilingual] extra
        self.min_language_units = min_language_units  # a language's own model from this many
        self.char_ngrams = char_ngrams  # character n-grams in the other languages' models

    def _pipeline(self, features: list[tuple[str, Any]]) -> Pipeline:
        regression = LogisticRegression(C=self.C, class_weight="balanced", max_iter=1000, solver="liblinear")
        return Pipeline(
            [("features", FeatureUnion(features)), ("model", OneVsRestClassifier(regression, n_jobs=1))]
        )

    def _words(self) -> tuple[str, Any]:
        return (
            "words",
            TfidfVectorizer(sublinear_tf=True, max_features=self.max_features, token_pattern=WORD_TOKEN),
        )

    def _fit_one(
        self, features: list[tuple[str, Any]], texts: list[str], labels: list[set[str]]
    ) -> tuple[Pipeline, list[str]] | None:
        codes = [c for c in learnable(labels, self.min_positive) if c in self.codes_]
        if not codes:
            return None
        y = MultiLabelBinarizer(classes=codes).fit_transform([[c for c in s if c in codes] for s in labels])
        return self._pipeline(features).fit(texts, y), codes

    def fit(
        self, texts: list[str], labels: list[set[str]], languages: Sequence[str | None] | None = None
    ) -> CodeClassifier:
        if len(texts) != len(labels) or (languages is not None and len(languages) != len(texts)):
            raise ValueError("texts, labels and languages differ in length")
        self.codes_ = learnable(labels, self.min_positive)
        self.fallback_ = sorted({c for s in labels for c in s} - set(self.codes_))
        if not self.codes_:
            raise ValueError(f"no code has {self.min_positive} or more coded units to learn from")
        self.binarizer_ = MultiLabelBinarizer(classes=self.codes_)
        y = self.binarizer_.fit_transform([[c for c in s if c in self.codes_] for s in labels])
        features = [self._words()]
        if self.embeddings:
            from foresight.suggest.embeddings import SentenceEmbedder

            features.append(("embeddings", SentenceEmbedder()))
        self.pipeline_ = self._pipeline(features).fit(texts, y)
        self.language_models_: dict[str, tuple[Pipeline, list[str]]] = {}
        langs = _languages(languages, len(texts))
        others = sorted({x for x in langs if x != SHARED})
        if self.multilingual and others:
            from foresight.suggest.embeddings import MultilingualEmbedder

            fitted = self._fit_one([("embeddings", MultilingualEmbedder())], texts, labels)
            if fitted is not None:
                self.language_models_[MULTILINGUAL] = fitted
        elif others:
            for language in others:
                mine = [i for i, x in enumerate(langs) if x == language]
                if len(mine) < self.min_language_units:
                    continue
                features = [self._words()]
                if self.char_ngrams:
                    char = TfidfVectorizer(
                        sublinear_tf=True,
                        analyzer="char_wb",
                        ngram_range=(3, 5),
                        max_features=self.max_features,
                    )
                    features.append(("chars", char))
                fitted = self._fit_one(features, [texts[i] for i in mine], [labels[i] for i in mine])
                if fitted is not None:
                    self.language_models_[language] = fitted
        return self

    def predict_proba(self, texts: list[str], languages: Sequence[str | None] | None = None) -> np.ndarray:
        proba = _proba(self.pipeline_, texts, len(self.codes_))
        models = getattr(self, "language_models_", {})  # none in a model trained before languages
        if not models or languages is None:
            return proba
        langs = _languages(languages, len(texts))
        column = {code: j for j, code in enumerate(self.codes_)}
        for language in sorted({x for x in langs if x != SHARED}):
            key = MULTILINGUAL if MULTILINGUAL in models else language
            if key not in models:
                continue
            rows = np.array([i for i, x in enumerate(langs) if x == language])
            pipeline, codes = models[key]
            theirs = _proba(pipeline, [texts[i] for i in rows], len(codes))
            proba[np.ix_(rows, [column[c] for c in codes])] = theirs
        return proba

    def predict(
        self, texts: list[str], threshold: float = 0.5, languages: Sequence[str | None] | None = None
    ) -> list[set[str]]:
        proba = self.predict_proba(texts, languages)
        return [{self.codes_[j] for j in np.flatnonzero(row >= threshold)} for row in proba]

    def transform_features(self, texts: list[str]):  # type: ignore[no-untyped-def]
        """The TF-IDF features, for diversity in active learning."""
        return self.pipeline_.named_steps["features"].transform(texts)


def _proba(pipeline: Pipeline, texts: list[str], codes: int) -> np.ndarray:
    """Units x codes; a model of one code is a binary one, whose second column is the code's."""
    proba = np.asarray(pipeline.predict_proba(texts))
    if codes == 1 and proba.ndim == 2 and proba.shape[1] == 2:
        proba = proba[:, 1:]
    return proba.reshape(len(texts), codes)


def _languages(languages: Sequence[str | None] | None, n: int) -> list[str]:
    """Each unit's language; a unit of no known language counts as English."""
    if languages is None:
        return [SHARED] * n
    return [(x or SHARED).lower() for x in languages]
