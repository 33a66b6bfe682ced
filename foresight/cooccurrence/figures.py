"""Figures for reports: the co-occurrence heatmap and the code network, as PNG, SVG or PDF.

Both are sized for print: code names at ``LABEL_PT`` (7 pt) when the figure is printed on A4,
which the heatmap fits up to about 40 codes; with more it numbers its columns and grows at the
same label size (``Heatmap.size``, ``Heatmap.a4``). Names, never ids, label the codes. The heatmap shows the
codes of the pairs that meet the table's minimum count, in the leaves order of a hierarchical
clustering (average linkage over 1 - c) with lines between its clusters; its colour scale ends
at the strongest pair seen in two units or more, so that a pair seen once with c = 1 does not
flatten it. The network's labels are placed so that they never overlap (checked with the
renderer's own bounding boxes), its communities get tab10 colours so that neighbouring
communities differ, and a legend names them.
"""

from __future__ import annotations

import math
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from foresight.cooccurrence.matrix import Cooccurrence
from foresight.errors import ForesightError

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from foresight.cooccurrence.network import Network

FIGURE_FORMATS = (".png", ".svg", ".pdf")
A4 = (8.27, 11.69)  # inches, portrait
LABEL_PT = 7.0  # code names, at print size
CELL_PT = 9.0  # a heatmap cell: room for a 7 pt label beside it without touching the next
SCALE_MIN_COUNT = 2  # the colour scale ends at the strongest pair seen in this many units or more
CLUSTER_CUT = 0.9  # clusters: codes whose average c with each other is above 1 - this (0.1)
DPI = 200
WRAP = 22  # network labels wrap at this many characters


def check_figure_path(path: Path) -> None:
    if path.suffix.lower() not in FIGURE_FORMATS:
        raise ForesightError(f"{path}: a figure is written as .png, .svg or .pdf")


def save(fig: Figure, path: Path) -> None:
    """PNG at ``DPI``; SVG with its text kept as text (searchable, editable in a report)."""
    import matplotlib

    with matplotlib.rc_context({"svg.fonttype": "none"}):
        fig.savefig(path, dpi=DPI)


def _new_figure(size: tuple[float, float]) -> Figure:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=size, dpi=DPI)
    FigureCanvasAgg(fig)
    return fig


def fits_a4(width: float, height: float) -> bool:
    short, long = sorted((width, height))
    return short <= A4[0] + 1e-6 and long <= A4[1] + 1e-6


# ---- the heatmap ---------------------------------------------------------------------------


@dataclass
class Heatmap:
    """What the heatmap shows: code ids down the side and across, in the order drawn."""

    rows: list[str]
    cols: list[str]
    clusters: list[list[str]]  # of two codes or more, in the order drawn (square matrices only)
    scale_max: float  # c at the top of the colour scale
    size: tuple[float, float]  # inches
    min_count: int

    @property
    def a4(self) -> bool:
        return fits_a4(*self.size)


def heatmap_codes(result: Cooccurrence, min_count: int = 1) -> tuple[list[int], list[int]]:
    """Row and column indices (into ``result.codes``) of the codes in the pairs table at
    ``min_count``: the heatmap draws exactly these."""
    pairs = result.pairs(min_count=min_count)
    index = {code.id: i for i, code in enumerate(result.codes)}
    if result.rows == result.cols:
        used = {index[p["code_a"]] for p in pairs} | {index[p["code_b"]] for p in pairs}
        shown = [i for i in result.rows if i in used]
        return shown, shown
    rows = {index[p["code_a"]] for p in pairs}
    cols = {index[p["code_b"]] for p in pairs}
    return [i for i in result.rows if i in rows], [i for i in result.cols if i in cols]


