#!/usr/bin/env python3
"""Compare PDF text/layout libraries on real PDFs: paragraphs in reading order.

Usage:
    python compare_pdf_readers.py PDF_FOLDER [--out report.md] [--only CAND,...]
                                  [--python CAND=/path/to/python ...] [--timeout SECONDS]
                                  [--repeat N] [--heavy PDF_NAME] [--reuse]

Every candidate turns each PDF into a list of paragraphs (strings) in the library's own reading
order, using the library's own notion of blocks/paragraphs where it has one.  Each candidate runs
in its own worker process (this same file with --worker), so that a crash or a conflicting
dependency in one library cannot spoil the others; --python CAND=PATH runs that candidate's worker
under another interpreter (e.g. pdftext, which pins an older pypdfium2, lives in its own venv).
A candidate whose library cannot be imported is skipped with a note.  The workers' outputs (and
measures.json and a sample of each candidate's paragraphs) go to a runs/ folder beside the --out
file; --reuse measures the outputs already there again instead of running the libraries.

Measures, per document, against poppler's pdftotext (which keeps column order), computed the way
shared/tools/unit_quality.py computes them (same hyphen joining; a Chinese or Japanese character
counts as a word, and the words of running lines are left out of recall, as in bench_units.py):
  recall     share of pdftotext's words (multiset, words of >= 3 letters) found in the paragraphs
  precision  share of the paragraphs' word 5-grams that occur in pdftotext's text
  order      the same for the 5-grams of all paragraphs joined in the library's order (so it also
             sees the order of the paragraphs)
  mid        share of paragraphs that begin with a lowercase letter
  running    number of paragraphs that contain a running line; running lines are detected
             automatically: lines that pdftotext puts among the first or last 3 non-empty lines of
             at least half of the pages (and of at least 2 pages), digits normalised to '#',
             whitespace ignored.  A paragraph contains one of its page's running lines (as the
             line reads on that page, whitespace removed) when a line of >= 6 characters with >= 3
             letters occurs anywhere in it (whitespace removed), or a shorter one is the
             paragraph's whole first or last line or that line's first or last word.
  s/page     wall seconds for the document / its pages, one process, after a warm-up run on the
             smallest PDF; the fastest of --repeat timed runs (measures come from the first).
Extra diagnostics: CJK characters separated by a space (Chinese joined with spaces), whether the
Arabic word "حبيبي" comes out in logical or reversed order, ligature characters (U+FB00-FB06) left
in the text, paragraphs count.
"""

import argparse
import collections
import json
import math
import re
import subprocess
import sys
import time
import unicodedata
from pathlib import Path

# ----------------------------------------------------------------------------------------------
# candidates (run inside the worker process)
# ----------------------------------------------------------------------------------------------


