"""A coder's work in the store: apply, remove, done, undo/redo, memos, suggestions, listings."""

from __future__ import annotations

import contextlib
import json
import re
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlmodel import select

from foresight import coding, corpus, suggest
from foresight.codebook import import_codebook
from foresight.coding.actions import Step
from foresight.coding.worklist import unit_view
from foresight.errors import ForesightError
from foresight.ingest import ingest
from foresight.project import Project
from foresight.resources import DEFAULT_CODEBOOK
from foresight.store import (
    Batch,
    BatchUnit,
    Code,
    CoderAction,
    Coding,
    Event,
    Memo,
    Suggestion,
    SuggestionDecision,
    UnitState,
)
from foresight.store.dbapi import SqliteStore
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
    from foresight.store.spans import add_spans

    with project.engine.begin() as conn:  # two passages of the unit, as a .qdpx import keeps them
        first = conn.exec_driver_sql("SELECT min(id) FROM coding WHERE coder = 'anna'").scalar_one()
        add_spans(conn, [(first, 40, 52), (first, 3, 9)])
    assert coding.list_codings(project, coder="anna")[0]["spans"] == [[3, 9], [40, 52]]
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


MOMENTS = {"created_at", "at", "decided_at", "updated_at"}
STEP_TABLES = (Coding, Suggestion, SuggestionDecision, CoderAction, UnitState, Memo, Event)


def coding_project(root: Path, database_url: str | None = None) -> tuple[Project, list[int], dict[str, int]]:
    """A project with the shipped codebook, a document's units, a double-coding batch of anna
    and ben over the fourth unit, and open suggestions on the second, third and fourth units."""
    project = Project.init(root, database_url=database_url)
    import_codebook(project, DEFAULT_CODEBOOK, actor="test")
    text = root.parent / f"{root.name}.txt"
    text.write_text(
        "\n\n".join(
            f"Paragraph {i}: the offshore wind cluster grows its supply chain again." for i in range(6)
        ),
        encoding="utf-8",
    )
    ingest(project, [str(text)])
    units = [u["id"] for u in corpus.list_units(project)]
    assert len(units) == 6
    with project.transaction() as session:
        ids = {c.code_id: c.id for c in session.exec(select(Code))}
        batch = Batch(name="pilot", coders=["anna", "ben"])
        session.add(batch)
        session.flush()
        session.add(BatchUnit(batch_id=batch.id, unit_id=units[3]))  # type: ignore[arg-type]
        made = {
            "blue": Suggestion(unit_id=units[1], code_id=ids["EI.BLUE_GROWTH"], model="rules-1", score=0.9),
            "iot": Suggestion(unit_id=units[2], code_id=ids["MT.IOT"], model="rules-1", score=0.6),
            "driver": Suggestion(unit_id=units[3], code_id=ids["FC.DRIVER"], model="rules-1", score=0.7),
        }
        session.add_all(made.values())
    return project, units, {name: s.id for name, s in made.items()}  # type: ignore[misc]


def steps_rows(project: Project) -> dict[str, list[dict[str, Any]]]:
    """Every row the coders' steps write (events: the coders' own), without the moments they
    were written at (only whether each has one)."""
    rows: dict[str, list[dict[str, Any]]] = {}
    with project.session() as session:
        for table in STEP_TABLES:
            query = select(table)
            if table is Event:
                query = query.where(Event.actor.in_(["anna", "ben"]))  # type: ignore[attr-defined]
            found = session.exec(query).all()
            rows[table.__tablename__] = sorted(  # type: ignore[index]
                (
                    {k: (v is not None if k in MOMENTS else v) for k, v in row.model_dump().items()}
                    for row in found
                ),
                key=repr,
            )
    return rows


