"""Double-coding batches, the agreement report, disagreements and adjudication, in the store and CLI."""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import insert, inspect
from sqlmodel import select

from foresight import agreement, coding
from foresight.codebook import import_codebook
from foresight.errors import ForesightError
from foresight.project import Project
from foresight.resources import DEFAULT_CODEBOOK
from foresight.store import MIGRATIONS, Adjudication, BatchUnit, Coding, Source, Unit, make_engine

CODE = "FC.TREND"


def add_source(project: Project, units: int, source_type: str = "news", current: bool = True) -> list[int]:
    with project.transaction() as session:
        n = len(session.exec(select(Source)).all())
        source = Source(
            title=f"{source_type} {n}",
            path=f"/synthetic/{n}",
            sha256=f"{n:064x}",
            file_sha256=f"{n:064x}",
            format="txt",
            source_type=source_type,
            current=current,
        )
        session.add(source)
        session.flush()
        session.execute(
            insert(Unit),
            [
                {
                    "source_id": source.id,
                    "ordinal": i,
                    "text": f"Paragraph {i} of {source_type} {n}.",
                    "start": 0,
                    "end": 10,
                    "attributes": {},
                }
                for i in range(units)
            ],
        )
        return list(session.exec(select(Unit.id).where(Unit.source_id == source.id).order_by(Unit.id)))


@pytest.fixture
def book(project: Project) -> Project:
    import_codebook(project, DEFAULT_CODEBOOK, actor="test")
    return project


def code_units(project: Project, coder: str, units: list[int], applied: list[bool], code: str = CODE) -> None:
    """The coder applies ``code`` where ``applied`` says so and marks the other units done."""
    for unit, yes in zip(units, applied, strict=True):
        if yes:
            coding.apply_code(project, unit, code, coder=coder)
        else:
            coding.mark_done(project, unit, coder=coder)


@pytest.fixture
def textbook(book: Project) -> tuple[Project, list[int]]:
    """The textbook Cohen example on FC.TREND: yes/yes 20, yes/no 5, no/yes 10, no/no 15 (kappa 0.4)."""
    units = add_source(book, 50)
    anna = [True] * 25 + [False] * 25
    ben = [True] * 20 + [False] * 5 + [True] * 10 + [False] * 15
    code_units(book, "anna", units, anna)
    code_units(book, "ben", units, ben)
    return book, units


def by_code(report: agreement.AgreementReport) -> dict[str, agreement.CodeAgreement]:
    return {c.code: c for c in report.codes}


# -- assign --------------------------------------------------------------------------------------


def test_assign_is_reproducible_and_stratified_in_proportion(book: Project) -> None:
    news = add_source(book, 60, "news")
    policy = add_source(book, 30, "policy")
    blogs = add_source(book, 10, "blog")
    add_source(book, 20, "news", current=False)  # an older version: never drawn
    first = agreement.assign_batch(
        book, coders=["anna", "ben"], n=20, stratify="source_type", seed=7, actor="lead"
    )
    assert first.strata == {"blog": 2, "news": 12, "policy": 6}
    assert len(first.units) == 20 and set(first.units) <= set(news + policy + blogs)
    again = agreement.assign_batch(
        book, coders=["cleo", "dan"], n=20, stratify="source_type", seed=7, actor="lead"
    )
    assert again.units == first.units  # same seed, same available units: the same draw
    with book.session() as session:
        stored = set(session.exec(select(BatchUnit.unit_id).where(BatchUnit.batch_id == first.id)))
    assert stored == set(first.units)
    third = agreement.assign_batch(book, coders=["anna", "ben"], n=80, seed=7, actor="lead")
    assert not set(third.units) & set(first.units)  # units already in their batch are skipped
    listed = agreement.list_batches(book)
    assert [b["units"] for b in listed] == [20, 20, 80]
    assert [b["unit_ids"] for b in listed] == [sorted(first.units), sorted(again.units), sorted(third.units)]
    with book.session() as session:
        assert coding.batch_units(session, "anna") == set(first.units) | set(third.units)


