"""Ingest throughput on a synthetic mixed corpus of grey literature.

What it measures
----------------
1. It generates a deterministic (seeded) corpus of ``--docs`` documents (default 1000): about 40%
   PDF (fpdf2, Helvetica, laid out line by line with a running header, a "Page n of N" footer,
   paragraph gaps and words hyphenated at line ends), 20% DOCX (title, headings, paragraphs),
   20% HTML (an article wrapped in navigation, sidebar and footer boilerplate) and 20% plain
   text / Markdown with YAML front matter. Documents hold about 50 paragraphs each (so about
   50 information units each); the sentences are assembled from a vocabulary of cluster,
   megatrend and industry words, with invented place and firm names, so documents are not
   near-duplicates of each other. With ``--out DIR`` the corpus is cached in DIR and reused.
2. In fresh subprocesses, one after the other:
   a. bare pypdfium2 text extraction over the PDF files (read the bytes, open, for every page
      ``get_textpage().get_text_range()``, close), spread over as many worker processes as
      ingest uses (``ingest``'s default: one per core, at most 4; forked, files handed out two
      at a time, pool start and stop included), so both sides get the same cores: seconds. The
      same extraction in one process is shown too, for reference;
   b. ``foresight.ingest.ingest`` of the PDF files alone into a fresh SQLite project: seconds,
      and the ratio ingest / bare extraction with the same processes (target: <= 3x). The
      ratio of their CPU seconds (the processes' and their workers', ``os.times``) is shown
      too: on a machine shared with other work it moves less than the ratio of wall times.
      a (with the same processes) and b run ``--rounds`` times (5), one after the other, so that
      a slower spell of the machine falls on both sides of a round; the table shows the median
      round's ratio, each round's ratio, and the seconds of the median round;
   c. ``ingest`` of the whole mixed corpus into another fresh SQLite project: wall seconds of
      the ``ingest()`` call (target: < 60 s), documents/s, units/s, and the peak resident set
      size of that subprocess. Peak RSS is the kernel's high-water mark ``VmHWM`` from
      ``/proc/self/status`` (``resource.getrusage`` ``ru_maxrss`` elsewhere): on Linux a freshly
      spawned child's ``ru_maxrss`` starts at its launcher's peak, so it would overstate.
   Imports, project creation and loading the text-cutting models (``foresight.ingest.warm_up``:
   spaCy, which also imports PyTorch when it is installed) are timed apart from the ingest calls
   and shown as their own row: they are paid once per process, not per document.
3. It prints a table (name, work, value, unit, target, met); ``--json`` prints
   ``{"results": [{"name", "work", "value", "unit", "target", "met"}, ...]}`` instead (``met``
   is null for rows without a target). The exit status is 1 when a target is missed.
   ``--profile`` also runs the mixed ingest under cProfile and prints the top 15 functions by
   cumulative time (inside foresight/ and libraries) to stderr. ``--pdf-only`` stops after b (faster
   rounds while working on PDF ingest).

Targets: PDF ingest / bare pypdfium2 extraction <= 3x (the layout analysis); whole mixed ingest < 60 s.

Usage::

    python benchmarks/bench_ingest.py [--docs 1000] [--out DIR] [--keep] [--json] [--profile]
                                      [--pdf-only] [--rounds 5]
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import json
import multiprocessing as mp
import os
import random
import resource
import shutil
import statistics
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from report import Result, report
from rich.console import Console

SEED = 20150123
GENERATOR_VERSION = 2  # bump when the generated documents change, to invalidate caches
KINDS = ("pdf", "pdf", "pdf", "pdf", "docx", "docx", "html", "html", "txt", "md")  # by index % 10
FOLDERS = {"pdf": "pdf", "docx": "docx", "html": "html", "txt": "text", "md": "text"}
PDF_RATIO_TARGET = 3.0  # reading the layout (columns, blocks, running heads) costs this much
WHOLE_RUN_TARGET_S = 60.0

# --------------------------------------------------------------------------------------------
# Vocabulary
# --------------------------------------------------------------------------------------------

MEGATRENDS = """internet of things|big data|additive manufacturing|ageing society|urbanisation|
resource scarcity|climate change|digitalisation|globalisation|energy transition|
personalised medicine|circular economy|sharing economy|demographic change|servitisation|
shifting geo-economic power|smart mobility|cyber security|automation of knowledge work|
new materials|water scarcity|food security|distributed energy|mass customisation|
cloud computing|mobile internet|advanced robotics|synthetic biology|e-health|blue growth"""
INDUSTRIES = """biopharmaceuticals|medical devices|creative industries|experience industries|
eco-industries|logistical services|maritime industries|mobility technologies|
personalised production|digital industries|textiles|automotive suppliers|aerospace|
agri-food|packaging|photonics|microelectronics|chemicals|machine building|tourism|
renewable energy|construction|nanomaterials|software services|telecommunications|
precision farming|fashion|furniture|shipbuilding|retail logistics|water technologies|
industrial biotechnology|plastics processing|printed electronics|sensor manufacturing"""
ACTORS = """cluster managers|small firms|research institutes|universities|regional agencies|
suppliers|start-ups|incubators|venture investors|trade associations|policy makers|
multinational groups|engineering consultancies|chambers of commerce|testing laboratories|
vocational schools|municipal utilities|hospital networks|port authorities|
technology transfer offices|family-owned manufacturers|design studios|contract researchers|
machine builders|software houses|component makers|logistics operators|farm cooperatives"""
ADJECTIVES = """emerging|cross-sectoral|regional|disruptive|incremental|long-term|short-term|
knowledge-intensive|capital-intensive|export-oriented|fragmented|resilient|sustainable|
competitive|specialised|interdisciplinary|data-driven|low-carbon|high-value|labour-intensive|
experimental|collaborative|decentralised|vertical|horizontal|uncertain|gradual|rapid|
promising|neglected|strategic|tentative|sizeable|modest|persistent|volatile|latent|visible|
unexpected|weak|strong|early|late|shared|joint|open|closed|local|global|national|European"""
NOUNS = """value chains|supply networks|business models|pilot lines|test beds|demonstrators|
competences|skills shortages|investment flows|spin-offs|joint ventures|standards|patents|
licensing deals|procurement rules|funding schemes|roadmaps|scenarios|weak signals|
wild cards|drivers|trends|markets|niches|platforms|ecosystems|infrastructures|prototypes|
living labs|innovation vouchers|knowledge spillovers|labour markets|export shares|
productivity gains|cost pressures|price shocks|regulations|certification schemes|
data spaces|sensor networks|production lines|service offers|user communities|
learning curves|capabilities|alliances|consortia|partnerships|clusters|hubs|corridors"""
VERBS = """reshape|accelerate|slow down|undermine|strengthen|open up|connect|redefine|absorb|
transform|disrupt|complement|replace|challenge|support|threaten|favour|reward|penalise|
enable|constrain|attract|repel|merge with|spill over into|converge with|feed into|
draw on|compete with|depend on|lock in|unlock|scale up|narrow|widen|shift|blur|sharpen"""
VERBS_PAST = """reported|observed|announced|expected|noted|predicted|doubted|welcomed|
questioned|confirmed|documented|anticipated|measured|mapped|signalled|underlined"""
HORIZONS = """within five years|by the end of the decade|in the short term|over the next
three years|before {year}|after {year}|between {year} and {year2}|in the coming years|
during the next funding period|once the pilot phase ends|as soon as {year}|well beyond {year}|
from {year} onwards|around {year}|by {year}|until {year2}|in {year}|soon|eventually|
within a decade|in the medium term|sooner than expected|later than planned|step by step"""
LINKS = """through|by way of|via|thanks to|by means of|on the basis of|with the help of|
around|along|across"""
CONNECTORS = """Moreover|However|In contrast|At the same time|Meanwhile|As a result|
In particular|By comparison|Nevertheless|For instance|Above all|Similarly|Consequently|
In practice|On balance|Surprisingly|Not least|In addition|Still|Even so"""
METHODS = """interviews|a survey|workshop discussions|patent statistics|trade data|
a Delphi panel|case studies|expert hearings|a scenario exercise|desk research|
a bibliometric analysis|a cluster mapping|company visits|a foresight workshop"""
SYLLABLES = """al der moor nord vik brann holm lin gen wald stad berg ton ley ford mar
sel ven tor ros kirch bach hag en ria sol vala mont cas tel bur quin dor ash wick"""
SURNAMES = """Keller Novak Lindqvist Moreau Rossi Fischer Kowalski Jansen Petrov Larsen
Dubois Weber Horvath Silva Berg Nieminen Costa Schmidt Varga Olsen Bauer Marchetti"""
FIRSTNAMES = """Anna Lars Marta Jonas Elena Pavel Ines Tomas Sofia Mikael Clara Janek
Laura Henrik Petra Bruno Eva Stefan Irene Karl Lena Matteo Nina Ole"""
ORG_KINDS = """Cluster Observatory|Innovation Agency|Institute for Regional Studies|
Technology Foresight Unit|Chamber of Industry|Economic Development Office|
Competence Centre|Cluster Platform|Research Council|Ministry of Economic Affairs"""
SOURCE_TYPES = ("report", "policy", "news", "blog", "proceedings", "interview", "other")

HYPHEN_POINTS_MIN = 3  # letters kept on each side of a line-end hyphen


def _words(spec: str, sep: str | None = None) -> tuple[str, ...]:
    parts = spec.split(sep) if sep else spec.split()
    return tuple(" ".join(p.split()) for p in parts if p.strip())


VOCAB: dict[str, tuple[str, ...]] = {
    "megatrend": _words(MEGATRENDS, "|"),
    "industry": _words(INDUSTRIES, "|"),
    "actor": _words(ACTORS, "|"),
    "adj": _words(ADJECTIVES, "|"),
    "noun": _words(NOUNS, "|"),
    "verb": _words(VERBS, "|"),
    "verb_past": _words(VERBS_PAST, "|"),
    "horizon": _words(HORIZONS, "|"),
    "connector": _words(CONNECTORS, "|"),
    "link": _words(LINKS, "|"),
    "method": _words(METHODS, "|"),
    "syllable": _words(SYLLABLES),
    "surname": _words(SURNAMES),
    "firstname": _words(FIRSTNAMES),
    "org": _words(ORG_KINDS, "|"),
}


# --------------------------------------------------------------------------------------------
# Document content
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Section:
    heading: str
    paragraphs: tuple[str, ...]
    bullets: tuple[str, ...] = ()  # a list after the section's first paragraph (text formats)


@dataclass(frozen=True)
class DocSpec:
    index: int
    kind: str  # pdf | docx | html | txt | md
    stem: str
    title: str
    author: str
    organisation: str
    date: dt.date
    source_type: str
    sections: tuple[Section, ...]

    @property
    def paragraphs(self) -> int:
        return sum(len(s.paragraphs) for s in self.sections)


class Writer:
    """Sentences and names from the vocabulary, biased towards a few topics per document."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.places = [self.name() for _ in range(6)]
        self.firms = [
            f"{self.name()} {rng.choice(['GmbH', 'AB', 'Ltd', 'SA', 'Oy', 'BV'])}" for _ in range(5)
        ]
        # each document favours a handful of megatrends and industries
        self.focus = {key: rng.sample(VOCAB[key], 4) for key in ("megatrend", "industry", "actor")}
        self.year = rng.randint(2000, 2014)

    def name(self) -> str:
        parts = self.rng.sample(VOCAB["syllable"], self.rng.randint(2, 3))
        return "".join(parts).capitalize()

    def pick(self, key: str) -> str:
        if key in self.focus and self.rng.random() < 0.4:
            return self.rng.choice(self.focus[key])
        return self.rng.choice(VOCAB[key])

    def horizon(self) -> str:
        year = self.year + self.rng.randint(1, 12)
        return self.pick("horizon").format(year=year, year2=year + self.rng.randint(2, 6))

    def number(self) -> str:
        return self.rng.choice(
            [
                f"{self.rng.randint(3, 97)} percent",
                f"{self.rng.randint(2, 480)}",
                f"one in {self.rng.randint(3, 9)}",
            ]
        )

    def clause(self) -> str:
        r, p = self.rng, self.pick
        forms: list[Callable[[], str]] = [
            lambda: f"{p('megatrend')} will {p('verb')} {p('adj')} {p('noun')} in {p('industry')}",
            lambda: f"{p('actor')} in {r.choice(self.places)} {p('verb')} {p('adj')} {p('noun')}",
            lambda: f"{p('adj')} {p('noun')} {p('verb')} {p('industry')} {self.horizon()}",
            lambda: (
                f"{r.choice(self.firms)} and {p('actor')} {p('verb')} {p('noun')} around {p('megatrend')}"
            ),
            lambda: (
                f"{self.number()} of {p('actor')} expect {p('megatrend')} to {p('verb')} "
                f"{p('industry')} {self.horizon()}"
            ),
            lambda: (
                f"{p('industry')} and {p('industry')} {p('verb')} {p('noun')} "
                f"{p('link')} {p('adj')} {p('noun')}"
            ),
            lambda: (
                f"the {p('adj')} {p('noun')} of {r.choice(self.places)} {p('verb')} {p('adj')} {p('noun')}"
            ),
        ]
        return r.choice(forms)()

    def sentence(self) -> str:
        r = self.rng
        roll = r.random()
        if roll < 0.2:
            text = f"{self.pick('connector')}, {self.clause()}"
        elif roll < 0.35:
            who = f"{r.choice(VOCAB['firstname'])} {r.choice(VOCAB['surname'])}"
            text = f"According to {who}, {self.clause()}"
        elif roll < 0.5:
            text = f"{self.pick('actor')} {self.pick('verb_past')} that {self.clause()}"
        elif roll < 0.6:
            text = f"{self.clause()}, as {self.pick('method')} {self.pick('verb_past')}"
        elif roll < 0.75:
            text = f"{self.clause()}, while {self.clause()}"
        else:
            text = self.clause()
        end = "." if r.random() < 0.95 else "!"
        return text[0].upper() + text[1:] + end

    def paragraph(self) -> str:
        roll = self.rng.random()
        count = self.rng.randint(9, 12) if roll < 0.04 else self.rng.randint(2, 6)
        return " ".join(self.sentence() for _ in range(count))

    def heading(self) -> str:
        r, p = self.rng, self.pick
        forms = [
            lambda: f"{p('megatrend')} and {p('industry')}",
            lambda: f"{p('adj')} {p('noun')} in {r.choice(self.places)}",
            lambda: f"Outlook for {p('industry')}",
            lambda: f"{p('actor')} and {p('noun')}",
            lambda: f"{r.randint(1, 9)}. {p('adj')} {p('noun')}",
        ]
        text = r.choice(forms)()
        return text[0].upper() + text[1:]

    def bullet(self) -> str:
        return f"{self.pick('adj')} {self.pick('noun')} in {self.pick('industry')}"


