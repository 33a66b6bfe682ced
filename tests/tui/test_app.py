"""The coders' screen driven with Textual's Pilot; each step checked in the store."""

from __future__ import annotations

import re

from sqlalchemy import update
from sqlmodel import select

from foresight import coding, corpus
from foresight.project import Project
from foresight.store import Code, LearningQueue, Memo, Suggestion, Unit, UnitState
from foresight.tui.app import CodingApp
from foresight.tui.keys import ACTIONS
from foresight.tui.widgets import UnitList

SIZE = (120, 36)


async def ready(app: CodingApp, pilot) -> None:  # type: ignore[no-untyped-def]
    await app.workers.wait_for_complete()
    await pilot.pause()


def mine(project: Project, coder: str = "anna") -> set[tuple[int, str, str]]:
    return {(r["unit_id"], r["code_id"], r["origin"]) for r in coding.list_codings(project, coder=coder)}


async def test_code_uncode_undo_redo_through_the_palette(desk: Project) -> None:
    units = [u["id"] for u in corpus.list_units(desk)]
    blue = (units[0], "EI.BLUE_GROWTH", "accepted-suggestion")  # it was suggested: applying accepts it
    app = CodingApp(desk, "anna")
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        assert app.row.id == units[0]
        await pilot.press("slash", *"blue growth", "enter")
        assert mine(desk) == {blue}
        await pilot.press("escape", "n", "slash", *"FC.TREND", "enter", "escape")
        assert mine(desk) == {
            (units[0], "EI.BLUE_GROWTH", "accepted-suggestion"),
            (units[1], "FC.TREND", "manual"),
        }
        await pilot.press("slash", *"FC.TREND", "enter", "escape")  # Enter on an applied code removes it
        assert mine(desk) == {blue}
        await pilot.press("u")
        assert mine(desk) == {
            (units[0], "EI.BLUE_GROWTH", "accepted-suggestion"),
            (units[1], "FC.TREND", "manual"),
        }
        await pilot.press("ctrl+r")
        assert mine(desk) == {blue}
        await pilot.press("p", "2")  # recent codes: 1 = FC.TREND, 2 = EI.BLUE_GROWTH
        assert mine(desk) == set()
        assert app.query_one(UnitList).rows[0].codes == []


async def test_done_and_next_uncoded(desk: Project) -> None:
    units = [u["id"] for u in corpus.list_units(desk)]
    app = CodingApp(desk, "anna")
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        await pilot.press("d")
        with desk.session() as session:
            assert session.get(UnitState, (units[0], "anna")).done
        await pilot.press("n", "slash", *"FC.TREND", "enter", "escape", "p", "N")
        assert app.row.id == units[2]  # the done unit and the coded one are passed over
        assert " 2/6 coded " in str(app.query_one("#status").render())


async def test_accept_and_reject_suggestions(desk: Project) -> None:
    units = [u["id"] for u in corpus.list_units(desk)]
    app = CodingApp(desk, "anna")
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        assert [s.code.id for s in app.view.suggestions] == ["EI.BLUE_GROWTH", "MT.IOT"]
        await pilot.press("s", "r")  # reject the second one
        await pilot.press("a")  # accept the first
        assert mine(desk) == {(units[0], "EI.BLUE_GROWTH", "accepted-suggestion")}
        assert app.view.suggestions == []
    with desk.session() as session:
        assert {s.status for s in session.exec(select(Suggestion))} == {"accepted", "rejected"}
    again = CodingApp(desk, "anna")
    async with again.run_test(size=SIZE) as pilot:
        await ready(again, pilot)
        assert again.view.suggestions == []  # a rejected suggestion stays rejected


async def test_blind_batch_hides_others_codes_and_shows_progress(desk: Project) -> None:
    units = [u["id"] for u in corpus.list_units(desk)]
    app = CodingApp(desk, "anna")
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        await pilot.press("n")
        assert app.row.id == units[1] and app.view.blind and app.view.others == []
        assert app.query_one("#batch").display
        await pilot.press("n")
        assert not app.view.blind and [c.id for c in app.view.others] == ["FC.TREND"]
        assert not app.query_one("#batch").display


