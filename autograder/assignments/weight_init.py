"""weight_init: Glorot and He standard deviations, a deep ReLU stack, activation spread per layer."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from autograder.checks import check_structure
from autograder.spec import Call, Graded

SMALL = {"class_name": "RandomNormal", "config": {"stddev": 0.01}}  # RandomNormal(stddev=0.01)
SCHEMES = {"stds_he": "he_normal", "stds_glorot": "glorot_normal", "stds_small": SMALL}


def expected_stack(depth, width, initializer, input_dim):
    """The model Task 2 describes, built by the grader."""
    import keras

    layers = [keras.layers.Dense(width, activation="relu", kernel_initializer=initializer) for _ in range(depth)]
    return keras.Sequential([keras.Input((input_dim,)), *layers])


def layer_stds(model, x) -> list[float]:
    """The grader's own spread of every layer's output (Task 3)."""
    import keras

    stds, h = [], x
    for layer in model.layers:
        h = layer(h)
        stds.append(float(np.std(keras.ops.convert_to_numpy(h))))
    return stds


def check_formula(formula, hint):
    """A check that every call's result is a float equal to ``formula(*args)``."""
    def check(artifacts, calls):
        for call_id, call in calls:
            what = f"{call.describe()}"
            if artifacts.type_name(call_id, what) != "float":
                raise AssertionError(f"{call.function} should return a float, not a {artifacts.type_name(call_id)}.")
            got, want = artifacts.number(call_id, what), formula(*call.args)
            assert np.isclose(got, want, rtol=1e-9), f"{what} should be {want:.6g}, not {got:.6g}: {hint}"
    return check


def check_stack(artifacts, calls):
    """Each model build_relu_stack returned has exactly the layers Task 2 prescribes."""
    for call_id, call in calls:
        model = artifacts.get(call_id, call.describe())
        check_structure(model, expected_stack(*call.plain_args()), variable=call.describe())


def prepare_inputs(folder: Path) -> None:
    """The models and batches the activation_stds calls receive."""
    from bncourse.seeding import set_seed

    for name, (depth, width, initializer, input_dim, rows, seed) in PROBE_STACKS.items():
        set_seed(seed)
        expected_stack(depth, width, initializer, input_dim).save(folder / f"{name}.keras")
        x = np.random.default_rng(seed).normal(size=(rows, input_dim)).astype("float32")
        np.save(folder / f"{name}.npy", x, allow_pickle=False)


PROBE_STACKS = {"stack_a": (4, 32, "he_normal", 10, 64, 1), "stack_b": (9, 8, "glorot_uniform", 3, 17, 2)}


def check_activation_stds(artifacts, calls):
    """activation_stds gives, per layer, the spread the grader measures on the same model and batch."""
    import keras

    for call_id, call in calls:
        name = call.args[0]["model"].removesuffix(".keras")
        what = call.describe()
        found = artifacts.numbers(call_id, what)
        model = keras.saving.load_model(artifacts.inputs / f"{name}.keras", safe_mode=True)
        want = layer_stds(model, np.load(artifacts.inputs / f"{name}.npy"))
        assert len(found) == len(want), f"{what} should return {len(want)} numbers, one per layer, not {len(found)}."
        assert np.allclose(found, want, rtol=1e-5), f"{what} does not match the layers' output standard deviations."


def check_compare(artifacts, calls):
    """The three lists are what the seeded 10-layer stacks give on the batch of Task 4."""
    import keras

    from bncourse.seeding import set_seed

    found = {name: artifacts.numbers(name) for name in SCHEMES}
    for name, values in found.items():
        assert len(values) == 10, f"`{name}` should hold 10 numbers, one per layer, not {len(values)}."
    assert found["stds_small"][-1] < 1e-6 < found["stds_he"][-1], (
        "With RandomNormal(0.01) the activations should vanish through the depth while He keeps them "
        "alive: check which initializer each list used."
    )
    x = np.random.default_rng(0).normal(size=(512, 256)).astype("float32")
    for name, initializer in SCHEMES.items():
        set_seed(0)
        made = keras.initializers.get(initializer) if isinstance(initializer, dict) else initializer
        want = layer_stds(expected_stack(10, 256, made, 256), x)
        assert np.allclose(found[name], want, rtol=1e-4), (
            f"`{name}` is not what the seeded model gives: call set_seed(0) right before building each "
            "model, and use the x given."
        )


GRADED = {
    "test_glorot_std": Graded(
        check=check_formula(lambda fan_in, fan_out: np.sqrt(2 / (fan_in + fan_out)),
                            "return the standard deviation sqrt(2 / (fan_in + fan_out)), not the variance."),
        calls=(Call("glorot_std", (100, 100), visible=True), Call("glorot_std", (784, 256)),
               Call("glorot_std", (3, 64)), Call("glorot_std", (1200, 10)))),
    "test_he_std": Graded(
        check=check_formula(lambda fan_in: np.sqrt(2 / fan_in),
                            "He's standard deviation is sqrt(2 / fan_in): it depends on fan_in only."),
        calls=(Call("he_std", (200,), visible=True), Call("he_std", (3,)), Call("he_std", (784,)),
               Call("he_std", (4608,)))),
    "test_stack_structure": Graded(
        check=check_stack,
        calls=(Call("build_relu_stack", (3, 16, "he_normal", 8), visible=True),
               Call("build_relu_stack", (7, 32, "glorot_uniform", 20)),
               Call("build_relu_stack", (2, 5, dict(SMALL, label="RandomNormal(stddev=0.01)"), 3)))),
    "test_activation_stds": Graded(
        check=check_activation_stds,
        calls=(Call("activation_stds", ({"model": "stack_a.keras", "label": "a 4-layer He stack"},
                                        {"array": "stack_a.npy", "label": "a batch of 64"}), visible=True),
               Call("activation_stds", ({"model": "stack_b.keras", "label": "a 9-layer Glorot stack"},
                                        {"array": "stack_b.npy", "label": "a batch of 17"})))),
    "test_compare": Graded(check=check_compare, variables=tuple(SCHEMES)),
}
