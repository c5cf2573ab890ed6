"""cifar10_overfitting: an honest split, a baseline that overfits, a regularised CNN with callbacks, the test set once."""

from __future__ import annotations

import hashlib
import io
import math
import zipfile
from pathlib import Path

import numpy as np

from autograder.artifacts import Artifacts
from autograder.checks import RTOL, check_structure, same_weights
from autograder.evaluate import evaluate_model
from autograder.spec import Call, Graded
from autograder.thresholds import judge_metric

# The notebook trains on the first half of the 4,660 course training images, so that it is graded
# within a minute on 2 cores; its 80/20 split holds 1,864 training and 466 validation images.
COURSE_IMAGES, TRAIN_IMAGES, VAL_IMAGES = 2330, 1864, 466
BATCH_SIZE = 64
BASELINE_EPOCHS, MAX_IMPROVED_EPOCHS, IMPROVED_LEARNING_RATE = 12, 12, 3e-3
# At its best checkpoint the baseline overfits by 0.107 to 0.242 (training minus validation accuracy, the grader's
# replays under the calibration seeds 0-4 and 42; best_model by 0.072 to 0.095); fitted on the validation images too,
# a CNN overfits by about 0.01 (tests/test_checks_cifar10_overfitting.py).
MIN_BASELINE_GAP = 0.06
CALLBACK_SETTINGS = {
    "EarlyStopping": {"monitor": "val_loss", "patience": 4, "restore_best_weights": True},
    "ReduceLROnPlateau": {"monitor": "val_loss", "patience": 2, "factor": 0.3},
    "ModelCheckpoint": {"monitor": "val_loss", "save_best_only": True, "save_weights_only": False},
}
PROBE_PATHS = ("/tmp/bncourse-probe/best.keras", "/tmp/grader-checkpoints/run-7/chosen.keras")


def course_training() -> tuple:
    """The first 2,330 course training images, scaled, with flat labels (the notebook's x_all, y_all)."""
    from bncourse.data import load_cifar10, scale_pixels

    (x, y), _ = load_cifar10()
    return scale_pixels(x[:COURSE_IMAGES]), y[:COURSE_IMAGES].ravel()


def test_rows(private: bool) -> tuple:
    """The public test rows (the notebook's x_test, y_test) or the private ones only the grader has."""
    from bncourse.data import PUBLIC_TEST_ROWS, load_cifar10, load_private_test, scale_pixels

    if private:
        x, y = load_private_test("cifar10")
    else:
        _, (x, y) = load_cifar10()
        x, y = x[:PUBLIC_TEST_ROWS["cifar10"]], y[:PUBLIC_TEST_ROWS["cifar10"]]
    return scale_pixels(x), y.ravel()


def expected_baseline():
    """The plain CNN of the notebook's locked cell (build_baseline), built by the grader."""
    import keras

    layers = keras.layers
    return keras.Sequential([
        keras.Input((32, 32, 3)),
        layers.Conv2D(16, 3, padding="same", activation="relu"), layers.MaxPooling2D(2),
        layers.Conv2D(32, 3, padding="same", activation="relu"), layers.MaxPooling2D(2),
        layers.Conv2D(64, 3, padding="same", activation="relu"),
        layers.Flatten(), layers.Dense(256, activation="relu"), layers.Dense(10, activation="softmax"),
    ])


def expected_improved():
    """The regularised network of the table in Task 3, built by the grader."""
    import keras

    layers = keras.layers

    def block(filters):
        return [layers.Conv2D(filters, 3, padding="same", use_bias=False, kernel_initializer="he_normal",
                              kernel_regularizer=keras.regularizers.l2(1e-4)),
                layers.BatchNormalization(momentum=0.9), layers.Activation("relu")]

    return keras.Sequential([
        keras.Input((32, 32, 3)),
        *block(16), layers.MaxPooling2D(2), *block(32), layers.MaxPooling2D(2), *block(64),
        layers.GlobalAveragePooling2D(), layers.Dropout(0.3), layers.Dense(10, activation="softmax"),
    ])


