"""The project as tables: what each holds, and CSV and XLSX files that read back in pandas and Excel."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from sqlalchemy import insert
from sqlmodel import select

from foresight import coding
from foresight.codebook import import_codebook
from foresight.interop import sheets
from foresight.interop.tables import (
    TABLES,
    codes_table,
    codings_table,
    count_rows,
    export_csv,
    export_xlsx,
    memos_table,
    sources_table,
    suggestions_table,
    table_chunks,
    units_table,
)
from foresight.project import Project
from foresight.store import Code, Coding, Source, Suggestion, Unit
from tests.cooc_fixtures import small_codebook

CODES = {"MT.IOT": "Internet of things", "MT.BIO": "Biotech", "EI.PACK": "Packaging"}
TRICKY = 'Sensors, "smart" labels;\nthe café\'s Größe – 5 €\r\nend'
FORMULA = '=HYPERLINK("http://evil.example","click")'
LONG = "x" * (sheets.EXCEL_CELL + 10)
CONTROL = "page\x0cbreak\x01here"  # (PostgreSQL cannot store NUL)


@pytest.fixture
def coded(project: Project) -> Project:
    """Two sources (one an older version), units with awkward texts, codings of every origin,
    suggestions and memos."""
    import_codebook(project, small_codebook(project.root, CODES), actor="test")
    with project.transaction() as session:
        old = Source(
            title="Old, version", path="/a", sha256="a0", file_sha256="a0", format="txt", current=False
        )
        session.add(old)
        session.flush()
        new = Source(
            title="Blog: «Ünïcode»",
            path="https://example.org/a",
            sha256="a1",
            file_sha256="a1",
            format="html",
            source_type="blog",
            version=2,
            previous_id=old.id,
        )
        other = Source(title="Report", path="/b", sha256="b", file_sha256="b", format="pdf")
        session.add_all([new, other])
        session.flush()
        texts = [TRICKY, FORMULA, "-3 firms left", "@channel", LONG, CONTROL]
        session.execute(
            insert(Unit),
            [{"source_id": old.id, "ordinal": 1, "text": "old text", "start": 0, "end": 8, "attributes": {}}]
            + [
                {
                    "source_id": new.id,
                    "ordinal": i,
                    "text": text,
                    "start": 10 * i,
                    "end": 10 * i + len(text),
                    "page": 2 if i == 1 else None,
                    "section": "Drivers" if i == 1 else None,
                    "period": "2007-2014",
                    "attributes": {"country": "DE"} if i == 1 else {},
                }
                for i, text in enumerate(texts, start=1)
            ]
            + [
                {"source_id": other.id, "ordinal": 1, "text": "plain", "start": 0, "end": 5, "attributes": {}}
            ],
        )
    ids = units(project)
    coding.apply_code(project, ids["old text"], "MT.IOT", coder="anna")
    coding.apply_code(project, ids[TRICKY], "MT.IOT", coder="anna")
    coding.apply_code(project, ids[TRICKY], "MT.BIO", coder="ben")
    with project.transaction() as session:
        code_rows = {c.code_id: c.id for c in session.exec(select(Code))}
        session.add(
            Coding(unit_id=ids[FORMULA], code_id=code_rows["EI.PACK"], coder="lead", origin="adjudicated")
        )
        session.add_all(
            [
                Suggestion(unit_id=ids["plain"], code_id=code_rows["EI.PACK"], model="rules-1", score=0.75),
                Suggestion(
                    unit_id=ids[FORMULA],
                    code_id=code_rows["MT.BIO"],
                    model="clf-2",
                    score=0.9,
                    source="classifier",
                ),  # fmt: skip
                Suggestion(unit_id=ids["old text"], code_id=code_rows["MT.BIO"], model="rules-1", score=0.6),
            ]
        )
    with project.session() as session:
        plain = session.exec(select(Suggestion).where(Suggestion.unit_id == ids["plain"])).one()
    coding.decide_suggestion(project, plain.id, coder="ben", accept=True)  # origin accepted-suggestion
    coding.set_memo(project, "unit", ids[TRICKY], coder="anna", text="=1+1, check this")
    coding.set_memo(project, "code", code_rows["MT.BIO"], coder="lead", text="Includes «green» chemistry")
    coding.set_memo(project, "unit", ids["old text"], coder="anna", text="on the old version")
    return project


def units(project: Project) -> dict[str, int]:
    with project.session() as session:
        return {text: uid for uid, text in session.exec(select(Unit.id, Unit.text))}


def test_each_table_holds_what_the_store_holds(coded: Project) -> None:
    ids = units(coded)
    sources = sources_table(coded)
    assert sources["title"].tolist() == ["Blog: «Ünïcode»", "Report"]  # current versions only
    assert sources.loc[0, ["units", "version", "previous_id", "source_type"]].tolist() == [6, 2, 1, "blog"]

    unit_rows = units_table(coded)
    assert len(unit_rows) == 7 and "old text" not in unit_rows["text"].tolist()
    first = unit_rows.iloc[0]
    assert (first["text"], first["source_title"], first["ordinal"], first["page"], first["section"]) == (
        TRICKY,
        "Blog: «Ünïcode»",
        1,
        2,
        "Drivers",
    )
    assert (first["start"], first["end"], first["period"], first["attributes"]) == (
        10,
        10 + len(TRICKY),
        "2007-2014",
        '{"country": "DE"}',
    )
    assert pd.isna(unit_rows.iloc[1]["page"]) and str(unit_rows["page"].dtype) == "Int64"

    codes = codes_table(coded)
    assert codes["code_id"].tolist() == ["MT.IOT", "MT.BIO", "EI.PACK"]
    assert codes.loc[1, ["name", "group", "group_name", "status", "definition", "codings"]].tolist() == [
        "Biotech",
        "MT",
        "Megatrends",
        "active",
        "Biotech.",
        1,
    ]

    assert codes.set_index("code_id")["codings"].to_dict() == {"MT.IOT": 1, "MT.BIO": 1, "EI.PACK": 2}
    assert codes_table(coded, all_versions=True).loc[0, "codings"] == 2  # with the older version's

    codings = codings_table(coded)
    assert codings[["unit_id", "code_id", "coder", "origin"]].values.tolist() == [
        [ids[TRICKY], "MT.IOT", "anna", "manual"],
        [ids[TRICKY], "MT.BIO", "ben", "manual"],
        [ids[FORMULA], "EI.PACK", "lead", "adjudicated"],
        [ids["plain"], "EI.PACK", "ben", "accepted-suggestion"],
    ]
    assert (
        codings.loc[0, "source_title"] == "Blog: «Ünïcode»" and codings.loc[0, "code_name"] == CODES["MT.IOT"]
    )
    assert codings.loc[0, "created_at"].endswith("+00:00")

    suggestions = suggestions_table(coded)
    assert suggestions[["unit_id", "code_id", "model", "score", "method", "status"]].values.tolist() == [
        [ids["plain"], "EI.PACK", "rules-1", 0.75, "rules", "accepted"],
        [ids[FORMULA], "MT.BIO", "clf-2", 0.9, "classifier", "open"],
    ]
    assert suggestions.loc[0, "decided_by"] == "ben" and pd.isna(suggestions.loc[1, "decided_by"])

    memos = memos_table(coded)
    assert memos[["kind", "coder", "text"]].values.tolist() == [
        ["unit", "anna", "=1+1, check this"],
        ["code", "lead", "Includes «green» chemistry"],
    ]
    assert memos.loc[0, "unit_id"] == ids[TRICKY] and pd.isna(memos.loc[0, "code_id"])
    assert memos.loc[1, "code_id"] == "MT.BIO" and pd.isna(memos.loc[1, "unit_id"])


def test_all_versions_and_counts(coded: Project) -> None:
    assert count_rows(coded) == {
        "sources": 2,
        "units": 7,
        "codes": 3,
        "codings": 4,
        "suggestions": 2,
        "memos": 2,
    }
    assert count_rows(coded, all_versions=True) == {
        "sources": 3,
        "units": 8,
        "codes": 3,
        "codings": 5,
        "suggestions": 3,
        "memos": 3,
    }
    old = sources_table(coded, all_versions=True)
    assert old["current"].tolist() == [False, True, True]
    assert "old text" in units_table(coded, all_versions=True)["text"].tolist()


def test_chunks_are_the_table_in_pieces(coded: Project) -> None:
    pieces = list(table_chunks(coded, "units", chunk_rows=3))
    assert [len(p) for p in pieces] == [3, 3, 1]
    pd.testing.assert_frame_equal(pd.concat(pieces, ignore_index=True), units_table(coded))


def test_an_empty_project_gives_tables_with_their_columns(project: Project, tmp_path: Path) -> None:
    written = export_csv(project, tmp_path / "out")
    assert [(w.table, w.rows) for w in written] == [(name, 0) for name in TABLES]
    assert list(pd.read_csv(tmp_path / "out" / "codings.csv").columns) == list(TABLES["codings"])
    export_xlsx(project, tmp_path / "out.xlsx")
    book = pd.read_excel(tmp_path / "out.xlsx", sheet_name=None)
    assert list(book) == list(TABLES) and list(book["memos"].columns) == list(TABLES["memos"])


def test_csv_reads_back_in_pandas_and_is_safe_in_excel(coded: Project, tmp_path: Path) -> None:
    folder = tmp_path / "new" / "tables"  # made, parents too
    written = export_csv(coded, folder)
    assert [(w.table, w.path.name, w.rows) for w in written] == [
        ("sources", "sources.csv", 2),
        ("units", "units.csv", 7),
        ("codes", "codes.csv", 3),
        ("codings", "codings.csv", 4),
        ("suggestions", "suggestions.csv", 2),
        ("memos", "memos.csv", 2),
    ]
    raw = (folder / "units.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfid,source_id,")  # the byte order mark Excel needs for UTF-8
    frame = pd.read_csv(folder / "units.csv", keep_default_na=False)
    assert list(frame.columns) == list(TABLES["units"])  # the mark is not part of the first name
    texts = frame["text"].tolist()
    assert texts[0] == TRICKY  # commas, quotes, line breaks and accents intact
    # a text that a spreadsheet would run as a formula starts with an apostrophe
    assert texts[1:4] == ["'" + FORMULA, "'-3 firms left", "'@channel"]
    assert texts[4] == LONG and texts[5] == CONTROL  # CSV has no cell limit and keeps every character
    codings = pd.read_csv(folder / "codings.csv")
    assert codings[["code_id", "coder", "origin"]].values.tolist()[-1] == [
        "EI.PACK",
        "ben",
        "accepted-suggestion",
    ]
    assert pd.read_csv(folder / "memos.csv")["text"].tolist()[0] == "'=1+1, check this"
    assert pd.read_csv(folder / "sources.csv")["title"].tolist() == ["Blog: «Ünïcode»", "Report"]


def test_xlsx_reads_back_with_text_as_text(coded: Project, tmp_path: Path) -> None:
    path = tmp_path / "project.xlsx"
    written = export_xlsx(coded, path)
    assert [(w.table, w.rows, w.sheets) for w in written][:2] == [
        ("sources", 2, ["sources"]),
        ("units", 7, ["units"]),
    ]
    assert {w.table: w.cut for w in written}["units"] == 1
    book = pd.read_excel(path, sheet_name=None, keep_default_na=False)
    assert list(book) == list(TABLES)
    texts = book["units"]["text"].tolist()
    assert texts[:4] == [TRICKY, FORMULA, "-3 firms left", "@channel"]
    assert len(texts[4]) == sheets.EXCEL_CELL and texts[4].endswith(sheets.CUT_MARK)
    assert texts[5] == "page\ufffdbreak\ufffdhere"  # same length: offsets still line up
    assert book["codings"]["origin"].tolist() == ["manual", "manual", "adjudicated", "accepted-suggestion"]
    assert book["memos"]["text"].tolist()[0] == "=1+1, check this"
    cells = openpyxl.load_workbook(path)["units"]
    assert (cells["J3"].value, cells["J3"].data_type) == (FORMULA, "s")  # never a formula
    assert not path.with_name(f".{path.name}.part").exists()


def test_a_table_longer_than_a_sheet_goes_on_over_sheets(
    coded: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sheets, "EXCEL_ROWS", 4)  # a header and three rows
    written = {w.table: w for w in export_xlsx(coded, tmp_path / "t.xlsx")}
    assert written["units"].sheets == ["units", "units 2", "units 3"] and written["units"].rows == 7
    book = pd.read_excel(tmp_path / "t.xlsx", sheet_name=None)
    assert [len(book[s]) for s in written["units"].sheets] == [3, 3, 1]
    together = pd.concat([book[s] for s in written["units"].sheets], ignore_index=True)
    assert together["id"].tolist() == units_table(coded)["id"].tolist()


def test_sheet_names_fit_excel() -> None:
    assert sheets.sheet_name("a/b:c*d?[e]") == "a_b_c_d__e_"
    long = "x" * 40
    assert sheets.sheet_name(long) == "x" * 31
    assert sheets.sheet_name(long, ["x" * 31]) == "x" * 29 + " 2"
    assert sheets.sheet_name("Codes", ["codes"]) == "Codes 2"


def test_export_commands(coded: Project, cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    p = ("--project", str(coded.root))
    result = cli(*p, "export", "csv", str(tmp_path / "tables"))
    assert result.code == 0, result.err
    assert result.out.splitlines() == [
        "sources              2 rows",
        "units                7 rows",
        "codes                3 rows",
        "codings              4 rows",
        "suggestions          2 rows",
        "memos                2 rows",
        f"Wrote 6 tables to {tmp_path / 'tables'}",
    ]
    assert sorted(p.name for p in (tmp_path / "tables").iterdir()) == sorted(f"{t}.csv" for t in TABLES)
    result = cli(*p, "export", "xlsx", str(tmp_path / "all.xlsx"), "--all-versions")
    assert result.code == 0, result.err
    assert result.out.splitlines()[1] == (
        "units                8 rows; 1 texts cut to Excel's 32,767 characters "
        "(the CSV export keeps them whole)"
    )
    assert result.out.splitlines()[-1] == f"Wrote 6 tables to {tmp_path / 'all.xlsx'}"
    assert len(pd.read_excel(tmp_path / "all.xlsx", sheet_name="units")) == 8


@pytest.mark.parametrize(
    ("command", "target", "message"),
    [
        ("xlsx", "missing/out.xlsx", "{t}/missing/out.xlsx: the folder {t}/missing does not exist"),
        ("xlsx", "folder", "{t}/folder: is a folder; give a file name ending in .xlsx"),
        ("xlsx", "out.csv", "{t}/out.csv: the file name must end in .xlsx"),
        ("csv", "file.txt", "{t}/file.txt: is a file; give a folder for the CSV files"),
    ],
)
def test_export_to_a_bad_path_is_one_line(  # type: ignore[no-untyped-def]
    project: Project, cli, tmp_path: Path, command: str, target: str, message: str
) -> None:
    (tmp_path / "folder").mkdir()
    (tmp_path / "file.txt").write_text("x")
    result = cli("--project", str(project.root), "export", command, str(tmp_path / target))
    assert (result.code, result.out) == (1, "")
    assert result.err == f"Error: {message.format(t=tmp_path)}\n"


def test_codes_follow_the_codebook_tree(project: Project) -> None:
    from foresight.codebook import code_tree
    from foresight.resources import DEFAULT_CODEBOOK

    import_codebook(project, DEFAULT_CODEBOOK, actor="test")
    codes = codes_table(project)
    tree = code_tree(project, include_inactive=True)
    assert codes[["code_id", "parent", "depth"]].values.tolist() == [
        [c["id"], c["parent"], c["depth"]] for c in tree
    ]
    assert codes["parent"].notna().sum() > 0 and (codes["group_name"] != "").all()


@pytest.mark.parametrize(
    "command",
    [
        ("cooccurrence",),
        ("trends",),
        ("bursts",),
        ("network",),
        ("agreement", "report"),
        ("agreement", "disagreements"),
        ("suggest", "stats"),
        ("suggest", "evaluate"),
    ],
)
def test_analysis_files_are_checked_before_the_work(  # type: ignore[no-untyped-def]
    project: Project, cli, tmp_path: Path, command: tuple[str, ...]
) -> None:
    target = tmp_path / "missing" / "out.xlsx"
    result = cli("--project", str(project.root), *command, "--xlsx", str(target))
    assert (result.code, result.err) == (1, f"Error: {target}: the folder {target.parent} does not exist\n")
    result = cli("--project", str(project.root), *command, "--csv", str(tmp_path))
    assert (result.code, result.err) == (
        1,
        f"Error: {tmp_path}: is a folder; give a file name ending in .csv\n",
    )
