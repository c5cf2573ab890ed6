"""The judge's checks of bn_from_scratch on the reference functions and on each typical mistake:
every check passes the reference, and each mistake fails exactly the checks tests/wrong_answers.py
says it must (all calls, hidden ones included; no notebook, no kernel)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from autograder.artifacts import Artifacts
from autograder.assignments import bn_from_scratch
from autograder.judge import verdict
from bncourse.artifacts import call_and_save
from autograder.course import SOURCE
from wrong_answers import WRONG_ANSWERS


def reference_functions(edits=()) -> dict:
    """bn_train and bn_infer as the source notebook's solution cells define them, after ``edits``."""
    cells = json.loads((SOURCE / "bn_from_scratch" / "bn_from_scratch.ipynb").read_text())["cells"]
    code = "\n".join("".join(cell["source"]) for cell in cells
                     if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") in ("bn_train", "bn_infer"))
    for old, new in edits:
        assert code.count(old) == 1, old
        code = code.replace(old, new)
    namespace = {"np": np}
    exec(code, namespace)  # the course's own reference code, edited as a student might have
    return namespace


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("inputs")
    bn_from_scratch.prepare_inputs(folder)
    return folder


def failing(functions: dict, inputs, folder) -> set[str]:
    """The graded cells whose check fails for ``functions``."""
    failed = set()
    for grade_id, graded in bn_from_scratch.GRADED.items():
        for call_id, call in graded.call_ids(grade_id):
            call_and_save(folder / grade_id, call_id, functions[call.function], call.plain_args(), inputs)
        if verdict(graded, grade_id, Artifacts(folder / grade_id, inputs)) is not None:
            failed.add(grade_id)
    return failed


def test_the_reference_passes_every_check(inputs, tmp_path):
    assert failing(reference_functions(), inputs, tmp_path) == set()


@pytest.mark.parametrize("name", sorted(WRONG_ANSWERS["bn_from_scratch"]))
def test_each_mistake_fails_exactly_its_checks(inputs, tmp_path, name):
    wrong = WRONG_ANSWERS["bn_from_scratch"][name]
    assert failing(reference_functions(wrong["edits"]), inputs, tmp_path) == wrong["fails"]


def test_a_wrong_return_shape_is_named(inputs, tmp_path):
    """bn_train returning only y fails with a sentence saying what it should return."""
    functions = reference_functions()
    only_y = dict(functions, bn_train=lambda *args, **kwargs: functions["bn_train"](*args, **kwargs)[0])
    graded = bn_from_scratch.GRADED["test_dense_output"]
    for call_id, call in graded.call_ids("test_dense_output"):
        call_and_save(tmp_path, call_id, only_y[call.function], call.plain_args(), inputs)
    assert "should return (y, new_moving_mean, new_moving_var)" in verdict(graded, "test_dense_output",
                                                                          Artifacts(tmp_path, inputs))
