"""The coders' screen's parts: the virtual unit list, the unit panel and the code palette."""

from __future__ import annotations

from dataclasses import dataclass

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.containers import Vertical
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.selection import Selection
from textual.strip import Strip
from textual.visual import Visual, visualize
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from foresight.coding.worklist import CodeChip, Row, UnitView

GLYPHS = {"coded": ("●", "green"), "done": ("✓", "cyan"), "suggested": ("◆", "yellow"), "uncoded": ("○", "")}


class SteadyScrollbars:
    """A scroll view whose scrollbars are redrawn only when its size or its content's size changed.

    Textual 8's ScrollView redoes its scrollbars on every layout of the screen, as the virtual
    size the compositor passes it never equals its own: each layout then repaints the unit
    list's, the unit text's and the palette's scrollbars in an extra frame spanning most of the
    screen.

    This overrides a private method of Textual's (``Widget._size_updated``, which the screen
    calls for each widget after a layout), so it is tied to the pinned Textual version:
    ``tests/tui/test_textual_pin.py`` fails when that version or the method changes.
    """

    _steady: tuple[object, ...] | None = None

    def _size_updated(
        self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True
    ) -> bool:
        seen = (size, container_size, self.virtual_size)  # type: ignore[attr-defined]
        if seen == self._steady:
            return False
        self._steady = seen
        return super()._size_updated(size, virtual_size, container_size, layout)  # type: ignore[misc,no-any-return]


def fuzzy_score(query: str, code_id: str, name: str) -> float | None:
    """How well ``query`` matches a code (None: not at all): substrings first, then letters in order."""
    q = query.casefold().strip()
    if not q:
        return 0.0
    for rank, text in enumerate((code_id.casefold(), name.casefold())):
        at = text.find(q)
        if at == 0:
            return 100.0 - rank
        if at > 0:
            return 80.0 - rank - at / 100
    target = f"{code_id} {name}".casefold()
    pos, gaps = 0, 0
    for ch in q:
        found = target.find(ch, pos)
        if found < 0:
            return None
        gaps += found - pos
        pos = found + 1
    return 50.0 - gaps / 10


class PaletteList(SteadyScrollbars, OptionList):
    """The palette's codes."""


