"""Pages read as their reader sees them: text set on its side (a landscape page, a table turned
on a portrait page) read upright, a table's cells that the file draws out of order read across
in the order they stand, and a table of contents left out whole. The tests build the PDFs and
assert the units a coder gets."""

from __future__ import annotations

import zlib
from pathlib import Path

import pytest
from fpdf import FPDF

from foresight.ingest.segment import symbols_only
from tests.builders import unit_texts

PARAGRAPHS = [
    [
        "Regional clusters that share test beds with their universities",
        "report faster uptake of new materials than those that do not,",
        "and most of them plan to widen that sharing in the next years.",
    ],
    [
        "Firms in the survey name skilled staff as their first concern,",
        "ahead of energy prices and of the cost of meeting new rules,",
        "while few of them expect public funding to grow at all.",
    ],
]


@pytest.mark.parametrize("angle", [90, -90])
def test_a_page_whose_text_is_set_on_its_side_is_read_upright(tmp_path: Path, angle: int) -> None:
    """A portrait page holding a landscape text, turned a quarter either way: pdfium gives its
    lines one above the other letter by letter; the units are its paragraphs, in order."""
    pdf = FPDF(unit="pt", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_font("Helvetica", size=10)
    pdf.add_page()
    with pdf.rotation(angle, 297, 421):
        row = 0
        for lines in PARAGRAPHS:
            for line in lines:
                pdf.text(110, 300 + 13 * row, line)
                row += 1
            row += 1
    pdf.output(str(tmp_path / "turned.pdf"))
    assert unit_texts(tmp_path / "turned.pdf") == [" ".join(lines) for lines in PARAGRAPHS]


def _pdf_with_content(content: bytes) -> bytes:
    """A one-page PDF (US letter) whose page draws ``content``, with two fonts: /F1, Helvetica,
    and /F2, whose one glyph (code 0) is an apostrophe drawn as a small mark set high, named
    with no name that gives its Unicode and without a ToUnicode map (as some files' fonts are)."""
    stream = zlib.compress(content)
    mark = b"250 0 100 450 150 700 d1 100 450 50 250 re f"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R /F2 6 0 R >> >> >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Type /Font /Subtype /Type3 /FontBBox [0 0 250 700] /FontMatrix [0.001 0 0 0.001 0 0]"
        b" /CharProcs << /g0 7 0 R >> /Encoding << /Type /Encoding /Differences [0 /g0] >>"
        b" /FirstChar 0 /LastChar 0 /Widths [250] /Resources << >> >>",
        b"<< /Length %d >>\nstream\n" % len(mark) + mark + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def test_an_apostrophe_without_unicode_is_kept_between_its_letters(tmp_path: Path) -> None:
    """Italian text whose apostrophes come from a font that gives them no Unicode: pdfium
    leaves them out ("lImpresa", one word that no keyword finds); a mark set high between two
    letters is an apostrophe, and the words stay apart ("l’Impresa")."""
    lines = [
        "In caso di decesso dell'Assicurato, l'Impresa di Assicurazione esegue",
        "il pagamento entro trenta giorni dal ricevimento della documentazione",
        "completa all'indirizzo indicato, con l'importo dovuto ai Beneficiari.",
    ]
    content = b""
    for number, line in enumerate(lines):
        parts = line.encode().split(b"'")
        shown = b" /F2 10 Tf (\\000) Tj /F1 10 Tf ".join(b"(%s) Tj" % part for part in parts)
        content += b"BT /F1 10 Tf 50 %d Td %s ET\n" % (700 - 13 * number, shown)
    (tmp_path / "apostrophes.pdf").write_bytes(_pdf_with_content(content))
    assert unit_texts(tmp_path / "apostrophes.pdf") == [" ".join(lines).replace("'", "’")]


def test_table_cells_drawn_after_the_cell_right_of_them_are_read_in_their_place(tmp_path: Path) -> None:
    """A results table whose file draws each row's name and votes as one string (the votes set
    far right by the string's spacing) and the party, which stands between them, after it:
    pdfium gives "EDMUND G BROWN 69 DEM"; a coder reads "EDMUND G BROWN | DEM | 69"."""
    rows = [
        ("NEEL KASHKARI", "REP", 247),
        ("EDMUND G BROWN", "DEM", 69),
        ("GAVIN NEWSOM", "DEM", 64),
        ("RON NEHRING", "REP", 247),
        ("BETTY T YEE", "DEM", 59),
        ("ASHLEY SWEARENGIN", "REP", 249),
    ]
    content = b""
    for number, (name, party, votes) in enumerate(rows):
        y = 700 - 12 * number
        # (the TJ array's number moves the pen left by thousandths of the type size: to x = 260)
        shift = -round((260 - 50 - 0.5 * 10 * len(name)) * 100)
        content += b"BT /F1 10 Tf 50 %d Td [(%s) %d (%d)] TJ ET\n" % (y, name.encode(), shift, votes)
        content += b"BT /F1 10 Tf 200 %d Td (%s) Tj ET\n" % (y, party.encode())
    (tmp_path / "results.pdf").write_bytes(_pdf_with_content(content))
    got = "\n".join(unit_texts(tmp_path / "results.pdf")).split("\n")
    assert got == [f"{name} | {party} | {votes}" for name, party, votes in rows]


def test_a_long_row_of_single_letters_is_told_apart_at_once() -> None:
    """A diagram's labels ("x y z") are symbols only; a table's row of single letters between
    bars followed by a word is not, and the answer comes at once however long the row (a
    backtracking pattern took exponential time on it)."""
    assert symbols_only("x y z")
    assert symbols_only("Σ | ϕ")
    assert not symbols_only("x | " * 40 + "word")
    assert not symbols_only("目 录")


def test_a_table_of_contents_leaves_no_numbers_nor_wrapped_entries_behind(tmp_path: Path) -> None:
    """A report's contents page (entry numbers set apart, leader dots, an entry wrapped on two
    lines, a page number wrapped below its dots) gives no unit; the text after it is kept."""
    pdf = FPDF(unit="pt", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_font("Helvetica", size=10)
    pdf.add_page()
    pdf.set_font("Helvetica", size=16)
    pdf.text(60, 80, "CONTENTS")
    pdf.set_font("Helvetica", size=10)
    entries = [
        ("1", ["CONTEXT OF THE PROJECT " + "." * 40 + " 2"]),
        ("1.1", ["INTERNATIONAL CONTEXT " + "." * 42 + " 2"]),
        ("1.2", ["THE REQUEST FOR AN EXEMPTION CONCERNING THE", "PROTECTED SPECIES " + "." * 48 + " 7"]),
        ("2", ["SUMMARY OF THE IMPACTS ON THE NATURAL " + "." * 20, "12"]),
        ("2.1", ["LOCAL CONTEXT " + "." * 50 + " 14"]),
    ]
    y = 120
    for number, lines in entries:
        pdf.text(60, y, number)
        for line in lines:
            pdf.text(95, y, line)
            y += 14
        y += 6
    pdf.add_page()
    for row, line in enumerate(PARAGRAPHS[0]):
        pdf.text(60, 100 + 13 * row, line)
    pdf.output(str(tmp_path / "contents.pdf"))
    assert unit_texts(tmp_path / "contents.pdf") == [" ".join(PARAGRAPHS[0])]