def make_spec(index: int, seed: int) -> DocSpec:
    rng = random.Random(f"{seed}:{index}")
    writer = Writer(rng)
    kind = KINDS[index % len(KINDS)]
    target = rng.randint(30, 70)  # paragraphs in the document; mean 50
    sections: list[Section] = []
    while target > 0:
        n = min(target, rng.randint(3, 9))
        target -= n
        heading = writer.heading()
        paragraphs = tuple(writer.paragraph() for _ in range(n))
        bullets = tuple(writer.bullet() for _ in range(rng.randint(3, 5)))
        sections.append(Section(heading, paragraphs, bullets if rng.random() < 0.2 else ()))
    date = dt.date(writer.year, 1, 1) + dt.timedelta(days=rng.randint(0, 364))
    megatrend, industry = writer.pick("megatrend"), writer.pick("industry")
    title = rng.choice(
        [
            f"{megatrend.capitalize()} and the {industry} cluster of {writer.places[0]}",
            f"{industry.capitalize()} in transition: {megatrend} and regional clusters",
            f"How {megatrend} reshapes {industry}",
            f"{writer.places[0]} {industry} cluster: report {date.year}/{rng.randint(1, 12)}",
        ]
    )
    source_type = rng.choice(SOURCE_TYPES)
    slug = "-".join(w for w in "".join(c if c.isalnum() else " " for c in title.lower()).split())
    return DocSpec(
        index=index,
        kind=kind,
        stem=f"{date.isoformat()}_{source_type}_{index:05d}-{slug[:50]}",
        title=title,
        author=f"{rng.choice(VOCAB['firstname'])} {rng.choice(VOCAB['surname'])}",
        organisation=f"{writer.places[1]} {rng.choice(VOCAB['org'])}",
        date=date,
        source_type=source_type,
        sections=tuple(sections),
    )


