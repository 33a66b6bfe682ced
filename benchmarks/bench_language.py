"""Language detection on short paragraphs: py3langid (the one ingest uses) against lingua.

What it measures
----------------
On the labelled paragraphs of ``tests/data/languages/paragraphs.tsv`` (de, fr, it, es, nl, pl, en;
2 to 25 words), with both detectors restricted to :data:`foresight.ingest.language.LANGUAGES`:

- accuracy (share of paragraphs given their language; target >= 0.95 for the one ingest uses);
- microseconds per paragraph (target <= 200 µs: at 50 units a document, 1,000 documents then
  cost at most 10 s of CPU, shared out among ingest's workers, against bench_ingest's 60 s);
- seconds to load the model (paid once per ingest, before the workers fork).

lingua-language-detector (high accuracy mode) is measured when it is installed (it is not a
dependency: ``pip install lingua-language-detector``).

Usage::

    python benchmarks/bench_language.py [--json]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

from report import Result, report

from foresight.ingest import language

DATA = Path(__file__).resolve().parents[1] / "tests" / "data" / "languages" / "paragraphs.tsv"
ACCURACY_TARGET = 0.95
MICROSECONDS_TARGET = 200.0


def labelled() -> list[tuple[str, str]]:
    rows = [line.split("\t", 1) for line in DATA.read_text().splitlines() if line[:1] != "#"]
    return [(lang, text) for lang, text in rows]


def measure(
    name: str, load: Callable[[], Callable[[str], str | None]], rows: list[tuple[str, str]]
) -> list[Result]:
    started = time.perf_counter()
    classify = load()
    loaded = time.perf_counter() - started
    started = time.perf_counter()
    rounds = 5
    right = 0
    for _ in range(rounds):
        right = sum(classify(text) == lang for lang, text in rows)
    per = (time.perf_counter() - started) / (rounds * len(rows)) * 1e6
    accuracy = right / len(rows)
    judged = name == "py3langid"
    return [
        Result(
            f"{name} accuracy",
            f"{len(rows)} paragraphs",
            accuracy,
            "share",
            f">= {ACCURACY_TARGET}" if judged else None,
            accuracy >= ACCURACY_TARGET if judged else None,
        ),
        Result(
            f"{name} time",
            "a paragraph",
            per,
            "µs",
            f"<= {MICROSECONDS_TARGET:g}" if judged else None,
            per <= MICROSECONDS_TARGET if judged else None,
        ),
        Result(f"{name} model load", "once a process", loaded, "s"),
    ]


def py3langid() -> Callable[[str], str | None]:
    language._identifier()

    def classify(text: str) -> str | None:
        guess = language.detect(text)
        return guess.language if guess else None

    return classify


def lingua() -> Callable[[str], str | None]:
    from lingua import IsoCode639_1, LanguageDetectorBuilder  # type: ignore[import-not-found]

    codes = [
        getattr(IsoCode639_1, code.upper())
        for code in language.LANGUAGES
        if hasattr(IsoCode639_1, code.upper())
    ]
    detector = LanguageDetectorBuilder.from_iso_codes_639_1(*codes).build()
    detector.detect_language_of("warm up")

    def classify(text: str) -> str | None:
        found = detector.detect_language_of(text)
        return found.iso_code_639_1.name.lower() if found else None

    return classify


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    rows = labelled()
    results = measure("py3langid", py3langid, rows)
    try:
        import lingua as _  # type: ignore[import-not-found]  # noqa: F401
    except ImportError:
        print("lingua-language-detector is not installed: not compared", file=sys.stderr)
    else:
        results += measure("lingua", lingua, rows)
    return report(results, "Language detection on short paragraphs", as_json=args.json)


if __name__ == "__main__":
    sys.exit(main())