def _leaves(vectors: np.ndarray, distances: np.ndarray | None = None) -> tuple[list[int], Any]:
    from scipy.cluster.hierarchy import leaves_list, linkage
    from scipy.spatial.distance import squareform

    if len(vectors) < 3:
        return list(range(len(vectors))), None
    if distances is not None:
        tree = linkage(squareform(distances, checks=False), method="average", optimal_ordering=True)
    else:
        tree = linkage(vectors, method="average", metric="euclidean", optimal_ordering=True)
    return leaves_list(tree).tolist(), tree


def heatmap_figure(result: Cooccurrence, *, min_count: int = 1, note: str = "") -> tuple[Figure, Heatmap]:
    """The heatmap of c over the codes of the pairs table at ``min_count``; cells of pairs below
    it are blank, as they are missing from the table."""
    from matplotlib.colors import LinearSegmentedColormap
    from matplotlib.patches import Rectangle
    from scipy.cluster.hierarchy import fcluster

    rows, cols = heatmap_codes(result, min_count)
    if not rows or not cols:
        raise ForesightError(
            f"nothing to draw: no pair of codes in {max(min_count, 1)} units or more (lower --min-count)"
        )
    square = result.rows == result.cols
    counts = result.counts[np.ix_(rows, cols)]
    values = np.where(counts >= max(min_count, 1), result.c()[np.ix_(rows, cols)], np.nan)
    if square:
        np.fill_diagonal(values, np.nan)  # a code with itself is always 1: leave it blank
    filled = np.nan_to_num(values)
    clusters: list[list[int]] = []
    if square:
        distances = 1.0 - filled
        np.fill_diagonal(distances, 0.0)
        order, tree = _leaves(filled, distances)
        row_order = col_order = order
        if tree is not None:
            flat = fcluster(tree, t=CLUSTER_CUT, criterion="distance")[order]
            starts = [0] + [k for k in range(1, len(order)) if flat[k] != flat[k - 1]] + [len(order)]
            clusters = [list(range(a, b)) for a, b in zip(starts, starts[1:], strict=False) if b - a > 1]
    else:
        row_order, _ = _leaves(filled)
        col_order, _ = _leaves(filled.T)
    rows = [rows[k] for k in row_order]
    cols = [cols[k] for k in col_order]
    values = values[np.ix_(row_order, col_order)]
    counts = counts[np.ix_(row_order, col_order)]
    scaled = values[(counts >= SCALE_MIN_COUNT) & ~np.isnan(values)]
    top = float(scaled.max()) if scaled.size else float(np.nanmax(values))
    top = max(top, 1e-9)

    names_r = [result.codes[i].name for i in rows]
    names_c = [result.codes[i].name for i in cols]
    fig = _new_figure(A4)
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]

    def widest(names: list[str]) -> float:  # inches
        widths = [fig.text(0, 0, n, fontsize=LABEL_PT).get_window_extent(renderer).width for n in names]
        for t in list(fig.texts):
            t.remove()
        return max(widths) / DPI

    cell = CELL_PT / 72
    left = widest(names_r) + 0.25
    full_bottom = widest(names_c) + 0.25
    title, bar = 0.75, 1.0
    width = left + len(cols) * cell + bar
    numbered = square and not fits_a4(width, full_bottom + len(rows) * cell + title)
    if numbered:  # columns by number, the numbers also beside the names down the side
        names_r = [f"{name}  {k}" for k, name in enumerate(names_r, start=1)]
        names_c = [str(k) for k in range(1, len(cols) + 1)]
        left = widest(names_r) + 0.25
        width = left + len(cols) * cell + bar
    bottom = widest(names_c) + 0.25
    height = bottom + len(rows) * cell + title
    fig.set_size_inches(width, height)
    ax = fig.add_axes((left / width, bottom / height, len(cols) * cell / width, len(rows) * cell / height))
    colours = LinearSegmentedColormap.from_list("c", ["#deebf7", "#6baed6", "#08306b"]).with_extremes(
        bad="white", over="#08306b"
    )
    image = ax.imshow(values, cmap=colours, vmin=0, vmax=top, aspect="auto", interpolation="nearest")
    ax.set_xticks(range(len(cols)), names_c, rotation=90, fontsize=LABEL_PT)
    ax.set_yticks(range(len(rows)), names_r, fontsize=LABEL_PT)
    ax.tick_params(length=2, pad=2)
    for k in range(len(cols) + 1):  # a faint grid, so that a cell's row and column can be followed
        ax.axvline(k - 0.5, color="#eeeeee", linewidth=0.3)
    for k in range(len(rows) + 1):
        ax.axhline(k - 0.5, color="#eeeeee", linewidth=0.3)
    for members in clusters:  # a box around each cluster's block on the diagonal
        corner, side = members[0] - 0.5, len(members)
        ax.add_patch(Rectangle((corner, corner), side, side, fill=False, edgecolor="#c0392b", linewidth=0.9))
    for spine in ax.spines.values():
        spine.set_linewidth(0.5)
    bar_ax = fig.add_axes(
        (
            (left + len(cols) * cell + 0.2) / width,
            bottom / height,
            0.12 / width,
            0.6 * len(rows) * cell / height,
        )
    )
    some_above = bool(np.nanmax(values) > top)
    colourbar = fig.colorbar(image, cax=bar_ax, extend="max" if some_above else "neither")
    colourbar.ax.tick_params(labelsize=LABEL_PT)
    colourbar.set_label(
        f"c-coefficient (scale: strongest pair in {SCALE_MIN_COUNT}+ units)"
        if some_above
        else "c-coefficient",
        fontsize=LABEL_PT,
    )
    lines = [
        f"Co-occurrence over {result.units} units ({result.codings.label()}): "
        f"{len(rows)} codes in pairs of {max(min_count, 1)}+ units",
        "ordered by clustering (average linkage on 1 - c), clusters boxed in red; blank: fewer units",
    ]
    if note:
        lines.append(note)
    fig.text(0.5, 1 - 0.1 / height, "\n".join(lines), ha="center", va="top", fontsize=LABEL_PT + 1)
    drawn = Heatmap(
        rows=[result.codes[i].id for i in rows],
        cols=[result.codes[i].id for i in cols],
        clusters=[[result.codes[rows[k]].id for k in members] for members in clusters],
        scale_max=top,
        size=(width, height),
        min_count=max(min_count, 1),
    )
    return fig, drawn


