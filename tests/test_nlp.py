"""Sentences and lemmas in a text's language, from spaCy's blank pipelines."""

from __future__ import annotations

import random

import pytest

from foresight.ingest.segment import split_long
from foresight.nlp import sentences, sentencizer
from foresight.workshops.evidence import short_quote


def test_sentences_are_the_texts_of_spacys_sentence_spans() -> None:
    rng = random.Random(3)
    words = [
        "Cluster",
        "policy",
        "changes.",
        "Why?",
        "(See",
        "page",
        "4.)",
        '"Yes!"',
        "e.g.",
        "...",
        "  ",
        "\n",
    ]
    texts = [" ".join(rng.choice(words) for _ in range(rng.randrange(1, 80))) for _ in range(300)]
    for text in texts:
        assert list(sentences(text)) == [span.text for span in sentencizer(None)(text).sents]


ABBREVIATED = {
    "de": [
        "Das gilt z. B. für Lieferketten.",
        "Dr. Müller sagt, dass es bis 2030 ca. 20 Mrd. Euro kostet, vgl. Abb. 3 im Anhang.",
        "Die Industrie, bzw. ihr Verband, widerspricht.",
    ],
    "fr": [
        "M. Dupont a présenté le rapport.",
        "Il cite p. ex. les chaînes d'approvisionnement, cf. chap. 2.",
        "Mme Durand répond.",
    ],
}


@pytest.mark.parametrize("language", sorted(ABBREVIATED))
def test_abbreviations_of_the_language_end_no_sentence(language: str) -> None:
    expected = ABBREVIATED[language]
    assert list(sentences(" ".join(expected), language)) == expected
    # read as English, the same text is cut at one of its abbreviations at least
    assert list(sentences(" ".join(expected), "en")) != expected


def test_a_language_spacy_does_not_know_and_no_language_still_split() -> None:
    text = "Prva rečenica je ovdje. Druga rečenica je ovdje."
    assert list(sentences(text, "bs")) == ["Prva rečenica je ovdje.", "Druga rečenica je ovdje."]
    assert list(sentences("Mr. Smith came. He left.")) == ["Mr. Smith came.", "He left."]


def test_a_long_german_paragraph_is_cut_between_sentences_not_at_abbreviations() -> None:
    sentence = "Die Lieferketten der Industrie, z. B. der Chemie, sind seit der Pandemie fragil geworden. "
    paragraph = (sentence * 6).strip()
    pieces = split_long(paragraph, 200)  # the language is detected in the paragraph
    assert pieces == [(sentence * 2).strip()] * 3
    assert split_long(paragraph, 200, "de") == pieces


def test_a_quote_is_a_whole_sentence_in_its_language() -> None:
    text = "Dr. Müller warnt. Die Lieferketten sind z. B. in der Chemie fragil. Mehr dazu später."
    assert (
        short_quote(text, ["Lieferkette"], language="de")
        == "Die Lieferketten sind z. B. in der Chemie fragil."
    )
    french = "M. Dupont parle. Les chaînes d'approvisionnement, p. ex. du textile, sont fragiles."
    assert short_quote(french, ["chaînes"], language="fr") == (
        "Les chaînes d'approvisionnement, p. ex. du textile, sont fragiles."
    )