async def test_memo_filter_and_position_survive_a_restart(desk: Project) -> None:
    units = corpus.list_units(desk)
    web = [u for u in units if "alliance" in u["text"]]
    app = CodingApp(desk, "anna")
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        await pilot.press("m", *"check the date", "ctrl+s")
        await pilot.press("f", *"alliance", "enter")
        await ready(app, pilot)
        assert [r.id for r in app.query_one(UnitList).rows] == [u["id"] for u in web]
        await pilot.press("q")
    with desk.session() as session:
        memo = session.exec(select(Memo)).one()
    assert (memo.kind, memo.target_id, memo.coder, memo.text) == (
        "unit",
        units[0]["id"],
        "anna",
        "check the date",
    )
    again = CodingApp(desk, "anna")
    async with again.run_test(size=SIZE) as pilot:
        await ready(again, pilot)
        assert again.filters.search == "alliance"
        assert again.row.id == web[0]["id"]


async def test_help_lists_every_key_and_keys_can_be_remapped(desk: Project) -> None:
    toml = desk.root / "foresight.toml"
    toml.write_text(toml.read_text() + '\n[tui.keys]\nnext = "j"\nprevious = "k"\n')
    project = Project.open(desk.root)
    units = [u["id"] for u in corpus.list_units(project)]
    app = CodingApp(project, "anna")
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        await pilot.press("j", "j", "k")
        assert app.row.id == units[1]
        await pilot.press("question_mark")
        rows = dict((what, key) for key, what in app.screen.rows())
        assert (rows["next unit"], rows["previous unit"], rows["undo my last step"]) == ("j", "k", "u")
        assert len(rows) == len(ACTIONS) + 4


def test_bad_key_maps_are_refused_with_a_message() -> None:
    import pytest

    from foresight.errors import ConfigError
    from foresight.tui.keys import keymap

    with pytest.raises(ConfigError, match="unknown actions: jump"):
        keymap({"jump": "j"})
    with pytest.raises(ConfigError, match="gives key 'u' to both next and undo"):
        keymap({"next": "u"})


async def test_next_follows_the_learning_queue(desk: Project) -> None:
    units = [u["id"] for u in corpus.list_units(desk)]
    app = CodingApp(desk, "anna")
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        await pilot.press("o")  # no queue yet: the order stays
        await ready(app, pilot)
        assert app.filters.order == "reading" and app.row.id == units[0]
    queue = [units[4], units[2], units[5]]  # as 'foresight suggest next' leaves it
    with desk.transaction() as session:
        for position, unit_id in enumerate(queue, start=1):
            session.add(LearningQueue(position=position, unit_id=unit_id, uncertainty=0.9, model="clf-1"))
    app = CodingApp(desk, "anna")
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        await pilot.press("o")
        await ready(app, pilot)
        assert [r.id for r in app.query_one(UnitList).rows] == queue
        await pilot.press("d", "N")  # done with the first; next uncoded in the queue's order
        assert app.row.id == units[2]
        await pilot.press("n")
        assert app.row.id == units[5]
        await pilot.press("o")
        await ready(app, pilot)
        assert app.filters.order == "reading" and len(app.query_one(UnitList).rows) == len(units)


def notes(app: CodingApp) -> list[tuple[str, str]]:
    """Record the app's notifications (message, severity) from now on."""
    seen: list[tuple[str, str]] = []
    notify = app.notify

    def record(message: str, **kwargs):  # type: ignore[no-untyped-def]
        seen.append((str(message), kwargs.get("severity", "information")))
        return notify(message, **kwargs)

    app.notify = record  # type: ignore[method-assign]
    return seen


def in_sight(app: CodingApp, widget) -> bool:  # type: ignore[no-untyped-def]
    """Every line of the widget is on the screen, not scrolled or cropped away."""
    region = widget.region
    lines = len(widget.render().plain.splitlines())  # type: ignore[union-attr]
    return (
        region.height >= lines
        and app.screen.region.contains_region(region)
        and all(app.screen.get_widget_at(region.x, y)[0] is widget for y in range(region.y, region.bottom))
    )


