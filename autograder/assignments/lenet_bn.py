"""lenet_bn: BN in a deepened LeNet on MNIST, one epoch with and without BN, a digit read from a PNG."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from autograder.checks import check_structure
from autograder.evaluate import evaluate_model
from autograder.spec import Call, Graded
from autograder.thresholds import judge_metric

DIGIT = 2  # the digit bncourse.images.write_digit_png draws for Task 4


def lenet_images(digits: np.ndarray) -> np.ndarray:
    """The network's input, as Task 1 prescribes: 28x28 uint8 -> float32 (n, 32, 32, 1) in 0..1, padded by 2."""
    return (np.pad(digits, ((0, 0), (2, 2), (2, 2)))[..., None] / 255.0).astype("float32")


def expected_lenet(batch_norm: bool):
    """The network of the table, built by the grader."""
    import keras

    layers = keras.layers

    def conv(filters):
        block = [layers.Conv2D(filters, 5, activation="tanh")]
        return block + [layers.BatchNormalization()] if batch_norm else block

    return keras.Sequential([
        keras.Input((32, 32, 1)),
        *conv(6), layers.AveragePooling2D(2), *conv(16), layers.AveragePooling2D(2), *conv(120),
        layers.Flatten(), layers.Dense(84, activation="tanh"), layers.Dense(10, activation="softmax"),
    ])


def graded_rows():
    """The MNIST test rows the grader evaluates on, which a graded notebook never has."""
    from bncourse.data import load_private_test

    digits, labels = load_private_test("mnist")
    return lenet_images(digits), labels


def prepare_inputs(folder: Path) -> None:
    """Digits for the prepare calls (visible: test rows; graded: training rows) and the PNG."""
    from bncourse.data import load_mnist
    from bncourse.images import write_digit_png

    (train, _), (test, _) = load_mnist()
    np.save(folder / "digits_visible.npy", test[:8], allow_pickle=False)
    np.save(folder / "digits_graded.npy", train[-16:], allow_pickle=False)
    write_digit_png(str(folder / "digit.png"), DIGIT)


def check_prepare(artifacts, calls):
    """prepare gives exactly the padded, scaled float32 images."""
    for call_id, call in calls:
        what = call.describe()
        got = artifacts.get(call_id, what)
        digits = np.load(artifacts.inputs / call.args[0]["array"])
        want = lenet_images(digits)
        assert isinstance(got, np.ndarray), f"{what} should return a NumPy array, not a {artifacts.type_name(call_id)}."
        assert got.shape == want.shape, f"{what} has shape {got.shape}, expected {want.shape}: pad 2 pixels on every side and add a channel axis."
        assert got.dtype == np.float32, f"{what} should be float32, not {got.dtype}."
        assert got.max() <= 1.0, f"{what}: scale the pixels to 0..1 (divide by 255)."
        assert np.allclose(got, want), f"{what}: the 28x28 digit should sit in the middle, padded with black (0)."


def check_lenet(artifacts, calls):
    """build_lenet(True) has BN right after each convolution; build_lenet(False) has none."""
    for call_id, call in calls:
        check_structure(artifacts.get(call_id, call.describe()), expected_lenet(*call.args), variable=call.describe())


def check_compile(artifacts, calls):
    """Both models use sparse categorical cross-entropy and an accuracy metric made for integer labels."""
    for name in ("model_bn", "model_plain"):
        config = artifacts.compile_config(name)
        loss = str(config.get("loss"))
        assert "sparse_categorical_crossentropy" in loss.lower() or "SparseCategoricalCrossentropy" in loss, (
            f"{name} should be compiled with the sparse categorical cross-entropy loss, not {loss}.")
        metrics = str(config.get("metrics")).lower()
        assert "categorical_accuracy" not in metrics.replace("sparse_categorical_accuracy", ""), (
            f"{name} uses categorical_accuracy, which expects one-hot labels; with integer labels use 'accuracy'.")
        assert "accuracy" in metrics, f"{name} should be compiled with an accuracy metric."


def check_bn_metrics(artifacts, calls):
    """The grader evaluates model_bn itself on test rows the notebook never had."""
    x, y = graded_rows()
    found = evaluate_model(artifacts.get("model_bn"), x, y, "classification")
    judge_metric("lenet_bn", "bn_test_accuracy", found["accuracy"], "The test accuracy of model_bn")
    judge_metric("lenet_bn", "bn_test_loss", found["loss"], "The test loss of model_bn")


def check_prediction(artifacts, calls):
    """predicted_digit is what model_bn predicts for the picture (a 2), prepared like the training images."""
    import cv2

    predicted = artifacts.get("predicted_digit")
    if artifacts.type_name("predicted_digit") != "int":
        raise AssertionError(f"predicted_digit should be an int, not a {artifacts.type_name('predicted_digit')}.")
    picture = lenet_images(cv2.imread(str(artifacts.inputs / "digit.png"), cv2.IMREAD_GRAYSCALE)[None])
    expected = int(np.argmax(artifacts.get("model_bn").predict(picture, verbose=0)[0]))
    assert predicted == expected, (
        f"model_bn predicts {expected} for the prepared picture, but predicted_digit is {predicted}: "
        "prepare the image exactly as the training images.")
    assert predicted == DIGIT, f"The picture shows a {DIGIT}, but your model reads {predicted}."


def baselines() -> dict:
    """Trivial answers every metric threshold must fail: the majority class, a uniform guess, an untrained net."""
    from bncourse.seeding import set_seed

    x, y = graded_rows()
    majority = np.mean(y == np.bincount(y).argmax())
    set_seed(0)
    untrained = evaluate_model(expected_lenet(True), x, y, "classification")
    return {
        "bn_test_accuracy": {"majority class": float(majority), "untrained model": untrained["accuracy"]},
        "bn_test_loss": {"uniform guess": float(np.log(10)), "untrained model": untrained["loss"]},
    }


HIGHER_IS_BETTER = {"bn_test_accuracy": True, "bn_test_loss": False}

GRADED = {
    "test_prepare": Graded(check=check_prepare, calls=(
        Call("prepare", ({"array": "digits_visible.npy", "label": "8 test digits"},), visible=True),
        Call("prepare", ({"array": "digits_graded.npy", "label": "16 digits"},)))),
    "test_structure": Graded(check=check_lenet, calls=(
        Call("build_lenet", (True,), visible=True), Call("build_lenet", (False,), visible=True))),
    "test_compile": Graded(check=check_compile, variables=("model_bn", "model_plain")),
    "test_bn_accuracy": Graded(check=check_bn_metrics, variables=("model_bn",)),
    "test_prediction": Graded(check=check_prediction, variables=("predicted_digit", "model_bn")),
}
