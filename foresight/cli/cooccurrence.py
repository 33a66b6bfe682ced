"""The co-occurrence commands: `cooccurrence` (and its `units`), `trends`, `bursts`, `network`.

Each takes the same selection options (whose codings count, which units), given once here
by :func:`selecting`."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from foresight.cli.common import JsonOption, err, open_project, out, print_json, wrote
from foresight.cli.tables import CsvOption, XlsxOption, check_table_files, write_table_files
from foresight.cooccurrence import Codings, Cooccurrence, Filters, cooccurrence, supporting_units
from foresight.cooccurrence.bursts import burst_tables, bursts
from foresight.cooccurrence.by_selection import cooccurrence_of_selections
from foresight.cooccurrence.emergence import EmergenceSettings
from foresight.cooccurrence.figures import check_figure_path, draw_network, draw_strategic, write_heatmap
from foresight.cooccurrence.matrix import check_measure
from foresight.cooccurrence.network import igraph_installed, network, write_graph
from foresight.cooccurrence.output import write_csv, write_xlsx
from foresight.cooccurrence.selection import CHOOSE_ONE
from foresight.cooccurrence.slices import cooccurrence_by, slices_json
from foresight.cooccurrence.trends import TrendSettings, trend_tables, trends
from foresight.errors import ForesightError

cooccurrence_app = typer.Typer(
    help="Which codes meet in the same units: counts and the c-coefficient (0..1).",
    invoke_without_command=True,
)

CoderSel = Annotated[str | None, typer.Option("--coder", help="Count this coder's codings only.")]
AdjudicatedSel = Annotated[bool, typer.Option("--adjudicated", help="Count adjudicated codings only.")]
ConsensusSel = Annotated[
    int | None,
    typer.Option("--consensus", metavar="K", help="Count a code where at least K coders applied it."),
]
AllSel = Annotated[bool, typer.Option("--all", help="Count every coder's codings (union; the default).")]
PeriodSel = Annotated[
    list[str] | None, typer.Option("--period", help="Only units of this period (repeatable).")
]
SourceTypeSel = Annotated[
    list[str] | None, typer.Option("--source-type", help="Only sources of this type (repeatable).")
]
ActorTypeSel = Annotated[
    list[str] | None, typer.Option("--actor-type", help="Only sources of this actor type (repeatable).")
]
SourceSel = Annotated[
    list[int] | None, typer.Option("--source", help="Only this source's units (repeatable).")
]

LangSel = Annotated[
    list[str] | None, typer.Option("--lang", help="Only units in this language, e.g. de (repeatable).")
]


def selection(
    coder: str | None,
    adjudicated: bool,
    consensus: int | None,
    all_: bool,
    period: list[str] | None = None,
    source_type: list[str] | None = None,
    actor_type: list[str] | None = None,
    source: list[int] | None = None,
    lang: list[str] | None = None,
) -> tuple[Codings, Filters]:
    if all_ and (coder is not None or adjudicated or consensus is not None):
        raise ForesightError(CHOOSE_ONE)
    codings = Codings(coder=coder, adjudicated=adjudicated, consensus=consensus)
    filters = Filters(
        periods=tuple(period or ()),
        source_types=tuple(source_type or ()),
        actor_types=tuple(actor_type or ()),
        sources=tuple(source or ()),
        languages=tuple(code.lower() for code in lang or ()),
    )
    return codings, filters


ALL_CODINGS, ALL_UNITS = Codings(), Filters()  # what no selection option narrows

# The options that choose whose codings count and which units: (name, annotation, default)
_SELECTION: tuple[tuple[str, Any, Any], ...] = (
    ("coder", CoderSel, None),
    ("adjudicated", AdjudicatedSel, False),
    ("consensus", ConsensusSel, None),
    ("all_", AllSel, False),
    ("period", PeriodSel, None),
    ("source_type", SourceTypeSel, None),
    ("actor_type", ActorTypeSel, None),
    ("source", SourceSel, None),
    ("lang", LangSel, None),
)


def selecting(*, periods: bool = True) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Give a command the selection options (without ``--period`` when ``periods`` is False:
    the command runs over periods itself). They stand where its ``codings`` parameter does,
    and it receives them as ``codings`` and ``filters``."""
    options = [o for o in _SELECTION if periods or o[0] != "period"]

    def decorate(command: Callable[..., None]) -> Callable[..., None]:
        signature = inspect.signature(command, eval_str=True)
        params: list[inspect.Parameter] = []
        for param in signature.parameters.values():
            if param.name == "codings":
                params += [inspect.Parameter(n, param.kind, default=d, annotation=a) for n, a, d in options]
            elif param.name != "filters":
                params.append(param)

        @functools.wraps(command)
        def run(**given: Any) -> None:
            chosen = {name: given.pop(name) for name, _, _ in options}
            codings, filters = selection(**chosen)
            command(**given, codings=codings, filters=filters)

        run.__signature__ = signature.replace(parameters=params)  # type: ignore[attr-defined]
        return run

    return decorate


