"""Co-occurrence written to files: the pairs as CSV, pairs and matrices as XLSX (figures:
:mod:`foresight.cooccurrence.figures`)."""

from __future__ import annotations

from pathlib import Path

from foresight.cooccurrence.matrix import Cooccurrence
from foresight.interop.sheets import write_csv_tables, write_xlsx_tables


def write_csv(
    result: Cooccurrence, path: Path, *, min_count: int = 1, all_pairs: bool = False, measure: str = "c"
) -> int:
    """The pairs table (with shares, lift and Fisher's p) as CSV; returns the rows written."""
    frame = result.frame(min_count=min_count, all_pairs=all_pairs, stats=True, measure=measure)
    write_csv_tables({"pairs": frame}, path)
    return len(frame)


def write_xlsx(
    result: Cooccurrence, path: Path, *, min_count: int = 1, all_pairs: bool = False, measure: str = "c"
) -> int:
    """Sheets ``pairs``, ``c`` (the matrix of coefficients), ``n_ab`` (counts) and ``codes``."""
    import pandas as pd

    frame = result.frame(min_count=min_count, all_pairs=all_pairs, stats=True, measure=measure)
    sheets = {
        "pairs": frame,
        "c": result.matrix_frame("c").round(4).rename_axis("code").reset_index(),
        "n_ab": result.matrix_frame("n_ab").rename_axis("code").reset_index(),
        "codes": pd.DataFrame(result.code_list(), columns=["id", "name", "n"]),
    }
    write_xlsx_tables(sheets, path)
    return len(frame)
