"""Suggestion quality and speed on a labelled multi-label paragraph set.

The set is made from the shipped codebook (``foresight.suggest.synthetic``: paragraphs about one
to three codes that use the codes' vocabulary and only sometimes their keywords). Measures:

- a learning curve: micro-F1 of the rules, the classifier and their combination on 1,000
  held-out units, after training on 200, 500 and 1,000 coded units (the classifier should beat
  the rules once a few hundred units are coded);
- the time to score ``--units`` texts (default 100,000) in memory with rules and classifier, and
  end to end on a SQLite project holding them: ``suggest.train`` on 1,000 coded units, then
  ``suggest.run``, which reads the units and stores the suggestions (aim: under 60 s together
  on a 2-core machine).

Usage::

    python benchmarks/bench_suggest.py [--units 100000] [--json]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from report import Result, report
from sqlalchemy import insert, select

from foresight import suggest
from foresight.codebook import import_codebook
from foresight.codebook.yamlio import read_yaml
from foresight.project import Project
from foresight.resources import DEFAULT_CODEBOOK
from foresight.store import Code, Coding, Source, Unit
from foresight.suggest import synthetic
from foresight.suggest.classifier import CodeClassifier
from foresight.suggest.evaluate import Predictions, scores
from foresight.suggest.rules import KeywordRules
from foresight.suggest.service import combine, score_texts

SPEED_TARGET_S = 60.0
CURVE = (200, 500, 1000)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--units", type=int, default=100_000)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    spec, _ = read_yaml(DEFAULT_CODEBOOK)
    texts, labels = synthetic.paragraphs(spec, max(CURVE) + 1000, seed=1)
    test_texts, test_labels = texts[max(CURVE) :], labels[max(CURVE) :]
    rules = KeywordRules({c.id: c.keywords for c in spec.codes})
    rule_scores = rules.scores(test_texts)
    results: list[Result] = []
    for n in CURVE:
        model = CodeClassifier().fit(texts[:n], labels[:n])
        proba = model.predict_proba(test_texts)
        combined = combine(rule_scores, proba, list(model.codes_))
        predicted = {
            "rules": [{c for c, s in r.items() if s >= 0.5} for r in rule_scores],
            "classifier": [{model.codes_[j] for j in np.flatnonzero(row >= 0.5)} for row in proba],
            "combined": [{c for c, (s, _) in r.items() if s >= 0.5} for r in combined],
        }
        report_ = scores(Predictions(test_labels, predicted))
        work = f"trained on {n}, tested on {len(test_texts)} units"
        f1 = {m: e["micro"]["f1"] for m, e in report_["methods"].items()}
        for method in ("rules", "classifier", "combined"):
            target, met = (None, None)
            if method == "classifier" and n >= 500:
                target, met = "> rules", f1["classifier"] > f1["rules"]
            results.append(Result(f"micro-F1 {method} @ {n}", work, f1[method], "", target, met))
    many, many_labels = synthetic.paragraphs(spec, args.units, seed=2)
    start = time.perf_counter()
    scored = score_texts(many, {c.id: c.keywords for c in spec.codes}, model)
    scoring = time.perf_counter() - start
    assert len(scored) == args.units
    results.append(Result("score texts in memory", f"{args.units:,} units", scoring, "s"))
    with tempfile.TemporaryDirectory() as folder:
        project = build_project(Path(folder), many, many_labels, coded=1000)
        start = time.perf_counter()
        suggest.train(project, actor="bench")
        trained = time.perf_counter() - start
        start = time.perf_counter()
        made = suggest.run(project, threshold=0.5)
        suggested = time.perf_counter() - start
        project.close()
    work = f"{args.units:,} units in SQLite"
    results += [
        Result("train (store)", "1,000 coded units", trained, "s"),
        Result("suggest run (store)", f"{work}, {len(made.suggestions):,} stored", suggested, "s"),
        Result(
            "train + suggest (store)",
            work,
            trained + suggested,
            "s",
            f"< {SPEED_TARGET_S:g}",
            trained + suggested < SPEED_TARGET_S,
        ),
    ]
    return report(results, "foresight suggestion benchmark", as_json=args.json)


def build_project(folder: Path, texts: list[str], labels: list[set[str]], *, coded: int) -> Project:
    """A SQLite project holding ``texts`` as units of 100-unit sources, the first ``coded`` coded."""
    project = Project.init(folder / "bench")
    import_codebook(project, DEFAULT_CODEBOOK, actor="bench")
    with project.transaction() as session:
        for first in range(0, len(texts), 100):
            source = Source(
                title=f"source {first // 100}",
                path=f"/bench/{first // 100}.txt",
                sha256=f"{first:064d}",
                file_sha256=f"{first:064d}",
                format="txt",
            )
            session.add(source)
            session.flush()
            session.execute(
                insert(Unit),
                [
                    {
                        "source_id": source.id,
                        "ordinal": i,
                        "text": t,
                        "start": 0,
                        "end": len(t),
                        "attributes": {},
                    }
                    for i, t in enumerate(texts[first : first + 100], start=1)
                ],
            )
        ids = list(session.execute(select(Unit.id).order_by(Unit.id)).scalars())
        codes = {c.code_id: c.id for c in session.execute(select(Code)).scalars()}
        session.execute(
            insert(Coding),
            [
                {"unit_id": u, "code_id": codes[c], "coder": "anna", "origin": "manual"}
                for u, found in zip(ids[:coded], labels[:coded], strict=True)
                for c in found
            ],
        )
    return project


if __name__ == "__main__":
    sys.exit(main())
