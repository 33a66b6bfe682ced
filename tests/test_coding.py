"""A coder's work in the store: apply, remove, done, undo/redo, memos, suggestions, listings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlmodel import select

from foresight import coding, corpus, suggest
from foresight.codebook import import_codebook
from foresight.coding.worklist import unit_view
from foresight.errors import ForesightError
from foresight.ingest import ingest
from foresight.project import Project
from foresight.resources import DEFAULT_CODEBOOK
from foresight.store import Code, Coding, Event, Suggestion
from tests import builders


@pytest.fixture
def units(project: Project, tmp_path: Path) -> list[int]:
    import_codebook(project, DEFAULT_CODEBOOK, actor="test")
    ingest(project, [builders.word_document(tmp_path / "blue.docx")])
    return [u["id"] for u in corpus.list_units(project)]


def held(project: Project, coder: str = "anna") -> set[tuple[int, str, str]]:
    return {(r["unit_id"], r["code_id"], r["origin"]) for r in coding.list_codings(project, coder=coder)}


def test_apply_remove_and_several_codes_per_unit(project: Project, units: list[int]) -> None:
    u = units[0]
    assert coding.apply_code(project, u, "EI.BLUE_GROWTH", coder="anna")
    assert coding.apply_code(project, u, "Trend", coder="anna")  # by exact name, any case
    assert not coding.apply_code(project, u, "FC.TREND", coder="anna")  # already there
    assert coding.apply_code(project, u, "FC.TREND", coder="ben")  # another coder's own coding
    assert held(project) == {(u, "EI.BLUE_GROWTH", "manual"), (u, "FC.TREND", "manual")}
    assert coding.remove_code(project, u, "FC.TREND", coder="anna")
    assert not coding.remove_code(project, u, "FC.TREND", coder="anna")
    assert held(project) == {(u, "EI.BLUE_GROWTH", "manual")}
    assert held(project, "ben") == {(u, "FC.TREND", "manual")}


def test_undo_and_redo_walk_the_coders_own_steps(project: Project, units: list[int]) -> None:
    a, b = units[0], units[1]
    coding.apply_code(project, a, "FC.TREND", coder="anna")
    coding.apply_code(project, b, "FC.DRIVER", coder="anna")
    coding.apply_code(project, a, "FC.DRIVER", coder="ben")
    coding.remove_code(project, a, "FC.TREND", coder="anna")
    coding.mark_done(project, b, coder="anna")
    assert coding.undo(project, coder="anna").description == f"undid done unit {b}"
    assert coding.undo(project, coder="anna").description == f"undid remove FC.TREND on unit {a}"
    assert held(project) == {(a, "FC.TREND", "manual"), (b, "FC.DRIVER", "manual")}
    assert coding.undo(project, coder="anna").unit_id == b
    assert held(project) == {(a, "FC.TREND", "manual")}
    assert held(project, "ben") == {(a, "FC.DRIVER", "manual")}  # ben's work untouched
    assert coding.redo(project, coder="anna").description == f"redid apply FC.DRIVER on unit {b}"
    assert held(project) == {(a, "FC.TREND", "manual"), (b, "FC.DRIVER", "manual")}
    coding.apply_code(project, b, "FC.WILD_CARD", coder="anna")  # a new step ends the redo chain
    assert coding.redo(project, coder="anna") is None
    while coding.undo(project, coder="anna"):
        pass
    assert held(project) == set()
    assert coding.progress(project, coder="anna") == (0, len(units))


def test_done_units_count_as_progress(project: Project, units: list[int]) -> None:
    coding.mark_done(project, units[0], coder="anna")
    coding.apply_code(project, units[1], "FC.TREND", coder="anna")
    assert coding.progress(project, coder="anna") == (2, len(units))
    coding.mark_done(project, units[0], coder="anna", done=False)
    assert coding.progress(project, coder="anna") == (1, len(units))


def test_memos_per_unit_and_per_code(project: Project, units: list[int]) -> None:
    coding.set_memo(project, "unit", units[0], coder="anna", text="Check the date of the offshore figures.")
    coding.set_memo(project, "unit", units[0], coder="anna", text="Checked: 2012.")
    with project.session() as session:
        code = session.exec(select(Code).where(Code.code_id == "FC.WEAK_SIGNAL")).one()
    coding.set_memo(project, "code", code.id, coder="anna", text="Use sparingly.")
    assert coding.get_memo(project, "unit", units[0], coder="anna") == "Checked: 2012."
    assert coding.get_memo(project, "unit", units[0], coder="ben") == ""
    assert coding.get_memo(project, "code", code.id, coder="anna") == "Use sparingly."


def shown(project: Project, unit: int, coder: str) -> list[str]:
    """The codes of the suggestions the coder's screen shows on a unit."""
    return [s.code.id for s in unit_view(project, unit, coder).suggestions]


