"""fix_the_bugs: ten bugs of the lecture notes, each fixed in one function or one cell.

The student's functions are called on inputs the grader writes (models, digits, iris rows). Where a
function trains a model, the call is seeded and keeps the model it trained, and the judge replays the
prescribed training from the same model file with the same seed: the trained weights (and the
History's losses) must be the replay's. It also replays the notes' buggy version where that says
best what went wrong. Nothing a notebook reports is believed: losses, accuracies and models are
compared with what the judge computes itself.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from autograder.checks import ATOL, RTOL, check_is_model, check_structure, same_weights
from autograder.spec import Call, Graded

CHECKPOINT_FOLDER = "/tmp/fix_the_bugs-checkpoints"  # in the grading sandbox a private /tmp

# Task 4: four predictions of which three are right, with their sparse categorical cross-entropy
PREDICTED = np.array([[0.8, 0.1, 0.1], [0.2, 0.7, 0.1], [0.1, 0.2, 0.7], [0.3, 0.3, 0.4]], dtype="float32")
TRUE_LABELS = np.array([0, 1, 2, 0])
EXAMPLE_LOSS = float(-np.mean(np.log([0.8, 0.7, 0.7, 0.3])))


def digit_network(output_activation: str = "softmax"):
    """Task 1's network (and Task 5's model before it is compiled)."""
    import keras

    return keras.Sequential([keras.Input((784,)), keras.layers.Dense(64, activation="relu"),
                             keras.layers.Dense(10, activation=output_activation)])


def linear_classifier(n_features: int, n_classes: int):
    """A compiled one-layer classifier whose outputs the loss reads as logits (the calls' models)."""
    import keras

    model = keras.Sequential([keras.Input((n_features,)), keras.layers.Dense(n_classes)])
    model.compile(optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    return model


def iris_classifier():
    """The notebook's iris_model(), built by the grader."""
    import keras

    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(16, activation="relu"),
                              keras.layers.Dense(3, activation="softmax")])
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def expected_block(filters: int):
    """Task 3's block in a model for 32x32 RGB images."""
    import keras

    return keras.Sequential([keras.Input((32, 32, 3)), keras.layers.Conv2D(filters, 3, padding="same", use_bias=False),
                             keras.layers.BatchNormalization(), keras.layers.Activation("relu")])


def expected_regressor(n_features: int):
    """Task 9's network: three blocks Dense(8) -> BatchNormalization -> swish, then Dense(1)."""
    import keras

    blocks = []
    for _ in range(3):
        blocks += [keras.layers.Dense(8), keras.layers.BatchNormalization(), keras.layers.Activation("swish")]
    return keras.Sequential([keras.Input((n_features,)), *blocks, keras.layers.Dense(1)])


def small_digits():
    """Task 5's data as the notebook prescribes it: the first 600 training digits, scaled to 0..1."""
    from bncourse import data as course_data

    (digits, labels), _ = course_data.load_mnist()
    return (digits[:600].reshape(-1, 784) / 255.0).astype("float32"), labels[:600]


def save_compiled(model, path: Path) -> None:
    """Save a compiled model with its optimizer built (at step 0), so that loading it restores every
    optimizer variable and says nothing."""
    model.optimizer.build(model.trainable_variables)
    model.save(path)


