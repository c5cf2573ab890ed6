"""Artifacts round trip: what a kernel saves is what the judge reads, and nothing else."""

import keras
import numpy as np
import pytest

from autograder.artifacts import Artifacts
from bncourse.artifacts import call_and_save, save


def small_model():
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    model.compile(optimizer="adam", loss="mse")
    return model


def test_a_history_keeps_its_values_and_its_model(tmp_path):
    model = small_model()
    history = model.fit(np.ones((8, 3)), np.zeros((8, 2)), epochs=2, verbose=0)
    save(tmp_path, "run", history)
    artifacts = Artifacts(tmp_path)
    assert len(artifacts.history("run")["loss"]) == 2
    assert all(np.array_equal(a, b) for a, b in zip(artifacts.get("run.model").get_weights(), model.get_weights()))


def test_a_tuple_of_arrays_and_models_is_saved_item_by_item(tmp_path):
    save(tmp_path, "pair", (np.arange(3), small_model()))
    artifacts = Artifacts(tmp_path)
    first, second = artifacts.parts("pair", 2)
    assert artifacts.get(first).tolist() == [0, 1, 2] and isinstance(artifacts.get(second), keras.Model)
    with pytest.raises(AssertionError, match="should give 3 values"):
        artifacts.parts("pair", 3)


def test_something_else_is_no_history(tmp_path):
    save(tmp_path, "run", {"loss": [0.5, 0.4]})
    with pytest.raises(AssertionError, match="should be the History that fit returns, not a dict"):
        Artifacts(tmp_path).history("run")


def test_a_seeded_call_is_replayable(tmp_path):
    """With a seed the call starts from a known random state, so the judge can draw the same numbers."""
    call_and_save(tmp_path, "draw", lambda: keras.random.uniform((3,)).numpy(), [], tmp_path, seed=7)
    from bncourse.seeding import set_seed

    set_seed(7)
    assert np.array_equal(Artifacts(tmp_path).get("draw"), keras.random.uniform((3,)).numpy())


def test_a_kept_argument_is_saved_as_the_call_left_it(tmp_path):
    """A function that compiles the model it is given returns nothing; the model itself is judged."""
    small_model().save(tmp_path / "m.keras")
    call_and_save(tmp_path, "compiled", lambda model: model.compile(optimizer="sgd", loss="mae"),
                  [{"model": "m.keras"}], tmp_path, keep_arg=0)
    assert Artifacts(tmp_path).compile_config("compiled.arg")["loss"] == "mae"


def test_callbacks_are_saved_as_their_class_and_settings(tmp_path):
    save(tmp_path, "callbacks", [keras.callbacks.EarlyStopping(monitor="val_loss", patience=4)])
    [saved] = Artifacts(tmp_path).get("callbacks")
    assert saved["class"] == "EarlyStopping" and saved["patience"] == 4 and saved["monitor"] == "val_loss"


def test_a_tuple_saved_item_by_item_reads_back_as_a_list(tmp_path):
    save(tmp_path, "triple", (np.zeros(2), np.ones(2), np.arange(2)))
    assert [part.tolist() for part in Artifacts(tmp_path).get("triple")] == [[0, 0], [1, 1], [0, 1]]
