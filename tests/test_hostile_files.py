"""Every file of the hostile corpus (tests/data/hostile) through its reader: the clean outcome
and the exact line a user sees. A file added to the folder must be added to EXPECTED too."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from foresight.ingest import ingest
from foresight.project import Project
from foresight.store import Source
from tests.hostile import read

HOSTILE = Path(__file__).parent / "data" / "hostile"

# file -> (outcome, message); "{path}" stands for the file's path
EXPECTED: dict[str, tuple[str, str]] = {
    "codebook-yaml-billion-laughs.yaml": (
        "error",
        "{path}:6: YAML refused (anchors and aliases expand to more than 100,000 values)",
    ),
    "codebook-yaml-deep-nesting.yaml": ("error", "{path}:2: YAML refused (nested more than 50 levels deep)"),
    "codebook-yaml-python-tag.yaml": (
        "error",
        "{path}:3: not valid YAML (could not determine a constructor for the tag "
        "'tag:yaml.org,2002:python/object/apply:os.system')",
    ),
    "codebook-yaml-self-alias.yaml": (
        "error",
        "{path}:2: YAML refused (an alias refers to the list or mapping it is in)",
    ),
    "codebook-yaml-wrong-types.yaml": (
        "error",
        "{path}:2: codebook: version must be a whole number, not 'two' "
        "(and 1 more problems; run 'foresight codebook validate {path}')",
    ),
    "csv-utf8-bom-carriage-return-in-field.csv": ("ingested", "1 units"),
    "csv-utf8-bom-then-latin1.csv": (
        "failed",
        "starts with a UTF-8 byte-order mark but is not UTF-8 (invalid continuation byte at byte 47)",
    ),
    "docx-broken-deflate.docx": (
        "failed",
        "not a readable Word .docx file (Error -3 while decompressing data: invalid code lengths set)",
    ),
    "docx-content-types-wrong-root.docx": (
        "failed",
        "not a readable Word .docx file (a part is not what Word writes: "
        "'CT_Relationships' object has no attribute 'overrides')",
    ),
    "docx-declared-huge-size.docx": (
        "failed",
        "unpacks to 600 MB, over the 100 MB a Word .docx file may hold (a zip bomb?)",
    ),
    "docx-nul-in-xml.docx": (
        "failed",
        "not a readable Word .docx file (Invalid character: Char 0x0 out of allowed range , "
        "line 1, column 153 (<string>, line 1))",
    ),
    "docx-styles-part-wrong-root.docx": (
        "failed",
        "not a readable Word .docx file (a part is not what Word writes: "
        "'CT_Body' object has no attribute 'style_lst')",
    ),
    "feed-billion-laughs.rss": ("ingested", "1 units"),
    "feed-declared-encoding-broken.rss": (
        "failed",
        "not a readable RSS/Atom feed ('utf-8' codec can't decode byte 0xd5 in position 0: "
        "invalid continuation byte)",
    ),
    "feed-external-entity.rss": ("ingested", "1 units"),
    "feed-malformed-with-control-characters.rss": ("ingested", "1 units"),
    "markdown-front-matter-laughs.md": ("ingested", "1 units"),
    "pdf-page-tree-count-broken.pdf": ("failed", "not a readable PDF (page 1 cannot be loaded)"),
    "qdc-comment-not-terminated.qdc": (
        "error",
        "{path}: not well-formed XML (line 25: Comment not terminated "
        "<!-- In the style of ATLAS.ti: braced upper-case guids)",
    ),
    "qdpx-broken-deflate.qdpx": (
        "error",
        "{path}: sources/lyon.txt cannot be read "
        "(Error -3 while decompressing data: invalid distance too far back)",
    ),
    "qdpx-element-bomb.qdpx": (
        "error",
        "{path}: project.qde: too many XML elements to read (over 5,000,000)",
    ),
    "qdpx-member-name-not-utf8.qdpx": (
        "error",
        "{path}: project.qde cannot be read ('utf-8' codec can't decode byte 0xfd in position 1: "
        "invalid start byte)",
    ),
    "qdpx-sidecar-wrong-shapes.qdpx": ("ok", ""),
    "qdpx-zip-version-too-new.qdpx": (
        "error",
        "{path}: not a REFI-QDA project (not a zip archive: zip file version 21.7)",
    ),
    "txt-utf16-odd-length.txt": (
        "failed",
        "starts with a UTF-16 byte-order mark but is not UTF-16 (truncated data at byte 108)",
    ),
    "workshop-billion-laughs.yaml": (
        "error",
        "{path}:6: YAML refused (anchors and aliases expand to more than 100,000 values)",
    ),
    "workshop-control-character.yaml": (
        "error",
        "{path}: not valid YAML (unacceptable character #x0003: special characters are not allowed)",
    ),
    "workshop-deep-nesting.yaml": ("error", "{path}:2: YAML refused (nested more than 50 levels deep)"),
    "workshop-python-tag.yaml": (
        "error",
        "{path}:2: not valid YAML (could not determine a constructor for the tag "
        "'tag:yaml.org,2002:python/object/new:os.system')",
    ),
    "xlsx-dimension-claims-whole-sheet.xlsx": ("ingested", "1 units"),
    "xlsx-row-number-past-excel.xlsx": ("ingested", "1 units"),
    "xlsx-unknown-attribute.xlsx": (
        "failed",
        "not a readable .xlsx workbook (a part is not what Excel writes: "
        "SheetDimension.__init__() got an unexpected keyword argument 'sef')",
    ),
    "xlsx-wide-sparse-rows.xlsx": ("failed", "the sheet has over 5,000,000 cells (rows times columns)"),
    "xlsx-workbook-not-xml.xlsx": (
        "failed",
        "not a readable .xlsx workbook (Start tag expected, '<' not found, "
        "line 1, column 1 (<string>, line 1))",
    ),
}


def hostile_files() -> list[Path]:
    return sorted(p for p in HOSTILE.iterdir() if p.name != "README.md")


def test_every_hostile_file_has_an_expected_outcome_and_a_line_in_the_readme() -> None:
    names = {p.name for p in hostile_files()}
    assert names == set(EXPECTED)
    readme = (HOSTILE / "README.md").read_text(encoding="utf-8")
    assert [name for name in sorted(names) if f"`{name}`" not in readme] == []


@pytest.mark.parametrize("path", hostile_files(), ids=lambda p: p.name)
def test_hostile_file_gets_its_clean_outcome(
    path: Path, project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # where a command smuggled into a file would leave its mark
    before = sorted(tmp_path.rglob("*"))
    outcome, message = EXPECTED[path.name]
    assert read(path, project) == (outcome, message.format(path=path))
    assert "\n" not in message
    assert not (tmp_path / "hostile-canary").exists()
    written = [p for p in sorted(tmp_path.rglob("*")) if p not in before]
    assert all(project.root in p.parents or p == project.root for p in written)
    with project.session() as session:
        texts = session.execute(select(Source.text)).scalars().all()
    assert not any("lollol" in text or "root:x:0:0" in text for text in texts)  # no entity expanded


def test_a_paragraph_longer_than_spacy_takes_is_cut_into_units(project: Project, tmp_path: Path) -> None:
    """Made here, too large to keep: 1.2 million characters without a blank line (spaCy refuses a
    text over a million, and the ValueError ended the whole ingest run)."""
    path = tmp_path / "one-long-paragraph.txt"
    path.write_text("Clusters grow. " * 80_000, encoding="utf-8")
    (outcome,) = ingest(project, [path], workers=1).outcomes
    assert (outcome.status, outcome.message) == (
        "ingested",
        "1000 units, 999 repeating units of the same source",
    )
