"""Where the files that ship beside the package live (codebooks, sample corpus, workshops)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CODEBOOKS = ROOT / "codebooks"
SAMPLE_CORPUS = ROOT / "corpora" / "sample"
DEFAULT_CODEBOOK = CODEBOOKS / "megatrends.yaml"
WORKSHOPS = ROOT / "workshops"
