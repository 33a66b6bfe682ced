"""Documents that show the problems ingest must handle, built fresh for each test."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import docx
import openpyxl
from fpdf import FPDF

WRAPPED_PDF_PAGES = [
    [
        [
            "Regional clusters are changing as the internet of things reaches",
            "the factory floor. Sensor makers and machine builders now share",
            "develop-",
            "ment teams, and the cluster office runs joint pilot lines.",
        ],
        [
            "Cross-",
            "sectoral projects bring packaging firms and software houses to-",
            "gether around traceable supply chains.",
        ],
    ],
    [
        [
            "A second page continues the argument with evidence from the",
            "survey of cluster managers: most expect shorter product life",
            "cycles to reward firms that collaborate across sectors.",
        ],
        [
            "The conclusion of the brief is that policy should fund shared",
            "infrastructure rather than single firms.",
        ],
    ],
]


def wrapped_pdf(
    path: Path,
    *,
    header: str = "Cluster Observatory - Policy Brief 7/2011",
    pages: list[list[list[str]]] | None = None,
    title: str = "Sensing clusters",
    date: dt.date = dt.date(2011, 4, 14),
) -> Path:
    """A PDF laid out line by line: running header, page-number footer, hyphenated words."""
    pdf = FPDF(format="A4")
    pdf.set_title(title)
    pdf.set_author("Observatory")
    pdf.set_creation_date(dt.datetime(date.year, date.month, date.day, tzinfo=dt.UTC))
    pdf.set_auto_page_break(False)
    for number, page in enumerate(pages or WRAPPED_PDF_PAGES, start=1):
        pdf.add_page()
        pdf.set_font("Helvetica", size=9)
        pdf.set_xy(20, 12)
        pdf.cell(0, 5, header)
        pdf.set_font("Helvetica", size=11)
        y = 30.0
        for paragraph in page:
            for line in paragraph:
                pdf.set_xy(20, y)
                pdf.cell(0, 5, line)
                y += 5.5
            y += 5
        pdf.set_font("Helvetica", size=9)
        pdf.set_xy(100, 282)
        pdf.cell(0, 5, f"Page {number}")
    pdf.output(str(path))
    return path


def long_pdf(path: Path, sentences: int = 40) -> Path:
    """A one-paragraph PDF far longer than a unit should be."""
    sentence = "Cluster managers report that demand for shared testing facilities keeps growing."
    words = " ".join([sentence] * sentences).split()
    lines, line = [], ""
    for word in words:
        if len(line) + len(word) + 1 > 80:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    pages = [[lines[i : i + 40]] for i in range(0, len(lines), 40)]
    return wrapped_pdf(path, pages=pages, header="Long report")


def encrypted_pdf(path: Path) -> Path:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    pdf.cell(0, 10, "A secret paragraph about clusters that nobody may read.")
    pdf.set_encryption(owner_password="owner", user_password="user")
    pdf.output(str(path))
    return path


def scanned_pdf(path: Path) -> Path:
    """A PDF with pages of drawing only: what a scanner without OCR produces."""
    pdf = FPDF()
    for _ in range(2):
        pdf.add_page()
        pdf.set_fill_color(40, 40, 40)
        for row in range(30):
            pdf.rect(20, 20 + row * 8, 170, 3, style="F")
    pdf.output(str(path))
    return path


def word_document(path: Path) -> Path:
    document = docx.Document()
    document.core_properties.title = "Blue growth in the Aldermoor cluster"
    document.core_properties.author = "Cluster office"
    document.core_properties.created = dt.datetime(2012, 9, 3, 10, 0)
    document.add_heading("Blue growth in the Aldermoor cluster", level=1)
    document.add_paragraph(
        "The Aldermoor coast has become a test bed for offshore energy, aquaculture and marine "
        "biotechnology, and its cluster office now counts sixty members."
    )
    document.add_heading("Drivers", level=2)
    document.add_paragraph("Three drivers explain the growth of the cluster since 2008:")
    document.add_paragraph("resource scarcity on land,", style="List Bullet")
    document.add_paragraph("public funding for offshore wind,", style="List Bullet")
    document.add_paragraph("and new materials for underwater sensors.", style="List Bullet")
    document.add_heading("Outlook", level=2)
    document.add_paragraph(
        "Members expect blue growth to converge with logistical services as ports automate "
        "their terminals over the next five years."
    )
    document.save(str(path))
    return path


HTML_PAGE = """<!DOCTYPE html>
<html lang="en"><head><title>Printed electronics cluster signs alliance | Cluster News</title>
<meta name="author" content="Maria Keller">
<meta property="article:published_time" content="2009-06-02">
</head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li>
<li><a href="/about">About us</a></li></ul></nav>
<div class="cookie">We use cookies to improve your experience. Accept all cookies?</div>
<article>
<h1>Printed electronics cluster signs alliance</h1>
<p>The printed electronics cluster of the Lower Vessel Valley signed a strategic alliance with
two packaging converters on Tuesday, aiming at smart labels for food and pharmaceuticals.</p>
<h2>Why it matters</h2>
<p>Smart labels combine advanced packaging with the internet of things, and the cluster expects
the first products on supermarket shelves within three years.</p>
<p>Critics warn that the cost of printed sensors is still ten times higher than the margin of a
yoghurt pot, so the first applications will be in medicines.</p>
</article>
<aside><h3>Most read</h3><ul><li><a href="/a">Another story</a></li></ul></aside>
<footer><p>Copyright 2009 Cluster News. All rights reserved. Imprint. Privacy policy.</p></footer>
</body></html>
"""


def web_page(path: Path) -> Path:
    path.write_text(HTML_PAGE, encoding="utf-8")
    return path


def markdown_post(path: Path) -> Path:
    path.write_text(
        "---\ntitle: Makers and the maker movement\ndate: 2013-02-11\nauthor: Jo Lind\n"
        "source_type: blog\n---\n\n# Makers and the maker movement\n\n"
        "Fab labs have appeared in nine cluster regions this year, and their users are **not**\n"
        "only hobbyists: product designers use them for rapid prototyping.\n\n"
        "## What cluster managers can do\n\n"
        "Cluster managers can connect fab labs with firms in three ways:\n\n"
        "- open the labs to member firms,\n- run joint training,\n- and share machines.\n\n"
        "Entrepreneurship culture grows where people can try ideas cheaply and fail fast.\n",
        encoding="utf-8",
    )
    return path


def hard_wrapped_text(path: Path, encoding: str = "utf-8") -> Path:
    path.write_text(
        "Interview notes, cluster manager, Île-de-France\n\n"
        "The manager said that the café owners near the science park now\n"
        "sell more lunches to start-ups than to the old electronics firms, a\n"
        "sign that the cluster's centre of gravity is moving.\n\n"
        "She expects the region's photonics firms to merge within five years\n"
        "because the market for laser components is consolidating in Baden-\n"
        "Württemberg and in Asia.\n",
        encoding=encoding,
    )
    return path


RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Cluster Wire</title><link>https://example.org/</link>
<language>en-gb</language>
<item><title>Medical devices cluster opens test lab</title>
<link>https://example.org/news/1</link><guid>https://example.org/news/1</guid>
<pubDate>Tue, 04 Mar 2008 09:00:00 GMT</pubDate>
<description><![CDATA[<p>The medical devices cluster in Westmark opened a shared test lab for
small firms that cannot afford their own clean room.</p><p>The lab will also serve
photonics start-ups working on diagnostic imaging.</p>]]></description></item>
<item><title>Logistics firms join mobility cluster</title>
<link>https://example.org/news/2</link><guid>https://example.org/news/2</guid>
<pubDate>Thu, 18 Sep 2008 09:00:00 GMT</pubDate>
<description><![CDATA[<p>Seven logistics firms joined the e-mobility cluster to test electric
delivery vans in the city centre.</p>]]></description></item>
</channel></rss>
"""


