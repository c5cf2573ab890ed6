"""The judge's checks of lenet_bn, on right and wrong artifacts (no notebook, no kernel)."""

from __future__ import annotations

import keras
import numpy as np
import pytest

import judging

from autograder.assignments import lenet_bn


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("inputs")
    lenet_bn.prepare_inputs(folder)
    return folder



def judged(folder, inputs, grade_id, functions=None, variables=None):
    """The verdict of one graded cell of lenet_bn."""
    return judging.judged(lenet_bn, folder, inputs, grade_id, functions, variables)


@pytest.mark.parametrize("wrong, message", [
    (lambda d: (d[..., None] / 255.0).astype("float32"), "pad 2 pixels"),
    (lambda d: np.pad(d, ((0, 0), (2, 2), (2, 2)))[..., None].astype("float32"), "scale the pixels"),
    (lambda d: np.pad(d, ((0, 0), (2, 2), (2, 2)))[..., None] / 255.0, "float32"),
    (lambda d: (np.pad(d, ((0, 0), (4, 0), (4, 0)))[..., None] / 255.0).astype("float32"), "middle"),
])
def test_prepare_passes_the_right_images_and_fails_wrong_ones(tmp_path, inputs, wrong, message):
    assert judged(tmp_path / "right", inputs, "test_prepare", {"prepare": lenet_bn.lenet_images}) is None
    assert message in judged(tmp_path / "wrong", inputs, "test_prepare", {"prepare": wrong})


def test_structure_fails_bn_after_pooling(tmp_path, inputs):
    def after_pooling(batch_norm):
        model = lenet_bn.expected_lenet(False)
        if not batch_norm:
            return model
        layers = list(model.layers)
        layers.insert(2, keras.layers.BatchNormalization())
        return keras.Sequential([keras.Input((32, 32, 1)), *[type(l).from_config(l.get_config()) for l in layers]])

    assert judged(tmp_path / "right", inputs, "test_structure", {"build_lenet": lenet_bn.expected_lenet}) is None
    assert "should be a BatchNormalization" in judged(tmp_path / "wrong", inputs, "test_structure",
                                                      {"build_lenet": after_pooling})


@pytest.mark.parametrize("metrics, loss, message", [
    (["accuracy"], "sparse_categorical_crossentropy", None),
    (["categorical_accuracy"], "sparse_categorical_crossentropy", "one-hot"),
    (["accuracy"], "mse", "sparse categorical cross-entropy"),
    ([], "sparse_categorical_crossentropy", "accuracy metric"),
])
def test_compile_reads_the_saved_settings(tmp_path, inputs, metrics, loss, message):
    models = {}
    for name in ("model_bn", "model_plain"):
        models[name] = lenet_bn.expected_lenet(name == "model_bn")
        models[name].compile(optimizer="adam", loss=loss, metrics=metrics)
    found = judged(tmp_path, inputs, "test_compile", variables=models)
    assert found is None if message is None else message in found


def test_prediction_is_recomputed_from_the_model_and_the_picture(tmp_path, inputs):
    """A predicted digit that is not the model's own answer for the prepared picture fails."""
    model = lenet_bn.expected_lenet(True)
    import cv2

    picture = lenet_bn.lenet_images(cv2.imread(str(inputs / "digit.png"), cv2.IMREAD_GRAYSCALE)[None])
    answer = int(np.argmax(model.predict(picture, verbose=0)[0]))
    wrong = (answer + 1) % 10
    assert "but predicted_digit is" in judged(tmp_path / "a", inputs, "test_prediction",
                                              variables={"predicted_digit": wrong, "model_bn": model})
    assert "should be an int" in judged(tmp_path / "b", inputs, "test_prediction",
                                        variables={"predicted_digit": float(answer), "model_bn": model})
