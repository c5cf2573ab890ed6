"""shuffle: digits sorted by class, two fresh seeded runs without and with shuffling, compared.

The judge believes no reported loss: it replays the prescribed runs itself (seeded, as the notebook
seeds them) and compares the student's per-epoch losses and final weights with its own.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np

from autograder.checks import RTOL, same_weights
from autograder.spec import Call, Graded

ROWS = 4000  # the notebook's experiment: the first 4,000 training digits
EPOCHS, BATCH = 5, 32
VISIBLE_RUN, GRADED_RUN = slice(8_000, 8_320), slice(12_000, 12_640)  # the train_fresh calls' digits


def ordered(digits: np.ndarray, labels: np.ndarray, n: int):
    """Task 1 as prescribed: the first n digits, stably sorted by label, as float32 in 0..1."""
    digits, labels = digits[:n], labels[:n]
    order = np.argsort(labels, kind="stable")
    return (digits[order] / 255.0).astype("float32"), labels[order]


def fresh_run(x, y, shuffle: bool):
    """Task 2 as prescribed, replayed by the judge: ``(per-epoch losses, final weights)``."""
    import keras

    from bncourse.seeding import set_seed

    set_seed()
    model = keras.Sequential([keras.Input((28, 28)), keras.layers.Flatten(),
                              keras.layers.Dense(64, activation="relu"), keras.layers.Dense(10, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    history = model.fit(x, y, epochs=EPOCHS, batch_size=BATCH, shuffle=shuffle, verbose=0)
    return [float(value) for value in history.history["loss"]], model.get_weights()


@lru_cache(maxsize=None)
def experiment(shuffle: bool):
    """The notebook's own experiment, replayed once per judge."""
    from bncourse.data import load_mnist

    (digits, labels), _ = load_mnist()
    return fresh_run(*ordered(digits, labels, ROWS), shuffle)


def prepare_inputs(folder: Path) -> None:
    """Digits for the ordered_slice calls, and sorted digits for the train_fresh calls."""
    from bncourse.data import load_mnist

    (digits, labels), _ = load_mnist()
    for name, rows in (("visible", slice(0, 300)), ("graded", slice(16_000, 16_500))):
        np.save(folder / f"digits_{name}.npy", digits[rows], allow_pickle=False)
        np.save(folder / f"labels_{name}.npy", labels[rows], allow_pickle=False)
    for name, rows in (("visible", VISIBLE_RUN), ("graded", GRADED_RUN)):
        x, y = ordered(digits[rows], labels[rows], rows.stop - rows.start)
        np.save(folder / f"sorted_x_{name}.npy", x, allow_pickle=False)
        np.save(folder / f"sorted_y_{name}.npy", y, allow_pickle=False)


def check_ordered(artifacts, calls):
    """ordered_slice keeps the first n digits, scales them to 0..1 and sorts them stably by label."""
    for call_id, call in calls:
        what = call.describe()
        digits, labels = (np.load(artifacts.inputs / arg["array"]) for arg in call.args[:2])
        x_key, y_key = artifacts.parts(call_id, 2, what)
        x, y = artifacts.get(x_key, what), artifacts.get(y_key, what)
        want_x, want_y = ordered(digits, labels, call.args[2])
        assert isinstance(x, np.ndarray) and x.shape == want_x.shape, (
            f"{what} should give images of shape {want_x.shape}, not {getattr(x, 'shape', type(x).__name__)}.")
        assert x.dtype == np.float32, f"{what} should give float32 images, not {x.dtype}."
        assert x.max() <= 1.0, f"{what}: scale the pixels to 0..1 (divide by 255)."
        assert np.asarray(y).shape == want_y.shape and np.all(np.diff(y) >= 0), (
            f"{what} should give the {len(want_y)} labels sorted: all 0s first, then all 1s, and so on.")
        assert np.array_equal(y, want_y), f"{what}: the labels are not the first n labels, sorted."
        assert np.allclose(x, want_x), (
            f"{what}: the images are not the first n images in the stable label order: sort images and labels "
            "with the same index (np.argsort(labels, kind='stable')).")


