"""Inter-coder agreement: reliability statistics, double-coding batches, reports, adjudication."""

from foresight.agreement.stats import (
    cohen_kappa,
    fleiss_kappa,
    fleiss_kappa_from_counts,
    krippendorff_alpha,
    percent_agreement,
)

__all__ = [
    "cohen_kappa",
    "fleiss_kappa",
    "fleiss_kappa_from_counts",
    "krippendorff_alpha",
    "percent_agreement",
]
