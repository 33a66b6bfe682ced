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
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import yaml

from foresight.errors import ForesightError
from foresight.workshops.candidates import DOMAIN_NAMES, DOMAINS, UNDATED, Candidate
from foresight.workshops.definition import POSTER_STEPS, Topic, Workshop, WorkshopError, domain_of_word
from foresight.workshops.layout import UNDATED_LABEL, CardSpec, PosterText, RoadmapLayout, layout_roadmap
from foresight.workshops.listing import ListLayout, layout_list
from foresight.workshops.render import render_roadmaps
from foresight.yamlfile import load_with_lines

OVERVIEW = "overview"
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


def _listed(c: Candidate, detail: str) -> str:
    """How a card reads in the list of cards a poster could not show."""
    marks = [c.kind] if c.kind else []
    if c.own:
        marks.append("a topic code")
    return f"{c.label}: {detail}" + (f" ({', '.join(marks)})" if marks else "")


def card_of(candidate: Candidate, number: int) -> CardSpec:
    """A candidate as a card: its name, and its units and sources; a trend card names its class first."""
    e = candidate.evidence
    details = e.forms()
    trend = candidate.origin == "trend"
    if trend:
        details = (
            f"{candidate.kind} · {e.counts}",
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
        own=candidate.own,
        listed=_listed(candidate, e.counts),
    )


def subtitle(workshop: Workshop, extra: str = "") -> str:
    parts = [workshop.name, workshop.date.isoformat(), workshop.venue, extra]
    return "  ·  ".join(p for p in parts if p)


def framing(workshop: Workshop) -> str:
    """The framing question and the horizon, as the poster states them."""
    parts = []
    if workshop.framing_question:
        parts.append(f"Framing question: {workshop.framing_question}")
    if workshop.horizon:
        parts.append(f"Horizon: {workshop.horizon}")
    return "   ".join(parts)


LEGEND = "On each card: a concept, its units and their distinct sources (u/s)"


def topic_layout(
    workshop: Workshop,
    topic: Topic,
    *,
    size: str = "A3",
    candidates: Sequence[Candidate] = (),
    note: str = "",
) -> RoadmapLayout:
    """The roadmap page of one topic: blank, or with ``candidates`` as cards.

    The page states the framing question and horizon, the topic's description, has blank Group
    and Moderator fields and the participants' instructions (``roadmap: instructions`` in the
    workshop file; a blank poster leaves out the step about cards). ``note`` is added to the line
    under the title, e.g. where the codings behind the cards come from.
    """
    extra = "prefilled from the analysis" if candidates else ""
    steps = workshop.roadmap.instructions
    if not candidates and steps == POSTER_STEPS:
        steps = steps[1:]
    layout = layout_roadmap(
        f"Visual Roadmap: {topic.name}",
        subtitle(workshop, "; ".join(p for p in (extra, note) if p)),
        DOMAINS,
        workshop.slots,
        [card_of(c, i) for i, c in enumerate(candidates)],
        size=size,
        text=PosterText(
            framing=framing(workshop),
            topic=f"Topic: {topic.description}" if topic.description else "",
            fields=("Group", "Moderator"),
            instructions=steps,
        ),
        undated=UNDATED,
    )
    layout.legend = LEGEND if candidates else ""
    return layout


