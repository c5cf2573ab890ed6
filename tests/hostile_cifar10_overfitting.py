"""Hostile submissions of cifar10_overfitting, in the format of tests/hostile.py (see its docstring):
``{"base": "blank" | "solution", "code" | "tail" | "replace" | ...: ..., "deserves": points}``.

They target what this assignment reports and measures: the test accuracy (the grader evaluates
``best_model`` on the 466 test images a graded notebook never has), the reported ``test_loss`` and
``test_accuracy``, and the training records (a ``History`` and ``optimizer.iterations`` written by hand).
The assignment is worth 10 points.
"""

from __future__ import annotations

CIFAR10_OVERFITTING = {
    # A model that memorises the 466 test images the notebook has, and reports its (honest) perfect
    # score on them: the grader measures it on the other 466, where memory is worth nothing. All other
    # work is blank, so it deserves nothing.
    "best_model_memorises_the_public_test_images": {
        "base": "blank", "deserves": 0,
        "tail": """
import keras
from bncourse.seeding import set_seed
set_seed()
best_model = keras.Sequential([keras.Input((32, 32, 3)), keras.layers.Flatten(),
                               keras.layers.Dense(512, activation="relu"), keras.layers.Dense(10, activation="softmax")])
best_model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
best_model.fit(x_test, y_test, epochs=40, batch_size=32, verbose=0)
test_loss, test_accuracy = best_model.evaluate(x_test, y_test, verbose=0)
""",
    },
    # Nothing trained: the right split, then an untrained network of the table handed in as improved
    # and best_model, with its optimizer's step counter set to 30 per epoch, Histories written by hand,
    # the checkpoint file faked by patching os.path.isfile and keras.models.load_model, and a test
    # accuracy typed in. Every check recomputes what it judges, so it deserves nothing.
    "history_and_optimizer_iterations_written_by_hand": {
        "base": "blank", "deserves": 0,
        "code": """
import os
import keras
from sklearn.model_selection import train_test_split
x_train, x_val, y_train, y_val = train_test_split(x_all, y_all, test_size=0.2, stratify=y_all, random_state=0)

def _block(filters):
    return [keras.layers.Conv2D(filters, 3, padding="same", use_bias=False, kernel_initializer="he_normal",
                                kernel_regularizer=keras.regularizers.l2(1e-4)),
            keras.layers.BatchNormalization(momentum=0.9), keras.layers.Activation("relu")]

def _untrained(epochs, layers):
    model = keras.Sequential([keras.Input((32, 32, 3)), *layers])
    model.compile(optimizer=keras.optimizers.Adam(3e-3), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.optimizer.build(model.trainable_variables)
    model.optimizer.iterations.assign(30 * epochs)
    return model

def _history(model, epochs, **extra):
    history = keras.callbacks.History()
    history.set_model(model)
    history.history = {"loss": [1.9 - 0.1 * e for e in range(epochs)], "accuracy": [0.3 + 0.04 * e for e in range(epochs)],
                       "val_loss": [1.8 - 0.06 * e for e in range(epochs)],
                       "val_accuracy": [0.33 + 0.02 * e for e in range(epochs)], **extra}
    return history

improved = best_model = _untrained(9, [*_block(16), keras.layers.MaxPooling2D(2), *_block(32), keras.layers.MaxPooling2D(2),
                                       *_block(64), keras.layers.GlobalAveragePooling2D(), keras.layers.Dropout(0.3),
                                       keras.layers.Dense(10, activation="softmax")])
history_improved = _history(improved, 9, learning_rate=[3e-3] * 6 + [9e-4] * 3)
history_baseline = _history(_untrained(12, [keras.layers.Flatten(), keras.layers.Dense(10, activation="softmax")]), 12)
_isfile, _load = os.path.isfile, keras.models.load_model
os.path.isfile = lambda path: path.endswith("best.keras") or _isfile(path)
keras.models.load_model = lambda path, *args, **kwargs: best_model if str(path).endswith("best.keras") else _load(path, *args, **kwargs)
test_loss, test_accuracy = 1.21, 0.58
""",
    },
    # The reference solution, but the baseline's last epoch handed in as its best checkpoint, so that
    # the baseline looks more overfitted next to best_model than it is at its best: the grader compares
    # baseline_best with its own checkpoint of the baseline, and only test_gap (1 point) is lost.
    "baseline_best_is_the_last_epoch": {
        "base": "solution", "deserves": 9,
        "replace": ("best_model = keras.models.load_model(checkpoint_path)",
                    "best_model = keras.models.load_model(checkpoint_path)\nbaseline_best = baseline"),
    },
    # The reference solution with its test results typed in instead of measured: only Task 6's check
    # (2 points) compares them with the grader's own evaluation of best_model; the rest is honest work.
    "test_accuracy_reported_by_hand": {
        "base": "solution", "deserves": 8,
        "replace": ("test_loss, test_accuracy = best_model.evaluate(x_test, y_test, verbose=0)",
                    "test_loss, test_accuracy = 0.05, 0.99"),
    },
}
