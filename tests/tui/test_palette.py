"""The code palette: a search over the codebook tree, and Escape back to the whole tree."""

from __future__ import annotations

from foresight import coding, corpus
from foresight.project import Project
from foresight.tui.app import CodingApp
from foresight.tui.widgets import MAX_FOUND, Palette, PaletteList, UnitList, fuzzy_score
from tests.tui.test_app import SIZE, mine, ready


def on_screen(app: CodingApp) -> PaletteList:
    """The palette's list the coder sees (the one drawn at the list's middle)."""
    tree = app.query_one("#palette-tree", PaletteList)
    region = tree.region
    widget, _ = app.screen.get_widget_at(region.x + region.width // 2, region.y + region.height // 2)
    assert isinstance(widget, PaletteList)
    return widget


def shows_the_tree_from_its_top(app: CodingApp) -> None:
    palette = app.query_one(Palette)
    tree = app.query_one("#palette-tree", PaletteList)
    assert on_screen(app) is tree and not app.query_one("#palette-found").display
    assert [o.id for o in tree.options] == [c.id for c in app.codes]  # every code, in tree order
    assert tree.highlighted == 0 and tree.scroll_y == 0
    assert palette.highlighted is app.codes[0]
    definition = str(app.query_one("#palette-definition").render())
    assert definition == f"{app.codes[0].name}: {app.codes[0].definition}"
    assert app.query_one("#palette-search").value == ""


async def test_escape_shows_the_whole_tree_from_its_top(desk: Project) -> None:
    app = CodingApp(desk, "anna")
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        shows_the_tree_from_its_top(app)  # as opened
        tree = app.query_one("#palette-tree", PaletteList)
        await pilot.press("tab", "tab", "tab")  # from the unit list: the text, the search box, the tree
        assert app.focused is tree
        await pilot.press(*["down"] * 40)  # far down the tree, scrolled
        assert tree.highlighted == 40 and tree.scroll_y > 0
        await pilot.press("slash", *"drive")
        found = app.query_one("#palette-found", PaletteList)
        assert on_screen(app) is found
        assert app.query_one(Palette).highlighted.id == "FC.DRIVER"
        await pilot.press("escape")
        assert app.focused is app.query_one(UnitList)
        shows_the_tree_from_its_top(app)


async def test_search_escape_and_search_again(desk: Project) -> None:
    units = [u["id"] for u in corpus.list_units(desk)]
    app = CodingApp(desk, "anna")
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        palette = app.query_one(Palette)
        await pilot.press("slash", *"drive", "escape")
        shows_the_tree_from_its_top(app)
        await pilot.press("slash", *"tren")
        found = app.query_one("#palette-found", PaletteList)
        assert on_screen(app) is found
        assert [o.id for o in found.options if not o.disabled] == [c.id for c in palette.shown]
        assert palette.highlighted.id == "FC.TREND" and found.highlighted == 0
        definition = str(app.query_one("#palette-definition").render())
        assert definition.startswith(f"{palette.highlighted.name}: ")
        await pilot.press("enter")
        assert mine(desk) == {(units[0], "FC.TREND", "manual")}
        await pilot.press("escape", "slash", *"drive", "enter", "escape")
        assert mine(desk) == {(units[0], "FC.TREND", "manual"), (units[0], "FC.DRIVER", "manual")}
        shows_the_tree_from_its_top(app)


async def test_a_search_shows_its_best_matches_and_says_how_many_more_there_are(desk: Project) -> None:
    app = CodingApp(desk, "anna")
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        palette = app.query_one(Palette)
        everything = sum(fuzzy_score("e", c.id, c.name) is not None for c in palette.codes)
        assert everything > MAX_FOUND  # one letter matches most of the codebook
        await pilot.press("slash", "e")
        found = app.query_one("#palette-found", PaletteList)
        assert len(palette.shown) == MAX_FOUND
        last = found.get_option_at_index(found.option_count - 1)
        assert last.disabled and str(last.prompt) == f"… {everything - MAX_FOUND} more: type more to narrow"
        await pilot.press("backspace", *"driver")  # a word: fewer matches, all shown
        assert found.option_count == len(palette.shown) <= MAX_FOUND
        assert not any(found.get_option_at_index(i).disabled for i in range(found.option_count))


async def test_a_search_with_no_match_shows_an_empty_list_and_enter_does_nothing(desk: Project) -> None:
    app = CodingApp(desk, "anna")
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        await pilot.press("slash", *"zzqx")
        found = app.query_one("#palette-found", PaletteList)
        assert on_screen(app) is found and found.option_count == 0
        assert app.query_one(Palette).highlighted is None
        await pilot.press("enter")
        assert mine(desk) == set()
        await pilot.press("backspace", "backspace", "backspace", "backspace")  # an empty search: the tree
        assert on_screen(app) is app.query_one("#palette-tree")
        await pilot.press("escape")
        shows_the_tree_from_its_top(app)


async def test_tab_from_the_search_goes_to_the_results_not_the_tree_under_them(desk: Project) -> None:
    coding.apply_code(desk, corpus.list_units(desk)[0]["id"], "FC.TREND", coder="anna")
    app = CodingApp(desk, "anna")
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        await pilot.press("slash", *"trend", "tab")
        assert app.focused is app.query_one("#palette-found")
        await pilot.press("tab")
        assert app.focused is app.query_one(UnitList)  # round again, past the tree
        await pilot.press("slash", "escape", "tab", "tab", "tab")
        assert app.focused is app.query_one("#palette-tree")
