"""Real Word documents with python-docx: built-in styles, numbered tables, a TOC field, page numbers.

:class:`WordDocument` wraps a ``docx.Document`` with the few things every workshop document
needs: the project's name in the header and as the author in the document's properties (with
the title and the date it was written), "Page N of M" in the footer, a table of contents field
(settings.xml asks Word to update fields on opening, which fills in its page numbers;
LibreOffice shows the headings until Tools > Update), and tables captioned "Table N: ..." with
a SEQ field so Word numbers them, whose header row repeats on every page and whose columns
share the text width.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from foresight.errors import ForesightError

# the elements of settings.xml that come after w:updateFields in the schema (ECMA-376 CT_Settings)
AFTER_UPDATE_FIELDS = (
    "hdrShapeDefaults", "footnotePr", "endnotePr", "compat", "docVars", "rsids", "mathPr",
    "attachedSchema", "themeFontLang", "clrSchemeMapping", "doNotIncludeSubdocsInStats",
    "doNotAutoCompressPictures", "forceUpgrade", "captions", "readModeInkLockDown", "smartTagType",
    "schemaLibrary", "shapeDefaults", "doNotEmbedSmartTags", "decimalSymbol", "listSeparator",
)  # fmt: skip
TOC_FIELD = 'TOC \\o "1-2" \\h \\z \\u'  # headings 1-2, as hyperlinks, no page numbers in web view


def _char(paragraph: Any, kind: str) -> None:
    """Append a field character (begin, separate, end) to ``paragraph``."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    element = OxmlElement("w:fldChar")
    element.set(qn("w:fldCharType"), kind)
    if kind == "begin":
        element.set(qn("w:dirty"), "true")  # Word recomputes it on opening
    paragraph.add_run()._r.append(element)