class UnitList(SteadyScrollbars, ScrollView, can_focus=True):
    """Every unit in the filter, one line each; only the lines on screen are drawn."""

    BINDINGS = [
        Binding("up", "move(-1)", show=False),
        Binding("down", "move(1)", show=False),
        Binding("pageup", "move(-20)", show=False),
        Binding("pagedown", "move(20)", show=False),
        Binding("home", "jump(0)", show=False),
        Binding("end", "jump(-1)", show=False),
    ]
    # no repaint of the whole list when the cursor moves: watch_cursor repaints the lines that change
    cursor: reactive[int] = reactive(0, always_update=True, repaint=False)

    @dataclass
    class Highlighted(Message):
        index: int

    def __init__(self, colours: dict[str, str] | None = None, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.rows: list[Row] = []
        self.index_of: dict[int, int] = {}
        self.colours = colours or {}  # code id -> its codebook colour

    def set_rows(self, rows: list[Row], cursor: int = 0) -> None:
        self.rows = rows
        self.index_of = {row.id: i for i, row in enumerate(rows)}  # a unit's line, without a scan
        self.virtual_size = Size(self.scrollable_content_region.width, len(rows))
        self.cursor = max(0, min(cursor, len(rows) - 1)) if rows else 0
        self.refresh()
        # (before the first layout the list has no height to scroll in: once it has, the unit
        # the coder resumes at is brought into sight)
        self.call_after_refresh(self.cursor_in_sight)

    def cursor_in_sight(self) -> None:
        top = int(self.scroll_offset.y)
        height = max(1, self.scrollable_content_region.height)
        if not top <= self.cursor < top + height:
            self.scroll_to(y=max(0, self.cursor - height // 2), animate=False)
            self.refresh()

    def watch_cursor(self, old: int, value: int) -> None:
        if not self.rows:
            return
        top = int(self.scroll_offset.y)
        height = max(1, self.scrollable_content_region.height)
        if value < top:
            self.scroll_to(y=value, animate=False)
            self.refresh()
        elif value >= top + height:
            self.scroll_to(y=value - height + 1, animate=False)
            self.refresh()
        else:  # the list did not scroll: only the cursor's old and new lines change
            self.refresh_line(old)
            self.refresh_line(value)
        self.post_message(self.Highlighted(value))

    def action_move(self, step: int) -> None:
        if self.rows:
            self.cursor = max(0, min(len(self.rows) - 1, self.cursor + step))

    def action_jump(self, index: int) -> None:
        if self.rows:
            self.cursor = index % len(self.rows)

    def render_line(self, y: int) -> Strip:
        index = y + int(self.scroll_offset.y)
        width = self.scrollable_content_region.width
        if index >= len(self.rows):
            return Strip.blank(width, self.rich_style)
        row = self.rows[index]
        glyph, colour = GLYPHS[row.status]
        base = Style(reverse=True) if index == self.cursor else Style()
        batch = Segment("▣" if row.in_batch else " ", base + Style(color="magenta"))
        if width < 30:  # a narrow list (80 or 140 columns): a short title leaves room for the codes
            head = f" {row.source_title[:6]:<6}{row.ordinal:>3} "
        else:
            head = f" {row.source_title[:10]:<10}{row.ordinal:>4} "
        segments = [
            Segment(glyph, base + (Style(color=colour) if colour else Style())),
            batch,
            Segment(head, base + Style(dim=True)),
        ]
        if row.codes:  # before the preview, so that a narrow list still shows them
            rest = width - 2 - len(head)
            budget = rest if rest < 20 else rest * 2 // 3  # narrow: a 3-letter preview helps no one
            segments += self.code_segments(row.codes, max(8, budget), base)
            segments.append(Segment(" ", base))
        segments.append(Segment(row.preview, base))
        return Strip(segments).adjust_cell_length(width, base).crop(0, width)

    def code_segments(self, codes: list[str], budget: int, base: Style) -> list[Segment]:
        """The codes' ids in their codebook colours, in at most ``budget`` cells: ``A,B+2``."""
        shown: list[str] = []
        used = 0
        for i, code in enumerate(codes):
            rest = len(codes) - i - 1
            more = len(f"+{rest}") if rest else 0
            sep = 1 if shown else 0
            if used + sep + len(code) + more <= budget:
                shown.append(code)
                used += sep + len(code)
                continue
            if not shown:  # not even the first fits whole: cut it
                shown.append(code[: max(1, budget - more - 1)] + "…")
            break
        segments: list[Segment] = []
        for i, code in enumerate(shown):
            if i:
                segments.append(Segment(",", base))
            colour = self.colours.get(codes[i])
            segments.append(Segment(code, base + Style(color=colour, bold=True)))
        if len(shown) < len(codes):
            segments.append(Segment(f"+{len(codes) - len(shown)}", base + Style(dim=True)))
        return segments


class UnitText(SteadyScrollbars, ScrollView, can_focus=True):
    """The unit's text, wrapped and drawn once when it is shown; the screen takes the lines in sight.

    A Static in a scrolling container measured and drew a unit's whole text again at every
    layout, and a long unit (thousands of characters) made each move to or from it cost a full
    layout of the screen. Here the text is wrapped once, at the width it will have (less the
    scrollbar's when it is taller than the area), and a unit that fits is exactly as tall as
    the area: moving between units that fit changes no size, and a long one changes only this
    widget's scrollable height.
    """

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.content: Text | str = ""
        self.lines: list[Strip] = []
        self.laid_out: Size | None = None  # the size the lines were wrapped for

    def update(self, content: Text | str, from_start: bool = True) -> None:
        """Show new text, from its first line or where the old one was scrolled to."""
        self.content = content
        self.laid_out = None
        if from_start and self.scroll_y:
            self.scroll_to(y=0, animate=False)
        self.lay_out()
        self.refresh()

    def lay_out(self) -> None:
        size = self.size
        if size == self.laid_out or not size.width:
            return
        self.laid_out = size
        visual = visualize(self, self.content)
        width, height = size
        plain = self.content.plain if isinstance(self.content, Text) else self.content
        narrow = width - self.styles.scrollbar_size_vertical
        lines: list[Strip] | None = None
        if len(plain) <= width * height:  # it may fit: try it at the full width
            lines = Visual.to_strips(self, visual, width, None, self.visual_style)
        if lines is None or len(lines) > height:  # taller than the area: beside a scrollbar
            lines = Visual.to_strips(self, visual, narrow, None, self.visual_style)
            width = narrow
        self.lines = lines
        # a text that fits is as tall as the area: units that fit are all of one size
        self.virtual_size = Size(width, max(len(lines), height))

    def on_resize(self) -> None:
        self.lay_out()

    def render_line(self, y: int) -> Strip:
        index = y + int(self.scroll_offset.y)
        if index >= len(self.lines):  # below a short text, as a Static draws it
            return Strip.blank(self.scrollable_content_region.width, self.visual_style.rich_style)
        return self.lines[index]

    def get_selection(self, selection: Selection) -> tuple[str, str] | None:
        plain = self.content.plain if isinstance(self.content, Text) else self.content
        return selection.extract(plain), "\n"

    def selection_updated(self, selection: Selection | None) -> None:
        self.laid_out = None  # drawn again, with the selection
        self.lay_out()
        self.refresh()


class UnitPanel(Vertical):
    """The current unit: a line naming its source, its text (with a glimpse of the paragraphs
    around it) that scrolls, and its codes and suggestions, which stay.

    The unit's own text starts within the first lines of the text area, even in an 80x24
    terminal: the source is one line above it, the paragraph before is cut to its last words,
    and the strip below (my codes; the others' codes folded to a line unless shown; the
    highlighted suggestion with its name and reason) takes a few lines only.
    """

    BEFORE = 60  # characters of the paragraph before that lead into the unit

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.shown_id: int | None = None
        self.shown_codes: Text | None = None
        self.shown_text: Text | None = None
        self.others_open = False  # the other coders' codes shown chip by chip
        self.others_key = "c"

    def compose(self):  # type: ignore[no-untyped-def]
        yield Static(id="unit-head")
        yield UnitText(id="unit-scroll")
        yield Static(id="unit-codes")

    def show(self, view: UnitView | None, suggestion: int = 0) -> None:
        head = self.query_one("#unit-head", Static)
        body = self.query_one(UnitText)
        strip = self.query_one("#unit-codes", Static)
        if view is None:
            self.shown_id = self.shown_codes = self.shown_text = None
            head.update("")
            body.update("No unit here: change the filter (f).")
            update(strip, "")
            return
        text = self.text(view)
        if text != self.shown_text:  # a coding changes only the strip: the text is not repainted
            self.shown_text = text
            head.update(self.head(view))
            body.update(text, from_start=view.id != self.shown_id)  # a new unit is read from its start
        self.shown_id = view.id
        codes = self.codes(view, suggestion, self.others_open, self.others_key)
        if codes != self.shown_codes:  # most uncoded units read the same: no new layout
            self.shown_codes = codes
            update(strip, codes)

    @staticmethod
    def head(view: UnitView) -> Text:
        """One line: where the unit comes from, and its id (cut at the panel's edge)."""
        where = " · ".join(
            x
            for x in (
                f"unit {view.id} (#{view.ordinal})",
                view.source_title,
                view.source_type,
                view.date or "no date",
                f"p. {view.page}" if view.page else "",
                view.section or "",
            )
            if x
        )
        return Text(where, style="bold", no_wrap=True, overflow="ellipsis", end="")

    @classmethod
    def text(cls, view: UnitView) -> Text:
        text = Text()
        if view.duplicate_of:
            text.append(f"near-duplicate of unit {view.duplicate_of}\n", style="yellow")
        if view.memo:
            memo = " ".join(view.memo.split())
            text.append(f"Memo: {memo[:120]}{'…' if len(memo) > 120 else ''}\n", style="italic")
        if view.before:
            lead = " ".join(view.before.split())
            if len(lead) > cls.BEFORE:
                cut = lead[-cls.BEFORE :]
                lead = cut[cut.find(" ") + 1 :] if " " in cut else cut
            text.append(f"… {lead}\n", style="dim")
        text.append(view.text)
        if view.after:
            text.append(f"\n\n{view.after[:300]} …", style="dim")
        return text

    @staticmethod
    def codes(view: UnitView, suggestion: int, others_open: bool = False, others_key: str = "c") -> Text:
        text = Text()
        text.append("Mine ", style="bold")
        text.append_text(chips(view.mine) if view.mine else Text("none", style="dim"))
        if view.blind:
            text.append("\nOthers ", style="bold")
            text.append("hidden: blind double-coding batch", style="magenta")
        elif view.others and others_open:
            text.append("\nOthers ", style="bold")
            text.append_text(chips(view.others, with_coder=True))
        elif view.others:
            coders = ", ".join(dict.fromkeys(c.coder for c in view.others))
            text.append("\nOthers ", style="bold")
            text.append(f"{len(view.others)} by {coders} ({others_key} shows)", style="dim")
        if view.suggestions:
            index = min(suggestion, len(view.suggestions) - 1)
            item = view.suggestions[index]
            code = item.code
            text.append("\nSuggested ", style="bold")
            text.append(f"{index + 1}/{len(view.suggestions)} ", style="dim")
            text.append("▶", style="bold")
            text.append(code.name, style=Style(bgcolor=code.colour, color="white", bold=True))
            text.append(f" {code.id} {item.score:.2f}", style="bold")
            text.append(f" · {item.reason or item.source}", style="dim")
        return text


def update(widget: Static, content: Text | str) -> None:
    """Show new content in a Static; lay the screen out again only when its height changes.

    A layout makes Textual arrange and repaint far more of the screen than the widget itself,
    which was most of the cost of a keystroke; content of as many lines needs none.
    """
    height = widget.content_size.height
    widget.update(content, layout=False)
    width = widget.content_size.width
    if not width or widget.visual.get_height(widget.styles, width) != height:
        widget.clear_cached_dimensions()
        widget.refresh(layout=True)


def chips(codes: list[CodeChip], with_coder: bool = False) -> Text:
    """Codes on their codebook colours; no spaces inside a chip, so lines wrap between chips."""
    text = Text()
    for i, code in enumerate(codes):
        if i:
            text.append(" ")
        label = f"{code.id}{'·' + code.coder if with_coder else ''}"
        text.append(label, style=Style(bgcolor=code.colour, color="white", bold=True))
    return text


@dataclass
class PaletteCode:
    id: str
    name: str
    colour: str
    depth: int
    definition: str
    row_id: int


MAX_FOUND = 30  # codes a search shows at most, best first


class Palette(Vertical):
    """The codebook tree; typing filters it (by part of a name or id), Enter applies a code.

    The tree and the search's results are two lists in one place, the results over the tree
    while there is a search: the tree is built once and keeps its rendered lines, so that
    leaving a search (Escape) shows it again without drawing it anew.
    """

    @dataclass
    class Chosen(Message):
        code: str

    def __init__(self, codes: list[PaletteCode], **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.codes = codes
        self.shown: list[PaletteCode] = codes
        self.searched: str | None = None  # the search the palette shows, stripped; "": the tree
        self.defined: PaletteCode | None = None  # the code whose definition is shown
        # a search's results are drawn from these, made once: an option keeps its text's layout
        self.found_options = {c.id: self._option(c, indent=False) for c in codes}

    def compose(self):  # type: ignore[no-untyped-def]
        yield Input(placeholder="/ find a code", id="palette-search")
        with Vertical(id="palette-lists"):  # the results over the tree, which is never hidden
            yield PaletteList(*(self._option(c, indent=True) for c in self.codes), id="palette-tree")
            yield PaletteList(id="palette-found")
        yield Static(id="palette-definition")

    def on_mount(self) -> None:
        self.refill("")

    @property
    def showing(self) -> PaletteList:
        """The list on screen: the search's results, or the tree when there is no search."""
        return self.query_one("#palette-found" if self.searched else "#palette-tree", PaletteList)

    def refill(self, query: str) -> None:
        """Show the codes that match ``query``, best first, or the whole tree from its top when
        it is empty; the first is highlighted."""
        query = query.strip()
        if query == self.searched:
            return
        self.searched = query
        tree = self.query_one("#palette-tree", PaletteList)
        found = self.query_one("#palette-found", PaletteList)
        if query:
            scored = [(fuzzy_score(query, c.id, c.name), c) for c in self.codes]
            matches = [c for s, c in sorted((x for x in scored if x[0] is not None), key=lambda x: -x[0])]  # type: ignore[operator]
            # the best matches only: a letter or two match most of the codebook, and laying out
            # every match would cost more than a keystroke may; more letters narrow the list
            self.shown = matches[:MAX_FOUND]
            if self.shown:
                more = len(matches) - len(self.shown)
                options = [self.found_options[c.id] for c in self.shown]
                if more:
                    options.append(
                        Option(Text(f"… {more} more: type more to narrow", style="dim"), disabled=True)
                    )
                found.set_options(options)
                found.highlighted = 0
            else:
                found.clear_options()
        else:
            self.shown = self.codes
            tree.highlighted = 0
            tree.scroll_to(y=0, animate=False)
        if found.display != bool(query):
            found.display = bool(query)
            # the tree stays in place, under the results: shown again, it needs no new drawing
            tree.can_focus = not query
        if self.shown:  # now, not when the list's message comes: one frame, not two
            self.show_definition()

    def clear_search(self) -> None:
        """Empty the search box and show the whole tree again, in the same frame."""
        self.query_one("#palette-search", Input).value = ""
        self.refill("")

    @staticmethod
    def _option(code: PaletteCode, indent: bool) -> Option:
        text = Text("  " * code.depth if indent else "")
        text.append("■ ", style=code.colour)
        text.append(code.name)
        text.append(f"  {code.id}", style="dim")
        return Option(text, id=code.id)

    @property
    def highlighted(self) -> PaletteCode | None:
        index = self.showing.highlighted
        return self.shown[index] if index is not None and index < len(self.shown) else None

    def on_input_changed(self, event: Input.Changed) -> None:
        self.refill(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self.highlighted is not None:
            self.post_message(self.Chosen(self.highlighted.id))

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option_list is self.showing:
            self.show_definition()

    def show_definition(self) -> None:
        code = self.highlighted
        if code is self.defined:
            return
        self.defined = code
        definition = self.query_one("#palette-definition", Static)
        update(definition, Text(f"{code.name}: {code.definition}") if code else "")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.post_message(self.Chosen(event.option.id))

    def key_down(self) -> None:
        """Arrow keys in the search box move through the list."""
        if self.query_one("#palette-search", Input).has_focus:
            self.showing.action_cursor_down()

    def key_up(self) -> None:
        if self.query_one("#palette-search", Input).has_focus:
            self.showing.action_cursor_up()
