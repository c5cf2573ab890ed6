"""The judge's checks of fix_the_bugs, on right and wrong artifacts (no notebook, no kernel).

The right artifacts come from the reference solution's functions, called as the grader calls them
(seeded, keeping the model they train); the wrong ones mostly from the notes' own bugs (the grey
blocks of the notebook), and from forged values: hand-made Histories, a model that never trained.
"""

from __future__ import annotations

import os

import keras
import numpy as np
import pytest

import judging
from sklearn.model_selection import train_test_split

from autograder.assignments import fix_the_bugs
from bncourse.data import load_tabular
from bncourse.seeding import set_seed


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("inputs")
    set_seed()
    fix_the_bugs.prepare_inputs(folder)
    return folder



def judged(folder, inputs, grade_id, functions=None, variables=None):
    """The verdict of one graded cell of fix_the_bugs."""
    return judging.judged(fix_the_bugs, folder, inputs, grade_id, functions, variables)


def fails(message, found):
    """``found`` is a failure whose sentence holds ``message``."""
    assert found is not None and message in found, found
    return True


# The reference solution, as in the notebook -----------------------------------------------------------

def build_digit_model(output="softmax", units=64):
    return keras.Sequential([keras.Input((784,)), keras.layers.Dense(units, activation="relu"),
                             keras.layers.Dense(10, activation=output)])


def fit_with_validation(model, x, y, epochs=2):
    x_part, x_val, y_part, y_val = train_test_split(x, y, test_size=0.2, stratify=y, random_state=34)
    return model.fit(x_part, y_part, epochs=epochs, batch_size=32, validation_data=(x_val, y_val), verbose=0)


def conv_block(filters, activation=None, use_bias=False):
    return [keras.layers.Conv2D(filters, 3, padding="same", activation=activation, use_bias=use_bias),
            keras.layers.BatchNormalization(), keras.layers.Activation("relu")]


def block_model(filters, **kwargs):
    return keras.Sequential([keras.Input((32, 32, 3)), *conv_block(filters, **kwargs)])


def compile_classifier(model, **kwargs):
    settings = {"optimizer": "adam", "loss": "sparse_categorical_crossentropy", "metrics": ["accuracy"]}
    model.compile(**{**settings, **kwargs})


def scale_pixels(images):
    return (images / 255.0).astype("float32")


def train_on_pixels(model, images, labels, epochs=2):
    return model.fit(scale_pixels(images), labels, epochs=epochs, batch_size=32, verbose=0)


def train_with_checkpoint(model, x, y, folder, epochs=20):
    path = os.path.join(folder, "best.keras")
    checkpoint = keras.callbacks.ModelCheckpoint(path, monitor="val_loss", save_best_only=True)
    history = model.fit(x, y, epochs=epochs, batch_size=16, validation_split=0.2, callbacks=[checkpoint], verbose=0)
    return history, keras.models.load_model(path)


def build_regressor(n_features, chained=True, activation="swish"):
    inputs = keras.Input((n_features,))
    h = inputs
    for _ in range(3):
        h = keras.layers.Dense(8)(h if chained else inputs)
        h = keras.layers.BatchNormalization()(h)
        h = keras.layers.Activation(activation)(h)
    return keras.Model(inputs, keras.layers.Dense(1)(h))


RIGHT = {"test_output_layer": {"build_digit_model": build_digit_model},
         "test_no_leak": {"fit_with_validation": fit_with_validation},
         "test_conv_block": {"block_model": block_model},
         "test_scaled_input": {"train_on_pixels": train_on_pixels},
         "test_checkpoint": {"train_with_checkpoint": train_with_checkpoint},
         "test_chained": {"build_regressor": build_regressor},
         "test_offline_data": {"load_regression_data": lambda: load_tabular("diabetes")}}


@pytest.fixture(scope="module")
def right(tmp_path_factory, inputs):
    """``right(grade_id)``: the verdict on the reference solution's calls (made once per module)."""
    found = {}

    def verdict_of(grade_id):
        if grade_id not in found:
            if grade_id == "test_checkpoint":
                empty_checkpoint_folders()
            found[grade_id] = judged(tmp_path_factory.mktemp("right"), inputs, grade_id, RIGHT[grade_id])
        return found[grade_id]

    return verdict_of



