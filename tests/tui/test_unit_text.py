"""The unit's text: long units scroll, each unit is read from its start, the text is the unit's."""

from __future__ import annotations

import re

from foresight import coding, corpus
from foresight.project import Project
from foresight.store import Unit
from foresight.tui.app import CodingApp
from foresight.tui.widgets import UnitPanel, UnitText
from tests.tui.test_app import SIZE, ready

WORDS = ["cluster", "policy", "supplier", "network", "photonics", "firms", "alliance", "region"]


def long_text(words: int, first: str) -> str:
    return first + " " + " ".join(WORDS[i % len(WORDS)] for i in range(words)) + " the end."


def lengthen(project: Project, units: dict[int, str]) -> None:
    with project.transaction() as session:
        for unit_id, text in units.items():
            session.get(Unit, unit_id).text = text


def squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text)


def own_text_in_sight(app: CodingApp) -> bool:
    """Some of the current unit's own text (its first words) is on screen in the text area."""
    body = app.query_one(UnitText)
    seen = squeezed("".join(body.render_line(y).text for y in range(body.scrollable_content_region.height)))
    assert app.view is not None
    return squeezed(app.view.text)[:12] in seen


def shown_from_its_start(app: CodingApp) -> None:
    """The panel shows the current unit's whole text, wrapped to fit, scrolled to its top."""
    body = app.query_one(UnitText)
    assert app.view is not None and app.row is not None and app.view.id == app.row.id
    assert squeezed("".join(line.text for line in body.lines)) == squeezed(UnitPanel.text(app.view).plain)
    assert all(line.cell_length <= body.scrollable_content_region.width for line in body.lines)
    assert body.scroll_y == 0
    head = str(app.query_one("#unit-head").render())  # the line above the text: unit and source
    assert head.startswith(f"unit {app.view.id} (#{app.view.ordinal}) · ")
    assert own_text_in_sight(app)


async def settled(pilot, body: UnitText) -> None:  # type: ignore[no-untyped-def]
    """Wait until the text is laid out for the size the widget has now.

    When the strip of codes below takes a line more or less (suggestions come in), the text's
    area is resized; until its resize is handled the text keeps the height it had, a line off.
    """
    for _ in range(50):
        if body.laid_out == body.size:
            return
        await pilot.pause()
    raise AssertionError(f"the text stays laid out for {body.laid_out}, not for {body.size}")


async def test_long_units_scroll_and_each_is_read_from_its_start(desk: Project) -> None:
    units = [u["id"] for u in corpus.list_units(desk)]
    lengthen(desk, {units[1]: long_text(700, "Firstlong"), units[2]: long_text(500, "Secondlong")})
    app = CodingApp(desk, "anna")
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        body = app.query_one(UnitText)
        await settled(pilot, body)
        assert body.max_scroll_y == 0 and not body.show_vertical_scrollbar  # a unit that fits
        await pilot.press("n")
        shown_from_its_start(app)
        assert "Firstlong" in app.view.text and body.max_scroll_y > 0 and body.show_vertical_scrollbar
        assert body.virtual_size.height == len(body.lines) > body.size.height
        await pilot.press("tab", "pagedown", "pagedown")  # read on, in the text
        assert app.focused is body and body.scroll_y > 0
        await pilot.press("shift+tab", "n")  # to the other long unit, of another length
        assert "Secondlong" in app.view.text
        shown_from_its_start(app)
        assert body.virtual_size.height == len(body.lines)
        await pilot.press("tab", "end")  # at the end of the second long text
        assert body.scroll_y == body.max_scroll_y > 0
        await pilot.press("shift+tab", "p")  # back: the first from its start
        assert "Firstlong" in app.view.text
        shown_from_its_start(app)
        await pilot.press("n", "p")  # long, long, back
        assert "Firstlong" in app.view.text
        shown_from_its_start(app)
        await pilot.press("p")  # to a unit that fits: no scrollbar, as tall as the area
        await settled(pilot, body)
        shown_from_its_start(app)
        assert body.max_scroll_y == 0 and not body.show_vertical_scrollbar
        assert body.virtual_size.height == body.size.height


async def test_a_unit_that_fits_is_exactly_as_tall_as_the_area(desk: Project) -> None:
    """Moving between units that fit changes no size: the screen needs no new layout for them."""
    app = CodingApp(desk, "anna")
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        body = app.query_one(UnitText)
        for _ in range(4):
            await pilot.press("n")
            await settled(pilot, body)
            shown_from_its_start(app)
            assert body.virtual_size == body.size and not body.show_vertical_scrollbar


async def test_a_memo_keeps_the_place_in_a_long_text(desk: Project) -> None:
    units = [u["id"] for u in corpus.list_units(desk)]
    lengthen(desk, {units[0]: long_text(700, "Firstlong")})
    app = CodingApp(desk, "anna")
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        body = app.query_one(UnitText)
        await pilot.press("tab", "pagedown", "shift+tab")
        place = body.scroll_y
        assert place > 0
        await pilot.press("m", *"long one", "ctrl+s")  # the same unit, its text now with the memo
        assert "Memo: long one" in "".join(line.text for line in body.lines)
        assert body.scroll_y == place


async def test_at_80x24_every_unit_of_the_sample_corpus_shows_its_own_text(project: Project) -> None:
    """The paragraph before, the source and the codes below never push the unit off the screen."""
    from foresight.codebook import import_codebook
    from foresight.ingest import ingest
    from foresight.resources import DEFAULT_CODEBOOK, SAMPLE_CORPUS

    import_codebook(project, DEFAULT_CODEBOOK, actor="test")
    ingest(project, [str(SAMPLE_CORPUS)])
    units = corpus.list_units(project)
    assert len(units) > 200
    for unit in units[:60]:  # others' codes on some units, as a team's project has them
        coding.apply_code(project, unit["id"], "FC.TREND", coder="ben")
    app = CodingApp(project, "anna")
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(app, pilot)
        body = app.query_one(UnitText)
        hidden = []
        for _ in units:
            await settled(pilot, body)
            if not own_text_in_sight(app):
                hidden.append(app.view.id)
            await pilot.press("n")
        assert hidden == []
