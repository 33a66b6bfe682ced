"""What the coder sees, as SVG snapshots (update them with: pytest --snapshot-update)."""

from __future__ import annotations

import pytest

from foresight.project import Project
from foresight.tui.app import CodingApp


async def loaded(pilot) -> None:  # type: ignore[no-untyped-def]
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_main_screen_at_80x24(snap_compare, desk: Project) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(CodingApp(desk, "anna"), terminal_size=(80, 24), run_before=loaded)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_main_screen_in_a_blind_batch_at_140x40(snap_compare, desk: Project) -> None:  # type: ignore[no-untyped-def]
    async def second_unit(pilot) -> None:  # type: ignore[no-untyped-def]
        await loaded(pilot)
        await pilot.press("n")

    assert snap_compare(CodingApp(desk, "anna"), terminal_size=(140, 40), run_before=second_unit)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_help_screen(snap_compare, desk: Project) -> None:  # type: ignore[no-untyped-def]
    async def help_open(pilot) -> None:  # type: ignore[no-untyped-def]
        await loaded(pilot)
        await pilot.press("question_mark")

    assert snap_compare(CodingApp(desk, "anna"), terminal_size=(100, 30), run_before=help_open)