def overview_layout(
    workshop: Workshop, per_topic: dict[str, Sequence[Candidate]], *, size: str = "A3", note: str = ""
) -> RoadmapLayout:
    """All topics on one page: one card per concept and cell, its units and sources counted once
    over the topics, which the card names by their number (the subtitle numbers them).

    ``note`` is added to the line under the title, as for :func:`topic_layout`.
    """
    numbers = {t.id: n for n, t in enumerate(workshop.topics, start=1)}
    merged: dict[tuple[str, str, str], Candidate] = {}
    topics_of: dict[tuple[str, str, str], list[str]] = {}
    for topic_id, candidates in per_topic.items():
        for c in candidates:
            key = (c.domain, c.slot, c.concept)
            topics_of.setdefault(key, [])
            if topic_id not in topics_of[key]:
                topics_of[key].append(topic_id)
            if key not in merged:
                merged[key] = replace(c, own=False)
                continue
            first = merged[key]
            trend = c.origin == "trend" or first.origin == "trend"
            merged[key] = replace(
                first,
                evidence=first.evidence.merged(c.evidence),
                kind=(c.kind if c.origin == "trend" else first.kind) or first.kind or c.kind,
                origin="trend" if trend else first.origin,
            )
    ordered = sorted(merged.items(), key=lambda kv: (-kv[1].evidence.units, kv[0]))
    cards = []
    for i, (key, c) in enumerate(ordered):
        e = c.evidence
        where = "topic" if len(topics_of[key]) == 1 else "topics"
        topics = f"{where} {', '.join(str(numbers[t]) for t in topics_of[key])}"
        head = f"{c.kind} · " if c.origin == "trend" else ""
        cards.append(
            CardSpec(
                key=f"o{i}",
                domain=c.domain,
                slot=c.slot,
                title=c.label,
                details=(  # the colour and the edge say the kind when the words do not fit
                    f"{head}{topics} · {e.counts}",
                    f"{head}{topics} · {e.units}u/{e.sources}s",
                    f"{topics} · {e.units}u/{e.sources}s",
                    topics,
                ),
                kind=c.kind,
                marked=c.origin == "trend",
                listed=_listed(c, f"{topics} · {e.counts}"),
            )
        )
    named = "; ".join(f"{numbers[t.id]} {t.name}" for t in workshop.topics if t.id in per_topic)
    layout = layout_roadmap(
        "Visual Roadmap: overview of all topics",
        subtitle(workshop, note),
        DOMAINS,
        workshop.slots,
        cards,
        size=size,
        text=PosterText(framing=framing(workshop), topic=f"Topics: {named}"),
        undated=UNDATED,
    )
    layout.legend = "On each card: a concept, the topics it comes up in, its units and distinct sources (u/s)"
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
        text=PosterText(
            framing=framing(workshop),
            topic=f"Topic: {topic.description}" if topic.description else "",
            fields=("Group", "Moderator"),
        ),
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


def with_lists(layouts: Sequence[RoadmapLayout]) -> list[RoadmapLayout | ListLayout]:
    """Each poster followed by the pages listing the cards it could not show, if there are any."""
    order = {code: i for i, (code, _) in enumerate(DOMAINS)}
    pages: list[RoadmapLayout | ListLayout] = []
    for layout in layouts:
        pages.append(layout)
        if not layout.hidden:
            continue
        lanes = [slot for _, slot in layout.cells]
        sections: dict[tuple[int, int], tuple[str, list[str]]] = {}
        for spec in layout.hidden:
            if (spec.domain, spec.slot) in layout.cells:
                key = (order.get(spec.domain, len(order)), lanes.index(spec.slot))
                lane = UNDATED_LABEL.lower() if spec.slot == layout.undated else spec.slot
                heading = f"{DOMAIN_NAMES.get(spec.domain, spec.domain)} · {lane}"
            else:
                key = (len(order) + 1, 0)
                heading = "No row: neither the units nor the code name a domain"
            sections.setdefault(key, (heading, []))[1].append(spec.listed or spec.title)
        pages += layout_list(
            f"{layout.title.text}: more cards",
            f"The cards that did not fit on the poster before this page, by row and time slot "
            f"({len(layout.hidden)} cards)",
            [sections[k] for k in sorted(sections)],
            size=layout.size,
        )
    return pages


def print_roadmap(layouts: Sequence[RoadmapLayout], out: str | Path) -> list[Path]:
    """Draw the posters into a PDF (one page each) or PNGs, each followed by the list of the cards
    it could not show (:func:`with_lists`); the files written."""
    return render_roadmaps(with_lists(layouts), Path(out))


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
        domain = domain_of_word(row.get("domain"))
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
