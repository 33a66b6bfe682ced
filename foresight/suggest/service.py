"""Suggestions for a project: train on the coders' work, suggest, evaluate, pick what to code next.

Suggestions live in their own table and never touch the codings; accepting one (in the coders'
screen or with ``foresight code``) creates a coding with origin ``accepted-suggestion``.
"""

from __future__ import annotations

import io
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import joblib
import numpy as np
from sqlalchemy import delete, func, insert, select, update
from sqlmodel import Session

from foresight.codebook.catalog import active_codebook
from foresight.codebook.model import by_language
from foresight.errors import ForesightError
from foresight.project import Project
from foresight.store.schema import (
    Code,
    Coding,
    LearningQueue,
    Source,
    Suggestion,
    SuggestionDecision,
    SuggestModel,
    Unit,
    UnitState,
    iso,
    log_event,
    utcnow,
)
from foresight.suggest.classifier import CodeClassifier
from foresight.suggest.rules import KeywordRules, Keywords, per_language

HUMAN = ("manual", "adjudicated", "accepted-suggestion", "carried")
MANUAL = ("manual", "adjudicated", "carried")  # what coders applied themselves
Progress = Callable[[int, int], None]  # (done, total)


@dataclass
class LabelledSet:
    unit_ids: list[int]
    texts: list[str]
    labels: list[set[str]]
    languages: list[str | None] = field(default_factory=list)  # each unit's, in step with texts


def _codes(session: Session) -> dict[str, Code]:
    book = active_codebook(session)
    if book is None:
        raise ForesightError("the project has no codebook; load one with 'foresight codebook import FILE'")
    rows = session.execute(select(Code).where(Code.codebook_id == book.id, Code.status == "active")).scalars()
    return {c.code_id: c for c in rows}


def _labels(session: Session, origins: tuple[str, ...]) -> dict[int, set[str]]:
    """Unit -> the active codes any coder applied to it (of these origins); a unit marked done
    with no code has none."""
    codes = {c.id: c.code_id for c in _codes(session).values()}
    labels: dict[int, set[str]] = {}
    for unit_id, code_id in session.execute(
        select(Coding.unit_id, Coding.code_id).where(Coding.origin.in_(origins))
    ):
        if code_id in codes:
            labels.setdefault(unit_id, set()).add(codes[code_id])
    for unit_id in session.execute(select(UnitState.unit_id).where(UnitState.done.is_(True))).scalars():
        labels.setdefault(unit_id, set())
    return labels


def training_set(project: Project, *, origins: tuple[str, ...] = HUMAN) -> LabelledSet:
    """Units some coder has coded or marked done; a unit's labels are every coder's codes on it
    (those of the given origins)."""
    with project.session() as session:
        labels = _labels(session, origins)
        ids = sorted(labels)
        rows = (
            session.execute(select(Unit.id, Unit.text, Unit.language).where(Unit.id.in_(ids))) if ids else []
        )
        found = {unit_id: (text, language) for unit_id, text, language in rows}
    return LabelledSet(ids, [found[i][0] for i in ids], [labels[i] for i in ids], [found[i][1] for i in ids])


def keywords_of(project: Project) -> dict[str, dict[str, list[str]]]:
    """Each active code's keywords: language -> keywords (a code without any has none)."""
    with project.session() as session:
        return {code: by_language(c.keywords, c.keywords_lang or {}) for code, c in _codes(session).items()}


def keyword_rules(project: Project) -> KeywordRules:
    return KeywordRules(keywords_of(project))


@dataclass(frozen=True)
class ModelInfo:
    version: str
    trained_at: str | None
    training_size: int
    codes: list[str]
    fallback: list[str]

    def as_json(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "trained_at": self.trained_at,
            "training_size": self.training_size,
            "classifier_codes": len(self.codes),
            "rules_only_codes": self.fallback,
        }


RULES_ONLY = ModelInfo("rules", None, 0, [], [])


def train(project: Project, *, actor: str, min_positive: int = 5, embeddings: bool = False) -> ModelInfo:
    """Train the classifier on every human coding; codes with too few examples stay with the rules.

    ``embeddings`` adds sentence-embedding features (the ``[embeddings]`` extra) to the TF-IDF ones.
    """
    data = training_set(project)
    if not data.unit_ids or not any(data.labels):
        raise ForesightError(
            "no human codings to learn from yet: code some units first ('foresight tui'); "
            "rule suggestions work without training ('foresight suggest run')"
        )
    model = CodeClassifier(min_positive=min_positive, embeddings=embeddings)
    try:
        model.fit(data.texts, data.labels)
    except ValueError as exc:
        raise ForesightError(f"cannot train yet: {exc}") from None
    # every code the classifier did not learn (too few coded units, or none) stays with the rules
    fallback = sorted(set(keywords_of(project)) - set(model.codes_))
    buffer = io.BytesIO()
    joblib.dump(model, buffer, compress=3)
    version = f"clf-{utcnow():%Y%m%d%H%M%S}-{uuid.uuid4().hex[:6]}"
    with project.transaction() as session:
        row = SuggestModel(
            version=version,
            training_size=len(data.unit_ids),
            codes=list(model.codes_),
            fallback=fallback,
            blob=buffer.getvalue(),
        )
        session.add(row)
        log_event(session, actor, "train", "model", None, version=version, units=len(data.unit_ids))
    return ModelInfo(version, iso(row.trained_at), row.training_size, row.codes, row.fallback)


