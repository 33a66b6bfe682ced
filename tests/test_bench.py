"""The synthetic project generator and ``foresight bench``: what the benchmarks stand on."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from sqlalchemy import select

from benchmarks.synthetic import generate, periods_of
from foresight.agreement import agreement_report
from foresight.maintenance import check
from foresight.store import Code, Coding, Source, Unit


def test_a_synthetic_project_has_the_size_skew_periods_and_agreement_asked_for(tmp_path: Path) -> None:
    made = generate(tmp_path / "p", units=3000, codes=60, coders=2, codings_per_unit=3, periods=3, seed=4)
    project = made.project
    assert made.periods == ["2000-2004", "2005-2009", "2010-2014"]
    with project.session() as session:
        units = session.execute(select(Unit.id, Unit.period)).all()
        codings = session.execute(select(Coding.unit_id, Coding.code_id, Coding.coder)).all()
        codes = dict(session.execute(select(Code.id, Code.code_id)).all())
        sources = session.execute(select(Source.id)).all()
    assert len(units) == 3000 and len(sources) == 30
    assert Counter(p for _, p in units).keys() == set(made.periods)  # every period has units
    assert len(codings) == made.codings
    per_coder = Counter(c for _, _, c in codings)
    assert set(per_coder) == {"anna", "ben"}
    assert 2.0 < per_coder["anna"] / 3000 < 3.5  # about three codes a unit
    use = Counter(codes[code] for _, code, _ in codings).most_common()
    assert len(use) <= 60
    assert use[0][1] > 10 * use[len(use) // 2][1]  # a few frequent codes, a long tail
    assert check(project) == []  # offsets match the source texts, nothing orphaned
    report = agreement_report(project, coders=["anna", "ben"])
    assert 0.6 < report.overall.alpha < 0.97  # coders agree as real ones do: well, not perfectly
    project.close()


def test_periods_are_whole_years_and_two_give_the_methods_periods() -> None:
    assert [p[0] for p in periods_of(2)] == ["2000-2006", "2007-2014"]
    assert [p[0] for p in periods_of(15)][:2] == ["2000", "2001"]


def test_bench_quick_prints_each_figure_beside_its_target(cli) -> None:  # type: ignore[no-untyped-def]
    done = cli("bench", "--quick", "--only", "qdpx", "--json")
    assert done.code in (0, 1), done.err
    data = json.loads(done.out)
    assert data["quick"] is True and data["results"]
    for result in data["results"]:
        assert {"name", "work", "value", "unit", "target", "met"} <= result.keys()
        assert result["benchmark"] == "qdpx" and isinstance(result["value"], int | float)
        assert result["met"] in (True, False, None)
    assert done.code == (1 if any(r["met"] is False for r in data["results"]) else 0)
    bad = cli("bench", "--only", "nothing")
    assert bad.code == 2 and "nothing: not one of ingest, tui" in bad.err