def write_heatmap(result: Cooccurrence, path: Path, *, min_count: int = 1, note: str = "") -> Heatmap:
    """The heatmap (see :func:`heatmap_figure`) as a PNG, SVG or PDF; ``note`` is a line of the
    title (e.g. where the codings come from)."""
    check_figure_path(path)
    fig, drawn = heatmap_figure(result, min_count=min_count, note=note)
    save(fig, path)
    return drawn


# ---- the network ---------------------------------------------------------------------------

PALETTE = "tab10"
OTHER = "#7f7f7f"  # tab10's grey: kept out of the communities' colours


MARKERS = "osD^v"  # a colour's first community is drawn with circles, its second with squares…


def community_styles(graph: Any, communities: list[dict[str, Any]]) -> dict[int, tuple[str, str]]:
    """A tab10 colour and a marker per community, largest first: an unused colour while there is
    one, then the least used colour that no neighbouring community (one tied to it) has; the
    marker tells apart the communities that share a colour."""
    from matplotlib import colormaps
    from matplotlib.colors import to_hex

    palette = [to_hex(c) for c in colormaps[PALETTE].colors]  # type: ignore[attr-defined]
    palette = [c for c in palette if c != OTHER]
    member = {code["id"]: c["id"] for c in communities for code in c["codes"]}
    neighbours: dict[int, set[int]] = {c["id"]: set() for c in communities}
    for a, b in graph.edges:
        ca, cb = member.get(a), member.get(b)
        if ca is not None and cb is not None and ca != cb:
            neighbours[ca].add(cb)
            neighbours[cb].add(ca)
    styles: dict[int, tuple[str, str]] = {}
    used = dict.fromkeys(palette, 0)
    for c in communities:
        taken = {styles[n][0] for n in neighbours[c["id"]] if n in styles}
        free = [p for p in palette if p not in taken] or palette
        choice = min(free, key=lambda p: (used[p], palette.index(p)))
        styles[c["id"]] = (choice, MARKERS[used[choice] % len(MARKERS)])
        used[choice] += 1
    return styles