def split_blank(text):
    """Paragraphs = runs of non-blank lines."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return [p.strip("\n") for p in re.split(r"\n[ \t\f\v]*\n", text) if p.strip()]


def group_lines(lines):
    """Group lines (text, x0, top, x1, bottom; top-down coordinates) given in the library's order
    into paragraphs: a new paragraph starts when the next line is more than half a line height
    below the previous one, goes back up the page (a new column or box), or does not overlap it
    horizontally.  This is OUR heuristic, used only for libraries that give lines but no blocks."""
    paras, cur, prev = [], [], None
    for text, x0, top, x1, bottom in lines:
        if not text.strip():
            continue
        if prev is not None:
            ph = max(prev[4] - prev[2], 1e-3)
            h = max(bottom - top, 1e-3)
            gap = top - prev[4]
            overlap = min(x1, prev[3]) - max(x0, prev[1])
            if gap > 0.5 * max(ph, h) or top < prev[2] - 0.5 * ph or overlap <= 0:
                paras.append("\n".join(cur))
                cur = []
        cur.append(text.strip())
        prev = (text, x0, top, x1, bottom)
    if cur:
        paras.append("\n".join(cur))
    return paras


def cand_pdftotext():
    def run(path):
        out = subprocess.run(
            ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True
        ).stdout
        pages = out.split("\f")
        if pages and not pages[-1].strip():
            pages = pages[:-1]
        return [split_blank(pg) for pg in pages]

    return run


def cand_pdfminer(boxes_flow="default", all_texts=False):
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LAParams, LTFigure, LTTextBox

    laparams = LAParams(all_texts=all_texts) if boxes_flow == "default" else LAParams(boxes_flow=boxes_flow)

    def walk(el):  # text boxes, also those inside figures (Form XObjects): only all_texts=True makes those
        if isinstance(el, LTTextBox):
            yield el
        elif isinstance(el, LTFigure):
            for x in el:
                yield from walk(x)

    def run(path):
        pages = []
        for page in extract_pages(str(path), laparams=laparams):
            paras = []
            pages.append(paras)
            for el in page:  # top-level layout objects, in pdfminer's reading order
                for box in walk(el):
                    t = box.get_text().strip("\n")
                    if t.strip():
                        paras.append(t)
        return pages

    return run


def cand_pdfplumber(mode):
    import pdfplumber

    def run(path):
        pages = []
        with pdfplumber.open(str(path)) as pdf:
            for page in pdf.pages:
                # x_tolerance=1.5 instead of the default 3: with 3, words set without space
                # characters in tight justified lines are glued together (see the report's notes)
                if mode == "layout":
                    pages.append(split_blank(page.extract_text(layout=True, x_tolerance=1.5)))
                else:
                    kw = {"use_text_flow": True} if mode == "flow" else {}
                    lines = page.extract_text_lines(return_chars=False, x_tolerance=1.5, **kw)
                    pages.append(
                        group_lines(
                            [(ln["text"], ln["x0"], ln["top"], ln["x1"], ln["bottom"]) for ln in lines]
                        )
                    )
                page.close()  # free the page's cached objects
        return pages

    return run


def cand_pdftext(sort):
    from pdftext.extraction import dictionary_output

    def run(path):
        pages = []
        for page in dictionary_output(str(path), sort=sort, disable_links=True):
            paras = []
            pages.append(paras)
            for block in page["blocks"]:
                lines = []
                for line in block["lines"]:
                    t = "".join(s["text"] for s in line["spans"]).strip("\r\n")
                    if t.strip():
                        lines.append(t)
                if lines:
                    paras.append("\n".join(lines))
        return pages

    return run


def cand_docling_parse():
    from docling_core.types.doc.page import TextCellUnit
    from docling_parse.pdf_parser import ContentConfig, ContentLevel, DoclingPdfParser

    parser = DoclingPdfParser(loglevel="fatal")
    cc = ContentConfig(
        char_cells_content_level=ContentLevel.SKIP,
        word_cells_content_level=ContentLevel.SKIP,
        shapes_content_level=ContentLevel.SKIP,
        bitmaps_content_level=ContentLevel.SKIP,
        include_bitmap_bytes=False,
    )

    def run(path):
        doc = parser.load(str(path), content_config=cc)
        pages = []
        try:
            for _, page in doc.iterate_pages():
                h = page.dimension.height
                lines = []
                for c in page.iterate_cells(TextCellUnit.LINE):
                    bb = c.rect.to_bounding_box().to_top_left_origin(page_height=h)
                    lines.append((c.text, bb.l, bb.t, bb.r, bb.b))
                pages.append(group_lines(lines))
        finally:
            doc.unload()
        return pages

    return run


def cand_kreuzberg():
    from kreuzberg import ExtractionConfig, PageConfig, extract_file_sync

    # defaults otherwise (no OCR configured); page markers only to know each paragraph's page
    # (checked: the content is otherwise the same as without markers)
    config = ExtractionConfig(
        use_cache=False,
        pages=PageConfig(
            extract_pages=True, insert_page_markers=True, marker_format="\n\n@@PAGE{page_num}@@\n\n"
        ),
    )

    def run(path):
        parts = re.split(r"@@PAGE\d+@@", extract_file_sync(str(path), config=config).content)
        pages = [split_blank(x) for x in parts[1:]] or [[]]
        pages[0] = split_blank(parts[0]) + pages[0]
        return pages

    return run


def cand_pypdfium2():
    import pypdfium2 as pdfium

    def run(path):
        pdf = pdfium.PdfDocument(Path(path).read_bytes())
        pages = []
        try:
            for i in range(len(pdf)):
                page = pdf[i]
                tp = page.get_textpage()
                pages.append(split_blank(tp.get_text_range()))
                tp.close()
                page.close()
        finally:
            pdf.close()
        return pages

    return run


def cand_foresight():
    from foresight.config import IngestSettings
    from foresight.ingest.reading import prepare

    settings = IngestSettings()

    def run(path):
        """Units and the headings above them (their sections), each on its unit's page."""
        prepared = prepare(str(path), settings)
        if prepared.problem:
            return []
        pages = collections.defaultdict(list)
        for _, cut in prepared.documents:
            at = 0
            for unit in cut.units:
                headings = [h for h in cut.text[at : unit.start].split("\n\n") if h.strip()]
                pages[unit.page or 1] += headings + [unit.text]
                at = unit.end
        return [pages[n] for n in sorted(pages)]

    return run


