"""Coverage-guided fuzzing of one reader with atheris (libFuzzer), run by hand, not by pytest.

    pip install atheris
    PYTHONPATH=. python tests/fuzz/atheris_readers.py pdf -max_total_time=600 -rss_limit_mb=2048 -timeout=20

Readers: pdf, docx, xlsx, csv, html, rss, md, txt (through ingest), codebook (YAML), qdc,
workshop, qdpx. Every input must give a clean outcome in one line: a ForesightError, or an
ingest outcome that is not ingest's last resort ("cannot be read (SomeError: ...)"). Anything
else stops the run and saves the input as crash-* in the run's temporary folder (fuzz-READER-*);
libFuzzer's -timeout and -rss_limit_mb catch hangs and blow-ups. The run starts from a valid file
made by tests/builders.py (or the shipped workshops, or tests/data/qdc) and the files of
tests/data/hostile with the reader's extension; add corpus folders after the reader's name.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import atheris

with atheris.instrument_imports(include=["foresight"]):
    from foresight.errors import ForesightError
    from foresight.project import Project
    from tests.hostile import read

HERE = Path(__file__).resolve().parent
HOSTILE = HERE.parent / "data" / "hostile"
EXTENSIONS = {
    "pdf": ".pdf",
    "docx": ".docx",
    "xlsx": ".xlsx",
    "csv": ".csv",
    "html": ".html",
    "rss": ".rss",
    "md": ".md",
    "txt": ".txt",
    "codebook": ".yaml",
    "qdc": ".qdc",
    "workshop": ".yaml",
    "qdpx": ".qdpx",
}
READER = {"codebook": "codebook", "qdc": "codebook", "workshop": "workshop", "qdpx": "qdpx"}


def seeds(kind: str, folder: Path) -> None:
    """Write the starting corpus for ``kind`` into ``folder``."""
    from tests import builders

    ext = EXTENSIONS[kind]
    made = {
        "pdf": builders.wrapped_pdf,
        "docx": builders.word_document,
        "xlsx": builders.survey_xlsx,
        "csv": builders.survey_csv,
        "html": builders.web_page,
        "rss": builders.feed_file,
        "md": builders.markdown_post,
        "txt": builders.hard_wrapped_text,
    }
    if kind in made:
        made[kind](folder / f"seed{ext}")
    valid = {"qdc": HERE.parent / "data" / "qdc", "workshop": HERE.parents[1] / "workshops"}
    if kind in valid:
        for path in valid[kind].glob(f"*{ext}"):
            (folder / path.name).write_bytes(path.read_bytes())
    for path in HOSTILE.glob(f"*{ext}"):
        prefix = {"codebook": "codebook-", "workshop": "workshop-"}.get(kind, "")
        if path.name.startswith(prefix):
            (folder / path.name).write_bytes(path.read_bytes())


def main() -> None:
    if len(sys.argv) < 2 or sys.argv[1] not in EXTENSIONS:
        sys.exit(f"usage: {sys.argv[0]} {{{','.join(EXTENSIONS)}}} [libFuzzer options] [corpus folders]")
    kind = sys.argv.pop(1)
    work = Path(tempfile.mkdtemp(prefix=f"fuzz-{kind}-"))
    corpus = work / "corpus"
    corpus.mkdir()
    seeds(kind, corpus)
    project = Project.init(work / "project")
    target = work / f"input{EXTENSIONS[kind]}"
    reader = READER.get(kind, "ingest")

    def one_input(data: bytes) -> None:
        target.write_bytes(data)
        try:
            outcome, message = read(target, project, reader)
        except ForesightError:
            return
        if "\n" in message or message.startswith("cannot be read ("):
            raise AssertionError(f"{outcome}: {message}")

    options = sys.argv[1:]
    if not any(option.startswith("-artifact_prefix=") for option in options):
        options.append(f"-artifact_prefix={work}/")  # crash files beside the corpus, not in the cwd
    atheris.Setup([sys.argv[0], *options, str(corpus)], one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