# --------------------------------------------------------------------------------------------
# Writers, one per format
# --------------------------------------------------------------------------------------------

PAGE_W, LEFT, RIGHT, TOP, BOTTOM = 210.0, 25.0, 25.0, 30.0, 270.0
TEXT_W = PAGE_W - LEFT - RIGHT
BODY_SIZE, LEADING = 11.0, 5.6


def _break_point(word: str, room: float, width: Callable[[str], float]) -> int | None:
    """Where to hyphenate ``word`` so ``head-`` fits in ``room`` (after a vowel, 3+ letters)."""
    if not word.isalpha() or not word.islower() or len(word) < 2 * HYPHEN_POINTS_MIN + 1:
        return None
    for cut in range(len(word) - HYPHEN_POINTS_MIN, HYPHEN_POINTS_MIN - 1, -1):
        syllable = word[cut - 1] in "aeiouy" and word[cut] not in "aeiouy"
        if syllable and width(word[:cut] + "-") <= room:
            return cut
    return None


def wrap(text: str, width: Callable[[str], float], rng: random.Random | None) -> list[str]:
    """Greedy line breaking; with ``rng``, an overflowing long word is mostly hyphenated."""
    space = width(" ")
    lines: list[str] = []
    words = text.split()
    current: list[str] = []
    used = 0.0
    i = 0
    while i < len(words):
        word = words[i]
        need = width(word) + (space if current else 0.0)
        if used + need <= TEXT_W:
            current.append(word)
            used += need
            i += 1
            continue
        room = TEXT_W - used - (space if current else 0.0)
        cut = _break_point(word, room, width) if rng and rng.random() < 0.7 else None
        if cut is not None:
            current.append(word[:cut] + "-")
            words[i] = word[cut:]
        elif not current:  # a word wider than the line stands alone
            current.append(word)
            i += 1
        lines.append(" ".join(current))
        current, used = [], 0.0
    if current:
        lines.append(" ".join(current))
    return lines


