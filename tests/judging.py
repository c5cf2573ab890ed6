"""Judging one graded cell in a test, as grading does, without a notebook or a kernel."""

from __future__ import annotations

from autograder.artifacts import Artifacts
from autograder.judge import verdict
from bncourse.artifacts import call_and_save, save


def judged(module, folder, inputs, grade_id, functions=None, variables=None, visible_only=False, reference=None):
    """The verdict of ``module.GRADED[grade_id]`` on artifacts made from ``variables`` and from calls of
    ``functions`` (with ``visible_only``, the visible calls only, as the notebook's own test makes them;
    ``reference``: the folder of the grader's reference runs, if the check compares with them)."""
    graded = module.GRADED[grade_id]
    for name, value in (variables or {}).items():
        save(folder, name, value)
    for call_id, call in graded.call_ids(grade_id, visible_only):
        call_and_save(folder, call_id, functions[call.function], call.plain_args(), inputs, call.seed, call.keep_arg)
    return verdict(graded, grade_id, Artifacts(folder, inputs, reference=reference), visible_only)
