"""The c-coefficient, whose codings count, slices, the matrix from the store, CLI and files."""

from __future__ import annotations

import datetime as dt
import itertools
import json
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.stats import fisher_exact
from sqlalchemy import update

from foresight.cooccurrence import Codings, Filters, c_coefficient, cooccurrence, cooccurrence_counts
from foresight.errors import ForesightError
from foresight.project import Project
from foresight.store import Coding, Source
from tests.cooc_fixtures import build

CODES = {"MT.A": "Alpha", "MT.B": "Beta", "EI.C": "Gamma", "EI.D": "Delta", "EI.E": "Unused"}


def test_the_atlas_ti_manual_example_gives_0_048() -> None:
    # 100 and 10 uses, 5 together: 5 / (100 + 10 - 5)
    assert float(c_coefficient(5, 100, 10)) == pytest.approx(5 / 105)
    assert round(float(c_coefficient(5, 100, 10)), 3) == 0.048


def test_c_is_0_when_never_together_1_when_always_and_0_for_unused_codes() -> None:
    assert c_coefficient([0, 4, 0], [3, 4, 0], [2, 4, 0]).tolist() == [0.0, 1.0, 0.0]


@pytest.fixture
def small(project: Project) -> Project:
    # unit: codes by coder
    build(
        project,
        CODES,
        [
            ("r1", {"ana": ["MT.A", "MT.B"], "ben": ["MT.A"]}),
            ("r1", {"ana": ["MT.A", "MT.B", "EI.C"], "ben": ["MT.A", "MT.B"]}),
            ("r2", {"ana": ["MT.A"], "ben": ["MT.A", "EI.C"]}),
            ("r2", {"ana": ["EI.C", "EI.D"]}),
            ("r3", {"ben": ["MT.B", "EI.D"]}),
            ("r3", {}),
        ],
        {
            "r1": {"source_type": "policy", "actor_type": "cluster", "date": dt.date(2005, 1, 1)},
            "r2": {"source_type": "news", "actor_type": "firm", "date": dt.date(2010, 1, 1)},
            "r3": {"source_type": "news", "actor_type": "cluster", "date": dt.date(2012, 1, 1)},
        },
    )
    return project


def pair(result, a: str, b: str) -> dict:  # type: ignore[no-untyped-def]
    found = [p for p in result.pairs(all_pairs=True, stats=True) if {p["code_a"], p["code_b"]} == {a, b}]
    assert len(found) == 1
    return found[0]


def test_counts_and_c_by_hand_for_one_coder(small: Project) -> None:
    result = cooccurrence(small, Codings(coder="ana"))
    # ana: u1 {A,B}, u2 {A,B,C}, u3 {A}, u4 {C,D}
    assert result.units == 4
    assert {c["id"]: c["n"] for c in result.code_list()} == {
        "MT.A": 3,
        "MT.B": 2,
        "EI.C": 2,
        "EI.D": 1,
        "EI.E": 0,
    }
    ab = pair(result, "MT.A", "MT.B")
    assert (ab["n_a"], ab["n_b"], ab["n_ab"], ab["c"]) == (3, 2, 2, pytest.approx(2 / 3, abs=1e-6))
    assert pair(result, "MT.A", "EI.C")["c"] == pytest.approx(1 / 4)
    assert pair(result, "EI.C", "EI.D")["c"] == pytest.approx(1 / 2)
    assert pair(result, "MT.A", "EI.D")["c"] == 0.0
    assert pair(result, "MT.A", "EI.E")["c"] == 0.0  # a code never used
    # a code with itself: 1 when used, 0 when not
    c = result.c()
    assert c[0, 0] == 1.0 and c[4, 4] == 0.0
    # only pairs seen together are listed by default, strongest first
    assert [(p["code_a"], p["code_b"]) for p in result.pairs()] == [
        ("MT.A", "MT.B"),
        ("EI.C", "EI.D"),
        ("MT.B", "EI.C"),
        ("MT.A", "EI.C"),
    ]


