"""Columns set one space apart (a results bulletin or a report printed in a fixed-width font):
each row is drawn as one line across the page, and no gap shows where a column starts. The
tests read such a page of ``shared/realdocs``, or lay out the lines the reader cuts such a
page into, and assert what a coder gets.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fpdf import FPDF

from foresight.ingest.layout import page_paragraphs
from tests.builders import unit_texts

REALDOCS = Path(__file__).resolve().parents[2] / "shared" / "realdocs"
WIDTH = 26  # characters a column takes, the space before the next one included
CHAR = 6.3  # a character's width (points) in the fixed-width font of type 6.4 points high

# three columns of items (a contest and its results), each item's rows apart from the next's
# by an empty row, at heights that differ from column to column
ITEMS = [
    [
        ["GOVERNOR", ("NEEL KASHKARI", 247), ("EDMUND G BROWN", 69)],
        ["LIEUTENANT GOVERNOR", ("GAVIN NEWSOM", 64), ("RON NEHRING", 247)],
        ["CONTROLLER", ("BETTY T YEE", 59), ("ASHLEY SWEARENGIN", 249), ("TOM TORLAKSON", 88)],
        ["TREASURER", ("GREG CONLON", 240), ("JOHN CHIANG", 69)],
    ],
    [
        ["STATE MEASURE 1", ("YES", 104), ("NO", 214)],
        ["STATE MEASURE 2", ("YES", 133), ("NO", 180)],
        ["COUNTY MEASURE P", ("YES", 102), ("NO", 200)],
        ["STATE MEASURE 45", ("YES", 92), ("NO", 221)],
        ["STATE MEASURE 46", ("YES", 91), ("NO", 228)],
    ],
    [
        ["ASSESSOR", ("JEFFREY PRANG", 104), ("JOHN MORRIS", 136)],
        ["SHERIFF", ("JIM MCDONNELL", 219), ("PAUL TANAKA", 61), ("LOU BACA", 12)],
        ["HEALTH BOARD", ("MUKUND SHAH", 159), ("MICHAEL P RIVES", 67), ("ROE LEER", 39)],
    ],
]


def _page(columns: list[list[list[str]]]) -> tuple[list, list[float]]:
    """Lines as the PDF reader gives them once it has cut the rows at the columns' left edges:
    each column's items (rows of cells) one under the other, an empty row after each item;
    and those edges."""
    lines = []
    edges = [30.0 + WIDTH * CHAR * c for c in range(1, len(columns))]
    for c, items in enumerate(columns):
        rows = [row for item in items for row in [*item, []]]
        for r, row in enumerate(rows):
            top = 560.0 - 10 * r
            left = 30.0 + WIDTH * CHAR * c
            for i, cell in enumerate(row):  # a name, and its votes flush right
                x = left if i == 0 else left + CHAR * (WIDTH - 1 - len(cell))
                lines.append((cell, x, x + CHAR * len(cell), top, top - 6.4, 6.4))
    return sorted(lines, key=lambda ln: (-ln[3], ln[1])), edges


def _words(text: str) -> list[str]:
    return text.replace("|", " ").split()


def test_columns_one_space_apart_are_read_each_on_its_own_item_by_item() -> None:
    columns = [
        [[[t] if isinstance(t, str) else [t[0], str(t[1])] for t in item] for item in items]
        for items in ITEMS
    ]
    lines, edges = _page(columns)
    # (a column is one table whose parts, cut at its empty rows, become units of their own)
    got = "\n".join(row for p in page_paragraphs(lines, 6.4, None, None, edges) for row in [*p.lines, ""])
    parts = [part.split("\n") for part in got.strip().split("\n\n")]
    assert parts == [[" | ".join(row) for row in item] for items in columns for item in items]


def test_a_table_whose_columns_are_one_space_apart_is_still_read_across() -> None:
    """Columns whose rows run on across with no empty row between items are one table's: each
    row is read across, cell by cell."""
    books = [
        ("Gen", "Genesis", "Das Buch Genesis"),
        ("Ex", "Exodus", "Das Buch Exodus"),
        ("Lev", "Levitikus", "Das Buch Levitikus"),
        ("Num", "Numeri", "Das Buch Numeri"),
        ("Dtn", "Deuteronomium", "Das Buch Deuteronomium"),
        ("Jos", "Josua", "Das Buch Josua"),
        ("Ri", "Richter", "Das Buch der Richter"),
        ("Rut", "Rut", "Das Buch Rut"),
    ]
    lines, edges = _page([[[[book[i]] for book in books]] for i in range(3)])
    lines = [ln for ln in lines if ln[0]]
    # (one item a column: the empty row after it is the same in every column)
    rows = [row for p in page_paragraphs(lines, 6.4, None, None, edges) for row in p.lines]
    assert rows == [" | ".join(book) for book in books]


def test_a_fixed_width_report_is_read_column_by_column_item_by_item(tmp_path: Path) -> None:
    """Three columns in Courier, each column's row drawn as one string: a contest's votes end one
    space before the next column starts, so pdfium joins each row across the page."""

    def cell(row: str | tuple[str, int]) -> str:
        return row if isinstance(row, str) else f"{row[0]:<{WIDTH - 6}}{row[1]:>5}"

    columns = [[cell(row) for item in items for row in [*item, ""]] for items in ITEMS]
    pdf = FPDF(unit="pt", format="letter")
    pdf.set_auto_page_break(False)
    pdf.add_page(orientation="L")
    pdf.set_font("Courier", size=8)
    pdf.text(30, 40, "PRECINCT BULLETIN        GENERAL ELECTION 11/04/14")
    width = WIDTH * pdf.get_string_width(" ")
    for c, column in enumerate(columns):
        for number, row in enumerate(column):
            if row:
                pdf.text(30 + c * width, 70 + 10 * number, row)
    pdf.text(30, 90 + 10 * max(len(c) for c in columns), "END OF PRECINCT 0050003A        PRINTED 12/03/14")
    pdf.output(str(tmp_path / "report.pdf"))
    got = [_words(text) for text in unit_texts(tmp_path / "report.pdf")]
    want = [
        _words(" ".join(row if isinstance(row, str) else f"{row[0]} {row[1]}" for row in item))
        for items in ITEMS
        for item in items
    ]
    assert got[: len(want)] == want


@pytest.mark.skipif(not REALDOCS.is_dir(), reason="shared/realdocs is not beside the checkout")
def test_real_results_bulletin_gives_one_unit_a_contest_in_column_order() -> None:
    got = unit_texts(REALDOCS / "election-bulletin-multicol.pdf")
    by_start = {text.split("\n")[0]: text for text in got}
    assert _words(by_start["STATE MEASURE 1"]) == _words("STATE MEASURE 1 YES 104 NO 214")
    assert _words(by_start["SHERIFF"]) == _words("SHERIFF JIM MCDONNELL 219 PAUL TANAKA 61")
    # the last contest of the first column keeps its candidates below the other columns' ends
    assert _words(by_start["36TH ASSEMBLY DIST"])[:4] == ["36TH", "ASSEMBLY", "DIST", "VOTER"]
    assert "TOM LACKEY" in by_start["36TH ASSEMBLY DIST"]
    # a row's cells in the order they stand, though the file draws the party after the votes
    assert by_start["GOVERNOR"].split("\n")[2:] == ["NEEL KASHKARI | REP | 247", "EDMUND G BROWN | DEM | 69"]
    # no unit mixes contests of two columns, and the first column is read before the second
    assert not any("GOVERNOR" in text and "SUPREME" in text for text in got)
    order = [text.split("\n")[0] for text in got]
    assert order.index("TREASURER") < order.index("AJ-SUPREME CT-G. LIU") < order.index("SHERIFF")
