"""Calibrated thresholds of the metric checks, read from ``autograder/thresholds.json``.

The file is written by ``python -m autograder.calibrate``: it trains each reference solution under
several seeds and records, per check, the observed values, their minimum and maximum, the margin and
the threshold. A hidden test calls :func:`check_metric`; during calibration (``$BNCOURSE_CALIBRATION_LOG``
set) the call records the value instead of judging it.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

THRESHOLDS_FILE = Path(__file__).with_name("thresholds.json")
CALIBRATION_LOG_ENV = "BNCOURSE_CALIBRATION_LOG"


def threshold(assignment: str, check: str) -> dict:
    """The calibrated entry of one check: threshold, direction ('min': higher is better), observed values."""
    try:
        return json.loads(THRESHOLDS_FILE.read_text())["checks"][assignment][check]
    except (OSError, KeyError):
        raise AssertionError(
            f"No calibrated threshold for {assignment}/{check}: run python -m autograder.calibrate {assignment}."
        ) from None


def check_metric(assignment: str, check: str, value: float, what: str, higher_is_better: bool) -> None:
    """Assert that ``value`` (described by ``what``, e.g. 'the test accuracy of model_bn') passes its threshold."""
    log = os.environ.get(CALIBRATION_LOG_ENV)
    if log:
        record = {"assignment": assignment, "check": check, "value": float(value),
                  "direction": "min" if higher_is_better else "max"}
        with open(log, "a") as handle:
            handle.write(json.dumps(record) + "\n")
        return
    limit = threshold(assignment, check)["threshold"]
    if higher_is_better:
        assert value >= limit, f"{what} is {value:.4f}; it should be at least {limit:.4f}."
    else:
        assert value <= limit, f"{what} is {value:.4f}; it should be at most {limit:.4f}."