def test_assign_refuses_what_it_cannot_do(book: Project) -> None:
    add_source(book, 5)
    with pytest.raises(ForesightError) as error:
        agreement.assign_batch(book, coders=["anna", "ben"], n=6, actor="lead")
    assert str(error.value) == (
        "only 5 units can go into a batch for anna, ben (units of current sources not yet in a batch "
        "of theirs); ask for --n 5 or fewer"
    )
    with pytest.raises(ForesightError) as error:
        agreement.assign_batch(book, coders=["anna"], n=2, actor="lead")
    assert str(error.value) == "agreement needs at least two coders (got anna); name them with --coders A,B"
    with pytest.raises(ForesightError, match="coder anna is named twice in --coders"):
        agreement.assign_batch(book, coders=["anna", "ben", "anna"], n=2, actor="lead")
    with pytest.raises(
        ForesightError, match="--stratify takes source_type, actor_type, period; got 'colour'"
    ):
        agreement.assign_batch(book, coders=["anna", "ben"], n=2, stratify="colour", actor="lead")


# -- report --------------------------------------------------------------------------------------


def test_report_on_the_textbook_example(textbook: tuple[Project, list[int]]) -> None:
    project, units = textbook
    report = agreement.agreement_report(project, coders=["anna", "ben"])
    trend = by_code(report)[CODE]
    assert report.units == report.alpha_units == 50
    frame = report.codes_frame()  # for a notebook
    assert frame.set_index("code").loc[CODE, ["applied_anna", "applied_ben", "verdict"]].tolist() == [
        25,
        30,
        "not reliable",
    ]
    assert trend.applied == {"anna": 25, "ben": 30}
    assert trend.agreement == pytest.approx(0.7)
    assert round(trend.cohen_kappa, 3) == 0.4
    assert trend.fleiss_kappa is None
    data = np.array([[1] * 25 + [0] * 25, [1] * 20 + [0] * 5 + [1] * 10 + [0] * 15], dtype=float).T
    assert trend.alpha == pytest.approx(agreement.krippendorff_alpha(data))
    assert trend.verdict == "not reliable"
    unused = by_code(report)["MT.IOT"]  # a code nobody used
    assert (unused.alpha, unused.cohen_kappa, unused.agreement, unused.verdict) == (
        None,
        None,
        1.0,
        "undefined",
    )
    assert unused.note == "no variation: no coder applied it to any unit"
    assert report.disagreements == 15 and report.adjudicated == 0
    assert report.overall.worst[0] == {"code": CODE, "name": "Trend", "alpha": trend.alpha}


def test_overall_alpha_pools_every_unit_code_decision(book: Project) -> None:
    units = add_source(book, 30)
    rng = np.random.default_rng(3)
    codes = ["FC.TREND", "FC.DRIVER", "MT.IOT"]
    truth = rng.random((30, 3)) < 0.4
    decisions = {}
    for coder in ("anna", "ben", "cleo"):
        decisions[coder] = truth ^ (rng.random((30, 3)) < 0.2)
        for u, row in zip(units, decisions[coder], strict=True):
            for code, yes in zip(codes, row, strict=True):
                if yes:
                    coding.apply_code(book, u, code, coder=coder)
            coding.mark_done(book, u, coder=coder)
    report = agreement.agreement_report(book, coders=["anna", "ben", "cleo"])
    stacked = np.stack([decisions[c].reshape(-1) for c in ("anna", "ben", "cleo")], axis=1).astype(float)
    unused = np.zeros((30 * (len(report.codes) - 3), 3))  # every other code: absent for all three
    stacked = np.concatenate([stacked, unused])
    assert report.overall.alpha == pytest.approx(agreement.krippendorff_alpha(stacked))
    for k, code in enumerate(codes):
        column = np.stack([decisions[c][:, k] for c in ("anna", "ben", "cleo")], axis=1).astype(float)
        entry = by_code(report)[code]
        assert entry.alpha == pytest.approx(agreement.krippendorff_alpha(column))
        assert entry.fleiss_kappa == pytest.approx(agreement.fleiss_kappa(column))
        assert entry.cohen_kappa is None
        assert entry.agreement == pytest.approx(agreement.percent_agreement(column))


