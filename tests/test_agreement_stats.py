"""The reliability statistics against published worked examples and against reference libraries."""

from __future__ import annotations

import math

import numpy as np
import pytest

from foresight.agreement import stats

nan = np.nan

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section A: binary data,
# two observers, ten units; alpha = 0.095.
BINARY = np.array([[0, 1, 0, 0, 0, 0, 0, 0, 1, 0], [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]]).T

# Ibid., section C: nominal data, four observers, twelve units, missing values;
# alpha = 0.743 (nominal), 0.815 (ordinal), 0.849 (interval), 0.797 (ratio).
FOUR_OBSERVERS = np.array(
    [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, nan, nan, nan],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, nan, 3],
        [nan, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, nan],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, nan],
    ]
).T

# Fleiss (1971), "Measuring nominal scale agreement among many raters", Psychological Bulletin
# 76(5): 30 patients, 6 psychiatrists each, 5 diagnoses (the data as R's irr::diagnoses);
# kappa = 0.430.
DIAGNOSES = np.array(
    [
        [4, 4, 4, 4, 4, 4],
        [2, 2, 2, 5, 5, 5],
        [2, 3, 3, 3, 3, 5],
        [5, 5, 5, 5, 5, 5],
        [2, 2, 2, 4, 4, 4],
        [1, 1, 3, 3, 3, 3],
        [3, 3, 3, 3, 5, 5],
        [1, 1, 3, 3, 3, 4],
        [1, 1, 4, 4, 4, 4],
        [5, 5, 5, 5, 5, 5],
        [1, 4, 4, 4, 4, 4],
        [1, 2, 4, 4, 4, 4],
        [2, 2, 2, 3, 3, 3],
        [1, 4, 4, 4, 4, 4],
        [2, 2, 4, 4, 4, 5],
        [3, 3, 3, 3, 3, 5],
        [1, 1, 1, 4, 5, 5],
        [1, 1, 1, 1, 1, 2],
        [2, 2, 4, 4, 4, 4],
        [1, 3, 3, 5, 5, 5],
        [5, 5, 5, 5, 5, 5],
        [2, 4, 4, 4, 4, 4],
        [2, 2, 4, 5, 5, 5],
        [1, 1, 4, 4, 4, 4],
        [1, 4, 4, 4, 4, 5],
        [2, 2, 2, 2, 2, 4],
        [1, 1, 1, 1, 5, 5],
        [2, 2, 4, 4, 4, 4],
        [1, 3, 3, 3, 3, 3],
        [5, 5, 5, 5, 5, 5],
    ]
)

# The worked example of Wikipedia's "Fleiss' kappa" article: 10 subjects, 14 raters,
# 5 categories, given as counts; kappa = 0.210.
FLEISS_COUNTS = np.array(
    [
        [0, 0, 0, 0, 14],
        [0, 2, 6, 4, 2],
        [0, 0, 3, 5, 6],
        [0, 3, 9, 2, 0],
        [2, 2, 8, 1, 1],
        [7, 7, 0, 0, 0],
        [3, 2, 6, 3, 0],
        [2, 5, 3, 2, 2],
        [6, 5, 2, 1, 0],
        [0, 2, 2, 3, 7],
    ]
)


def cohen_textbook() -> np.ndarray:
    """50 proposals read by two readers: yes/yes 20, yes/no 5, no/yes 10, no/no 15; kappa = 0.4.

    (The worked example of Wikipedia's "Cohen's kappa" article: p_o = 0.7, p_e = 0.5.)
    """
    pairs = [(1, 1)] * 20 + [(1, 0)] * 5 + [(0, 1)] * 10 + [(0, 0)] * 15
    return np.array(pairs, dtype=float)


def test_krippendorff_binary_example() -> None:
    assert round(stats.krippendorff_alpha(BINARY), 3) == 0.095


@pytest.mark.parametrize(
    ("level", "alpha"), [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849), ("ratio", 0.797)]
)
def test_krippendorff_four_observers_with_missing_values(level: str, alpha: float) -> None:
    assert round(stats.krippendorff_alpha(FOUR_OBSERVERS, level), 3) == alpha  # type: ignore[arg-type]


def test_fleiss_1971_diagnoses() -> None:
    assert round(stats.fleiss_kappa(DIAGNOSES), 3) == 0.430


def test_fleiss_from_counts_wikipedia_example() -> None:
    assert round(stats.fleiss_kappa_from_counts(FLEISS_COUNTS), 3) == 0.210


def test_cohen_textbook_example() -> None:
    data = cohen_textbook()
    assert round(stats.cohen_kappa(data), 3) == 0.4
    assert stats.percent_agreement(data) == 0.7


def test_binary_versions_agree_with_the_general_ones() -> None:
    data = cohen_textbook()
    present = data.sum(axis=1, keepdims=True)
    judged = np.full(len(data), 2)
    assert stats.binary_alpha(present, judged)[0] == pytest.approx(stats.krippendorff_alpha(data))
    assert stats.binary_cohen(data[:, :1], data[:, 1:])[0] == pytest.approx(0.4)
    assert stats.binary_fleiss(present, 2)[0] == pytest.approx(stats.fleiss_kappa(data))
    assert stats.binary_agreement(present, 2)[0] == 0.7