# Task 1 --------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("wrong, message", [
    (lambda: build_digit_model(output="relu"), 'activation="softmax"'),
    (lambda: build_digit_model(units=32), "units 64"),
    (lambda: "a model", "should be a Keras model"),
])
def test_output_layer(tmp_path, inputs, right, wrong, message):
    assert right("test_output_layer") is None
    assert fails(message, judged(tmp_path / "wrong", inputs, "test_output_layer", {"build_digit_model": wrong}))


# Task 2 --------------------------------------------------------------------------------------------------

def fit_on_all_rows(model, x, y, epochs=2):  # the notes' bug
    _, x_val, _, y_val = train_test_split(x, y, test_size=0.2, stratify=y, random_state=34)
    return model.fit(x, y, epochs=epochs, batch_size=32, validation_data=(x_val, y_val), verbose=0)


def fit_without_validation(model, x, y, epochs=2):
    x_part, _, y_part, _ = train_test_split(x, y, test_size=0.2, stratify=y, random_state=34)
    return model.fit(x_part, y_part, epochs=epochs, batch_size=32, verbose=0)


def fit_with_shuffled_labels(model, x, y, epochs=2):
    x_part, x_val, _, y_val = train_test_split(x, y, test_size=0.2, stratify=y, random_state=34)
    return model.fit(x_part, y[:len(x_part)], epochs=epochs, batch_size=32, validation_data=(x_val, y_val), verbose=0)


def fit_a_copy(model, x, y, epochs=2):
    """Forged: trains a copy the right way and leaves the grader's model untouched."""
    copy = keras.models.clone_model(model)
    copy.compile(optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    return fit_with_validation(copy, x, y, epochs)


@pytest.mark.parametrize("wrong, message", [
    (fit_on_all_rows, "the validation rows included"),
    (fit_without_validation, "no validation_data"),
    (fit_with_shuffled_labels, "with its own labels"),
    (fit_a_copy, "did not train on exactly the 80% part"),
])
def test_no_leak(tmp_path, inputs, right, wrong, message):
    assert right("test_no_leak") is None
    assert fails(message, judged(tmp_path / "wrong", inputs, "test_no_leak", {"fit_with_validation": wrong}))


# Task 3 --------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("wrong, message", [
    (lambda f: block_model(f, activation="relu"), 'remove activation="relu"'),
    (lambda f: block_model(f, use_bias=True), "use_bias False"),
    (lambda f: block_model(16), "filters 7"),  # right for the visible call only
])
def test_conv_block(tmp_path, inputs, right, wrong, message):
    assert right("test_conv_block") is None
    assert fails(message, judged(tmp_path / "wrong", inputs, "test_conv_block", {"block_model": wrong}))


# Task 4 --------------------------------------------------------------------------------------------------

@keras.saving.register_keras_serializable("forged")
class AlwaysThreeQuarters(keras.metrics.Metric):
    """A metric of the student's own that reports 0.75 whatever the predictions."""

    def update_state(self, *args, **kwargs):
        pass

    def result(self):
        return keras.ops.convert_to_tensor(0.75)


@pytest.mark.parametrize("settings, message", [
    ({"metrics": [keras.metrics.SparseCategoricalAccuracy()]}, None),
    ({"metrics": ["sparse_categorical_accuracy"], "loss": keras.losses.SparseCategoricalCrossentropy()}, None),
    ({"metrics": [keras.metrics.categorical_accuracy]}, "one-hot"),  # the notes' bug
    ({"metrics": [keras.metrics.binary_accuracy]}, "evaluate fails"),  # a function made for other labels
    ({"metrics": ["accuracy", "sparse_categorical_accuracy"]}, "exactly one metric"),
    ({"loss": "mse"}, "evaluate fails"),
    ({"optimizer": "sgd"}, "Adam"),
    ({"metrics": [AlwaysThreeQuarters()]}, "Keras' own metrics"),
])
def test_metric(tmp_path, inputs, settings, message):
    found = judged(tmp_path, inputs, "test_metric", {"compile_classifier": lambda m: compile_classifier(m, **settings)})
    assert found is None if message is None else fails(message, found)