def test_a_unit_a_coder_has_not_finished_is_missing_not_absent(book: Project) -> None:
    units = add_source(book, 6)
    code_units(book, "anna", units, [True, True, False, False, True, False])
    code_units(book, "ben", units, [True, True, False, False, False, False])
    code_units(book, "cleo", units[:4], [True, False, False, False])  # cleo has not finished 2 units
    report = agreement.agreement_report(book, coders=["anna", "ben", "cleo"])
    assert (report.units, report.alpha_units) == (4, 6)
    nan = math.nan
    data = np.array([[1, 1, 0, 0, 1, 0], [1, 1, 0, 0, 0, 0], [1, 0, 0, 0, nan, nan]]).T
    trend = by_code(report)[CODE]
    assert trend.alpha == pytest.approx(agreement.krippendorff_alpha(data))
    assert trend.applied == {"anna": 2, "ben": 2, "cleo": 1}  # over the 4 units all finished
    assert trend.note is None
    coding.apply_code(book, units[4], "FC.DRIVER", coder="anna")  # varies only where cleo is missing
    driver = by_code(agreement.agreement_report(book, coders=["anna", "ben", "cleo"]))["FC.DRIVER"]
    assert driver.alpha is not None and driver.fleiss_kappa is None
    assert driver.note == "no variation on the units every coder finished: kappa is undefined"
    assert trend.fleiss_kappa == pytest.approx(agreement.fleiss_kappa(data[:4]))


def test_confusion_counts_one_code_used_where_another_coder_used_another(book: Project) -> None:
    units = add_source(book, 5)
    for u in units[:3]:
        coding.apply_code(book, u, "FC.TREND", coder="anna")
        coding.apply_code(book, u, "FC.DRIVER", coder="ben")
    coding.apply_code(book, units[3], "MT.IOT", coder="anna")
    coding.apply_code(book, units[3], "FC.WEAK_SIGNAL", coder="ben")
    coding.apply_code(book, units[4], "FC.TREND", coder="anna")
    coding.apply_code(book, units[4], "FC.TREND", coder="ben")
    report = agreement.agreement_report(book, coders=["anna", "ben"], group="FC")
    assert {c.code[:3] for c in report.codes} == {"FC."}
    assert [(c.code_a, c.code_b, c.count) for c in report.confusion] == [("FC.TREND", "FC.DRIVER", 3)]
    everything = agreement.agreement_report(book, coders=["anna", "ben"])
    assert {(c.code_a, c.code_b, c.count) for c in everything.confusion} == {
        ("FC.TREND", "FC.DRIVER", 3),
        ("MT.IOT", "FC.WEAK_SIGNAL", 1),
    }


def test_report_edge_cases_give_defined_answers(book: Project) -> None:
    units = add_source(book, 3)
    with pytest.raises(ForesightError, match="the project has no double-coding batch; name the coders"):
        agreement.agreement_report(book)
    with pytest.raises(ForesightError, match=r"agreement needs at least two coders \(got anna\)"):
        agreement.agreement_report(book, coders=["anna"])
    with pytest.raises(ForesightError, match="no code group 'XX' in codebook"):
        agreement.agreement_report(book, coders=["anna", "ben"], group="XX")
    empty = agreement.agreement_report(book, coders=["anna", "ben"])  # nobody coded anything
    assert (empty.units, empty.overall.alpha, empty.overall.mean_alpha) == (0, None, None)
    assert empty.overall.note == "no unit finished by two of the coders"
    assert by_code(empty)[CODE].agreement is None
    code_units(book, "anna", units[:1], [True])  # a single unit, the coders differ
    code_units(book, "ben", units[:1], [False])
    single = agreement.agreement_report(book, coders=["anna", "ben"])
    assert single.units == 1
    assert (by_code(single)[CODE].alpha, by_code(single)[CODE].cohen_kappa) == (0.0, 0.0)
    assert "NaN" not in json.dumps(single.as_json())


def test_thresholds_come_from_foresight_toml(textbook: tuple[Project, list[int]]) -> None:
    project, _ = textbook
    config = project.root / "foresight.toml"
    config.write_text(
        config.read_text()
        .replace("reliable = 0.8", "reliable = 0.35")
        .replace("tentative = 0.667", "tentative = 0.2")
    )
    reopened = Project.open(project.root)
    assert by_code(agreement.agreement_report(reopened, coders=["anna", "ben"]))[CODE].verdict == "reliable"
    reopened.close()


