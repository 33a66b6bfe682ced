"""Emerging-trend classes on a crafted fixture, their evidence, and Kleinberg bursts."""

from __future__ import annotations

import datetime as dt
import itertools
import json

import numpy as np
import pytest
from scipy.stats import binom

from foresight.cooccurrence import Codings
from foresight.cooccurrence.bursts import bursts, kleinberg
from foresight.cooccurrence.emergence import EmergenceSettings, emergence, score_terms, span
from foresight.cooccurrence.trends import TrendSettings, growth_rate, trends
from foresight.errors import ForesightError
from foresight.project import Project
from tests.cooc_fixtures import build

CODES = {f"MT.{x}": f"Code {x}" for x in "ABCDEFGHIJKL"}
EARLY = [f"a{i}" for i in range(1, 5)]  # sources dated 2005 (period 2000-2006)
LATE = [f"b{i}" for i in range(1, 5)]  # sources dated 2010 (period 2007-2014)


def units_of(plan: list[tuple[list[str], int]], titles: list[str]) -> list[tuple[str, dict[str, list[str]]]]:
    """Units with the given codes, spread over ``titles`` in turn (first unit in the first title)."""
    cycle = itertools.cycle(titles)
    return [(next(cycle), {"ana": [f"MT.{c}" for c in codes]}) for codes, count in plan for _ in range(count)]


@pytest.fixture
def crafted(project: Project) -> Project:
    early = units_of(
        [(["A", "B"], 1), (["C", "D"], 3), (["E", "F"], 1), (["E"], 3), (["F"], 3)]
        + [(["G", "H"], 2), (["G"], 4), (["H"], 4)],
        EARLY,
    )
    late = units_of(
        [(["A", "B"], 4), (["C", "D"], 3), (["E", "F"], 3), (["E"], 3), (["F"], 3)]
        + [(["G", "H"], 2), (["G"], 4), (["H"], 4), (["I", "J"], 3)],
        LATE,
    )
    long_report = [("long", {"ana": ["MT.K", "MT.L"]})] * 5
    dates = {t: {"date": dt.date(2005, 6, 1)} for t in EARLY} | {
        t: {"date": dt.date(2010, 6, 1)} for t in LATE
    }
    dates["long"] = {"date": dt.date(2011, 1, 1)}
    build(project, CODES, early + late + long_report, dates)
    return project


def by_pair(report: dict) -> dict[tuple[str, str], dict]:  # type: ignore[type-arg]
    return {(p["code_a"], p["code_b"]): p for p in report["pairs"]}


def test_each_class_of_the_emergence_map(crafted: Project) -> None:
    report = trends(crafted, Codings(coder="ana"))
    assert report["periods"] == ["2000-2006", "2007-2014"]
    assert report["sources_per_period"] == {"2000-2006": 4, "2007-2014": 5}
    pairs = by_pair(report)
    assert {k: v["class"] for k, v in pairs.items()} == {
        ("MT.A", "MT.B"): "strong signal",
        ("MT.C", "MT.D"): "established",
        ("MT.E", "MT.F"): "weak signal",
        ("MT.G", "MT.H"): "latent",
        ("MT.I", "MT.J"): "weak signal",  # novel, c 0 then 1: mean 0.5, not above the median 0.5
    }
    # the long report's pair rests on one source: not ranked
    assert ("MT.K", "MT.L") not in pairs
    strong = pairs[("MT.A", "MT.B")]
    # DoV = TF / NN * (1 - 0.05 (n - j)): 1/4 * 0.95 then 4/5 * 1
    assert strong["growth"] == pytest.approx((4 / 5) / (1 / 4 * 0.95) - 1, abs=1e-6)
    assert strong["c"] == {"2000-2006": 1.0, "2007-2014": 1.0}
    assert strong["n"] == {"2000-2006": 1, "2007-2014": 4}
    assert strong["sources"] == {"2000-2006": 1, "2007-2014": 4}
    assert [s["title"] for s in strong["evidence"]["sources"]] == ["a1", "b1", "b2", "b3", "b4"]
    assert len(strong["evidence"]["units"]) == 5
    assert strong["evidence"]["read"] == "foresight cooccurrence units MT.A MT.B --coder ana"
    weak = pairs[("MT.E", "MT.F")]
    assert weak["c"] == {
        "2000-2006": pytest.approx(1 / 7, abs=1e-6),
        "2007-2014": pytest.approx(1 / 3, abs=1e-6),
    }
    assert weak["c_change"] == pytest.approx(1 / 3 - 1 / 7, abs=1e-6)
    novel = pairs[("MT.I", "MT.J")]
    assert (novel["novel"], novel["growth"]) == (True, None)
    # ranked by the change of c, then by growth
    assert [(p["code_a"], p["code_b"]) for p in report["pairs"]] == [
        ("MT.I", "MT.J"),
        ("MT.E", "MT.F"),
        ("MT.A", "MT.B"),
        ("MT.C", "MT.D"),
        ("MT.G", "MT.H"),
    ]
    # the level splits at the median of the pairs' mean c; growth at a flat series' tilt
    assert report["settings"]["c_threshold"] == pytest.approx(0.5)
    assert report["settings"]["growth_threshold"] == pytest.approx(1 / 0.95 - 1)


