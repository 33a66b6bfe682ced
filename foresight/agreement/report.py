"""The agreement report: per code and overall reliability, verdicts, and the codes most confused.

Statistics other than alpha are computed over the units every named coder finished. Alpha is
Krippendorff's and takes missing data as he does: it uses every unit at least two of the named
coders finished, a coder who has not finished a unit being missing there, not "absent".
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from itertools import combinations
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import select

from foresight.agreement import stats
from foresight.agreement.data import Decisions, check_coders, default_coders, load_decisions
from foresight.agreement.group import GroupAgreement, exclusive_group, group_agreement
from foresight.config import AgreementSettings
from foresight.project import Project
from foresight.store.schema import Adjudication

VERDICTS = ("reliable", "tentative", "not reliable", "undefined")


def _value(x: float) -> float | None:
    """A statistic for people and JSON: None where it is undefined."""
    return None if x is None or math.isnan(x) else float(x)


def verdict(alpha: float | None, thresholds: AgreementSettings) -> str:
    """Reliable from ``thresholds.reliable`` up, tentative from ``thresholds.tentative`` up."""
    return thresholds.verdict(alpha)


@dataclass
class CodeAgreement:
    code: str
    name: str
    group: str
    applied: dict[str, int]  # coder -> units (every coder finished) the coder applied it to
    agreement: float | None  # share of those units on which the coders agree
    alpha: float | None
    cohen_kappa: float | None  # two coders
    fleiss_kappa: float | None  # three coders or more
    verdict: str
    note: str | None = None  # why a statistic is undefined


@dataclass
class Confusion:
    code_a: str
    code_b: str
    count: int  # units on which one coder used code_a and another code_b instead


@dataclass
class Overall:
    alpha: float | None  # over every (unit, code) decision
    verdict: str
    mean_alpha: float | None  # over the codes where alpha is defined
    worst: list[dict[str, Any]]
    note: str | None = None


@dataclass
class AgreementReport:
    coders: list[str]
    units: int  # units every named coder finished
    alpha_units: int  # units at least two named coders finished (alpha's data)
    disagreements: int  # of the units, those on which the coders' codes differ
    adjudicated: int  # of those, the ones with an agreed coding
    thresholds: AgreementSettings
    codes: list[CodeAgreement]
    overall: Overall
    confusion: list[Confusion] = field(default_factory=list)
    group: GroupAgreement | None = None  # an exclusive group as one variable, when asked for

    def as_json(self) -> dict[str, Any]:
        """The documented JSON shape: undefined statistics are null with a note, never NaN."""
        return asdict(self)

    def codes_frame(self):  # type: ignore[no-untyped-def]
        """Per code, as a pandas DataFrame: id, name, group, each coder's count (``applied_NAME``),
        agreement, alpha, kappas, verdict and why a statistic is undefined (``note``)."""
        import pandas as pd

        columns = ["code", "name", "group", *[f"applied_{c}" for c in self.coders]]
        columns += ["agreement", "alpha", "cohen_kappa", "fleiss_kappa", "verdict", "note"]
        rows = []
        for c in self.codes:
            row = {k: v for k, v in asdict(c).items() if k != "applied"}
            row.update({f"applied_{coder}": n for coder, n in c.applied.items()})
            rows.append(row)
        return pd.DataFrame(rows, columns=columns)

    def write_csv(self, path: Path) -> None:
        """The per-code table of :meth:`codes_frame` as CSV."""
        from foresight.interop.sheets import write_csv_tables

        write_csv_tables({"codes": self.codes_frame()}, path)


def _note(units: int, pairable: int, n_0: float, n_1: float, kappa_defined: bool = True) -> str | None:
    """Why a statistic of a code is undefined (null); None when every one that applies is defined."""
    if pairable == 0:
        return "no unit finished by two of the coders"
    if n_1 == 0:
        return "no variation: no coder applied it to any unit"
    if n_0 == 0:
        return "no variation: every coder applied it to every unit"
    if units == 0:
        return "no unit finished by every coder: only alpha is defined"
    if not kappa_defined:
        return "no variation on the units every coder finished: kappa is undefined"
    return None


def confusion(decisions: Decisions, top: int = 10) -> list[Confusion]:
    """Code pairs most often confused: on a unit both coders finished, one used A, the other B only."""
    from scipy import sparse  # only here: the command line starts faster without it

    k = len(decisions.codes)
    total = np.zeros((k, k), dtype=np.float64)
    for i, j in combinations(range(len(decisions.coders)), 2):
        rows = decisions.finished[:, i] & decisions.finished[:, j]
        a = decisions.present[rows, i, :]
        b = decisions.present[rows, j, :]
        only_a, only_b = a & ~b, b & ~a
        both = only_a.any(axis=1) & only_b.any(axis=1)  # only these units can add to a pair
        left = sparse.csr_matrix(only_a[both], dtype=np.float64)
        both_ways = (left.T @ sparse.csr_matrix(only_b[both], dtype=np.float64)).toarray()
        total += both_ways + both_ways.T
    upper = np.triu(total, k=1)
    pairs = np.argwhere(upper > 0)
    order = sorted(pairs.tolist(), key=lambda p: (-upper[p[0], p[1]], p[0], p[1]))[:top]
    return [
        Confusion(decisions.codes[a].code, decisions.codes[b].code, int(round(upper[a, b]))) for a, b in order
    ]


def compute_report(
    decisions: Decisions,
    thresholds: AgreementSettings | None = None,
    *,
    adjudicated: set[int] | None = None,
    worst: int = 5,
    confused: int = 10,
) -> AgreementReport:
    """The report over decisions already loaded (see :func:`agreement_report`)."""
    thresholds = thresholds or AgreementSettings()
    coders = decisions.coders
    n = len(coders)
    judged = decisions.finished.sum(axis=1)
    present = decisions.present.sum(axis=1, dtype=np.int8)  # units x codes: coders who applied it
    o_01, n_0, n_1 = stats.binary_alpha_parts(present, judged)
    alphas = stats.binary_alpha_from_parts(o_01, n_0, n_1)
    complete = decisions.complete
    full = present[complete]
    units = int(complete.sum())
    pairable = int((judged >= 2).sum())
    agreement = stats.binary_agreement(full, n)
    cohen = (
        stats.binary_cohen(decisions.present[complete, 0, :], decisions.present[complete, 1, :])
        if n == 2
        else np.full(len(decisions.codes), np.nan)
    )
    fleiss = stats.binary_fleiss(full, n) if n >= 3 else np.full(len(decisions.codes), np.nan)
    applied = decisions.present[complete].sum(axis=0)  # coders x codes
    codes = []
    for index, info in enumerate(decisions.codes):
        alpha = _value(alphas[index])
        codes.append(
            CodeAgreement(
                code=info.code,
                name=info.name,
                group=info.group,
                applied={coder: int(applied[c, index]) for c, coder in enumerate(coders)},
                agreement=_value(agreement[index]),
                alpha=alpha,
                cohen_kappa=_value(cohen[index]),
                fleiss_kappa=_value(fleiss[index]),
                verdict=verdict(alpha, thresholds),
                note=_note(
                    units,
                    pairable,
                    n_0[index],
                    n_1[index],
                    not math.isnan((cohen if n == 2 else fleiss)[index]),
                ),
            )
        )
    overall_alpha = _value(float(stats.binary_alpha_from_parts(o_01.sum(), n_0.sum(), n_1.sum())))
    defined = sorted((c for c in codes if c.alpha is not None), key=lambda c: (c.alpha, c.code))
    differing = ((full > 0) & (full < n)).any(axis=1) if len(decisions.codes) else np.zeros(units, bool)
    differing_ids = set(decisions.unit_ids[complete][differing].tolist())
    return AgreementReport(
        coders=list(coders),
        units=units,
        alpha_units=pairable,
        disagreements=len(differing_ids),
        adjudicated=len(differing_ids & (adjudicated or set())),
        thresholds=thresholds,
        codes=codes,
        overall=Overall(
            alpha=overall_alpha,
            verdict=verdict(overall_alpha, thresholds),
            mean_alpha=float(np.mean([c.alpha for c in defined])) if defined else None,
            worst=[{"code": c.code, "name": c.name, "alpha": c.alpha} for c in defined[:worst]],
            note=None if overall_alpha is not None else _note(units, pairable, n_0.sum(), n_1.sum()),
        ),
        confusion=confusion(decisions, confused),
    )


def agreement_report(
    project: Project,
    *,
    coders: list[str] | None = None,
    group: str | None = None,
    exclusive: str | None = None,
    thresholds: AgreementSettings | None = None,
    worst: int = 5,
    confused: int = 10,
) -> AgreementReport:
    """Reliability of ``coders`` (default: the newest batch's) per code of the active codebook.

    ``group`` keeps the codes of one code group; ``exclusive`` names an exclusive code group whose
    reliability as one nominal variable the report adds (see :mod:`foresight.agreement.group`);
    ``thresholds`` default to the project's ``[agreement]`` settings.
    """
    thresholds = thresholds or project.config.agreement
    with project.session() as session:
        names = check_coders(coders) if coders is not None else default_coders(session)
        variable = exclusive_group(session, exclusive) if exclusive is not None else None
        decisions = load_decisions(session, names, group)
        own = None
        if exclusive is not None:
            own = decisions if exclusive == group else load_decisions(session, names, exclusive)
        adjudicated = set(session.execute(select(Adjudication.unit_id)).scalars())
    report = compute_report(
        decisions,
        thresholds,
        adjudicated=adjudicated,
        worst=worst,
        confused=confused,
    )
    if variable is not None and own is not None:
        report.group = group_agreement(own, variable, thresholds)
    return report
