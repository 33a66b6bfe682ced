"""Near-duplicate units across sources (syndicated news), found by MinHash LSH in the store.

Each unit's word 3-shingles get 8 MinHash values, paired into 4 bands stored in indexed
columns. Units sharing a band are candidates (a pair with Jaccard similarity J shares one with
probability 1 - (1 - J^2)^4: 0.98 at J = 0.8, 0.0004 at J = 0.01); candidates are then checked
on their real shingle sets.
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


def band_values(text: str) -> tuple[int, ...] | None:
    """The 4 band values of a text, or None when it is too short to compare fairly."""
    if len(WORD.findall(text)) < MIN_WORDS:
        return None
    hashed = np.fromiter((zlib.crc32(s.encode("utf-8")) for s in shingles(text)), dtype=np.uint64)
    minima = _mix(hashed[None, :] ^ _SEEDS[:, None]).min(axis=1)
    values = []
    for band in range(BANDS):
        low, high = int(minima[2 * band]) & 0x7FFFFFFF, int(minima[2 * band + 1]) & 0xFFFFFFFF
        values.append((low << 32) | high)
    return tuple(values)


def jaccard(a: str, b: str) -> float:
    sa, sb = shingles(a), shingles(b)
    return len(sa & sb) / len(sa | sb) if sa or sb else 0.0