def take_steps(store: Any, units: list[int], suggestions: dict[str, int]) -> list[Any]:
    """The same steps on either store; what each returned, or the message it refused with."""
    steps: list[Callable[[], Any]] = [
        lambda: coding.apply_code(store, units[0], "FC.TREND", coder="anna"),  # manual
        lambda: coding.apply_code(store, units[0], "Trend", coder="anna"),  # by name: held already
        lambda: coding.apply_code(store, units[0], "FC.DRIVER", coder="anna"),
        lambda: coding.apply_code(store, units[1], "EI.BLUE_GROWTH", coder="anna"),  # accepts it
        lambda: coding.decide_suggestion(store, suggestions["iot"], coder="anna", accept=False),
        lambda: coding.apply_code(store, units[3], "FC.DRIVER", coder="anna"),  # in the blind batch
        lambda: coding.apply_code(store, units[3], "FC.DRIVER", coder="ben"),  # his own accept
        lambda: coding.remove_code(store, units[0], "FC.DRIVER", coder="anna"),
        lambda: coding.mark_done(store, units[4], coder="anna"),
        lambda: coding.undo(store, coder="anna"),
        lambda: coding.undo(store, coder="anna"),
        lambda: coding.undo(store, coder="anna"),
        lambda: coding.redo(store, coder="anna"),
        lambda: coding.undo(store, coder="ben"),  # his accept: open again for him alone
        lambda: coding.decide_suggestion(store, suggestions["driver"], coder="ben", accept=True),
        lambda: coding.set_memo(store, "unit", units[0], coder="anna", text="Check the date."),
        lambda: coding.set_memo(store, "unit", units[0], coder="anna", text="Checked."),
        lambda: coding.apply_code(store, 99999, "FC.TREND", coder="anna"),
        lambda: coding.apply_code(store, units[0], "No such code", coder="anna"),
        lambda: coding.apply_code(store, units[0], "FC.TREND", coder="anna", origin="guessed"),
        lambda: coding.remove_code(store, units[2], "FC.TREND", coder="anna"),  # none to remove
    ]
    said: list[Any] = []
    for step in steps:
        try:
            said.append(step())
        except ForesightError as exc:
            said.append(str(exc))
    return said


def test_a_sqlite_store_written_with_the_standard_library_gets_the_full_way_s_rows(
    tmp_path: Path, database_url: str | None
) -> None:
    """The coder's steps run on the store's own connection (SQLite or PostgreSQL) and on a bare
    sqlite3 connection (``foresight code``): the same answers, and the same rows in the codings,
    the suggestions and each coder's decisions, the undo stack, the done marks, the memos and
    the event log."""
    full, units, suggestions = coding_project(tmp_path / "full", database_url)
    quick, quick_units, quick_suggestions = coding_project(tmp_path / "quick")
    quick.close()
    assert (quick_units, quick_suggestions) == (units, suggestions)
    store = SqliteStore.open(tmp_path / "quick")
    assert store is not None
    with contextlib.closing(store):
        said = take_steps(store, units, suggestions)
    assert said == take_steps(full, units, suggestions)
    assert said[:4] == [True, False, True, True] and said[6] is True
    assert said[9:14] == [
        Step(f"undid done unit {units[4]}", units[4]),
        Step(f"undid remove FC.DRIVER on unit {units[0]}", units[0]),
        Step(f"undid apply FC.DRIVER on unit {units[3]}", units[3]),  # her accept: open for her
        Step(f"redid apply FC.DRIVER on unit {units[3]}", units[3]),
        Step(f"undid apply FC.DRIVER on unit {units[3]}", units[3]),  # his, and for him alone
    ]
    assert said[-4:] == [
        "no unit 99999 in the project (see 'foresight units')",
        "no code 'No such code' in codebook "
        "'Megatrends, emerging industries and foresight concepts' (see 'foresight codebook list')",
        "origin 'guessed' is not one of manual, accepted-suggestion, adjudicated, carried",
        False,
    ]
    quick = Project.open(tmp_path / "quick")
    try:
        rows = steps_rows(quick)
        assert rows == steps_rows(full)
    finally:
        quick.close()
        full.close()
    assert sorted((r["unit_id"], r["coder"], r["origin"]) for r in rows["coding"]) == [
        (units[0], "anna", "manual"),
        (units[0], "anna", "manual"),
        (units[1], "anna", "accepted-suggestion"),
        (units[3], "anna", "accepted-suggestion"),
        (units[3], "ben", "accepted-suggestion"),
    ]
    if database_url is None:  # the very values SQLAlchemy writes: moments and JSON as text
        stored = (
            "SELECT created_at FROM coding UNION ALL "
            "SELECT details FROM event WHERE actor IN ('anna', 'ben') ORDER BY 1"
        )
        with (
            contextlib.closing(sqlite3.connect(tmp_path / "full" / "foresight.db")) as a,
            contextlib.closing(sqlite3.connect(tmp_path / "quick" / "foresight.db")) as b,
        ):
            by_full, by_quick = a.execute(stored).fetchall(), b.execute(stored).fetchall()
        shape = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}")
        assert [v for (v,) in by_quick if not v.startswith("{")] and all(
            shape.fullmatch(v) for (v,) in by_quick + by_full if not v.startswith("{")
        )
        assert [v for (v,) in by_quick if v.startswith("{")] == [v for (v,) in by_full if v.startswith("{")]