async def test_codes_and_suggestions_stay_in_sight_at_80x24(desk: Project) -> None:
    units = [u["id"] for u in corpus.list_units(desk)]
    coding.apply_code(desk, units[0], "FC.TREND", coder="anna")
    coding.apply_code(desk, units[0], "FC.DRIVER", coder="ben")
    app = CodingApp(desk, "anna")
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(app, pilot)
        strip = app.query_one("#unit-codes")
        scroll = app.query_one("#unit-scroll")
        assert scroll.max_scroll_y > 0  # the text is longer than the panel: it scrolls
        assert in_sight(app, strip)
        shown = strip.render().plain
        assert "Mine FC.TREND" in shown and "Others 1 by ben (c shows)" in shown
        blue = "Suggested 1/2 ▶Blue growth industries EI.BLUE_GROWTH 0.91 · keywords: aquaculture"
        assert blue in " ".join(shown.split())
        await pilot.press("c")  # the others' codes, chip by chip
        assert "FC.DRIVER·ben" in strip.render().plain and in_sight(app, strip)
        await pilot.press("s")
        assert "Suggested 2/2 ▶Internet of things MT.IOT 0.55" in " ".join(strip.render().plain.split())
        await pilot.press("a")  # accepts the one shown
        assert mine(desk) == {(units[0], "FC.TREND", "manual"), (units[0], "MT.IOT", "accepted-suggestion")}
        shown = " ".join(strip.render().plain.split())
        assert "Mine FC.TREND MT.IOT" in shown and "Suggested 1/1 ▶Blue growth" in shown
        assert in_sight(app, strip)
        assert str(app.query_one("#status").render()).startswith("✓ accepted MT.IOT · anna")
        await pilot.press("n")  # in the blind batch: others' codes hidden, and said so
        assert "Others hidden" in strip.render().plain and in_sight(app, strip)


async def test_after_enter_in_the_palette_the_next_key_acts_on_the_unit(desk: Project) -> None:
    """/ + code + Enter, then n, then the same again: both units coded, nothing typed into the search."""
    units = [u["id"] for u in corpus.list_units(desk)]
    app = CodingApp(desk, "anna")
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(app, pilot)
        await pilot.press("slash", *"FC.TREND", "enter", "n")
        await pilot.press("slash", *"FC.DRIVER", "enter", "u")  # u undoes, not types
        assert app.row.id == units[1]
        assert mine(desk) == {(units[0], "FC.TREND", "manual")}
        await pilot.press("slash", *"FC.DRIVER", "enter", "n", "slash", *"FC.TREND", "enter")
        assert mine(desk) == {
            (units[0], "FC.TREND", "manual"),
            (units[1], "FC.DRIVER", "manual"),
            (units[2], "FC.TREND", "manual"),
        }
        assert app.query_one("#palette-search").value == ""


async def test_the_status_bar_shows_when_my_last_coding_was_saved(desk: Project) -> None:
    units = [u["id"] for u in corpus.list_units(desk)]
    coding.apply_code(desk, units[0], "FC.TREND", coder="anna")
    app = CodingApp(desk, "anna")
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        status = str(app.query_one("#status").render())
        assert re.search(r"saved \d\d:\d\d:\d\d ·", status), status


async def test_the_unit_list_shows_my_codes_at_80_and_140_columns(desk: Project) -> None:
    units = [u["id"] for u in corpus.list_units(desk)]
    for size, both in (((80, 24), "FC.TRE…+1"), ((140, 40), "FC.TREND+1")):  # cut to fit, +N more
        app = CodingApp(desk, "anna")
        async with app.run_test(size=size) as pilot:
            await ready(app, pilot)
            await pilot.press("slash", *"FC.TREND", "enter", "escape")
            await pilot.press("slash", *"FC.DRIVER", "enter", "escape")
            assert mine(desk) >= {(units[0], "FC.TREND", "manual"), (units[0], "FC.DRIVER", "manual")}
            line = app.query_one(UnitList).render_line(0).text
            assert f" {both}" in line, (size, line)
            await pilot.press("slash", *"FC.DRIVER", "enter", "escape")  # removed: the list follows
            line = app.query_one(UnitList).render_line(0).text
            assert "FC.TREND" in line and "+1" not in line and "FC.DRIVER" not in line
            await pilot.press("slash", *"FC.TREND", "enter", "escape")
            assert mine(desk) == set()


