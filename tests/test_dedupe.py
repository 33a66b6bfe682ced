"""Near-duplicate fingerprints: found when texts are nearly the same, not otherwise."""

from __future__ import annotations

import random

from foresight.config import IngestSettings
from foresight.ingest import dedupe
from foresight.ingest.reading import prepare
from foresight.resources import SAMPLE_CORPUS


def sample_paragraphs() -> list[str]:
    texts = []
    for path in sorted(SAMPLE_CORPUS.glob("*.docx")):
        for _, cut in prepare(str(path), IngestSettings()).documents:
            texts += [u.text for u in cut.units if len(u.text.split()) >= 40]
    return texts


def found(a: str, b: str) -> bool:
    fa, fb = dedupe.band_values(a), dedupe.band_values(b)
    assert fa is not None and fb is not None
    shares_band = any(x == y for x, y in zip(fa[:4], fb[:4], strict=True))
    return shares_band and dedupe.sketch_similarity(fa[4], fb[4]) >= 0.5 and dedupe.jaccard(a, b) >= 0.7


def test_lightly_edited_copies_are_found_and_different_paragraphs_are_not() -> None:
    rng = random.Random(7)
    paragraphs = sample_paragraphs()
    assert len(paragraphs) >= 30
    hits = 0
    for text in paragraphs:
        words = text.split()
        i = rng.randrange(len(words))
        words[i] = "regional"  # one word changed, as a syndicating outlet might
        hits += found(text, " ".join(words))
    assert hits / len(paragraphs) >= 0.95
    false = sum(found(a, b) for a, b in zip(paragraphs, paragraphs[1:], strict=False))
    assert false == 0


def test_short_texts_get_no_fingerprint() -> None:
    assert dedupe.band_values("Too short to compare.") is None
