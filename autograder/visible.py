"""The visible tests, run in the student's own kernel: the same checks as the judge, on the visible calls.

A notebook's test cell names its check and hands over the objects it needs::

    from autograder.visible import check
    check("weight_init", "test_glorot_std", glorot_std=glorot_std)

This tells the student what to fix. It grants no points: at grading time the test cell does not run
in the student's kernel at all, and the judge decides (see :mod:`autograder.grading`).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from autograder import spec
from autograder.artifacts import Artifacts
from autograder.judge import verdict
from bncourse.artifacts import call_and_save, record_error, save


def check(assignment: str, grade_id: str, **objects) -> None:
    """Run one graded cell's check on the visible calls; raise ``AssertionError`` saying what is wrong."""
    grading = spec.load(assignment)
    graded = grading.graded[grade_id]
    with tempfile.TemporaryDirectory(prefix="bncourse-check-") as folder:
        folder, inputs = Path(folder) / "artifacts", Path(folder) / "inputs"
        inputs.mkdir(parents=True)
        if grading.prepare_inputs is not None:
            grading.prepare_inputs(inputs)
        for name in graded.variables:
            if name in objects:
                save(folder, name, objects[name])
            else:
                record_error(folder, name, f"`{name}` is not defined.")
        for call_id, call in graded.call_ids(grade_id, visible_only=True):
            if call.function in objects:
                call_and_save(folder, call_id, objects[call.function], call.plain_args(), inputs, call.seed,
                              call.keep_arg)
            else:
                record_error(folder, call_id, f"`{call.function}` is not defined.")
        message = verdict(graded, grade_id, Artifacts(folder, inputs), visible_only=True)
    if message is not None:
        raise AssertionError(message)