def probe_model():
    """A tiny classifier, cheap to train, that the grader hands to compile_and_fit."""
    import keras

    return keras.Sequential([
        keras.Input((32, 32, 3)),
        keras.layers.GlobalAveragePooling2D(),
        keras.layers.Dense(10, activation="softmax"),
    ], name="probe")


def prepare_inputs(folder: Path) -> None:
    """Balanced sets of course training images for split (visible: 30 per class; graded: 50 per class,
    from other rows) and the tiny model for compile_and_fit."""
    from bncourse import seeding

    x, y = course_training()
    half = len(y) // 2
    for name, rows, per_class in (("visible", np.arange(half), 30), ("graded", np.arange(half, len(y)), 50)):
        chosen = np.concatenate([rows[y[rows] == label][:per_class] for label in range(10)])
        chosen = chosen[np.random.default_rng(len(chosen)).permutation(len(chosen))]
        assert len(set(image_keys(x[chosen]))) == len(chosen)
        np.save(folder / f"split_x_{name}.npy", x[chosen], allow_pickle=False)
        np.save(folder / f"split_y_{name}.npy", y[chosen], allow_pickle=False)
    seeding.set_seed(0)
    probe_model().save(folder / "probe.keras")


def baseline_checkpoint(path: Path) -> list:
    """The notebook's locked baseline cell saves the baseline's epoch of lowest validation loss to ``path``."""
    import keras

    return [keras.callbacks.ModelCheckpoint(str(path), monitor="val_loss", save_best_only=True)]


def prescribed_callbacks(path: Path) -> list:
    """The callbacks of Task 4, as the table sets them, saving to ``path``."""
    import keras

    return [keras.callbacks.EarlyStopping(**CALLBACK_SETTINGS["EarlyStopping"]),
            keras.callbacks.ReduceLROnPlateau(**CALLBACK_SETTINGS["ReduceLROnPlateau"]),
            keras.callbacks.ModelCheckpoint(str(path), **CALLBACK_SETTINGS["ModelCheckpoint"])]


def prepare_reference(folder: Path) -> None:
    """The notebook's two trainings as the tasks prescribe them, run by the grader from ``set_seed()``:
    the baseline and the regularised model (each with its History, its model and its checkpoint)."""
    from sklearn.model_selection import train_test_split

    from bncourse import seeding
    from bncourse.artifacts import save

    x, y = course_training()
    x_train, x_val, y_train, y_val = train_test_split(x, y, test_size=0.2, stratify=y, random_state=0)
    for name, build, epochs, learning_rate in (("baseline", expected_baseline, BASELINE_EPOCHS, 1e-3),
                                               ("improved", expected_improved, MAX_IMPROVED_EPOCHS,
                                                IMPROVED_LEARNING_RATE)):
        seeding.set_seed()
        model = build()
        callbacks = (prescribed_callbacks(folder / "best.keras") if name == "improved"
                     else baseline_checkpoint(folder / "baseline_best.keras"))
        save(folder, name, fit(model, x_train, y_train, x_val, y_val, epochs, learning_rate, callbacks))


def reference_runs(artifacts) -> Artifacts | None:
    """The grader's own runs of the notebook's trainings (None only in the student's visible test)."""
    return None if artifacts.reference is None else Artifacts(artifacts.reference)


def check_is_reference(artifacts, key: str, reference_key: str, what: str, how: str) -> None:
    """The model ``key`` holds the weights of the grader's own run ``reference_key`` (when it has one)."""
    reference = reference_runs(artifacts)
    if reference is not None:
        assert same_weights(artifacts.get(key, what), reference.get(reference_key)), (
            f"{what} is not the model that the prescribed training gives (the grader reran it from set_seed()): {how}.")


def image_keys(x: np.ndarray) -> list[str]:
    """One fingerprint per image."""
    return [hashlib.sha1(np.ascontiguousarray(image).tobytes()).hexdigest() for image in x]


def array(artifacts, key: str, what: str = "", source: str = "") -> np.ndarray:
    """An artifact that must be a NumPy array (``what`` names it; ``source`` names the call it came from)."""
    value = artifacts.get(key, source)
    what = what or f"`{key}`"
    assert isinstance(value, np.ndarray), f"{what} should be a NumPy array, not a {artifacts.type_name(key)}."
    return value


