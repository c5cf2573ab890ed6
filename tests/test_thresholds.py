"""The calibrated thresholds: every metric check judged outside the kernel has baselines, and fails them."""

import importlib
import json
import pkgutil

import pytest

import autograder.assignments
from autograder.thresholds import THRESHOLDS_FILE

TABLE = json.loads(THRESHOLDS_FILE.read_text())["checks"]
JUDGED = [module.name for module in pkgutil.iter_modules(autograder.assignments.__path__)]
METRICS = [(assignment, check) for assignment in JUDGED
           for check in getattr(importlib.import_module(f"autograder.assignments.{assignment}"), "HIGHER_IS_BETTER", {})]


@pytest.mark.parametrize("assignment, check", METRICS)
def test_every_baseline_fails_the_threshold_by_a_clear_margin(assignment, check):
    """Majority class, uniform guess, untrained model: each lies on the failing side, past the margin."""
    entry = TABLE[assignment][check]
    assert entry["baselines"], f"{assignment}/{check} records no baselines"
    sign = 1 if entry["higher_is_better"] else -1
    for name, value in entry["baselines"].items():
        assert sign * (entry["threshold"] - value) > entry["margin"], (
            f"{assignment}/{check}: the {name} baseline ({value:.4f}) is not clearly below the threshold "
            f"({entry['threshold']:.4f})")


@pytest.mark.parametrize("assignment, check", METRICS)
def test_the_reference_solution_passes_under_every_seed(assignment, check):
    """Every calibrated value of the reference solution is on the passing side."""
    entry = TABLE[assignment][check]
    sign = 1 if entry["higher_is_better"] else -1
    assert all(sign * (value - entry["threshold"]) >= 0 for value in entry["values"])
    assert entry["higher_is_better"] is getattr(
        importlib.import_module(f"autograder.assignments.{assignment}"), "HIGHER_IS_BETTER")[check]


@pytest.mark.parametrize("assignment", JUDGED)
def test_the_judge_knows_every_graded_cell_of_the_notebook(assignment):
    """The judge's checks are exactly the source notebook's graded test cells, and each test cell
    names its own check."""
    from autograder.course import SOURCE, read_notebook

    graded = importlib.import_module(f"autograder.assignments.{assignment}").GRADED
    cells = [cell for cell in read_notebook(SOURCE / assignment / f"{assignment}.ipynb")["cells"]
             if cell.get("metadata", {}).get("nbgrader", {}).get("grade")
             and not cell["metadata"]["nbgrader"].get("solution")]
    assert {cell["metadata"]["nbgrader"]["grade_id"] for cell in cells} == set(graded)
    for cell in cells:
        grade_id = cell["metadata"]["nbgrader"]["grade_id"]
        assert f'check("{assignment}", "{grade_id}"' in "".join(cell["source"]), grade_id