def test_accepting_a_suggestion_makes_a_coding_rejecting_is_remembered_and_undo_reopens(
    project: Project, units: list[int]
) -> None:
    with project.transaction() as session:
        ids = {c.code_id: c.id for c in session.exec(select(Code))}
        yes = Suggestion(unit_id=units[0], code_id=ids["EI.BLUE_GROWTH"], model="rules-1", score=0.9)
        no = Suggestion(unit_id=units[0], code_id=ids["MT.IOT"], model="rules-1", score=0.6)
        session.add(yes)
        session.add(no)
    assert coding.decide_suggestion(project, yes.id, coder="anna", accept=True)
    assert not coding.decide_suggestion(project, no.id, coder="anna", accept=False)
    assert held(project) == {(units[0], "EI.BLUE_GROWTH", "accepted-suggestion")}
    with project.session() as session:
        statuses = {s.code_id: (s.status, s.decided_by) for s in session.exec(select(Suggestion))}
    assert statuses == {ids["EI.BLUE_GROWTH"]: ("accepted", "anna"), ids["MT.IOT"]: ("rejected", "anna")}
    assert shown(project, units[0], "anna") == []
    assert coding.undo(project, coder="anna").description == f"undid reject MT.IOT on unit {units[0]}"
    assert shown(project, units[0], "anna") == ["MT.IOT"]  # open again
    coding.undo(project, coder="anna")  # the accept: no coding, the suggestion open again
    assert held(project) == set() and shown(project, units[0], "anna") == ["EI.BLUE_GROWTH", "MT.IOT"]
    with project.session() as session:
        assert {s.status for s in session.exec(select(Suggestion))} == {"open"}
    assert [r["accepted"] + r["rejected"] for r in suggest.decision_rates(project)] == [0, 0]
    coding.redo(project, coder="anna")  # accepted again
    assert held(project) == {(units[0], "EI.BLUE_GROWTH", "accepted-suggestion")}
    assert shown(project, units[0], "anna") == ["MT.IOT"]


def test_decisions_on_a_suggestion_are_each_coder_s_own(project: Project, units: list[int]) -> None:
    """In a blind batch one coder's accept or reject must not show on the other's screen."""
    with project.transaction() as session:
        code = session.exec(select(Code).where(Code.code_id == "EI.BLUE_GROWTH")).one()
        suggestion = Suggestion(unit_id=units[0], code_id=code.id, model="rules-1", score=0.9)
        session.add(suggestion)
    assert coding.decide_suggestion(project, suggestion.id, coder="ben", accept=True)
    assert shown(project, units[0], "ben") == [] and shown(project, units[0], "anna") == ["EI.BLUE_GROWTH"]
    assert not coding.decide_suggestion(project, suggestion.id, coder="anna", accept=False)  # hers to make
    assert shown(project, units[0], "anna") == []
    with pytest.raises(ForesightError, match=f"anna rejected suggestion {suggestion.id} already"):
        coding.decide_suggestion(project, suggestion.id, coder="anna", accept=True)
    assert not coding.decide_suggestion(project, suggestion.id, coder="ben", accept=True)  # the same again
    assert held(project) == set() and held(project, "ben") == {
        (units[0], "EI.BLUE_GROWTH", "accepted-suggestion")
    }
    coding.apply_code(project, units[0], "EI.BLUE_GROWTH", coder="cleo")  # from the palette
    assert held(project, "cleo") == {(units[0], "EI.BLUE_GROWTH", "accepted-suggestion")}
    rates = {r["code_id"]: r for r in suggest.decision_rates(project)}
    assert (rates["EI.BLUE_GROWTH"]["accepted"], rates["EI.BLUE_GROWTH"]["rejected"]) == (2, 1)


