"""Visual Roadmaps: blank posters, posters prefilled from the analysis, and captured roadmaps.

:func:`roadmap_layouts` gives the pages (one per topic, and an overview of all topics) as pure
layouts; :func:`print_roadmap` draws them. A captured roadmap (:class:`CapturedRoadmap`) is what a
group built on the wall, typed up as YAML or CSV: items with a domain, a slot, a text and links to
other items; it is drawn with arrows between linked items.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from foresight.errors import ForesightError
from foresight.workshops.candidates import DOMAIN_NAMES, DOMAINS, Candidate
from foresight.workshops.definition import Topic, Workshop, WorkshopError
from foresight.workshops.layout import CardSpec, RoadmapLayout, layout_roadmap
from foresight.workshops.render import render_roadmaps
from foresight.yamlfile import load_with_lines

OVERVIEW = "overview"
DOMAIN_WORDS = {
    **{code.lower(): code for code in DOMAIN_NAMES},
    **{name.lower(): code for code, name in DOMAINS},
    "framework": "VR.FRAMEWORK",
    "technology": "VR.TECHNOLOGY",
    "products": "VR.PRODUCTS",
    "outcomes": "VR.OUTCOMES",
}
ITEM_FIELDS = ("id", "domain", "slot", "text", "links")


@dataclass(frozen=True)
class CapturedItem:
    id: str
    domain: str  # VR.* code id
    slot: str
    text: str
    links: tuple[str, ...] = ()


@dataclass(frozen=True)
class CapturedRoadmap:
    topic: str
    items: tuple[CapturedItem, ...]


def card_of(candidate: Candidate, number: int) -> CardSpec:
    """A candidate as a card; a trend card names its class first in the evidence line and is marked."""
    details = candidate.evidence.forms()
    trend = candidate.origin == "trend"
    if trend:
        e = candidate.evidence
        details = (
            f"{candidate.kind} · {e.short()}",
            f"{candidate.kind} · {e.code_id}\n{e.counts}",
            f"{candidate.kind}\n{e.code_id} · {e.units}u/{e.sources}s",
            f"{candidate.kind} · {e.units}u/{e.sources}s",
            candidate.kind,
        )
    return CardSpec(
        key=f"c{number}",
        domain=candidate.domain,
        slot=candidate.slot,
        title=candidate.label,
        details=details,
        kind=candidate.kind,
        marked=trend,
    )


def subtitle(workshop: Workshop, extra: str = "") -> str:
    parts = [workshop.name, workshop.date.isoformat(), workshop.venue, extra]
    return "  ·  ".join(p for p in parts if p)


def topic_layout(
    workshop: Workshop,
    topic: Topic,
    *,
    size: str = "A3",
    candidates: Sequence[Candidate] = (),
    note: str = "",
) -> RoadmapLayout:
    """The roadmap page of one topic: blank, or with ``candidates`` as cards.

    ``note`` is added to the line under the title, e.g. where the codings behind the cards come from.
    """
    extra = "prefilled from the analysis" if candidates else "Group: ____________________"
    layout = layout_roadmap(
        f"Visual Roadmap: {topic.name}",
        subtitle(workshop, f"{extra}; {note}" if note else extra),
        DOMAINS,
        workshop.slots,
        [card_of(c, i) for i, c in enumerate(candidates)],
        size=size,
    )
    layout.legend = (
        "Evidence on each card: code · units · sources (u/s); orange edge: a trend flag"
        if any(c.origin == "trend" for c in candidates)
        else "Evidence on each card: code · units · sources (u/s)"
    )
    return layout


def _overview_details(c: Candidate, topic_ids: Sequence[str]) -> tuple[str, ...]:
    """An overview card's detail: code · the topics (a trend card's class first)."""
    code, topics = c.evidence.code_id, ", ".join(topic_ids)
    forms = (f"{code} · {topics}", f"{code}\n{topics}", code)
    if c.origin != "trend":
        return forms
    return (*(f"{c.kind} · {f}" for f in forms[:2]), f"{c.kind}\n{code}", f"{c.kind} · {topics}", c.kind)


def overview_layout(
    workshop: Workshop, per_topic: dict[str, Sequence[Candidate]], *, size: str = "A3", note: str = ""
) -> RoadmapLayout:
    """All topics on one page: each topic's cards, biggest evidence first, the topic ids in the detail.

    ``note`` is added to the line under the title, as for :func:`topic_layout`.
    """
    merged: dict[tuple[str, str, str], Candidate] = {}
    topics_of: dict[tuple[str, str, str], list[str]] = {}
    for topic_id, candidates in per_topic.items():
        for c in candidates:
            key = (c.domain, c.evidence.code_id, c.origin)  # a trend flag stays apart from its code's card
            topics_of.setdefault(key, []).append(topic_id)
            if key not in merged or c.evidence.units > merged[key].evidence.units:
                merged[key] = c
    ordered = sorted(merged.items(), key=lambda kv: (-kv[1].evidence.units, kv[0]))
    cards = [
        CardSpec(
            key=f"o{i}",
            domain=c.domain,
            slot=c.slot,
            title=c.label,
            details=_overview_details(c, topics_of[key]),
            kind=c.kind,
            marked=c.origin == "trend",
        )
        for i, (key, c) in enumerate(ordered)
    ]
    layout = layout_roadmap(
        "Visual Roadmap: overview of all topics",
        subtitle(workshop, ", ".join(t.name for t in workshop.topics) + (f"; {note}" if note else "")),
        DOMAINS,
        workshop.slots,
        cards,
        size=size,
    )
    layout.legend = "Evidence on each card: code · the topics it comes up in" + (
        "; orange edge: a trend flag" if any(c.origin == "trend" for c in merged.values()) else ""
    )
    return layout


def captured_layout(workshop: Workshop, captured: CapturedRoadmap, *, size: str = "A3") -> RoadmapLayout:
    """The digital roadmap a group built: its items as cards, links drawn as arrows."""
    topic = workshop.topic(captured.topic)
    cards = [
        CardSpec(key=i.id, domain=i.domain, slot=i.slot, title=i.text, links=i.links) for i in captured.items
    ]
    return layout_roadmap(
        f"Visual Roadmap: {topic.name}",
        subtitle(workshop, "as built in the workshop"),
        DOMAINS,
        workshop.slots,
        cards,
        size=size,
        fill=1.0,
        title_lines=3,
    )


def captured_overview_layout(
    workshop: Workshop, roadmaps: Sequence[CapturedRoadmap], *, size: str = "A3"
) -> RoadmapLayout:
    """Every group's items on one page, each card naming its topic; links stay within their roadmap."""
    cards = [
        CardSpec(
            key=f"{r.topic}/{i.id}",
            domain=i.domain,
            slot=i.slot,
            title=i.text,
            details=(r.topic,),
            links=tuple(f"{r.topic}/{target}" for target in i.links),
        )
        for r in roadmaps
        for i in r.items
    ]
    names = [workshop.topic(r.topic).name for r in roadmaps]
    layout = layout_roadmap(
        "Visual Roadmap: overview of all groups",
        subtitle(workshop, ", ".join(names)),
        DOMAINS,
        workshop.slots,
        cards,
        size=size,
        fill=1.0,
    )
    layout.legend = "Each card names the topic of the group that placed it"
    return layout