def prepare_inputs(folder: Path) -> None:
    """The models and the data the calls receive."""
    from bncourse import data as course_data
    from bncourse import seeding

    (digits, labels), _ = course_data.load_mnist()
    raw = digits.reshape(-1, 784)
    np.save(folder / "digits.npy", raw[1000:1200], allow_pickle=False)  # Task 1 (scaled by the judge)
    for name, (start, rows) in {"a": (2000, 64), "b": (3000, 100)}.items():  # Task 6
        np.save(folder / f"pixels_{name}.npy", raw[start:start + rows], allow_pickle=False)
        np.save(folder / f"labels_{name}.npy", labels[start:start + rows], allow_pickle=False)
    rng = np.random.default_rng(34)
    for name, (count, classes) in {"a": (100, 2), "b": (250, 5)}.items():  # Task 2
        features = rng.normal(size=(count, 3)).astype("float32")
        np.save(folder / f"rows_{name}.npy", features, allow_pickle=False)
        np.save(folder / f"classes_{name}.npy", np.arange(count) % classes, allow_pickle=False)
        seeding.set_seed(classes)
        save_compiled(linear_classifier(3, classes), folder / f"linear_{name}.keras")
    seeding.set_seed(6)
    save_compiled(linear_classifier(784, 10), folder / "pixel_classifier.keras")
    import keras

    keras.Sequential([keras.Input((3,)), keras.layers.Activation("linear")]).save(folder / "passthrough.keras")
    seeding.set_seed(7)
    save_compiled(iris_classifier(), folder / "iris.keras")
    (x_iris, y_iris), _ = course_data.load_tabular("iris")
    np.save(folder / "iris_x.npy", x_iris, allow_pickle=False)
    np.save(folder / "iris_y.npy", y_iris, allow_pickle=False)


def load_input(artifacts, argument):
    """A call's argument as the grader wrote it (its own files, loaded with their compile settings)."""
    import keras

    if isinstance(argument, dict) and "model" in argument:
        return keras.saving.load_model(artifacts.inputs / argument["model"], safe_mode=True)
    if isinstance(argument, dict) and "array" in argument:
        return np.load(artifacts.inputs / argument["array"], allow_pickle=False)
    return argument


def same_series(found, wanted) -> bool:
    """Whether two per-epoch lists of numbers agree."""
    return found is not None and len(found) == len(wanted) and np.allclose(found, wanted, rtol=RTOL, atol=ATOL)


def trained_model(artifacts, call_id: str, what: str):
    """The model a call trained (its kept argument)."""
    model = artifacts.get(f"{call_id}.arg", what)
    check_is_model(model, "the trained model")
    return model


REPLAYS: dict = {}  # the grader's runs, made once per process: (inputs, call, training) -> result


def replay(artifacts, call, train):
    """The grader's own run of a call: load the same model file, seed as the call was, ``train(model, *rest)``;
    returns ``(model, History)``."""
    from bncourse import seeding

    key = (str(artifacts.inputs), repr(call), train.__qualname__)
    if key not in REPLAYS:
        model, *rest = (load_input(artifacts, argument) for argument in call.plain_args())
        seeding.set_seed(call.seed)
        REPLAYS[key] = model, train(model, *rest)
    return REPLAYS[key]


# Task 1 ---------------------------------------------------------------------------------------------

def check_output_layer(artifacts, calls):
    """build_digit_model() gives 10 class probabilities per digit, and has the layers of the task."""
    digits = (np.load(artifacts.inputs / "digits.npy") / 255.0).astype("float32")
    for call_id, call in calls:
        model = artifacts.get(call_id, call.describe())
        check_is_model(model, call.describe())
        outputs = np.asarray(model.predict(digits, verbose=0))
        assert outputs.shape == (len(digits), 10), (
            f"For {len(digits)} digits the model gives outputs of shape {outputs.shape}, expected ({len(digits)}, 10).")
        assert np.all(outputs >= 0) and np.allclose(outputs.sum(axis=1), 1.0, atol=1e-5), (
            "The outputs are not probabilities (each row at least 0 and summing to 1), which the sparse categorical "
            'cross-entropy expects: give the output layer activation="softmax". ReLU belongs in the hidden layers.')
        check_structure(model, digit_network(), variable=call.describe())


# Task 2 ---------------------------------------------------------------------------------------------

def held_out(rows, classes):
    """The notebook's split: ``(train rows, train classes, validation rows, validation classes)``."""
    from sklearn import model_selection

    fit_rows, val_rows, fit_classes, val_classes = model_selection.train_test_split(
        rows, classes, test_size=0.2, stratify=classes, random_state=34)
    return fit_rows, fit_classes, val_rows, val_classes


