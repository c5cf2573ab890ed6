"""bn_from_scratch: the Batch Normalization forward pass in NumPy, compared with Keras' own layer.

The grader writes every input (batches, gamma, beta, moving statistics) with a fixed seed; the
student's ``bn_train`` and ``bn_infer`` are called on them in a kernel of their own, and the judge
recomputes what a ``keras.layers.BatchNormalization`` gives for the same inputs. For the multi-step
check, step k receives Keras' moving statistics after step k-1, so each step is judged on its own.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from autograder.spec import Call, Graded

TOLERANCE = {"rtol": 1e-5, "atol": 1e-5}

# name -> (shape, momentum, kind): the batches the hidden calls use; "visible" ones mirror the notebook's
CASES = {
    "dense_a": ((32, 4), 0.99), "dense_b": ((7, 3), 0.99), "dense_c": ((200, 1), 0.99),
    "moving_a": ((32, 4), 0.99), "moving_b": ((9, 6), 0.9), "moving_c": ((100, 2), 0.5),
    "conv_a": ((8, 5, 5, 3), 0.99), "conv_b": ((4, 7, 6, 2), 0.99), "conv_c": ((16, 3, 3, 8), 0.99),
    "conv_d": ((5, 10, 4), 0.99),
    "infer_a": ((16, 3), 0.99), "infer_b": ((1, 5), 0.99), "infer_c": ((6, 4, 4, 3), 0.99), "infer_d": ((3, 8, 2), 0.99),
}
STEPS = {"steps_a": ((12, 3), 0.99), "steps_b": ((6, 4, 4, 2), 0.9), "steps_c": ((5, 7, 3), 0.8)}
STEP_COUNT = 4


def keras_bn(x, weights, training, momentum=0.99):
    """Keras' BatchNormalization with ``weights`` (gamma, beta, moving mean, moving variance), called once
    on ``x``: ``(y, moving_mean, moving_var)`` as NumPy arrays."""
    import keras

    layer = keras.layers.BatchNormalization(momentum=momentum)
    layer.build(x.shape)
    layer.set_weights([np.asarray(w, "float32") for w in weights])
    y = keras.ops.convert_to_numpy(layer(x, training=training))
    return y, *(keras.ops.convert_to_numpy(w) for w in layer.weights[2:])


def random_weights(rng, channels):
    """gamma, beta, moving mean and a positive moving variance."""
    return [rng.normal(size=channels), rng.normal(size=channels), rng.normal(size=channels),
            rng.uniform(0.2, 3.0, size=channels)]


def save_arrays(folder: Path, name: str, arrays: list) -> None:
    for key, array in zip(("x", "gamma", "beta", "mean", "var"), arrays):
        np.save(folder / f"{name}_{key}.npy", np.asarray(array, "float32"), allow_pickle=False)


def prepare_inputs(folder: Path) -> None:
    """Every batch and weight the calls receive; the multi-step inputs follow a Keras layer step by step."""
    rng = np.random.default_rng(2024)
    visible = {"visible_dense": (rng.normal(1.0, 3.0, size=(32, 4)),
                                 [[1.0, 2.0, 0.5, -1.0], [0.0, 1.0, -2.0, 0.5], np.zeros(4), np.ones(4)]),
               "visible_moving": ([[0, 1], [2, 1], [4, 4], [6, 2]], [np.ones(2), np.zeros(2), [1, 1], [2, 2]]),
               "visible_conv": (rng.normal(2.0, 3.0, size=(8, 5, 5, 3)), [np.ones(3), np.zeros(3), np.zeros(3), np.ones(3)]),
               "visible_infer": (rng.normal(5.0, 2.0, size=(16, 3)), [np.ones(3), np.zeros(3), np.zeros(3), np.ones(3)])}
    for name, (x, weights) in visible.items():
        save_arrays(folder, name, [x, *weights])
    for name, (shape, _) in CASES.items():
        save_arrays(folder, name, [rng.normal(rng.uniform(-2, 2), rng.uniform(1, 4), size=shape),
                                   *random_weights(rng, shape[-1])])
    for name, (shape, momentum) in STEPS.items():
        gamma, beta, mean, var = random_weights(rng, shape[-1])
        for step in range(STEP_COUNT + 1):
            x = rng.normal(step - 1.0, 1.0 + step, size=shape)
            save_arrays(folder, f"{name}_{step}", [x, gamma, beta, mean, var])
            if step < STEP_COUNT:
                _, mean, var = keras_bn(x.astype("float32"), [gamma, beta, mean, var], True, momentum)


def arguments(name: str, momentum: float | None = None, label: str = "x") -> tuple:
    """The call's arguments: the five arrays of ``name`` (and the momentum)."""
    files = ({"array": f"{name}_x.npy", "label": label},
             *({"array": f"{name}_{key}.npy", "label": key} for key in ("gamma", "beta", "mean", "var")))
    return files if momentum is None else (*files, momentum)


def inputs_of(artifacts, call) -> tuple[np.ndarray, list, float]:
    """x, the four weights and the momentum a call received."""
    x, *weights = (np.load(artifacts.inputs / arg["array"]) for arg in call.args[:5])
    return x, weights, call.args[5] if len(call.args) > 5 else 0.99