def _overlaps(box: tuple[float, float, float, float], boxes: list[tuple[float, float, float, float]]) -> bool:
    x0, y0, x1, y1 = box
    return any(x0 < b[2] and b[0] < x1 and y0 < b[3] and b[1] < y1 for b in boxes)


def place_labels(
    ax: Any, points: list[tuple[float, float, float]], texts: list[Any], renderer: Any
) -> list[bool]:
    """Move each label (largest node first: ``points`` are display x, y and the node's radius)
    to the nearest spot around its node where it overlaps no other label, no node and stays in
    the axes; a label set far from its node gets a thin leader line. Returns which got one."""
    bounds = ax.get_window_extent(renderer)
    nodes = [(x - r, y - r, x + r, y + r) for x, y, r in points]
    placed: list[tuple[float, float, float, float]] = []
    led = []
    pad = 2.0 * DPI / 72
    to_data = ax.transData.inverted()
    for (x, y, r), text in zip(points, texts, strict=True):
        extent = text.get_window_extent(renderer)
        w, h = extent.width + 2 * pad, extent.height + 2 * pad
        chosen = None
        for step in range(60):
            distance = r + pad + step * h * 0.5
            for angle in range(0, 360, 15 if step else 45):
                dx, dy = math.cos(math.radians(angle)), math.sin(math.radians(angle))
                cx = x + dx * (distance + w / 2 * abs(dx) ** 0.5)
                cy = y + dy * (distance + h / 2 * abs(dy) ** 0.5)
                box = (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)
                inside = (
                    bounds.x0 <= box[0]
                    and box[2] <= bounds.x1
                    and bounds.y0 <= box[1]
                    and box[3] <= bounds.y1
                )
                if inside and not _overlaps(box, placed) and not _overlaps(box, nodes):
                    chosen = (cx, cy, box, step)
                    break
            if chosen:
                break
        if chosen is None:  # nowhere free: keep it off its node, over whatever is there
            chosen = (x + r + w / 2, y, (x + r, y - h / 2, x + r + w, y + h / 2), 0)
        cx, cy, box, step = chosen
        placed.append(box)
        text.set_position(to_data.transform((cx, cy)))
        far = step > 0
        if far:
            ax.plot(
                *zip(to_data.transform((x, y)), to_data.transform((cx, cy)), strict=True),
                color="#555555",
                linewidth=0.5,
                zorder=1.5,
            )
        led.append(far)
    return led


