"""Many seeded runs on one compiled model: the training step is traced once, not once per run."""

import keras


def fresh_start(model, fresh, learning_rate) -> None:
    """Give the compiled ``model`` the whole initial state of ``fresh``, a new model of the same
    architecture built under the run's seed (weights, BN moving averages, the random state of
    augmentation and Dropout layers), zero its optimiser's state (moments, step counter) and set its
    learning rate: training it then gives the run a brand-new compiled model would."""
    for variable, value in zip(model.variables, fresh.variables, strict=True):
        variable.assign(value)
    for variable in model.optimizer.variables:
        variable.assign(keras.ops.zeros_like(variable))
    model.optimizer.learning_rate.assign(learning_rate)
