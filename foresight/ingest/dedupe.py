"""Near-duplicate units across sources (syndicated news), found by MinHash LSH in the store.

Each unit's word 3-shingles get 8 MinHash values, paired into 4 bands stored in indexed
columns. Units sharing a band are candidates (a pair with Jaccard similarity J shares one with
probability 1 - (1 - J^2)^4: 0.98 at J = 0.8, 0.0004 at J = 0.01). A sketch of one byte of each
of the 8 values estimates J cheaply; candidates that pass it are checked on their real shingles.
"""

from __future__ import annotations

import re
import zlib

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


def shingles(text: str) -> set[str]:
    words = WORD.findall(text.lower())
    return {" ".join(words[i : i + 3]) for i in range(max(1, len(words) - 2))}


_word_hashes: dict[str, int] = {}
_K1, _K2 = np.uint64(0x9E3779B97F4A7C15), np.uint64(0xC2B2AE3D27D4EB4F)


def _word_hash(word: str) -> int:
    value = _word_hashes.get(word)
    if value is None:
        if len(_word_hashes) > 500_000:
            _word_hashes.clear()
        value = _word_hashes[word] = zlib.crc32(word.encode("utf-8"))
    return value


def band_values_many(texts: list[str]) -> list[tuple[int, ...] | None]:
    """The 4 band values and the sketch of each text (None for texts too short to compare).

    Shingle hashes combine the hashes of their three words; the MinHash minima of all texts are
    taken in one vectorised pass.
    """
    results: list[tuple[int, ...] | None] = [None] * len(texts)
    arrays, owners = [], []
    for i, text in enumerate(texts):
        words = WORD.findall(text.lower())
        if len(words) < MIN_WORDS:
            continue
        h = np.fromiter(map(_word_hash, words), dtype=np.uint64, count=len(words))
        arrays.append((h[:-2] * _K1) ^ (h[1:-1] * _K2) ^ h[2:])
        owners.append(i)
    if not arrays:
        return results
    starts = np.cumsum([0] + [len(a) for a in arrays[:-1]])
    minima = np.minimum.reduceat(_mix(np.concatenate(arrays)[None, :] ^ _SEEDS[:, None]), starts, axis=1)
    for column, owner in enumerate(owners):
        values = []
        for band in range(BANDS):
            low = int(minima[2 * band, column]) & 0x7FFFFFFF
            high = int(minima[2 * band + 1, column]) & 0xFFFFFFFF
            values.append((low << 32) | high)
        sketch = int.from_bytes(bytes(int(m) & 0xFF for m in minima[:, column]), "little", signed=True)
        results[owner] = (*values, sketch)
    return results


def band_values(text: str) -> tuple[int, ...] | None:
    """The 4 band values and the sketch of a text, or None when it is too short to compare."""
    return band_values_many([text])[0]


def sketch_similarity(a: int, b: int) -> float:
    """The share of the 8 MinHash values two sketches agree on: an estimate of Jaccard."""
    return ((a ^ b) & 0xFFFF_FFFF_FFFF_FFFF).to_bytes(8, "little").count(0) / 8  # equal bytes xor to 0


def jaccard(a: str, b: str) -> float:
    sa, sb = shingles(a), shingles(b)
    return len(sa & sb) / len(sa | sb) if sa or sb else 0.0