def network_figure(result: Network, *, seed: int = 1, note: str = "") -> Figure:
    """The network on an A4 landscape page: node area by units, edge width by c, colour by
    community (a legend names each by its largest codes), code names as labels that do not
    overlap; codes without a tie are left out of the drawing (not of the exported graph)."""
    import networkx as nx
    from matplotlib.lines import Line2D

    graph = result.graph
    tied = graph.subgraph([v for v in graph.nodes if graph.degree(v) > 0])
    if tied.number_of_nodes() == 0:
        raise ForesightError("nothing to draw: no two codes are tied at this threshold (lower --threshold)")
    width, height = A4[1], A4[0]
    fig = _new_figure((width, height))
    ax = fig.add_axes((0.01, 0.02, 0.69, 0.86))
    ax.set_axis_off()
    nodes = sorted(tied.nodes, key=lambda v: (-tied.nodes[v]["n"], v))
    layout = nx.spring_layout(tied, weight="weight", seed=seed, k=2.5 / math.sqrt(len(nodes)), iterations=200)
    xy = np.array([layout[v] for v in nodes])
    low, high = xy.min(axis=0), xy.max(axis=0)
    span = np.maximum(high - low, 1e-9)
    ax.set_xlim(low[0] - 0.08 * span[0], high[0] + 0.08 * span[0])
    ax.set_ylim(low[1] - 0.06 * span[1], high[1] + 0.06 * span[1])
    styles = community_styles(tied, result.communities)
    sizes = np.array([30 + 10 * tied.nodes[v]["n"] ** 0.8 for v in nodes])
    for a, b in tied.edges:
        weight = tied.edges[a, b]["weight"]
        ax.plot(
            [layout[a][0], layout[b][0]],
            [layout[a][1], layout[b][1]],
            color="#888888",
            alpha=0.55,
            linewidth=0.4 + 4 * weight,
            zorder=1,
            solid_capstyle="round",
        )
    style = [styles.get(tied.nodes[v].get("community", 0), (OTHER, "o")) for v in nodes]
    for marker in sorted({m for _, m in style}):
        mine = [k for k, (_, m) in enumerate(style) if m == marker]
        ax.scatter(
            xy[mine, 0],
            xy[mine, 1],
            s=sizes[mine],
            c=[style[k][0] for k in mine],
            marker=marker,
            edgecolors="white",
            linewidths=0.6,
            zorder=2,
        )
    texts = [
        ax.text(
            *layout[v],
            textwrap.fill(tied.nodes[v]["name"], WRAP),
            fontsize=LABEL_PT,
            ha="center",
            va="center",
            zorder=3,
            linespacing=1.0,
            bbox={"boxstyle": "square,pad=0.05", "facecolor": "white", "alpha": 0.75, "edgecolor": "none"},
        )
        for v in nodes
    ]
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    display = ax.transData.transform(xy)
    radii = np.sqrt(sizes) / 2 * DPI / 72
    place_labels(
        ax,
        [(float(x), float(y), float(r)) for (x, y), r in zip(display, radii, strict=True)],
        texts,
        renderer,
    )
    for text, v in zip(texts, nodes, strict=True):
        text.set_gid(f"label {v}")

    drawn = {tied.nodes[v].get("community", 0) for v in nodes}
    handles = []
    for c in result.communities:
        if c["id"] not in drawn:
            continue
        names = [code["name"] for code in c["codes"]]
        label = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
        handles.append(
            Line2D(
                [],
                [],
                marker=styles[c["id"]][1],
                linestyle="",
                markersize=7,
                color=styles[c["id"]][0],
                label=textwrap.fill(f"{c['id']}. {label} ({c['units']} units)", 42),
            )
        )
    legend = fig.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(0.71, 0.88),
        fontsize=LABEL_PT,
        frameon=False,
        title=f"Communities ({result.method})",
        title_fontsize=LABEL_PT + 1,
        alignment="left",
        labelspacing=0.6,
        handletextpad=0.4,
    )
    fig.add_artist(legend)
    smallest, largest = min(tied.nodes[v]["n"] for v in nodes), max(tied.nodes[v]["n"] for v in nodes)
    keys = [
        Line2D(
            [],
            [],
            marker="o",
            linestyle="",
            color="#bbbbbb",
            label=f"{n} units",
            markersize=math.sqrt(30 + 10 * n**0.8),
        )
        for n in sorted({smallest, largest})
    ]
    keys += [
        Line2D([], [], color="#888888", alpha=0.55, linewidth=0.4 + 4 * c, label=f"c = {c:g}")
        for c in (0.1, 0.4)
    ]
    fig.legend(
        handles=keys,
        loc="lower left",
        bbox_to_anchor=(0.71, 0.02),
        fontsize=LABEL_PT,
        frameon=False,
        title="Size: units with the code; width: c",
        title_fontsize=LABEL_PT,
        alignment="left",
        ncols=2,
    )
    settings = result.settings
    lines = [
        f"Code network: {tied.number_of_nodes()} codes tied by c >= {settings.get('threshold', 0):g} in "
        f"{settings.get('min_count', 1)}+ units; {len(result.communities)} communities by {result.method}",
    ]
    left_out = graph.number_of_nodes() - tied.number_of_nodes()
    if left_out:
        lines.append(f"{left_out} codes without a tie are not drawn")
    if note:
        lines.append(note)
    fig.text(0.5, 0.985, lines[0], ha="center", va="top", fontsize=LABEL_PT + 3)
    if len(lines) > 1:
        fig.text(0.5, 0.945, "\n".join(lines[1:]), ha="center", va="top", fontsize=LABEL_PT + 1)
    return fig


