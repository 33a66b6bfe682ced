"""``foresight tui --coder NAME``: code units with a few keystrokes; every coding is saved at once.

A key press calls one core function (:mod:`foresight.coding`), which commits before the screen
shows the change. Loading a big project runs in a worker thread.
"""

from __future__ import annotations

import datetime as dt
import gc
from dataclasses import replace
from pathlib import Path

from textual import work
from textual.app import App, ComposeResult
from textual.containers import Horizontal
from textual.reactive import Reactive
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Input, ProgressBar, Static
from textual.worker import Worker, WorkerState

from foresight import agreement, coding
from foresight.coding.worklist import (
    Filters,
    Row,
    UnitView,
    blind_units,
    filter_choices,
    learning_queue_size,
    load_rows,
    palette_codes,
    unit_view,
)
from foresight.errors import ForesightError
from foresight.project import Project
from foresight.tui.keys import RECENT_KEYS, keymap, shown
from foresight.tui.screens import AdjudicateScreen, FilterScreen, HelpScreen, MemoScreen
from foresight.tui.state import load_state, save_state
from foresight.tui.widgets import Palette, PaletteCode, UnitList, UnitPanel, UnitText

Loaded = tuple[list[Row], int | None, set[int], int, set[int]]


class Refused:
    """What :meth:`CodingApp.guarded` returns when the core refused a step (the coder was told why)."""


REFUSED = Refused()


class MainScreen(Screen[None]):
    """The coder's screen. A change of focus (``/`` to the palette's search, Escape back)
    repaints the widgets whose look depends on it, through their :focus styles, and not the
    whole screen, as Textual's own Screen does."""

    focused: Reactive[Widget | None] = Reactive(None, repaint=False)