@dataclass(frozen=True)
class PdfLine:
    style: str  # "" | "B" | "I"
    size: float
    y: float
    text: str


def layout_pdf(
    spec: DocSpec, width: Callable[[str, str, float], float], rng: random.Random
) -> list[list[PdfLine]]:
    """The document's lines page by page: title block, then headings and paragraphs."""
    pages: list[list[PdfLine]] = [[]]
    y = TOP

    def new_page() -> None:
        nonlocal y
        pages.append([])
        y = TOP

    def put(text: str, style: str, size: float, leading: float, hyphenate: bool = False) -> None:
        nonlocal y

        def measure(piece: str) -> float:
            return width(piece, style, size)

        for line in wrap(text, measure, rng if hyphenate else None):
            if y + leading > BOTTOM:
                new_page()
            y += leading
            pages[-1].append(PdfLine(style, size, y, line))

    put(spec.title, "B", 17, 8.0)
    y += 3
    put(f"{spec.author}, {spec.organisation}", "", 10, 5.0)
    put(spec.date.strftime("%d %B %Y"), "", 10, 5.0)
    y += 6
    for section in spec.sections:
        if y + 4 * LEADING + 8 > BOTTOM:  # keep a heading with its text
            new_page()
        y += 2
        put(section.heading, "B", 13, 6.5)
        y += 2
        for paragraph in section.paragraphs:
            put(paragraph, "", BODY_SIZE, LEADING, hyphenate=True)
            y += LEADING  # the gap between paragraphs
    return pages