def test_a_store_still_to_migrate_is_written_the_full_way(project: Project) -> None:
    from foresight.store import MIGRATIONS

    if project.engine.url.get_backend_name() != "sqlite":
        assert SqliteStore.open(project.root) is None
        return
    store = SqliteStore.open(project.root)
    assert store is not None
    store.close()
    with project.transaction() as session:
        session.execute(text("DELETE FROM schema_migration WHERE name = :n"), {"n": MIGRATIONS[-1][0]})
    assert SqliteStore.open(project.root) is None


def test_code_command_answers_the_same_on_either_way(
    cli, tmp_path: Path, database_url: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    """``foresight code`` on a SQLite store (the standard library's) and the full way (forced
    here on SQLite; PostgreSQL's own): the same lines, errors, exit codes and rows."""
    full, units, _ = coding_project(tmp_path / "full", database_url)
    full.close()
    quick, _, _ = coding_project(tmp_path / "quick")
    quick.close()
    commands = [
        (str(units[0]), "FC.TREND", "Trend", "--coder", "anna"),  # by id, then by name: held
        (str(units[1]), "EI.BLUE_GROWTH", "--coder", "ben"),  # an open suggestion: accepted
        (str(units[3]), "FC.DRIVER", "--coder", "anna"),  # in anna and ben's blind batch
        (str(units[3]), "FC.DRIVER", "--coder", "ben"),
        (str(units[0]), "FC.TREND", "--remove", "--done", "--coder", "anna"),
        (str(units[0]), "FC.TREND", "--remove", "--coder", "anna"),
        ("99999", "FC.TREND", "--coder", "anna"),
        (str(units[0]), "Nothing like it", "--coder", "anna"),
        (str(units[2]), "--done", "--coder", "ben"),
    ]

    def run(root: Path) -> list[tuple[int, str, str]]:
        said = []
        for args in commands:
            result = cli("--project", str(root), "code", *args)
            said.append((result.code, result.out, result.err))
        return said

    by_quick = run(tmp_path / "quick")
    with monkeypatch.context() as patched:
        patched.setattr(SqliteStore, "open", classmethod(lambda cls, root=None: None))
        by_full = run(tmp_path / "full")
    assert by_quick == by_full
    assert by_quick[0] == (0, f"unit {units[0]}: applied FC.TREND\nunit {units[0]}: already has Trend\n", "")
    assert by_quick[6] == (1, "", "Error: no unit 99999 in the project (see 'foresight units')\n")
    assert by_quick[7][0] == 1 and by_quick[7][2] == (
        "Error: no code 'Nothing like it' in codebook "
        "'Megatrends, emerging industries and foresight concepts' (see 'foresight codebook list')\n"
    )
    quick, full = Project.open(tmp_path / "quick"), Project.open(tmp_path / "full")
    try:
        assert steps_rows(quick) == steps_rows(full)
        assert held(quick, "ben") == {
            (units[1], "EI.BLUE_GROWTH", "accepted-suggestion"),
            (units[3], "FC.DRIVER", "accepted-suggestion"),
        }
    finally:
        quick.close()
        full.close()
