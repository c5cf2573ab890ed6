"""The judge's checks of cifar10_overfitting, on right, wrong and forged artifacts (no notebook, no kernel)."""

from __future__ import annotations

import keras
import numpy as np
import pytest

import judging
from sklearn.model_selection import train_test_split

from autograder import thresholds
from autograder.assignments import cifar10_overfitting as assignment
from autograder.evaluate import evaluate_model
from bncourse.seeding import set_seed


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("inputs")
    set_seed()
    assignment.prepare_inputs(folder)
    return folder


def right_split(x, y):
    return train_test_split(x, y, test_size=0.2, stratify=y, random_state=0)


@pytest.fixture(scope="module")
def parts():
    """The notebook's parts: its x_all, y_all split as Task 1 prescribes."""
    x_train, x_val, y_train, y_val = right_split(*assignment.course_training())
    assert (len(x_train), len(x_val)) == (assignment.TRAIN_IMAGES, assignment.VAL_IMAGES)
    return {"x_train": x_train, "y_train": y_train, "x_val": x_val, "y_val": y_val}


def judged(folder, inputs, grade_id, functions=None, variables=None, visible_only=False, reference=None):
    """The verdict of one graded cell of cifar10_overfitting."""
    return judging.judged(assignment, folder, inputs, grade_id, functions, variables, visible_only, reference)


@pytest.mark.parametrize("wrong, message", [
    (lambda x, y: right_split((x - x.mean()) / x.std(), y), "unchanged"),
    (lambda x, y: (*train_test_split(x, test_size=0.2, random_state=0), *train_test_split(y, test_size=0.2, random_state=1)),
     "lost their labels"),
    (lambda x, y: train_test_split(x, y, test_size=0.25, stratify=y, random_state=0), "should hold"),
    (lambda x, y: right_split(x, y)[:3], "should give 4 values"),
])
def test_split_parts_passes_a_right_split_and_fails_wrong_ones(tmp_path, inputs, wrong, message):
    assert judged(tmp_path / "right", inputs, "test_split_parts", {"split": right_split}) is None
    assert message in judged(tmp_path / "wrong", inputs, "test_split_parts", {"split": wrong})


@pytest.mark.parametrize("wrong, message", [
    (lambda x, y: train_test_split(x, y, test_size=0.2, random_state=0), "stratify the split"),
    (lambda x, y: train_test_split(x, y, test_size=0.2, stratify=y, random_state=1), "is not the split"),
])
def test_split_stratified_compares_with_the_prescribed_split(tmp_path, inputs, wrong, message):
    assert judged(tmp_path / "right", inputs, "test_split_stratified", {"split": right_split}) is None
    found = judged(tmp_path / "wrong", inputs, "test_split_stratified", {"split": wrong})
    assert message in found
    # a non-stratified split still puts every image in one part with its label
    assert judged(tmp_path / "parts", inputs, "test_split_parts", {"split": wrong}) is None


def test_split_stratified_judges_the_labels_only(tmp_path, inputs):
    """Images changed on the way are test_split_parts' failure, not this one's."""
    standardised = lambda x, y: right_split((x - x.mean()) / x.std(), y)  # noqa: E731
    assert judged(tmp_path, inputs, "test_split_stratified", {"split": standardised}) is None


def make_compile_and_fit(parts, fit_on=None, validate=True, steal_iterations=False):
    """The notebook's compile_and_fit on its global parts (or a wrong one)."""
    def compile_and_fit(model, epochs, learning_rate=1e-3, callbacks=()):
        model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss="sparse_categorical_crossentropy",
                      metrics=["accuracy"])
        if steal_iterations:  # forged: nothing trained, the step counter and the History written by hand
            model.optimizer.build(model.trainable_variables)
            model.optimizer.iterations.assign(30 * epochs)
            history = keras.callbacks.History()
            history.set_model(model)
            history.history = {"loss": [1.9] * epochs, "accuracy": [0.3] * epochs,
                               "val_loss": [2.0] * epochs, "val_accuracy": [0.28] * epochs}
            return history
        x, y = fit_on or (parts["x_train"], parts["y_train"])
        return model.fit(x, y, epochs=epochs, batch_size=64, callbacks=list(callbacks), verbose=0,
                         validation_data=(parts["x_val"], parts["y_val"]) if validate else None)
    return compile_and_fit