def test_retired_codes_cannot_be_applied_and_unknown_units_are_named(
    project: Project, units: list[int]
) -> None:
    from foresight.codebook import edits

    edits.retire_code(project, "FC.WILD_CARD", actor="lead")
    with pytest.raises(ForesightError, match=r"code FC.WILD_CARD \(Wild card\) is retired"):
        coding.apply_code(project, units[0], "FC.WILD_CARD", coder="anna")
    with pytest.raises(ForesightError, match="no unit 99999 in the project"):
        coding.apply_code(project, 99999, "FC.TREND", coder="anna")


def test_every_step_is_in_the_event_log(project: Project, units: list[int]) -> None:
    coding.apply_code(project, units[0], "FC.TREND", coder="anna")
    coding.remove_code(project, units[0], "FC.TREND", coder="anna")
    coding.undo(project, coder="anna")
    with project.session() as session:
        events = session.exec(select(Event).where(Event.actor == "anna").order_by(Event.id)).all()
    assert [(e.action, e.entity_id) for e in events] == [
        ("apply", units[0]),
        ("remove", units[0]),
        ("undo", units[0]),
    ]


def test_code_and_codings_commands(cli, project: Project, units: list[int]) -> None:  # type: ignore[no-untyped-def]
    p = ("--project", str(project.root))
    result = cli(*p, "code", str(units[0]), "FC.TREND", "Emerging industries: blue growth", "--coder", "anna")
    assert result.code == 1 and "no code 'Emerging industries: blue growth'" in result.err
    result = cli(*p, "code", str(units[0]), "FC.TREND", "FC.DRIVER", "--coder", "anna")
    assert result.code == 0, result.err
    assert cli(*p, "code", str(units[1]), "--done", "--coder", "anna").code == 0
    assert cli(*p, "code", str(units[0]), "FC.DRIVER", "--remove", "--coder", "anna").code == 0
    rows = json.loads(cli(*p, "codings", "--coder", "anna", "--json").out)
    assert [(r["unit_id"], r["code_id"], r["code_name"], r["coder"], r["origin"]) for r in rows] == [
        (units[0], "FC.TREND", "Trend", "anna", "manual")
    ]
    assert rows[0]["created_at"].endswith("+00:00")
    assert json.loads(cli(*p, "codings", "--code", "FC.DRIVER", "--json").out) == []
    assert cli(*p, "code", str(units[0])).code == 2
    with project.session() as session:
        assert len(session.exec(select(Coding)).all()) == 1


def test_codings_read_straight_from_sqlite_are_the_full_way_s(project: Project, units: list[int]) -> None:
    """``foresight codings`` reads a SQLite store with the standard library: the same rows, in
    the same order and form, as the store's own query; PostgreSQL takes the full way."""
    from foresight.store import MIGRATIONS, readonly

    assert MIGRATIONS[-1][0] == readonly.LATEST_MIGRATION
    coding.apply_code(project, units[1], "FC.TREND", coder="ben")
    coding.apply_code(project, units[0], "EI.BLUE_GROWTH", coder="anna")
    coding.apply_code(project, units[0], "Trend", coder="anna", origin="accepted-suggestion")
    coding.apply_code(project, units[2], "FC.DRIVER", coder="ben", origin="adjudicated")
    store = readonly.sqlite_store(project.root)
    if project.engine.url.get_backend_name() != "sqlite":
        assert store is None
        return
    assert store is not None
    full = coding.list_codings(project)
    assert len(full) == 4 and readonly.list_codings(store) == full
    assert readonly.list_codings(store, coder="ben") == coding.list_codings(project, coder="ben")
    assert readonly.list_codings(store, coder="nobody") == []
    store.close()
    with project.transaction() as session:  # a store still to migrate is read the full way
        session.execute(text("DELETE FROM schema_migration WHERE name = :n"), {"n": MIGRATIONS[-1][0]})
    assert readonly.sqlite_store(project.root) is None