def random_binary(rng: np.random.Generator, units: int, coders: int, missing: float) -> np.ndarray:
    truth = rng.random(units) < 0.3
    noise = rng.random((units, coders)) < 0.15
    data = (truth[:, None] ^ noise).astype(float)
    data[rng.random((units, coders)) < missing] = nan
    return data


@pytest.mark.parametrize("seed", range(5))
def test_alpha_matches_the_krippendorff_package(seed: int) -> None:
    krippendorff = pytest.importorskip(
        "krippendorff", reason="pip install -e '.[dev]' brings the reference implementation"
    )
    rng = np.random.default_rng(seed)
    nominal = rng.integers(1, 6, size=(60, 4)).astype(float)
    nominal[rng.random(nominal.shape) < 0.2] = nan
    for level in stats.LEVELS:
        expected = krippendorff.alpha(reliability_data=nominal.T, level_of_measurement=level)
        assert stats.krippendorff_alpha(nominal, level) == pytest.approx(expected)  # type: ignore[arg-type]
    binary = random_binary(rng, 200, 3, missing=0.2)
    expected = krippendorff.alpha(reliability_data=binary.T, level_of_measurement="nominal")
    assert stats.krippendorff_alpha(binary) == pytest.approx(expected)
    present = np.nan_to_num(binary).sum(axis=1, keepdims=True)
    judged = (~np.isnan(binary)).sum(axis=1)
    assert stats.binary_alpha(present, judged)[0] == pytest.approx(expected)


@pytest.mark.parametrize("seed", range(5))
def test_cohen_matches_scikit_learn(seed: int) -> None:
    from sklearn.metrics import cohen_kappa_score

    rng = np.random.default_rng(seed)
    data = rng.integers(0, 4, size=(150, 2)).astype(float)
    agreed = rng.random(150) < 0.5  # some units agreed on
    data[agreed, 1] = data[agreed, 0]
    assert stats.cohen_kappa(data) == pytest.approx(cohen_kappa_score(data[:, 0], data[:, 1]))
    binary = random_binary(rng, 300, 2, missing=0.0).astype(bool)
    expected = cohen_kappa_score(binary[:, 0], binary[:, 1])
    assert stats.binary_cohen(binary[:, :1], binary[:, 1:])[0] == pytest.approx(expected)


@pytest.mark.parametrize("seed", range(5))
def test_fleiss_matches_statsmodels(seed: int) -> None:
    inter_rater = pytest.importorskip(
        "statsmodels.stats.inter_rater", reason="pip install -e '.[dev]' brings the reference implementation"
    )
    rng = np.random.default_rng(seed)
    data = rng.integers(0, 3, size=(80, 5))
    agreed = rng.random(80) < 0.6  # some units agreed on
    data[agreed] = data[agreed, :1]
    table, _ = inter_rater.aggregate_raters(data)
    assert stats.fleiss_kappa(data) == pytest.approx(inter_rater.fleiss_kappa(table))
    binary = random_binary(rng, 300, 3, missing=0.0)
    table, _ = inter_rater.aggregate_raters(binary.astype(int))
    assert stats.binary_fleiss(binary.sum(axis=1, keepdims=True), 3)[0] == pytest.approx(
        inter_rater.fleiss_kappa(table)
    )


def test_edge_cases_are_undefined_not_errors() -> None:
    one_coder = np.array([[1.0], [0.0], [1.0]])
    assert math.isnan(stats.krippendorff_alpha(one_coder))
    assert math.isnan(stats.cohen_kappa(one_coder))
    assert math.isnan(stats.fleiss_kappa(one_coder))
    assert math.isnan(stats.percent_agreement(one_coder))
    all_absent = np.zeros((10, 3))  # a code nobody used: no variation
    assert math.isnan(stats.krippendorff_alpha(all_absent))
    assert math.isnan(stats.fleiss_kappa(all_absent))
    assert math.isnan(stats.cohen_kappa(all_absent[:, :2]))
    assert stats.percent_agreement(all_absent) == 1.0
    assert math.isnan(stats.binary_alpha(np.zeros((10, 1)), np.full(10, 3))[0])
    assert math.isnan(stats.binary_cohen(np.zeros((10, 1), bool), np.zeros((10, 1), bool))[0])
    assert math.isnan(stats.binary_fleiss(np.zeros((10, 1)), 3)[0])
    single_unit = np.array([[1.0, 0.0]])  # one unit, the coders differ: alpha 0, kappa 0
    assert stats.krippendorff_alpha(single_unit) == 0.0
    assert stats.cohen_kappa(single_unit) == 0.0
    assert math.isnan(stats.krippendorff_alpha(np.array([[1.0, 1.0]])))  # one unit, agreed
    assert math.isnan(stats.krippendorff_alpha(np.full((4, 2), nan)))  # nothing coded
    assert math.isnan(stats.krippendorff_alpha(np.array([[1.0, nan], [nan, 0.0]])))  # nothing pairable
    assert math.isnan(stats.krippendorff_alpha(np.empty((0, 2))))


def test_bad_shapes_and_levels_are_named() -> None:
    with pytest.raises(ValueError, match="Cohen's kappa compares two coders; got 3"):
        stats.cohen_kappa(np.zeros((4, 3)))
    with pytest.raises(ValueError, match="level 'circular' is not one of nominal, ordinal, interval, ratio"):
        stats.krippendorff_alpha(BINARY, "circular")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="units x coders matrix; got 1 dimension"):
        stats.krippendorff_alpha([1, 2, 3])