class CodingApp(App[None]):
    CSS_PATH = Path(__file__).with_name("app.tcss")
    TITLE = "foresight"

    def __init__(self, project: Project, coder: str, *, language: str | None = None) -> None:
        """``language`` restricts the work list to units of that language (ISO 639-1), in place of
        the saved filter's language."""
        super().__init__()
        self.project = project
        self.coder = coder
        self.keys = keymap(project.config.tui_keys)
        self.filters, self.start_unit, self.recent = load_state(project, coder)
        if language is not None:
            self.filters = replace(self.filters, language=language.lower() or None)
        self.position = self.start_unit  # the unit last shown, kept in the saved state
        self.remembered: tuple[object, ...] | None = None
        self.view: UnitView | None = None
        self.suggestion = 0
        self.finished: set[int] = set()
        self.batch: set[int] = set()
        self.total = 0
        self.last_save = saved_at(coding.last_coded(project, coder=coder))
        self.status_text = ""
        self.message = ""  # what the last key did, at the start of the status bar until the next
        self.codes = [
            PaletteCode(c.code_id, c.name, c.colour, depth, c.definition, c.id or 0)
            for c, depth in palette_codes(project)
        ]
        self.code_ids = {c.id for c in self.codes}

    # -- layout ------------------------------------------------------------------------------

    def get_default_screen(self) -> Screen[None]:
        return MainScreen(id="_default")

    def compose(self) -> ComposeResult:
        with Horizontal(id="main"):
            yield UnitList({c.id: c.colour for c in self.codes}, id="units")
            yield UnitPanel(id="unit")
            yield Palette(self.codes, id="palette")
        with Horizontal(id="bar"):
            yield Static(id="status")
            yield ProgressBar(id="batch", show_eta=False)

    def on_mount(self) -> None:
        for action, key in self.keys.items():
            self.bind(key, action, description=action.replace("_", " "), show=False)
        for number in RECENT_KEYS:
            self.bind(number, f"recent({number})", show=False)
        self.query_one("#batch", ProgressBar).display = False
        self.query_one(UnitPanel).others_key = shown(self.keys["others"])
        self.query_one(UnitList).focus()
        self.load(self.filters, self.start_unit)

    # -- loading -----------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="load")
    def load(
        self, filters: Filters, unit_id: int | None
    ) -> tuple[list[Row], int | None, set[int], int, set[int]]:
        rows = load_rows(self.project, self.coder, filters)
        finished = coding.finished_units(self.project, coder=self.coder)
        total = coding.progress(self.project, coder=self.coder)[1]
        return rows, unit_id, finished, total, blind_units(self.project, self.coder)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "load":
            return
        if event.state == WorkerState.ERROR:
            self.notify(f"Could not load the units: {event.worker.error}", severity="error", timeout=10)
        elif event.state == WorkerState.SUCCESS:
            rows, unit_id, self.finished, self.total, self.batch = event.worker.result  # type: ignore[misc]
            index = next((i for i, r in enumerate(rows) if r.id == unit_id), 0)
            self.query_one(UnitList).set_rows(rows, index)
            # a big project's rows are long-lived: keep the garbage collector from walking them
            # again and again, which would stall a keystroke now and then
            gc.collect()
            gc.freeze()
            if not rows:
                self.show_unit(None)
            self.update_status()

    # -- showing -----------------------------------------------------------------------------

    @property
    def row(self) -> Row | None:
        units = self.query_one(UnitList)
        return units.rows[units.cursor] if units.rows else None

    def on_unit_list_highlighted(self, event: UnitList.Highlighted) -> None:
        if self.row is not None and self.view is not None and self.view.id == self.row.id:
            return  # shown already, by the key that moved the cursor
        self.suggestion = 0
        self.show_unit(self.row.id if self.row else None)

    def move_to(self, index: int) -> None:
        """Move the cursor and show the unit at once, so that both are drawn in one frame."""
        units = self.query_one(UnitList)
        units.cursor = index
        self.suggestion = 0
        self.message = ""
        self.show_unit(self.row.id if self.row else None)

    def show_unit(self, unit_id: int | None) -> None:
        try:
            self.view = unit_view(self.project, unit_id, self.coder) if unit_id is not None else None
        except LookupError:
            self.view = None
        self.query_one(UnitPanel).show(self.view, self.suggestion)
        if unit_id is not None and unit_id != self.position:
            self.position = unit_id
            self.call_after_refresh(self.remember)  # a kill loses no position; saved once drawn
        self.update_status()

    def refresh_unit(self) -> None:
        """Show the current unit again after a change, and its line in the list."""
        row = self.row
        if row is None:
            return
        self.show_unit(row.id)
        if self.view is not None:
            row.codes = [c.id for c in self.view.mine]
            row.suggested = bool(self.view.suggestions)
        units = self.query_one(UnitList)
        units.refresh_line(units.cursor)  # only the current unit's line changed

    def update_status(self) -> None:
        batch_done = len(self.batch & self.finished)
        in_batch = self.row is not None and self.row.id in self.batch
        bar = self.query_one("#batch", ProgressBar)
        if bar.display != in_batch:
            bar.display = in_batch
        if in_batch:
            bar.update(total=len(self.batch), progress=batch_done)
        recent = " ".join(f"{i + 1}:{code}" for i, code in enumerate(self.recent[:9]))
        batch = f"batch {batch_done}/{len(self.batch)} · " if in_batch else ""
        said = f"✓ {self.message} · " if self.message else ""
        progress = f"{len(self.finished)}/{self.total} coded"
        status = (
            f"{said}{self.coder} · {self.project.config.name} · {progress} · {batch}"
            f"saved {self.last_save} · {self.filters.describe()} · ? help"
            + (f" · {recent}" if recent else "")
        )
        if status != self.status_text:  # an unchanged bar costs no new layout
            self.status_text = status
            self.query_one("#status", Static).update(status, layout=False)  # one line, fixed size

    def say(self, message: str) -> None:
        """Tell what a key did, in the status bar (a notification would cover the codes)."""
        self.message = message
        self.update_status()

    def saved(self, unit_id: int, finished: bool | None = None) -> None:
        self.last_save = saved_at(dt.datetime.now(dt.UTC))
        if finished is None and self.view is not None:
            finished = bool(self.view.mine) or (self.row is not None and self.row.done)
        if finished:
            self.finished.add(unit_id)
        else:
            self.finished.discard(unit_id)

    def guarded(self, work_fn, *args, **kwargs):  # type: ignore[no-untyped-def]
        """Run a core call; a user error becomes a notification, not a crash, and REFUSED.

        The caller changes nothing on the screen then but reads the unit again from the store.
        """
        try:
            return work_fn(*args, **kwargs)
        except ForesightError as exc:
            self.notify(str(exc), severity="error", timeout=6)
            return REFUSED

    # -- coding ------------------------------------------------------------------------------

    def toggle_code(self, code_id: str) -> None:
        row = self.row
        if row is None:
            return
        if code_id in row.codes:
            changed = self.guarded(coding.remove_code, self.project, row.id, code_id, coder=self.coder)
            message = f"removed {code_id}"
        else:
            changed = self.guarded(coding.apply_code, self.project, row.id, code_id, coder=self.coder)
            message = f"applied {code_id}"
            if changed:
                self.recent = [code_id] + [c for c in self.recent if c != code_id][:8]
        if changed is REFUSED:
            self.refresh_unit()
            return
        self.remember()  # the recent codes
        self.refresh_unit()
        self.saved(row.id)
        self.say(message)

    def on_palette_chosen(self, message: Palette.Chosen) -> None:
        self.toggle_code(message.code)
        # back to the units: the next key (n, a, u, ...) acts on the unit, not on the search
        self.query_one(Palette).clear_search()
        self.query_one(UnitList).focus()

    def action_recent(self, number: str) -> None:
        index = int(number) - 1
        if index < len(self.recent):
            self.toggle_code(self.recent[index])

    def action_search(self) -> None:
        self.query_one("#palette-search", Input).focus()

    def on_key(self, event) -> None:  # type: ignore[no-untyped-def]
        search = self.query_one("#palette-search", Input)
        if event.key == "escape" and search.has_focus:
            self.query_one(Palette).clear_search()
            self.query_one(UnitList).focus()
            event.stop()

    def action_next(self) -> None:
        units = self.query_one(UnitList)
        if units.rows:
            self.move_to(min(len(units.rows) - 1, units.cursor + 1))

    def action_previous(self) -> None:
        units = self.query_one(UnitList)
        if units.rows:
            self.move_to(max(0, units.cursor - 1))

    def action_next_uncoded(self) -> None:
        units = self.query_one(UnitList)
        n = len(units.rows)
        for step in range(1, n + 1):
            index = (units.cursor + step) % n
            if (
                units.rows[index].status in ("uncoded", "suggested")
                and units.rows[index].id not in self.finished
            ):
                units.cursor = index
                return
        self.notify("Every unit in this filter is coded or done.")

    def after_step(self, step: coding.Step | None | Refused, none_left: str) -> None:
        if step is REFUSED:
            self.refresh_unit()
            return
        if step is None:
            self.notify(none_left)
            return
        assert isinstance(step, coding.Step)
        units = self.query_one(UnitList)
        index = units.index_of.get(step.unit_id)
        if index is not None and index != units.cursor:
            units.cursor = index
        self.refresh_unit()
        coded, done = coding.unit_finished(self.project, step.unit_id, coder=self.coder)
        row = self.row
        if row is not None and row.id == step.unit_id:
            row.done = done  # as the store has it, whatever kind of step this was
            units.refresh_line(units.cursor)
        self.saved(step.unit_id, coded or done)
        self.say(step.description)

    def action_undo(self) -> None:
        self.after_step(self.guarded(coding.undo, self.project, coder=self.coder), "Nothing to undo.")

    def action_redo(self) -> None:
        self.after_step(self.guarded(coding.redo, self.project, coder=self.coder), "Nothing to redo.")

    def action_done(self) -> None:
        row = self.row
        if row is None:
            return
        done = not row.done
        if self.guarded(coding.mark_done, self.project, row.id, coder=self.coder, done=done) is REFUSED:
            self.refresh_unit()
            return
        row.done = done
        self.saved(row.id, row.done or bool(row.codes))
        units = self.query_one(UnitList)
        units.refresh_line(units.cursor)
        self.say("done" if row.done else "not done")

    # -- suggestions -------------------------------------------------------------------------

    def action_next_suggestion(self) -> None:
        if self.view and self.view.suggestions:
            self.suggestion = (self.suggestion + 1) % len(self.view.suggestions)
            self.query_one(UnitPanel).show(self.view, self.suggestion)

    def decide(self, accept: bool) -> None:
        if not self.view or not self.view.suggestions or self.row is None:
            self.notify("No suggestion on this unit.")
            return
        item = self.view.suggestions[min(self.suggestion, len(self.view.suggestions) - 1)]
        decided = self.guarded(
            coding.decide_suggestion, self.project, item.id, coder=self.coder, accept=accept
        )
        self.suggestion = 0
        self.refresh_unit()  # as the store has it, whether the core took the decision or not
        if decided is REFUSED:
            return
        self.saved(self.row.id)
        self.say(f"{'accepted' if accept else 'rejected'} {item.code.id}")

    def action_accept(self) -> None:
        self.decide(True)

    def action_reject(self) -> None:
        self.decide(False)

    # -- memos, filters, help ----------------------------------------------------------------

    def action_memo(self) -> None:
        row = self.row
        if row is None:
            return

        def keep(text: str | None) -> None:
            if text is not None:
                kept = self.guarded(
                    coding.set_memo, self.project, "unit", row.id, coder=self.coder, text=text
                )
                self.refresh_unit()
                if kept is REFUSED:
                    return
                self.last_save = saved_at(dt.datetime.now(dt.UTC))
                self.say("memo kept")

        current = coding.get_memo(self.project, "unit", row.id, coder=self.coder)
        self.push_screen(MemoScreen(f"Memo on unit {row.id}", current), keep)

    def action_code_memo(self) -> None:
        code = self.query_one(Palette).highlighted
        if code is None:
            return

        def keep(text: str | None) -> None:
            if text is not None:
                kept = self.guarded(
                    coding.set_memo, self.project, "code", code.row_id, coder=self.coder, text=text
                )
                if kept is REFUSED:
                    return
                self.say(f"memo on {code.id} kept")

        current = coding.get_memo(self.project, "code", code.row_id, coder=self.coder)
        self.push_screen(MemoScreen(f"Memo on code {code.id} {code.name}", current), keep)

    def action_adjudicate(self) -> None:
        row = self.row
        if row is None:
            return
        problem = agreement.can_adjudicate(self.project, row.id, self.coder)
        if problem:
            self.notify(problem, severity="error", timeout=6)
            return
        unit = agreement.unit_codings(self.project, row.id)

        def keep(codes: list[str] | None) -> None:
            if codes is None:
                return
            agreed = self.guarded(agreement.adjudicate, self.project, row.id, codes, adjudicator=self.coder)
            if agreed is REFUSED:
                self.refresh_unit()
                return
            self.refresh_unit()
            self.saved(row.id)
            self.say(f"agreed on {', '.join(agreed.codes) or 'no code'}")

        self.push_screen(AdjudicateScreen(unit, {c.id: c.name for c in self.codes}), keep)

    def action_filter(self) -> None:
        types, periods, languages = filter_choices(self.project)

        def apply(filters: Filters | None) -> None:
            if filters is not None:
                self.filters = filters
                self.remember()  # a kill keeps the filter
                self.load(filters, self.row.id if self.row else None)

        self.push_screen(FilterScreen(self.filters, types, periods, languages), apply)

    def action_order(self) -> None:
        """Follow the learning queue (the units active learning picked), or the reading order."""
        order = "reading" if self.filters.order == "learning" else "learning"
        if order == "learning" and not learning_queue_size(self.project):
            self.notify("No learning queue yet: run 'foresight suggest next' first.", severity="warning")
            return
        self.filters = replace(self.filters, order=order)
        self.remember()
        self.load(self.filters, self.row.id if self.row else None)
        self.say("learning queue" if order == "learning" else "reading order")

    def action_others(self) -> None:
        panel = self.query_one(UnitPanel)
        panel.others_open = not panel.others_open
        if self.view is not None:
            panel.show(self.view, self.suggestion)

    def action_text_down(self) -> None:
        self.query_one(UnitText).scroll_page_down(animate=False)

    def action_text_up(self) -> None:
        self.query_one(UnitText).scroll_page_up(animate=False)

    def action_help(self) -> None:
        self.push_screen(HelpScreen(self.keys))

    def remember(self) -> None:
        """Save the filter, position and recent codes (a small JSON file) when one of them changed.

        Called when the filter or the shown unit changes, not only on quit, so a kill loses nothing.
        """
        state = (self.filters, self.position, tuple(self.recent))
        if state == self.remembered:
            return
        try:
            save_state(self.project, self.coder, self.filters, self.position, self.recent)
        except OSError as exc:
            self.notify(f"Could not save the position: {exc}", severity="warning", timeout=4)
            return
        self.remembered = state

    async def action_quit(self) -> None:
        self.remember()
        self.exit()


def saved_at(when: dt.datetime | None) -> str:
    """When the coder last saved, for the status bar: the time today, else the day too."""
    if when is None:
        return "-"
    when = (when if when.tzinfo is not None else when.replace(tzinfo=dt.UTC)).astimezone()  # local time
    today = dt.datetime.now().date()
    return when.strftime("%H:%M:%S" if when.date() == today else "%Y-%m-%d %H:%M")


def run(project: Project, coder: str, *, language: str | None = None) -> None:
    CodingApp(project, coder, language=language).run()


__all__ = ["CodingApp", "run", "shown"]