def write_pdf(spec: DocSpec, path: Path, rng: random.Random) -> None:
    """Lines placed one by one; a running header and a "Page n of N" footer on every page."""
    from fpdf import FPDF

    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_auto_page_break(auto=False)
    pdf.set_title(spec.title)
    pdf.set_author(spec.author)
    pdf.set_creation_date(dt.datetime.combine(spec.date, dt.time(), tzinfo=dt.UTC))
    cache: dict[tuple[str, float, str], float] = {}

    def width(text: str, style: str, size: float) -> float:
        key = (style, size, text)
        if key not in cache:
            pdf.set_font("Helvetica", style, size)
            cache[key] = pdf.get_string_width(text)
        return cache[key]

    pages = layout_pdf(spec, width, rng)
    header = f"{spec.organisation} | {spec.title}"[:95]
    for number, lines in enumerate(pages, start=1):
        pdf.add_page()
        pdf.set_font("Helvetica", "I", 8.5)
        pdf.text(LEFT, 17, header)
        pdf.line(LEFT, 19, PAGE_W - RIGHT, 19)
        for line in lines:
            pdf.set_font("Helvetica", line.style, line.size)
            pdf.text(LEFT, line.y, line.text)
        footer = f"Page {number} of {len(pages)}"
        pdf.set_font("Helvetica", "", 9)
        pdf.text((PAGE_W - pdf.get_string_width(footer)) / 2, 284, footer)
    pdf.output(str(path))


def write_docx(spec: DocSpec, path: Path) -> None:
    import docx

    document = docx.Document()
    props = document.core_properties
    props.title, props.author = spec.title, spec.author
    props.created = dt.datetime.combine(spec.date, dt.time(9, 0))
    document.add_heading(spec.title, level=0)
    document.add_paragraph(f"{spec.author}, {spec.organisation}")
    for section in spec.sections:
        document.add_heading(section.heading, level=1)
        for paragraph in section.paragraphs:
            document.add_paragraph(paragraph)
    document.save(str(path))


def write_html(spec: DocSpec, path: Path, rng: random.Random) -> None:
    e = html.escape
    menu = ("Home", "News", "Clusters", "Events", "Publications", "About", "Contact")
    nav = "".join(f'<li><a href="/{w.lower()}">{w}</a></li>' for w in menu)
    related = "".join(
        f'<li><a href="/news/{rng.randint(1000, 9999)}">{e(Writer(rng).heading())}</a></li>' for _ in range(5)
    )
    body: list[str] = [
        f"<h1>{e(spec.title)}</h1>",
        f'<p class="byline">By {e(spec.author)}, {e(spec.organisation)}</p>',
    ]
    for section in spec.sections:
        body.append(f"<h2>{e(section.heading)}</h2>")
        body.extend(f"<p>{e(p)}</p>" for p in section.paragraphs)
    page = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{e(spec.title)} | {e(spec.organisation)}</title>
