"""Words hyphenated at a line's end, rejoined or not: by the document's own words first, else by
English word frequencies (spacy-lookups-data's table, read offline and cached).
"""

from __future__ import annotations

import marshal
import os
import re
from collections.abc import Set
from functools import cache
from pathlib import Path


def cache_dir() -> Path:
    """Where derived data is kept between runs: $FORESIGHT_CACHE_DIR, else the user's cache."""
    explicit = os.environ.get("FORESIGHT_CACHE_DIR")
    if explicit:
        return Path(explicit)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "foresight"


@cache
def _word_frequencies() -> dict[str, float]:
    """Log-probabilities of English words (spacy-lookups-data's table, read offline).

    Only lower-case words are kept (about 320,000 of a million entries); the smaller table
    is cached so that later runs load it in a fraction of the time.
    """
    import spacy_lookups_data
    import srsly

    version = getattr(spacy_lookups_data, "__version__", "0")
    cached = cache_dir() / f"en-word-frequencies-{version}.marshal"
    try:
        return marshal.loads(cached.read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        pass  # not cached yet (or unreadable): build it below
    path = Path(spacy_lookups_data.__file__).parent / "data" / "en_lexeme_prob.json.gz"
    table: dict[str, float] = srsly.read_gzip_json(path)
    words = {word: prob for word, prob in table.items() if word.isalpha() and word.islower()}
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        partial = cached.with_suffix(f".{os.getpid()}.tmp")
        partial.write_bytes(marshal.dumps(words))
        partial.replace(cached)
    except OSError:
        pass  # a read-only cache folder only costs time
    return words


def word_frequency(word: str) -> float | None:
    """The log-probability of ``word`` in English text, None for a word not in the table."""
    return _word_frequencies().get(word.lower())


RARE_WORD = -14.0  # log-probability under which a word is no common English word ("raf": -16.4)


def join_hyphenated(head: str, tail: str, vocabulary: Set[str] = frozenset()) -> str:
    """Rejoin a word split at a line end: "develop-" + "ment" -> "development".

    The document's own words decide first (``vocabulary``, from :func:`document_words`): a
    compound it writes with a hyphen inside a line keeps it, a word it writes whole is joined
    ("in-" + "put": it says "input" elsewhere). Else English word frequencies do. A true compound
    keeps its hyphen: when the joined word is much rarer in English than both of its parts
    ("cross-sectoral", "long-term", "policy-making"), the hyphen was part of the word. A word
    split into a syllable that is no common word is joined: a name after its capital ("Raf-" +
    "fel"), a short rare tail ("Fur-" + "nas").
    """
    joined = (head + tail).lower()
    a, b = head.lower(), tail.lower()
    if vocabulary:
        if f"{a}-{b}" in vocabulary:
            return f"{head}-{tail}"
        if joined in vocabulary:
            return head + tail
    freq = _word_frequencies()
    if a not in freq or b not in freq:
        return head + tail
    if head[:1].isupper() and joined in freq and freq[a] < RARE_WORD:
        return head + tail
    if len(b) <= 4 and freq[b] < RARE_WORD:
        return head + tail
    if joined not in freq or freq[joined] < min(freq[a], freq[b]) - 2.0:
        return f"{head}-{tail}"
    return head + tail


_DOCUMENT_WORD = re.compile(r"(?<![\w-])\w+(?:-\w+)*(?![\w-])")


def document_words(text: str) -> frozenset[str]:
    """The words a document writes inside its lines, lowercase: whole words and compounds with
    their hyphens (a word hyphenated at a line end is not one of them), for
    :func:`join_hyphenated`."""
    return frozenset(w.lower() for w in _DOCUMENT_WORD.findall(text))
