"""Comparing settings, the rules the book uses. Over several seeds: a difference between two settings
counts only when it is larger than the spread between seeds of either one; otherwise it is a tie.
One run per setting: a difference of two accuracies counts only when it is larger than
``accuracy_margin``."""

from __future__ import annotations

import numpy as np

SEEDS = (0, 1, 2)  # the seeds every comparison in the book runs (at least three)


def spread(values) -> float:
    """Largest minus smallest of one setting's results over the seeds."""
    values = np.asarray(values, dtype=float)
    return float(values.max() - values.min())


def verdict(a, b, higher_is_better: bool = True) -> str:
    """``"a"``, ``"b"`` or ``"tie"``: which setting is better over the seeds, by the mean, when the
    gap between the means exceeds the spread of both; ``"tie"`` when it does not."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if len(a) < 2 or len(b) < 2:
        raise ValueError("a comparison needs at least two seeds per setting")
    gap = a.mean() - b.mean()
    if abs(gap) <= max(spread(a), spread(b)):
        return "tie"
    return "a" if (gap > 0) == higher_is_better else "b"


def accuracy_margin(a: float, b: float, n: int) -> float:
    """Twice the standard error of the difference of two accuracies ``a`` and ``b``, each measured
    once on ``n`` examples (binomial): the margin below which one run per setting calls a tie."""
    return 2 * float(np.sqrt((a * (1 - a) + b * (1 - b)) / n))
