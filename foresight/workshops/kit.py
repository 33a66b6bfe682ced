"""Workshop kits: the agenda, balanced groups, a worksheet per group and blank roadmap posters.

:func:`assign_groups` shuffles the participants with a seed, orders them by stakeholder group and
deals them round-robin into groups of the sizes the workshop asks for, so every group gets as even
a share of each stakeholder group as the numbers allow and the same seed gives the same groups.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from foresight.workshops.definition import Participant, Topic, Workshop
from foresight.workshops.roadmap import print_roadmap, topic_layout
from foresight.workshops.word import WordDocument

QUESTIONS = (
    "What opportunities does this scenario present for clustering and industrial transformation?",
    "What challenges does this scenario present?",
    "How well positioned is Europe to make the most of the opportunities and limit the threats?",
    "What policy action is required?",
)
ROADMAP_STEPS = (
    "Place the framework conditions, technological developments, products and services, and outcomes "
    "and impacts you expect on the time line, one sticky note each.",
    "Draw arrows from what drives a development to what it makes possible.",
    "Mark the three developments the group thinks matter most for clusters.",
)
ANSWER_LINES = 6


@dataclass(frozen=True)
class Group:
    number: int
    topic: Topic
    members: tuple[Participant, ...]

    @property
    def mix(self) -> Counter[str]:
        return Counter(p.stakeholder for p in self.members)


def assign_groups(workshop: Workshop, *, seed: int = 0) -> list[Group]:
    """The participants in groups balanced by stakeholder group, the same for the same ``seed``."""
    people = list(workshop.participants)
    random.Random(seed).shuffle(people)
    sizes = workshop.groups.sizes(len(people))
    by_stakeholder = Counter(p.stakeholder for p in people)
    order = sorted(by_stakeholder, key=lambda s: (-by_stakeholder[s], s))
    dealt = sorted(
        people, key=lambda p: order.index(p.stakeholder)
    )  # stable: keeps the shuffle within a group
    members: list[list[Participant]] = [[] for _ in sizes]
    turn = 0
    for person in dealt:
        while len(members[turn % len(sizes)]) >= sizes[turn % len(sizes)]:
            turn += 1
        members[turn % len(sizes)].append(person)
        turn += 1
    topics = workshop.topics
    return [Group(i + 1, topics[i % len(topics)], tuple(m)) for i, m in enumerate(members)]


def _clock_end(start: str, minutes: int) -> str:
    moment = dt.datetime.combine(dt.date(2000, 1, 1), dt.time.fromisoformat(start)) + dt.timedelta(
        minutes=minutes
    )
    return moment.strftime("%H:%M")


def write_agenda(workshop: Workshop, project_name: str, out: Path) -> Path:
    doc = WordDocument(project_name)
    doc.title(workshop.name, f"{workshop.date.strftime('%d %B %Y')}, {workshop.venue}")
    doc.heading("Purpose")
    doc.paragraph(workshop.description or workshop.framing_question or "")
    if workshop.framing_question:
        doc.paragraph(f"Framing question: {workshop.framing_question}")
    doc.heading("Agenda")
    doc.table(
        "Agenda",
        ["Time", "Session", "Format"],
        [[f"{b.start}-{_clock_end(b.start, b.minutes)}", b.title, b.format] for b in workshop.agenda],
        widths=[1.6, 6, 1.4],
    )
    doc.heading("Topics")
    doc.table(
        "Topics", ["Topic", "Description"], [[t.name, t.description] for t in workshop.topics], widths=[2, 5]
    )
    return doc.save(out)


def write_groups(
    workshop: Workshop, groups: list[Group], project_name: str, seed: int, folder: Path
) -> list[Path]:
    doc = WordDocument(project_name)
    doc.title(f"{workshop.name}: groups", f"Balanced by stakeholder group (seed {seed})")
    for g in groups:
        doc.heading(f"Group {g.number}: {g.topic.name}")
        doc.table(
            f"Members of group {g.number}",
            ["Name", "Organisation", "Stakeholder group"],
            [[p.name, p.organisation, p.stakeholder] for p in g.members],
        )
    docx_path = doc.save(folder / "groups.docx")
    csv_path = folder / "groups.csv"
    with csv_path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["group", "topic", "name", "organisation", "stakeholder"])
        for g in groups:
            for p in g.members:
                writer.writerow([g.number, g.topic.id, p.name, p.organisation, p.stakeholder])
    return [docx_path, csv_path]


def write_worksheet(workshop: Workshop, group: Group, project_name: str, out: Path) -> Path:
    doc = WordDocument(project_name)
    doc.title(f"Group {group.number}: {group.topic.name}", f"{workshop.name}, {workshop.date.isoformat()}")
    doc.paragraph("Members: " + ", ".join(p.name for p in group.members))
    if workshop.framing_question:
        doc.paragraph(f"Framing question: {workshop.framing_question}")
    if workshop.kind in ("internal", "expert"):
        doc.heading("Building the Visual Roadmap")
        for step in ROADMAP_STEPS:
            doc.paragraph(step, style="List Number")
    doc.heading("Questions")
    for question in QUESTIONS:
        doc.heading(question, 2)
        for _ in range(ANSWER_LINES):
            doc.paragraph("_" * 80)
    return doc.save(out)


def write_kit(
    workshop: Workshop, folder: str | Path, *, project_name: str, seed: int = 0, size: str = "A1"
) -> list[Path]:
    """Write the whole kit into ``folder``; the files written, in order."""
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    groups = assign_groups(workshop, seed=seed)
    written = [write_agenda(workshop, project_name, out / "agenda.docx")]
    written += write_groups(workshop, groups, project_name, seed, out)
    for g in groups:
        written.append(write_worksheet(workshop, g, project_name, out / f"worksheet-group-{g.number}.docx"))
    for topic in dict.fromkeys(g.topic for g in groups):
        written += print_roadmap([topic_layout(workshop, topic, size=size)], out / f"roadmap-{topic.id}.pdf")
    return written