def test_whose_codings_count(small: Project) -> None:
    union = cooccurrence(small, Codings())
    assert union.units == 5
    assert pair(union, "MT.A", "EI.C")["n_ab"] == 2  # u2 (ana) and u3 (ben)
    consensus = cooccurrence(small, Codings(consensus=2))
    # both coders: u1 {A}, u2 {A,B}, u3 {A}
    assert consensus.units == 3
    assert {c["id"]: c["n"] for c in consensus.code_list()}["MT.A"] == 3
    assert pair(consensus, "MT.A", "MT.B")["n_ab"] == 1
    assert consensus.as_json()["codings"] == {"consensus": 2}
    assert union.as_json()["codings"] == {"all": True}


def test_adjudicated_counts_only_adjudicated_codings(small: Project) -> None:
    with small.transaction() as session:
        session.execute(update(Coding).where(Coding.coder == "ben").values(origin="adjudicated"))
    result = cooccurrence(small, Codings(adjudicated=True))
    assert result.units == 4
    assert result.as_json()["codings"] == {"adjudicated": True}


def test_slices_by_period_source_type_actor_type_and_source(small: Project) -> None:
    assert cooccurrence(small, filters=Filters(periods=("2000-2006",))).units == 2
    assert cooccurrence(small, filters=Filters(source_types=("news",))).units == 3
    assert cooccurrence(small, filters=Filters(actor_types=("cluster",))).units == 3
    assert cooccurrence(small, filters=Filters(sources=(2,))).units == 2
    result = cooccurrence(small, filters=Filters(periods=("2007-2014",), source_types=("news",)))
    assert result.as_json()["filters"] == {"period": ["2007-2014"], "source_type": ["news"]}


def test_an_old_version_of_a_source_does_not_count(small: Project) -> None:
    with small.transaction() as session:
        session.execute(update(Source).where(Source.title == "r1").values(current=False))
    assert cooccurrence(small).units == 3


def test_code_groups_give_a_rectangular_matrix(small: Project) -> None:
    result = cooccurrence(small, Codings(coder="ana"), rows="MT", cols="EI")
    frame = result.matrix_frame("n_ab")
    assert list(frame.index) == ["MT.A", "MT.B"]
    assert list(frame.columns) == ["EI.C", "EI.D", "EI.E"]
    assert frame.to_numpy().tolist() == [[1, 0, 0], [1, 0, 0]]
    assert [(p["code_a"], p["code_b"]) for p in result.pairs()] == [("MT.B", "EI.C"), ("MT.A", "EI.C")]


def test_errors_name_the_problem(small: Project) -> None:
    with pytest.raises(ForesightError) as info:
        cooccurrence(small, filters=Filters(periods=("1990s",)))
    assert str(info.value) == "unknown period '1990s'; the project's periods are: 2000-2006, 2007-2014"
    with pytest.raises(ForesightError) as info:
        cooccurrence(small, Codings(coder="zoe"))
    assert str(info.value) == "no coded units in this selection (coder zoe)"
    with pytest.raises(ForesightError) as info:
        cooccurrence(small, rows="XX")
    assert str(info.value) == "no code group 'XX'; the codebook's groups are: EI, MT"
    with pytest.raises(ForesightError) as info:
        Codings(coder="ana", consensus=2)
    assert str(info.value) == "choose one of --coder, --adjudicated, --consensus K and --all"


def test_shares_lift_fisher_and_the_unbalanced_flag(small: Project) -> None:
    result = cooccurrence(small, Codings(coder="ana"))
    ab = pair(result, "MT.A", "MT.B")
    assert (ab["share_a"], ab["share_b"]) == (pytest.approx(2 / 3, abs=1e-6), 1.0)
    assert ab["expected"] == pytest.approx(3 * 2 / 4)
    assert ab["lift"] == pytest.approx(2 / 1.5, abs=1e-6)
    table = [[2, 1], [0, 1]]  # A&B, A only / B only, neither over 4 units
    assert ab["p_one_sided"] == pytest.approx(fisher_exact(table, alternative="greater")[1])
    assert ab["p"] == ab["p_one_sided"]  # the JSON keeps the name documented first
    assert ab["unbalanced"] is False