def saved_history(artifacts, key: str, source: str = "") -> dict:
    """A saved History (a missing one says so in one plain sentence)."""
    artifacts.type_name(key, source)
    return artifacts.history(key, f"What {source} returns" if source else "")


def split_results(artifacts, call_id: str, call) -> tuple:
    """The call's inputs and its four results ``x_train, x_val, y_train, y_val``."""
    what = call.describe()
    x = np.load(artifacts.inputs / call.args[0]["array"], allow_pickle=False)
    y = np.load(artifacts.inputs / call.args[1]["array"], allow_pickle=False)
    names = ("x_train", "x_val", "y_train", "y_val")
    parts = [array(artifacts, key, f"The {name} that {what} returns", what)
             for key, name in zip(artifacts.parts(call_id, 4, what), names)]
    return x, y, parts


def check_split_parts(artifacts, calls):
    """split puts every image in exactly one part, unchanged, with its own label; 80 % for training."""
    for call_id, call in calls:
        what = call.describe()
        x, y, (x_train, x_val, y_train, y_val) = split_results(artifacts, call_id, call)
        n_val = math.ceil(0.2 * len(x))
        assert len(x_train) == len(y_train) == len(x) - n_val, (
            f"{what}: the training part should hold {len(x) - n_val} images and labels (80 %), "
            f"not {len(x_train)} and {len(y_train)}.")
        assert len(x_val) == len(y_val) == n_val, (
            f"{what}: the validation part should hold {n_val} images and labels (20 %), not {len(x_val)} and {len(y_val)}.")
        assert x_train.shape[1:] == x_val.shape[1:] == x.shape[1:], (
            f"{what}: the images should keep their shape {x.shape[1:]}.")
        train_keys, val_keys = image_keys(x_train), image_keys(x_val)
        shared = set(train_keys) & set(val_keys)
        assert not shared, f"{what}: {len(shared)} images are in both parts: an image must be in one part only."
        assert sorted(train_keys + val_keys) == sorted(image_keys(x)), (
            f"{what}: together the two parts should be exactly the images given, unchanged.")
        label_of = dict(zip(image_keys(x), y.tolist()))
        labels = np.concatenate([y_train, y_val]).ravel()
        lost = sum(label_of[key] != label for key, label in zip(train_keys + val_keys, labels.tolist()))
        assert lost == 0, f"{what}: {lost} images have lost their labels: split images and labels in one call."


def check_split_stratified(artifacts, calls):
    """split is stratified by the labels, and its labels fall exactly as train_test_split(..., stratify=y,
    random_state=0) puts them (whether the images went with them is test_split_parts' check)."""
    from sklearn.model_selection import train_test_split

    for call_id, call in calls:
        what = call.describe()
        x, y, (x_train, x_val, y_train, y_val) = split_results(artifacts, call_id, call)
        expected = 0.2 * np.bincount(y, minlength=10)
        found = np.bincount(np.asarray(y_val, dtype=int).ravel(), minlength=10)
        worst = int(np.argmax(np.abs(found - expected)))
        assert abs(found[worst] - expected[worst]) < 1, (
            f"{what}: the validation part holds {found[worst]} images of class {worst}, expected "
            f"{expected[worst]:.0f}: stratify the split by the labels (stratify=y).")
        _, _, train_labels, val_labels = train_test_split(x, y, test_size=0.2, stratify=y, random_state=0)
        assert all(np.array_equal(np.ravel(part), want) for part, want in ((y_train, train_labels), (y_val, val_labels))), (
            f"{what} is not the split train_test_split(x, y, test_size=0.2, stratify=y, random_state=0) gives.")


