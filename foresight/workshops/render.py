"""Drawing roadmap layouts with matplotlib (Agg, no display): PDF pages and PNG images.

A page is a poster (:class:`~foresight.workshops.layout.RoadmapLayout`) or a page of the list of
the cards a poster could not show (:class:`~foresight.workshops.listing.ListLayout`); every page
is numbered ("Page 2 of 6") in the bottom right corner.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from foresight.errors import ForesightError
from foresight.workshops.layout import FONT, LINE, Box, RoadmapLayout, text_width
from foresight.workshops.listing import ListLayout

Page = RoadmapLayout | ListLayout

KIND_COLOURS = {
    "trend": "#fff2b3",
    "driver": "#cfe3ff",
    "strong signal": "#ffd9b3",
    "weak signal": "#d5f2d0",
    "wild card": "#f9d3e0",
    "": "#f4f4f4",
}
MARK_EDGE = "#d35400"  # the edge of a card from the trend flags
OWN_EDGE = "#1f3b63"  # the edge of a card of one of the topic's own codes
UNDATED_FILL = "#ececec"  # the undated lane, and its header in grey rather than blue
ROW_SHADES = ("#fbfbf8", "#f3f5f9")
MAX_PNG_PIXELS = 4000  # the long side of a PNG


def _axes(width: float, height: float):  # type: ignore[no-untyped-def]
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height))
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, width)
    ax.set_ylim(0, height)
    ax.set_axis_off()
    return fig, ax


def _heading(ax, layout: Page) -> None:  # type: ignore[no-untyped-def]
    """A page's title, and the subtitle under it."""
    title, subtitle = layout.title, layout.subtitle
    x, y = title.box.x, title.box.y
    ax.text(x, y, title.text, fontsize=title.fontsize, fontweight="bold", va="bottom", ha="left")
    ax.text(
        subtitle.box.x,
        subtitle.box.top,
        subtitle.text,
        fontsize=subtitle.fontsize,
        va="top",
        ha="left",
        color="#444444",
    )


def _page_number(ax, footer: Box, body: float, page: str) -> None:  # type: ignore[no-untyped-def]
    if page:
        ax.text(footer.right, footer.y, page, fontsize=body, va="bottom", ha="right", color="#444444")


def list_figure(layout: ListLayout, page: str = ""):  # type: ignore[no-untyped-def]
    """A page of the list of cards a poster could not show."""
    fig, ax = _axes(layout.width, layout.height)
    _heading(ax, layout)
    for line in layout.lines:
        ax.text(
            line.x,
            line.y,
            line.text,
            fontsize=layout.body,
            va="top",
            ha="left",
            fontweight="bold" if line.heading else "normal",
            color="#1f3b63" if line.heading else "#111111",
        )
    _page_number(ax, layout.footer, layout.body, page)
    return fig


def figure(layout: RoadmapLayout, page: str = ""):  # type: ignore[no-untyped-def]
    """A poster; ``page`` (e.g. "Page 2 of 6") is set in the bottom right corner."""
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch, Rectangle

    fig, ax = _axes(layout.width, layout.height)
    _heading(ax, layout)
    for label in layout.lines:
        ax.text(label.box.x, label.box.top, label.text, fontsize=label.fontsize, va="top", ha="left")
    for label in layout.fields:
        b = label.box
        ax.text(b.x, b.y + b.h * 0.3, label.text, fontsize=label.fontsize, fontweight="bold", va="bottom")
        start = b.x + text_width(label.text, label.fontsize, True) / 72 + 0.1 * layout.scale
        ax.plot([start, b.right], [b.y + b.h * 0.3] * 2, color="#555555", lw=0.8)
    if layout.instructions is not None:
        i = layout.instructions
        ax.text(i.box.x, i.box.top, i.text, fontsize=i.fontsize, va="top", ha="left", color="#222222")
    _page_number(ax, layout.footer, layout.body, page)
    for i, label in enumerate(layout.domains):
        b = label.box
        ax.add_patch(
            Rectangle(
                (b.x, b.y),
                layout.grid.right - b.x,
                b.h,
                facecolor=ROW_SHADES[i % 2],
                edgecolor="none",
                zorder=0,
            )
        )
        ax.text(
            b.x + b.w * 0.06,
            b.y + b.h / 2,
            label.text,
            fontsize=label.fontsize,
            fontweight="bold",
            va="center",
            ha="left",
            wrap=False,
            color="#1f3b63",
        )
    lanes = list(dict.fromkeys(slot for _, slot in layout.cells))
    for slot, label in zip(lanes, layout.slots, strict=True):
        b = label.box
        undated = slot == layout.undated
        ax.add_patch(
            Rectangle(
                (b.x, b.y),
                b.w,
                b.h,
                facecolor=UNDATED_FILL if undated else "#1f3b63",
                edgecolor="white",
                hatch="//" if undated else None,
                zorder=1,
            )
        )
        ax.text(
            b.x + b.w / 2,
            b.y + b.h / 2,
            label.text,
            fontsize=label.fontsize,
            fontweight="bold",
            va="center",
            ha="center",
            color="#222222" if undated else "white",
            zorder=2,
        )
    for (_, slot), cell in layout.cells.items():
        if slot == layout.undated:
            ax.add_patch(
                Rectangle(
                    (cell.x, cell.y),
                    cell.w,
                    cell.h,
                    facecolor=UNDATED_FILL,
                    edgecolor="#bbbbbb",
                    hatch="//",
                    linewidth=0,
                    alpha=0.5,
                    zorder=0.5,
                )
            )
    for cell in layout.cells.values():
        ax.add_patch(
            Rectangle(
                (cell.x, cell.y),
                cell.w,
                cell.h,
                facecolor="none",
                edgecolor="#8a96a8",
                linewidth=0.8,
                zorder=1,
            )
        )
    if layout.legend or layout.legend_items():
        _legend(ax, layout)
    boxes = {}
    for card in layout.cards:
        b = card.box
        colour = "#ffffff" if card.spec is None else KIND_COLOURS.get(card.spec.kind, KIND_COLOURS[""])
        marked = card.spec is not None and card.spec.marked
        own = card.spec is not None and card.spec.own
        ax.add_patch(
            FancyBboxPatch(
                (b.x, b.y),
                b.w,
                b.h,
                boxstyle="square,pad=0",
                facecolor=colour,
                edgecolor=MARK_EDGE if marked else OWN_EDGE if own else "#555555",
                linewidth=1.8 * min(layout.scale, 1.5) if marked or own else 0.6,
                zorder=3,
                linestyle="--" if card.spec is None else "-",
            )
        )
        step = card.fontsize * LINE / 72
        pad = (b.h - step * len(card.lines)) / 2
        for n, line in enumerate(card.lines):
            detail = n >= len(card.lines) - card.detail_lines
            ax.text(
                b.x + card.pad,
                b.top - pad - (n + 0.5) * step,
                line,
                fontsize=card.fontsize,
                va="center",
                ha="left",
                zorder=4,
                color="#555555" if detail else "#111111",
                fontweight="normal" if detail else "bold",
            )
        if card.spec is not None:
            boxes[card.spec.key] = b
    for card in layout.cards:
        if card.spec is None:
            continue
        for target in card.spec.links:
            if target in boxes and card.spec.key in boxes:
                a, t = boxes[card.spec.key], boxes[target]
                ax.add_patch(
                    FancyArrowPatch(
                        _edge(a, t),
                        _edge(t, a),
                        arrowstyle="-|>",
                        mutation_scale=10 * layout.scale,
                        color="#c0392b",
                        lw=1.1 * layout.scale,
                        zorder=3.5,  # over the cards, under their text
                        shrinkA=1,
                        shrinkB=1,
                        connectionstyle="arc3,rad=0.08",
                        alpha=0.85,
                    )
                )
    return fig


