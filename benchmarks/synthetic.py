"""A synthetic coded project of any size, for benchmarks.

Sources of ``per_source`` paragraphs, dated evenly over 2000-2014 and falling into ``periods``
equal periods; every unit is "about" one or more codes of the shipped codebook, drawn with a
Zipf-like skew (code k of n is drawn with weight 1 / k^1.1: a few codes are frequent, most are
rare), about ``codings_per_unit`` codes per unit on average. Each of ``coders`` coders keeps each
of a unit's codes with probability 0.9, adds a stray code with probability 0.1 and marks the
unit done, so coders agree as well as real ones do. With ``texts``, each paragraph is written
from the codebook's words for its codes (:mod:`foresight.suggest.synthetic`), so suggestions have
something to find; otherwise it is a short placeholder. Deterministic for a seed.

SQLite projects are written with sqlite3's ``executemany`` (a million units in about a
minute); a PostgreSQL project (``database_url``) through SQLAlchemy in batches.

Usage::

    python benchmarks/synthetic.py DIR [--units 100000] [--codes 100] [--coders 1]
        [--codings-per-unit 3] [--periods 2] [--texts] [--seed 0]
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sqlalchemy import insert, select, text

from foresight.codebook import import_codebook
from foresight.codebook.catalog import active_codebook, to_spec
from foresight.config import CONFIG_NAME
from foresight.project import Project
from foresight.resources import DEFAULT_CODEBOOK
from foresight.store import Code, Coding, Source, Unit, UnitState

CODERS = ["anna", "ben", "cleo", "dan", "eve", "finn", "gus", "hana"]
FIRST, LAST = dt.date(2000, 1, 1), dt.date(2014, 12, 31)
SKEW = 1.1
BATCH = 100_000


@dataclass(frozen=True)
class Made:
    project: Project
    units: int
    codings: int
    coders: list[str]
    periods: list[str]


def periods_of(count: int) -> list[tuple[str, dt.date, dt.date]]:
    """``count`` periods of whole years over 2000-2014 (two give the method's 2000-2006 and
    2007-2014), named by their years."""
    years = LAST.year - FIRST.year + 1
    count = max(1, min(count, years))
    out = []
    for i in range(count):
        first, last = FIRST.year + years * i // count, FIRST.year + years * (i + 1) // count - 1
        name = f"{first}-{last}" if first != last else str(first)
        out.append((name, dt.date(first, 1, 1), dt.date(last, 12, 31)))
    return out


def _set_periods(folder: Path, periods: list[tuple[str, dt.date, dt.date]]) -> None:
    config = folder / CONFIG_NAME
    head = config.read_text(encoding="utf-8").split("[[periods]]", 1)[0]
    blocks = "\n".join(
        f'[[periods]]\nname = "{name}"\nstart = {start.isoformat()}\nend = {end.isoformat()}\n'
        for name, start, end in periods
    )
    config.write_text(head + blocks, encoding="utf-8")


def _chunks(rows: list[dict[str, object]]) -> Iterator[list[dict[str, object]]]:
    for i in range(0, len(rows), BATCH):
        yield rows[i : i + BATCH]


def generate(
    folder: str | Path,
    *,
    units: int = 100_000,
    codes: int = 100,
    coders: int = 1,
    codings_per_unit: float = 3.0,
    periods: int = 2,
    per_source: int = 100,
    texts: bool = False,
    seed: int = 0,
    database_url: str | None = None,
) -> Made:
    """Make the project in ``folder`` (a new folder) and return it open."""
    folder = Path(folder)
    rng = np.random.default_rng(seed)
    project = Project.init(folder, database_url=database_url)
    import_codebook(project, DEFAULT_CODEBOOK, actor="synthetic")
    spans = periods_of(periods)
    _set_periods(folder, spans)
    project.close()
    project = Project.open(folder)
    with project.session() as session:
        book = active_codebook(session)
        assert book is not None
        spec = to_spec(session, book)
        rows = dict(session.execute(select(Code.code_id, Code.id)).all())
    chosen = [c.id for c in spec.codes][:codes]
    code_rows = np.array([rows[c] for c in chosen])
    weights = 1.0 / np.arange(1, len(chosen) + 1) ** SKEW
    weights /= weights.sum()

    # what each unit is about: 1..8 codes, about codings_per_unit on average, as (unit, code) pairs
    counts = rng.poisson(max(codings_per_unit - 1, 0), units).clip(0, 7) + 1
    drawn_units = np.repeat(np.arange(units), counts)
    drawn_codes = rng.choice(len(chosen), size=len(drawn_units), p=weights)
    if texts:
        from foresight.suggest.synthetic import paragraphs

        written, labels = paragraphs(spec, units, seed=seed)
        index = {c: i for i, c in enumerate(chosen)}
        pairs = [(u, index[c]) for u, label in enumerate(labels) for c in label if c in index]
        drawn_units = np.array([u for u, _ in pairs], dtype=np.int64)
        drawn_codes = np.array([c for _, c in pairs], dtype=np.int64)
    else:
        written = [f"Paragraph {u % per_source + 1} of report {u // per_source}." for u in range(units)]
    truth = np.unique(np.stack([drawn_units, drawn_codes], axis=1), axis=0)

    n_sources = (units + per_source - 1) // per_source
    days = (LAST - FIRST).days
    with project.transaction() as session:
        source_rows = []
        for s in range(n_sources):
            day = FIRST + dt.timedelta(days=days * s // max(n_sources - 1, 1))
            body = "\n\n".join(written[s * per_source : (s + 1) * per_source])
            source_rows.append(
                {
                    "title": f"Report {s:06d}",
                    "path": f"/synthetic/{s:06d}.txt",
                    "locator": "",
                    "sha256": f"{seed:08x}{s:056x}",
                    "file_sha256": f"{seed:08x}{s:056x}",
                    "format": "txt",
                    "source_type": ("news", "policy", "blog", "report", "interview")[s % 5],
                    "date": day,
                    "date_origin": "metadata",
                    "text": body,
                    "attributes": {},
                }
            )
        for chunk in _chunks(source_rows):
            session.execute(insert(Source), chunk)
        source_ids = list(session.execute(select(Source.id).order_by(Source.id)).scalars())
        period_of = {
            sid: project.config.period_of(r["date"]) for sid, r in zip(source_ids, source_rows, strict=True)
        }
        unit_rows = []
        for s, sid in enumerate(source_ids):
            start = 0
            for o, paragraph in enumerate(written[s * per_source : (s + 1) * per_source]):
                unit_rows.append(
                    {
                        "source_id": sid,
                        "ordinal": o + 1,
                        "text": paragraph,
                        "start": start,
                        "end": start + len(paragraph),
                        "period": period_of[sid],
                        "attributes": {},
                    }
                )
                start += len(paragraph) + 2
        for chunk in _chunks(unit_rows):
            session.connection().execute(insert(Unit.__table__), chunk)  # type: ignore[attr-defined]
        unit_ids = list(session.execute(select(Unit.id).order_by(Unit.id)).scalars())
    names = CODERS[:coders] if coders <= len(CODERS) else [f"coder{i}" for i in range(coders)]
    total = 0
    unit_array = np.asarray(unit_ids)
    for name in names:
        kept = truth[rng.random(len(truth)) < 0.9]
        stray_units = np.nonzero(rng.random(units) < 0.1)[0]
        stray = np.stack([stray_units, rng.choice(len(chosen), size=len(stray_units), p=weights)], axis=1)
        coded = np.unique(np.concatenate([kept, stray]), axis=0)
        pairs = list(zip(unit_array[coded[:, 0]].tolist(), code_rows[coded[:, 1]].tolist(), strict=True))
        with project.transaction() as session:
            connection = session.connection()
            for chunk in _chunks(
                [{"unit_id": u, "code_id": c, "coder": name, "origin": "manual"} for u, c in pairs]
            ):
                connection.execute(insert(Coding.__table__), chunk)  # type: ignore[attr-defined]
            for chunk in _chunks([{"unit_id": u, "coder": name, "done": True} for u in unit_ids]):
                connection.execute(insert(UnitState.__table__), chunk)  # type: ignore[attr-defined]
        total += len(pairs)
    if project.engine.url.get_backend_name() == "sqlite":
        with project.engine.begin() as conn:
            conn.execute(text("ANALYZE"))
    return Made(project, units, total, names, [p[0] for p in spans])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--units", type=int, default=100_000)
    parser.add_argument("--codes", type=int, default=100)
    parser.add_argument("--coders", type=int, default=1)
    parser.add_argument("--codings-per-unit", type=float, default=3.0)
    parser.add_argument("--periods", type=int, default=2)
    parser.add_argument("--texts", action="store_true", help="write paragraphs from the codebook's words")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    made = generate(
        args.folder,
        units=args.units,
        codes=args.codes,
        coders=args.coders,
        codings_per_unit=args.codings_per_unit,
        periods=args.periods,
        texts=args.texts,
        seed=args.seed,
    )
    print(
        f"{args.folder}: {made.units:,} units, {made.codings:,} codings by {', '.join(made.coders)}, "
        f"periods {', '.join(made.periods)}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