def show_table(
    result: Cooccurrence,
    rows: str | None,
    cols: str | None,
    *,
    min_count: int,
    all_pairs: bool,
    stats: bool,
    top: int,
    slice_label: str | None = None,
    measure: str = "c",
) -> None:
    """The pairs table, under a line saying which codings, filters and slice it counts."""
    pairs = result.pairs(min_count=min_count, all_pairs=all_pairs, stats=stats, measure=measure)
    where = f"; {result.filters.label()}" if result.filters.label() else ""
    if rows is not None or cols is not None:
        where += f"; {rows or 'all codes'} x {cols or rows or 'all codes'}"
    if slice_label is not None:
        where += f"; {slice_label}"
    out.print(
        f"Co-occurrence over {result.units} coded {result.counted} ({result.codings.label()}{where})",
        soft_wrap=True,
    )
    columns = ["code a", "code b", "n_a", "n_b", "n_ab", "c"]
    if measure != "c":
        columns.append(measure)
    if stats:
        columns += ["n_ab/n_a", "n_ab/n_b", "lift", "p one-sided", ""]
    table = Table(*columns, box=None)
    for p in pairs[:top]:
        cells = [p["code_a"], p["code_b"], str(p["n_a"]), str(p["n_b"]), str(p["n_ab"]), f"{p['c']:.3f}"]
        if measure != "c":
            cells.append(f"{p[measure]:.4f}" if measure == "association" else f"{p[measure]:.3f}")
        if stats:
            cells += [
                f"{p['share_a']:.2f}",
                f"{p['share_b']:.2f}",
                f"{p['lift']:.2f}",
                f"{p['p_one_sided']:.3g}",
                "unbalanced" if p["unbalanced"] else "",
            ]
        table.add_row(*cells)
    out.print(table)
    more = f" (showing {top}; --top N for more)" if len(pairs) > top else ""
    out.print(f"{len(pairs)} pairs{more}")


