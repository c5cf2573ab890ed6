"""Calibrate the metric thresholds: run each reference solution under several seeds, record the range.

    python -m autograder.calibrate lenet_bn shuffle --seeds 0 1 2 3 4 42

For every assignment named (default: those with metric checks), the source notebook (the reference
solution) goes through the grading preprocessor once per seed with ``$BNCOURSE_SEED`` set, so
``set_seed()`` seeds it (and the judge's replays) differently; the judge is told by its own command
line to record each metric value instead of judging it. The values of the assignment's trivial
baselines are recorded too: every threshold must fail them. Per check the file ``autograder/thresholds.json`` then holds whether higher is better, the observed
values, minimum and maximum, the margin and the threshold (see ``RULE``), the baselines, plus the
library versions.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import shutil
import tempfile
from importlib.metadata import version
from pathlib import Path

import nbformat

from autograder.thresholds import THRESHOLDS_FILE
from bncourse.seeding import SEED_ENV, set_seed

SOURCE = Path(__file__).with_name("source")
RELATIVE_MARGIN = 0.05
RULE = ("threshold = min_observed - margin when higher is better, max_observed + margin otherwise; "
        "margin = max(max_observed - min_observed, 5% of that bound); every baseline must fail it")
LIBRARIES = ("tensorflow", "keras", "numpy", "scikit-learn", "nbgrader")


def run_judged(assignment: str, seed: int) -> list[dict]:
    """Grade an assignment's source notebook under ``seed`` as autograde does; return the recorded values."""
    from autograder.grading import JudgedExecute

    with tempfile.TemporaryDirectory(prefix=f"calibrate-{assignment}-") as folder:
        work = Path(folder) / assignment
        shutil.copytree(SOURCE / assignment, work)
        records = Path(folder) / "records"
        records.mkdir()
        log = records / "values.jsonl"
        saved = os.environ.get(SEED_ENV)
        os.environ[SEED_ENV] = str(seed)
        try:
            for path in sorted(work.glob("*.ipynb")):
                executor = JudgedExecute(timeout=600, record=str(log),
                                         extra_arguments=["--HistoryManager.hist_file=:memory:"])
                executor.preprocess(nbformat.read(path, as_version=4),
                                    {"metadata": {"path": str(work)}, "nbgrader": {"assignment": assignment}})
        finally:
            os.environ.pop(SEED_ENV) if saved is None else os.environ.__setitem__(SEED_ENV, saved)
        return [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []


def summarise(records: list[dict], seeds: list[int], higher_is_better: dict) -> dict:
    """Per check: values by seed, range, margin and threshold; ``higher_is_better`` (check -> bool)
    comes from the assignment's module."""
    checks = {}
    for record in records:
        higher = higher_is_better[record["check"]]
        entry = checks.setdefault(record["check"], {"higher_is_better": higher, "values": []})
        entry["values"].append(record["value"])
    for entry in checks.values():
        low, high = min(entry["values"]), max(entry["values"])
        bound = low if entry["higher_is_better"] else high
        margin = max(high - low, RELATIVE_MARGIN * abs(bound))
        entry.update(
            seeds=seeds, min_observed=low, max_observed=high, margin=margin,
            threshold=low - margin if entry["higher_is_better"] else high + margin,
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
        module = importlib.import_module(f"autograder.assignments.{assignment}")
        if not getattr(module, "HIGHER_IS_BETTER", None):
            continue
        records = [record for seed in args.seeds for record in run_judged(assignment, seed)]
        calibrated[assignment] = summarise(records, args.seeds, module.HIGHER_IS_BETTER)
        set_seed()
        for check, values in module.baselines().items():
            calibrated[assignment][check]["baselines"] = values
        print(assignment, json.dumps(calibrated[assignment], indent=1))
    # read the file only now, so a calibration of other assignments that ran meanwhile is kept
    table = json.loads(THRESHOLDS_FILE.read_text()) if THRESHOLDS_FILE.exists() else {"checks": {}}
    table["checks"].update(calibrated)
    table["rule"] = RULE
    table["versions"] = {name: version(name) for name in LIBRARIES}
    THRESHOLDS_FILE.write_text(json.dumps(table, indent=1, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