CANDIDATES = {  # name -> (factory, what paragraphs are)
    "foresight": (
        cand_foresight,
        "foresight's own units (pdfium lines, its layout and segmenter; a refused file gives none)",
    ),
    "pdftotext": (cand_pdftotext, "poppler pdftotext (subprocess), split on form feeds and blank lines"),
    "pdfminer": (
        lambda: cand_pdfminer("default"),
        "pdfminer.six extract_pages, LAParams() (boxes_flow=0.5), LTTextBox texts",
    ),
    "pdfminer-bf1.0": (
        lambda: cand_pdfminer(1.0),
        "same, LAParams(boxes_flow=1.0) (only vertical position orders boxes)",
    ),
    "pdfminer-bfNone": (
        lambda: cand_pdfminer(None),
        "same, LAParams(boxes_flow=None) (advanced layout analysis off)",
    ),
    "pdfminer-alltexts": (
        lambda: cand_pdfminer("default", True),
        "same, LAParams(all_texts=True) (also lays out text inside figures)",
    ),
    "pdfplumber-lines": (
        lambda: cand_pdfplumber("lines"),
        "pdfplumber page.extract_text_lines() (lines clustered top-to-bottom over the whole page), "
        "grouped into paragraphs by vertical gap (our heuristic); x_tolerance=1.5 in all pdfplumber rows",
    ),
    "pdfplumber-flow": (
        lambda: cand_pdfplumber("flow"),
        "pdfplumber extract_text_lines(use_text_flow=True) (PDF content order), "
        "grouped by gap (our heuristic)",
    ),
    "pdfplumber-layout": (
        lambda: cand_pdfplumber("layout"),
        "pdfplumber extract_text(layout=True), split on blank lines",
    ),
    "pdftext-sort": (
        lambda: cand_pdftext(True),
        "pdftext dictionary_output(sort=True, disable_links=True), paragraphs = blocks",
    ),
    "pdftext": (
        lambda: cand_pdftext(False),
        "pdftext dictionary_output(sort=False, disable_links=True), paragraphs = blocks",
    ),
    "docling-parse": (
        cand_docling_parse,
        "docling-parse line cells (TextCellUnit.LINE) in its order, "
        "grouped by gap (our heuristic; it has no paragraphs)",
    ),
    "kreuzberg": (
        cand_kreuzberg,
        "kreuzberg extract_file_sync, default config (no OCR; its default strips "
        "headers/footers/repeating text), use_cache=False, .content split on blank lines",
    ),
    "pypdfium2": (
        cand_pypdfium2,
        "bare pypdfium2 get_textpage().get_text_range() per page, split on blank lines",
    ),
}


def worker(cand, folder, out_path, repeat=1):
    pdfs = sorted(Path(folder).glob("*.pdf"))
    result = {"candidate": cand, "docs": {}, "error": None}
    try:
        run = CANDIDATES[cand][0]()
    except Exception as e:  # ImportError and friends
        result["error"] = f"{type(e).__name__}: {e}"
        Path(out_path).write_text(json.dumps(result))
        return
    # warm-up: imports done above; one run on the smallest PDF
    smallest = min(pdfs, key=lambda p: p.stat().st_size)
    try:
        run(smallest)
    except Exception as e:
        # Any exception: `run` calls into a third-party library, which may raise anything on a
        # given PDF; a narrower list would let an unforeseen one kill the worker and lose every
        # document.  Nothing is lost here: the same PDF is run again in the timed loop below, which
        # records the error in the results (and so in the report's notes).  The worker's stderr is
        # only read by the parent when the worker fails.
        print(f"warm-up on {smallest.name} failed: {type(e).__name__}: {e}", file=sys.stderr)
    for p in pdfs:
        times = []
        for i in range(repeat):  # the fastest of `repeat` runs: the machine may be shared
            t0 = time.perf_counter()
            try:
                out = run(p)  # list of pages, each a list of paragraphs
                err = None
            except Exception as e:
                out, err = [], f"{type(e).__name__}: {str(e)[:200]}"
            times.append(time.perf_counter() - t0)
            if i == 0:
                pages = out
            if err:
                break
        dt = min(times)
        result["docs"][p.name] = {"pages": pages, "seconds": dt, "error": err}
        Path(out_path).write_text(json.dumps(result))  # partial results survive a timeout
    Path(out_path).write_text(json.dumps(result))


