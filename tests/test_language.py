"""Each source's and unit's language: detected offline, stored, and a filter everywhere."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from sqlalchemy import select, update

from foresight import corpus
from foresight.config import IngestSettings
from foresight.cooccurrence import Filters, cooccurrence
from foresight.ingest import IngestOptions, ingest
from foresight.ingest.language import detect, normalise, settle_language
from foresight.ingest.reading import prepare
from foresight.project import Project
from foresight.store import Source, Unit
from tests.cooc_fixtures import build

DATA = Path(__file__).parent / "data" / "languages" / "paragraphs.tsv"
LABELLED = [line.rstrip("\n").split("\t", 1) for line in DATA.read_text().splitlines() if line[:1] != "#"]
REALDOCS = Path("/work/shared/realdocs")
GERMAN = (
    "Die regionalen Cluster investieren zunehmend in die Digitalisierung ihrer Lieferketten, "
    "um gegenüber Wettbewerbern aus Asien bestehen zu können."
)
FRENCH = (
    "Les pôles de compétitivité misent sur la transition énergétique pour attirer de nouveaux "
    "investisseurs étrangers dans les régions."
)


@pytest.mark.parametrize(("language", "text"), LABELLED, ids=[f"{lang}-{t[:20]}" for lang, t in LABELLED])
def test_each_supported_language_is_detected_in_long_and_short_paragraphs(language: str, text: str) -> None:
    guess = detect(text)
    assert guess is not None and guess.language == language


def test_a_text_without_letters_has_no_language() -> None:
    assert detect("2011 – 42 % / 17") is None


def test_language_tags_become_iso_639_1_and_the_flag_wins() -> None:
    assert [normalise(t) for t in ("en-US", "de_DE", "fra", "x-none", "", None)] == [
        "en",
        "de",
        "fr",
        None,
        None,
        None,
    ]
    assert settle_language("en-US", "de", None, "en") == "de"  # a template's tag on a German text
    assert settle_language("fr", None, None, "en") == "fr"
    assert settle_language(None, None, None, "it") == "it"
    assert settle_language("en", "de", "pl", "en") == "pl"


def test_a_mixed_document_gives_each_unit_its_own_language(project: Project, tmp_path: Path) -> None:
    mixed = tmp_path / "mixed.md"
    front = "---\ntitle: Zweisprachig\nlanguage: en\n---\n\n"
    mixed.write_text(f"{front}{GERMAN}\n\n{FRENCH}\n\n{GERMAN} Ende.\n")
    report = ingest(project, [str(mixed)])
    assert report.units == 3
    (source,) = corpus.list_sources(project)
    assert source["language"] == "de"  # most of the text, whatever the front matter says
    assert [u["language"] for u in corpus.list_units(project)] == ["de", "fr", "de"]
    assert [u["ordinal"] for u in corpus.list_units(project, language="fr")] == [2]
    assert corpus.list_sources(project, language="fr") == []


def test_the_lang_flag_overrides_detection(project: Project, tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(f"{GERMAN}\n\n{FRENCH}\n")
    ingest(project, [str(tmp_path / "a.txt")], IngestOptions(language="it"))
    assert corpus.list_sources(project)[0]["language"] == "it"
    assert {u["language"] for u in corpus.list_units(project)} == {"it"}


@pytest.mark.parametrize(
    ("name", "language"),
    [
        ("book-de.pdf", "de"),
        ("paper-fr.pdf", "fr"),
        ("municipal-transport-plan-fr.pdf", "fr"),
        ("quarterly-report-zh.pdf", "zh"),
        ("flyer-ko-tables.pdf", "ko"),
    ],
)
def test_real_documents_are_detected_in_their_language(name: str, language: str) -> None:
    path = REALDOCS / name
    if not path.exists():
        pytest.skip(f"{path} is not here")
    prepared = prepare(str(path), IngestSettings())
    (document, cut) = prepared.documents[0]
    assert cut.language == language
    assert sum(u.language in (language, None) for u in cut.units) / len(cut.units) > 0.9


@pytest.fixture
def two_languages(project: Project) -> Project:
    """Two sources, r1 in German and r2 in French, with codings by ana."""
    build(
        project,
        {"MT.A": "A", "MT.B": "B", "EI.C": "C"},
        [
            ("r1", {"ana": ["MT.A", "MT.B"]}),
            ("r1", {"ana": ["MT.A", "MT.B", "EI.C"]}),
            ("r2", {"ana": ["MT.A", "EI.C"]}),
        ],
        {"r1": {"date": dt.date(2005, 1, 1)}, "r2": {"date": dt.date(2010, 1, 1)}},
    )
    with project.transaction() as session:
        for title, language in (("r1", "de"), ("r2", "fr")):
            source_id = session.execute(select(Source.id).where(Source.title == title)).scalar_one()
            session.execute(update(Source).where(Source.id == source_id).values(language=language))
            session.execute(update(Unit).where(Unit.source_id == source_id).values(language=language))
    return project


def test_cooccurrence_counts_one_language_s_units(two_languages: Project) -> None:
    assert cooccurrence(two_languages, filters=Filters(languages=("de",))).units == 2
    assert cooccurrence(two_languages, filters=Filters(languages=("fr",))).units == 1
    assert cooccurrence(two_languages, filters=Filters(languages=("de", "fr"))).units == 3


def test_units_cooccurrence_and_trends_take_lang(two_languages: Project, cli) -> None:  # type: ignore[no-untyped-def]
    root = str(two_languages.root)
    units = json.loads(cli("--project", root, "units", "--lang", "fr", "--json").out)
    assert [(u["source_id"], u["language"]) for u in units] == [(2, "fr")]
    sources = cli("--project", root, "sources", "--lang", "de").out
    assert " r1" in sources and " r2" not in sources
    result = json.loads(cli("--project", root, "cooccurrence", "--lang", "de", "--json").out)
    assert (result["units"], result["filters"]) == (2, {"language": ["de"]})
    trends = cli("--project", root, "trends", "--lang", "FR", "--json")
    assert trends.code == 0, trends.err
    assert json.loads(trends.out)["filters"] == {"language": ["fr"]}
