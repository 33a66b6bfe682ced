"""Rule suggestions in each unit's language: its own keywords and the English ones, on lemmas."""

from __future__ import annotations

from pathlib import Path

import pytest

from foresight import corpus, suggest
from foresight.codebook import import_codebook
from foresight.coding.worklist import unit_view
from foresight.ingest import ingest
from foresight.nlp import lemma, lemma_table
from foresight.project import Project
from foresight.suggest.rules import KeywordRules, LemmaMatcher

KEYWORDS = {
    "SC": {"en": ["supply chain"], "de": ["Lieferkette"], "fr": ["chaîne d'approvisionnement"]},
    "AGE": {"de": ["alternde Gesellschaft"], "fr": ["vieillissement de la population"]},
    "GRID": ["smart grid"],
    "CHIP": {"de": ["Halbleiter"], "fr": ["semi-conducteur"]},
}


def found(texts: list[tuple[str | None, str]]) -> list[set[str]]:
    scores = KeywordRules(KEYWORDS).scores([t for _, t in texts], [lang for lang, _ in texts])
    return [set(s) for s in scores]


def test_a_german_and_a_french_paragraph_get_the_codes_of_their_keywords() -> None:
    assert found(
        [
            ("de", "Die Lieferketten der Industrie sind seit der Pandemie fragil."),
            ("fr", "Les chaînes d'approvisionnement des industriels européens restent fragiles."),
            ("de", "In einer alternden Gesellschaft fehlen Fachkräfte."),
            ("fr", "Le vieillissement de la population pèse sur les budgets."),
            ("de", "Das Wetter war gestern gut."),
            ("fr", "Il a fait beau hier."),
        ]
    ) == [{"SC"}, {"SC"}, {"AGE"}, {"AGE"}, set(), set()]


def test_english_keywords_count_in_every_language_and_other_languages_only_in_their_own() -> None:
    assert found(
        [
            ("de", "Viele Stadtwerke bauen ein Smart Grid auf, um Supply Chains zu sichern."),
            ("fr", "Les smart grids arrivent dans les villes moyennes."),
            ("en", "The German word Lieferkette and the French chaîne d'approvisionnement."),
            (None, "Supply chains and smart grids, in a unit without a language."),
            ("bs", "Lieferkette i smart grid."),  # a language spaCy does not know: English keywords only
        ]
    ) == [{"GRID", "SC"}, {"GRID"}, set(), {"GRID", "SC"}, {"GRID"}]


def test_distinct_keywords_of_both_languages_add_to_the_score() -> None:
    rules = KeywordRules(KEYWORDS)
    (scores,) = rules.scores(["Supply chains, also Lieferketten genannt, sind fragil."], ["de"])
    assert scores == {"SC": 0.75}


@pytest.mark.parametrize(
    ("language", "text", "code"),
    [
        ("de", "Der Mangel an Halbleitern bremst die Autoindustrie.", "CHIP"),  # dative plural
        ("de", "Die Lieferketten wurden kürzer.", "SC"),  # a compound: by its last part, Ketten -> Kette
        ("de", "Die LIEFERKETTEN wurden kürzer.", "SC"),
        ("fr", "Les semi-conducteurs manquent.", "CHIP"),
        ("fr", "Les Chaînes d'approvisionnement se raccourcissent.", "SC"),
    ],
)
def test_inflected_forms_match_by_their_lemmas(language: str, text: str, code: str) -> None:
    rules = KeywordRules(KEYWORDS)
    assert set(rules.scores([text], [language])[0]) == {code}


def test_lemmas_in_german_and_french_come_from_the_lookup_tables() -> None:
    de, fr = lemma_table("de"), lemma_table("fr")
    assert [lemma(de, w, compounds=True) for w in ("Staaten", "Halbleitern", "Lieferketten", "Xyzabc")] == [
        "staat",
        "halbleiter",
        "lieferkette",
        "xyzabc",
    ]
    assert [lemma(fr, w) for w in ("Villes", "chaînes", "renouvelables")] == [
        "ville",
        "chaîne",
        "renouvelable",
    ]
    assert lemma_table("pl") is None  # Polish tables need a part of speech: its words are matched as written
    assert set(KeywordRules({"X": {"pl": ["łańcuch dostaw"]}}).scores(["Łańcuch dostaw."], ["pl"])[0]) == {
        "X"
    }


def test_cached_lemmas_are_those_computed_word_by_word() -> None:
    texts = [
        "Die Lieferketten der Halbleiterindustrie, z. B. in Dresden, wurden 2021 kürzer.",
        "Die Staaten Europas investieren in Rohstoffe; die Rohstoffen-Frage bleibt.",
    ]
    matcher = LemmaMatcher("de", {"X": ["x"]})
    table = lemma_table("de")
    for text in texts * 2:
        doc = matcher.doc(text)
        assert [t.lemma_ for t in doc] == [lemma(table, t.text, compounds=True) for t in doc]


CODEBOOK = """schema_version: 1
codebook: {name: Languages}
codes:
  - id: SC
    name: Supply chains
    definition: Supply chains and their resilience.
    keywords:
      en: [supply chain]
      de: [Lieferkette]
      fr: [chaîne d'approvisionnement]
  - id: AGE
    name: Ageing
    definition: An ageing society.
    keywords: {de: [alternde Gesellschaft], fr: [vieillissement de la population]}
"""
GERMAN = (
    "Die Lieferketten der deutschen Industrie sind seit der Pandemie fragil geworden, und viele "
    "Unternehmen suchen neue Lieferanten in Europa."
)
FRENCH = (
    "Le vieillissement de la population pèse sur les budgets des communes, qui doivent financer "
    "de nouveaux services pour les personnes âgées."
)


def test_suggest_run_matches_each_ingested_unit_in_its_language(project: Project, tmp_path: Path) -> None:
    (tmp_path / "codebook.yaml").write_text(CODEBOOK, encoding="utf-8")
    import_codebook(project, tmp_path / "codebook.yaml", actor="test")
    (tmp_path / "bericht.txt").write_text(f"{GERMAN}\n\n{FRENCH}\n", encoding="utf-8")
    ingest(project, [str(tmp_path / "bericht.txt")])
    units = {u["language"]: u["id"] for u in corpus.list_units(project)}
    result = suggest.run(project)
    assert sorted((s["unit_id"], s["code_id"]) for s in result.suggestions) == sorted(
        [(units["de"], "SC"), (units["fr"], "AGE")]
    )
    # the coder is told which keywords of the unit's language were found
    assert [s.reason for s in unit_view(project, units["de"], "anna").suggestions] == [
        "keywords: Lieferkette"
    ]
    assert [s.reason for s in unit_view(project, units["fr"], "anna").suggestions] == [
        "keywords: vieillissement de la population"
    ]


def test_a_keyword_with_a_footnote_mark_after_it_is_found() -> None:
    """A footnote's mark right after a keyword, as a PDF gives it ("supply chain²", "smart
    grids.¹²"), does not hide the keyword."""
    texts = ["Firms rebuilt their supply chain² after the pandemic.", "Cities plan smart grids.¹²"]
    assert found([("en", t) for t in texts]) == [{"SC"}, {"GRID"}]
