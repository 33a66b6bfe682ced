"""The files that ship inside the package: the codebook, the workshop files and the sample corpus.

They are package data (``foresight/data/``), found with :mod:`importlib.resources`, so that a
checkout, an editable install, ``pip install .`` and a wheel all find them in the same place.
``ROOT`` is the checkout (where ``benchmarks/`` lives); an installed package has none.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

DATA = Path(str(files("foresight") / "data"))  # a folder on disk: the package is never zipped
CODEBOOKS = DATA / "codebooks"
SAMPLE_CORPUS = DATA / "sample"
DEFAULT_CODEBOOK = CODEBOOKS / "megatrends.yaml"
WORKSHOPS = DATA / "workshops"
ROOT = Path(__file__).resolve().parent.parent
