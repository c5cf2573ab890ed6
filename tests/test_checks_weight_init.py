"""The judge's checks of weight_init, on right and wrong artifacts (no notebook, no kernel)."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from autograder.artifacts import Artifacts
from autograder.assignments import weight_init
from autograder.judge import verdict
from bncourse.artifacts import call_and_save, save
from bncourse.seeding import set_seed


def judged(tmp_path, grade_id, functions=None, variables=None):
    """The verdict of one graded cell on artifacts made from ``functions`` and ``variables``."""
    graded = weight_init.GRADED[grade_id]
    inputs, folder = tmp_path / "inputs", tmp_path / "artifacts"
    inputs.mkdir(parents=True, exist_ok=True)
    weight_init.prepare_inputs(inputs)
    for name, value in (variables or {}).items():
        save(folder, name, value)
    for call_id, call in graded.call_ids(grade_id):
        call_and_save(folder, call_id, functions[call.function], call.plain_args(), inputs)
    return verdict(graded, grade_id, Artifacts(folder, inputs))


reference_stds, build = weight_init.layer_stds, weight_init.expected_stack


@pytest.mark.parametrize("grade_id, function, right, wrong, message", [
    ("test_glorot_std", "glorot_std", lambda a, b: float(np.sqrt(2 / (a + b))), lambda a, b: float(2 / (a + b)),
     "not the variance"),
    ("test_glorot_std", "glorot_std", lambda a, b: float(np.sqrt(2 / (a + b))), lambda a, b: np.sqrt(2 / (a + b)),
     "should return a float"),
    ("test_he_std", "he_std", lambda a: float(np.sqrt(2 / a)), lambda a: float(np.sqrt(4 / (a + 1))), "fan_in only"),
    ("test_stack_structure", "build_relu_stack", build,
     lambda d, w, i, n: keras.Sequential([keras.Input((n,)), *[keras.layers.Dense(w, kernel_initializer=i) for _ in range(d)]]),
     "activation"),
    ("test_activation_stds", "activation_stds", reference_stds,
     lambda model, x: [float(np.std(x))] * len(model.layers), "does not match"),
])
def test_check_passes_the_right_function_and_fails_a_wrong_one(tmp_path, grade_id, function, right, wrong, message):
    """Right: no message. Wrong: one sentence that says what to fix."""
    assert judged(tmp_path / "right", grade_id, {function: right}) is None
    failure = judged(tmp_path / "wrong", grade_id, {function: wrong})
    assert failure is not None and message in failure


def seeded_stds():
    x = np.random.default_rng(0).normal(size=(512, 256)).astype("float32")
    found = {}
    for name, initializer in weight_init.SCHEMES.items():
        set_seed(0)
        made = keras.initializers.get(initializer) if isinstance(initializer, dict) else initializer
        found[name] = reference_stds(build(10, 256, made, 256), x)
    return found


def test_compare_recomputes_the_three_lists(tmp_path):
    """The right lists pass; a list from an unseeded build, a short list or a missing one fail."""
    right = seeded_stds()
    assert judged(tmp_path / "right", "test_compare", variables=right) is None
    shifted = dict(right, stds_glorot=[value * 1.01 for value in right["stds_glorot"]])
    assert "not what the seeded model gives" in judged(tmp_path / "shifted", "test_compare", variables=shifted)
    short = dict(right, stds_he=right["stds_he"][:9])
    assert "10 numbers" in judged(tmp_path / "short", "test_compare", variables=short)
    missing = {key: value for key, value in right.items() if key != "stds_small"}
    assert "stds_small" in judged(tmp_path / "missing", "test_compare", variables=missing)


def test_a_function_that_raises_or_is_missing_fails_with_its_call_named(tmp_path):
    """The message names the call the grader made and what went wrong."""
    def broken(fan_in):
        raise ValueError("no")

    assert judged(tmp_path, "test_he_std", {"he_std": broken}) == "he_std(200) raised ValueError: no"
