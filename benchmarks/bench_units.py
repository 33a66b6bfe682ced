"""How faithful the information units cut from real PDFs are, against poppler's pdftotext.

What it measures
----------------
For every PDF under the folders given (by default ``../shared/realdocs`` beside the checkout,
and 40 PDFs of the generated corpus of ``bench_ingest.py``), it cuts units as ``foresight
ingest`` does (``foresight.ingest.reading.prepare``, no database) and compares them with the
text of ``pdftotext -enc UTF-8 FILE -`` (poppler, which keeps column order):

- word recall: the share of pdftotext's words (a multiset; words of three letters or more,
  a hyphen between letters taken out, so that a word broken at a line end counts the same
  whether it was joined with its hyphen or without; the words of running lines, below, left
  out: units must not hold them) found in the units or in their sections: low when lines are
  lost or taken for headings;
- 5-gram precision: the share of the units' word 5-grams that occur in pdftotext's text: low
  when columns are interleaved or lines shuffled. pdftotext's own order is not always right (it
  interleaves the columns of some two-column pages, and reads tables across): the share found
  in its text or in its ``-raw`` text (the order the file draws its text in) is shown beside;
- mid-sentence starts: the share of units that begin with a lowercase letter: high when a
  paragraph is cut at a column, page, footnote or figure, or its first line is lost;
- running lines kept: units holding a running line. A running line is one that pdftotext puts
  among the first or last three lines of at least a quarter of the pages, or of the even or of
  the odd pages (digits aside; two pages at least), with two words or more, and that the
  body text (pdftotext's text less its running lines) does not hold as well: a report's
  title repeated as its running head is also a phrase of its text.

Chinese and Japanese text has no spaces between words: there every character counts as a word,
so that a line joined without a space is not counted as a new word. A word of right-to-left
script counts as the same word as its reversal: pdftotext gives the letters of a ligature glyph
(a whole Arabic word, in some fonts) in reverse.

The same measures are shown for pdftotext's own text split at blank lines, the floor to beat:
the units must beat it on mid-sentence starts and running lines while matching its recall and
order. A document passes with recall >= 0.97, precision >= 0.95 (shown "n/a" and not judged
when no unit holds five words in a row: a page of three words has no order to measure),
mid-sentence starts <= 8% (15% for a paper full of equations: more than 2% of its lines are
formulas) and no running line kept. Documents that ingest refuses (a scan, a garbage text
layer) are listed with the reason and count as passing: refusing is what they should get.

Usage::

    python benchmarks/bench_units.py [FOLDER_OR_PDF ...] [--generated 40] [--show FILE] [--json]

``--show FILE`` prints, for one document, the units starting mid-sentence, the 5-grams not
found and the running lines kept, to see why it scores as it does. Needs pdftotext on PATH
(Debian's poppler-utils).
"""

from __future__ import annotations

import argparse
import collections
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unicodedata
from dataclasses import asdict, dataclass
from pathlib import Path

from report import Result, report
from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parents[1]
REALDOCS = ROOT.parent / "shared" / "realdocs"
WORD = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]|[^\W\d_]{3,}")
# a hyphen between letters, at a line end or not: "dual-\nencoder", "dual-encoder", "dualencoder"
# count as one word, whichever a reader made of a word broken at a line end
HYPHEN_BREAK = re.compile(r"([^\W\d_])-(?:[ \t]*\n\s*)?([^\W\d_])")
FORMULA = re.compile(r"[=∑∫√±≤≥∈∀∃→⇒∂∇]")
RECALL, PRECISION, MID, MID_MATH = 0.97, 0.95, 0.08, 0.15


RTL = re.compile(r"[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]")


def words(text: str) -> list[str]:
    """The words of ``text``, lowercase, in Unicode's compatibility form (NFKC: pdftotext gives
    Arabic letters in their presentation forms, "ﻟﻣ", and ligatures as one character, "ﬁ");
    a word of right-to-left script as the lesser of itself and its reversal (pdftotext gives
    the letters of a ligature glyph reversed)."""
    text = unicodedata.normalize("NFKC", text)
    found = [w.lower() for w in WORD.findall(HYPHEN_BREAK.sub(r"\1\2", text))]
    return [min(w, w[::-1]) if RTL.match(w) else w for w in found]


def grams(ws: list[str], n: int = 5) -> set[tuple[str, ...]]:
    return {tuple(ws[i : i + n]) for i in range(len(ws) - n + 1)}


