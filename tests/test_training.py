"""A run on a reused compiled model, after fresh_start, is the run of a brand-new model: with BN,
Dropout and the course's augmentation layers, under Adam and under AdamW with the recipe's exclusions."""

import numpy as np
import keras
import pytest

from bncourse.augment import augmentation
from bncourse.seeding import set_seed
from bncourse.training import fresh_start


def build():
    return keras.Sequential([keras.Input((6, 6, 1)), augmentation(), keras.layers.Flatten(),
                             keras.layers.Dense(8, use_bias=False), keras.layers.BatchNormalization(),
                             keras.layers.Dropout(0.3), keras.layers.Dense(3, activation="softmax")])


def adam():
    return keras.optimizers.Adam(0.01)


def adamw():
    optimizer = keras.optimizers.AdamW(0.01, weight_decay=5e-3)
    optimizer.exclude_from_weight_decay(var_names=["bias", "gamma", "beta"])
    return optimizer


def compiled(model, optimizer):
    model.compile(optimizer=optimizer(), loss="sparse_categorical_crossentropy")
    return model


@pytest.mark.parametrize("optimizer", [adam, adamw])
def test_a_reused_model_trains_as_a_new_one(optimizer):
    x = np.random.default_rng(0).normal(size=(64, 6, 6, 1)).astype("float32")
    y = np.arange(64) % 3
    set_seed(1)
    new = compiled(build(), optimizer)
    new.fit(x, y, epochs=2, batch_size=16, verbose=0)
    set_seed(0)
    reused = compiled(build(), optimizer)
    reused.fit(x, y, epochs=2, batch_size=16, verbose=0)  # an earlier run, with another seed
    reused.optimizer.learning_rate.assign(0.5)           # and a changed learning rate
    set_seed(1)
    fresh_start(reused, build(), 0.01)
    reused.fit(x, y, epochs=2, batch_size=16, verbose=0)
    for a, b in zip(new.weights, reused.weights):
        np.testing.assert_allclose(a.numpy(), b.numpy(), atol=1e-6)


def test_a_restart_that_keeps_the_random_layers_state_is_caught():
    """The check above can fail: copying the weights and moving averages but not the random state of
    the augmentation and Dropout layers leaves the reused model's run different from a new one."""
    x = np.random.default_rng(0).normal(size=(64, 6, 6, 1)).astype("float32")
    y = np.arange(64) % 3
    set_seed(1)
    new = compiled(build(), adam)
    new.fit(x, y, epochs=2, batch_size=16, verbose=0)
    set_seed(0)
    reused = compiled(build(), adam)
    reused.fit(x, y, epochs=2, batch_size=16, verbose=0)
    set_seed(1)
    for variable, value in zip(reused.weights, build().weights, strict=True):  # no seed-generator state
        variable.assign(value)
    for variable in reused.optimizer.variables:
        variable.assign(keras.ops.zeros_like(variable))
    reused.optimizer.learning_rate.assign(0.01)
    reused.fit(x, y, epochs=2, batch_size=16, verbose=0)
    assert not all(np.allclose(a.numpy(), b.numpy(), atol=1e-6) for a, b in zip(new.weights, reused.weights))
