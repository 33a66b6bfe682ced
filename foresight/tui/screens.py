"""Modal screens: help, memo, filter and adjudication; each returns a typed result with ``dismiss``."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Select, SelectionList, Static, TextArea

from foresight.agreement import UnitCodings
from foresight.coding.worklist import STATUSES, Filters
from foresight.tui.keys import ACTIONS, shown


class HelpScreen(ModalScreen[None]):
    """Every key, as the project has mapped it."""

    BINDINGS = [Binding("escape,q,question_mark", "close", "close")]

    def __init__(self, keys: dict[str, str]) -> None:
        super().__init__()
        self.keys = keys

    def rows(self) -> list[tuple[str, str]]:
        """(key, what it does) for every key, as mapped."""
        return [(shown(self.keys[action]), what) for action, (_, what) in ACTIONS.items()] + [
            ("1 … 9", "apply one of my recent codes (shown in the status bar)"),
            ("↑ ↓ PgUp PgDn Home End", "move in the unit list"),
            ("Tab", "move between the list, the text and the palette"),
            ("Esc", "leave the palette search, or this help"),
        ]

    def compose(self) -> ComposeResult:
        table = Table(box=None, show_header=False, pad_edge=False)
        table.add_column(style="bold cyan", no_wrap=True)
        table.add_column()
        for key, what in self.rows():
            table.add_row(key, what)
        with VerticalScroll(id="help"):  # (arrows and PgUp/PgDn scroll it in a small terminal)
            title = Text("Keys", style="bold")
            title.append("  (remap them under [tui.keys] in foresight.toml; ↑ ↓ scroll)", style="")
            yield Static(title)
            yield Static(table)

    def on_mount(self) -> None:
        self.query_one("#help", VerticalScroll).focus()

    def action_close(self) -> None:
        self.dismiss(None)


class MemoScreen(ModalScreen[str | None]):
    """Write a memo; ctrl+s keeps it, Esc leaves it as it was."""

    BINDINGS = [Binding("ctrl+s", "save", "save"), Binding("escape", "cancel", "cancel")]

    def __init__(self, title: str, text: str) -> None:
        super().__init__()
        self.title_text = title
        self.text = text

    def compose(self) -> ComposeResult:
        with Vertical(id="memo"):
            yield Label(f"{self.title_text}   (ctrl+s keep · Esc cancel)")
            yield TextArea(self.text, id="memo-text")

    def on_mount(self) -> None:
        self.query_one(TextArea).focus()

    def action_save(self) -> None:
        self.dismiss(self.query_one(TextArea).text)

    def action_cancel(self) -> None:
        self.dismiss(None)


class FilterScreen(ModalScreen[Filters | None]):
    """Choose which units to see; Enter applies, Esc cancels, an empty field filters nothing."""

    BINDINGS = [Binding("escape", "cancel", "cancel"), Binding("ctrl+s", "apply", "apply")]

    def __init__(
        self, current: Filters, source_types: list[str], periods: list[str], languages: list[str]
    ) -> None:
        super().__init__()
        self.current = current
        self.source_types = source_types
        self.periods = periods
        self.languages = languages

    def compose(self) -> ComposeResult:
        f = self.current
        with VerticalScroll(id="filter", can_focus=False):  # two fields a row: all of it fits 80x24
            yield Label("Filter units   (Enter apply · Esc cancel)")
            yield Input(f.search or "", placeholder="text contains …", id="search")
            with Horizontal():
                yield Input(str(f.source_id or ""), placeholder="source id", id="source_id", type="integer")
                yield Select(
                    [(t, t) for t in self.source_types],
                    value=f.source_type or Select.NULL,
                    prompt="any source type",
                    id="source_type",
                )
            with Horizontal():
                yield Select(
                    [(p, p) for p in self.periods],
                    value=f.period or Select.NULL,
                    prompt="any period",
                    id="period",
                )
                yield Select(
                    [(x, x) for x in self.languages],
                    value=f.language or Select.NULL,
                    prompt="any language",
                    id="language",
                )
            with Horizontal():
                yield Input(f.code or "", placeholder="code id (units I coded with it)", id="code")
                yield Select(
                    [(s, s) for s in STATUSES],
                    value=f.status or Select.NULL,
                    prompt="any status",
                    id="status",
                )
            yield Select(
                [("reading order", "reading"), ("learning queue ('foresight suggest next')", "learning")],
                value=f.order,
                allow_blank=False,
                id="order",
            )

    def on_input_submitted(self) -> None:
        self.action_apply()

    def _value(self, widget_id: str) -> str | None:
        widget = self.query_one(f"#{widget_id}")
        value = widget.value  # type: ignore[attr-defined]
        if value is Select.NULL or value in ("", None):
            return None
        return str(value)

    def action_apply(self) -> None:
        source = self._value("source_id")
        self.dismiss(
            Filters(
                source_id=int(source) if source else None,
                source_type=self._value("source_type"),
                period=self._value("period"),
                language=self._value("language"),
                code=self._value("code"),
                status=self._value("status"),
                search=self._value("search"),
                order=self._value("order") or "reading",
            )
        )

    def action_cancel(self) -> None:
        self.dismiss(None)


class AdjudicateScreen(ModalScreen[list[str] | None]):
    """Each coder's codes on a unit; choose the agreed ones (ctrl+s records them, Esc cancels).

    Chosen at first: the agreed coding when there is one, else the codes every coder applied.
    """

    BINDINGS = [Binding("ctrl+s", "save", "save"), Binding("escape", "cancel", "cancel")]

    def __init__(self, unit: UnitCodings, names: dict[str, str]) -> None:
        super().__init__()
        self.unit = unit
        self.names = names

    def compose(self) -> ComposeResult:
        unit = self.unit
        used: dict[str, list[str]] = {}
        for coder, codes in unit.codes.items():
            for code in codes:
                used.setdefault(code, []).append(coder)
        if unit.adjudication is not None:
            for code in unit.adjudication.codes:
                used.setdefault(code, [])
            chosen = set(unit.adjudication.codes)
        else:
            chosen = {code for code, coders in used.items() if len(coders) == len(unit.codes)}
        table = Table(box=None, show_header=False, pad_edge=False)
        table.add_column(style="bold", no_wrap=True)
        table.add_column()
        for coder, codes in unit.codes.items():
            table.add_row(coder, ", ".join(codes) or "(no code)")
        if unit.adjudication is not None:
            agreed = ", ".join(unit.adjudication.codes) or "no code"
            table.add_row("agreed", f"{agreed} (by {unit.adjudication.by})")
        with Vertical(id="adjudicate"):
            yield Label(f"Adjudicate unit {unit.unit_id}   (Space choose · ctrl+s record · Esc cancel)")
            yield Static(table)
            yield SelectionList[str](
                *[
                    (
                        f"{code}  {self.names.get(code, '')}  ({', '.join(coders) or 'agreed'})",
                        code,
                        code in chosen,
                    )
                    for code, coders in used.items()
                ],
                id="agreed",
            )

    def on_mount(self) -> None:
        self.query_one(SelectionList).focus()

    def action_save(self) -> None:
        self.dismiss(list(self.query_one(SelectionList).selected))

    def action_cancel(self) -> None:
        self.dismiss(None)
