"""The seeding helper makes Keras training reproducible on a CPU."""

import logging
import os
import subprocess
import sys

import numpy as np
import pytest

from bncourse.seeding import set_seed


def train_tiny_model(seed):
    """Build and train a small BN model on random data; return its weights."""
    import keras

    set_seed(seed)
    x = np.random.normal(size=(256, 8)).astype("float32")
    y = (x.sum(axis=1) > 0).astype("int64")
    model = keras.Sequential([
        keras.Input((8,)),
        keras.layers.Dense(16),
        keras.layers.BatchNormalization(),
        keras.layers.Activation("relu"),
        keras.layers.Dropout(0.2),
        keras.layers.Dense(2, activation="softmax"),
    ])
    model.compile("adam", "sparse_categorical_crossentropy")
    model.fit(x, y, epochs=2, batch_size=32, shuffle=True, verbose=0)
    return model.get_weights()


def test_same_seed_gives_identical_weights():
    """Two runs with one seed end with bit-identical weights (init, shuffling, dropout all seeded)."""
    first, second = train_tiny_model(7), train_tiny_model(7)
    assert all(np.array_equal(a, b) for a, b in zip(first, second))


def test_other_seed_gives_different_weights():
    """Another seed gives other weights, so the test above is not passing by accident."""
    first, other = train_tiny_model(7), train_tiny_model(8)
    assert not all(np.array_equal(a, b) for a, b in zip(first, other))


def quiet_run(code: str) -> str:
    """Run ``code`` in a fresh Python with no TF_CPP_MIN_LOG_LEVEL set; return its stderr."""
    env = {k: v for k, v in os.environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"}
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stderr


@pytest.mark.slow  # starts two Pythons that each import TensorFlow
def test_importing_bncourse_first_quiets_tensorflow():
    """Any bncourse module imported before TensorFlow silences its C++ log messages; the seeding
    module quiets TensorFlow's Python logger."""
    assert "cpu_feature_guard" in quiet_run("import tensorflow"), "TensorFlow no longer prints this notice"
    assert "cpu_feature_guard" not in quiet_run("import bncourse.data; import tensorflow")
    import tensorflow as tf

    assert tf.get_logger().level == logging.ERROR
