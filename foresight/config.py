"""The project file ``foresight.toml``: name, database, periods and ingest settings."""

from __future__ import annotations

import datetime as dt
import math
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from foresight.errors import ConfigError, ProjectError

PROJECT_ENV = "FORESIGHT_PROJECT"  # the project folder when --project is not given

CONFIG_NAME = "foresight.toml"
DATABASE_NAME = "foresight.db"
DATABASE_ENV = "FORESIGHT_DATABASE_URL"


@dataclass(frozen=True)
class Period:
    """A named stretch of time; a unit falls in it when its source's date does."""

    name: str
    start: dt.date
    end: dt.date

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


@dataclass(frozen=True)
class IngestSettings:
    max_unit_chars: int = 1200
    min_unit_chars: int = 40
    max_file_mb: float = 50.0
    max_file_seconds: float = 120.0  # 0: no cap
    near_duplicate_bits: int = 3
    # Tesseract's languages ("eng+fra") to OCR scanned PDFs with; None: scans are refused. Set for
    # one run from ingest's options (``--ocr``), not from foresight.toml.
    ocr_languages: str | None = None


TWO_THIRDS = 2 / 3
# alpha is a ratio of sums: one that is exactly 2/3 may be computed a rounding error below it
ALPHA_TOLERANCE = 1e-9


def exact_threshold(value: float) -> float:
    """Krippendorff's 0.667 is 2/3 (rounded for print): a threshold written 0.667 means 2/3 exactly."""
    return TWO_THIRDS if round(value, 3) == round(TWO_THIRDS, 3) else value


@dataclass(frozen=True)
class AgreementSettings:
    """Krippendorff's thresholds: alpha from ``reliable`` up is reliable, from ``tentative`` tentative.

    ``tentative`` given as 0.667 is taken as 2/3, so a code whose alpha is exactly 2/3 is tentative.
    """

    reliable: float = 0.8
    tentative: float = TWO_THIRDS

    def __post_init__(self) -> None:
        object.__setattr__(self, "tentative", exact_threshold(self.tentative))

    def verdict(self, alpha: float | None) -> str:
        """reliable, tentative, not reliable, or undefined (no alpha)."""
        if alpha is None:
            return "undefined"
        if alpha >= self.reliable - ALPHA_TOLERANCE:
            return "reliable"
        if alpha >= self.tentative - ALPHA_TOLERANCE:
            return "tentative"
        return "not reliable"


@dataclass(frozen=True)
class ProjectConfig:
    name: str
    database_url: str | None = None
    default_coder: str | None = None
    default_language: str = "en"
    periods: tuple[Period, ...] = ()
    ingest: IngestSettings = field(default_factory=IngestSettings)
    tui_keys: dict[str, str] = field(default_factory=dict)  # action -> key, over the defaults
    agreement: AgreementSettings = field(default_factory=AgreementSettings)

    def period_of(self, day: dt.date | None) -> str | None:
        """The name of the first period containing ``day``; ``None`` for an unknown date."""
        if day is None:
            return None
        for period in self.periods:
            if period.contains(day):
                return period.name
        return None


DEFAULT_PERIODS = (
    Period("2000-2006", dt.date(2000, 1, 1), dt.date(2006, 12, 31)),
    Period("2007-2014", dt.date(2007, 1, 1), dt.date(2014, 12, 31)),
)


def render_config(name: str, database_url: str | None = None) -> str:
    """The text of a new project's ``foresight.toml``, with every setting explained."""
    database = f'database_url = "{database_url}"\n' if database_url else ""
    periods = "\n".join(
        f'[[periods]]\nname = "{p.name}"\nstart = {p.start.isoformat()}\nend = {p.end.isoformat()}\n'
        for p in DEFAULT_PERIODS
    )
    defaults = IngestSettings()
    return f'''# foresight project settings
name = "{name}"

# The store. Unset: foresight.db (SQLite) beside this file. For a team server:
# database_url = "postgresql+psycopg://USER@HOST:5432/DBNAME"
# (its password from PGPASSWORD or ~/.pgpass, never this file; {DATABASE_ENV} overrides this line)
{database}
# The coder used when a command is not given --coder.
# default_coder = "anna"

# Language recorded for sources whose metadata does not name one.
default_language = "en"

[ingest]
# A paragraph longer than this is split at sentence boundaries.
max_unit_chars = {defaults.max_unit_chars}
# Fragments shorter than this are merged into a neighbouring paragraph or dropped.
min_unit_chars = {defaults.min_unit_chars}
# Files larger than this are refused.
max_file_mb = {defaults.max_file_mb:g}
# A file still being read after this many seconds is stopped and reported as failed (0: no cap).
max_file_seconds = {defaults.max_file_seconds:g}
# Units whose 64-bit SimHash differs in at most this many bits are near-duplicates.
near_duplicate_bits = {defaults.near_duplicate_bits}

[agreement]
# Verdicts on Krippendorff's alpha: from reliable up a code is reliable, from tentative up
# it supports tentative conclusions only, below that it is not reliable (0.667 is read as 2/3).
reliable = 0.8
tentative = 0.667

# The coders' screen: remap keys by action, e.g.
# [tui.keys]
# next = "j"
# previous = "k"

# Periods for the analysis: a unit falls in the period that contains its source's date
# (start and end inclusive); an unknown date falls in no period.
{periods}'''