def pdftotext(path: Path, *flags: str) -> str:
    return subprocess.run(
        ["pdftotext", *flags, "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=False
    ).stdout


def running_lines(reference: str) -> list[str]:
    """Lines at the pages' edges that repeat (digits aside) on a quarter of the pages, or of the
    even or odd pages (a report's annexes often drop the body's head)."""
    pages = [[ln.strip() for ln in page.splitlines() if ln.strip()] for page in reference.split("\f")]
    pages = [p for p in pages if p]

    def key(line: str) -> str:
        return re.sub(r"\d+", "#", " ".join(line.split()).lower())

    found: dict[str, str] = {}
    for group in (pages, pages[0::2], pages[1::2]):
        if len(group) < 2:
            continue
        seen: collections.Counter[str] = collections.Counter()
        first: dict[str, str] = {}
        for page in group:
            edge = set(page[:3] + page[-3:])
            for line in edge:
                first.setdefault(key(line), line)
            seen.update({key(line) for line in edge})
        for k, n in seen.items():
            if n >= max(2, -(-len(group) // 4)) and len(words(first[k])) >= 2:
                found[k] = first[k]
    return sorted(found)


def without_running(reference: str, keys: list[str]) -> str:
    """pdftotext's text less its running lines, which units must not hold."""
    wanted = set(keys)
    return "\n".join(
        line
        for line in reference.splitlines()
        if re.sub(r"\d+", "#", " ".join(line.split()).lower()) not in wanted
    )


def holds_running(text: str, keys: list[str]) -> bool:
    flat = re.sub(r"\d+", "#", " ".join(text.split()).lower())
    return any(k in flat for k in keys)


@dataclass
class Measures:
    file: str
    units: int
    recall: float
    precision: float | None  # None: no unit holds five words in a row, order is not measured
    either: float | None  # 5-gram precision against pdftotext's text or its -raw text (the file's order)
    mid: float
    running: int
    floor_mid: float
    floor_running: int
    math: bool
    refused: str | None = None

    @property
    def passed(self) -> bool:
        if self.refused is not None:
            return True
        mid = MID_MATH if self.math else MID
        ordered = self.precision is None or self.precision >= PRECISION
        return self.recall >= RECALL and ordered and self.mid <= mid and not self.running


def measure(path: Path, show: bool = False) -> Measures:
    from foresight.config import IngestSettings
    from foresight.ingest.reading import prepare

    prepared = prepare(str(path), IngestSettings())
    full = pdftotext(path)
    keys = running_lines(full)
    reference = without_running(full, keys)
    ref_lines = [ln for ln in reference.splitlines() if ln.strip()]
    math = sum(bool(FORMULA.search(ln)) for ln in ref_lines) > 0.02 * max(1, len(ref_lines))
    floor = [c for c in re.split(r"\n\s*\n", full) if c.strip()]
    floor_mid = sum(c.lstrip()[:1].islower() for c in floor) / max(1, len(floor))
    # a running line whose words the body text holds too (a report's title as its running
    # head, "Thyroid Carcinoma") is no sign of a head left in a unit that holds those words
    flat_body = re.sub(r"\d+", "#", " ".join(reference.split()).lower())
    leaked = [k for k in keys if k not in flat_body]
    floor_running = sum(holds_running(c, leaked) for c in floor)
    if prepared.problem:
        return Measures(path.name, 0, 0, 0, 0, 0, 0, floor_mid, floor_running, math, prepared.problem)
    units = [u for _, cut in prepared.documents for u in cut.units]
    sections = []
    for u in units:
        if u.section and (not sections or sections[-1] != u.section):
            sections.append(u.section)
    have = collections.Counter(words("\n".join(dict.fromkeys(sections))))
    unit_grams: set[tuple[str, ...]] = set()
    for u in units:
        ws = words(u.text)
        have.update(ws)
        unit_grams |= grams(ws)
    want = collections.Counter(words(reference))
    recall = sum(min(n, have[w]) for w, n in want.items()) / max(1, sum(want.values()))
    ref_grams = grams(words(reference))
    precision = len(unit_grams & ref_grams) / len(unit_grams) if unit_grams else None
    raw_grams = grams(words(without_running(pdftotext(path, "-raw"), keys)))
    either = len(unit_grams & (ref_grams | raw_grams)) / len(unit_grams) if unit_grams else None
    starts = [u for u in units if u.text.lstrip()[:1].islower()]
    leaks = [u for u in units if holds_running(u.text, leaked)]
    if show:
        console = Console()
        console.rule(f"{path.name}: units starting mid-sentence")
        for u in starts:
            console.print(f"[dim]p{u.page}[/] {u.text[:160]!r}")
        console.rule("units holding running lines")
        for u in leaks:
            console.print(f"[dim]p{u.page}[/] {u.text[:160]!r}")
        console.rule("5-grams not in pdftotext (first 40)")
        for g in sorted(unit_grams - ref_grams)[:40]:
            console.print(" ".join(g))
        console.rule("words of pdftotext not in the units (first 80)")
        missing = want - have
        console.print(" ".join(list(missing.elements())[:80]))
    return Measures(
        path.name,
        len(units),
        recall,
        precision,
        either,
        len(starts) / max(1, len(units)),
        len(leaks),
        floor_mid,
        floor_running,
        math,
    )


def generated_pdfs(count: int, log: Console) -> list[Path]:
    if count <= 0:
        return []
    from bench_ingest import SEED, generate_corpus

    root = Path(tempfile.gettempdir()) / "foresight-bench-units-corpus"
    generate_corpus(root, max(10, count * 10 // 4), SEED, log)
    return sorted((root / "pdf").glob("*.pdf"))[:count]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("inputs", nargs="*", help=f"PDFs or folders of PDFs (default: {REALDOCS})")
    parser.add_argument("--generated", type=int, default=40, help="PDFs of the generated corpus")
    parser.add_argument("--show", help="file name of one document to explain")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    log = Console(stderr=True)
    if shutil.which("pdftotext") is None:
        log.print("pdftotext is not on PATH: install poppler-utils (apt-get install poppler-utils)")
        return 2
    inputs = [Path(p) for p in args.inputs] or ([REALDOCS] if REALDOCS.is_dir() else [])
    real = sorted(p for item in inputs for p in ([item] if item.is_file() else item.rglob("*.pdf")))
    generated = generated_pdfs(args.generated, log)
    start = time.perf_counter()
    rows = [measure(p, show=args.show == p.name) for p in real]
    gen_rows = [measure(p) for p in generated]
    seconds = time.perf_counter() - start
    table = Table(title="Units against pdftotext (floor: pdftotext split at blank lines)")
    for column in (
        "document",
        "units",
        "recall",
        "5-gram precision",
        "or in -raw",
        "mid-sentence starts",
        "running lines kept",
        "floor: mid / running",
        "passes",
    ):
        table.add_column(column, justify="left" if column == "document" else "right")
    for m in rows:
        if m.refused:
            table.add_row(
                m.file,
                *["-"] * 6,
                f"{m.floor_mid:.1%} / {m.floor_running}",
                f"refused: {m.refused}",
            )
            continue
        limit = MID_MATH if m.math else MID
        table.add_row(
            m.file,
            str(m.units),
            f"{m.recall:.3f}",
            "n/a" if m.precision is None else f"{m.precision:.3f}",
            "n/a" if m.either is None else f"{m.either:.3f}",
            f"{m.mid:.1%}" + (" (math)" if m.math else ""),
            str(m.running),
            f"{m.floor_mid:.1%} / {m.floor_running}",
            "[green]yes[/]"
            if m.passed
            else f"[red]no[/] (<= {limit:.0%})"
            if m.mid > limit
            else "[red]no[/]",
        )
    if gen_rows:
        n = len(gen_rows)
        table.add_row(
            f"generated corpus ({n} PDFs)",
            str(sum(m.units for m in gen_rows)),
            f"{min(m.recall for m in gen_rows):.3f} min",
            f"{min(m.precision for m in gen_rows if m.precision is not None):.3f} min",
            f"{min(m.either for m in gen_rows if m.either is not None):.3f} min",
            f"{max(m.mid for m in gen_rows):.1%} max",
            str(sum(m.running for m in gen_rows)),
            f"{max(m.floor_mid for m in gen_rows):.1%} / {sum(m.floor_running for m in gen_rows)}",
            "[green]yes[/]" if all(m.passed for m in gen_rows) else "[red]no[/]",
        )
    if args.json:
        print(
            json.dumps({"documents": [asdict(m) | {"passed": m.passed} for m in rows + gen_rows]}, indent=2)
        )
    else:
        Console().print(table)
    passed = sum(m.passed for m in rows)
    results = [
        Result(
            "real PDFs with faithful units",
            f"{len(rows)} PDFs",
            passed,
            "documents",
            f"{len(rows)}",
            passed == len(rows),
        ),
        Result(
            "generated PDFs with faithful units",
            f"{len(gen_rows)} PDFs",
            sum(m.passed for m in gen_rows),
            "documents",
            f"{len(gen_rows)}",
            all(m.passed for m in gen_rows),
        ),
        Result("measuring time", f"{len(rows) + len(gen_rows)} PDFs", seconds, "s"),
    ]
    return (
        report(results, "Faithful units", as_json=False)
        if not args.json
        else (0 if all(r.met is not False for r in results) else 1)
    )


if __name__ == "__main__":
    sys.exit(main())