def test_fixed_thresholds_and_one_source_allowed(crafted: Project) -> None:
    settings = TrendSettings(c_threshold=0.2, growth_threshold=0.0, min_sources=1)
    pairs = by_pair(trends(crafted, settings=settings))
    assert pairs[("MT.K", "MT.L")]["class"] == "strong signal"
    assert len(pairs[("MT.K", "MT.L")]["evidence"]["sources"]) == 1
    assert pairs[("MT.E", "MT.F")]["class"] == "strong signal"  # mean c 0.238 > 0.2
    assert pairs[("MT.C", "MT.D")]["class"] == "established"  # 3/5 after 3/4 * 0.95: shrinking


def test_growth_rate_skips_steps_from_zero() -> None:
    assert growth_rate([1.0, 2.0, 3.0]) == pytest.approx((1.0 + 0.5) / 2)
    assert growth_rate([0.0, 2.0, 1.0]) == pytest.approx(-0.5)
    assert growth_rate([0.0, 0.0, 1.0]) is None


def test_trend_errors(crafted: Project, cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("--project", str(crafted.root), "trends", "--from", "2007-2014")
    assert (result.code, result.err) == (
        1,
        "Error: trends compare at least two periods; the window holds 1 (2007-2014); "
        "the project's periods are: 2000-2006, 2007-2014\n",
    )
    result = cli("--project", str(crafted.root), "trends", "--to", "2020s")
    assert (result.code, result.err) == (
        1,
        "Error: unknown period '2020s'; the project's periods are: 2000-2006, 2007-2014\n",
    )
    with pytest.raises(ForesightError) as info:
        trends(crafted, Codings(coder="zoe"))
    assert str(info.value) == "no coded units in the periods 2000-2006, 2007-2014 (coder zoe)"


def test_trends_cli(crafted: Project, cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("--project", str(crafted.root), "trends", "--json")
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert set(data) == {
        "periods",
        "codings",
        "filters",
        "settings",
        "sources_per_period",
        "units_per_period",
        "pairs",
        "codes",
    }
    assert data["codings"] == {"all": True}
    table = cli("--project", str(crafted.root), "trends")
    assert table.code == 0, table.err
    assert table.out.splitlines()[0] == (
        "Trends over 2000-2006, 2007-2014 (union of all coders); high c > 0.500, growing > 0.053 per period"
    )
    rows = [line.split() for line in table.out.splitlines()]
    assert ["strong", "signal", "MT.A", "MT.B", "1.000", "1.000", "+0.000", "+2.37", "5"] in rows
    assert ["weak", "signal", "MT.I", "MT.J", "0.000", "1.000", "+1.000", "new", "3"] in rows


# ---------------------------------------------------------------- bursts


def path_cost(states: list[int], r: list[int], d: list[int], s: float, gamma: float) -> float:
    """The cost of a state sequence, written out from METHODS.md (Kleinberg 2002)."""
    p0 = sum(r) / sum(d)
    rates = [p0, min(s * p0, 1 - 1e-9)]
    cost, previous = 0.0, 0
    for q, rt, dt_ in zip(states, r, d, strict=True):
        cost -= binom.logpmf(rt, dt_, rates[q])
        if q > previous:
            cost += gamma * np.log(len(r))
        previous = q
    return cost


def test_kleinberg_marks_a_crafted_burst() -> None:
    d = [100] * 10
    r = [5, 5, 5, 5, 30, 35, 30, 5, 5, 5]
    assert kleinberg(r, d) == [0, 0, 0, 0, 1, 1, 1, 0, 0, 0]
    assert kleinberg([5] * 10, d) == [0] * 10
    assert kleinberg([0] * 10, d) == [0] * 10


def test_kleinberg_finds_the_cheapest_sequence_by_brute_force() -> None:
    rng = np.random.default_rng(3)
    for _ in range(40):
        n = int(rng.integers(2, 8))
        d = rng.integers(1, 40, size=n).tolist()
        r = [int(rng.integers(0, x + 1)) for x in d]
        if sum(r) == 0 or sum(r) * 2 >= sum(d):
            continue
        s, gamma = float(rng.choice([1.5, 2.0, 3.0])), float(rng.choice([0.5, 1.0, 2.0]))
        best = min(path_cost(list(seq), r, d, s, gamma) for seq in itertools.product([0, 1], repeat=n))
        assert path_cost(kleinberg(r, d, s=s, gamma=gamma), r, d, s, gamma) == pytest.approx(best)


def test_bursts_of_codes_by_year(project: Project, cli) -> None:  # type: ignore[no-untyped-def]
    units = []
    dates = {}
    for year in range(2001, 2011):
        title = f"s{year}"
        dates[title] = {"date": dt.date(year, 3, 1)}
        hot = 8 if year in (2006, 2007) else 1
        units += [(title, {"ana": ["MT.A"]})] * hot + [(title, {"ana": ["MT.B"]})] * (10 - hot)
    build(project, {"MT.A": "Alpha", "MT.B": "Beta"}, units, dates)
    report = bursts(project, by="year")
    assert report["batches"] == [str(y) for y in range(2001, 2011)]
    assert report["units_per_batch"] == [10] * 10
    first = report["codes"][0]
    assert (first["code"], first["bursts"]) == (
        "MT.A",
        [{"start": "2006", "end": "2007", "units": 16, "share": 0.8}],
    )
    result = cli("--project", str(project.root), "bursts", "--by", "month")
    assert result.code == 0, result.err
    assert result.out.splitlines()[-1] == (
        "1 of 2 codes burst over 109 batches by month (2001-03..2010-03); 0 units without a date"
    )
    result = cli("--project", str(project.root), "bursts", "--by", "week")
    assert (result.code, result.err) == (1, "Error: --by week: batches are by year or by month\n")


def test_an_empty_period_counts_as_zero(crafted: Project) -> None:
    config = crafted.root / "foresight.toml"
    config.write_text(
        config.read_text() + '\n[[periods]]\nname = "2015-2020"\nstart = 2015-01-01\nend = 2020-12-31\n'
    )
    reopened = Project.open(crafted.root)
    report = trends(reopened, Codings(coder="ana"), start="2007-2014", end="2015-2020")
    assert report["sources_per_period"] == {"2007-2014": 5, "2015-2020": 0}
    strong = by_pair(report)[("MT.A", "MT.B")]
    assert strong["c"] == {"2007-2014": 1.0, "2015-2020": 0.0}
    assert strong["n"] == {"2007-2014": 4, "2015-2020": 0}
    assert (strong["growth"], strong["novel"]) == (-1.0, False)
    reopened.close()


def test_trends_and_bursts_write_every_row_to_csv_and_xlsx(crafted: Project, cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import pandas as pd

    p = ("--project", str(crafted.root))
    data = json.loads(cli(*p, "trends", "--json").out)
    csv, xlsx = tmp_path / "t.csv", tmp_path / "t.xlsx"
    result = cli(*p, "trends", "--top", "1", "--csv", str(csv), "--xlsx", str(xlsx))
    assert result.code == 0, result.err
    n_pairs, n_codes = len(data["pairs"]), len(data["codes"])
    assert n_pairs > 1 and n_codes > 1  # more than the one row printed
    assert result.out.splitlines()[-3:] == [
        f"Wrote {n_pairs} pairs to {csv}",
        f"Wrote {n_codes} codes to {tmp_path / 't-codes.csv'}",
        f"Wrote {n_pairs} pairs, {n_codes} codes to {xlsx}",
    ]
    book = pd.read_excel(xlsx, sheet_name=None)
    for pairs in (pd.read_csv(csv), book["pairs"]):
        assert pairs[["class", "code_a", "code_b"]].values.tolist() == [
            [i["class"], i["code_a"], i["code_b"]] for i in data["pairs"]
        ]
        assert pairs["c 2007-2014"].tolist() == [i["c"]["2007-2014"] for i in data["pairs"]]
        assert pairs["sources"].tolist() == [len(i["evidence"]["sources"]) for i in data["pairs"]]
    for codes in (pd.read_csv(tmp_path / "t-codes.csv"), book["codes"]):
        assert codes[["class", "code"]].values.tolist() == [[i["class"], i["code"]] for i in data["codes"]]
        assert codes["n 2000-2006"].tolist() == [i["n"]["2000-2006"] for i in data["codes"]]

    bursts_json = json.loads(cli(*p, "bursts", "--json").out)
    result = cli(*p, "bursts", "--csv", str(tmp_path / "b.csv"), "--xlsx", str(tmp_path / "b.xlsx"))
    assert result.code == 0, result.err
    runs = [[c["code"], r["start"], r["end"], r["units"]] for c in bursts_json["codes"] for r in c["bursts"]]
    as_text = {"start": str, "end": str}
    for table in (
        pd.read_csv(tmp_path / "b.csv", dtype=as_text),
        pd.read_excel(tmp_path / "b.xlsx", sheet_name="bursts", dtype=as_text),
    ):
        assert table[["code", "start", "end", "units"]].values.tolist() == runs
    counts = pd.read_csv(tmp_path / "b-codes.csv")
    assert counts["code"].tolist() == [c["code"] for c in bursts_json["codes"]]
    assert counts.iloc[0, 2:].tolist() == bursts_json["codes"][0]["counts"]


# Porter, Carley et al. (2018) as METHODS.md gives their test vectors: 10 periods, 3 base, 7 active
TOTALS = [2, 3, 3, 3, 3, 3, 3, 3, 3, 3]
RISING = [1, 0, 0, 1, 2, 2, 2, 3, 3, 3]
FALLING = [2, 3, 2, 2, 2, 1, 1, 1, 0, 1]
STEADY = [2] * 10


def test_the_emergence_vectors_of_methods() -> None:
    rising = emergence(RISING, TOTALS, 3)
    assert round(rising["score"], 2) == 6.35
    root3 = np.sqrt(3)
    # active trend (periods 1-3 against 5-7), recent trend (6-7 against 4-5), slope 4 -> 7
    assert rising["active_trend"] == pytest.approx((9 - 5) / (3 * root3), abs=1e-6)
    assert rising["recent_trend"] == pytest.approx(10 * (6 - 5) / (2 * root3), abs=1e-6)
    assert rising["slope"] == pytest.approx(10 * (3 - 2) / root3 / 3, abs=1e-6)
    assert (rising["active_periods"], rising["base_records"], rising["active_records"]) == (7, 1, 16)
    assert rising["base_share"] == pytest.approx(1 / 8) and rising["eligible"]
    falling = emergence(FALLING, TOTALS, 3)
    assert round(falling["score"], 2) == -4.04 and not falling["eligible"]
    assert emergence(STEADY, TOTALS, 3)["score"] == 0
    assert score_terms(np.array([5] * 7), np.array([9] * 7))["score"] == 0


def test_the_emergence_span_of_a_window() -> None:
    years = [str(y) for y in range(2011, 2023)]
    assert span(years, EmergenceSettings()) == (years[2:5], years[5:])
    assert span(years[:6], EmergenceSettings()) == (years[:1], years[1:6])
    with pytest.raises(ForesightError) as info:
        span(years[:4], EmergenceSettings())
    assert str(info.value) == (
        "the emergence score needs at least 5 periods (4 active ones and a base before them); "
        "the window holds 4 (2011, 2012, 2013, 2014)"
    )


@pytest.fixture
def yearly(project: Project) -> Project:
    """Ten yearly periods, 2011-2020: MT.A on RISING units, MT.C on FALLING, MT.D on STEADY of
    TOTALS coded units a year (MT.B on the rest), one source a year."""
    config = project.root / "foresight.toml"
    text = config.read_text().split("[[periods]]")[0]
    text += "".join(
        f'[[periods]]\nname = "{y}"\nstart = {y}-01-01\nend = {y}-12-31\n\n' for y in range(2011, 2021)
    )
    config.write_text(text)
    reopened = Project.open(project.root)
    units = []
    for j, total in enumerate(TOTALS):
        for k in range(total):
            codes = [c for c, counts in (("A", RISING), ("C", FALLING), ("D", STEADY)) if k < counts[j]]
            units.append((f"y{2011 + j}", {"ana": [f"MT.{c}" for c in codes or ["B"]]}))
    dates = {f"y{2011 + j}": {"date": dt.date(2011 + j, 6, 1)} for j in range(10)}
    build(reopened, CODES, units, dates)
    yield reopened
    reopened.close()


def test_emergence_scores_of_codes_and_pairs(yearly: Project, cli) -> None:  # type: ignore[no-untyped-def]
    report = trends(yearly, settings=TrendSettings(emergence=EmergenceSettings()))
    assert report["units_per_period"] == dict(zip(report["periods"], TOTALS, strict=True))
    assert report["settings"]["emergence"]["base"] == ["2011", "2012", "2013"]
    codes = {i["code"]: i["emergence"] for i in report["codes"]}
    assert (round(codes["MT.A"]["score"], 2), round(codes["MT.C"]["score"], 2)) == (6.35, -4.04)
    assert codes["MT.D"]["score"] == 0
    pair = by_pair(report)[("MT.A", "MT.C")]  # both on min(RISING, FALLING) units
    both = [min(a, c) for a, c in zip(RISING, FALLING, strict=True)]
    assert pair["emergence"] == emergence(both, TOTALS, 3)
    assert "emergence" not in trends(yearly)["codes"][0]
    result = cli("--project", str(yearly.root), "trends", "--emergence", "--top", "3")
    assert result.code == 0, result.err
    assert (
        "Emergence score (Porter et al. 2018) over 2014..2020, base 2011..2013; "
        "score = 2 x active trend + recent trend + slope" in result.out
    )
    assert " MT.A       +6.35  +0.77   +2.89   +1.92  7/7      0.12        yes " in result.out
    # ten periods: the flag tables show the first and the last
    assert " class          code  n 2011  n 2020  growth  sources " in result.out


def test_emergence_needs_five_periods(crafted: Project, cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("--project", str(crafted.root), "trends", "--emergence")
    assert (result.code, result.err) == (
        1,
        "Error: the emergence score needs at least 5 periods (4 active ones and a base before them); "
        "the window holds 2 (2000-2006, 2007-2014)\n",
    )


def test_trends_by_year_of_the_sources_dates(crafted: Project, cli) -> None:  # type: ignore[no-untyped-def]
    report = trends(crafted, Codings(coder="ana"), by="year")
    years = [str(y) for y in range(2005, 2012)]
    assert report["periods"] == years
    strong = by_pair(report)[("MT.A", "MT.B")]
    assert strong["n"] == dict.fromkeys(years, 0) | {"2005": 1, "2010": 4}
    assert trends(crafted, by="year", start="2010")["periods"] == ["2010", "2011"]
    result = cli("--project", str(crafted.root), "trends", "--by", "year", "--from", "1999")
    assert (result.code, result.err) == (
        1,
        "Error: unknown period '1999'; the years of the sources' dates are: "
        "2005, 2006, 2007, 2008, 2009, 2010, 2011\n",
    )
    result = cli("--project", str(crafted.root), "trends", "--by", "month")
    assert (result.code, result.err) == (
        1,
        "Error: --by month: trends run over the project's periods or by year\n",
    )
