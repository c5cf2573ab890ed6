"""Calibrate the metric thresholds: run each reference solution under several seeds, record the range.

    python -m autograder.calibrate lenet_bn shuffle --seeds 0 1 2 3 4 42

For every assignment named (default: all), the source notebook (the reference solution) is executed
once per seed with ``$BNCOURSE_SEED`` set, so ``set_seed()`` seeds it differently, and with
``$BNCOURSE_CALIBRATION_LOG`` set, so every ``check_metric`` call records its value instead of judging
it. Per check the file ``autograder/thresholds.json`` then holds the observed values, minimum and
maximum, the margin and the threshold (see ``RULE``), plus the library versions.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import tempfile
from importlib.metadata import version
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from autograder.thresholds import CALIBRATION_LOG_ENV, THRESHOLDS_FILE
from bncourse.seeding import SEED_ENV

SOURCE = Path(__file__).with_name("source")
RELATIVE_MARGIN = 0.05
RULE = ("threshold = min_observed - margin when higher is better, max_observed + margin otherwise; "
        "margin = max(max_observed - min_observed, 5% of that bound)")
LIBRARIES = ("tensorflow", "keras", "numpy", "scikit-learn", "nbgrader")


def run_solution(assignment: str, seed: int) -> list[dict]:
    """Execute an assignment's source notebooks under ``seed``; return the recorded metric values."""
    with tempfile.TemporaryDirectory(prefix=f"calibrate-{assignment}-") as folder:
        work = Path(folder) / assignment
        shutil.copytree(SOURCE / assignment, work)
        log = Path(folder) / "values.jsonl"
        saved = {key: os.environ.get(key) for key in (SEED_ENV, CALIBRATION_LOG_ENV)}
        os.environ.update({SEED_ENV: str(seed), CALIBRATION_LOG_ENV: str(log)})
        try:
            for path in sorted(work.glob("*.ipynb")):
                notebook = nbformat.read(path, as_version=4)
                NotebookClient(notebook, timeout=600, resources={"metadata": {"path": str(work)}}).execute()
        finally:
            for key, value in saved.items():
                os.environ.pop(key) if value is None else os.environ.__setitem__(key, value)
        return [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []


def summarise(records: list[dict], seeds: list[int]) -> dict:
    """Per check: values by seed, range, margin and threshold."""
    checks = {}
    for record in records:
        entry = checks.setdefault(record["check"], {"direction": record["direction"], "values": []})
        entry["values"].append(record["value"])
    for entry in checks.values():
        low, high = min(entry["values"]), max(entry["values"])
        bound = low if entry["direction"] == "min" else high
        margin = max(high - low, RELATIVE_MARGIN * abs(bound))
        entry.update(
            seeds=seeds, min_observed=low, max_observed=high, margin=margin,
            threshold=low - margin if entry["direction"] == "min" else high + margin,
        )
    return checks


def main(argv=None) -> None:
    """Calibrate the named assignments and merge their thresholds into thresholds.json."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("assignments", nargs="*", default=sorted(p.name for p in SOURCE.iterdir() if p.is_dir()))
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2, 3, 4, 42])
    args = parser.parse_args(argv)
    calibrated = {}
    for assignment in args.assignments:
        records = [record for seed in args.seeds for record in run_solution(assignment, seed)]
        if records:
            calibrated[assignment] = summarise(records, args.seeds)
            print(assignment, json.dumps(calibrated[assignment], indent=1))
    # read the file only now, so a calibration of other assignments that ran meanwhile is kept
    table = json.loads(THRESHOLDS_FILE.read_text()) if THRESHOLDS_FILE.exists() else {"checks": {}}
    table["checks"].update(calibrated)
    table["rule"] = RULE
    table["versions"] = {name: version(name) for name in LIBRARIES}
    THRESHOLDS_FILE.write_text(json.dumps(table, indent=1, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
