"""The shipped codebook's German and French keywords: paragraphs in those languages get the
codes a reader would give them from the keywords of their own language, inflected or not."""

from __future__ import annotations

import json
from pathlib import Path

from foresight.codebook import import_codebook
from foresight.project import Project
from foresight.resources import DEFAULT_CODEBOOK

# a German and a French paragraph, with the codes the shipped codebook's keywords in that
# language find in them: "Fachkräftemangels" (genitive of the keyword "Fachkräftemangel"),
# "Verpackungen", "pôles de compétitivité", "sous-traitants" and "terres rares" are inflected
PARAGRAPHS = {
    "de.txt": (
        "Wegen des Fachkräftemangels verlagern einige Zulieferer der Automobilindustrie einen Teil "
        "ihrer Fertigung; andere setzen auf die Kreislaufwirtschaft und das Recycling von Verpackungen.",
        {"MT.WORKFORCE_AGEING", "LK.SUPPLIER_USER", "EI.MOBILITY", "MT.CIRCULAR_ECONOMY", "MT.RECYCLING"}
        | {"EI.ADV_PACKAGING"},
    ),
    "fr.txt": (
        "Les pôles de compétitivité accompagnent les sous-traitants qui récupèrent les terres rares "
        "contenues dans les aimants des disques durs usagés.",
        {"CP.POLICY_INSTRUMENTS", "LK.SUPPLIER_USER", "MT.CRITICAL_RAW_MATERIALS"},
    ),
}


def test_german_and_french_paragraphs_get_the_codes_of_their_own_keywords(
    cli, project: Project, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    import_codebook(project, DEFAULT_CODEBOOK, actor="test")
    folder = tmp_path / "docs"
    folder.mkdir()
    for name, (text, _) in PARAGRAPHS.items():
        (folder / name).write_text(text, encoding="utf-8")
    assert cli("--project", str(project.root), "ingest", str(folder)).code == 0
    result = cli("--project", str(project.root), "suggest", "run", "--json")
    assert result.code == 0, result.err
    found: dict[int, set[str]] = {}
    for s in json.loads(result.out)["suggestions"]:
        found.setdefault(s["unit_id"], set()).add(s["code_id"])
    units = json.loads(cli("--project", str(project.root), "units", "--json").out)
    assert sorted(u["language"] for u in units) == ["de", "fr"]
    for unit in units:
        [expected] = [codes for text, codes in PARAGRAPHS.values() if text == unit["text"]]
        assert found[unit["id"]] == expected, unit["language"]
