"""Near-duplicate units across sources (syndicated news), found by MinHash LSH.

Each unit's word 3-shingles get 8 MinHash values, paired into 4 bands stored in plain columns
(an ingest looks them up in memory: :mod:`foresight.ingest.nearby`). Units sharing a band are
candidates (a pair with Jaccard similarity J shares one with probability 1 - (1 - J^2)^4: 0.98 at
J = 0.8, 0.0004 at J = 0.01). A sketch of one byte of each of the 8 values estimates J cheaply;
candidates that pass it are checked on their real shingles.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Collection

import numpy as np

WORD = re.compile(r"\w+")
MIN_WORDS = 12
BANDS = 4
_SEEDS = np.random.default_rng(20150123).integers(0, 2**63, size=2 * BANDS, dtype=np.uint64)


def _mix(x: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser: a well-mixed 64-bit hash of each value (uint64 wraps around)."""
    x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


_word_hashes: dict[bytes, int] = {}
_K1, _K2 = np.uint64(0x9E3779B97F4A7C15), np.uint64(0xC2B2AE3D27D4EB4F)
# bytes.translate table: ASCII letters, digits and "_" (what \w matches in ASCII) kept, lower-cased
_ASCII_WORDS = bytes(c if chr(c).isalnum() or c == 95 else 32 for c in range(128)).lower() + b" " * 128


def words_of(text: str) -> list[bytes]:
    r"""The lower-cased words (``\w+``) of a text, UTF-8 encoded.

    ASCII text, most of it, is split by one translation in C instead of the regular expression.
    """
    if text.isascii():
        return text.encode("ascii").translate(_ASCII_WORDS).split()
    return [word.encode("utf-8") for word in WORD.findall(text.lower())]


def shingles(text: str) -> set[tuple[bytes, ...]]:
    """The word 3-shingles of a text (a text of fewer than three words is one shingle)."""
    words = words_of(text)
    if len(words) < 3:
        return {tuple(words)}
    return set(zip(words, words[1:], words[2:], strict=False))


def shingle_hashes(text: str) -> set[int]:
    """The hashes of a text's word 3-shingles (one, of its words, for a text of fewer than three).

    Two sets of them overlap as the shingles do, but for a chance of 2^-64 a pair of shingles; the
    hashes are Python's, so they compare within one process only. No shingle is built: ``zip``
    hands the same tuple to ``hash`` again and again.
    """
    words = words_of(text)
    if len(words) < 3:
        return {hash(tuple(words))}
    return set(map(hash, zip(words, words[1:], words[2:], strict=False)))


def _hashes(words: list[bytes]) -> np.ndarray:
    """The crc32 of each word (remembered: a corpus repeats its words)."""
    try:  # most often every word is known
        return np.fromiter(map(_word_hashes.__getitem__, words), dtype=np.uint64, count=len(words))
    except KeyError:
        pass
    missing = set(words).difference(_word_hashes)
    if len(_word_hashes) + len(missing) > 500_000:
        _word_hashes.clear()
        missing = set(words)
    for word in missing:
        _word_hashes[word] = zlib.crc32(word)
    return np.fromiter(map(_word_hashes.__getitem__, words), dtype=np.uint64, count=len(words))


def band_values_many(texts: list[str]) -> list[tuple[int, ...] | None]:
    """The 4 band values and the sketch of each text (None for texts too short to compare).

    Shingle hashes combine the hashes of their three words; the words of all texts are hashed
    together and the MinHash minima of all texts taken in one vectorised pass.
    """
    results: list[tuple[int, ...] | None] = [None] * len(texts)
    words: list[bytes] = []
    owners, counts = [], []
    for i, text in enumerate(texts):
        found = words_of(text)
        if len(found) < MIN_WORDS:
            continue
        words += found
        owners.append(i)
        counts.append(len(found))
    if not owners:
        return results
    h = _hashes(words)
    shingled = (h[:-2] * _K1) ^ (h[1:-1] * _K2) ^ h[2:]  # the shingle starting at each word
    sizes = np.asarray(counts, dtype=np.int64)
    ends = np.cumsum(sizes)[:-1]
    # a text's last two words start no shingle of its own (theirs would run into the next text)
    shingled = np.delete(shingled, np.concatenate([ends - 2, ends - 1]))
    starts = np.zeros(len(sizes), dtype=np.int64)
    np.cumsum(sizes[:-1] - 2, out=starts[1:])
    minima = np.minimum.reduceat(_mix(shingled[None, :] ^ _SEEDS[:, None]), starts, axis=1)
    low = (minima[0::2] & np.uint64(0x7FFFFFFF)) << np.uint64(32)
    bands = (low | (minima[1::2] & np.uint64(0xFFFFFFFF))).T.tolist()
    sketches = np.ascontiguousarray((minima & np.uint64(0xFF)).astype(np.uint8).T).view("<i8")[:, 0].tolist()
    for owner, values, sketch in zip(owners, bands, sketches, strict=True):
        results[owner] = (*values, sketch)
    return results


def band_values(text: str) -> tuple[int, ...] | None:
    """The 4 band values and the sketch of a text, or None when it is too short to compare."""
    return band_values_many([text])[0]


def sketch_similarity(a: int, b: int) -> float:
    """The share of the 8 MinHash values two sketches agree on: an estimate of Jaccard."""
    return ((a ^ b) & 0xFFFF_FFFF_FFFF_FFFF).to_bytes(8, "little").count(0) / 8  # equal bytes xor to 0


def sketch_similarities(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """:func:`sketch_similarity` of each pair of sketches in two int64 arrays."""
    equal = (a ^ b).view(np.uint8).reshape(-1, 8) == 0
    return equal.sum(axis=1) / 8


def jaccard(a: str, b: str) -> float:
    sa, sb = shingles(a), shingles(b)
    return len(sa & sb) / len(sa | sb) if sa or sb else 0.0


NEAR = 0.7  # the Jaccard overlap of two texts' shingles from which they are near-duplicates


def near(a: set[int], b: Collection[int]) -> bool:
    """Whether two texts, by their shingle hashes (``b`` each once, in any collection), are
    near-duplicates: Jaccard at least NEAR."""
    common = len(a.intersection(b))
    return common >= NEAR * (len(a) + len(b) - common)


def repeats_within(texts: list[str], bands: list[tuple[int, ...] | None], limit: int = 8) -> dict[int, int]:
    """Which texts of one document nearly repeat an earlier one of it (a page drawn twice, a
    paragraph copied): index -> the index of the earliest text it repeats.

    Candidates share a band value with the text (the first ``limit`` texts of each value, so a
    document of many alike paragraphs costs no more than ``limit`` comparisons a text); a pair
    is a repeat by :func:`near`, the test used across documents.
    """
    holders: dict[tuple[int, int], list[int]] = {}  # (band, value) -> the first texts having it
    shingles: dict[int, set[int]] = {}
    found: dict[int, int] = {}
    for i, values in enumerate(bands):
        if values is None:
            continue
        keys = [(band, value) for band, value in enumerate(values[:BANDS])]
        candidates = sorted({j for key in keys for j in holders.get(key, ())})
        if candidates:
            mine = shingles.setdefault(i, shingle_hashes(texts[i]))
            for j in candidates:
                if near(mine, shingles.setdefault(j, shingle_hashes(texts[j]))):
                    found[i] = found.get(j, j)
                    break
        for key in keys:
            held = holders.setdefault(key, [])
            if len(held) < limit:
                held.append(i)
    return found