# -- disagreements and adjudication --------------------------------------------------------------


def test_disagreements_and_adjudication_keep_each_coders_coding(textbook: tuple[Project, list[int]]) -> None:
    project, units = textbook
    coding.apply_code(project, units[0], "FC.DRIVER", coder="anna")
    rows = agreement.list_disagreements(project, coders=["anna", "ben"])
    assert [r.unit_id for r in rows] == [units[0], *units[20:35]]
    first = rows[0]
    assert first.codes == {"anna": ["FC.TREND", "FC.DRIVER"], "ben": ["FC.TREND"]}
    assert (first.differing, first.adjudication) == (["FC.DRIVER"], None)
    assert first.text == "Paragraph 0 of news 0."
    assert len(agreement.list_disagreements(project, coders=["anna", "ben"], code="FC.DRIVER")) == 1

    agreed = agreement.adjudicate(project, units[0], ["FC.TREND"], adjudicator="lead", note="no driver named")
    assert (agreed.by, agreed.codes) == ("lead", ["FC.TREND"])
    agreement.adjudicate(project, units[20], [], adjudicator="lead")  # agreed: no code applies
    held = {(r["unit_id"], r["code_id"], r["coder"], r["origin"]) for r in coding.list_codings(project)}
    assert (units[0], "FC.TREND", "lead", "adjudicated") in held
    assert (units[0], "FC.DRIVER", "anna", "manual") in held  # anna's own coding kept
    assert not any(u == units[20] and c == "lead" for u, _, c, _ in held)
    rows = agreement.list_disagreements(project, coders=["anna", "ben"])
    assert rows[0].adjudication.codes == ["FC.TREND"]
    assert rows[1].adjudication.by == "lead" and rows[1].adjudication.codes == []
    report = agreement.agreement_report(project, coders=["anna", "ben"])
    assert (report.disagreements, report.adjudicated) == (16, 2)
    assert round(by_code(report)["FC.TREND"].cohen_kappa, 3) == 0.4  # adjudication changes no figure

    agreement.adjudicate(project, units[0], ["FC.TREND", "FC.DRIVER"], adjudicator="lead")  # again: replaced
    with project.session() as session:
        adjudicated = session.exec(select(Coding).where(Coding.origin == "adjudicated")).all()
        record = session.get(Adjudication, units[0])
    assert sorted(c.code_id for c in adjudicated if c.unit_id == units[0]) == sorted(
        {c.code_id for c in adjudicated if c.unit_id == units[0]}
    )
    assert len([c for c in adjudicated if c.unit_id == units[0]]) == 2
    assert (record.adjudicator, record.coders) == ("lead", ["anna", "ben"])

    with pytest.raises(ForesightError) as error:
        agreement.adjudicate(project, units[1], ["FC.TREND"], adjudicator="anna")
    assert str(error.value) == (
        f"anna coded unit {units[1]}; adjudicate under another name (e.g. --coder lead) "
        "so that anna's own coding is kept"
    )
    batch = agreement.assign_batch(project, coders=["cleo", "dan"], n=1, seed=1, actor="lead")
    with pytest.raises(ForesightError, match=f"cleo codes unit {batch.units[0]}; adjudicate under another"):
        agreement.adjudicate(project, batch.units[0], [], adjudicator="cleo")  # blind: others' codes hidden
    single = add_source(project, 1)
    coding.mark_done(project, single[0], coder="anna")
    with pytest.raises(ForesightError) as error:
        agreement.adjudicate(project, single[0], [], adjudicator="lead")
    assert str(error.value) == f"unit {single[0]} is not double-coded yet (only anna): nothing to adjudicate"


def test_an_older_store_gains_the_adjudication_table(tmp_path: Path) -> None:
    project = Project.init(tmp_path / "old")
    with project.engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE adjudication")
        conn.exec_driver_sql("DELETE FROM schema_migration WHERE name = '0003_adjudication'")
    project.close()
    reopened = Project.open(tmp_path / "old")
    assert inspect(reopened.engine).has_table("adjudication")
    reopened.close()
    engine = make_engine(reopened.database_url)
    with engine.connect() as conn:
        names = [r[0] for r in conn.exec_driver_sql("SELECT name FROM schema_migration ORDER BY name")]
    engine.dispose()
    assert names == [name for name, _ in MIGRATIONS]


