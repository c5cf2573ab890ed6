"""Calibrated thresholds of the metric checks, read from ``autograder/thresholds.json``.

The file is written by ``python -m autograder.calibrate``: it trains each reference solution under
several seeds and records, per check, whether higher is better, the observed values, their minimum
and maximum, the margin, the threshold, and the values of trivial baselines, which must fail it.
"""

from __future__ import annotations

import json
from pathlib import Path

THRESHOLDS_FILE = Path(__file__).with_name("thresholds.json")

# Set by the judge's --record option during calibration (never from a notebook): called with
# (assignment, check, value) instead of judging.
recorder = None


def threshold(assignment: str, check: str) -> dict:
    """The calibrated entry of one check: threshold, higher_is_better, observed values, baselines."""
    try:
        return json.loads(THRESHOLDS_FILE.read_text())["checks"][assignment][check]
    except (OSError, KeyError):
        raise AssertionError(
            f"No calibrated threshold for {assignment}/{check}: run python -m autograder.calibrate {assignment}."
        ) from None


def judge_metric(assignment: str, check: str, value: float, what: str) -> None:
    """Assert that ``value`` (described by ``what``, e.g. 'the test accuracy of model_bn') passes its
    calibrated threshold, in the direction the calibration file records."""
    if recorder is not None:
        recorder(assignment, check, float(value))
        return
    entry = threshold(assignment, check)
    limit = entry["threshold"]
    if entry["higher_is_better"]:
        assert value >= limit, f"{what} is {value:.4f}; it should be at least {limit:.4f}."
    else:
        assert value <= limit, f"{what} is {value:.4f}; it should be at most {limit:.4f}."