def latest_model(project: Project) -> tuple[ModelInfo, CodeClassifier | None]:
    with project.session() as session:
        row = session.execute(
            select(SuggestModel).order_by(SuggestModel.id.desc()).limit(1)
        ).scalar_one_or_none()
    if row is None:
        return RULES_ONLY, None
    model: CodeClassifier = joblib.load(io.BytesIO(row.blob))
    return ModelInfo(row.version, iso(row.trained_at), row.training_size, row.codes, row.fallback), model


def combine(
    rules: list[dict[str, float]], proba: np.ndarray | None, learned: list[str]
) -> list[dict[str, tuple[float, str]]]:
    """Per unit, code -> (score, source). A learned code takes the classifier's probability (source
    ``both`` when its keywords occur too); a code the classifier could not learn keeps the rules."""
    out = []
    index = {code: j for j, code in enumerate(learned)}
    for i, found in enumerate(rules):
        scores: dict[str, tuple[float, str]] = {}
        for code, score in found.items():
            if code not in index:
                scores[code] = (score, "rules")
        if proba is not None:
            for code, j in index.items():
                p = float(proba[i, j])
                scores[code] = (p, "both" if code in found else "classifier")
        out.append(scores)
    return out


@cache
def _rules(keywords: tuple[tuple[str, tuple[tuple[str, tuple[str, ...]], ...]], ...]) -> KeywordRules:
    """The matcher for these keywords, built once per process and kept."""
    return KeywordRules({code: {lang: list(words) for lang, words in langs} for code, langs in keywords})


def rules_for(keywords: Keywords) -> KeywordRules:
    """The matcher for code -> keywords (a list in English, or language -> list), kept per process."""
    return _rules(
        tuple(
            (code, tuple((lang, tuple(some)) for lang, some in sorted(per_language(words).items())))
            for code, words in sorted(keywords.items())
        )
    )


def score_texts(
    texts: list[str],
    keywords: Keywords,
    model: CodeClassifier | None,
    *,
    languages: list[str | None] | None = None,
    chunk: int = 5000,
    progress: Progress | None = None,
) -> list[dict[str, tuple[float, str]]]:
    """Per text, code -> (score, source), a chunk at a time so that progress moves. Each text is
    matched with the keywords of its language (``languages``, in step; English when not given).

    One process: spreading the work over worker processes was measured slower on two cores
    (each worker loads spaCy's lemma tables and receives the model)."""
    rules = rules_for(keywords)
    learned = list(model.codes_) if model is not None else []
    out: list[dict[str, tuple[float, str]]] = []
    for start in range(0, len(texts), chunk):
        part = texts[start : start + chunk]
        proba = model.predict_proba(part) if model is not None else None
        langs = languages[start : start + chunk] if languages is not None else None
        out += combine(rules.scores(part, langs), proba, learned)
        if progress:
            progress(len(out), len(texts))
    return out


@dataclass
class RunResult:
    model: ModelInfo
    suggestions: list[dict[str, Any]] = field(default_factory=list)


def run(
    project: Project,
    *,
    source_id: int | None = None,
    threshold: float = 0.5,
    progress: Progress | None = None,
) -> RunResult:
    """Suggest codes for the project's units and store the suggestions above ``threshold``.

    A code a unit already has (from any coder) is not suggested, nor one a coder has rejected.
    """
    if not 0.0 < threshold <= 1.0:
        raise ForesightError("--threshold is a score between 0 and 1")
    info, model = latest_model(project)
    keywords = keywords_of(project)
    with project.session() as session:
        codes = _codes(session)
        query = (
            select(Unit.id, Unit.text, Unit.language)
            .join(Source, Source.id == Unit.source_id)
            .where(Source.current.is_(True))
        )
        if source_id is not None:
            query = query.where(Unit.source_id == source_id)
        units = session.execute(query.order_by(Unit.id)).all()
        have = set(session.execute(select(Coding.unit_id, Coding.code_id)).all())
        rejected = set(  # by any coder: not suggested again
            session.execute(
                select(Suggestion.unit_id, Suggestion.code_id)
                .join(SuggestionDecision, SuggestionDecision.suggestion_id == Suggestion.id)
                .where(SuggestionDecision.status == "rejected")
            ).all()
        )
    scored = score_texts(
        [t for _, t, _ in units], keywords, model, languages=[lang for _, _, lang in units], progress=progress
    )
    result = RunResult(info)
    rows = []
    for (unit_id, _, _), found in zip(units, scored, strict=True):
        for code_id, (score, source) in sorted(found.items()):
            code = codes.get(code_id)
            if code is None or score < threshold:
                continue
            if (unit_id, code.id) in have or (unit_id, code.id) in rejected:
                continue
            result.suggestions.append(
                {
                    "unit_id": unit_id,
                    "code_id": code_id,
                    "code_name": code.name,
                    "score": round(score, 4),
                    "source": source,
                }
            )
            rows.append(
                {
                    "unit_id": unit_id,
                    "code_id": code.id,
                    "model": info.version,
                    "score": score,
                    "source": source,
                    "status": "open",
                }
            )
    with project.transaction() as session:
        existing = set(
            session.execute(
                select(Suggestion.unit_id, Suggestion.code_id).where(Suggestion.model == info.version)
            ).all()
        )
        new = [r for r in rows if (r["unit_id"], r["code_id"]) not in existing]
        again = [r for r in rows if (r["unit_id"], r["code_id"]) in existing]
        if new:
            session.execute(insert(Suggestion), new)
        for r in again:
            session.execute(
                update(Suggestion)
                .where(
                    Suggestion.unit_id == r["unit_id"],
                    Suggestion.code_id == r["code_id"],
                    Suggestion.model == info.version,
                    Suggestion.status == "open",
                )
                .values(score=r["score"], source=r["source"])
            )
        log_event(session, "suggest", "run", "model", None, version=info.version, suggestions=len(rows))
    return result


