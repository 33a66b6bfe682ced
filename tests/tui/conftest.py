"""A small coded project for driving the coders' screen."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import select

from foresight import coding, corpus
from foresight.codebook import import_codebook
from foresight.ingest import ingest
from foresight.project import Project
from foresight.resources import DEFAULT_CODEBOOK
from foresight.store import Batch, BatchUnit, Code, Suggestion
from tests import builders


@pytest.fixture(autouse=True)
def _quiet_textual(monkeypatch: pytest.MonkeyPatch) -> None:
    """No cursor blink, no user configuration: screens look the same on every machine."""
    monkeypatch.setenv("TEXTUAL_CURSOR_BLINK", "0")
    monkeypatch.delenv("TEXTUAL", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)


@pytest.fixture
def desk(project: Project, tmp_path: Path) -> Project:
    """Codebook, two documents, a suggestion and a blind batch with ben's coding in it."""
    import_codebook(project, DEFAULT_CODEBOOK, actor="test")
    ingest(
        project, [builders.word_document(tmp_path / "blue.docx"), builders.web_page(tmp_path / "news.html")]
    )
    units = [u["id"] for u in corpus.list_units(project)]
    with project.transaction() as session:
        ids = {c.code_id: c.id for c in session.exec(select(Code))}
        session.add(Suggestion(unit_id=units[0], code_id=ids["EI.BLUE_GROWTH"], model="rules-1", score=0.91))
        session.add(Suggestion(unit_id=units[0], code_id=ids["MT.IOT"], model="rules-1", score=0.55))
        batch = Batch(name="pilot", coders=["anna", "ben"])
        session.add(batch)
        session.flush()
        session.add(BatchUnit(batch_id=batch.id, unit_id=units[1]))
    coding.apply_code(project, units[1], "FC.DRIVER", coder="ben")
    coding.apply_code(project, units[2], "FC.TREND", coder="ben")
    return project