def fit_on_part(model, rows, classes, epochs):
    """The prescribed training: the 80% part, validated on the 20% part."""
    fit_rows, fit_classes, val_rows, val_classes = held_out(rows, classes)
    return model.fit(fit_rows, fit_classes, epochs=epochs, batch_size=32, validation_data=(val_rows, val_classes),
                     verbose=0)


def fit_leaking(model, rows, classes, epochs):
    """The notes' bug: validated on the 20% part, trained on every row."""
    _, _, val_rows, val_classes = held_out(rows, classes)
    return model.fit(rows, classes, epochs=epochs, batch_size=32, validation_data=(val_rows, val_classes), verbose=0)


def check_no_leak(artifacts, calls):
    """fit_with_validation trains exactly what the replay trains: the 80% part, validated on the 20% part."""
    for call_id, call in calls:
        what = call.describe()
        history = artifacts.history(call_id, what)
        trained = trained_model(artifacts, call_id, what)
        assert "val_loss" in history, (
            f"{what}: fit received no validation_data: pass the 20% part as validation_data=(x_val, y_val).")
        model, reference = replay(artifacts, call, fit_on_part)
        if not same_weights(trained, model):
            leaked, _ = replay(artifacts, call, fit_leaking)
            assert not same_weights(trained, leaked), (
                f"{what}: fit trained on every row, the validation rows included, so the validation score measures "
                "rows the model has learned: train on the 80% part (x_part, y_part) only.")
            raise AssertionError(
                f"{what}: the model did not train on exactly the 80% part that train_test_split(..., random_state=34) "
                "leaves, with its own labels (fit(x_part, y_part, epochs=epochs, batch_size=32, ...)).")
        assert same_series(history.get("val_loss"), reference.history["val_loss"]), (
            f"{what}: the validation losses are not those of the 20% part: pass validation_data=(x_val, y_val).")
        assert same_series(history.get("loss"), reference.history["loss"]), (
            f"{what} should return the History that this fit call gives.")


# Task 3 ---------------------------------------------------------------------------------------------

def check_conv_block(artifacts, calls):
    """block_model(filters), conv_block's layers on 32x32 RGB images, is Conv2D (no activation, no bias),
    BatchNormalization, ReLU."""
    import keras

    for call_id, call in calls:
        what = f"conv_block({call.args[0]})"
        model = artifacts.get(call_id, what)
        check_is_model(model, what)
        convolutions = [layer for layer in model.layers if isinstance(layer, keras.layers.Conv2D)]
        assert all(layer.get_config().get("activation") == "linear" for layer in convolutions), (
            "The convolution applies an activation itself, so the block applies ReLU twice and BN normalises "
            'values that are already rectified: remove activation="relu" from the Conv2D.')
        check_structure(model, expected_block(call.args[0]), variable=what)


# Task 4 ---------------------------------------------------------------------------------------------

def builtin(identifier, kind: str):
    """A loss or metric as saved in a compile config, rebuilt only when it is one of Keras' own
    (a name, a function of ``keras.<kind>`` or a class of it with plain settings); else ``AssertionError``."""
    import inspect

    import keras

    namespace = getattr(keras, kind)
    refuse = AssertionError(f"compile_classifier should use Keras' own {kind}, not {str(identifier)[:80]}.")
    if isinstance(identifier, str):
        try:
            namespace.get(identifier)
        except (ValueError, TypeError):
            raise refuse from None
        return identifier
    if not isinstance(identifier, dict) or not str(identifier.get("module", "")).startswith(("keras", "builtins")):
        raise refuse
    name, config = identifier.get("class_name"), identifier.get("config")
    if name == "function" and isinstance(config, str):
        found = getattr(namespace, config, None)
        if not inspect.isfunction(found):
            raise refuse
        return found
    found = getattr(namespace, str(name), None)
    plain = isinstance(config, dict) and all(
        value is None or isinstance(value, (bool, int, float, str)) for value in config.values())
    if not (inspect.isclass(found) and plain):
        raise refuse
    try:
        return found.from_config(config)
    except Exception:  # noqa: BLE001 (any failure to rebuild it is a refusal)
        raise refuse from None


