"""Sentences and lemmas in a text's language, from spaCy's blank pipelines."""

from __future__ import annotations

import random

from foresight.nlp import sentences, sentencizer


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
