"""Inter-coder agreement: reliability statistics, double-coding batches, reports, adjudication.

- :mod:`~foresight.agreement.stats`: the statistics on a units x coders matrix (NaN = missing);
- :mod:`~foresight.agreement.batches`: draw a double-coding batch;
- :mod:`~foresight.agreement.report`: per code and overall reliability from the store;
- :mod:`~foresight.agreement.group`: an exclusive code group's reliability as one variable;
- :mod:`~foresight.agreement.adjudication`: disagreements and the agreed coding.
"""

from foresight.agreement.adjudication import (
    Agreed,
    UnitCodings,
    adjudicate,
    can_adjudicate,
    disagreements_frame,
    disputed_units,
    list_disagreements,
    unit_codings,
)
from foresight.agreement.batches import STRATA, BatchDraw, assign_batch, list_batches
from foresight.agreement.data import Decisions, load_decisions
from foresight.agreement.group import NONE, GroupAgreement, GroupConfusion, group_agreement
from foresight.agreement.report import AgreementReport, CodeAgreement, agreement_report, compute_report
from foresight.agreement.stats import (
    cohen_kappa,
    fleiss_kappa,
    fleiss_kappa_from_counts,
    krippendorff_alpha,
    percent_agreement,
)

__all__ = [
    "NONE",
    "STRATA",
    "AgreementReport",
    "Agreed",
    "BatchDraw",
    "CodeAgreement",
    "Decisions",
    "GroupAgreement",
    "GroupConfusion",
    "UnitCodings",
    "adjudicate",
    "agreement_report",
    "assign_batch",
    "can_adjudicate",
    "cohen_kappa",
    "compute_report",
    "disagreements_frame",
    "disputed_units",
    "fleiss_kappa",
    "fleiss_kappa_from_counts",
    "group_agreement",
    "krippendorff_alpha",
    "list_batches",
    "list_disagreements",
    "load_decisions",
    "percent_agreement",
    "unit_codings",
]
