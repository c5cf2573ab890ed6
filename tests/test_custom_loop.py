"""The hand-written SGD step is one step of plain SGD; the batch-statistics measurement leaves BN's
moving averages as they were."""

import numpy as np
import keras

from bncourse.custom_loop import accuracy, sgd_step_function, with_batch_statistics
from bncourse.seeding import set_seed


def bn_model():
    return keras.Sequential([keras.Input((4,)), keras.layers.Dense(6, use_bias=False),
                             keras.layers.BatchNormalization(), keras.layers.Dense(3, activation="softmax")])


def data():
    x = np.random.default_rng(0).normal(size=(32, 4)).astype("float32")
    return x, np.arange(32) % 3


def test_the_step_is_one_plain_sgd_step():
    x, y = data()
    set_seed(0)
    model = bn_model()
    start = model.layers[0].kernel.numpy()
    twin = keras.models.clone_model(model)
    twin.set_weights(model.get_weights())
    twin.compile(optimizer=keras.optimizers.SGD(0.1), loss="sparse_categorical_crossentropy")
    sgd_step_function(model, 0.1)(x, y)
    twin.train_on_batch(x, y)
    assert not np.allclose(model.layers[0].kernel.numpy(), start)
    for a, b in zip(model.weights, twin.weights):
        np.testing.assert_allclose(a.numpy(), b.numpy(), atol=1e-6)


def test_batch_statistics_leave_the_moving_averages_alone():
    x, _ = data()
    shifted = x * 5 + 3  # far from the moving averages' starting values (mean 0, variance 1)
    set_seed(0)
    model = bn_model()
    before = [v.numpy() for v in model.non_trainable_variables]
    outputs = with_batch_statistics(model, shifted)
    for a, b in zip(before, model.non_trainable_variables):
        np.testing.assert_array_equal(a, b.numpy())
    assert not np.allclose(outputs.numpy(), model(shifted, training=False).numpy(), atol=1e-3)
    np.testing.assert_allclose(outputs.numpy(), model(shifted, training=True).numpy(), atol=1e-6)


def test_accuracy_counts_the_most_probable_class():
    probabilities = np.array([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8], [0.3, 0.4, 0.3]])
    assert accuracy(probabilities, np.array([0, 2, 0])) == 2 / 3
