"""Hostile submissions for fix_the_bugs, in the format of tests/hostile.py, whose HOSTILE includes them.

Each case is ``{"base": "blank" | "solution", "code" | "replace" | "edit": ..., "deserves": points}``; the
assignment has 12 points. The attacks aim at what the old in-kernel tests believed: a History's
numbers, the model a History points to, a loss that matches the History it came with, a metric that
reports the expected value, and functions that are right only on the inputs the visible test uses.
"""

from __future__ import annotations

import copy


def append_to_answers(additions: dict) -> callable:
    """An ``edit``: ``additions[grade_id]`` appended to the answer cell with that grade_id."""
    def edit(notebook: dict) -> dict:
        notebook = copy.deepcopy(notebook)
        for cell in notebook["cells"]:
            grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
            if grade_id in additions:
                cell["source"] = "".join(cell["source"]) + "\n\n" + additions[grade_id]
        return notebook
    return edit


FIX_THE_BUGS = {
    # Hand-made Histories (plausible losses, models that never trained) and made-up test metrics of an
    # untrained model: the judge replays the runs and evaluates the model itself, so nothing is worth a point.
    "forged_histories_and_test_metrics": {
        "base": "blank", "deserves": 0,
        "code": """
import keras

def _untrained(inputs, classes):
    model = keras.Sequential([keras.Input((inputs,)), keras.layers.Dense(64, activation="relu"),
                              keras.layers.Dense(classes, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model

def _forged(losses):
    history = keras.callbacks.History()
    history.history = {"loss": list(losses)}
    history.set_model(_untrained(784, 10))
    return history

history_no_shuffle, history_shuffle = _forged([1.31, 0.52]), _forged([1.28, 0.49])
best_model = _untrained(4, 3)
test_loss, test_accuracy = 0.0713, 0.9737
""",
    },
    # Right exactly where the visible test looks (100 rows, 64 digits, 16 filters, 10 features) and the
    # notes' bugs everywhere else: the hidden calls on the grader's other inputs fail. Lost: test_no_leak (2),
    # test_conv_block, test_scaled_input and test_chained (1 each).
    "right_only_on_the_visible_inputs": {
        "base": "solution", "deserves": 7,
        "edit": append_to_answers({
            "no_leak": """_honest_fit = fit_with_validation

def fit_with_validation(model, x, y, epochs=2):
    if len(x) == 100:
        return _honest_fit(model, x, y, epochs)
    x_part, x_val, y_part, y_val = train_test_split(x, y, test_size=0.2, stratify=y, random_state=34)
    return model.fit(x, y, epochs=epochs, batch_size=32, validation_data=(x_val, y_val), verbose=0)""",
            "conv_block": """_honest_block = conv_block

def conv_block(filters):
    return _honest_block(16)""",
            "scaled_input": """_honest_training = train_on_pixels

def train_on_pixels(model, images, labels, epochs=2):
    if len(images) == 64:
        return _honest_training(model, images, labels, epochs)
    return model.fit(images, labels, epochs=epochs, batch_size=32, verbose=0)""",
            "chained": """_honest_regressor = build_regressor

def build_regressor(n_features):
    return _honest_regressor(10)""",
        }),
    },
    # The last epoch's model with a History doctored so that its lowest validation loss is that model's own:
    # the old test (model loss == min(val_loss)) passed it; the replay does not. Task 8 evaluates that model
    # honestly, so only test_checkpoint (2) is lost.
    "doctored_checkpoint_history": {
        "base": "solution", "deserves": 10,
        "replace": ("    return history, keras.models.load_model(path)", """    first = int(len(x) * 0.8)
    own = float(np.mean(keras.losses.sparse_categorical_crossentropy(y[first:], model.predict(x[first:], verbose=0))))
    history.history["val_loss"] = [loss + 1.0 for loss in history.history["val_loss"][:-1]] + [own]
    return history, model"""),
    },
    # A metric of the student's own, named "accuracy", that reports 0.75 whatever it is given: the judge
    # rebuilds only Keras' own losses and metrics, so test_metric (1) is lost.
    "own_metric_that_always_reports_three_quarters": {
        "base": "solution", "deserves": 11,
        "replace": ('    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])',
                    """    @keras.saving.register_keras_serializable("mine")
    class Sure(keras.metrics.Metric):
        def update_state(self, *args, **kwargs):
            pass

        def result(self):
            return keras.ops.convert_to_tensor(0.75)

    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=[Sure(name="accuracy")])"""),
    },
}