def feed_file(path: Path) -> Path:
    path.write_text(RSS, encoding="utf-8")
    return path


SURVEY_ROWS = [
    [
        "respondent",
        "country",
        "stakeholder group",
        "Which trends will most change your cluster by 2020?",
        "What holds your cluster back?",
    ],
    [
        "R1",
        "DE",
        "cluster management",
        "Digitalisation of production and the internet of things in our machine builders.",
        "A shortage of software engineers in the region.",
    ],
    ["R2", "FR", "industry", "", "Slow public funding decisions and too many small initiatives."],
    ["R3", "PT", "research", "Blue growth: offshore aquaculture and marine biotechnology.", ""],
]


def survey_xlsx(path: Path) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in SURVEY_ROWS:
        sheet.append(row)
    book.save(str(path))
    return path


def survey_csv(path: Path) -> Path:
    import csv

    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(SURVEY_ROWS)
    return path


def unit_texts(path: Path) -> list[str]:
    """The texts of the units a file is cut into, each checked to be its span of the source's
    text."""
    from foresight.config import IngestSettings
    from foresight.ingest.reading import prepare

    prepared = prepare(str(path), IngestSettings())
    assert not prepared.problem, prepared.problem
    (_, cut), *_ = prepared.documents
    for unit in cut.units:
        assert cut.text[unit.start : unit.end] == unit.text
    return [u.text for u in cut.units]