def metric_list(config) -> list:
    """The metrics of a compile config, as a flat list."""
    metrics = config.get("metrics")
    if metrics is None:
        return []
    if not isinstance(metrics, list) or any(isinstance(item, list) for item in metrics):
        raise AssertionError("Compile with a list of one metric, an accuracy: metrics=[\"accuracy\"].")
    return metrics


def check_metric(artifacts, calls):
    """The compiled passthrough model, rebuilt by the grader with the same built-in loss and metric, reports
    an accuracy of 0.75 and the sparse categorical cross-entropy on four predictions of which three are right."""
    import keras

    for call_id, call in calls:
        what = call.describe()
        artifacts.get(call_id, what)  # the call itself must not fail
        config = artifacts.compile_config(f"{call_id}.arg", what)
        assert config, f"{what} did not compile the model: call model.compile(...) on it."
        optimizer = config.get("optimizer")
        name = optimizer.get("class_name") if isinstance(optimizer, dict) else str(optimizer)
        assert str(name).lower() == "adam", f"Compile with the Adam optimiser, not {name}."
        metrics = metric_list(config)
        if config.get("weighted_metrics"):
            metrics = metrics + list(config["weighted_metrics"])
        assert len(metrics) == 1, f"Compile with exactly one metric, an accuracy, not {len(metrics)}."
        loss, metric = builtin(config.get("loss"), "losses"), builtin(metrics[0], "metrics")
        passthrough = keras.Sequential([keras.Input((3,)), keras.layers.Activation("linear")])
        passthrough.compile(optimizer="adam", loss=loss, metrics=[metric])
        try:
            values = passthrough.evaluate(PREDICTED, TRUE_LABELS, verbose=0, return_dict=True)
        except Exception:  # noqa: BLE001 (e.g. a loss or metric for one-hot labels, given integers)
            raise AssertionError(
                "With these compile settings evaluate fails on integer labels and predicted probabilities: use "
                'loss="sparse_categorical_crossentropy" and metrics=["accuracy"].') from None
        [(metric_name, value)] = [(key, value) for key, value in values.items() if key != "loss"]
        assert abs(value - 0.75) < 1e-6, (
            f"Three of the four predictions are right, but your metric {metric_name} gives {value:.2f}, not 0.75: it "
            'expects one-hot labels. With integer labels use metrics=["accuracy"] (or sparse_categorical_accuracy).')
        assert abs(values["loss"] - EXAMPLE_LOSS) < 1e-4, (
            f"The loss is {values['loss']:.4f} on four predictions, not the sparse categorical cross-entropy "
            f"{EXAMPLE_LOSS:.4f}: use loss=\"sparse_categorical_crossentropy\".")


# Task 5 ---------------------------------------------------------------------------------------------

def compiled_digits_model():
    """The notebook's compiled_digit_model(), built by the grader."""
    model = digit_network()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    return model


def shuffle_runs() -> dict:
    """The grader's replay of Task 5: the two fresh seeded runs, and the notes' continued run."""
    from bncourse import seeding

    if "shuffle" in REPLAYS:
        return REPLAYS["shuffle"]

    x_train, y_train = small_digits()
    runs = {}
    for name, shuffle in (("history_no_shuffle", False), ("history_shuffle", True)):
        seeding.set_seed()
        model = compiled_digits_model()
        runs[name] = (model, model.fit(x_train, y_train, epochs=2, batch_size=32, shuffle=shuffle, verbose=0))
    model = runs["history_no_shuffle"][0]
    continued = compiled_digits_model()
    continued.set_weights(model.get_weights())
    runs["continued"] = (continued, continued.fit(x_train, y_train, epochs=2, batch_size=32, shuffle=True, verbose=0))
    REPLAYS["shuffle"] = runs
    return runs