def notebook_parts(artifacts) -> tuple:
    """The notebook's ``x_train, y_train, x_val, y_val``: 1,864 and 466 images of the right shape, with as
    many labels, no image in both parts."""
    found = {name: array(artifacts, name) for name in ("x_train", "y_train", "x_val", "y_val")}
    for part, size in (("train", TRAIN_IMAGES), ("val", VAL_IMAGES)):
        x, y = found[f"x_{part}"], found[f"y_{part}"].ravel()
        assert x.shape == (size, 32, 32, 3) and len(y) == size, (
            f"x_{part} and y_{part} should hold {size:,} images of shape (32, 32, 3) and their labels, "
            f"not {x.shape} and {len(y)}.")
        found[f"y_{part}"] = y
    assert not set(image_keys(found["x_train"])) & set(image_keys(found["x_val"])), (
        "Some images are in both x_train and x_val: the validation images must never be trained on.")
    return found["x_train"], found["y_train"], found["x_val"], found["y_val"]


def optimizer_steps(artifacts, key: str) -> int | None:
    """The training steps recorded in a saved model's optimizer (read from its weights file, nothing is
    deserialised), or None. A kernel can write any number there: it only ever explains a failure."""
    import h5py

    try:
        with zipfile.ZipFile(artifacts.folder / f"{key}.keras") as archive:
            with h5py.File(io.BytesIO(archive.read("model.weights.h5")), "r") as weights:
                return int(np.asarray(weights["optimizer/vars/0"][()]))
    except Exception:  # no optimizer, or a file written by hand: nothing to explain with
        return None


def fit(model, x_train, y_train, x_val, y_val, epochs: int, learning_rate: float, callbacks=()):
    """What compile_and_fit prescribes, run by the grader: the History."""
    import keras

    model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return model.fit(x_train, y_train, epochs=epochs, batch_size=BATCH_SIZE, validation_data=(x_val, y_val),
                     callbacks=list(callbacks), verbose=0)


def check_fit_call(artifacts, call_id: str, call, parts: tuple) -> None:
    """compile_and_fit(model, epochs, learning_rate) trained the model exactly as prescribed (replayed)."""
    what = call.describe()
    _, epochs, learning_rate = call.args
    history = saved_history(artifacts, call_id, what)
    assert "val_loss" in history, f"{what} reports no val_loss: fit with validation_data=(x_val, y_val)."
    assert "val_accuracy" in history, f"{what} reports no val_accuracy: compile with metrics=['accuracy']."
    assert len(history.get("loss", [])) == epochs, (
        f"{what} trained for {len(history.get('loss', []))} epochs, not {epochs}: pass epochs to fit.")
    config = artifacts.compile_config(f"{call_id}.model", what)
    optimizer = config.get("optimizer") if isinstance(config.get("optimizer"), dict) else {}
    assert optimizer.get("class_name") == "Adam", f"{what} should compile with keras.optimizers.Adam(learning_rate)."
    rate = (optimizer.get("config") or {}).get("learning_rate")
    assert isinstance(rate, (int, float)) and np.isclose(rate, learning_rate, rtol=1e-4), (
        f"{what} compiled with a learning rate of {rate}, not {learning_rate}: use Adam(learning_rate).")
    steps = optimizer_steps(artifacts, f"{call_id}.model")
    expected_steps = math.ceil(len(parts[0]) / BATCH_SIZE)
    if steps is not None and steps != expected_steps * epochs:
        all_steps = math.ceil((len(parts[0]) + len(parts[2])) / BATCH_SIZE)
        hint = (f"that is all {len(parts[0]) + len(parts[2]):,} images: fit on x_train, y_train only, never on "
                "the validation images" if steps == all_steps * epochs else "fit on x_train, y_train with batch_size=64")
        raise AssertionError(f"{what} took {steps / epochs:g} training steps per epoch, expected {expected_steps} "
                             f"({len(parts[0]):,} images in batches of 64): {hint}.")
    trained = artifacts.get(f"{call_id}.model", what)
    import keras

    from bncourse import seeding

    model = keras.saving.load_model(artifacts.inputs / call.args[0]["model"], safe_mode=True, compile=False)
    seeding.set_seed(call.seed)
    replayed = fit(model, *parts, epochs=epochs, learning_rate=learning_rate).history
    assert same_weights(trained, model), (
        f"{what} did not train the model as prescribed (the grader reran it): compile with Adam, sparse "
        "categorical cross-entropy and 'accuracy', then fit on x_train, y_train with batch_size=64, "
        "validation_data=(x_val, y_val) and the given callbacks.")
    for key in ("loss", "val_loss"):
        assert np.allclose(history[key], replayed[key], rtol=1e-3), (
            f"The {key} that {what} reports is not what its training gave: return the History that fit returns.")


