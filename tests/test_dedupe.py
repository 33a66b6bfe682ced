"""Near-duplicate fingerprints: found when texts are nearly the same, not otherwise."""

from __future__ import annotations

import random

import numpy as np

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


def test_sketch_similarities_of_arrays_are_those_of_each_pair() -> None:
    rng = np.random.default_rng(8)
    a = rng.integers(-(2**63), 2**63 - 1, size=500, dtype=np.int64)
    near = a ^ rng.integers(0, 256, size=500)  # the lowest byte changed, or not
    far = rng.integers(-(2**63), 2**63 - 1, size=500, dtype=np.int64)
    b = np.where(rng.random(500) < 0.5, near, far)
    expected = [dedupe.sketch_similarity(int(x), int(y)) for x, y in zip(a, b, strict=True)]
    assert dedupe.sketch_similarities(a, b).tolist() == expected
    assert 0.4 < np.mean(expected) < 0.5  # half agree on 7 or 8 of 8 values, half on next to none


def test_shingle_hashes_overlap_as_the_shingles_do() -> None:
    rng = random.Random(9)
    paragraphs = sample_paragraphs()
    edited = []
    for text in paragraphs:
        words = text.split()
        for _ in range(rng.randrange(1, 12)):
            words[rng.randrange(len(words))] = rng.choice(["regional", "the", "cluster", "growth"])
        edited.append(" ".join(words))
    pairs = [*zip(paragraphs, edited, strict=True), *zip(paragraphs, paragraphs[1:], strict=False)]
    pairs += [("Two words", "two WORDS"), ("One", "Other")]
    for a, b in pairs:
        shingles_a, shingles_b = dedupe.shingles(a), dedupe.shingles(b)
        hashes_a, hashes_b = dedupe.shingle_hashes(a), dedupe.shingle_hashes(b)
        assert len(hashes_a) == len(shingles_a)
        assert len(hashes_a & hashes_b) == len(shingles_a & shingles_b)


def test_repeats_within_a_document_match_a_search_of_every_pair() -> None:
    """Paragraphs of one document, some copied with an edit: each copy points at the earliest
    paragraph it nearly repeats, as a search of every earlier paragraph by Jaccard finds."""
    rng = random.Random(3)
    originals = sample_paragraphs()[:30]
    texts = list(originals)
    for text in rng.sample(originals, 10):
        words = text.split()
        words[rng.randrange(len(words))] = "edited"
        texts.insert(rng.randrange(len(texts) + 1), " ".join(words))
    bands = dedupe.band_values_many(texts)
    got = dedupe.repeats_within(texts, bands)
    expected = {}
    for i, text in enumerate(texts):
        earlier = [j for j in range(i) if dedupe.jaccard(text, texts[j]) >= 0.7]
        if earlier:
            expected[i] = min(earlier)
    assert got == expected
    assert len(got) == 10
