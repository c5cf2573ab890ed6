"""Helpers shared by the two CIFAR-10 chapters: the data split, augmentation, a time budget, curves."""

import time

import keras
import matplotlib.pyplot as plt
from matplotlib.ticker import MaxNLocator
from sklearn.model_selection import train_test_split

from bncourse.data import load_cifar10


def cifar10_splits(val_size=0.2, seed=0):
    """The CIFAR-10 course subset scaled to [0, 1], split for honest model selection.

    Returns ``(x_train, y_train), (x_val, y_val), (x_test, y_test)``: a stratified train/validation
    split of the 4,660 training images (the validation part is never trained on) and the 932 test
    images. Labels are flat integer arrays.
    """
    (x, y), (x_test, y_test) = load_cifar10()
    x, x_test = x.astype("float32") / 255, x_test.astype("float32") / 255
    y, y_test = y.ravel(), y_test.ravel()
    x_train, x_val, y_train, y_val = train_test_split(
        x, y, test_size=val_size, stratify=y, random_state=seed
    )
    return (x_train, y_train), (x_val, y_val), (x_test, y_test)


def augmentation(shift=0.1):
    """Random horizontal flips and shifts of up to ``shift`` of the image size (training only)."""
    return keras.Sequential(
        [
            keras.layers.RandomFlip("horizontal"),
            keras.layers.RandomTranslation(shift, shift, fill_mode="reflect"),
        ],
        name="augmentation",
    )


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


def plot_curves(histories, metric="accuracy", ax=None):
    """Training (dashed) and validation (solid) ``metric`` per epoch.

    ``histories`` maps a label to a ``History.history`` dict (metric name to a list of per-epoch values).
    """
    if ax is None:
        ax = plt.figure().gca()
    for i, (label, history) in enumerate(histories.items()):
        epochs = range(1, len(history[metric]) + 1)
        ax.plot(epochs, history[metric], "--", color=f"C{i}", label=f"{label}: training")
        ax.plot(epochs, history[f"val_{metric}"], "-", color=f"C{i}", label=f"{label}: validation")
    ax.set_xlabel("epoch")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylabel(metric)
    ax.legend(fontsize=8)
    return ax