@cooccurrence_app.callback()
@selecting()
def cooccurrence_command(
    ctx: typer.Context,
    codings: Codings = ALL_CODINGS,  # these two: the selection options, made by @selecting
    filters: Filters = ALL_UNITS,
    rows: Annotated[str | None, typer.Option("--rows", help="Code group down the side (e.g. MT).")] = None,
    cols: Annotated[str | None, typer.Option("--cols", help="Code group across the top (e.g. EI).")] = None,
    by: Annotated[
        str | None,
        typer.Option(
            "--by",
            help="One matrix per period | source-type | actor-type | source; selection: count selections.",
        ),
    ] = None,
    min_count: Annotated[int, typer.Option("--min-count", help="Leave out pairs with fewer units.")] = 1,
    all_pairs: Annotated[
        bool, typer.Option("--all-pairs", help="Every pair, also those never together.")
    ] = False,
    stats: Annotated[
        bool, typer.Option("--stats", help="Shares n_ab/n_a, lift and Fisher's one-sided p.")
    ] = False,
    measure: Annotated[
        str,
        typer.Option(
            "--measure", help="Rank by c | inclusion | association | lift | equivalence (shown beside c)."
        ),
    ] = "c",
    top: Annotated[int, typer.Option("--top", help="Rows of the table printed.")] = 30,
    csv: Annotated[Path | None, typer.Option("--csv", help="Write the pairs to this CSV file.")] = None,
    xlsx: Annotated[
        Path | None, typer.Option("--xlsx", help="Write pairs and matrices to this XLSX.")
    ] = None,
    heatmap: Annotated[
        Path | None,
        typer.Option("--heatmap", help="Draw the c matrix of the table's codes (.png, .svg or .pdf)."),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Count the units each pair of codes shares and their c-coefficient, strongest first."""
    if ctx.invoked_subcommand is not None:
        defaults = {param.name: param.default for param in ctx.command.params}
        given = [
            name for name, value in ctx.params.items() if value not in (defaults.get(name), None, [], ())
        ]
        if given:
            raise ForesightError(
                f"options go after '{ctx.invoked_subcommand}': "
                f"foresight cooccurrence {ctx.invoked_subcommand} ... [OPTIONS]"
            )
        return
    check_measure(measure)
    if heatmap is not None:
        check_figure_path(heatmap)
    check_table_files(csv, xlsx)
    if by is not None and by != "selection":
        if csv is not None or xlsx is not None or heatmap is not None:
            raise ForesightError(
                "--by prints every slice; write files for one slice at a time (e.g. --period NAME --csv FILE)"
            )
        sliced = cooccurrence_by(open_project(), by, codings, filters, rows=rows, cols=cols)
        if as_json:
            print_json(
                slices_json(
                    by, sliced, min_count=min_count, all_pairs=all_pairs, stats=stats, measure=measure
                )
            )
            return
        for label, part in sliced:
            show_table(
                part,
                rows,
                cols,
                min_count=min_count,
                all_pairs=all_pairs,
                stats=stats,
                top=top,
                slice_label=f"{by} {label}",
                measure=measure,
            )
        return
    count = cooccurrence_of_selections if by == "selection" else cooccurrence
    result = count(open_project(), codings, filters, rows=rows, cols=cols)
    written = []
    chosen = {"min_count": min_count, "all_pairs": all_pairs, "measure": measure}
    if csv is not None:
        written.append(f"{write_csv(result, csv, **chosen)} pairs to {csv}")
    if xlsx is not None:
        written.append(f"{write_xlsx(result, xlsx, **chosen)} pairs to {xlsx}")
    if heatmap is not None:
        drawn = write_heatmap(result, heatmap, min_count=min_count)
        written.append(f"a {len(drawn.rows)} x {len(drawn.cols)} heatmap to {heatmap}")
    if as_json:
        print_json(result.as_json(min_count=min_count, all_pairs=all_pairs, stats=stats, measure=measure))
        return
    show_table(
        result, rows, cols, min_count=min_count, all_pairs=all_pairs, stats=stats, top=top, measure=measure
    )
    wrote(*written)


@cooccurrence_app.command("units")
@selecting()
def units_command(
    code_a: Annotated[str, typer.Argument(help="A code id or name.")],
    code_b: Annotated[str, typer.Argument(help="Another code id or name.")],
    codings: Codings = ALL_CODINGS,  # these two: the selection options, made by @selecting
    filters: Filters = ALL_UNITS,
    as_json: JsonOption = False,
) -> None:
    """The units where both codes are applied, with text, source and date, for in-depth reading."""
    rows = supporting_units(open_project(), code_a, code_b, codings, filters)
    if as_json:
        print_json(rows)
        return
    for r in rows:
        where = f"source {r['source_id']} {r['source']} · {r['date'] or 'no date'}"
        out.print(f"[bold]unit {r['unit_id']}[/] · {escape(where)}", soft_wrap=True)
        out.print(r["text"], markup=False, soft_wrap=True)
        out.print()
    out.print(f"{len(rows)} units carry both {code_a} and {code_b} ({codings.label()})")


@selecting(periods=False)
def trends_command(
    start: Annotated[str | None, typer.Option("--from", help="First period (default: the first).")] = None,
    end: Annotated[str | None, typer.Option("--to", help="Last period (default: the last).")] = None,
    by: Annotated[
        str, typer.Option("--by", help="period (the project's [[periods]]) | year (of the sources' dates).")
    ] = "period",
    codings: Codings = ALL_CODINGS,  # these two: the selection options, made by @selecting
    filters: Filters = ALL_UNITS,
    c_threshold: Annotated[
        float | None,
        typer.Option("--c-threshold", help="A pair's mean c above this is high (default: median)."),
    ] = None,
    share_threshold: Annotated[
        float | None,
        typer.Option("--share-threshold", help="A code's mean share above this is high (default: median)."),
    ] = None,
    growth_threshold: Annotated[
        float | None,
        typer.Option(
            "--growth-threshold",
            help="Growth per period above this is growing (default: the time weight's tilt).",
        ),
    ] = None,
    time_weight: Annotated[float, typer.Option("--time-weight", help="Yoon's time weight tw.")] = 0.05,
    min_count: Annotated[int, typer.Option("--min-count", help="Fewest units over the window.")] = 3,
    min_sources: Annotated[int, typer.Option("--min-sources", help="Fewest distinct sources.")] = 2,
    emergence: Annotated[
        bool,
        typer.Option(
            "--emergence", help="Also Porter et al.'s emergence score (at least 5 periods; 10 as published)."
        ),
    ] = False,
    top: Annotated[int, typer.Option("--top", help="Rows of each table printed.")] = 20,
    csv: CsvOption = None,
    xlsx: XlsxOption = None,
    as_json: JsonOption = False,
) -> None:
    """Rank code pairs and codes by their change between periods: strong and weak signals.

    --csv writes every ranked pair (the codes beside it, FILE-codes.csv); --xlsx both as sheets.
    """
    check_table_files(csv, xlsx)
    settings = TrendSettings(
        time_weight=time_weight,
        c_threshold=c_threshold,
        share_threshold=share_threshold,
        growth_threshold=growth_threshold,
        min_count=min_count,
        min_sources=min_sources,
        emergence=EmergenceSettings() if emergence else None,
    )
    report = trends(open_project(), codings, filters, start=start, end=end, settings=settings, by=by)
    written = write_table_files(trend_tables(report), csv, xlsx)
    if as_json:
        print_json(report)
        return
    used = report["settings"]
    out.print(
        f"Trends over {', '.join(report['periods'])} ({codings.label()}); "
        f"high c > {used['c_threshold']:.3f}, growing > {used['growth_threshold']:.3f} per period",
        soft_wrap=True,
    )

    def growth(item: dict) -> str:  # type: ignore[type-arg]
        return "new" if item["novel"] else ("-" if item["growth"] is None else f"{item['growth']:+.2f}")

    # beyond four periods the tables show the first and the last (--json and --csv hold every one)
    shown = (
        report["periods"] if len(report["periods"]) <= 4 else [report["periods"][0], report["periods"][-1]]
    )
    table = Table(
        "class",
        "code a",
        "code b",
        *[f"c {p}" for p in shown],
        "Δc",
        "growth",
        "sources",
        box=None,
    )
    for column in table.columns[:3]:
        column.no_wrap = True
    for item in report["pairs"][:top]:
        table.add_row(
            item["class"],
            item["code_a"],
            item["code_b"],
            *[f"{item['c'][p]:.3f}" for p in shown],
            f"{item['c_change']:+.3f}",
            growth(item),
            str(len(item["evidence"]["sources"])),
        )
    out.print(table)
    codes = Table("class", "code", *[f"n {p}" for p in shown], "growth", "sources", box=None)
    codes.columns[0].no_wrap = codes.columns[1].no_wrap = True
    for item in report["codes"][:top]:
        codes.add_row(
            item["class"],
            item["code"],
            *[str(item["n"][p]) for p in shown],
            growth(item),
            str(len(item["evidence"]["sources"])),
        )
    out.print(codes)
    if emergence:
        show_emergence(report, top)
    out.print(
        f"{len(report['pairs'])} pairs and {len(report['codes'])} codes on at least {used['min_sources']} "
        "sources; read a pair's units with 'foresight cooccurrence units CODE_A CODE_B'",
        soft_wrap=True,
    )
    wrote(*written)


def show_emergence(report: dict[str, Any], top: int) -> None:
    """The items by emergence score, highest first, with the score's terms."""
    used = report["settings"]["emergence"]
    base = f"{used['base'][0]}..{used['base'][-1]}" if used["base"] else "none"
    out.print(
        f"Emergence score (Porter et al. 2018) over {used['active'][0]}..{used['active'][-1]}, base {base}; "
        "score = 2 x active trend + recent trend + slope",
        soft_wrap=True,
    )
    items = [(f"{i['code_a']} {i['code_b']}", i) for i in report["pairs"]]
    items += [(i["code"], i) for i in report["codes"]]
    items.sort(key=lambda row: -row[1]["emergence"]["score"])
    table = Table("item", "score", "active", "recent", "slope", "periods", "base share", "eligible", box=None)
    table.columns[0].no_wrap = True
    for label, item in items[:top]:
        e = item["emergence"]
        table.add_row(
            label,
            f"{e['score']:+.2f}",
            f"{e['active_trend']:+.2f}",
            f"{e['recent_trend']:+.2f}",
            f"{e['slope']:+.2f}",
            f"{e['active_periods']}/{len(used['active'])}",
            f"{e['base_share']:.2f}",
            "yes" if e["eligible"] else "",
        )
    out.print(table)


@selecting(periods=False)
def bursts_command(
    by: Annotated[str, typer.Option("--by", help="Batches: year or month.")] = "year",
    s: Annotated[float, typer.Option("--s", help="Burst rate as a multiple of the base rate.")] = 2.0,
    gamma: Annotated[
        float, typer.Option("--gamma", help="Cost of entering a burst, times ln(batches).")
    ] = 1.0,
    codings: Codings = ALL_CODINGS,  # these two: the selection options, made by @selecting
    filters: Filters = ALL_UNITS,
    csv: CsvOption = None,
    xlsx: XlsxOption = None,
    as_json: JsonOption = False,
) -> None:
    """Bursts of single codes over time (Kleinberg's two-state automaton over years or months).

    --csv writes a row per burst (each code's units per batch beside it, FILE-codes.csv).
    """
    check_table_files(csv, xlsx)
    report = bursts(open_project(), codings, filters, by=by, s=s, gamma=gamma)
    written = write_table_files(burst_tables(report), csv, xlsx)
    if as_json:
        print_json(report)
        return
    table = Table("code", "burst", "units", "share", box=None)
    for item in report["codes"]:
        for run in item["bursts"]:
            span = run["start"] if run["start"] == run["end"] else f"{run['start']}..{run['end']}"
            table.add_row(item["code"], span, str(run["units"]), f"{run['share']:.0%}")
    out.print(table)
    with_bursts = sum(bool(item["bursts"]) for item in report["codes"])
    out.print(
        f"{with_bursts} of {len(report['codes'])} codes burst over {len(report['batches'])} batches by {by} "
        f"({report['batches'][0]}..{report['batches'][-1]}); {report['undated_units']} units without a date",
        soft_wrap=True,
    )
    wrote(*written)


@selecting()
def network_command(
    codings: Codings = ALL_CODINGS,  # these two: the selection options, made by @selecting
    filters: Filters = ALL_UNITS,
    threshold: Annotated[float, typer.Option("--threshold", help="Keep edges with c at least this.")] = 0.1,
    min_count: Annotated[
        int, typer.Option("--min-count", help="Keep edges with at least this many units.")
    ] = 2,
    communities: Annotated[
        str,
        typer.Option("--communities", help="auto (Infomap, else Louvain) | infomap | spinglass | louvain"),
    ] = "auto",
    k: Annotated[
        int | None, typer.Option("--k", help="Spin Glass: communities (default: Infomap's count).")
    ] = None,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the random steps.")] = 1,
    graphml: Annotated[Path | None, typer.Option("--graphml", help="Write the network as GraphML.")] = None,
    gexf: Annotated[Path | None, typer.Option("--gexf", help="Write the network as GEXF (Gephi).")] = None,
    draw_to: Annotated[
        Path | None, typer.Option("--draw", help="Draw the network (.png, .svg or .pdf).")
    ] = None,
    strategic: Annotated[
        Path | None,
        typer.Option(
            "--strategic", help="Draw Callon's strategic diagram of the communities (.png, .svg or .pdf)."
        ),
    ] = None,
    measure: Annotated[
        str, typer.Option("--measure", help="The strategic diagram's link strength (default: equivalence).")
    ] = "equivalence",
    csv: CsvOption = None,
    xlsx: XlsxOption = None,
    as_json: JsonOption = False,
) -> None:
    """The code co-occurrence network and its communities, with their codes, ties and units.

    --csv writes the communities (codes and ties beside it, FILE-codes.csv, FILE-ties.csv).
    """
    if draw_to is not None:
        check_figure_path(draw_to)
    check_measure(measure)
    if strategic is not None:
        check_figure_path(strategic)
    elif measure != "equivalence":
        raise ForesightError("--measure weighs the strategic diagram's links: add --strategic FILE")
    check_table_files(csv, xlsx)
    for path, kind in ((graphml, ".graphml"), (gexf, ".gexf")):
        if path is not None and path.suffix.lower() != kind:
            raise ForesightError(f"{path}: --{kind[1:]} writes a {kind} file")
    if communities == "auto" and not igraph_installed():
        err.print(
            "igraph cannot be imported: communities by Louvain; pip install igraph for Infomap",
            markup=False,
        )
    result = network(
        open_project(),
        codings,
        filters,
        threshold=threshold,
        min_count=min_count,
        method=communities,
        k=k,
        seed=seed,
        strategic=measure if strategic is not None else None,
    )
    written = []
    for path in (graphml, gexf):
        if path is not None:
            write_graph(result.graph, path)
            written.append(str(path))
    if draw_to is not None:
        draw_network(result, draw_to, seed=seed)
        written.append(str(draw_to))
    if strategic is not None:
        draw_strategic(result, strategic)
        written.append(str(strategic))
    written += write_table_files(result.tables(), csv, xlsx)
    if as_json:
        print_json(result.as_json())
        return
    out.print(
        f"{result.graph.number_of_nodes()} codes, {result.graph.number_of_edges()} ties "
        f"with c >= {threshold:g} ({codings.label()}); "
        f"{len(result.communities)} communities by {result.method}",
        soft_wrap=True,
    )
    for community in result.communities:
        codes = ", ".join(c["id"] for c in community["codes"])
        ties = "; ".join(f"{t['code_a']}-{t['code_b']} {t['c']:.2f}" for t in community["ties"])
        out.print(
            f"{community['id']}. {codes} | {community['units']} units" + (f" | ties {ties}" if ties else ""),
            soft_wrap=True,
            markup=False,
        )
    if result.isolated:
        shown = ", ".join(result.isolated[:10]) + (", …" if len(result.isolated) > 10 else "")
        out.print(f"{len(result.isolated)} codes without a tie at this threshold: {shown}", soft_wrap=True)
    if result.themes is not None:
        show_themes(result)
    wrote(*written)


def show_themes(result: Any) -> None:
    """The strategic diagram's table: each community's centrality, density and quadrant."""
    used = result.theme_settings
    out.print(
        f"Strategic diagram ({used['measure']}): centrality = 10 x links out, density = 100 x links "
        f"within / codes; split at the medians {used['centrality_median']:.3f} and "
        f"{used['density_median']:.3f}",
        soft_wrap=True,
    )
    table = Table("theme", "centrality", "density", "quadrant", "codes", box=None)
    for theme in result.themes:
        shown = ", ".join(theme.codes[:3]) + (", …" if len(theme.codes) > 3 else "")
        table.add_row(str(theme.id), f"{theme.centrality:.3f}", f"{theme.density:.3f}", theme.quadrant, shown)
    out.print(table)
