"""A hand-written training loop's pieces, for the BN chapters that stop training after any number of
steps and measure in between: one plain SGD step, and two measurements."""

import keras
import numpy as np
import tensorflow as tf


def sgd_step_function(model, learning_rate):
    """A compiled function that takes one plain SGD step of `model` on a batch
    (x, y)."""
    optimizer = keras.optimizers.SGD(learning_rate)
    loss_fn = keras.losses.SparseCategoricalCrossentropy()

    @tf.function
    def step(x, y):
        with tf.GradientTape() as tape:
            # training=True: BN normalises with the batch statistics
            loss = loss_fn(y, model(x, training=True))
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))

    return step


def accuracy(probabilities, labels):
    """Share of examples whose most probable class is the label."""
    return float(np.mean(np.argmax(probabilities, axis=1) == labels))


def with_batch_statistics(model, x):
    """`model(x, training=True)`, so BN normalises `x` with its own statistics;
    the moving averages, which such a call updates, are put back afterwards."""
    saved = [variable.numpy() for variable in model.non_trainable_variables]
    outputs = model(x, training=True)
    for variable, value in zip(model.non_trainable_variables, saved):
        variable.assign(value)
    return outputs