def draw_network(result: Network, path: Path, *, seed: int = 1, note: str = "") -> None:
    """The network (see :func:`network_figure`) as a PNG, SVG or PDF; ``note`` is a line of the
    title (e.g. where the codings come from)."""
    check_figure_path(path)
    save(network_figure(result, seed=seed, note=note), path)


def strategic_figure(result: Network, *, note: str = "") -> Figure:
    """Callon's strategic diagram of the network's themes: centrality across, density up, the
    axes crossing at the medians, each quadrant named, each theme a point labelled by its number
    and largest codes (see :mod:`foresight.cooccurrence.strategic`)."""
    if not result.themes:
        raise ForesightError("nothing to draw: the network has no community of two codes or more")
    fig = _new_figure((A4[1], A4[0]))
    ax = fig.add_axes((0.08, 0.09, 0.88, 0.8))
    settings = result.theme_settings
    xs = [t.centrality for t in result.themes]
    ys = [t.density for t in result.themes]
    ax.scatter(xs, ys, s=60, color="#3b6ea8", zorder=3)
    middle = (min(xs) + max(xs)) / 2
    for theme in result.themes:
        shown = ", ".join(theme.codes[:2]) + (", …" if len(theme.codes) > 2 else "")
        right = theme.centrality > middle  # labels of the right half run leftwards, inside the axes
        ax.annotate(
            f"{theme.id}. {shown}",
            (theme.centrality, theme.density),
            xytext=(-5 if right else 5, 4),
            textcoords="offset points",
            ha="right" if right else "left",
            fontsize=LABEL_PT,
        )
    cx, cy = settings["centrality_median"], settings["density_median"]
    ax.axvline(cx, color="#888888", linewidth=0.8)
    ax.axhline(cy, color="#888888", linewidth=0.8)
    for x, y, ha, va, name in (
        (0.99, 0.99, "right", "top", "motor themes"),
        (0.01, 0.99, "left", "top", "specialised or isolated"),
        (0.01, 0.01, "left", "bottom", "emerging or declining"),
        (0.99, 0.01, "right", "bottom", "basic or transversal"),
    ):
        ax.text(x, y, name, transform=ax.transAxes, ha=ha, va=va, fontsize=LABEL_PT + 1, color="#555555")
    ax.margins(0.15)
    ax.set_xlabel("centrality: 10 x sum of links to other themes")
    ax.set_ylabel("density: 100 x sum of internal links / codes")
    title = f"Strategic diagram ({settings['measure']}; axes at the medians)"
    fig.text(0.5, 0.97, title + (f"\n{note}" if note else ""), ha="center", va="top", fontsize=LABEL_PT + 2)
    return fig


def draw_strategic(result: Network, path: Path, *, note: str = "") -> None:
    """The strategic diagram (see :func:`strategic_figure`) as a PNG, SVG or PDF."""
    check_figure_path(path)
    save(strategic_figure(result, note=note), path)
