"""The coders' screen overrides one private Textual method: these tests fail when it may break.

``SteadyScrollbars._size_updated`` (foresight/tui/widgets.py) keeps the scroll views from
repainting their scrollbars at every layout. It relies on Textual 8.2.8's private
``Widget._size_updated``: its name, its parameters, and the screen calling it after a layout.
Upgrading Textual means checking the override against the new code, then updating these tests.
"""

from __future__ import annotations

import inspect
import re
import tomllib
from pathlib import Path

import textual
from textual.screen import Screen
from textual.scroll_view import ScrollView
from textual.widget import Widget

from foresight.project import Project
from foresight.tui.app import CodingApp
from foresight.tui.widgets import PaletteList, SteadyScrollbars, UnitList, UnitText
from tests.tui.test_app import ready

CHECKED_WITH = "8.2.8"
PARAMETERS = ["self", "size", "virtual_size", "container_size", "layout"]


def test_textual_is_the_version_the_override_was_checked_with() -> None:
    pyproject = tomllib.loads((Path(__file__).parents[2] / "pyproject.toml").read_text())
    pins = [d for d in pyproject["project"]["dependencies"] if re.match(r"textual\b", d)]
    assert pins == [f"textual=={CHECKED_WITH}"], "check SteadyScrollbars against the new Textual"
    assert textual.__version__ == CHECKED_WITH, "check SteadyScrollbars against the installed Textual"


def test_the_private_method_is_still_there_with_its_parameters() -> None:
    for cls in (Widget, ScrollView, SteadyScrollbars):
        method = cls.__dict__["_size_updated"]
        assert list(inspect.signature(method).parameters) == PARAMETERS, cls
    assert "._size_updated(" in inspect.getsource(Screen._refresh_layout)  # called after a layout
    for cls in (UnitList, UnitText, PaletteList):  # the override comes first
        assert cls.__mro__.index(SteadyScrollbars) < cls.__mro__.index(ScrollView), cls


async def test_a_layout_leaves_the_scrollbars_alone(desk: Project) -> None:
    """Typing a palette search lays the screen out again; the unit list's scrollbar is not redrawn."""
    app = CodingApp(desk, "anna")
    async with app.run_test(size=(80, 8)) as pilot:  # small: the list has a scrollbar
        await ready(app, pilot)
        await pilot.press("slash")  # the unit list's look changes with the focus: not counted
        units = app.query_one(UnitList)
        assert units.show_vertical_scrollbar
        laid_out: list[object] = []
        redrawn: list[object] = []
        size_updated, refresh = units._size_updated, units.vertical_scrollbar.refresh

        def seen(*args, **kwargs):  # type: ignore[no-untyped-def]
            laid_out.append(args)
            return size_updated(*args, **kwargs)

        def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
            redrawn.append(args)
            return refresh(*args, **kwargs)

        units._size_updated = seen  # type: ignore[method-assign]
        units.vertical_scrollbar.refresh = counted  # type: ignore[method-assign]
        await pilot.press(*"drive", *["backspace"] * 5)  # results, then the tree again
        await pilot.pause()
        assert laid_out, "no layout: the test shows nothing"
        assert redrawn == [], "a layout redrew the unit list's scrollbar"
