"""The codebook: groups of codes with definitions, keywords and colours."""

from foresight.codebook._old import import_codebook

__all__ = ["import_codebook"]