def test_fisher_p_matches_scipy_on_random_tables() -> None:
    from scipy.stats import hypergeom

    rng = np.random.default_rng(1)
    for _ in range(50):
        total = int(rng.integers(5, 200))
        n_a, n_b = (int(x) for x in rng.integers(1, total, size=2))
        n_ab = int(rng.integers(max(0, n_a + n_b - total), min(n_a, n_b) + 1))
        table = [[n_ab, n_a - n_ab], [n_b - n_ab, total - n_a - n_b + n_ab]]
        assert hypergeom.sf(n_ab - 1, total, n_a, n_b) == pytest.approx(
            fisher_exact(table, alternative="greater")[1], rel=1e-6, abs=1e-12
        )


def test_sparse_product_equals_a_plain_python_loop_on_random_data() -> None:
    rng = np.random.default_rng(7)
    units, codes = 400, 12
    applied = [
        set(rng.choice(codes, size=int(rng.integers(0, 5)), replace=False).tolist()) for _ in range(units)
    ]
    rows = [u for u, s in enumerate(applied) for _ in s]
    cols = [c for s in applied for c in s]
    matrix = sp.csr_matrix((np.ones(len(rows), dtype=np.int32), (rows, cols)), shape=(units, codes))
    counts = cooccurrence_counts(matrix)
    n = [sum(c in s for s in applied) for c in range(codes)]
    for a, b in itertools.product(range(codes), repeat=2):
        n_ab = sum(a in s and b in s for s in applied)
        assert counts[a, b] == n_ab
        union = n[a] + n[b] - n_ab
        expected = n_ab / union if union else 0.0
        assert float(c_coefficient(counts[a, b], counts[a, a], counts[b, b])) == pytest.approx(expected)


