"""What the coder sees, as SVG snapshots (update them with: pytest --snapshot-update)."""

from __future__ import annotations

import datetime as dt

import pytest

from foresight import coding, corpus
from foresight.project import Project
from foresight.tui.app import CodingApp


@pytest.fixture(autouse=True)
def _fixed_save_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """The status bar shows when the coder last saved: a fixed moment, for the same picture."""
    moment = dt.datetime(2026, 1, 5, 9, 30, tzinfo=dt.UTC)
    monkeypatch.setattr(coding, "last_coded", lambda project, coder: moment)


async def loaded(pilot) -> None:  # type: ignore[no-untyped-def]
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def code_some(project: Project) -> None:
    """anna's codes on two units: the list shows them (cut to fit, with +N), the unit panel too."""
    units = [u["id"] for u in corpus.list_units(project)]
    for code in ("FC.TREND", "FC.DRIVER"):
        coding.apply_code(project, units[0], code, coder="anna")
    coding.apply_code(project, units[3], "EI.BLUE_GROWTH", coder="anna")


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_main_screen_at_80x24(snap_compare, desk: Project) -> None:  # type: ignore[no-untyped-def]
    """My codes and the suggestions with their scores in sight below the text; codes in the list."""
    code_some(desk)
    assert snap_compare(CodingApp(desk, "anna"), terminal_size=(80, 24), run_before=loaded)


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_main_screen_in_a_blind_batch_at_140x40(snap_compare, desk: Project) -> None:  # type: ignore[no-untyped-def]
    async def second_unit(pilot) -> None:  # type: ignore[no-untyped-def]
        await loaded(pilot)
        await pilot.press("n")

    code_some(desk)
    assert snap_compare(CodingApp(desk, "anna"), terminal_size=(140, 40), run_before=second_unit)


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_help_screen(snap_compare, desk: Project) -> None:  # type: ignore[no-untyped-def]
    async def help_open(pilot) -> None:  # type: ignore[no-untyped-def]
        await loaded(pilot)
        await pilot.press("question_mark")

    assert snap_compare(CodingApp(desk, "anna"), terminal_size=(100, 30), run_before=help_open)


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_filter_screen_at_80x24(snap_compare, desk: Project) -> None:  # type: ignore[no-untyped-def]
    """Every field of the filter in sight, the language among them, in a small terminal."""

    async def filter_open(pilot) -> None:  # type: ignore[no-untyped-def]
        await loaded(pilot)
        await pilot.press("f")

    assert snap_compare(
        CodingApp(desk, "anna", language="en"), terminal_size=(80, 24), run_before=filter_open
    )