<meta name="author" content="{e(spec.author)}">
<meta property="article:published_time" content="{spec.date.isoformat()}">
</head>
<body>
<div class="cookie-banner">We use cookies to improve your experience. <a href="/privacy">Privacy
policy</a> <button>Accept all</button></div>
<header class="site-header"><a class="logo" href="/">{e(spec.organisation)}</a>
<nav class="main-nav"><ul>{nav}</ul></nav>
<form class="search"><input type="search" placeholder="Search"></form></header>
<main>
<article class="post">
{chr(10).join(body)}
</article>
<aside class="sidebar"><h3>Related articles</h3><ul>{related}</ul>
<div class="newsletter">Subscribe to our newsletter for monthly cluster news.</div></aside>
</main>
<footer class="site-footer">
<p>&copy; {spec.date.year} {e(spec.organisation)}. All rights reserved.</p>
<ul><li><a href="/imprint">Imprint</a></li><li><a href="/privacy">Privacy</a></li>
<li><a href="/accessibility">Accessibility</a></li></ul></footer>
</body>
</html>
"""
    path.write_text(page, encoding="utf-8")


def write_text(spec: DocSpec, path: Path, markdown: bool) -> None:
    front = (
        f'---\ntitle: "{spec.title}"\nauthor: {spec.author}\ndate: {spec.date.isoformat()}\n'
        f"source_type: {spec.source_type}\n---\n\n"
    )
    out: list[str] = [f"# {spec.title}"] if markdown else [spec.title]
    for section in spec.sections:
        out.append(f"## {section.heading}" if markdown else section.heading)
        for number, paragraph in enumerate(section.paragraphs):
            out.append(textwrap.fill(paragraph, width=78, break_on_hyphens=False))
            if number == 0 and section.bullets and markdown:
                out.append("\n".join(f"- {item}" for item in section.bullets))
    path.write_text(front + "\n\n".join(out) + "\n", encoding="utf-8")


def generate_one(job: tuple[int, int, str]) -> tuple[str, int]:
    """Write document ``index`` under ``root``; return its kind and paragraph count."""
    index, seed, root = job
    spec = make_spec(index, seed)
    rng = random.Random(f"{seed}:{index}:layout")
    folder = Path(root) / FOLDERS[spec.kind]
    path = folder / f"{spec.stem}.{spec.kind}"
    if spec.kind == "pdf":
        write_pdf(spec, path, rng)
    elif spec.kind == "docx":
        write_docx(spec, path)
    elif spec.kind == "html":
        write_html(spec, path, rng)
    else:
        write_text(spec, path, markdown=spec.kind == "md")
    return spec.kind, spec.paragraphs


@dataclass
class Corpus:
    root: Path
    docs: int
    by_kind: dict[str, int]
    paragraphs: int
    seconds: float
    cached: bool


def generate_corpus(root: Path, docs: int, seed: int, log: Console) -> Corpus:
    manifest = root / ".manifest.json"  # hidden: ingest skips hidden files
    if manifest.is_file():
        data = json.loads(manifest.read_text(encoding="utf-8"))
        if data.get("version") == GENERATOR_VERSION and data.get("docs") == docs:
            log.print(f"[dim]reusing the corpus in {root}[/]")
            return Corpus(root, docs, data["by_kind"], data["paragraphs"], data["seconds"], True)
    if root.exists():
        shutil.rmtree(root)
    for folder in set(FOLDERS.values()):
        (root / folder).mkdir(parents=True)
    log.print(f"[dim]generating {docs} documents in {root} ...[/]")
    start = time.perf_counter()
    jobs = [(i, seed, str(root)) for i in range(docs)]
    by_kind: dict[str, int] = {}
    paragraphs = 0
    with ProcessPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        for kind, count in pool.map(generate_one, jobs, chunksize=8):
            by_kind[kind] = by_kind.get(kind, 0) + 1
            paragraphs += count
    seconds = time.perf_counter() - start
    manifest.write_text(
        json.dumps(
            {
                "version": GENERATOR_VERSION,
                "docs": docs,
                "seed": seed,
                "by_kind": by_kind,
                "paragraphs": paragraphs,
                "seconds": seconds,
            }
        ),
        encoding="utf-8",
    )
    return Corpus(root, docs, by_kind, paragraphs, seconds, False)


# --------------------------------------------------------------------------------------------
# Measurements, each in a fresh process
# --------------------------------------------------------------------------------------------


def peak_rss_kib() -> int:
    """This process's peak resident set size in KiB (VmHWM; ru_maxrss where there is no /proc)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak // 1024 if sys.platform == "darwin" else peak