def test_metric_needs_a_compiled_model(tmp_path, inputs):
    assert fails("did not compile", judged(tmp_path, inputs, "test_metric", {"compile_classifier": lambda m: None}))


# Task 5 --------------------------------------------------------------------------------------------------

def shuffle_runs(continued=False):
    x_small, y_small = fix_the_bugs.small_digits()
    set_seed()
    first = fix_the_bugs.compiled_digits_model()
    history_no_shuffle = first.fit(x_small, y_small, epochs=2, batch_size=32, shuffle=False, verbose=0)
    if continued:  # the notes' bug
        first.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
        second = first
    else:
        set_seed()
        second = fix_the_bugs.compiled_digits_model()
    history_shuffle = second.fit(x_small, y_small, epochs=2, batch_size=32, shuffle=True, verbose=0)
    return {"history_no_shuffle": history_no_shuffle, "history_shuffle": history_shuffle}


def test_fresh_models(tmp_path, inputs):
    right = shuffle_runs()
    assert judged(tmp_path / "right", inputs, "test_fresh_models", variables=right) is None
    assert fails("Both runs trained the same model",
                 judged(tmp_path / "continued", inputs, "test_fresh_models", variables=shuffle_runs(continued=True)))
    forged = keras.callbacks.History()  # the right losses, a model that never trained
    forged.history = dict(right["history_shuffle"].history)
    forged.set_model(fix_the_bugs.compiled_digits_model())
    assert fails("history_shuffle is not the run the task prescribes",
                 judged(tmp_path / "forged", inputs, "test_fresh_models",
                        variables={**right, "history_shuffle": forged}))
    assert fails("should be the History", judged(tmp_path / "dict", inputs, "test_fresh_models", variables={
        **right, "history_no_shuffle": right["history_no_shuffle"].history}))


# Task 6 --------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("wrong, message", [
    (lambda m, x, y, e=2: m.fit(x, y, epochs=e, batch_size=32, verbose=0), "raw values 0..255"),  # the notes' bug
    (lambda m, x, y, e=2: m.fit(x / 127.5 - 1, y, epochs=e, batch_size=32, verbose=0), "divided by 255"),
    (lambda m, x, y, e=2: m.fit(scale_pixels(x), y, epochs=e, batch_size=64, verbose=0), "divided by 255"),
])
def test_scaled_input(tmp_path, inputs, right, wrong, message):
    assert right("test_scaled_input") is None
    assert fails(message, judged(tmp_path / "wrong", inputs, "test_scaled_input", {"train_on_pixels": wrong}))


# Task 7 --------------------------------------------------------------------------------------------------

def checkpoint_named_by_the_run(model, x, y, folder, epochs=20):  # the notes' bug, with the name of one run
    checkpoint = keras.callbacks.ModelCheckpoint(os.path.join(folder, "model.{epoch:03d}-{val_loss:.4f}.keras"),
                                                 monitor="val_loss", save_best_only=True)
    history = model.fit(x, y, epochs=epochs, batch_size=16, validation_split=0.2, callbacks=[checkpoint], verbose=0)
    names = sorted(os.listdir(folder))
    return history, keras.models.load_model(os.path.join(folder, names[-1] if epochs == 10 else "model.008-0.1155.keras"))


def last_epoch_model(model, x, y, folder, epochs=20):
    history = model.fit(x, y, epochs=epochs, batch_size=16, validation_split=0.2, verbose=0)
    return history, model


def forged_history(model, x, y, folder, epochs=20):
    """The last epoch's model, with a History whose lowest validation loss is that model's own."""
    history, model = last_epoch_model(model, x, y, folder, epochs)
    loss = float(np.mean(keras.losses.sparse_categorical_crossentropy(y[int(len(x) * 0.8):],
                                                                      model.predict(x[int(len(x) * 0.8):], verbose=0))))
    history.history["val_loss"] = [v + 1 for v in history.history["val_loss"][:-1]] + [loss]
    return history, model


def empty_checkpoint_folders():
    """The calls' folders (in the grading sandbox its own /tmp), emptied as a fresh sandbox has them."""
    import shutil

    for _, call in fix_the_bugs.GRADED["test_checkpoint"].call_ids("test_checkpoint"):
        shutil.rmtree(call.args[3], ignore_errors=True)