def check_fresh_models(artifacts, calls):
    """Each History holds the losses of its prescribed run, and its model the weights that run ends with."""
    found = {}
    for name in ("history_no_shuffle", "history_shuffle"):
        history = artifacts.history(name)
        epochs = len(history.get("loss", []))
        assert epochs == 2, f"{name} should hold 2 epochs, not {epochs}."
        found[name] = history
    runs = shuffle_runs()
    assert not same_series(found["history_shuffle"]["loss"], runs["continued"][1].history["loss"]), (
        "Both runs trained the same model: the shuffled run went on from where the first run stopped. "
        "Call set_seed() and build a fresh model with compiled_digit_model() for each run.")
    for name, shuffle in (("history_no_shuffle", False), ("history_shuffle", True)):
        model, reference = runs[name]
        saved = artifacts.get(f"{name}.model", f"The model of {name}")
        check_is_model(saved, f"the model of {name}")
        agrees = same_series(found[name]["loss"], reference.history["loss"]) and same_weights(saved, model)
        assert agrees, (
            f"{name} is not the run the task prescribes: call set_seed(), build a fresh compiled_digit_model(), then "
            f"fit(x_small, y_small, epochs=2, batch_size=32, shuffle={shuffle}).")


# Task 6 ---------------------------------------------------------------------------------------------

def fit_scaled(model, images, labels, epochs):
    """The prescribed training: pixel values scaled to 0..1."""
    return model.fit((images / 255.0).astype("float32"), labels, epochs=epochs, batch_size=32, verbose=0)


def fit_raw(model, raw_pixels, classes, epochs):
    """The notes' bug: the raw pixel values."""
    return model.fit(raw_pixels, classes, epochs=epochs, batch_size=32, verbose=0)


def check_scaled_input(artifacts, calls):
    """train_on_pixels trains what the replay on the scaled pixels trains."""
    for call_id, call in calls:
        what = call.describe()
        history = artifacts.history(call_id, what)
        trained = trained_model(artifacts, call_id, what)
        model, reference = replay(artifacts, call, fit_scaled)
        if not same_weights(trained, model):
            unscaled, _ = replay(artifacts, call, fit_raw)
            assert not same_weights(trained, unscaled), (
                f"{what}: the model trained on the raw values 0..255, the pixels were not scaled: call scale_pixels "
                "on the images and train on what it returns.")
            raise AssertionError(
                f"{what}: the model did not train on the given images divided by 255 "
                "(fit(scale_pixels(images), labels, epochs=epochs, batch_size=32)).")
        assert same_series(history.get("loss"), reference.history["loss"]), (
            f"{what} should return the History that its fit call gives.")


# Task 7 ---------------------------------------------------------------------------------------------

