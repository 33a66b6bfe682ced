"""Near-duplicates found while ingesting: the in-memory band table, and the flags an ingest sets,
both checked against a plain search of every stored unit."""

from __future__ import annotations

import functools
import random
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import select

from foresight import corpus
from foresight.config import IngestSettings
from foresight.ingest import dedupe, ingest, pipeline
from foresight.ingest.nearby import BandTable
from foresight.ingest.reading import prepare
from foresight.project import Project
from foresight.resources import SAMPLE_CORPUS
from foresight.store import Source, Unit


def test_the_table_finds_every_shared_band_value_that_a_search_of_all_rows_finds() -> None:
    rng = random.Random(11)
    pool = [rng.getrandbits(63) for _ in range(300)]  # few values, so that rows share many
    table = BandTable(recent=50)  # rows move to the sorted arrays many times
    rows: list[tuple[int, ...]] = []
    next_id = 1
    for step in range(80):
        new = []
        for _ in range(rng.randrange(0, 40)):
            next_id += rng.randrange(1, 4)
            new.append((next_id, rng.randrange(50, 900), rng.getrandbits(63), *rng.sample(pool, 4)))
        table.add(new)
        rows += new
        if step % 4:
            continue
        asked = np.array([rng.sample(pool, 4) for _ in range(25)], dtype=np.int64)
        units, found = table.sharing(asked)
        expected = [
            (unit, row[0], row[1], row[2])
            for unit in range(len(asked))
            for row in rows
            if set(row[3:]) & set(asked[unit].tolist())  # (values of all bands are looked up together)
        ]
        ids = table.column(found, "id").tolist()
        got = list(
            zip(
                units.tolist(), ids, table.column(found, "length"), table.column(found, "sketch"), strict=True
            )
        )
        assert got == expected  # each pair once, by new unit and then by id
    assert len(table) == len(rows) > 1000


def paragraphs() -> list[str]:
    """Real paragraphs of the sample corpus long enough to fingerprint, each once."""
    texts: list[str] = []
    for path in sorted(SAMPLE_CORPUS.glob("*.docx")) + sorted(SAMPLE_CORPUS.glob("*.txt")):
        for _, cut in prepare(str(path), IngestSettings()).documents:
            texts += [u.text for u in cut.units if len(u.text.split()) >= 25 and u.text not in texts]
    return texts


def reference_flags(project: Project) -> dict[int, int | None]:
    """What every stored unit repeats, found by comparing it with every earlier unit: the first
    unit of another current source, itself not a repeat, sharing a band, with a length and sketch
    that pass, and whose shingles overlap its own by 70%."""
    with project.session() as session:
        rows = session.execute(
            select(
                Unit.id,
                Unit.source_id,
                Unit.text,
                Unit.band0,
                Unit.band1,
                Unit.band2,
                Unit.band3,
                Unit.sketch,
            )
            .join(Source, Source.id == Unit.source_id)
            .where(Source.current.is_(True))
            .order_by(Unit.id)
        ).all()
    flags: dict[int, int | None] = {}
    for uid, source, text, *bands in rows:
        flags[uid] = None
        if bands[0] is None:
            continue
        for other, other_source, other_text, *other_bands in rows:
            if other >= uid or other_source == source or other_bands[0] is None or flags[other] is not None:
                continue
            if (
                any(a == b for a, b in zip(bands[:4], other_bands[:4], strict=True))
                and 0.6 < len(other_text) / len(text) < 1.67
                and dedupe.sketch_similarity(bands[4], other_bands[4]) >= 0.5
                and dedupe.jaccard(text, other_text) >= 0.7
            ):
                flags[uid] = other
                break
    return flags


def stored_flags(project: Project) -> dict[int, int | None]:
    return {u["id"]: u["duplicate_of"] for u in corpus.list_units(project)}


def edited(text: str, rng: random.Random) -> str:
    words = text.split()
    words[rng.randrange(len(words))] = "regional"  # one word changed, as a syndicating outlet might
    return " ".join(words)


def test_syndicated_paragraphs_across_the_files_of_one_run_are_flagged_as_a_full_search_flags_them(
    project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pipeline, "BandTable", functools.partial(BandTable, recent=16))
    rng = random.Random(5)
    pool = paragraphs()
    assert len(pool) >= 30
    for number in range(12):
        chosen = rng.sample(pool, 6)
        texts = [edited(text, rng) if rng.random() < 0.5 else text for text in chosen]
        (tmp_path / f"outlet-{number:02}.txt").write_text("\n\n".join(texts) + "\n")
    report = ingest(project, [tmp_path], workers=2)
    assert report.count("ingested") == 12
    flags = stored_flags(project)
    assert flags == reference_flags(project)
    assert sum(flag is not None for flag in flags.values()) >= 20


def test_units_of_an_older_version_are_not_what_new_units_repeat(project: Project, tmp_path: Path) -> None:
    first, second, third, fourth = paragraphs()[:4]
    news = tmp_path / "a-story.txt"
    news.write_text(f"{first}\n\n{second}\n")
    ingest(project, [news])
    news.write_text(f"{first}\n\n{third}\n")  # a new version: the first paragraph stays
    (tmp_path / "b-copy.txt").write_text(f"{first}\n")
    (tmp_path / "0-opening.txt").write_text(f"{fourth}\n")  # read first: the run knows the old version
    report = ingest(project, [tmp_path / "0-opening.txt", news, tmp_path / "b-copy.txt"])
    assert [o.status for o in report.outcomes] == ["ingested", "updated", "ingested"]
    sources = sorted(corpus.list_sources(project, all_versions=True), key=lambda s: s["id"])
    old, _, new, copies = (corpus.list_units(project, source_id=s["id"]) for s in sources)
    (copy,) = copies
    # the new version repeats its own old version: not a near-duplicate of another source
    assert [u["duplicate_of"] for u in new] == [None, None]
    # the copy repeats the current version, not the old one
    assert copy["text"] == first and copy["duplicate_of"] == new[0]["id"] != old[0]["id"]
    assert stored_flags(project) == reference_flags(project)