# ----------------------------------------------------------------------------------------------
# measures (parent process)
# ----------------------------------------------------------------------------------------------

# words of three letters or more; a Chinese or Japanese character is a word of its own (they are
# written without spaces, so a line joined without one makes no new word); a word of a
# right-to-left script is the lesser of itself and its reversal (pdftotext gives the letters of a
# ligature glyph in reverse)
WORD = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]|[^\W\d_]{3,}", re.UNICODE)
RTL = re.compile(r"[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]")


def words(text):
    text = re.sub(r"(\w)-\s*\n\s*(\w)", r"\1\2", text)  # as unit_quality.py
    found = [w.lower() for w in WORD.findall(text)]
    return [min(w, w[::-1]) if RTL.match(w) else w for w in found]


def grams(ws, n=5):
    return {tuple(ws[i : i + n]) for i in range(len(ws) - n + 1)}


def norm_line(s):
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", s))


def squash(s):
    return re.sub(r"\s+", "", s)


def is_long(r):
    return len(r) >= 6 and sum(ch.isalpha() for ch in r) >= 3


class Reference:
    def __init__(self, path):
        self.text = subprocess.run(
            ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True
        ).stdout
        pages = self.text.split("\f")
        if pages and not pages[-1].strip():
            pages = pages[:-1]
        self.pages = max(1, len(pages))
        self.all_words = collections.Counter(words(self.text))  # replaced below, less running lines
        self.grams = grams(words(self.text))
        edge_count = collections.Counter()
        page_edges = []
        for pg in pages:
            ls = [line for line in pg.split("\n") if line.strip()]
            edge = {norm_line(line): squash(line) for line in ls[:3] + ls[-3:] if norm_line(line)}
            page_edges.append(edge)
            edge_count.update(list(edge))
        need = max(2, math.ceil(self.pages / 2))
        self.running = sorted(nl for nl, c in edge_count.items() if c >= need)
        # per page: the running lines as they actually read on that page (digits not normalised)
        self.page_running = [[raw for nl, raw in e.items() if nl in self.running] for e in page_edges]
        # the words to find: pdftotext's, less those of its running lines, which no reader should keep
        kept = [
            line
            for pg in pages
            for line in pg.split("\n")
            if not (norm_line(line) and norm_line(line) in self.running)
        ]
        self.words = collections.Counter(words("\n".join(kept)))

    def contains_running(self, page_no, para):
        """Whether a paragraph found on page page_no (0-based) contains one of that page's running
        lines: a long line (>= 6 chars, >= 3 letters) anywhere in it (whitespace ignored); a short one
        (e.g. a bare page number) as the whole first or last line of the paragraph, or as the first
        or last whitespace-separated token of that line (a page number set on the same line as a
        running title, '18 1.6. WEGE UND KNOTEN')."""
        if page_no >= len(self.page_running):
            return False
        lines = [line.split() for line in para.split("\n") if line.strip()]
        if not lines:
            return False
        sq = squash(para)
        ends = {"".join(lines[0]), "".join(lines[-1]), lines[0][0], lines[0][-1], lines[-1][0], lines[-1][-1]}
        return any((is_long(raw) and raw in sq) or raw in ends for raw in self.page_running[page_no])

    def measure(self, pages):
        uw, ug, starts, kept, n = collections.Counter(), set(), 0, 0, 0
        for page_no, paras in enumerate(pages):
            for p in paras:
                n += 1
                ws = words(p)
                uw.update(ws)
                ug |= grams(ws)
                first = p.lstrip()[:1]
                starts += first.isalpha() and first.islower()
                kept += self.contains_running(page_no, p)
        joined = grams(words("\n".join(p for paras in pages for p in paras)))
        return dict(
            recall=sum(min(c, uw[w]) for w, c in self.words.items()) / max(1, sum(self.words.values())),
            precision=len(ug & self.grams) / max(1, len(ug)),
            order=len(joined & self.grams) / max(1, len(joined)),
            mid=starts / max(1, n),
            running=kept,
            paras=n,
        )