def next_units(project: Project, *, n: int = 50, diversity: float = 0.5) -> list[dict[str, Any]]:
    """Uncoded units a coder should code next: the classifier is least sure about them, and they
    differ from one another (greedy: uncertainty minus ``diversity`` x the highest cosine
    similarity to a unit already picked). The order is kept as the learning queue, which the
    coders' screen follows when its filter's order is ``learning``."""
    info, model = latest_model(project)
    if model is None:
        raise ForesightError("no trained model yet: run 'foresight suggest train' first")
    with project.session() as session:
        finished = set(_labels(session, HUMAN))  # no texts needed, only which units
        units = [
            (i, t)
            for i, t in session.execute(
                select(Unit.id, Unit.text)
                .join(Source, Source.id == Unit.source_id)
                .where(Source.current.is_(True))
                .order_by(Unit.id)
            ).all()
            if i not in finished
        ]
    if not units:
        return []
    texts = [t for _, t in units]
    proba = model.predict_proba(texts)
    uncertainty = (1.0 - np.abs(2.0 * proba - 1.0)).max(axis=1)  # 1 where some code is at 0.5
    pool = np.argsort(-uncertainty)[: max(n * 10, 200)]
    features = model.transform_features([texts[i] for i in pool])
    picked: list[int] = []
    best_similarity = np.zeros(len(pool))
    for _ in range(min(n, len(pool))):
        gain = uncertainty[pool] - diversity * best_similarity
        gain[picked] = -np.inf
        k = int(np.argmax(gain))
        picked.append(k)
        similarity = (features @ features[k].T).toarray().ravel()
        best_similarity = np.maximum(best_similarity, similarity)
    chosen = [
        {"unit_id": units[pool[k]][0], "uncertainty": round(float(uncertainty[pool[k]]), 4)} for k in picked
    ]
    with project.transaction() as session:  # the coders' screen can follow this order
        session.execute(delete(LearningQueue))
        session.execute(
            insert(LearningQueue),
            [{"position": i, "model": info.version, **c} for i, c in enumerate(chosen, start=1)],
        )
    return chosen


def decision_rates(project: Project) -> list[dict[str, Any]]:
    """Per code: the coders' decisions (accepted, rejected), the suggestions no coder has
    decided yet (open), and the share of decisions that accepted."""
    with project.session() as session:
        decisions = session.execute(
            select(Code.code_id, Code.name, SuggestionDecision.status, func.count(SuggestionDecision.id))
            .join(Suggestion, Suggestion.id == SuggestionDecision.suggestion_id)
            .join(Code, Code.id == Suggestion.code_id)
            .group_by(Code.code_id, Code.name, SuggestionDecision.status)
        ).all()
        undecided = session.execute(
            select(Code.code_id, Code.name, func.count(Suggestion.id))
            .join(Code, Code.id == Suggestion.code_id)
            .where(Suggestion.id.not_in(select(SuggestionDecision.suggestion_id)))
            .group_by(Code.code_id, Code.name)
        ).all()
    table: dict[str, dict[str, Any]] = {}

    def entry(code_id: str, name: str) -> dict[str, Any]:
        return table.setdefault(
            code_id, {"code_id": code_id, "code_name": name, "accepted": 0, "rejected": 0, "open": 0}
        )

    for code_id, name, status, count in decisions:
        entry(code_id, name)[status] = count
    for code_id, name, count in undecided:
        entry(code_id, name)["open"] = count
    for item in table.values():
        decided = item["accepted"] + item["rejected"]
        item["accept_rate"] = round(item["accepted"] / decided, 4) if decided else None
    return sorted(table.values(), key=lambda e: e["code_id"])


RATE_COLUMNS = ["code_id", "code_name", "accepted", "rejected", "open", "accept_rate"]


def decision_rates_frame(rows: list[dict[str, Any]]) -> Any:
    """The rows of :func:`decision_rates` as a pandas DataFrame."""
    import pandas as pd

    return pd.DataFrame(rows, columns=RATE_COLUMNS)
