"""A labelled multi-label paragraph set made from a codebook, for measuring suggestions.

Each paragraph is about one to three codes (a few codes are frequent, most are rare). Its
sentences draw on the words of those codes' definitions, usage notes and examples, mixed with
general words; only now and then does a code's keyword itself appear, and now and then a
keyword of an unrelated code does, as in real text. So rules find part of the truth, and a
classifier can learn the rest from coded examples. Deterministic for a given seed.
"""

from __future__ import annotations

import random
import re

from foresight.codebook.model import CodebookSpec

WORD = re.compile(r"[a-z]{4,}")
STOP = set(
    [
        "about",
        "above",
        "after",
        "again",
        "against",
        "also",
        "among",
        "another",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "could",
        "does",
        "doing",
        "down",
        "during",
        "each",
        "either",
        "every",
        "from",
        "further",
        "have",
        "having",
        "here",
        "into",
        "itself",
        "more",
        "most",
        "much",
        "must",
        "neither",
        "other",
        "ought",
        "over",
        "same",
        "should",
        "since",
        "some",
        "such",
        "than",
        "that",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "under",
        "until",
        "upon",
        "very",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "with",
        "within",
        "without",
        "would",
        "your",
        "year",
        "years",
        "paragraph",
        "code",
        "codes",
        "unit",
        "units",
    ]
)
FILLER = [
    "region",
    "regional",
    "firms",
    "companies",
    "market",
    "policy",
    "report",
    "survey",
    "study",
    "network",
    "partners",
    "project",
    "programme",
    "member",
    "members",
    "local",
    "national",
    "european",
    "growth",
    "support",
    "new",
    "development",
    "public",
    "private",
    "sector",
    "sectors",
    "industry",
    "industries",
    "business",
    "businesses",
    "local",
    "managers",
]


def vocabulary(spec: CodebookSpec) -> dict[str, list[str]]:
    vocab = {}
    for code in spec.codes:
        keywords = {w for k in code.keywords for w in k.lower().split()}
        text = " ".join((code.name, code.definition, code.use_when, code.example)).lower()
        words = [w for w in WORD.findall(text) if w not in STOP and w not in keywords]
        vocab[code.id] = sorted(set(words)) or [code.id.lower()]
    return vocab


def paragraphs(
    spec: CodebookSpec, n: int, *, seed: int = 0, keyword_rate: float = 0.35, noise_rate: float = 0.1
) -> tuple[list[str], list[set[str]]]:
    rng = random.Random(seed)
    codes = [c for c in spec.codes if c.keywords]
    weights = [1.0 / (rank + 1) ** 0.8 for rank in range(len(codes))]
    rng.shuffle(weights)
    vocab = vocabulary(spec)
    texts, labels = [], []
    for _ in range(n):
        chosen = set()
        for _ in range(rng.choice((1, 2, 2, 3))):
            chosen.add(rng.choices(codes, weights)[0].id)
        sentences = []
        for code_id in sorted(chosen):
            code = spec.code(code_id)
            assert code is not None
            for _ in range(2):
                words = [
                    rng.choice(vocab[code_id]) if rng.random() < 0.6 else rng.choice(FILLER)
                    for _ in range(rng.randint(8, 12))
                ]
                if rng.random() < keyword_rate:
                    words.insert(rng.randrange(len(words)), rng.choice(code.keywords))
                sentences.append(" ".join(words).capitalize() + ".")
        if rng.random() < noise_rate:
            other = rng.choice(codes)
            sentences.append(f"Some also mention {rng.choice(other.keywords)} in passing.")
        rng.shuffle(sentences)
        texts.append(" ".join(sentences))
        labels.append(chosen)
    return texts, labels
