"""The book's rules for comparing two settings: over seeds, and one run each."""

import pytest

from bncourse.compare import accuracy_margin, spread, verdict


def test_a_gap_larger_than_both_spreads_names_the_better_setting():
    assert verdict([0.90, 0.91, 0.92], [0.80, 0.81, 0.82]) == "a"
    assert verdict([0.80, 0.81, 0.82], [0.90, 0.91, 0.92]) == "b"


def test_lower_is_better_for_losses():
    assert verdict([0.2, 0.21, 0.22], [0.5, 0.52, 0.51], higher_is_better=False) == "a"


def test_a_gap_within_either_spread_is_a_tie():
    assert verdict([0.80, 0.85, 0.90], [0.88, 0.89, 0.90]) == "tie"
    assert verdict([0.88, 0.89, 0.90], [0.80, 0.85, 0.90]) == "tie"


def test_one_seed_is_not_a_comparison():
    with pytest.raises(ValueError):
        verdict([0.9], [0.8])


def test_spread_is_the_range():
    assert spread([3, 1, 2]) == 2


def test_the_margin_of_one_run_each_is_twice_the_standard_error_of_the_difference():
    assert accuracy_margin(0.5, 0.5, 100) == pytest.approx(2 * (0.5 / 100) ** 0.5)
    assert accuracy_margin(0.9, 0.7, 1000) == pytest.approx(2 * ((0.09 + 0.21) / 1000) ** 0.5)
    assert accuracy_margin(0.5, 0.5, 10_000) < accuracy_margin(0.5, 0.5, 100)  # more examples, less noise