@pytest.fixture(scope="module")
def history_baseline(parts):
    """A small model's 12-epoch History, validated on x_val (standing in for the baseline's)."""
    set_seed(3)
    model = assignment.probe_model()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model.fit(parts["x_train"][:256], parts["y_train"][:256], epochs=12, batch_size=64, verbose=0,
                     validation_data=(parts["x_val"], parts["y_val"]))


@pytest.mark.slow  # trains the assignment's models (15-20 s each)
def test_baseline_history_replays_compile_and_fit(tmp_path, inputs, parts, history_baseline):
    """The right compile_and_fit passes; fitting on all images, without validation, or a forged History
    with hand-written optimizer iterations fails with its own sentence."""
    variables = {"history_baseline": history_baseline, **parts}

    def run(name, function, visible_only=True, **changed):
        return judged(tmp_path / name, inputs, "test_baseline_history", {"compile_and_fit": function},
                      {**variables, **changed}, visible_only)

    assert run("right", make_compile_and_fit(parts), visible_only=False) is None
    x_all = np.concatenate([parts["x_train"], parts["x_val"]])
    y_all = np.concatenate([parts["y_train"], parts["y_val"]])
    assert "all 2,330 images" in run("all", make_compile_and_fit(parts, fit_on=(x_all, y_all)))
    assert "validation_data=(x_val, y_val)" in run("unvalidated", make_compile_and_fit(parts, validate=False))
    assert "did not train the model as prescribed" in run("forged", make_compile_and_fit(parts, steal_iterations=True))

    untouched = lambda *args: None  # noqa: E731 (a wrong history_baseline fails before the calls are judged)
    forged = keras.callbacks.History()
    forged.set_model(assignment.probe_model())
    forged.history = {key: list(values) for key, values in history_baseline.history.items()}
    assert "keep the History" in run("forged-baseline", untouched, history_baseline=forged)
    short = keras.callbacks.History()
    short.set_model(history_baseline.model)
    short.history = {key: values[:5] for key, values in history_baseline.history.items()}
    assert "12 epochs, not 5" in run("short-baseline", untouched, history_baseline=short)
    assert "should be the History" in run("dict-baseline", untouched,
                                          history_baseline=history_baseline.history)


def test_improved_structure_compares_with_the_table(tmp_path, inputs):
    def bn_default_momentum():
        model = assignment.expected_improved()
        layers = [type(layer).from_config({**layer.get_config(), "momentum": 0.99})
                  if isinstance(layer, keras.layers.BatchNormalization) else type(layer).from_config(layer.get_config())
                  for layer in model.layers]
        return keras.Sequential([keras.Input((32, 32, 3)), *layers])

    assert judged(tmp_path / "right", inputs, "test_improved_structure",
                  {"build_improved": assignment.expected_improved}) is None
    assert "momentum 0.9" in judged(tmp_path / "wrong", inputs, "test_improved_structure",
                                    {"build_improved": bn_default_momentum})


def make_callbacks(path, restore=True, checkpoint_path=None):
    return [
        keras.callbacks.EarlyStopping(monitor="val_loss", patience=4, restore_best_weights=restore),
        keras.callbacks.ReduceLROnPlateau(monitor="val_loss", factor=0.3, patience=2),
        keras.callbacks.ModelCheckpoint(checkpoint_path or path, monitor="val_loss", save_best_only=True),
    ]


@pytest.mark.parametrize("wrong, message", [
    (lambda path: make_callbacks(path, restore=False), "restore_best_weights=True"),
    (lambda path: make_callbacks(path, checkpoint_path="best_model.keras"), "save to the path you are given"),
    (lambda path: make_callbacks(path)[:2], "one ModelCheckpoint"),
    (lambda path: [*make_callbacks(path)[:1], keras.callbacks.ReduceLROnPlateau(monitor="loss", factor=0.3, patience=2),
                   make_callbacks(path)[2]], "monitor='val_loss'"),
])
def test_callbacks_reads_the_saved_settings(tmp_path, inputs, wrong, message):
    assert judged(tmp_path / "right", inputs, "test_callbacks", {"make_callbacks": make_callbacks}) is None
    assert message in judged(tmp_path / "wrong", inputs, "test_callbacks", {"make_callbacks": wrong})


@pytest.fixture(scope="module")
def improved_run(parts, tmp_path_factory):
    """A small model trained the Task 5 way (2 epochs to keep it quick): history, final and best model."""
    path = str(tmp_path_factory.mktemp("checkpoint") / "best.keras")
    set_seed(5)
    model = assignment.probe_model()
    history = make_compile_and_fit(parts)(model, 2, 3e-3, make_callbacks(path))
    return {"history_improved": history, "best_model": keras.models.load_model(path),
            "checkpoint_model": keras.models.load_model(path), "x_val": parts["x_val"], "y_val": parts["y_val"]}