def _instruction(paragraph: Any, instruction: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = f" {instruction} "
    paragraph.add_run()._r.append(text)


def _flag(parent: Any, tag: str) -> None:
    """Append an on/off element such as ``w:tblHeader`` to ``parent``."""
    from docx.oxml import OxmlElement

    parent.append(OxmlElement(tag))


def _field(paragraph: Any, instruction: str, placeholder: str = "") -> None:
    """Append a complex field (begin, instruction, separate, shown text, end) to ``paragraph``."""
    _char(paragraph, "begin")
    _instruction(paragraph, instruction)
    _char(paragraph, "separate")
    paragraph.add_run(placeholder)
    _char(paragraph, "end")


STYLES = (
    "Title",
    "Subtitle",
    "Heading 1",
    "Heading 2",
    "Heading 3",
    "Caption",
    "TOC Heading",
    "List Bullet",
    "List Number",
    "Header",
    "Footer",
    "Table Grid",
)


def _from_template(path: Path) -> Any:
    """A document with the styles (and page set-up) of the Word file ``path`` and an empty body."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        doc = docx.Document(str(path))
    except PackageNotFoundError:
        raise ForesightError(f"{path}: not a Word document (.docx) to use as a template") from None
    names = {s.name for s in doc.styles}
    missing = [name for name in STYLES if name not in names]
    if missing:
        raise ForesightError(f"{path}: the template lacks the styles {', '.join(missing)}")
    body = doc.element.body
    for child in list(body):
        if not child.tag.endswith("}sectPr"):
            body.remove(child)
    return doc


class WordDocument:
    """A Word document under construction; :meth:`save` writes it."""

    def __init__(
        self, project_name: str, *, landscape: bool = False, template: str | Path | None = None
    ) -> None:
        import docx
        from docx.enum.section import WD_ORIENT
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Mm

        self.doc = docx.Document() if template is None else _from_template(Path(template))
        self._properties(project_name)
        self.tables = 0
        self._toc: Any = None  # the paragraph the contents go in front of
        self._headings: list[tuple[int, str]] = []
        section = self.doc.sections[0]
        if template is None:  # A4 with 20 mm margins; a template keeps its own page set-up
            section.page_width, section.page_height = Mm(210), Mm(297)
            for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
                setattr(section, side, Mm(20))
        if landscape:
            section.orientation = WD_ORIENT.LANDSCAPE
            section.page_width, section.page_height = Mm(297), Mm(210)
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

    def _properties(self, project_name: str) -> None:
        """The project as author, written now: not python-docx's defaults (2013, "python-docx")."""
        import datetime as dt

        now = dt.datetime.now(dt.UTC).replace(microsecond=0, tzinfo=None)
        core = self.doc.core_properties
        core.author = core.last_modified_by = project_name
        core.created = core.modified = now
        core.revision = 1
        core.title = core.subject = core.keywords = core.comments = core.category = ""

    def title(self, text: str, subtitle: str = "") -> None:
        """The document's title, on its first page and in its properties (``subtitle`` as subject)."""
        self.doc.core_properties.title = text
        self.doc.core_properties.subject = subtitle
        self.doc.add_paragraph(text, style="Title")
        if subtitle:
            self.doc.add_paragraph(subtitle, style="Subtitle")

    def toc(self, heading: str = "Contents") -> None:
        """A table of contents field over headings 1-2, shown filled in until Word updates it."""
        from docx.oxml.ns import qn

        self.doc.add_paragraph(heading, style="TOC Heading")
        self._toc = self.doc.add_paragraph()
        settings = self.doc.settings.element
        if settings.find(qn("w:updateFields")) is None:  # Word updates the fields on opening
            from docx.oxml import OxmlElement

            update = OxmlElement("w:updateFields")
            update.set(qn("w:val"), "true")
            later = [child for child in settings if child.tag in {qn(f"w:{n}") for n in AFTER_UPDATE_FIELDS}]
            if later:  # Word reads settings.xml in the schema's order
                later[0].addprevious(update)
            else:
                settings.append(update)

    def _fill_toc(self) -> None:
        from docx.shared import Mm

        entries = self._headings or [(1, "Update the field to build the contents.")]
        for n, (level, text) in enumerate(entries):
            p = self._toc.insert_paragraph_before()
            p.paragraph_format.left_indent = Mm(6 * (level - 1))
            p.paragraph_format.space_after = Mm(0.5)
            if n == 0:
                _char(p, "begin")
                _instruction(p, TOC_FIELD)
                _char(p, "separate")
            p.add_run(text)
            if n == len(entries) - 1:
                _char(p, "end")
        self._toc._p.getparent().remove(self._toc._p)
        self._toc = None

    def heading(self, text: str, level: int = 1) -> None:
        self.doc.add_heading(text, level=level)
        if level <= 2:
            self._headings.append((level, text))

    def paragraph(self, text: str = "", *, style: str | None = None, italic: bool = False) -> Any:
        p = self.doc.add_paragraph(style=style)
        if text:
            p.add_run(text).italic = italic
        return p

    def bullets(self, items: Sequence[str]) -> None:
        for item in items:
            self.doc.add_paragraph(item, style="List Bullet")

    def table(
        self,
        caption: str,
        header: Sequence[str],
        rows: Sequence[Sequence[Any]],
        *,
        widths: Sequence[float] | None = None,
    ) -> Any:
        """A captioned table ("Table N: caption", N a SEQ field) with a bold header row that repeats
        on every page; no row breaks across pages.

        ``widths`` are the columns' shares of the text width (equal when not given).
        """
        self.tables += 1
        p = self.doc.add_paragraph(style="Caption")
        p.paragraph_format.keep_with_next = True  # a caption never ends a page
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
        for i, row in enumerate(table.rows):
            properties = row._tr.get_or_add_trPr()
            _flag(properties, "w:cantSplit")
            if i == 0:
                _flag(properties, "w:tblHeader")
        self._widths(table, widths or [1] * len(header))
        self.doc.add_paragraph()
        return table

    def _widths(self, table: Any, shares: Sequence[float]) -> None:
        from docx.shared import Emu

        section = self.doc.sections[-1]
        text = section.page_width - section.left_margin - section.right_margin
        table.autofit = False
        for column, share in zip(table.columns, shares, strict=True):
            width = Emu(int(text * share / sum(shares)))
            column.width = width  # the grid, which LibreOffice reads
            for cell in column.cells:
                cell.width = width  # each cell, which Word reads

    def page_break(self) -> None:
        self.doc.add_page_break()

    def save(self, path: str | Path) -> Path:
        out = Path(path)
        if out.suffix.lower() != ".docx":
            raise ForesightError(f"{out}: a Word document is written as .docx")
        out.parent.mkdir(parents=True, exist_ok=True)
        if self._toc is not None:
            self._fill_toc()
        self.doc.save(str(out))
        return out