def _date(value: object, where: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise ConfigError(f"{where}: {value!r} is not a date (write it as YYYY-MM-DD)")


def find_project(root: str | Path | None = None) -> tuple[Path, ProjectConfig]:
    """The project folder (``root``, ``$FORESIGHT_PROJECT`` or the current folder) and its settings."""
    folder = Path(root or os.environ.get(PROJECT_ENV) or ".").resolve()
    config_path = folder / CONFIG_NAME
    if not config_path.is_file():
        raise ProjectError(
            f"{folder}: not a foresight project (no {CONFIG_NAME}); "
            "run 'foresight init' or pass --project DIR"
        )
    return folder, load_config(config_path)


def load_config(path: Path) -> ProjectConfig:
    """Read and check ``foresight.toml``; every problem names the file and the key."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: not found; run 'foresight init' first") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from None
    periods = []
    for i, item in enumerate(raw.get("periods", [])):
        where = f"{path}: periods[{i}]"
        if not isinstance(item, dict) or not {"name", "start", "end"} <= item.keys():
            raise ConfigError(f"{where} needs name, start and end")
        period = Period(str(item["name"]), _date(item["start"], where), _date(item["end"], where))
        if period.end < period.start:
            raise ConfigError(f"{where} ends before it starts")
        periods.append(period)
    ingest_raw = raw.get("ingest", {})
    try:
        ingest = IngestSettings(
            max_unit_chars=int(ingest_raw.get("max_unit_chars", IngestSettings.max_unit_chars)),
            min_unit_chars=int(ingest_raw.get("min_unit_chars", IngestSettings.min_unit_chars)),
            max_file_mb=float(ingest_raw.get("max_file_mb", IngestSettings.max_file_mb)),
            max_file_seconds=float(ingest_raw.get("max_file_seconds", IngestSettings.max_file_seconds)),
            near_duplicate_bits=int(
                ingest_raw.get("near_duplicate_bits", IngestSettings.near_duplicate_bits)
            ),
        )
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{path}: [ingest] holds a value that is not a number ({exc})") from None
    if ingest.max_unit_chars < 200:
        raise ConfigError(f"{path}: [ingest] max_unit_chars must be at least 200")
    if not 0 <= ingest.max_file_seconds < math.inf:
        raise ConfigError(f"{path}: [ingest] max_file_seconds must be 0 (no cap) or a number of seconds")
    keys = (raw.get("tui") or {}).get("keys") or {}
    if not isinstance(keys, dict) or not all(isinstance(v, str) for v in keys.values()):
        raise ConfigError(f'{path}: [tui.keys] maps actions to keys, e.g. next = "j"')
    agreement_raw = raw.get("agreement", {})
    try:
        agreement = AgreementSettings(
            reliable=float(agreement_raw.get("reliable", AgreementSettings.reliable)),
            tentative=float(agreement_raw.get("tentative", AgreementSettings.tentative)),
        )
    except (TypeError, ValueError, AttributeError) as exc:
        raise ConfigError(f"{path}: [agreement] holds a value that is not a number ({exc})") from None
    if not -1.0 <= agreement.tentative <= agreement.reliable <= 1.0:
        raise ConfigError(f"{path}: [agreement] needs -1 <= tentative <= reliable <= 1")
    return ProjectConfig(
        tui_keys=dict(keys),
        agreement=agreement,
        name=str(raw.get("name", path.parent.name)),
        database_url=os.environ.get(DATABASE_ENV) or raw.get("database_url") or None,
        default_coder=raw.get("default_coder") or None,
        default_language=str(raw.get("default_language", "en")),
        periods=tuple(periods),
        ingest=ingest,
    )