@pytest.mark.slow  # trains the assignment's models (15-20 s each)
def test_improved_training_evaluates_best_model_on_the_validation_part(tmp_path, inputs, improved_run):
    def run(name, **changed):
        return judged(tmp_path / name, inputs, "test_improved_training", variables={**improved_run, **changed})

    assert run("right") is None
    assert "no model file at checkpoint_path" in run("no-checkpoint", checkpoint_model=None)
    set_seed(6)
    other = assignment.probe_model()
    assert "load it with keras.models.load_model(checkpoint_path)" in run("other", best_model=other)
    # forged: an untrained model handed in as both, the History written by hand, its step counter set
    other.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    other.optimizer.build(other.trainable_variables)
    other.optimizer.iterations.assign(30 * 3)
    forged = keras.callbacks.History()
    forged.set_model(other)
    forged.history = {"loss": [1.8, 1.5, 1.4], "val_loss": [1.7, 1.5, 1.45],
                      "learning_rate": [3e-3, 3e-3, 3e-3], "accuracy": [0.3, 0.4, 0.45], "val_accuracy": [0.35, 0.4, 0.45]}
    assert "the best epoch had 1.4500" in run("forged", history_improved=forged, best_model=other, checkpoint_model=other)
    fast = keras.callbacks.History()
    fast.set_model(improved_run["history_improved"].model)
    fast.history = {**improved_run["history_improved"].history, "learning_rate": [1e-3, 1e-3]}
    assert "learning_rate=3e-3" in run("rate", history_improved=fast)


@pytest.mark.slow  # trains the assignment's models (15-20 s each)
def test_improved_training_fails_training_on_all_images(tmp_path, inputs, parts, improved_run):
    path = str(tmp_path / "best.keras")
    set_seed(5)
    model = assignment.probe_model()
    x_all = np.concatenate([parts["x_train"], parts["x_val"]])
    y_all = np.concatenate([parts["y_train"], parts["y_val"]])
    history = make_compile_and_fit(parts, fit_on=(x_all, y_all))(model, 1, 3e-3, make_callbacks(path))
    found = judged(tmp_path / "all", inputs, "test_improved_training", variables={
        **improved_run, "history_improved": history, "best_model": keras.models.load_model(path),
        "checkpoint_model": keras.models.load_model(path)})
    assert "took 37 training steps per epoch, expected 30" in found


@pytest.fixture(scope="module")
def overfit(parts):
    """A small CNN trained 8 epochs: on the training part only it overfits (by about 0.14, where the check
    asks for 0.06; a dense net on raw pixels overfitted by 0.1 or less, too close), on all images it does
    not (about 0.01)."""
    def cnn(x, y):
        set_seed(8)
        model = keras.Sequential([keras.Input((32, 32, 3)), keras.layers.Conv2D(32, 3, activation="relu"),
                                  keras.layers.MaxPooling2D(), keras.layers.Flatten(),
                                  keras.layers.Dense(128, activation="relu"), keras.layers.Dense(10, activation="softmax")])
        model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy")
        model.fit(x, y, epochs=8, batch_size=64, verbose=0)
        return model

    x_all = np.concatenate([parts["x_train"], parts["x_val"]])
    y_all = np.concatenate([parts["y_train"], parts["y_val"]])
    return {"honest": cnn(parts["x_train"], parts["y_train"]), "all": cnn(x_all, y_all)}


def judged_gap(folder, inputs, parts, baseline_best, best_model, **changed):
    return judged(folder, inputs, "test_gap", variables={"baseline_best": baseline_best, "best_model": best_model,
                                                         **parts, **changed})


def test_gap_needs_an_overfitting_baseline_and_disjoint_parts(tmp_path, inputs, parts):
    """An untrained baseline does not overfit; parts sharing images are no honest split."""
    set_seed(9)
    untrained = assignment.probe_model()
    assert "is only" in judged_gap(tmp_path / "untrained", inputs, parts, untrained, untrained)
    assert "both x_train and x_val" in judged_gap(tmp_path / "shared", inputs, parts, untrained, untrained,
                                                  x_val=parts["x_train"][:466], y_val=parts["y_train"][:466])


