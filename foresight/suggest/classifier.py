"""The classifier: TF-IDF of words, one-vs-rest logistic regression with balanced class weights.

Word bigrams and character 3-5-grams and 4-grams were tried too: on the benchmark's paragraph
set they gave no better micro-F1 (0.90-0.95 against 0.96 after 1,000 coded units) and cost 3 to
10 times the time to suggest (``benchmarks/bench_suggest.py``). Meaning beyond the words comes
from the optional sentence embeddings (``embeddings=True``).

Follows the scikit-learn estimator contract, so it works in cross-validation as it is. Codes
with fewer than ``min_positive`` coded units are not learned: they fall back to the rules.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.preprocessing import MultiLabelBinarizer


class CodeClassifier(ClassifierMixin, BaseEstimator):
    """Multi-label: ``fit(texts, label_sets)``, ``predict_proba(texts)`` -> units x ``codes_``."""

    def __init__(
        self, min_positive: int = 5, C: float = 4.0, max_features: int = 200_000, embeddings: bool = False
    ) -> None:
        self.min_positive = min_positive
        self.C = C
        self.max_features = max_features
        self.embeddings = embeddings  # add sentence embeddings (the [embeddings] extra)

    def fit(self, texts: list[str], labels: list[set[str]]) -> CodeClassifier:
        if len(texts) != len(labels):
            raise ValueError("texts and labels differ in length")
        counts: dict[str, int] = {}
        for label_set in labels:
            for code in label_set:
                counts[code] = counts.get(code, 0) + 1
        self.codes_ = sorted(c for c, n in counts.items() if n >= self.min_positive and n < len(texts))
        self.fallback_ = sorted(c for c in counts if c not in self.codes_)
        if not self.codes_:
            raise ValueError(f"no code has {self.min_positive} or more coded units to learn from")
        self.binarizer_ = MultiLabelBinarizer(classes=self.codes_)
        y = self.binarizer_.fit_transform([[c for c in s if c in self.codes_] for s in labels])
        features: list[tuple[str, Any]] = [
            ("words", TfidfVectorizer(sublinear_tf=True, max_features=self.max_features)),
        ]
        if self.embeddings:
            from foresight.suggest.embeddings import SentenceEmbedder

            features.append(("embeddings", SentenceEmbedder()))
        self.pipeline_ = Pipeline(
            [
                ("features", FeatureUnion(features)),
                (
                    "model",
                    OneVsRestClassifier(
                        LogisticRegression(
                            C=self.C, class_weight="balanced", max_iter=1000, solver="liblinear"
                        ),
                        n_jobs=1,
                    ),
                ),
            ]
        )
        self.pipeline_.fit(texts, y)
        return self

    def predict_proba(self, texts: list[str]) -> np.ndarray:
        proba = self.pipeline_.predict_proba(texts)
        return np.asarray(proba).reshape(len(texts), len(self.codes_))

    def predict(self, texts: list[str], threshold: float = 0.5) -> list[set[str]]:
        proba = self.predict_proba(texts)
        return [{self.codes_[j] for j in np.flatnonzero(row >= threshold)} for row in proba]

    def transform_features(self, texts: list[str]):  # type: ignore[no-untyped-def]
        """The TF-IDF features, for diversity in active learning."""
        return self.pipeline_.named_steps["features"].transform(texts)
