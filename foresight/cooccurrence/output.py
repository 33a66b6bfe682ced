"""Co-occurrence written to files: the pairs as CSV, pairs and matrices as XLSX, a heatmap."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from foresight.cooccurrence.matrix import Cooccurrence
from foresight.errors import ForesightError
from foresight.interop.sheets import write_csv_tables, write_xlsx_tables

FIGURE_FORMATS = (".png", ".pdf")


def write_csv(result: Cooccurrence, path: Path, *, min_count: int = 1, all_pairs: bool = False) -> int:
    """The pairs table (with shares, lift and Fisher's p) as CSV; returns the rows written."""
    frame = result.frame(min_count=min_count, all_pairs=all_pairs, stats=True)
    write_csv_tables({"pairs": frame}, path)
    return len(frame)


def write_xlsx(result: Cooccurrence, path: Path, *, min_count: int = 1, all_pairs: bool = False) -> int:
    """Sheets ``pairs``, ``c`` (the matrix of coefficients), ``n_ab`` (counts) and ``codes``."""
    import pandas as pd

    frame = result.frame(min_count=min_count, all_pairs=all_pairs, stats=True)
    sheets = {
        "pairs": frame,
        "c": result.matrix_frame("c").round(4).rename_axis("code").reset_index(),
        "n_ab": result.matrix_frame("n_ab").rename_axis("code").reset_index(),
        "codes": pd.DataFrame(result.code_list(), columns=["id", "name", "n"]),
    }
    write_xlsx_tables(sheets, path)
    return len(frame)


def check_figure_path(path: Path) -> None:
    if path.suffix.lower() not in FIGURE_FORMATS:
        raise ForesightError(f"{path}: a figure is written as .png or .pdf")


def write_heatmap(result: Cooccurrence, path: Path, *, note: str = "") -> tuple[int, int]:
    """The rows x cols matrix of c over the codes that are used, as a PNG or PDF heatmap; returns
    its shape. ``note`` is a second line of the title (e.g. where the codings come from)."""
    check_figure_path(path)
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    n = result.n
    rows = [i for i in result.rows if n[i] > 0]
    cols = [i for i in result.cols if n[i] > 0]
    if not rows or not cols:
        raise ForesightError("nothing to draw: no code in this selection is used")
    values = result.c()[np.ix_(rows, cols)]
    if result.rows == result.cols:
        np.fill_diagonal(values, np.nan)  # a code with itself is always 1: leave it blank
    width, height = max(4.0, 0.22 * len(cols) + 4.5), max(3.0, 0.22 * len(rows) + 2.0)
    fig, ax = plt.subplots(figsize=(width, height))
    image = ax.imshow(values, cmap="viridis", vmin=0, vmax=max(float(np.nanmax(values)), 1e-9), aspect="auto")
    ax.set_xticks(range(len(cols)), [result.codes[i].id for i in cols], rotation=90, fontsize=7)
    ax.set_yticks(range(len(rows)), [result.codes[i].id for i in rows], fontsize=7)
    fig.colorbar(image, ax=ax, label="c (0..1)")
    title = f"Co-occurrence over {result.units} units ({result.codings.label()})"
    ax.set_title(f"{title}\n{note}" if note else title, fontsize=9)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return len(rows), len(cols)
