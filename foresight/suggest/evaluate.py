"""Are suggestions worth the coders' time? k-fold cross-validation over the human-coded units.

For the classifier alone, the rules alone and their combination: per-code and micro/macro
precision, recall and F1 (scikit-learn's metrics on the pooled out-of-fold predictions).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.metrics import precision_recall_fscore_support
from sklearn.model_selection import KFold
from sklearn.preprocessing import MultiLabelBinarizer

from foresight.errors import ForesightError
from foresight.project import Project
from foresight.suggest.classifier import CodeClassifier
from foresight.suggest.rules import KeywordRules
from foresight.suggest.service import HUMAN, MANUAL, combine, keyword_rules, training_set

METHODS = ("classifier", "rules", "combined")
MEASURES = ("precision", "recall", "f1")


@dataclass
class Predictions:
    truth: list[set[str]]
    by_method: dict[str, list[set[str]]]


def cross_validate(
    texts: list[str],
    labels: list[set[str]],
    rules: KeywordRules,
    *,
    languages: list[str | None] | None = None,
    folds: int = 5,
    threshold: float = 0.5,
    seed: int = 0,
    min_positive: int = 5,
    embeddings: bool = False,
) -> Predictions:
    """Out-of-fold predictions of each method for every unit."""
    if len(texts) < folds * 2:
        raise ForesightError(f"only {len(texts)} coded units: too few for {folds}-fold cross-validation")
    by_method: dict[str, list[set[str]]] = {m: [set() for _ in texts] for m in METHODS}
    rule_scores = rules.scores(texts, languages)
    for train, test in KFold(n_splits=folds, shuffle=True, random_state=seed).split(texts):
        model: CodeClassifier | None = CodeClassifier(min_positive=min_positive, embeddings=embeddings)
        try:
            model.fit([texts[i] for i in train], [labels[i] for i in train])  # type: ignore[union-attr]
        except ValueError:
            model = None  # nothing learnable in this fold: the rules stand alone
        test_texts = [texts[i] for i in test]
        proba = model.predict_proba(test_texts) if model is not None else None
        learned = list(model.codes_) if model is not None else []
        combined = combine([rule_scores[i] for i in test], proba, learned)
        for k, i in enumerate(test):
            by_method["rules"][i] = {c for c, s in rule_scores[i].items() if s >= threshold}
            by_method["combined"][i] = {c for c, (s, _) in combined[k].items() if s >= threshold}
            if proba is not None:
                by_method["classifier"][i] = {learned[j] for j in np.flatnonzero(proba[k] >= threshold)}
    return Predictions(labels, by_method)


def scores(predictions: Predictions) -> dict[str, Any]:
    """Per-code and micro/macro precision, recall, F1 of each method (codes in the truth)."""
    codes = sorted(set().union(*predictions.truth))
    if not codes:
        raise ForesightError("the coded units carry no codes to evaluate")
    binarizer = MultiLabelBinarizer(classes=codes)
    y_true = binarizer.fit_transform(predictions.truth)
    report: dict[str, Any] = {"units": len(predictions.truth), "codes": codes, "methods": {}}
    for method, predicted in predictions.by_method.items():
        y_pred = binarizer.transform([{c for c in s if c in codes} for s in predicted])
        per = precision_recall_fscore_support(y_true, y_pred, average=None, zero_division=0)
        entry: dict[str, Any] = {}
        for average in ("micro", "macro"):
            p, r, f, _ = precision_recall_fscore_support(y_true, y_pred, average=average, zero_division=0)
            entry[average] = {
                "precision": round(float(p), 4),
                "recall": round(float(r), 4),
                "f1": round(float(f), 4),
            }
        entry["per_code"] = {
            code: {
                "precision": round(float(per[0][j]), 4),
                "recall": round(float(per[1][j]), 4),
                "f1": round(float(per[2][j]), 4),
                "support": int(per[3][j]),
            }
            for j, code in enumerate(codes)
        }
        report["methods"][method] = entry
    return report


def evaluate(
    project: Project,
    *,
    folds: int = 5,
    threshold: float = 0.5,
    seed: int = 0,
    embeddings: bool = False,
    manual_only: bool = False,
) -> dict[str, Any]:
    """Cross-validate. Accepted suggestions count as the truth unless ``manual_only``: they favour
    the method that suggested them (a coder only accepts what was shown)."""
    data = training_set(project, origins=MANUAL if manual_only else HUMAN)
    if not any(data.labels):
        raise ForesightError("no human codings to evaluate against yet: code some units first")
    result = scores(
        cross_validate(
            data.texts,
            data.labels,
            keyword_rules(project),
            languages=data.languages,
            folds=folds,
            threshold=threshold,
            seed=seed,
            embeddings=embeddings,
        )
    )
    result.update(
        folds=folds,
        threshold=threshold,
        seed=seed,
        embeddings=embeddings,
        truth="manual" if manual_only else "human",
    )
    return result


def evaluation_tables(report: dict[str, Any]) -> dict[str, Any]:
    """An :func:`evaluate` report as DataFrames: ``methods`` (micro and macro precision, recall,
    F1 per method) and ``codes`` (per code: support, and each method's precision, recall, F1)."""
    import pandas as pd

    methods = report["methods"]
    rows = [
        {"method": method, **{f"{avg}_{k}": entry[avg][k] for avg in ("micro", "macro") for k in MEASURES}}
        for method, entry in methods.items()
    ]
    codes = [
        {
            "code": code,
            "support": next(iter(methods.values()))["per_code"][code]["support"],
            **{f"{m}_{k}": methods[m]["per_code"][code][k] for m in methods for k in MEASURES},
        }
        for code in report["codes"]
    ]
    return {"methods": pd.DataFrame(rows), "codes": pd.DataFrame(codes)}
