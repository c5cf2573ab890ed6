"""The judge's checks of tabular_bn, on right and wrong artifacts (no notebook, no kernel)."""

from __future__ import annotations

import keras
import pytest

import judging

from autograder.assignments import tabular_bn



def judged(folder, grade_id, functions=None, variables=None):
    """The verdict of one graded cell (the calls of tabular_bn read no inputs)."""
    return judging.judged(tabular_bn, folder, folder, grade_id, functions, variables)


def stack(inputs, chained=True, batch_norm=True, bias=False):
    h = inputs
    for _ in range(3):
        h = keras.layers.Dense(8, use_bias=bias)(h if chained else inputs)
        if batch_norm:
            h = keras.layers.BatchNormalization()(h)
        h = keras.layers.Activation("swish")(h)
    return h


def regressor(n_features, **wrong):
    inputs = keras.Input((n_features,))
    return keras.Model(inputs, keras.layers.Dense(1)(stack(inputs, **wrong)))


def classifier(n_features, n_classes, activation="softmax", **wrong):
    inputs = keras.Input((n_features,))
    return keras.Model(inputs, keras.layers.Dense(n_classes, activation=activation)(stack(inputs, **wrong)))


def test_the_networks_of_task_1_pass(tmp_path):
    assert judged(tmp_path / "regressor", "test_regressor_structure", {"build_regressor": regressor}) is None
    assert judged(tmp_path / "classifier", "test_classifier_structure", {"build_classifier": classifier}) is None


@pytest.mark.parametrize("grade_id, function, message", [
    ("test_regressor_structure", lambda n: regressor(n, chained=False), "not chained"),
    ("test_regressor_structure", lambda n: regressor(n, batch_norm=False), "should be a BatchNormalization"),
    ("test_regressor_structure", lambda n: regressor(n, bias=True), "use_bias False"),
    ("test_regressor_structure", lambda n: regressor(10), "parameters"),  # ignores n_features
    ("test_classifier_structure", lambda n, k: classifier(n, k, activation="relu"), "activation 'softmax'"),
    ("test_classifier_structure", lambda n, k: classifier(n, 3), "units 2"),  # ignores n_classes
])
def test_wrong_networks_fail_naming_what_is_wrong(tmp_path, grade_id, function, message):
    name = "build_regressor" if "regressor" in grade_id else "build_classifier"
    assert message in judged(tmp_path, grade_id, {name: function})


def compiled(rates=(0.003, 0.01), losses=("mse", "sparse_categorical_crossentropy")):
    first, second = regressor(10), classifier(4, 3)
    for model, rate, loss in zip((first, second), rates, losses):
        model.compile(optimizer=keras.optimizers.Adam(rate), loss=loss)
    return {"regressor": first, "classifier": second}


@pytest.mark.parametrize("variables, message", [
    (compiled(), None),
    (compiled(rates=(0.01, 0.01)), "learning rate 0.003"),
    (compiled(losses=("mae", "sparse_categorical_crossentropy")), "loss 'mse'"),
    (compiled(losses=("mse", "categorical_crossentropy")), "loss 'sparse_categorical_crossentropy'"),
    ({"regressor": regressor(10), "classifier": compiled()["classifier"]}, "never compiled"),
])
def test_compile_settings_are_read_from_the_saved_models(tmp_path, variables, message):
    found = judged(tmp_path, "test_compile", variables=variables)
    assert found is None if message is None else message in found


@pytest.mark.slow
def test_the_grader_trains_the_architecture_itself(tmp_path):
    """The right networks pass the metric checks; another one is not trained at all."""
    assert judged(tmp_path / "right-mse", "test_regressor_mse", {"build_regressor": regressor}) is None
    assert judged(tmp_path / "right-accuracy", "test_classifier_accuracy", {"build_classifier": classifier}) is None


def test_weights_smuggled_in_as_initialisers_are_not_trained(tmp_path):
    """A network whose initial weights are chosen by the notebook (say, fitted to the test rows) fails
    before the grader trains it."""
    def smuggled(n_features):
        inputs = keras.Input((n_features,))
        outputs = keras.layers.Dense(1, kernel_initializer=keras.initializers.Constant(0.3))(stack(inputs))
        return keras.Model(inputs, outputs)

    found = judged(tmp_path, "test_regressor_mse", {"build_regressor": smuggled})
    assert found.startswith("The grader trains only the network of Task 1") and "initializer" in found
