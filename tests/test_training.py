"""A run on a reused compiled model, after fresh_start, is the run of a brand-new model."""

import numpy as np
import keras

from bncourse.seeding import set_seed
from bncourse.training import fresh_start


def build():
    return keras.Sequential([keras.Input((4,)), keras.layers.Dense(8, use_bias=False),
                             keras.layers.BatchNormalization(), keras.layers.Dropout(0.3),
                             keras.layers.Dense(3, activation="softmax")])


def compiled(model):
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy")
    return model


def test_a_reused_model_trains_as_a_new_one():
    x = np.random.default_rng(0).normal(size=(64, 4)).astype("float32")
    y = np.arange(64) % 3
    set_seed(1)
    new = compiled(build())
    new.fit(x, y, epochs=2, batch_size=16, verbose=0)
    set_seed(0)
    reused = compiled(build())
    reused.fit(x, y, epochs=2, batch_size=16, verbose=0)  # an earlier run, with another seed
    reused.optimizer.learning_rate.assign(0.5)           # and a changed learning rate
    set_seed(1)
    fresh_start(reused, build(), 0.01)
    reused.fit(x, y, epochs=2, batch_size=16, verbose=0)
    for a, b in zip(new.weights, reused.weights):
        np.testing.assert_allclose(a.numpy(), b.numpy(), atol=1e-6)