def test_cli_json_contract(small: Project, cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("--project", str(small.root), "cooccurrence", "--coder", "ana", "--json")
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert set(data) >= {"measure", "codings", "filters", "codes", "pairs"}
    assert data["codings"] == {"coder": "ana"}
    assert data["filters"] == {}
    assert data["codes"][0] == {"id": "MT.A", "name": "Alpha", "n": 3}
    assert data["pairs"][0] == {
        "code_a": "MT.A",
        "code_b": "MT.B",
        "name_a": "Alpha",
        "name_b": "Beta",
        "n_a": 3,
        "n_b": 2,
        "n_ab": 2,
        "c": 0.666667,
    }
    assert len(data["pairs"]) == 4
    every = json.loads(
        cli("--project", str(small.root), "cooccurrence", "--coder", "ana", "--all-pairs", "--json").out
    )
    assert len(every["pairs"]) == 10
    fewer = json.loads(cli("--project", str(small.root), "cooccurrence", "--min-count", "2", "--json").out)
    assert [(p["code_a"], p["code_b"], p["n_ab"]) for p in fewer["pairs"]] == [
        ("MT.A", "MT.B", 2),
        ("MT.A", "EI.C", 2),
    ]


def test_cli_table_and_files(small: Project, cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    csv, xlsx, png = tmp_path / "p.csv", tmp_path / "p.xlsx", tmp_path / "c.png"
    result = cli(
        "--project",
        str(small.root),
        "cooccurrence",
        "--coder",
        "ana",
        "--period",
        "2000-2006",
        "--csv",
        str(csv),
        "--xlsx",
        str(xlsx),
        "--heatmap",
        str(png),
    )
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert lines[0] == "Co-occurrence over 2 coded units (coder ana; period 2000-2006)"
    assert lines[2].split() == ["MT.A", "MT.B", "2", "2", "2", "1.000"]
    assert lines[-3:] == [
        f"Wrote 3 pairs to {csv}",
        f"Wrote 3 pairs to {xlsx}",
        f"Wrote a 3 x 3 heatmap to {png}",
    ]
    assert (
        csv.read_text(encoding="utf-8-sig").splitlines()[0]  # UTF-8 with a byte order mark, for Excel
        == "code_a,code_b,name_a,name_b,n_a,n_b,n_ab,c,share_a,share_b,expected,lift,p_one_sided,unbalanced"
    )
    import openpyxl

    book = openpyxl.load_workbook(xlsx)
    assert book.sheetnames == ["pairs", "c", "n_ab", "codes"]
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_cli_units_lists_the_supporting_units(small: Project, cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("--project", str(small.root), "cooccurrence", "units", "MT.A", "Gamma", "--json")
    assert result.code == 0, result.err
    rows = json.loads(result.out)
    assert [(r["source"], r["text"], r["date"]) for r in rows] == [
        ("r1", "r1 paragraph 2", "2005-01-01"),
        ("r2", "r2 paragraph 1", "2010-01-01"),
    ]
    text = cli("--project", str(small.root), "cooccurrence", "units", "MT.A", "EI.C", "--coder", "ben")
    assert text.out.splitlines()[-1] == "1 units carry both MT.A and EI.C (coder ben)"


def test_cli_errors_are_one_line(small: Project, cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = cli("--project", str(small.root), "cooccurrence", "units", "MT.A", "NOPE")
    assert (result.code, result.err) == (
        1,
        "Error: no code 'NOPE' in the active codebook (see 'foresight codebook list')\n",
    )
    result = cli("--project", str(small.root), "cooccurrence", "--period", "x")
    assert (result.code, result.err) == (
        1,
        "Error: unknown period 'x'; the project's periods are: 2000-2006, 2007-2014\n",
    )
    result = cli("--project", str(small.root), "cooccurrence", "--heatmap", str(tmp_path / "c.jpg"))
    assert (result.code, result.err) == (
        1,
        f"Error: {tmp_path / 'c.jpg'}: a figure is written as .png, .svg or .pdf\n",
    )
    result = cli("--project", str(small.root), "cooccurrence", "--all", "--coder", "ana")
    assert (result.code, result.err) == (
        1,
        "Error: choose one of --coder, --adjudicated, --consensus K and --all\n",
    )


def test_one_matrix_per_slice(small: Project, cli) -> None:  # type: ignore[no-untyped-def]
    from foresight.cooccurrence.slices import cooccurrence_by

    periods = cooccurrence_by(small, "period", Codings(coder="ana"))
    assert [(label, r.units) for label, r in periods] == [("2000-2006", 2), ("2007-2014", 2)]
    assert pair(periods[0][1], "MT.A", "MT.B")["c"] == 1.0
    types = cooccurrence_by(small, "source-type")
    assert [(label, r.units) for label, r in types] == [("news", 3), ("policy", 2)]
    actors = cooccurrence_by(small, "actor-type", Codings(coder="ben"))
    assert [(label, r.units) for label, r in actors] == [("cluster", 3), ("firm", 1)]
    result = cli("--project", str(small.root), "cooccurrence", "--by", "source", "--coder", "ana", "--json")
    data = json.loads(result.out)
    assert data["by"] == "source"
    assert [(s["slice"], s["units"], len(s["pairs"])) for s in data["slices"]] == [("1", 2, 3), ("2", 2, 1)]
    text = cli("--project", str(small.root), "cooccurrence", "--by", "period", "--coder", "ana")
    assert [line for line in text.out.splitlines() if line.startswith("Co-occurrence")] == [
        "Co-occurrence over 2 coded units (coder ana; period 2000-2006)",
        "Co-occurrence over 2 coded units (coder ana; period 2007-2014)",
    ]
    result = cli("--project", str(small.root), "cooccurrence", "--by", "colour")
    assert (result.code, result.err) == (
        1,
        "Error: --by colour: slices are by period, source-type, actor-type, source; "
        "--by selection counts selections\n",
    )


def test_an_empty_period_or_unknown_source_is_an_error(small: Project) -> None:
    config = small.root / "foresight.toml"
    config.write_text(
        config.read_text() + '\n[[periods]]\nname = "2015-2020"\nstart = 2015-01-01\nend = 2020-12-31\n'
    )
    reopened = Project.open(small.root)
    with pytest.raises(ForesightError) as info:
        cooccurrence(reopened, filters=Filters(periods=("2015-2020",)))
    assert str(info.value) == "no coded units in this selection (union of all coders; period 2015-2020)"
    with pytest.raises(ForesightError) as info:
        cooccurrence(reopened, filters=Filters(sources=(99,)))
    assert str(info.value) == "no source 99 (see 'foresight sources')"
    reopened.close()


def test_options_before_units_are_refused(small: Project, cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("--project", str(small.root), "cooccurrence", "--coder", "ana", "units", "MT.A", "MT.B")
    assert (result.code, result.err) == (
        1,
        "Error: options go after 'units': foresight cooccurrence units ... [OPTIONS]\n",
    )


def test_inclusion_association_lift_and_equivalence_by_hand(small: Project, cli) -> None:  # type: ignore[no-untyped-def]
    # ana: u1 {A,B}, u2 {A,B,C}, u3 {A}, u4 {C,D}; N = 4, n_A 3, n_B 2, n_C 2, n_D 1
    result = cooccurrence(small, Codings(coder="ana"))
    expected = {  # n_ab / min(n_a, n_b), n_ab / (n_a n_b), n_ab N / (n_a n_b), n_ab^2 / (n_a n_b)
        ("MT.A", "MT.B"): (2 / 2, 2 / 6, 2 * 4 / 6, 4 / 6),
        ("MT.A", "EI.C"): (1 / 2, 1 / 6, 4 / 6, 1 / 6),
        ("MT.B", "EI.C"): (1 / 2, 1 / 4, 4 / 4, 1 / 4),
        ("EI.C", "EI.D"): (1 / 1, 1 / 2, 4 / 2, 1 / 2),
    }
    measures = ("inclusion", "association", "lift", "equivalence")
    for k, name in enumerate(measures):
        found = {(p["code_a"], p["code_b"]): p[name] for p in result.pairs(measure=name)}
        assert found == {key: pytest.approx(v[k], abs=1e-6) for key, v in expected.items()}
    assert [(p["code_a"], p["code_b"]) for p in result.pairs(measure="inclusion")] == [
        ("MT.A", "MT.B"),  # 1.0 in 2 units before 1.0 in 1
        ("EI.C", "EI.D"),
        ("MT.A", "EI.C"),
        ("MT.B", "EI.C"),
    ]
    assert [(p["code_a"], p["code_b"]) for p in result.pairs(measure="association")][0] == ("EI.C", "EI.D")
    p = ("--project", str(small.root))
    data = json.loads(cli(*p, "cooccurrence", "--coder", "ana", "--measure", "association", "--json").out)
    assert data["measure"] == "association = n_ab / (n_a * n_b)"
    assert data["pairs"][0]["association"] == 0.5
    shown = cli(*p, "cooccurrence", "--coder", "ana", "--measure", "inclusion").out.splitlines()
    assert shown[1:3] == [
        " code a  code b  n_a  n_b  n_ab  c      inclusion ",
        " MT.A    MT.B    3    2    2     0.667  1.000     ",
    ]
    shown = cli(*p, "cooccurrence", "--coder", "ana", "--stats").out.splitlines()
    assert "  lift  p one-sided  " in shown[1]
    result = cli(*p, "cooccurrence", "--measure", "cosine")
    assert (result.code, result.err) == (
        1,
        "Error: --measure cosine: choose one of c, inclusion, association, lift, equivalence\n",
    )