def outputs(artifacts, call_id, call, count: int) -> list[np.ndarray]:
    """The call's result as ``count`` float arrays (bn_train: y, new mean, new var; bn_infer: y)."""
    result = artifacts.get(call_id, call.describe())
    parts = [result] if count == 1 else result
    if count > 1 and (not isinstance(result, (list, tuple)) or len(result) != count):
        raise AssertionError(f"{call.function} should return (y, new_moving_mean, new_moving_var).")
    try:
        return [np.asarray(part, dtype=float) for part in parts]
    except (TypeError, ValueError):
        raise AssertionError(f"{call.describe()} should return NumPy arrays of numbers.") from None


def compare(name: str, got: np.ndarray, want: np.ndarray, what: str) -> None:
    """One output against Keras', with a sentence naming it."""
    if got.shape != want.shape:
        raise AssertionError(f"{what}: {name} should have shape {want.shape}, not {got.shape}.")
    if not np.allclose(got, want, **TOLERANCE):
        raise AssertionError(f"{what}: {name} differs from Keras' BatchNormalization.")


def check_train(names: tuple[str, ...], hint: str):
    """A check that bn_train's outputs named in ``names`` (y, moving mean, moving var) match Keras'."""
    def check(artifacts, calls):
        for call_id, call in calls:
            x, weights, momentum = inputs_of(artifacts, call)
            got = outputs(artifacts, call_id, call, 3)
            want = keras_bn(x, weights, True, momentum)
            for index, name in enumerate(("y", "new_moving_mean", "new_moving_var")):
                if name in names:
                    try:
                        compare(name, got[index], want[index], f"bn_train on an input of shape {x.shape}")
                    except AssertionError as err:
                        raise AssertionError(f"{err} {hint}") from None
    return check


def check_infer(artifacts, calls):
    """bn_infer uses the moving statistics, as Keras does in inference mode."""
    for call_id, call in calls:
        x, weights, _ = inputs_of(artifacts, call)
        [got] = outputs(artifacts, call_id, call, 1)
        compare("y", got, keras_bn(x, weights, False)[0], f"bn_infer on an input of shape {x.shape}")


def check_steps(artifacts, calls):
    """Step after step, bn_train follows a Keras layer; after training, bn_infer does too."""
    for call_id, call in calls:
        x, weights, momentum = inputs_of(artifacts, call)
        step = call.args[0]["array"].split("_")[2]
        if call.function == "bn_infer":
            [got] = outputs(artifacts, call_id, call, 1)
            compare("y", got, keras_bn(x, weights, False)[0], f"After {STEP_COUNT} training steps, bn_infer")
            continue
        got = outputs(artifacts, call_id, call, 3)
        want = keras_bn(x, weights, True, momentum)
        for index, name in enumerate(("y", "new_moving_mean", "new_moving_var")):
            compare(name, got[index], want[index], f"Step {int(step) + 1}, shape {x.shape}")


def steps_calls() -> tuple[Call, ...]:
    """Each multi-step case: four bn_train steps, then bn_infer with the statistics they reached."""
    calls = []
    for name, (shape, momentum) in STEPS.items():
        visible = name == "steps_a"
        for step in range(STEP_COUNT):
            calls.append(Call("bn_train", arguments(f"{name}_{step}", momentum, f"step {step + 1} of a {shape} batch"),
                              visible=visible))
        calls.append(Call("bn_infer", arguments(f"{name}_{STEP_COUNT}", label=f"a {shape} batch after training")[:5],
                          visible=visible))
    return tuple(calls)


GRADED = {
    "test_dense_output": Graded(
        check=check_train(("y",), "Subtract each feature's batch mean (axis 0), divide by sqrt(var + eps) with "
                                  "the biased variance, multiply by gamma and add beta."),
        calls=(Call("bn_train", arguments("visible_dense", label="a (32, 4) batch"), visible=True),
               *(Call("bn_train", arguments(name, label=f"a {CASES[name][0]} batch")) for name in ("dense_a", "dense_b", "dense_c")))),
    "test_dense_moving": Graded(
        check=check_train(("new_moving_mean", "new_moving_var"),
                          "moving = moving * momentum + batch statistic * (1 - momentum), with the biased "
                          "batch variance (divide by n, not n - 1)."),
        calls=(Call("bn_train", (*arguments("visible_moving", label="a (4, 2) batch"), 0.9), visible=True),
               *(Call("bn_train", arguments(name, CASES[name][1], f"a {CASES[name][0]} batch"))
                 for name in ("moving_a", "moving_b", "moving_c")))),
    "test_conv": Graded(
        check=check_train(("y", "new_moving_mean", "new_moving_var"),
                          "For (n, h, w, channels) inputs, take one statistic per channel over every axis but the last."),
        calls=(Call("bn_train", arguments("visible_conv", label="an (8, 5, 5, 3) batch"), visible=True),
               *(Call("bn_train", arguments(name, label=f"a {CASES[name][0]} batch"))
                 for name in ("conv_a", "conv_b", "conv_c", "conv_d")))),
    "test_infer": Graded(
        check=check_infer,
        calls=(Call("bn_infer", arguments("visible_infer", label="a (16, 3) batch")[:5], visible=True),
               *(Call("bn_infer", arguments(name, label=f"a {CASES[name][0]} batch")[:5])
                 for name in ("infer_a", "infer_b", "infer_c", "infer_d")))),
    "test_steps": Graded(check=check_steps, calls=steps_calls()),
}