def cpu_seconds() -> float:
    """CPU time of this process and of its children that have ended (user and system)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


@dataclass
class BareResult:
    seconds: float
    cpu_seconds: float  # of this process and its workers
    files: int
    pages: int
    chars: int


def _extract_file(path: str) -> tuple[int, int]:
    """Pages and characters of one PDF, as bare pypdfium2 gives them."""
    import pypdfium2 as pdfium

    pages = chars = 0
    pdf = pdfium.PdfDocument(Path(path).read_bytes())
    for index in range(len(pdf)):
        page = pdf[index]
        textpage = page.get_textpage()
        chars += len(textpage.get_text_range())
        textpage.close()
        page.close()
        pages += 1
    pdf.close()
    return pages, chars


def ingest_workers() -> int:
    """The worker processes ``ingest`` starts by default (see ``foresight.ingest.ingest``)."""
    return min(os.cpu_count() or 1, 4)


def bare_extract(folder: str, workers: int) -> BareResult:
    """Extract every PDF's text, in ``workers`` forked processes as ingest reads (1: in this one)."""
    import pypdfium2  # noqa: F401  (imported before the clock starts, as ingest's readers are)

    files = [str(path) for path in sorted(Path(folder).glob("*.pdf"))]
    cpu = cpu_seconds()
    start = time.perf_counter()
    if workers <= 1:
        counts = list(map(_extract_file, files))
    else:
        methods = mp.get_all_start_methods()
        context = mp.get_context("fork" if "fork" in methods else "spawn")
        with ProcessPoolExecutor(workers, mp_context=context) as pool:
            counts = list(pool.map(_extract_file, files, chunksize=2))
    seconds = time.perf_counter() - start
    return BareResult(
        seconds, cpu_seconds() - cpu, len(files), sum(p for p, _ in counts), sum(c for _, c in counts)
    )


@dataclass
class IngestResult:
    setup_seconds: float  # imports and project creation
    seconds: float  # the ingest() call
    cpu_seconds: float  # of the ingest() call, in this process and its workers
    files: int
    ingested: int
    failed: list[str]
    units: int
    duplicates: int
    peak_kib: int


def run_ingest(folder: str, project_dir: str) -> IngestResult:
    start = time.perf_counter()
    from sqlalchemy import func, select
    from sqlmodel import col

    from foresight import Project
    from foresight.ingest import IngestOptions, ingest, warm_up
    from foresight.store import Unit

    project = Project.init(project_dir)
    warm_up()  # loading spaCy is start-up, paid once per process, not throughput
    cpu = cpu_seconds()
    ready = time.perf_counter()
    report = ingest(project, [folder], IngestOptions())
    seconds = time.perf_counter() - ready
    cpu = cpu_seconds() - cpu
    with project.session() as session:
        duplicates = session.execute(
            select(func.count()).select_from(Unit).where(col(Unit.duplicate_of).is_not(None))
        ).scalar_one()
    project.close()
    return IngestResult(
        setup_seconds=ready - start,
        seconds=seconds,
        cpu_seconds=cpu,
        files=len(report.outcomes),
        ingested=report.count("ingested"),
        failed=[f"{Path(o.location).name}: {o.message}" for o in report.failed],
        units=report.units,
        duplicates=duplicates,
        peak_kib=peak_rss_kib(),
    )


def profile_ingest(folder: str, project_dir: str, top: int) -> str:
    """The ``top`` functions by cumulative time (inside foresight/ and libraries) of an ingest."""
    import cProfile
    import io
    import pstats

    from foresight import Project
    from foresight.ingest import IngestOptions, ingest

    project = Project.init(project_dir)
    profiler = cProfile.Profile()
    profiler.runcall(ingest, project, [folder], IngestOptions())
    project.close()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).sort_stats("cumulative")
    stats.print_stats(r"foresight/|site-packages/", top)
    return out.getvalue()


T = TypeVar("T")


def in_fresh_process(fn: Callable[..., T], *args: Any) -> T:
    with ProcessPoolExecutor(max_workers=1, mp_context=mp.get_context("spawn")) as pool:
        return pool.submit(fn, *args).result()


# --------------------------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------------------------