# how to get each training right, for the messages of the checks that compare with the grader's own runs
BASE_HOW = ("run the locked baseline cell as given: set_seed(), build_baseline(), compile_and_fit(baseline, "
            "epochs=12) with its ModelCheckpoint, and baseline_best loaded from baseline_path")
IMP_HOW = ("call set_seed(), build improved with build_improved(), train it with compile_and_fit(improved, "
           "epochs=12, learning_rate=3e-3, callbacks=make_callbacks(checkpoint_path)) and load best_model from "
           "checkpoint_path")


def check_baseline_history(artifacts, calls):
    """compile_and_fit trains as prescribed (the grader reruns it on a tiny model); history_baseline holds
    12 validated epochs, and its last val_loss is the trained baseline's loss on x_val."""
    parts = notebook_parts(artifacts)
    history = saved_history(artifacts, "history_baseline")
    assert "val_accuracy" in history, (
        "history_baseline has no val_accuracy: compile with metrics=['accuracy'] and fit with validation_data=(x_val, y_val).")
    epochs = len(history.get("loss", []))
    assert epochs == BASELINE_EPOCHS == len(history["val_loss"]), (
        f"The baseline should train for {BASELINE_EPOCHS} epochs, not {epochs}.")
    x_train, y_train, x_val, y_val = parts
    found = evaluate_model(artifacts.get("history_baseline.model", "history_baseline's model"), x_val, y_val,
                           "classification")
    assert np.isclose(found["loss"], history["val_loss"][-1], rtol=1e-3), (
        f"history_baseline ends with a val_loss of {history['val_loss'][-1]:.4f}, but its model's loss on x_val is "
        f"{found['loss']:.4f}: keep the History that compile_and_fit returns.")
    for call_id, call in calls:
        check_fit_call(artifacts, call_id, call, parts)
    reference = reference_runs(artifacts)
    if reference is not None:
        want = reference.history("baseline")
        assert all(np.allclose(history[key], want[key], rtol=RTOL) for key in ("loss", "val_loss")), (
            "history_baseline is not the History that the baseline's training gives (the grader reran it): "
            f"{BASE_HOW}.")
        check_is_reference(artifacts, "history_baseline.model", "baseline.model", "history_baseline's model", BASE_HOW)


def check_improved(artifacts, calls):
    """build_improved() has the layers of the table."""
    for call_id, call in calls:
        check_structure(artifacts.get(call_id, call.describe()), expected_improved(), variable=call.describe())


def check_callbacks(artifacts, calls):
    """make_callbacks(path) gives EarlyStopping, ReduceLROnPlateau and ModelCheckpoint(path), set as the task says."""
    for call_id, call in calls:
        what = call.describe()
        callbacks = artifacts.get(call_id, what)
        assert isinstance(callbacks, list) and all(isinstance(c, dict) and "class" in c for c in callbacks), (
            f"{what} should return a list of Keras callbacks, not a {artifacts.type_name(call_id)}.")
        kinds = [callback["class"] for callback in callbacks]
        for kind in CALLBACK_SETTINGS:
            assert kinds.count(kind) == 1, f"{what} should return one {kind}, but it returned {kinds}."
        found = {callback["class"]: callback for callback in callbacks}
        path = call.args[0]
        assert found["ModelCheckpoint"].get("filepath") == path, (
            f"{what} saves to {found['ModelCheckpoint'].get('filepath')!r}: save to the path you are given.")
        for kind, settings in CALLBACK_SETTINGS.items():
            for setting, value in settings.items():
                have = found[kind].get(setting)
                same = isinstance(have, bool) == isinstance(value, bool) and (
                    have == value if isinstance(value, (bool, str)) else isinstance(have, (int, float))
                    and np.isclose(have, value))
                assert same, (
                    f"{kind} should have {setting}={value!r}, not {have!r}.")