def _edge(box: Box, toward: Box) -> tuple[float, float]:
    """Where the line from ``box``'s centre to ``toward``'s centre leaves ``box``."""
    cx, cy = box.x + box.w / 2, box.y + box.h / 2
    dx, dy = toward.x + toward.w / 2 - cx, toward.y + toward.h / 2 - cy
    if dx == 0 and dy == 0:
        return cx, cy
    scale = min(
        (box.w / 2) / abs(dx) if dx else float("inf"),
        (box.h / 2) / abs(dy) if dy else float("inf"),
    )
    return cx + dx * scale, cy + dy * scale


def _legend(ax, layout: RoadmapLayout) -> None:  # type: ignore[no-untyped-def]
    """The colours and edges used on this page and how to read a card, in the band below the matrix."""
    from matplotlib.patches import Rectangle

    size = layout.body
    step = size / 72
    y = layout.footer.top - 0.2 * step
    x = layout.footer.x
    for text, what in layout.legend_items():
        style, value = what.split(":", 1)
        swatch = {"facecolor": "#ffffff", "edgecolor": "#555555", "lw": 0.5}
        if style == "kind":
            swatch["facecolor"] = KIND_COLOURS.get(value, KIND_COLOURS[""])
        elif style == "edge":
            swatch = {
                "facecolor": "#ffffff",
                "edgecolor": MARK_EDGE if value == "marked" else OWN_EDGE,
                "lw": 2,
            }
        else:
            swatch = {"facecolor": UNDATED_FILL, "edgecolor": "#555555", "lw": 0.5, "hatch": "//"}
        ax.add_patch(Rectangle((x, y - step * 0.95), step, step, **swatch))
        x += step * 1.3
        ax.text(x, y, text, fontsize=size, va="top", ha="left", color="#444444")
        x += text_width(text, size) / 72 + step * 1.5
    if layout.legend:
        ax.text(x, y, layout.legend, fontsize=size, va="top", ha="left", color="#444444")


def render_roadmaps(layouts: Sequence[Page], out: Path) -> list[Path]:
    """Write the pages to ``out``: one PDF with a page each, or PNGs (``name-2.png`` for the second)."""
    from matplotlib import rc_context

    suffix = out.suffix.lower()
    if suffix not in (".pdf", ".png"):
        raise ForesightError(f"{out}: a roadmap is written as .pdf or .png")
    out.parent.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    total = len(layouts)

    def draw(i: int, layout: Page):  # type: ignore[no-untyped-def]
        page = f"Page {i + 1} of {total}" if total > 1 else ""
        if isinstance(layout, ListLayout):
            return list_figure(layout, page)
        return figure(layout, page)

    with rc_context({"pdf.fonttype": 42, "font.family": FONT, "hatch.linewidth": 0.5}):
        if suffix == ".pdf":
            from matplotlib.backends.backend_pdf import PdfPages

            with PdfPages(out) as pdf:
                for i, layout in enumerate(layouts):
                    pdf.savefig(draw(i, layout))
            return [out]
        for i, layout in enumerate(layouts):
            path = out if i == 0 else out.with_name(f"{out.stem}-{i + 1}{out.suffix}")
            dpi = min(150.0, MAX_PNG_PIXELS / max(layout.width, layout.height))
            draw(i, layout).savefig(path, dpi=dpi)
            written.append(path)
    return written
