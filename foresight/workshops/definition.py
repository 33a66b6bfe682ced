"""Workshop files (YAML, like ``foresight/data/workshops/*.yaml``): who meets where, on which
topics, with which roadmap slots.

A workshop file is read into a :class:`Workshop`; every problem is reported with the file and the
line it is on, as ``path:line: problem``.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from foresight.errors import ForesightError
from foresight.yamlfile import load_with_lines

SCHEMA_VERSION = 1
DEFAULT_SLOTS = ("2015", "2016-2017", "2018-2020", "beyond 2020")
UNDATED = "undated"  # the roadmap lane of evidence whose units carry no time-horizon code
KINDS = ("internal", "expert", "scenario")
STAKEHOLDERS = ("industry", "research", "policy", "cluster management", "intermediary", "civil society")
HORIZON_CODES = ("TH.SHORT", "TH.MID", "TH.LONG")
TOP_FIELDS = (
    "schema_version",
    "workshop",
    "slots",
    "horizons",
    "groups",
    "participants",
    "topics",
    "agenda",
    "uncertainties",
    "roadmap",
)
WORKSHOP_FIELDS = ("name", "kind", "date", "venue", "description", "framing_question", "horizon")
PARTICIPANT_FIELDS = ("name", "organisation", "stakeholder")
TOPIC_FIELDS = ("id", "name", "description", "codes")
AGENDA_FIELDS = ("start", "minutes", "title", "format", "notes")
GROUP_FIELDS = ("count", "min_size", "max_size")
UNCERTAINTY_FIELDS = ("name", "poles", "codes")
ROADMAP_FIELDS = ("domain_rule", "domains", "instructions")

DOMAINS: tuple[tuple[str, str], ...] = (
    ("VR.FRAMEWORK", "Framework conditions"),
    ("VR.TECHNOLOGY", "Technological developments"),
    ("VR.PRODUCTS", "Products and services"),
    ("VR.OUTCOMES", "Outcomes and impacts"),
)
DOMAIN_NAMES = dict(DOMAINS)
DOMAIN_WORDS = {
    **{code.lower(): code for code in DOMAIN_NAMES},
    **{name.lower(): code for code, name in DOMAINS},
    "framework": "VR.FRAMEWORK",
    "technology": "VR.TECHNOLOGY",
    "products": "VR.PRODUCTS",
    "outcomes": "VR.OUTCOMES",
}
# How a unit's evidence finds its roadmap row: the unit's own domain codes (VR.*) first and the
# code's default domain when it has none; the unit's domain codes only; the code's domain only.
DOMAIN_RULES = ("unit-then-code", "unit", "code")
POSTER_STEPS = (
    "Read the cards: each is evidence from the analysis; move, merge or strike them.",
    "Add what is missing on sticky notes, one development each, in its row and time slot.",
    "Draw arrows from what drives a development to what it makes possible.",
    "Mark the three developments that matter most for clusters.",
)


def domain_of_word(value: Any) -> str | None:
    """The domain (VR.* id) a word names: its id, its name or one word (framework, technology, ...)."""
    return DOMAIN_WORDS.get(str(value or "").strip().lower())


class WorkshopError(ForesightError):
    """A workshop file cannot be read or says something the toolkit cannot use."""


@dataclass(frozen=True)
class Participant:
    name: str
    organisation: str
    stakeholder: str


@dataclass(frozen=True)
class Topic:
    id: str
    name: str
    description: str = ""
    codes: tuple[str, ...] = ()  # units count for the topic when coded with any of these (all when empty)


@dataclass(frozen=True)
class AgendaBlock:
    start: str  # "09:30"
    minutes: int
    title: str
    format: str = "plenary"  # plenary | groups | break
    notes: str = ""


@dataclass(frozen=True)
class Uncertainty:
    """A key uncertainty with its two poles; two of them span the scenario 2x2.

    ``codes`` are, for each pole in order, the codes whose units would show that pole coming
    about (``codes: {pole: [code ids]}`` in the workshop file): they count the evidence for each
    pole and draw each scenario's signposts.
    """

    name: str
    poles: tuple[str, str]
    codes: tuple[tuple[str, ...], tuple[str, ...]] = ((), ())


@dataclass(frozen=True)
class Groups:
    """How participants split into groups: a fixed count, or sizes between min and max."""

    count: int | None = None
    min_size: int | None = None
    max_size: int | None = None

    def sizes(self, participants: int) -> list[int]:
        """The size of each group for ``participants`` people, as even as they can be."""
        if participants == 0:
            return []
        count = self.count or math.ceil(participants / (self.max_size or participants))
        count = max(1, min(count, participants))
        base, extra = divmod(participants, count)
        return [base + 1 if i < extra else base for i in range(count)]


@dataclass(frozen=True)
class RoadmapRules:
    """How prefilled roadmaps place evidence, and what the posters tell participants."""

    domain_rule: str = "unit-then-code"  # one of DOMAIN_RULES
    domains: dict[str, str] = field(default_factory=dict)  # code or group id -> VR.* (over the codebook's)
    instructions: tuple[str, ...] = POSTER_STEPS


@dataclass(frozen=True)
class Workshop:
    path: Path
    name: str
    kind: str
    date: dt.date
    venue: str
    description: str = ""
    framing_question: str = ""
    horizon: str = ""
    slots: tuple[str, ...] = DEFAULT_SLOTS
    horizons: dict[str, str] = field(default_factory=dict)  # TH.* code id -> slot
    groups: Groups = Groups(count=1)
    participants: tuple[Participant, ...] = ()
    topics: tuple[Topic, ...] = ()
    agenda: tuple[AgendaBlock, ...] = ()
    uncertainties: tuple[Uncertainty, ...] = ()
    roadmap: RoadmapRules = RoadmapRules()

    def topic(self, topic_id: str | None) -> Topic:
        """The topic with this id or name (the first topic when None)."""
        if topic_id is None:
            return self.topics[0]
        for topic in self.topics:
            if topic_id in (topic.id, topic.name):
                return topic
        known = ", ".join(t.id for t in self.topics)
        raise WorkshopError(f"{self.path}: no topic {topic_id!r} (topics: {known})")

    def slot_of(self, horizon_code: str | None) -> str:
        """The roadmap slot a unit falls in, from its time-horizon code (None: the undated lane)."""
        if horizon_code is None:
            return UNDATED
        return self.horizons[horizon_code]


def default_horizons(slots: tuple[str, ...]) -> dict[str, str]:
    """TH.SHORT on the second slot, TH.MID on the one before last, TH.LONG on the last."""
    n = len(slots)
    return {
        "TH.SHORT": slots[min(1, n - 1)],
        "TH.MID": slots[max(n - 2, min(1, n - 1))],
        "TH.LONG": slots[n - 1],
    }


class _Reader:
    """Collects problems with their lines while turning the raw YAML into dataclasses."""

    def __init__(self, path: Path, root: yaml.Node | None) -> None:
        self.path = path
        self.root = root
        self.problems: list[tuple[int, str]] = []

    def problem(self, line: int, message: str) -> None:
        self.problems.append((line, message))

    def line_of(self, *keys: str | int) -> int:
        """The 1-based line of the node reached by following ``keys`` from the root."""
        node = self.root
        line = 1 if node is None else node.start_mark.line + 1
        for key in keys:
            if isinstance(node, yaml.MappingNode) and isinstance(key, str):
                nxt = next((v for k, v in node.value if getattr(k, "value", None) == key), None)
            elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
                nxt = node.value[key]
            else:
                nxt = None
            if nxt is None:
                break
            node = nxt
            line = node.start_mark.line + 1
        return line

    def mapping(self, value: Any, fields: tuple[str, ...], what: str, *keys: str | int) -> dict[str, Any]:
        if not isinstance(value, dict):
            self.problem(self.line_of(*keys), f"{what} must be a mapping of {', '.join(fields)}")
            return {}
        for name in value:
            if name not in fields:
                self.problem(self.line_of(*keys, str(name)), f"{what}: unknown field {name!r}")
        return value

    def text(self, raw: dict[str, Any], name: str, what: str, *keys: str | int, required: bool = True) -> str:
        value = raw.get(name)
        if value is None or str(value).strip() == "":
            if required:
                self.problem(self.line_of(*keys), f"{what}: '{name}' is missing")
            return ""
        if isinstance(value, dict | list):
            self.problem(self.line_of(*keys, name), f"{what}: '{name}' must be text")
            return ""
        return str(value).strip()

    def sequence(self, raw: dict[str, Any], name: str) -> list[Any]:
        value = raw.get(name)
        if value is None:
            return []
        if not isinstance(value, list):
            self.problem(self.line_of(name), f"'{name}' must be a list")
            return []
        return value


def parse_workshop(text: str, path: Path) -> Workshop:
    """The workshop in ``text``; raises :class:`WorkshopError` naming the first problem and its line."""
    raw, root = load_with_lines(text, path, WorkshopError)
    if not isinstance(raw, dict) or "workshop" not in raw:
        raise WorkshopError(f"{path}: not a foresight workshop file (no 'workshop' mapping)")
    r = _Reader(path, root)
    for name in raw:
        if name not in TOP_FIELDS:
            r.problem(r.line_of(str(name)), f"unknown field {name!r}")
    if raw.get("schema_version") != SCHEMA_VERSION:
        r.problem(
            r.line_of("schema_version"),
            f"schema_version must be {SCHEMA_VERSION}, not {raw.get('schema_version')!r}",
        )
    meta = r.mapping(raw["workshop"], WORKSHOP_FIELDS, "workshop", "workshop")
    name = r.text(meta, "name", "workshop", "workshop")
    kind = r.text(meta, "kind", "workshop", "workshop")
    if kind and kind not in KINDS:
        r.problem(
            r.line_of("workshop", "kind"), f"workshop: kind must be one of {', '.join(KINDS)}, not {kind!r}"
        )
    date = meta.get("date")
    if not isinstance(date, dt.date):
        r.problem(
            r.line_of("workshop", "date"), f"workshop: date must be a date like 2015-01-23, not {date!r}"
        )
        date = dt.date(1970, 1, 1)

    slots = tuple(str(s).strip() for s in r.sequence(raw, "slots")) or DEFAULT_SLOTS
    if len(set(slots)) != len(slots) or any(not s for s in slots):
        r.problem(r.line_of("slots"), "slots must be distinct, non-empty names")
    if UNDATED in slots:
        r.problem(
            r.line_of("slots"), f"slots: {UNDATED!r} is the lane of evidence without a time; rename the slot"
        )
    horizons = default_horizons(slots)
    if raw.get("horizons") is not None:
        given = r.mapping(raw["horizons"], HORIZON_CODES, "horizons", "horizons")
        for code, slot in given.items():
            if str(slot) not in slots:
                r.problem(r.line_of("horizons", code), f"horizons: {code} names no slot ({slot!r})")
            elif code in HORIZON_CODES:
                horizons[code] = str(slot)

    groups = Groups(count=1)
    if raw.get("groups") is not None:
        g = r.mapping(raw["groups"], GROUP_FIELDS, "groups", "groups")
        numbers: dict[str, int | None] = {}
        for key in GROUP_FIELDS:
            value = g.get(key)
            if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < 1):
                r.problem(r.line_of("groups", key), f"groups: {key} must be a whole number of at least 1")
                value = None
            numbers[key] = value
        if numbers["min_size"] and numbers["max_size"] and numbers["min_size"] > numbers["max_size"]:
            r.problem(r.line_of("groups"), "groups: min_size is larger than max_size")
        if not any(numbers.values()):
            numbers["count"] = 1
        groups = Groups(**numbers)

    participants = []
    for i, item in enumerate(r.sequence(raw, "participants")):
        p = r.mapping(item, PARTICIPANT_FIELDS, "participant", "participants", i)
        if not p:
            continue
        stakeholder = r.text(p, "stakeholder", "participant", "participants", i)
        if stakeholder and stakeholder not in STAKEHOLDERS:
            r.problem(
                r.line_of("participants", i, "stakeholder"),
                f"participant: stakeholder must be one of {', '.join(STAKEHOLDERS)}, not {stakeholder!r}",
            )
        participants.append(
            Participant(
                name=r.text(p, "name", "participant", "participants", i),
                organisation=r.text(p, "organisation", "participant", "participants", i, required=False),
                stakeholder=stakeholder,
            )
        )

    topics = []
    for i, item in enumerate(r.sequence(raw, "topics")):
        t = r.mapping(item, TOPIC_FIELDS, "topic", "topics", i)
        if not t:
            continue
        codes = t.get("codes") or []
        if not isinstance(codes, list) or not all(isinstance(c, str) for c in codes):
            r.problem(r.line_of("topics", i, "codes"), "topic: codes must be a list of code ids")
            codes = []
        topics.append(
            Topic(
                id=r.text(t, "id", "topic", "topics", i),
                name=r.text(t, "name", "topic", "topics", i),
                description=r.text(t, "description", "topic", "topics", i, required=False),
                codes=tuple(codes),
            )
        )
    if not topics and not r.problems:
        r.problem(r.line_of(), "a workshop needs at least one topic")
    seen: set[str] = set()
    for i, topic in enumerate(topics):
        if topic.id in seen:
            r.problem(r.line_of("topics", i, "id"), f"topic: id {topic.id!r} is used twice")
        seen.add(topic.id)

    agenda = []
    for i, item in enumerate(r.sequence(raw, "agenda")):
        a = r.mapping(item, AGENDA_FIELDS, "agenda block", "agenda", i)
        if not a:
            continue
        start = r.text(a, "start", "agenda block", "agenda", i)
        if start and not _is_clock(start):
            r.problem(
                r.line_of("agenda", i, "start"),
                f"agenda block: start must be a time like 09:30, not {start!r}",
            )
        minutes = a.get("minutes")
        if not isinstance(minutes, int) or isinstance(minutes, bool) or minutes < 1:
            r.problem(
                r.line_of("agenda", i, "minutes"),
                "agenda block: minutes must be a whole number of at least 1",
            )
            minutes = 0
        agenda.append(
            AgendaBlock(
                start=start,
                minutes=minutes,
                title=r.text(a, "title", "agenda block", "agenda", i),
                format=r.text(a, "format", "agenda block", "agenda", i, required=False) or "plenary",
                notes=r.text(a, "notes", "agenda block", "agenda", i, required=False),
            )
        )

    uncertainties = []
    for i, item in enumerate(r.sequence(raw, "uncertainties")):
        u = r.mapping(item, UNCERTAINTY_FIELDS, "uncertainty", "uncertainties", i)
        if not u:
            continue
        poles = u.get("poles")
        if not isinstance(poles, list) or len(poles) != 2 or not all(isinstance(p, str) for p in poles):
            r.problem(
                r.line_of("uncertainties", i, "poles"), "uncertainty: poles must be a list of two texts"
            )
            poles = ["low", "high"]
        by_pole = u.get("codes") or {}
        if not isinstance(by_pole, dict) or not all(
            isinstance(v, list) and all(isinstance(c, str) for c in v) for v in by_pole.values()
        ):
            r.problem(
                r.line_of("uncertainties", i, "codes"),
                "uncertainty: codes must map each pole to a list of code ids",
            )
            by_pole = {}
        strays = [str(k) for k in by_pole if k not in poles]
        if strays:
            r.problem(
                r.line_of("uncertainties", i, "codes"),
                f"uncertainty: codes name {', '.join(map(repr, strays))}, not one of its poles",
            )
        uncertainties.append(
            Uncertainty(
                name=r.text(u, "name", "uncertainty", "uncertainties", i),
                poles=(poles[0], poles[1]),
                codes=(tuple(by_pole.get(poles[0], ())), tuple(by_pole.get(poles[1], ()))),
            )
        )

    rules = RoadmapRules()
    if raw.get("roadmap") is not None:
        rules = _roadmap_rules(r, r.mapping(raw["roadmap"], ROADMAP_FIELDS, "roadmap", "roadmap"))

    if r.problems:
        line, message = sorted(r.problems)[0]
        more = f" (and {len(r.problems) - 1} more problems)" if len(r.problems) > 1 else ""
        raise WorkshopError(f"{path}:{line}: {message}{more}")
    return Workshop(
        path=path,
        name=name,
        kind=kind,
        date=date,
        venue=r.text(meta, "venue", "workshop", "workshop", required=False),
        description=r.text(meta, "description", "workshop", "workshop", required=False),
        framing_question=r.text(meta, "framing_question", "workshop", "workshop", required=False),
        horizon=r.text(meta, "horizon", "workshop", "workshop", required=False),
        slots=slots,
        horizons=horizons,
        groups=groups,
        participants=tuple(participants),
        topics=tuple(topics),
        agenda=tuple(agenda),
        uncertainties=tuple(uncertainties),
        roadmap=rules,
    )


def _roadmap_rules(r: _Reader, raw: dict[str, Any]) -> RoadmapRules:
    rule = r.text(raw, "domain_rule", "roadmap", "roadmap", required=False) or DOMAIN_RULES[0]
    if rule not in DOMAIN_RULES:
        r.problem(
            r.line_of("roadmap", "domain_rule"),
            f"roadmap: domain_rule must be one of {', '.join(DOMAIN_RULES)}, not {rule!r}",
        )
    domains: dict[str, str] = {}
    given = raw.get("domains")
    if given is not None and not isinstance(given, dict):
        r.problem(r.line_of("roadmap", "domains"), "roadmap: domains must map code or group ids to domains")
    for key, word in (given if isinstance(given, dict) else {}).items():
        domain = domain_of_word(word)
        if domain is None:
            r.problem(
                r.line_of("roadmap", "domains", str(key)),
                f"roadmap: domain {word!r} of {key} is none of framework, technology, products, outcomes",
            )
        else:
            domains[str(key)] = domain
    steps = raw.get("instructions")
    if steps is not None and (not isinstance(steps, list) or not all(isinstance(x, str) for x in steps)):
        r.problem(r.line_of("roadmap", "instructions"), "roadmap: instructions must be a list of texts")
        steps = None
    return RoadmapRules(
        domain_rule=rule,
        domains=domains,
        instructions=POSTER_STEPS if steps is None else tuple(x.strip() for x in steps if x.strip()),
    )


def _is_clock(value: str) -> bool:
    try:
        dt.time.fromisoformat(value)
    except ValueError:
        return False
    return True


def load_workshop(path: str | Path) -> Workshop:
    """Read and validate a workshop file."""
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise WorkshopError(f"{file}: no such workshop file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise WorkshopError(f"{file}: cannot be read ({exc})") from None
    return parse_workshop(text, file)