def print_roadmap(layouts: Sequence[RoadmapLayout], out: str | Path) -> list[Path]:
    """Draw the pages into a PDF (one page each) or PNGs; the files written."""
    return render_roadmaps(layouts, Path(out))


def _domain(value: Any) -> str | None:
    return DOMAIN_WORDS.get(str(value or "").strip().lower())


def read_captured(path: str | Path, workshop: Workshop, topic: str | None = None) -> CapturedRoadmap:
    """A captured roadmap from YAML (``topic`` and ``items``) or CSV (id, domain, slot, text, links).

    In CSV, links are item ids separated by ``;``. Each item must name one of the four domains
    (code, name or one word: framework, technology, products, outcomes) and a slot of the workshop.
    """
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ForesightError(f"{file}: no such file") from None
    rows: list[tuple[int, dict[str, Any]]] = []
    if file.suffix.lower() == ".csv":
        reader = csv.DictReader(io.StringIO(text))
        missing = [f for f in ("domain", "slot", "text") if f not in (reader.fieldnames or [])]
        if missing:
            raise ForesightError(f"{file}: the CSV needs the columns id, domain, slot, text, links")
        for n, row in enumerate(reader, start=2):
            links = [x.strip() for x in (row.get("links") or "").split(";") if x.strip()]
            rows.append((n, {**row, "links": links}))
    elif file.suffix.lower() in (".yaml", ".yml"):
        raw, root = load_with_lines(text, file)
        if not isinstance(raw, dict) or not isinstance(raw.get("items"), list):
            raise ForesightError(f"{file}: a captured roadmap needs an 'items' list")
        topic = topic or raw.get("topic")
        node = next(v for k, v in root.value if k.value == "items")  # type: ignore[union-attr]
        for item, item_node in zip(raw["items"], node.value, strict=True):
            if not isinstance(item, dict):
                raise ForesightError(f"{file}:{item_node.start_mark.line + 1}: an item must be a mapping")
            rows.append((item_node.start_mark.line + 1, item))
    else:
        raise ForesightError(f"{file}: a captured roadmap is a .yaml or .csv file")
    try:
        topic_id = workshop.topic(str(topic) if topic else None).id
    except WorkshopError as exc:
        raise ForesightError(f"{file}: {str(exc).split(': ', 1)[1]}") from None
    items: list[CapturedItem] = []
    for n, (line, row) in enumerate(rows, start=1):
        unknown = [k for k in row if k not in ITEM_FIELDS]
        if unknown:
            raise ForesightError(f"{file}:{line}: unknown field {unknown[0]!r}")
        domain = _domain(row.get("domain"))
        if domain is None:
            raise ForesightError(
                f"{file}:{line}: domain {row.get('domain')!r} is none of "
                "framework, technology, products, outcomes"
            )
        slot = str(row.get("slot") or "").strip()
        if slot not in workshop.slots:
            raise ForesightError(f"{file}:{line}: slot {slot!r} is none of {', '.join(workshop.slots)}")
        text_ = str(row.get("text") or "").strip()
        if not text_:
            raise ForesightError(f"{file}:{line}: the item has no text")
        links = row.get("links") or []
        if not isinstance(links, list):
            links = [links]
        items.append(
            CapturedItem(
                id=str(row.get("id") or n).strip(),
                domain=domain,
                slot=slot,
                text=text_,
                links=tuple(str(x) for x in links),
            )
        )
    ids = [i.id for i in items]
    for (line, _), item in zip(rows, items, strict=True):
        if ids.count(item.id) > 1:
            raise ForesightError(f"{file}:{line}: item id {item.id!r} is used twice")
        for target in item.links:
            if target not in ids:
                raise ForesightError(f"{file}:{line}: item {item.id!r} links to {target!r}, which is no item")
    return CapturedRoadmap(topic=topic_id, items=tuple(items))