def checkpoint_run(artifacts, call):
    """The grader's replay of the prescribed training, keeping every epoch's weights: ``(History, weights)``."""
    import keras

    key = (str(artifacts.inputs), repr(call), "checkpoint")
    if key in REPLAYS:
        return REPLAYS[key]

    class EpochWeights(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.weights = []

        def on_epoch_end(self, epoch, logs=None):
            self.weights.append(self.model.get_weights())

    kept = EpochWeights()

    def train(model, rows, labels, folder, epochs):
        return model.fit(rows, labels, epochs=epochs, batch_size=16, validation_split=0.2, callbacks=[kept],
                         verbose=0)

    _, history = replay(artifacts, call, train)
    REPLAYS[key] = history, kept.weights
    return REPLAYS[key]


def check_checkpoint(artifacts, calls):
    """train_with_checkpoint returns the History of the prescribed training and the model of its epoch
    with the lowest validation loss, in every run (another seed, other epochs, another folder)."""
    for call_id, call in calls:
        what = call.describe()
        error = artifacts.folder / f"{call_id}.error"
        if error.exists():
            raise AssertionError(
                f"In the run {what}, train_with_checkpoint {error.read_text().split('. ')[0][:200].rstrip('.')}: save the best model "
                "under a file name that does not depend on the run, and load that name.")
        history_key, model_key = artifacts.parts(call_id, 2, what)
        history = artifacts.history(history_key, f"The first value {what} returns")
        best = artifacts.get(model_key, f"The second value {what} returns")
        check_is_model(best, "the best model")
        reference, weights = checkpoint_run(artifacts, call)
        losses = reference.history["val_loss"]
        assert same_series(history.get("val_loss"), losses), (
            f"{what}: the History is not that of the prescribed training: keep fit(x, y, epochs=epochs, "
            "batch_size=16, validation_split=0.2, callbacks=[checkpoint]) as it is.")
        epoch = int(np.argmin(losses))
        if not same_weights(best, weights[epoch]):
            assert not same_weights(best, weights[-1]), (
                f"{what} returns the model of the last epoch, not that of epoch {epoch + 1}, whose validation loss "
                f"{losses[epoch]:.4f} was the lowest: load the best model back from its checkpoint file.")
            raise AssertionError(
                f"{what}: the returned model is not that of epoch {epoch + 1}, whose validation loss {losses[epoch]:.4f} "
                "was the lowest: save with ModelCheckpoint(path, monitor='val_loss', save_best_only=True), with a path "
                "that does not depend on the run, and load that path.")


# Task 8 ---------------------------------------------------------------------------------------------

def check_test_evaluation(artifacts, calls):
    """test_loss and test_accuracy are what the grader's own evaluation of best_model on the iris test data gives."""
    from autograder.evaluate import evaluate_model
    from bncourse import data as course_data

    loss, accuracy = artifacts.number("test_loss", "test_loss"), artifacts.number("test_accuracy", "test_accuracy")
    model = artifacts.get("best_model")
    check_is_model(model, "best_model")
    _, (x_test, y_test) = course_data.load_tabular("iris")
    graded = evaluate_model(model, x_test, y_test, "classification")
    assert abs(loss - graded["loss"]) < 1e-4 and abs(accuracy - graded["accuracy"]) < 1e-6, (
        f"best_model gives loss {graded['loss']:.4f} and accuracy {graded['accuracy']:.4f} on the iris test data, but "
        f"test_loss is {loss:.4f} and test_accuracy {accuracy:.4f}: evaluate on x_iris_test, y_iris_test.")


# Task 9 ---------------------------------------------------------------------------------------------

def check_chained(artifacts, calls):
    """build_regressor(n) has three hidden blocks, each layer fed by the layer before it, and the layers of the task."""
    from bncourse import layer_graph

    for call_id, call in calls:
        what = call.describe()
        model = artifacts.get(call_id, what)
        check_is_model(model, what)
        table = layer_graph.layer_inputs(model)
        hidden = int((table["class"] == "Dense").sum()) - 1
        assert hidden == 3, (
            f"{what} holds {hidden} hidden Dense layer(s), expected 3: the blocks are not chained. Keras keeps only "
            "the layers on a path from the input to the output; apply each block to the previous block's output.")
        for above, (name, fed_by) in zip(table["layer"], table[["layer", "fed by"]].values[1:]):
            assert fed_by == above, (
                f"Layer '{name}' is fed by '{fed_by}', not by the layer above it, '{above}': chain the layers.")
        check_structure(model, expected_regressor(call.args[0]), variable=what)


# Task 10 --------------------------------------------------------------------------------------------

def check_offline_data(artifacts, calls):
    """load_regression_data() works without a network and gives exactly load_tabular("diabetes")."""
    from bncourse import data as course_data

    (x_course, y_course), (x_course_test, y_course_test) = course_data.load_tabular("diabetes")
    for call_id, call in calls:
        error = artifacts.folder / f"{call_id}.error"
        if error.exists():
            raise AssertionError(
                f"load_regression_data() failed where the grader runs it, without a network ({error.read_text()[:120]}): "
                "load the data with load_tabular, which reads files installed on this machine.")
        record = artifacts.folder / f"{call_id}.json"
        if record.exists() and "parts" in json.loads(record.read_text()):  # arrays at the top: not two pairs
            loaded = None
        else:
            loaded = artifacts.get(call_id, call.describe())
        try:
            (x_train, y_train), (x_test, y_test) = loaded
            parts = [np.asarray(part, dtype=float) for part in (x_train, y_train, x_test, y_test)]
        except (TypeError, ValueError):
            raise AssertionError(
                "load_regression_data() should return (x_train, y_train), (x_test, y_test) as arrays.") from None
        assert parts[0].shape == (331, 10) and parts[2].shape == (111, 10), (
            f"Expected the diabetes data, 331 training and 111 test patients with 10 features each, not "
            f"{parts[0].shape} and {parts[2].shape}.")
        for name, got, want in zip(("x_train", "y_train", "x_test", "y_test"), parts,
                                   (x_course, y_course, x_course_test, y_course_test)):
            assert got.shape == want.shape and np.allclose(got, want, atol=1e-6), (
                f"{name} is not what load_tabular('diabetes') gives: use the course loader, which splits and "
                "standardises the data.")


def model_arg(file: str, label: str) -> dict:
    return {"model": file, "label": label}


def array_arg(file: str, label: str) -> dict:
    return {"array": file, "label": label}


GRADED = {
    "test_output_layer": Graded(check=check_output_layer, calls=(Call("build_digit_model", (), visible=True),)),
    "test_no_leak": Graded(check=check_no_leak, calls=(
        Call("fit_with_validation", (model_arg("linear_a.keras", "a compiled 2-class model"),
                                     array_arg("rows_a.npy", "100 rows"), array_arg("classes_a.npy", "their classes"), 1),
             visible=True, seed=0, keep_arg=0),
        Call("fit_with_validation", (model_arg("linear_b.keras", "a compiled 5-class model"),
                                     array_arg("rows_b.npy", "250 rows"), array_arg("classes_b.npy", "their classes"), 2),
             seed=7, keep_arg=0))),
    "test_conv_block": Graded(check=check_conv_block, calls=(
        Call("block_model", (16,), visible=True), Call("block_model", (7,)))),
    "test_metric": Graded(check=check_metric, calls=(
        Call("compile_classifier", (model_arg("passthrough.keras", "a model that predicts its input"),),
             visible=True, keep_arg=0),)),
    "test_fresh_models": Graded(check=check_fresh_models, variables=("history_no_shuffle", "history_shuffle")),
    "test_scaled_input": Graded(check=check_scaled_input, calls=(
        Call("train_on_pixels", (model_arg("pixel_classifier.keras", "a compiled digit classifier"),
                                 array_arg("pixels_a.npy", "64 digits"), array_arg("labels_a.npy", "their labels"), 1),
             visible=True, seed=0, keep_arg=0),
        Call("train_on_pixels", (model_arg("pixel_classifier.keras", "a compiled digit classifier"),
                                 array_arg("pixels_b.npy", "100 digits"), array_arg("labels_b.npy", "their labels"), 2),
             seed=3, keep_arg=0))),
    "test_checkpoint": Graded(check=check_checkpoint, calls=(
        Call("train_with_checkpoint", (model_arg("iris.keras", "iris_model()"), array_arg("iris_x.npy", "x_iris"),
                                       array_arg("iris_y.npy", "y_iris"), f"{CHECKPOINT_FOLDER}-visible", 10),
             visible=True, seed=0),
        Call("train_with_checkpoint", (model_arg("iris.keras", "iris_model()"), array_arg("iris_x.npy", "x_iris"),
                                       array_arg("iris_y.npy", "y_iris"), f"{CHECKPOINT_FOLDER}-rerun", 6),
             seed=1))),
    "test_test_evaluation": Graded(check=check_test_evaluation, variables=("test_loss", "test_accuracy", "best_model")),
    "test_chained": Graded(check=check_chained, calls=(
        Call("build_regressor", (10,), visible=True), Call("build_regressor", (4,)))),
    "test_offline_data": Graded(check=check_offline_data, calls=(Call("load_regression_data", (), visible=True),)),
}