async def test_filter_and_position_are_saved_as_they_change_not_only_on_quit(desk: Project) -> None:
    units = corpus.list_units(desk)
    web = [u for u in units if "alliance" in u["text"]]
    app = CodingApp(desk, "anna")
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        await pilot.press("n", "n")
        assert app.row.id == units[2]["id"]
        restarted = CodingApp(desk, "anna")  # as after a kill: this app never quit
        assert (restarted.filters.search, restarted.start_unit) == (None, units[2]["id"])
        await pilot.press("f", *"alliance", "enter")
        await ready(app, pilot)
        restarted = CodingApp(desk, "anna")
        assert (restarted.filters.search, restarted.start_unit) == ("alliance", web[0]["id"])
    again = CodingApp(desk, "anna")
    async with again.run_test(size=SIZE) as pilot:
        await ready(again, pilot)
        assert again.filters.search == "alliance" and again.row.id == web[0]["id"]


async def test_a_decision_the_core_refuses_changes_nothing_on_screen(desk: Project) -> None:
    """The suggestion anna's screen shows is gone from the store (a rebuilt store): 'r' says so."""
    from sqlalchemy import delete

    units = [u["id"] for u in corpus.list_units(desk)]
    app = CodingApp(desk, "anna")
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        seen = notes(app)
        first = app.view.suggestions[0]
        assert first.code.id == "EI.BLUE_GROWTH"
        with desk.transaction() as session:
            session.execute(delete(Suggestion).where(Suggestion.id == first.id))
        await pilot.press("r")
        assert seen == [(f"no suggestion {first.id}", "error")]
        assert mine(desk) == set()
        assert [s.code.id for s in app.view.suggestions] == ["MT.IOT"]  # the screen reads the store again
        assert app.row.id == units[0] and app.row.codes == [] and units[0] not in app.finished
        assert app.last_save == "-"
        await pilot.press("a")  # the one left is still open: accepted
        assert mine(desk) == {(units[0], "MT.IOT", "accepted-suggestion")}
        assert str(app.query_one("#status").render()).startswith("✓ accepted MT.IOT")


async def test_two_coders_in_a_batch_decide_suggestions_each_for_themselves(desk: Project) -> None:
    """anna accepts and ben rejects the same suggestion on a blind batch unit: each sees their
    own state, neither sees the other's codes, and undo opens the suggestion again."""
    units = [u["id"] for u in corpus.list_units(desk)]
    with desk.transaction() as session:
        code = session.exec(select(Code).where(Code.code_id == "FC.WEAK_SIGNAL")).one()
        session.add(Suggestion(unit_id=units[1], code_id=code.id, model="rules-1", score=0.7))
    coding.remove_code(desk, units[1], "FC.DRIVER", coder="ben")
    anna, ben = CodingApp(desk, "anna"), CodingApp(desk, "ben")
    async with anna.run_test(size=SIZE) as pilot:
        await ready(anna, pilot)
        await pilot.press("n")
        assert anna.view.blind and [s.code.id for s in anna.view.suggestions] == ["FC.WEAK_SIGNAL"]
        await pilot.press("a")
    async with ben.run_test(size=SIZE) as pilot:
        await ready(ben, pilot)
        await pilot.press("n")
        assert ben.row.id == units[1] and ben.view.blind and ben.view.others == []
        assert [s.code.id for s in ben.view.suggestions] == ["FC.WEAK_SIGNAL"]  # still open for him
        await pilot.press("r")
        assert ben.view.suggestions == [] and ben.view.mine == []
    assert mine(desk) >= {(units[1], "FC.WEAK_SIGNAL", "accepted-suggestion")}
    assert not any(u == units[1] for u, *_ in mine(desk, "ben"))
    again = CodingApp(desk, "anna")
    async with again.run_test(size=SIZE) as pilot:
        await ready(again, pilot)
        assert again.row.id == units[1]  # where she left off
        assert again.view.suggestions == [] and [c.id for c in again.view.mine] == ["FC.WEAK_SIGNAL"]
        await pilot.press("u")  # her accept undone: no coding, the suggestion open again for her
        assert again.view.mine == [] and [s.code.id for s in again.view.suggestions] == ["FC.WEAK_SIGNAL"]
    with desk.session() as session:
        left = session.exec(select(Suggestion).where(Suggestion.code_id == code.id)).one()
        assert (left.status, left.decided_by) == ("rejected", "ben")  # the latest decision left


