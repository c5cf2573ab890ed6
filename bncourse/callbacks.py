"""Keras callbacks of the course."""

import time

import keras


class StepBudget(keras.callbacks.Callback):
    """Stop training after ``steps`` training steps; optionally schedule the learning rate over them.

    ``schedule`` maps the fraction of the budget already spent (``steps_done / steps``: 0 before the
    first step, below 1 before the last) to a learning rate, which is set before every training step.
    A schedule therefore follows the step budget, not the epochs or the clock, and a schedule that
    falls to zero at 1 ends exactly when the budget does. Since the budget counts steps, the same
    budget gives the same run on any machine.

    The callback also measures wall-clock time, for the record only: after training,
    ``epoch_seconds`` holds the seconds from the start of training to the end of each epoch
    (validation included), ``seconds_used`` the total, ``steps_done`` the training steps taken and
    ``epochs_done`` those steps in units of epochs, so a run stopped in the middle of an epoch
    reports, e.g., 6.4. Another callback (``EarlyStopping``) may stop the run before the budget is
    spent; ``steps_done`` then says where.
    """

    def __init__(self, steps, schedule=None):
        super().__init__()
        if steps < 1:
            raise ValueError(f"a step budget needs at least one step, not {steps}")
        self.steps, self.schedule = int(steps), schedule

    def on_train_begin(self, logs=None):
        self.start, self.steps_done, self.epoch_seconds = time.perf_counter(), 0, []

    def on_train_batch_begin(self, batch, logs=None):
        if self.schedule is not None:
            self.model.optimizer.learning_rate.assign(self.schedule(self.steps_done / self.steps))

    def on_train_batch_end(self, batch, logs=None):
        self.steps_done += 1
        if self.steps_done >= self.steps:
            self.model.stop_training = True

    def on_epoch_end(self, epoch, logs=None):
        self.epoch_seconds.append(self.elapsed)

    def on_train_end(self, logs=None):
        self.seconds_used = self.elapsed
        self.epochs_done = self.steps_done / self.params["steps"]

    @property
    def elapsed(self):
        return time.perf_counter() - self.start
