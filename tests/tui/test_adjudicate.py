"""Adjudication on the coders' screen: the lead sees each coder's codes and records the agreed ones."""

from __future__ import annotations

from sqlmodel import select
from textual.widgets import SelectionList

from foresight import coding, corpus
from foresight.project import Project
from foresight.store import Adjudication
from foresight.tui.app import CodingApp
from foresight.tui.screens import AdjudicateScreen

SIZE = (120, 36)


def codings(project: Project) -> set[tuple[int, str, str, str]]:
    return {(r["unit_id"], r["code_id"], r["coder"], r["origin"]) for r in coding.list_codings(project)}


async def test_the_lead_adjudicates_a_double_coded_unit(desk: Project) -> None:
    units = [u["id"] for u in corpus.list_units(desk)]
    coding.apply_code(desk, units[1], "FC.TREND", coder="anna")  # ben applied FC.DRIVER there
    before = codings(desk)
    app = CodingApp(desk, "lead")
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("n", "A")
        await pilot.pause()
        assert isinstance(app.screen, AdjudicateScreen)
        choices = app.screen.query_one(SelectionList)
        assert [choices.get_option_at_index(i).value for i in range(choices.option_count)] == [
            "FC.TREND",
            "FC.DRIVER",
        ]
        assert choices.selected == []  # the coders agree on no code
        await pilot.press("down", "space", "ctrl+s")  # choose ben's FC.DRIVER
        await pilot.pause()
        assert not isinstance(app.screen, AdjudicateScreen)
        assert [c.id for c in app.view.mine] == ["FC.DRIVER"]
    assert codings(desk) == before | {(units[1], "FC.DRIVER", "lead", "adjudicated")}  # the coders' kept
    with desk.session() as session:
        record = session.exec(select(Adjudication)).one()
    assert (record.unit_id, record.adjudicator, record.coders) == (units[1], "lead", ["anna", "ben"])


async def test_a_coder_cannot_adjudicate_a_unit_of_their_own_batch(desk: Project) -> None:
    units = [u["id"] for u in corpus.list_units(desk)]
    app = CodingApp(desk, "anna")
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("n", "A")
        await pilot.pause()
        assert not isinstance(app.screen, AdjudicateScreen)
        messages = [n.message for n in app._notifications]
        assert messages[-1] == (
            f"anna codes unit {units[1]}; adjudicate under another name (e.g. --coder lead) "
            "so that anna's own coding is kept"
        )
    with desk.session() as session:
        assert session.exec(select(Adjudication)).all() == []


async def test_the_lead_filters_the_units_where_coders_differ(desk: Project) -> None:
    from foresight.coding.worklist import Filters

    units = [u["id"] for u in corpus.list_units(desk)]
    coding.apply_code(desk, units[1], "FC.TREND", coder="anna")  # ben: FC.DRIVER
    coding.apply_code(desk, units[2], "FC.TREND", coder="anna")  # ben: FC.TREND too, no dispute
    app = CodingApp(desk, "lead")
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        app.filters = Filters(status="disputed")
        app.load(app.filters, None)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert [r.id for r in app.query_one("#units").rows] == [units[1]]
        assert "status=disputed" in str(app.query_one("#status").render())