CJK = "\u3400-\u4dbf\u4e00-\u9fff"


def cjk_spaced(paras):
    """Number of places where two CJK characters are separated by spaces (not by a line break)."""
    t = "\n".join(paras)
    if not re.search(f"[{CJK}]", t):
        return None
    return len(re.findall(f"[{CJK}][ \u3000]+(?=[{CJK}])", t))


def arabic_order(paras):
    t = unicodedata.normalize("NFKC", "\n".join(paras))
    t = re.sub("[\u064b-\u065f\u0670\u200e\u200f\u202a-\u202e\u2066-\u2069]", "", t)
    logical, reverse = "حبيبي", "يبيبح"
    if logical in t and reverse not in t:
        return "logical"
    if reverse in t and logical not in t:
        return "REVERSED"
    if logical in t and reverse in t:
        return "both"
    return "absent" if not re.search("[\u0600-\u06ff]", t) else "garbled"


def page_count(path):
    try:
        import pypdfium2 as pdfium

        pdf = pdfium.PdfDocument(str(path))
        n = len(pdf)
        pdf.close()
        return n
    except Exception:
        out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout
        m = re.search(r"Pages:\s+(\d+)", out)
        return int(m.group(1)) if m else 1


def licence_info(python):
    """Licence and version from package metadata, in the interpreter that runs the candidate."""
    code = r"""
import json, importlib.metadata as m
out = {}
for d in ["pdfminer.six", "pdfplumber", "pdftext", "docling-parse", "docling-core", "kreuzberg", "pypdfium2"]:
    try:
        md = m.metadata(d)
    except m.PackageNotFoundError:
        continue
    lic = md.get("License-Expression") or (md.get("License") or "").strip()
    cls = [c.split("::")[-1].strip() for c in (md.get_all("Classifier") or []) if c.startswith("License")]
    out[d] = {"version": md["Version"], "license": lic or "; ".join(cls) or "?"}
print(json.dumps(out))
"""
    try:
        return json.loads(subprocess.run([python, "-c", code], capture_output=True, text=True).stdout)
    except Exception:
        return {}