def check_run(artifacts, key: str, what: str, replayed) -> list[float]:
    """One run: a 5-epoch History whose losses and final weights are those of the judge's replay."""
    losses, weights = replayed
    history = artifacts.history(key, what)
    found = history.get("loss", [])
    assert len(found) == EPOCHS, f"{what} should hold {EPOCHS} epochs, not {len(found)}."
    model = artifacts.get(f"{key}.model", f"{what}'s model")
    assert np.allclose(found, losses, rtol=RTOL) and same_weights(model, weights), (
        f"The losses or final weights of {what} are not those of a fresh run that the grader replays: call "
        "set_seed() right before building each new model with build_model(), compile it with Adam and the sparse "
        "categorical cross-entropy, and fit 5 epochs in batches of 32 with the given shuffle.")
    return found


def check_train_fresh(artifacts, calls):
    """train_fresh gives the History of a fresh, seeded 5-epoch run on the data it is given; so do both results."""
    for call_id, call in calls:
        x, y = (np.load(artifacts.inputs / arg["array"]) for arg in call.args[:2])
        check_run(artifacts, call_id, call.describe(), fresh_run(x, y, call.args[2]))
    for name in ("results_no_shuffle", "results_shuffle"):
        found = artifacts.history(name, f"`{name}`").get("loss", [])
        assert len(found) == EPOCHS, f"`{name}` should hold {EPOCHS} epochs, not {len(found)}."


def check_experiment(artifacts, calls):
    """results_no_shuffle and results_shuffle are the runs of the experiment, as the grader replays it."""
    for name, shuffle in (("results_no_shuffle", False), ("results_shuffle", True)):
        check_run(artifacts, name, f"`{name}`", experiment(shuffle))


def check_shuffle_helps(artifacts, calls):
    """In the replayed experiment, the shuffled run ends with the lower training loss."""
    plain = check_run(artifacts, "results_no_shuffle", "`results_no_shuffle`", experiment(False))[-1]
    shuffled = check_run(artifacts, "results_shuffle", "`results_shuffle`", experiment(True))[-1]
    assert shuffled < plain, (
        f"The last-epoch loss with shuffling ({shuffled:.4f}) should be below the one without ({plain:.4f}).")


def digits_call(name: str, count: int, n: int, visible: bool) -> Call:
    """An ordered_slice call on ``count`` of the grader's digits."""
    return Call("ordered_slice", ({"array": f"digits_{name}.npy", "label": f"{count} digits"},
                                  {"array": f"labels_{name}.npy", "label": "their labels"}, n), visible=visible)


def run_call(name: str, shuffle: bool, visible: bool) -> Call:
    """A train_fresh call on the grader's sorted digits."""
    rows = VISIBLE_RUN if name == "visible" else GRADED_RUN
    return Call("train_fresh", ({"array": f"sorted_x_{name}.npy", "label": f"{rows.stop - rows.start} sorted digits"},
                                {"array": f"sorted_y_{name}.npy", "label": "their labels"}, shuffle), visible=visible)


GRADED = {
    "test_ordered_data": Graded(check=check_ordered, calls=(digits_call("visible", 300, 250, True),
                                                            digits_call("graded", 500, 416, False))),
    "test_histories": Graded(check=check_train_fresh, variables=("results_no_shuffle", "results_shuffle"), calls=(
        run_call("visible", False, True), run_call("visible", True, True),
        run_call("graded", False, False), run_call("graded", True, False))),
    "test_shuffle_helps": Graded(check=check_shuffle_helps, variables=("results_no_shuffle", "results_shuffle")),
    "test_losses_recomputed": Graded(check=check_experiment, variables=("results_no_shuffle", "results_shuffle")),
}
