"""``foresight import codings``: codings from a sheet, every row accounted for by its line."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from foresight import coding, corpus
from foresight.codebook import import_codebook
from foresight.errors import ForesightError
from foresight.ingest import ingest
from foresight.interop.codings_import import import_codings
from foresight.project import Project
from foresight.resources import DEFAULT_CODEBOOK
from tests import builders


@pytest.fixture
def coded(project: Project, tmp_path: Path) -> Project:
    import_codebook(project, DEFAULT_CODEBOOK, actor="test")
    ingest(project, [builders.word_document(tmp_path / "blue.docx")])
    return project


def codings(project: Project) -> set[tuple[int, str, str, str]]:
    return {(r["unit_id"], r["code_id"], r["coder"], r["origin"]) for r in coding.list_codings(project)}


def test_good_rows_are_applied_and_every_other_row_is_reported_by_its_line(
    coded: Project, tmp_path: Path
) -> None:
    units = [u["id"] for u in corpus.list_units(coded)]
    coding.apply_code(coded, units[2], "FC.TREND", coder="ben")
    sheet = tmp_path / "codings.csv"
    sheet.write_text(
        "Unit,Code,Coder,Origin,Memo\n"
        f"{units[0]},FC.TREND,anna,,check the date\n"  # 2: applied, with a memo
        f"{units[1]},Blue growth industries,anna,adjudicated,\n"  # 3: by the code's name
        f"{units[2]},FC.TREND,ben,,\n"  # 4: ben has it already
        f"{units[0]},FC.TREND,anna,,\n"  # 5: repeats line 2
        "99999,FC.TREND,anna,,\n"  # 6: no such unit
        f"{units[1]},NO.SUCH,anna,,\n"  # 7: no such code
        f"{units[1]},FC.DRIVER,,,\n"  # 8: no coder
        f"{units[1]},FC.DRIVER,anna,guessed,\n"  # 9: no such origin
        "\n"
        f"{units[0]},FC.DRIVER,cleo,,\n"  # 11: applied
    )
    report = import_codings(coded, sheet, actor="lead")
    assert (report.rows, report.applied, report.memos) == (9, 3, 1)
    assert [(p.line, p.reason) for p in report.skipped] == [
        (4, f"ben has FC.TREND on unit {units[2]} already"),
        (5, f"anna has FC.TREND on unit {units[0]} already"),
    ]
    assert [p.line for p in report.refused] == [6, 7, 8, 9]
    assert report.refused[0].reason == "no unit 99999 in the project"
    assert report.refused[1].reason.startswith("no code 'NO.SUCH' in codebook")
    assert codings(coded) == {
        (units[0], "FC.TREND", "anna", "manual"),
        (units[1], "EI.BLUE_GROWTH", "anna", "adjudicated"),
        (units[2], "FC.TREND", "ben", "manual"),
        (units[0], "FC.DRIVER", "cleo", "manual"),
    }
    assert coding.get_memo(coded, "unit", units[0], coder="anna") == "check the date"


def test_an_xlsx_sheet_is_read_like_a_csv(coded: Project, tmp_path: Path) -> None:
    units = [u["id"] for u in corpus.list_units(coded)]
    book = openpyxl.Workbook()
    book.active.append(["unit_id", "code_id", "coder"])
    book.active.append([units[0], "FC.TREND", "anna"])  # a number cell, as a sheet has it
    book.save(tmp_path / "codings.xlsx")
    report = import_codings(coded, tmp_path / "codings.xlsx", actor="lead")
    assert report.applied == 1 and codings(coded) == {(units[0], "FC.TREND", "anna", "manual")}


def test_a_file_that_cannot_be_read_applies_nothing(coded: Project, tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    units = [u["id"] for u in corpus.list_units(coded)]
    no_coder = tmp_path / "no-coder.csv"
    no_coder.write_text(f"unit,code\n{units[0]},FC.TREND\n")
    with pytest.raises(ForesightError, match="must name the columns unit, code and coder"):
        import_codings(coded, no_coder, actor="lead")
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a workbook")
    result = cli("--project", str(coded.root), "import", "codings", str(broken))
    assert result.code == 1 and result.err.startswith(f"Error: {broken}: not a readable .xlsx workbook")
    assert "Traceback" not in result.err
    latin = tmp_path / "latin.csv"
    latin.write_bytes(f"unit,code,coder\n{units[0]},FC.TREND,Jos\xe9\n".encode("latin-1"))
    with pytest.raises(ForesightError, match="not UTF-8"):
        import_codings(coded, latin, actor="lead")
    assert codings(coded) == set()


def test_the_command_reports_rows_by_line_and_as_json(coded: Project, tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    units = [u["id"] for u in corpus.list_units(coded)]
    sheet = tmp_path / "codings.csv"
    sheet.write_text(f"unit;code;coder\n{units[0]};FC.TREND;anna\n42424;FC.TREND;anna\n")  # semicolons
    result = cli("--project", str(coded.root), "import", "codings", str(sheet))
    assert result.code == 0, result.err
    assert "2 rows; 1 codings applied, 0 skipped, 1 refused" in " ".join(result.out.split())
    assert "line 3: refused: no unit 42424 in the project" in result.out
    again = json.loads(cli("--project", str(coded.root), "import", "codings", str(sheet), "--json").out)
    assert again["applied"] == 0 and again["skipped"] == [
        {"line": 2, "reason": f"anna has FC.TREND on unit {units[0]} already"}
    ]