@pytest.mark.slow
def test_gap_is_measured_by_the_grader(tmp_path, inputs, parts, overfit):
    """An overfitting baseline and a model that overfits less pass; the other way round, or a baseline
    trained on the validation images too, fail."""
    set_seed(9)
    untrained = assignment.probe_model()
    assert judged_gap(tmp_path / "right", inputs, parts, overfit["honest"], untrained) is None
    assert "the regularised model should overfit less" in judged_gap(tmp_path / "swapped", inputs, parts,
                                                                     overfit["honest"], overfit["honest"])
    assert "never on the validation images" in judged_gap(tmp_path / "all", inputs, parts, overfit["all"], untrained)


def test_test_accuracy_checks_the_reported_values_and_judges_the_private_rows(tmp_path, inputs, monkeypatch):
    set_seed(10)
    model = assignment.probe_model()
    x, y = assignment.test_rows(private=False)
    public = evaluate_model(model, x, y, "classification")
    variables = {"best_model": model, "test_loss": public["loss"], "test_accuracy": public["accuracy"]}
    assert "should be at least" in judged(tmp_path / "untrained", inputs, "test_test_accuracy", variables=variables)
    assert "store what best_model.evaluate" in judged(tmp_path / "reported", inputs, "test_test_accuracy",
                                                       variables={**variables, "test_accuracy": 0.9})
    assert "should be a number" in judged(tmp_path / "text", inputs, "test_test_accuracy",
                                          variables={**variables, "test_accuracy": "0.9"})
    recorded = []
    monkeypatch.setattr(thresholds, "recorder", lambda *record: recorded.append(record))
    assert judged(tmp_path / "recorded", inputs, "test_test_accuracy", variables=variables) is None
    x, y = assignment.test_rows(private=True)
    assert len(y) == 466 and recorded == [
        ("cifar10_overfitting", "test_accuracy", evaluate_model(model, x, y, "classification")["accuracy"])]


@pytest.fixture(scope="module")
def reference(tmp_path_factory, history_baseline, improved_run):
    """A reference folder in the format of prepare_reference, holding the small runs above (the real one
    trains for a minute: the autograde of the solution shows that it matches an honest notebook)."""
    from bncourse.artifacts import save

    folder = tmp_path_factory.mktemp("reference")
    save(folder, "baseline", history_baseline)
    save(folder, "baseline_best", history_baseline.model)  # stands in for the baseline's checkpoint
    save(folder, "improved", improved_run["history_improved"])
    save(folder, "best", improved_run["best_model"])
    (folder / "done").write_text("")
    return folder


@pytest.mark.slow  # trains the assignment's models (15-20 s each)
def test_a_run_that_is_not_the_graders_own_earns_nothing(tmp_path, inputs, parts, history_baseline, improved_run,
                                                         reference):
    """Judged against the grader's reference runs, the runs themselves pass; a self-consistent run of
    another model (or a History written for it) fails every check that uses it, with the same advice."""
    def run(name, grade_id, **variables):
        return judged(tmp_path / name, inputs, grade_id, {"compile_and_fit": make_compile_and_fit(parts)},
                      variables, visible_only=True, reference=reference)

    assert run("improved", "test_improved_training", **improved_run) is None
    assert run("baseline-history", "test_baseline_history", history_baseline=history_baseline, **parts) is None
    # the forger's run: a model trained honestly, but not the prescribed one, with a consistent History
    path = str(tmp_path / "other.keras")
    set_seed(11)
    other = assignment.probe_model()
    history = make_compile_and_fit(parts)(other, 2, 3e-3, make_callbacks(path))
    best = keras.models.load_model(path)
    forged = {**improved_run, "history_improved": history, "best_model": best, "checkpoint_model": best}
    assert "the grader reran it" in run("forged", "test_improved_training", **forged)
    assert "best_model is not the model" in run("gap", "test_gap", baseline_best=history_baseline.model,
                                                best_model=best, **parts)
    assert "best_model is not the model" in run("accuracy", "test_test_accuracy", best_model=best,
                                                test_loss=1.0, test_accuracy=0.5)
    assert "baseline_best is not the model" in run("baseline", "test_gap", baseline_best=best,
                                              best_model=improved_run["best_model"], **parts)
    set_seed(12)
    retrained = assignment.probe_model()
    again = make_compile_and_fit(parts)(retrained, 12, 1e-3)
    assert "history_baseline is not the History" in run("baseline-other", "test_baseline_history",
                                                          history_baseline=again, **parts)