def write_captured(captured: CapturedRoadmap, path: str | Path) -> Path:
    """Record a captured roadmap as YAML (the form :func:`read_captured` reads back)."""
    out = Path(path)
    data = {
        "topic": captured.topic,
        "items": [
            {"id": i.id, "domain": i.domain, "slot": i.slot, "text": i.text, "links": list(i.links)}
            for i in captured.items
        ],
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return out


def captured_docx(
    workshop: Workshop, roadmaps: Sequence[CapturedRoadmap], out: str | Path, *, project_name: str
) -> Path:
    """The captured roadmaps as Word tables: one row per item, in domain and slot order, with its links."""
    from foresight.workshops.word import WordDocument

    order = {code: i for i, (code, _) in enumerate(DOMAINS)}
    doc = WordDocument(project_name, landscape=True)
    doc.title("Visual Roadmaps", subtitle(workshop, "as built in the workshop"))
    for captured in roadmaps:
        topic = workshop.topic(captured.topic)
        items = sorted(captured.items, key=lambda i: (order[i.domain], workshop.slots.index(i.slot)))
        doc.heading(topic.name)
        doc.table(
            f"Items of the roadmap on {topic.name}",
            ["Item", "Domain", "Time slot", "Text", "Leads to"],
            [[i.id, DOMAIN_NAMES[i.domain], i.slot, i.text, ", ".join(i.links)] for i in items],
            widths=[1, 2.5, 1.8, 6, 1.5],
        )
    return doc.save(out)
