"""Keras callbacks of the course."""

import time

import keras


class TimeBudget(keras.callbacks.Callback):
    """Stop training once ``seconds`` of wall-clock time are spent; optionally schedule the learning rate.

    ``schedule`` maps the fraction of the budget already spent (0 to 1) to a learning rate, which is
    set before every training step. After training, ``epoch_seconds`` holds the time at the end of
    each epoch, ``seconds_used`` the total, and ``epochs_done`` the finished steps in units of epochs,
    so a run stopped in the middle of an epoch reports, e.g., 6.4.
    """

    def __init__(self, seconds, schedule=None):
        super().__init__()
        self.seconds, self.schedule = seconds, schedule

    def on_train_begin(self, logs=None):
        self.start, self.steps, self.epoch_seconds = time.perf_counter(), 0, []

    def on_train_batch_begin(self, batch, logs=None):
        if self.schedule is not None:
            self.model.optimizer.learning_rate.assign(self.schedule(min(self.elapsed / self.seconds, 1.0)))

    def on_train_batch_end(self, batch, logs=None):
        self.steps += 1
        if self.elapsed >= self.seconds:
            self.model.stop_training = True

    def on_epoch_end(self, epoch, logs=None):
        self.epoch_seconds.append(self.elapsed)

    def on_train_end(self, logs=None):
        self.seconds_used = self.elapsed
        self.epochs_done = self.steps / self.params["steps"]

    @property
    def elapsed(self):
        return time.perf_counter() - self.start