def check_improved_training(artifacts, calls):
    """improved was trained with compile_and_fit and the callbacks for at most 12 epochs at 3e-3; best_model
    is the checkpoint, and its loss on x_val (evaluated by the grader) is the best epoch's; the History and
    best_model are those of the grader's own run of the same training."""
    history = saved_history(artifacts, "history_improved")
    assert "learning_rate" in history and "val_loss" in history, (
        "history_improved has no learning_rate or val_loss: train with compile_and_fit and make_callbacks(checkpoint_path).")
    epochs = len(history.get("loss", []))
    assert 0 < epochs <= MAX_IMPROVED_EPOCHS and len(history["val_loss"]) == epochs, (
        f"Train for at most {MAX_IMPROVED_EPOCHS} epochs, not {epochs}.")
    assert np.isclose(history["learning_rate"][0], IMPROVED_LEARNING_RATE, rtol=1e-4), (
        f"improved started with a learning rate of {history['learning_rate'][0]:g}: train with learning_rate=3e-3.")
    x_val, y_val = array(artifacts, "x_val"), array(artifacts, "y_val").ravel()
    assert x_val.shape == (VAL_IMAGES, 32, 32, 3) and len(y_val) == VAL_IMAGES, (
        f"x_val and y_val should hold the {VAL_IMAGES} validation images and their labels.")
    steps = optimizer_steps(artifacts, "history_improved.model")
    expected_steps = math.ceil(TRAIN_IMAGES / BATCH_SIZE)
    if steps is not None and steps != expected_steps * epochs:
        raise AssertionError(f"improved took {steps / epochs:g} training steps per epoch, expected {expected_steps} "
                             f"({TRAIN_IMAGES:,} images in batches of 64): train on the training part only, with "
                             "compile_and_fit.")
    if artifacts.type_name("checkpoint_model") == "NoneType":
        raise AssertionError("There is no model file at checkpoint_path: save the checkpoint there.")
    best, saved = artifacts.get("best_model"), artifacts.get("checkpoint_model")
    assert len(best.weights) == len(saved.weights) and all(
        a.shape == b.shape and np.array_equal(a, b) for a, b in zip(best.get_weights(), saved.get_weights())), (
        "best_model should be the model saved at checkpoint_path: load it with keras.models.load_model(checkpoint_path).")
    best_loss = evaluate_model(best, x_val, y_val, "classification")["loss"]
    assert np.isclose(best_loss, min(history["val_loss"]), rtol=1e-3), (
        f"best_model has a validation loss of {best_loss:.4f}, but the best epoch had {min(history['val_loss']):.4f}: "
        "the checkpoint should hold the epoch with the lowest validation loss.")
    reference = reference_runs(artifacts)
    if reference is not None:
        want = reference.history("improved")
        assert len(want["loss"]) == epochs and all(
            np.allclose(history[key], want[key], rtol=RTOL) for key in ("loss", "val_loss")), (
            f"history_improved is not the History that Task 5's training gives (the grader reran it): {IMP_HOW}.")
        check_is_reference(artifacts, "best_model", "best", "best_model", IMP_HOW)


def check_gap(artifacts, calls):
    """The grader evaluates the two best checkpoints, baseline_best and best_model (its own runs of them), on
    both parts: the baseline overfits, best_model less."""
    x_train, y_train, x_val, y_val = notebook_parts(artifacts)
    check_is_reference(artifacts, "baseline_best", "baseline_best", "baseline_best", BASE_HOW)
    check_is_reference(artifacts, "best_model", "best", "best_model", IMP_HOW)
    gaps = {}
    for name in ("baseline_best", "best_model"):
        model = artifacts.get(name)
        train = evaluate_model(model, x_train, y_train, "classification")["accuracy"]
        val = evaluate_model(model, x_val, y_val, "classification")["accuracy"]
        gaps[name] = (train, val, train - val)
    train, val, gap = gaps["baseline_best"]
    assert gap >= MIN_BASELINE_GAP, (
        f"At its best epoch the baseline's training accuracy ({train:.3f}) is only {gap:.3f} above its validation "
        f"accuracy ({val:.3f}): trained on the training part alone it overfits clearly, so train it on x_train only "
        "and never on the validation images.")
    assert gaps["best_model"][2] < gap, (
        f"The gap between training and validation accuracy is {gaps['best_model'][2]:.3f} for best_model and "
        f"{gap:.3f} for baseline_best, both at their best epoch: the regularised model should overfit less.")