def measure(
    corpus: Corpus, work: Path, log: Console, pdf_only: bool = False, rounds: int = 5
) -> list[Result]:
    pdfs = corpus.by_kind.get("pdf", 0)
    workers = ingest_workers()
    pdf_folder = str(corpus.root / "pdf")
    log.print(f"[dim]bare pypdfium2 extraction of {pdfs} PDFs in 1 process ...[/]")
    bare_one = in_fresh_process(bare_extract, pdf_folder, 1)
    # bare extraction and ingest one after the other, round after round: a slower spell of a
    # shared machine falls on both sides of a round, and the median round is reported
    pairs: list[tuple[BareResult, IngestResult]] = []
    for number in range(1, rounds + 1):
        log.print(f"[dim]round {number} of {rounds}: bare extraction and ingest, {workers} processes ...[/]")
        bare = in_fresh_process(bare_extract, pdf_folder, workers)
        only_pdf = in_fresh_process(run_ingest, pdf_folder, str(work / f"project-pdf-{number}"))
        pairs.append((bare, only_pdf))
    ratios = sorted(ingested.seconds / bare.seconds for bare, ingested in pairs)
    ratio = statistics.median(ratios)
    cpu_ratio = statistics.median(ingested.cpu_seconds / bare.cpu_seconds for bare, ingested in pairs)
    # the rows of seconds show the round whose ratio is the median
    bare, only_pdf = min(pairs, key=lambda pair: abs(pair[1].seconds / pair[0].seconds - ratio))
    runs = [only_pdf]
    if not pdf_only:
        log.print(f"[dim]ingest of the whole corpus ({corpus.docs} documents) ...[/]")
        runs.append(in_fresh_process(run_ingest, str(corpus.root), str(work / "project-mixed")))
    for run in runs:
        for failure in run.failed[:5]:
            log.print(f"[yellow]failed:[/] {failure}")

    pdf_work = f"{bare.files:,} PDFs, {bare.pages:,} pages"
    spread = f"rounds: {', '.join(f'{r:.2f}' for r in ratios)}" if rounds > 1 else pdf_work
    gen_work = f"{corpus.docs:,} docs" + (" (cached)" if corpus.cached else "")
    processes = f"{workers} process" + ("es" if workers > 1 else "")
    results = [
        Result("generate corpus", gen_work, corpus.seconds, "s"),
        Result("pdf: bare pypdfium2 text, 1 process", pdf_work, bare_one.seconds, "s"),
        Result(f"pdf: bare pypdfium2 text, {processes}", pdf_work, bare.seconds, "s"),
        Result(
            f"pdf: ingest ({processes})",
            f"{only_pdf.ingested:,} PDFs, {only_pdf.units:,} units",
            only_pdf.seconds,
            "s",
        ),
        Result(
            f"pdf: ingest / bare, {processes} each" + (f", median of {rounds} rounds" if rounds > 1 else ""),
            spread,
            ratio,
            "x",
            f"<= {PDF_RATIO_TARGET:g}",
            ratio <= PDF_RATIO_TARGET,
        ),
        Result("pdf: ingest / bare, CPU seconds", pdf_work, cpu_ratio, "x"),
    ]
    if pdf_only:
        failed = len(only_pdf.failed)
        return [*results, Result("pdf: failed files", pdf_work, failed, "files", "0", not failed)]
    mixed = runs[1]
    units = mixed.units
    mixed_work = f"{mixed.files:,} docs, {units:,} units"
    return results + [
        Result("mixed: startup (imports, init, models)", "1 project", mixed.setup_seconds, "s"),
        Result(
            "mixed: ingest wall time",
            mixed_work,
            mixed.seconds,
            "s",
            f"< {WHOLE_RUN_TARGET_S:g}",
            mixed.seconds < WHOLE_RUN_TARGET_S,
        ),
        Result("mixed: documents/s", mixed_work, mixed.files / mixed.seconds, "docs/s"),
        Result("mixed: units/s", mixed_work, units / mixed.seconds, "units/s"),
        Result("mixed: peak RSS (VmHWM)", mixed_work, mixed.peak_kib / 1024, "MiB"),
        Result("mixed: near-duplicate units", mixed_work, mixed.duplicates, "units"),
        Result("mixed: failed files", mixed_work, len(mixed.failed), "files", "0", not mixed.failed),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--docs", type=int, default=1000, help="documents to generate (1000)")
    parser.add_argument("--out", type=Path, help="keep the generated corpus here and reuse it")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--seed", type=int, default=SEED, help=argparse.SUPPRESS)
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument(
        "--profile",
        action="store_true",
        help="also run the mixed ingest under cProfile; print the top 15 functions to stderr",
    )
    parser.add_argument(
        "--pdf-only", action="store_true", help="measure the PDFs only (skip the mixed ingest)"
    )
    parser.add_argument(
        "--rounds", type=int, default=5, help="rounds of bare extraction and PDF ingest (5); the median shows"
    )
    args = parser.parse_args(argv)
    log = Console(stderr=True)

    work = Path(tempfile.mkdtemp(prefix="foresight-bench-"))
    try:
        base = args.out.resolve() if args.out else work
        root = base / f"corpus-{args.docs}-seed{args.seed}"
        corpus = generate_corpus(root, args.docs, args.seed, log)
        kinds = ", ".join(f"{n} {k}" for k, n in sorted(corpus.by_kind.items()))
        log.print(f"[dim]corpus: {kinds}; {corpus.paragraphs:,} paragraphs written[/]")
        results = measure(corpus, work, log, pdf_only=args.pdf_only, rounds=args.rounds)
        if args.profile:
            log.print("[dim]profiling the mixed ingest (cProfile slows it down) ...[/]")
            sys.stderr.write(in_fresh_process(profile_ingest, str(root), str(work / "project-profile"), 15))
    finally:
        if args.keep:
            log.print(f"[dim]kept {work}[/]")
        else:
            shutil.rmtree(work, ignore_errors=True)

    return report(results, "foresight ingest benchmark", as_json=args.json)


if __name__ == "__main__":
    sys.exit(main())