@pytest.mark.parametrize("wrong, message", [
    (checkpoint_named_by_the_run, "does not depend on the run"),
    (last_epoch_model, "the model of the last epoch"),
    (forged_history, "not that of the prescribed training"),
    (lambda *args: train_with_checkpoint(*args)[1], "should give 2 values"),
])
def test_checkpoint(tmp_path, inputs, right, wrong, message):
    assert right("test_checkpoint") is None
    empty_checkpoint_folders()
    assert fails(message, judged(tmp_path / "wrong", inputs, "test_checkpoint", {"train_with_checkpoint": wrong}))


def test_checkpoint_calls_pick_an_epoch_before_the_last(inputs):
    """Returning the last epoch's model fails in every call: there, the best epoch is another."""
    x, y = np.load(inputs / "iris_x.npy"), np.load(inputs / "iris_y.npy")
    for _, call in fix_the_bugs.GRADED["test_checkpoint"].call_ids("test_checkpoint"):
        model = keras.models.load_model(inputs / "iris.keras")
        set_seed(call.seed)
        losses = model.fit(x, y, epochs=call.args[4], batch_size=16, validation_split=0.2, verbose=0).history["val_loss"]
        assert int(np.argmin(losses)) != len(losses) - 1, call.describe()


# Task 8 --------------------------------------------------------------------------------------------------

def test_test_evaluation(tmp_path, inputs):
    set_seed(7)
    model = fix_the_bugs.iris_classifier()
    (x, y), (x_test, y_test) = load_tabular("iris")
    model.fit(x, y, epochs=5, batch_size=16, verbose=0)
    loss, accuracy = model.evaluate(x_test, y_test, verbose=0)
    right = {"test_loss": loss, "test_accuracy": accuracy, "best_model": model}
    assert judged(tmp_path / "right", inputs, "test_test_evaluation", variables=right) is None
    train_loss, train_accuracy = model.evaluate(x, y, verbose=0)
    assert fails("evaluate on x_iris_test", judged(tmp_path / "train", inputs, "test_test_evaluation", variables={
        **right, "test_loss": train_loss, "test_accuracy": train_accuracy}))
    assert fails("should be a number", judged(tmp_path / "text", inputs, "test_test_evaluation",
                                              variables={**right, "test_loss": f"{loss}"}))
    assert fails("evaluate on x_iris_test", judged(tmp_path / "other", inputs, "test_test_evaluation", variables={
        **right, "best_model": fix_the_bugs.iris_classifier()}))


# Task 9 --------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("wrong, message", [
    (lambda n: build_regressor(n, chained=False), "not chained"),  # the notes' bug
    (lambda n: build_regressor(n, activation="relu"), "not 'relu'"),
    (lambda n: build_regressor(10), "parameters"),  # right for the visible call only
])
def test_chained(tmp_path, inputs, right, wrong, message):
    assert right("test_chained") is None
    assert fails(message, judged(tmp_path / "wrong", inputs, "test_chained", {"build_regressor": wrong}))


# Task 10 -------------------------------------------------------------------------------------------------

def from_url():
    import urllib.error

    raise urllib.error.URLError("[Errno -3] Temporary failure in name resolution")


def raw_scikit_learn():
    from sklearn.datasets import load_diabetes

    x, y = load_diabetes(return_X_y=True)
    x_train, x_test, y_train, y_test = train_test_split(x, y, random_state=0)
    return (x_train, y_train), (x_test, y_test)


@pytest.mark.parametrize("wrong, message", [
    (from_url, "without a network"),
    (raw_scikit_learn, "x_train is not what load_tabular"),
    (lambda: ((np.zeros((379, 13)), np.zeros(379)), (np.zeros((127, 13)), np.zeros(127))), "331 training"),
    (lambda: load_tabular("diabetes")[0], "should return (x_train, y_train), (x_test, y_test)"),
])
def test_offline_data(tmp_path, inputs, right, wrong, message):
    assert right("test_offline_data") is None
    assert fails(message, judged(tmp_path / "wrong", inputs, "test_offline_data", {"load_regression_data": wrong}))
