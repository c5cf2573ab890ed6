"""The judge's checks of shuffle, on right and wrong artifacts (no notebook, no kernel)."""

from __future__ import annotations

import keras
import numpy as np
import pytest

import judging

from autograder.assignments import shuffle
from bncourse.seeding import set_seed


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("inputs")
    shuffle.prepare_inputs(folder)
    return folder



def judged(folder, inputs, grade_id, functions=None, variables=None):
    """The verdict of one graded cell of shuffle."""
    return judging.judged(shuffle, folder, inputs, grade_id, functions, variables)


def build_model():
    return keras.Sequential([keras.Input((28, 28)), keras.layers.Flatten(),
                             keras.layers.Dense(64, activation="relu"), keras.layers.Dense(10, activation="softmax")])


def train_fresh(x, y, shuffle_data, epochs=5):
    set_seed()
    model = build_model()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    return model.fit(x, y, epochs=epochs, batch_size=32, shuffle=shuffle_data, verbose=0)


@pytest.mark.parametrize("wrong, message", [
    (lambda d, l, n=4000: (d[:n] / 255.0, l[:n]), "float32"),  # not sorted, not float32
    (lambda d, l, n=4000: (d[:n].astype("float32"), np.sort(l[:n])), "scale the pixels"),
    (lambda d, l, n=4000: ((d[:n][np.argsort(l[:n])] / 255.0).astype("float32"), np.sort(l[:n])), "stable label order"),
    (lambda d, l, n=4000: ((d[np.argsort(l, kind="stable")][:n] / 255.0).astype("float32"),
                           np.sort(l)[:n]), "first n labels"),  # sorted all, then took n
])
def test_ordered_slice_passes_the_right_order_and_fails_wrong_ones(tmp_path, inputs, wrong, message):
    assert judged(tmp_path / "right", inputs, "test_ordered_data", {"ordered_slice": shuffle.ordered}) is None
    assert message in judged(tmp_path / "wrong", inputs, "test_ordered_data", {"ordered_slice": wrong})


def small_runs(x, y):
    return {"results_no_shuffle": train_fresh(x, y, False), "results_shuffle": train_fresh(x, y, True)}


def continued(x, y, shuffle_data):
    """The source notes' bug: the second run goes on training the first run's model."""
    if not hasattr(continued, "model"):
        set_seed()
        continued.model = build_model()
        continued.model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    return continued.model.fit(x, y, epochs=5, batch_size=32, shuffle=shuffle_data, verbose=0)


def forged(x, y, shuffle_data):
    """A History written by hand, with plausible losses, around a model that never trained."""
    history = keras.callbacks.History()
    history.history = {"loss": [1.0, 0.5, 0.3, 0.2, 0.1]}
    history.set_model(build_model())
    return history


@pytest.mark.parametrize("wrong, message", [  # the three that train 5 epochs each (8 s) in the slow tier
    pytest.param(lambda x, y, s: train_fresh(x, y, s, epochs=4), "should hold 5 epochs", marks=pytest.mark.slow),
    pytest.param(continued, "not those of a fresh run", marks=pytest.mark.slow),
    (forged, "not those of a fresh run"),
    pytest.param(lambda x, y, s: train_fresh(x, y, not s), "not those of a fresh run", marks=pytest.mark.slow),
])
def test_train_fresh_fails_runs_that_are_not_fresh(tmp_path, inputs, wrong, message):
    assert message in judged(tmp_path, inputs, "test_histories", {"train_fresh": wrong}, histories(inputs))


def test_train_fresh_passes_fresh_runs(tmp_path, inputs):
    assert judged(tmp_path, inputs, "test_histories", {"train_fresh": train_fresh}, histories(inputs)) is None


def histories(inputs):
    """Two 5-epoch histories (this check only counts their epochs; the experiment checks judge them)."""
    x, y = np.load(inputs / "sorted_x_visible.npy"), np.load(inputs / "sorted_y_visible.npy")
    return {"results_no_shuffle": forged(x, y, False), "results_shuffle": forged(x, y, True)}


@pytest.mark.slow
def test_the_experiment_is_judged_on_the_grader_replay(tmp_path, inputs):
    """The real runs pass both experiment checks; histories of other data, or hand-written ones, fail."""
    from bncourse.data import load_mnist

    (digits, labels), _ = load_mnist()
    x, y = shuffle.ordered(digits, labels, shuffle.ROWS)
    right = small_runs(x, y)
    for grade_id in ("test_losses_recomputed", "test_shuffle_helps"):
        assert judged(tmp_path / f"right-{grade_id}", inputs, grade_id, variables=right) is None
    other = small_runs(x[::2], y[::2])
    assert "not those of a fresh run" in judged(tmp_path / "other", inputs, "test_losses_recomputed", variables=other)
    faked = {"results_no_shuffle": forged(x, y, False), "results_shuffle": forged(x, y, True)}
    assert "not those of a fresh run" in judged(tmp_path / "faked", inputs, "test_shuffle_helps", variables=faked)