# -- the command line ----------------------------------------------------------------------------


def test_agreement_commands(cli, textbook: tuple[Project, list[int]], tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    project, units = textbook
    p = ("--project", str(project.root))
    extra = add_source(project, 10, "policy")
    result = cli(
        *p, "agreement", "assign", "--coders", "anna,ben", "--n", "4", "--seed", "1", "--coder", "lead"
    )
    assert result.code == 0, result.err
    assert result.out.startswith("Batch 1 (batch 1): 4 units for anna, ben (seed 1)")
    result = cli(*p, "agreement", "assign", "--coders", "anna", "--n", "4")
    assert (result.code, result.err) == (
        1,
        "Error: agreement needs at least two coders (got anna); name them with --coders A,B\n",
    )
    result = cli(*p, "agreement", "assign", "--coders", "anna,ben", "--n", "100")
    assert result.code == 1
    assert result.err == (
        "Error: only 56 units can go into a batch for anna, ben (units of current sources not yet in a "
        "batch of theirs); ask for --n 56 or fewer\n"
    )
    assert len(extra) == 10
    batches = json.loads(cli(*p, "agreement", "batches", "--json").out)
    assert [(b["id"], b["coders"], b["units"], b["seed"]) for b in batches] == [(1, ["anna", "ben"], 4, 1)]

    data = json.loads(cli(*p, "agreement", "report", "--json").out)  # the newest batch's coders
    assert data["coders"] == ["anna", "ben"] and data["units"] == 50
    trend = next(c for c in data["codes"] if c["code"] == CODE)
    assert {k: trend[k] for k in ("code", "name", "fleiss_kappa", "verdict")} == {
        "code": CODE,
        "name": "Trend",
        "fleiss_kappa": None,
        "verdict": "not reliable",
    }
    assert round(trend["cohen_kappa"], 3) == 0.4 and trend["agreement"] == pytest.approx(0.7)
    assert data["overall"]["mean_alpha"] == pytest.approx(trend["alpha"])  # the one code with variation
    unused = next(c for c in data["codes"] if c["code"] == "MT.IOT")
    assert (unused["alpha"], unused["note"]) == (None, "no variation: no coder applied it to any unit")

    table = tmp_path / "agreement.csv"
    result = cli(*p, "agreement", "report", "--coders", "anna,ben", "--codes", "FC", "--csv", str(table))
    assert result.code == 0, result.err
    assert "50 units finished by anna, ben (50 by at least two, used for alpha)" in result.out
    assert "15 units with disagreements, 0 adjudicated" in result.out
    with table.open(encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    assert rows[0].keys() >= {"code", "applied_anna", "applied_ben", "alpha", "cohen_kappa", "verdict"}
    row = next(r for r in rows if r["code"] == CODE)
    assert (row["applied_anna"], row["applied_ben"]) == ("25", "30")
    assert float(row["cohen_kappa"]) == pytest.approx(0.4)
    result = cli(*p, "agreement", "report", "--coders", "anna,ben", "--reliable", "0.5", "--tentative", "0.9")
    assert (result.code, result.err) == (1, "Error: --tentative must not be above --reliable\n")

    result = cli(*p, "agreement", "disagreements", "--coders", "anna,ben")
    assert result.code == 0, result.err
    assert f"unit {units[20]} · news 0 · open" in result.out
    assert "  anna: (no code)\n  ben: FC.TREND\n  differ on: FC.TREND" in result.out
    assert result.out.rstrip().endswith("15 units with disagreements")
    result = cli(*p, "agreement", "adjudicate", str(units[20]), "FC.TREND", "--coder", "lead")
    assert (result.code, result.out) == (0, f"unit {units[20]}: agreed on FC.TREND (adjudicated by lead)\n")
    result = cli(*p, "agreement", "adjudicate", str(units[21]), "--coder", "lead")
    assert result.code == 2
    result = cli(*p, "agreement", "adjudicate", str(units[21]), "FC.TREND", "--coder", "ben")
    assert result.code == 1 and result.err.startswith(f"Error: ben coded unit {units[21]}; adjudicate under")
    rows = json.loads(cli(*p, "agreement", "disagreements", "--coders", "anna,ben", "--json").out)
    assert rows[0]["adjudication"]["by"] == "lead" and rows[0]["adjudication"]["codes"] == ["FC.TREND"]
    assert rows[0]["codes"] == {"anna": ["FC.TREND"], "ben": []}
    rows = json.loads(cli(*p, "agreement", "disagreements", "--coders", "anna,ben", "--open", "--json").out)
    assert len(rows) == 14


def test_report_and_disagreements_write_their_tables(
    cli, textbook: tuple[Project, list[int]], tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    import pandas as pd

    project, units = textbook
    agreement.adjudicate(project, units[20], [CODE], adjudicator="lead")
    p = ("--project", str(project.root), "agreement")
    coders = ("--coders", "anna,ben")
    report = json.loads(cli(*p, "report", *coders, "--codes", "FC", "--json").out)
    xlsx = tmp_path / "report.xlsx"
    result = cli(*p, "report", *coders, "--codes", "FC", "--xlsx", str(xlsx))
    assert result.code == 0, result.err
    assert result.out.splitlines()[-1] == f"Wrote {len(report['codes'])} codes to {xlsx}"
    table = pd.read_excel(xlsx, sheet_name="codes")
    assert table["code"].tolist() == [c["code"] for c in report["codes"]]
    trend = table.set_index("code").loc[CODE]
    assert (trend["applied_anna"], trend["applied_ben"], trend["verdict"]) == (25, 30, "not reliable")
    assert trend["cohen_kappa"] == pytest.approx(0.4)

    rows = json.loads(cli(*p, "disagreements", *coders, "--json").out)
    csv_file, xlsx = tmp_path / "d.csv", tmp_path / "d.xlsx"
    result = cli(*p, "disagreements", *coders, "--csv", str(csv_file), "--xlsx", str(xlsx))
    assert result.code == 0, result.err
    assert result.out.splitlines()[-2:] == [
        f"Wrote 15 disagreements to {csv_file}",
        f"Wrote 15 disagreements to {xlsx}",
    ]
    for table in (pd.read_csv(csv_file, keep_default_na=False), pd.read_excel(xlsx, keep_default_na=False)):
        assert table["unit_id"].tolist() == [r["unit_id"] for r in rows]
        assert table["codes_ben"].tolist() == ["; ".join(r["codes"]["ben"]) for r in rows]
        assert table["state"].tolist()[:2] == ["adjudicated", "open"]
        assert table.loc[0, ["agreed", "adjudicated_by", "differing", "text"]].tolist() == [
            CODE,
            "lead",
            CODE,
            rows[0]["text"],
        ]


def test_alpha_of_exactly_two_thirds_is_tentative(cli, book: Project) -> None:  # type: ignore[no-untyped-def]
    # 18 units: both coders apply FC.TREND to 6, anna alone to 1, ben alone to 2, neither to 9:
    # n = 36, n_1 = 15, n_0 = 21, o_01 = 3, alpha = 1 - 35 * 3 / (21 * 15) = 2/3 (Krippendorff's 0.667)
    units = add_source(book, 18)
    code_units(book, "anna", units, [True] * 7 + [False] * 11)
    code_units(book, "ben", units, [True] * 6 + [False] + [True] * 2 + [False] * 9)
    trend = by_code(agreement.agreement_report(book, coders=["anna", "ben"]))[CODE]
    assert trend.alpha == pytest.approx(2 / 3, abs=1e-12) and trend.verdict == "tentative"
    result = cli("--project", str(book.root), "agreement", "report", "--coders", "anna,ben", "--codes", "FC")
    row = next(line.split() for line in result.out.splitlines() if line.split()[:1] == [CODE])
    assert row == [CODE, "Trend", "7", "8", "83%", "0.667", "0.658", "tentative"]
    # a threshold written 0.667 is 2/3, in foresight.toml and on the command line alike
    result = cli(
        "--project", str(book.root), "agreement", "report", "--coders", "anna,ben", "--tentative", "0.667"
    )
    assert [CODE, "tentative"] in ([w[0], w[-1]] for w in map(str.split, result.out.splitlines()) if w)