def fmt(x, pct=False, nd=3):
    if x is None:
        return "–"
    return f"{x:.0%}" if pct else f"{x:.{nd}f}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("folder")
    ap.add_argument("--out", default="report.md")
    ap.add_argument("--only", default="")
    ap.add_argument("--python", action="append", default=[], help="CAND=/path/to/python")
    ap.add_argument("--timeout", type=float, default=1800)
    ap.add_argument("--heavy", default="book-de.pdf", help="text-heavy doc for the s/page column")
    ap.add_argument("--worker", default=None)
    ap.add_argument("--worker-out", default=None)
    ap.add_argument("--repeat", type=int, default=3, help="timed runs per document; the fastest counts")
    ap.add_argument(
        "--reuse", action="store_true", help="measure the worker outputs already in runs/ again, run nothing"
    )
    a = ap.parse_args()
    if a.worker:
        worker(a.worker, a.folder, a.worker_out, a.repeat)
        return

    folder = Path(a.folder)
    pdfs = sorted(folder.glob("*.pdf"))
    names = [p.name for p in pdfs]
    pythons = dict(x.split("=", 1) for x in a.python)
    cands = [c for c in CANDIDATES if not a.only or c in a.only.split(",")]
    refs = {p.name: Reference(p) for p in pdfs}
    npages = {p.name: page_count(p) for p in pdfs}
    workdir = Path(a.out).resolve().parent / "runs"
    workdir.mkdir(exist_ok=True)

    results, notes = {}, []
    for c in cands:
        py = pythons.get(c.split("-")[0], pythons.get(c, sys.executable))
        outp = workdir / f"{c}.json"
        if a.reuse and outp.exists():
            proc, tail = None, []
        elif outp.exists():
            outp.unlink()
        print(f"running {c} with {py} ...", file=sys.stderr, flush=True)
        t0 = time.time()
        try:
            if a.reuse and outp.exists():
                raise FileExistsError
            proc = subprocess.run(
                [
                    py,
                    __file__,
                    str(folder),
                    "--worker",
                    c,
                    "--worker-out",
                    str(outp),
                    "--repeat",
                    str(a.repeat),
                ],
                capture_output=True,
                text=True,
                timeout=a.timeout,
            )
            tail = proc.stderr.strip().splitlines()[-1:] if proc.returncode else []
        except subprocess.TimeoutExpired:
            tail = [f"timed out after {a.timeout:.0f} s"]
        except FileExistsError:
            tail = []
        print(f"  {c}: {time.time() - t0:.1f} s", file=sys.stderr, flush=True)
        if not outp.exists():
            notes.append(f"{c}: worker produced nothing ({'; '.join(tail)})")
            continue
        r = json.loads(outp.read_text())
        if r["error"]:
            notes.append(f"{c}: skipped, {r['error']}")
            continue
        if tail:
            notes.append(f"{c}: worker ended early ({tail[0]})")
        results[c] = r["docs"]
        for n, d in r["docs"].items():
            if d["error"]:
                notes.append(f"{c} on {n}: {d['error']}")

    rows = {}  # (cand, doc) -> dict
    for c, docs in results.items():
        for n in names:
            d = docs.get(n)
            if d is None:
                continue
            flat = [p for paras in d["pages"] for p in paras]
            rows[c, n] = dict(
                refs[n].measure(d["pages"]),
                spp=d["seconds"] / npages[n],
                seconds=d["seconds"],
                cjk=cjk_spaced(flat),
                lig=sum(len(re.findall("[\ufb00-\ufb06]", x)) for x in flat),
                arabic=arabic_order(flat) if n.startswith("arabic") else None,
            )
    with open(workdir / "measures.json", "w") as f:
        json.dump({f"{c}|{n}": v for (c, n), v in rows.items()}, f, indent=1)
    # samples for eyeballing
    for c, docs in results.items():
        with open(workdir / f"{c}.sample.txt", "w") as f:
            for n in names:
                if n in docs:
                    flat = [p for paras in docs[n]["pages"] for p in paras]
                    f.write(f"===== {n}: {len(flat)} paragraphs\n")
                    for p in flat[:40]:
                        f.write(p.replace("\n", " ⏎ ")[:400] + "\n---\n")

    done = [c for c in cands if c in results]
    L = [f"# PDF readers compared on {folder} ({len(pdfs)} PDFs)", ""]
    L += [
        "Reference: poppler pdftotext "
        + subprocess.run(["pdftotext", "-v"], capture_output=True, text=True)
        .stderr.split("\n")[0]
        .split()[-1]
        + ". Each candidate in its own process, one warm-up run, then the fastest of --repeat timed runs "
        "per document (measures from the first run).",
        "",
    ]
    L += ["## Candidates", "", "| candidate | what a paragraph is |", "|---|---|"]
    L += [f"| {c} | {CANDIDATES[c][1]} |" for c in done]
    L += [
        "",
        "Running lines detected per document "
        "(pdftotext, first/last 3 lines of >= half of the pages, digits as #):",
        "",
    ]
    for n in names:
        if refs[n].running:
            L.append(
                f"- {n} ({npages[n]} pp): "
                + ", ".join(f"`{r[:50]}`" for r in refs[n].running[:8])
                + (f" … ({len(refs[n].running)} in all)" if len(refs[n].running) > 8 else "")
            )
    L.append("")

    # overall
    heavy = a.heavy

    def overall(title, docs):
        out = [
            title,
            "",
            "| candidate | mean word recall | mean 5-gram precision (within paragraphs) "
            "| mean joined 5-gram precision (order across paragraphs) | mean mid-sentence starts "
            "| running lines kept (paragraphs, total) | paragraphs (total) | total s "
            f"| × bare pypdfium2 | s/page on {heavy} |",
            "|---|---|---|---|---|---|---|---|---|---|",
        ]
        bare = sum(rows[("pypdfium2", n)]["seconds"] for n in docs if ("pypdfium2", n) in rows) or None

        def mean(rs, key):
            return sum(r[key] for r in rs) / len(rs)

        for c in done:
            rs = [rows[c, n] for n in docs if (c, n) in rows]
            tot = sum(r["seconds"] for r in rs)
            out.append(
                f"| {c} | {fmt(mean(rs, 'recall'))} | {fmt(mean(rs, 'precision'))} | "
                f"{fmt(mean(rs, 'order'))} | {fmt(mean(rs, 'mid'), True)} | "
                f"{sum(r['running'] for r in rs)} | {sum(r['paras'] for r in rs)} | "
                f"{tot:.2f} | {fmt(tot / bare if bare else None, nd=1)} | "
                f"{fmt(rows[c, heavy]['spp'] if (c, heavy) in rows else None, nd=4)} |"
            )
        return out + [""]

    L += overall(f"## Overall, all {len(names)} PDFs", names)
    odd = ("arabic.pdf", "scan-ocr-layer-zh.pdf")
    L += overall(
        "## Overall, without arabic.pdf and scan-ocr-layer-zh.pdf (pdftotext's own text is "
        "reversed Arabic / an OCR layer that pdfium cannot map, so the reference misleads there)",
        [n for n in names if n not in odd],
    )

    def matrix(title, key, f):
        out = [
            f"## {title}",
            "",
            "| document (pages) | " + " | ".join(done) + " |",
            "|---|" + "---|" * len(done),
        ]
        for n in names:
            out.append(
                f"| {n} ({npages[n]}) | "
                + " | ".join(f(rows[c, n][key]) if (c, n) in rows else "–" for c in done)
                + " |"
            )
        return out + [""]

    L += matrix("Word recall vs pdftotext", "recall", fmt)
    L += matrix(
        "5-gram precision vs pdftotext reading order (5-grams within each paragraph)", "precision", fmt
    )
    L += matrix(
        "Joined 5-gram precision (all paragraphs joined in the library's order: also sees paragraph order)",
        "order",
        fmt,
    )
    L += matrix("Mid-sentence starts (share of paragraphs starting lowercase)", "mid", lambda x: fmt(x, True))
    L += matrix("Running lines kept (paragraphs containing a detected running line)", "running", str)
    L += matrix("Seconds per page (wall, one process, warm)", "spp", lambda x: f"{x:.4f}")
    L += matrix("Paragraphs produced", "paras", str)

    L += [
        "## Script-specific checks",
        "",
        "CJK: places where two CJK characters are separated by spaces "
        "(pdftotext's count is the layout's own spacing; "
        "a reader joining CJK lines with spaces would show many more). "
        "Arabic: whether the word حبيبي (diacritics "
        "and bidi marks removed, NFKC) comes out in logical order, reversed (يبيبح) or otherwise.",
        "",
        "Ligatures: characters U+FB00–FB06 (ﬁ, ﬂ, …) left in the text, all 13 PDFs "
        "(they split words: 'Auﬂage' ≠ 'Auflage').",
        "",
        "| candidate | CJK␠CJK, quarterly-report-zh | CJK␠CJK, scan-ocr-layer-zh "
        "| Arabic word حبيبي in arabic.pdf | ligature characters |",
        "|---|---|---|---|---|",
    ]
    for c in done:
        z = rows.get((c, "quarterly-report-zh.pdf"), {}).get("cjk")
        s = rows.get((c, "scan-ocr-layer-zh.pdf"), {}).get("cjk")
        ar = rows.get((c, "arabic.pdf"), {}).get("arabic")
        lg = sum(rows[c, n]["lig"] for n in names if (c, n) in rows)
        L.append(f"| {c} | {'–' if z is None else z} | {'–' if s is None else s} | {ar or '–'} | {lg} |")
    L.append("")

    L += [
        "## Licences (package metadata) and versions",
        "",
        "| interpreter | package | version | licence |",
        "|---|---|---|---|",
    ]
    for py in dict.fromkeys([sys.executable, *pythons.values()]):
        for k, v in sorted(licence_info(py).items()):
            L.append(f"| {py} | {k} | {v['version']} | {v['license']} |")
    L.append("")
    if notes:
        L += ["## Notes", ""] + [f"- {x}" for x in notes] + [""]
    Path(a.out).write_text("\n".join(L))
    print("\n".join(L))


if __name__ == "__main__":
    main()
