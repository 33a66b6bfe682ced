"""Drawing roadmap layouts with matplotlib (Agg, no display): PDF pages and PNG images."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from foresight.errors import ForesightError
from foresight.workshops.layout import FONT, LINE, Box, RoadmapLayout, text_width

KIND_COLOURS = {
    "trend": "#fff2b3",
    "driver": "#cfe3ff",
    "strong signal": "#ffd9b3",
    "weak signal": "#d5f2d0",
    "wild card": "#f9d3e0",
    "": "#f4f4f4",
}
MARK_EDGE = "#d35400"  # the edge of a card from the trend flags
ROW_SHADES = ("#fbfbf8", "#f3f5f9")
MAX_PNG_PIXELS = 4000  # the long side of a PNG


def figure(layout: RoadmapLayout):  # type: ignore[no-untyped-def]
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch, Rectangle

    fig = Figure(figsize=(layout.width, layout.height))
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, layout.width)
    ax.set_ylim(0, layout.height)
    ax.set_axis_off()
    ax.text(
        layout.title.box.x,
        layout.title.box.y,
        layout.title.text,
        fontsize=layout.title.fontsize,
        fontweight="bold",
        va="bottom",
        ha="left",
    )
    ax.text(
        layout.subtitle.box.x,
        layout.subtitle.box.top,
        layout.subtitle.text,
        fontsize=layout.subtitle.fontsize,
        va="top",
        ha="left",
        color="#444444",
    )
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
    for label in layout.slots:
        b = label.box
        ax.add_patch(Rectangle((b.x, b.y), b.w, b.h, facecolor="#1f3b63", edgecolor="white", zorder=1))
        ax.text(
            b.x + b.w / 2,
            b.y + b.h / 2,
            label.text,
            fontsize=label.fontsize,
            fontweight="bold",
            va="center",
            ha="center",
            color="white",
            zorder=2,
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
    if layout.legend and layout.cards:
        _legend(ax, layout)
    boxes = {}
    for card in layout.cards:
        b = card.box
        colour = "#ffffff" if card.spec is None else KIND_COLOURS.get(card.spec.kind, KIND_COLOURS[""])
        marked = card.spec is not None and card.spec.marked
        ax.add_patch(
            FancyBboxPatch(
                (b.x, b.y),
                b.w,
                b.h,
                boxstyle="square,pad=0",
                facecolor=colour,
                edgecolor=MARK_EDGE if marked else "#555555",
                linewidth=1.8 * min(layout.scale, 1.5) if marked else 0.6,
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
    """Card colours and how to read the evidence, in the margin below the matrix."""
    from matplotlib.patches import Rectangle

    size = layout.subtitle.fontsize
    step = size / 72
    y = layout.grid.y - step * 0.5
    x = layout.domains[-1].box.x
    kinds = any(c.spec is not None and c.spec.kind for c in layout.cards)
    items: list[tuple[str, str | None]] = [
        (k or "other", colour) for k, colour in KIND_COLOURS.items() if kinds
    ]
    items.append((layout.legend, None))
    for text, colour in items:
        if colour is not None:
            ax.add_patch(
                Rectangle((x, y - step * 0.95), step, step, facecolor=colour, edgecolor="#555555", lw=0.5)
            )
            x += step * 1.3
        ax.text(x, y, text, fontsize=size, va="top", ha="left", color="#444444")
        x += text_width(text, size) / 72 + step * 1.5


def render_roadmaps(layouts: Sequence[RoadmapLayout], out: Path) -> list[Path]:
    """Write the layouts to ``out``: one PDF with a page each, or PNGs (``name-2.png`` for the second)."""
    from matplotlib import rc_context

    suffix = out.suffix.lower()
    if suffix not in (".pdf", ".png"):
        raise ForesightError(f"{out}: a roadmap is written as .pdf or .png")
    out.parent.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    with rc_context({"pdf.fonttype": 42, "font.family": FONT}):
        if suffix == ".pdf":
            from matplotlib.backends.backend_pdf import PdfPages

            with PdfPages(out) as pdf:
                for layout in layouts:
                    pdf.savefig(figure(layout))
            return [out]
        for i, layout in enumerate(layouts):
            path = out if i == 0 else out.with_name(f"{out.stem}-{i + 1}{out.suffix}")
            dpi = min(150.0, MAX_PNG_PIXELS / max(layout.width, layout.height))
            figure(layout).savefig(path, dpi=dpi)
            written.append(path)
    return written