async def test_done_the_core_refuses_leaves_the_unit_not_done(desk: Project) -> None:
    """The unit was deleted underneath (a rebuilt store): 'd' says so and marks nothing done."""
    from sqlalchemy import delete

    from foresight.store import Unit

    units = [u["id"] for u in corpus.list_units(desk)]
    app = CodingApp(desk, "anna")
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        await pilot.press("end")
        assert app.row.id == units[-1]
        with desk.transaction() as session:
            session.execute(delete(Unit).where(Unit.id == units[-1]))
        seen = notes(app)
        status = str(app.query_one("#status").render())
        await pilot.press("d")
        assert seen == [(f"no unit {units[-1]} in the project (see 'foresight units')", "error")]
        assert not app.row.done and app.row.status == "uncoded" and units[-1] not in app.finished
        assert str(app.query_one("#status").render()) == status  # no "saved", no progress
        with desk.session() as session:
            assert session.get(UnitState, (units[-1], "anna")) is None


async def test_code_memo_through_the_palette(desk: Project) -> None:
    app = CodingApp(desk, "anna")
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        await pilot.press("slash", *"trend")
        await pilot.click("#units")  # leave the search box; the palette keeps FC.TREND highlighted
        assert app.query_one("#palette").highlighted.id == "FC.TREND"
        await pilot.press("M", *"watch for hype", "ctrl+s")
        assert str(app.query_one("#status").render()).startswith("✓ memo on FC.TREND kept")
        await pilot.press("M")  # opens with what was kept
        assert app.screen.query_one("#memo-text").text == "watch for hype"
        await pilot.press("escape")
    with desk.session() as session:
        memo = session.exec(select(Memo)).one()
        code = session.get(Code, memo.target_id)
    assert (memo.kind, code.code_id, memo.coder, memo.text) == ("code", "FC.TREND", "anna", "watch for hype")


async def test_status_filter_through_the_filter_screen(desk: Project) -> None:
    units = [u["id"] for u in corpus.list_units(desk)]
    coding.apply_code(desk, units[3], "FC.TREND", coder="anna")
    coding.mark_done(desk, units[4], coder="anna")
    app = CodingApp(desk, "anna")
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        await pilot.press("f")
        await pilot.press(*["tab"] * 6)  # search, source id, source type, period, language, code: then status
        assert app.screen.focused.id == "status"
        await pilot.press("enter", "down", "down", "enter")  # any status, uncoded, coded
        await pilot.press("ctrl+s")
        await ready(app, pilot)
        assert app.filters.status == "coded"
        assert [r.id for r in app.query_one(UnitList).rows] == [units[3]]
        assert "status=coded" in str(app.query_one("#status").render())
    again = CodingApp(desk, "anna")
    assert again.filters.status == "coded"  # saved when it changed


def german(project: Project) -> list[int]:
    """The web page's units, said to be in German (as ingest detects it in German text)."""
    units = corpus.list_units(project)
    units = [u for u in units if u["source_id"] != units[0]["source_id"]]
    with project.transaction() as session:
        session.execute(update(Unit).where(Unit.id.in_([u["id"] for u in units])).values(language="de"))
    return [u["id"] for u in units]


async def test_language_filter_through_the_filter_screen(desk: Project) -> None:
    de = german(desk)
    app = CodingApp(desk, "anna")
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        await pilot.press("f")
        await pilot.press(*["tab"] * 4)  # search, source id, source type, period: then language
        assert app.screen.focused.id == "language"
        await pilot.press("enter", "down", "down", "enter")  # any language, de, en
        await pilot.press("ctrl+s")
        await ready(app, pilot)
        assert app.filters.language == "en"
        shown = [r.id for r in app.query_one(UnitList).rows]
        assert shown and not set(shown) & set(de)
        assert "language=en" in str(app.query_one("#status").render())
    again = CodingApp(desk, "anna")
    assert again.filters.language == "en"  # saved when it changed


async def test_a_language_given_at_start_restricts_the_work_list(desk: Project) -> None:
    de = german(desk)
    app = CodingApp(desk, "anna", language="DE")
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        assert [r.id for r in app.query_one(UnitList).rows] == de
        assert app.row.id == de[0]
        await pilot.press("n")
        assert app.row.id == de[1]
