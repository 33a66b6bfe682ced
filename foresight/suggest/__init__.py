"""ML-assisted coding: keyword rules, a classifier trained on the coders' work, active learning."""

from foresight.suggest.evaluate import evaluate
from foresight.suggest.service import decision_rates, latest_model, next_units, run, train

__all__ = ["decision_rates", "evaluate", "latest_model", "next_units", "run", "train"]
