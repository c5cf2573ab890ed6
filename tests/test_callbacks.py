"""The course's Keras callbacks: a step budget that stops training and schedules the learning rate."""

import numpy as np
import pytest

from bncourse.seeding import set_seed


def learning_rate_recorder():
    """A callback that records the learning rate in force at every training step (put it after the
    budget, so it sees the rate the budget has just set)."""
    import keras

    class Recorder(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            self.rates = []

        def on_train_batch_begin(self, batch, logs=None):
            self.rates.append(float(self.model.optimizer.learning_rate.numpy()))

    return Recorder()


def tiny_model():
    import keras

    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="softmax")])
    model.compile(keras.optimizers.SGD(0.5), "sparse_categorical_crossentropy")
    return model


def fit_with(budget, epochs=100, extra=()):
    """Fit the tiny model on 50 examples in batches of 10 (5 steps per epoch) with ``budget``."""
    set_seed(0)
    x = np.random.normal(size=(50, 4)).astype("float32")
    y = np.arange(50) % 3
    model = tiny_model()
    history = model.fit(x, y, batch_size=10, epochs=epochs, verbose=0, callbacks=[budget, *extra])
    return model, history


def test_training_stops_after_the_budget_of_steps_even_inside_an_epoch():
    """12 steps of 5 per epoch: the run stops in its third epoch, which reports 2.4 epochs."""
    from bncourse.callbacks import StepBudget

    budget = StepBudget(12)
    _, history = fit_with(budget)
    assert budget.steps_done == 12
    assert budget.epochs_done == pytest.approx(2.4)
    assert len(history.history["loss"]) == 3
    assert len(budget.epoch_seconds) == 3
    assert budget.seconds_used >= budget.epoch_seconds[-1] > 0


def test_the_schedule_gets_the_fraction_of_the_step_budget_before_each_step():
    """The learning rate of step k is schedule(k / steps), for every step and only for the budget."""
    from bncourse.callbacks import StepBudget

    recorder = learning_rate_recorder()
    fit_with(StepBudget(8, schedule=lambda fraction: 1 - fraction), extra=[recorder])
    assert recorder.rates == pytest.approx([1 - k / 8 for k in range(8)])


def test_without_a_schedule_the_learning_rate_is_left_alone():
    """No schedule: the optimiser keeps its own learning rate."""
    from bncourse.callbacks import StepBudget

    model, _ = fit_with(StepBudget(3))
    assert float(model.optimizer.learning_rate.numpy()) == pytest.approx(0.5)


def test_a_shorter_fit_ends_before_the_budget_and_says_so():
    """If fit's epochs run out first (or EarlyStopping stops it), steps_done says where it ended."""
    from bncourse.callbacks import StepBudget

    budget = StepBudget(100)
    fit_with(budget, epochs=2)
    assert budget.steps_done == 10
    assert budget.epochs_done == pytest.approx(2.0)


def test_an_empty_budget_is_refused():
    from bncourse.callbacks import StepBudget

    with pytest.raises(ValueError):
        StepBudget(0)