def check_test_accuracy(artifacts, calls):
    """test_loss and test_accuracy are best_model's on the notebook's test images; on the test images the
    notebook never had, the grader's evaluation of best_model must reach the calibrated threshold."""
    check_is_reference(artifacts, "best_model", "best", "best_model", IMP_HOW)
    model = artifacts.get("best_model")
    reported = {}
    for name in ("test_loss", "test_accuracy"):
        artifacts.type_name(name)
        reported[name] = artifacts.number(name, f"`{name}`")
    x, y = test_rows(private=False)
    found = evaluate_model(model, x, y, "classification")
    assert abs(reported["test_accuracy"] - found["accuracy"]) < 1e-3 and np.isclose(
        reported["test_loss"], found["loss"], rtol=1e-3), (
        f"best_model has a loss of {found['loss']:.4f} and an accuracy of {found['accuracy']:.4f} on x_test, y_test, "
        f"but test_loss is {reported['test_loss']:.4f} and test_accuracy {reported['test_accuracy']:.4f}: store what "
        "best_model.evaluate(x_test, y_test) returns.")
    x, y = test_rows(private=True)
    accuracy = evaluate_model(model, x, y, "classification")["accuracy"]
    judge_metric("cifar10_overfitting", "test_accuracy", accuracy,
                 "The accuracy of best_model on the test images your notebook never had")


def baselines() -> dict:
    """Trivial answers the threshold must fail: the majority class and an untrained model of the table."""
    from bncourse import seeding

    x, y = test_rows(private=True)
    majority = np.mean(y == np.bincount(y).argmax())
    seeding.set_seed(0)
    untrained = evaluate_model(expected_improved(), x, y, "classification")
    return {"test_accuracy": {"majority class": float(majority), "untrained model": untrained["accuracy"]}}


HIGHER_IS_BETTER = {"test_accuracy": True}

# the notebook's baseline training: no call needs it, so the kernel that makes the calls skips it
CALLS_SKIP = ("train_baseline",)

SPLIT_CALLS = (
    Call("split", ({"array": "split_x_visible.npy", "label": "300 images"},
                   {"array": "split_y_visible.npy", "label": "their labels"}), visible=True),
    Call("split", ({"array": "split_x_graded.npy", "label": "500 images"},
                   {"array": "split_y_graded.npy", "label": "their labels"})),
)
PARTS = ("x_train", "y_train", "x_val", "y_val")

GRADED = {
    "test_split_parts": Graded(check=check_split_parts, calls=SPLIT_CALLS),
    "test_split_stratified": Graded(check=check_split_stratified, calls=SPLIT_CALLS),
    "test_baseline_history": Graded(check=check_baseline_history, variables=("history_baseline", *PARTS), calls=(
        Call("compile_and_fit", ({"model": "probe.keras", "label": "a tiny model"}, 1, 1e-3), visible=True, seed=1),
        Call("compile_and_fit", ({"model": "probe.keras", "label": "a tiny model"}, 2, 2e-3), seed=7))),
    "test_improved_structure": Graded(check=check_improved, calls=(Call("build_improved", (), visible=True),)),
    "test_callbacks": Graded(check=check_callbacks, calls=(
        Call("make_callbacks", (PROBE_PATHS[0],), visible=True), Call("make_callbacks", (PROBE_PATHS[1],)))),
    "test_improved_training": Graded(check=check_improved_training, variables=(
        "history_improved", "best_model", "checkpoint_model", "x_val", "y_val")),
    "test_gap": Graded(check=check_gap, variables=("baseline_best", "best_model", *PARTS)),
    "test_test_accuracy": Graded(check=check_test_accuracy, variables=("best_model", "test_loss", "test_accuracy")),
}
