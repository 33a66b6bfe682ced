"""Real Word documents with python-docx: built-in styles, numbered tables, a TOC field, page numbers.

:class:`WordDocument` wraps a ``docx.Document`` with the few things every workshop document
needs: the project's name in the header, "Page N of M" in the footer, a table of contents field
(Word fills it in on opening; LibreOffice on update), and tables captioned "Table N: ..." with a
SEQ field so Word numbers them.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from foresight.errors import ForesightError


def _field(paragraph: Any, instruction: str, placeholder: str = "") -> None:
    """Append a complex field (begin, instruction, separate, shown text, end) to ``paragraph``."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    def char(kind: str) -> Any:
        run = paragraph.add_run()
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), kind)
        if kind == "begin":
            element.set(qn("w:dirty"), "true")
        run._r.append(element)
        return run

    char("begin")
    run = paragraph.add_run()
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = f" {instruction} "
    run._r.append(text)
    char("separate")
    paragraph.add_run(placeholder)
    char("end")


class WordDocument:
    """A Word document under construction; :meth:`save` writes it."""

    def __init__(self, project_name: str, *, landscape: bool = False) -> None:
        import docx
        from docx.enum.section import WD_ORIENT
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Mm

        self.doc = docx.Document()
        self.tables = 0
        section = self.doc.sections[0]
        section.page_width, section.page_height = Mm(210), Mm(297)
        if landscape:
            section.orientation = WD_ORIENT.LANDSCAPE
            section.page_width, section.page_height = Mm(297), Mm(210)
        for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
            setattr(section, side, Mm(20))
        header = section.header.paragraphs[0]
        header.text = project_name
        header.style = self.doc.styles["Header"]
        footer = section.footer.paragraphs[0]
        footer.style = self.doc.styles["Footer"]
        footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
        footer.add_run("Page ")
        _field(footer, "PAGE", "1")
        footer.add_run(" of ")
        _field(footer, "NUMPAGES", "1")

    def title(self, text: str, subtitle: str = "") -> None:
        self.doc.add_paragraph(text, style="Title")
        if subtitle:
            self.doc.add_paragraph(subtitle, style="Subtitle")

    def toc(self, heading: str = "Contents") -> None:
        self.doc.add_paragraph(heading, style="TOC Heading")
        _field(
            self.doc.add_paragraph(), 'TOC \\o "1-2" \\h \\z \\u', "Update the field to build the contents."
        )

    def heading(self, text: str, level: int = 1) -> None:
        self.doc.add_heading(text, level=level)

    def paragraph(self, text: str = "", *, style: str | None = None, italic: bool = False) -> Any:
        p = self.doc.add_paragraph(style=style)
        if text:
            p.add_run(text).italic = italic
        return p

    def bullets(self, items: Sequence[str]) -> None:
        for item in items:
            self.doc.add_paragraph(item, style="List Bullet")

    def table(self, caption: str, header: Sequence[str], rows: Sequence[Sequence[Any]]) -> Any:
        """A captioned table ("Table N: caption", N a SEQ field) with a bold header row."""
        self.tables += 1
        p = self.doc.add_paragraph(style="Caption")
        p.add_run("Table ")
        _field(p, "SEQ Table \\* ARABIC", str(self.tables))
        p.add_run(f": {caption}")
        table = self.doc.add_table(rows=1, cols=len(header))
        table.style = self.doc.styles["Table Grid"]
        for cell, text in zip(table.rows[0].cells, header, strict=True):
            cell.text = ""
            cell.paragraphs[0].add_run(str(text)).bold = True
        for row in rows:
            cells = table.add_row().cells
            for cell, value in zip(cells, row, strict=True):
                cell.text = "" if value is None else str(value)
        self.doc.add_paragraph()
        return table

    def page_break(self) -> None:
        self.doc.add_page_break()

    def save(self, path: str | Path) -> Path:
        out = Path(path)
        if out.suffix.lower() != ".docx":
            raise ForesightError(f"{out}: a Word document is written as .docx")
        out.parent.mkdir(parents=True, exist_ok=True)
        self.doc.save(str(out))
        return out
