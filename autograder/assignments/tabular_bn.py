"""tabular_bn: chained Dense -> BN -> swish MLPs for the diabetes regression and the iris classification.

The diabetes and iris test rows ship with scikit-learn, so a notebook can always see them. The metric
checks therefore never evaluate the student's own trained model: once the network a build function
returns is the one of Task 1, the judge trains fresh copies of it itself, with the recipe of Task 2,
and evaluates those. A model trained on the test rows gains nothing, and neither do weights smuggled
in as initialisers (the structure check compares them).
"""

from __future__ import annotations

import numpy as np

from autograder.checks import check_chained, check_structure
from autograder.spec import Call, Graded
from autograder.thresholds import judge_metric

# Task 2's recipe: (learning rate of Adam, epochs, batch size), and the loss the task prescribes
RECIPES = {"diabetes": (0.003, 30, 32), "iris": (0.01, 30, 16)}
LOSSES = {"diabetes": "mse", "iris": "sparse_categorical_crossentropy"}
REPLAYS = {"diabetes": 3, "iris": 1}  # the diabetes MSE of one run varies too much across seeds: average 3


def expected_mlp(n_features: int, n_outputs: int | None):
    """The network Task 1 describes; ``n_outputs`` None is the regressor's single linear unit."""
    import keras

    blocks = []
    for _ in range(3):
        blocks += [keras.layers.Dense(8, use_bias=False), keras.layers.BatchNormalization(),
                   keras.layers.Activation("swish")]
    head = keras.layers.Dense(1) if n_outputs is None else keras.layers.Dense(n_outputs, activation="softmax")
    return keras.Sequential([keras.Input((n_features,)), *blocks, head])


def trained_as_prescribed(architecture, dataset: str) -> dict:
    """Fresh copies of ``architecture`` trained with Task 2's recipe, under seeds the grader chooses;
    their mean test ``{"loss", ...}`` as :func:`autograder.evaluate.evaluate_model` measures it."""
    import keras

    from autograder.evaluate import evaluate_model
    from bncourse.data import load_tabular
    from bncourse.seeding import course_seed, set_seed

    (x, y), (x_test, y_test) = load_tabular(dataset)
    rate, epochs, batch = RECIPES[dataset]
    found = []
    for replay in range(REPLAYS[dataset]):
        set_seed(course_seed() * 10 + replay)
        model = keras.models.clone_model(architecture)  # the same layers, new initial weights
        model.compile(optimizer=keras.optimizers.Adam(rate), loss=LOSSES[dataset])
        model.fit(x, y, epochs=epochs, batch_size=batch, verbose=0)
        found.append(evaluate_model(model, x_test, y_test, "regression" if dataset == "diabetes" else "classification"))
    return {key: float(np.mean([values[key] for values in found])) for key in found[0]}


def check_network(model, what: str, n_features: int, n_outputs: int | None) -> None:
    """``model`` is the chained network of Task 1 (``what`` names the call that built it)."""
    hidden = [layer for layer in getattr(model, "layers", []) if getattr(layer, "units", None) == 8]
    assert len(hidden) == 3, (
        f"`{what}` holds {len(hidden)} hidden Dense(8) layer(s), expected 3: the blocks are not chained. "
        "Keras keeps only the layers on a path from the input to the output; apply each layer to the "
        "previous layer's output, not to the input.")
    check_chained(model, what)
    check_structure(model, expected_mlp(n_features, n_outputs), variable=what)


def check_builds(n_outputs_of):
    """A check that every model a build function returned is the chained network of Task 1."""
    def check(artifacts, calls):
        for call_id, call in calls:
            what = call.describe()
            check_network(artifacts.get(call_id, what), what, call.args[0], n_outputs_of(call.args))
    return check


def trained_network(artifacts, calls, dataset: str, n_outputs: int | None) -> dict:
    """The judge's own training of the network the call built, once it is Task 1's network (so that
    nothing but the architecture comes from the notebook: no weights, no initialisers)."""
    [(call_id, call)] = calls
    model = artifacts.get(call_id, call.describe())
    try:
        check_network(model, call.describe(), call.args[0], n_outputs)
    except AssertionError as err:
        raise AssertionError(f"The grader trains only the network of Task 1, and {err}") from None
    return trained_as_prescribed(model, dataset)


def check_compile(artifacts, calls):
    """regressor and classifier are compiled with the loss and the Adam learning rate of Task 2."""
    for name, dataset, losses in (("regressor", "diabetes", ("mse", "mean_squared_error")),
                                  ("classifier", "iris", ("sparse_categorical_crossentropy",))):
        config = artifacts.compile_config(name, f"`{name}`")
        assert config, f"`{name}` was never compiled: compile and train it as Task 2 says."
        loss = str(config.get("loss")).lower()
        loss = loss if not isinstance(config.get("loss"), dict) else str(config["loss"].get("config", {}).get("name"))
        assert any(word in loss.lower() for word in losses), f"`{name}` should be compiled with the loss {losses[0]!r}, not {loss}."
        optimizer = config.get("optimizer") or {}
        rate = RECIPES[dataset][0]
        assert isinstance(optimizer, dict) and optimizer.get("class_name") == "Adam", (
            f"`{name}` should be compiled with keras.optimizers.Adam({rate}).")
        found = optimizer.get("config", {}).get("learning_rate")
        assert isinstance(found, (int, float)) and np.isclose(found, rate), (
            f"`{name}` should be trained with Adam's learning rate {rate}, not {found}.")


def check_regressor_mse(artifacts, calls):
    """The grader trains build_regressor(10)'s network as Task 2 prescribes; its test MSE passes the threshold."""
    found = trained_network(artifacts, calls, "diabetes", None)["loss"]
    judge_metric("tabular_bn", "diabetes_test_mse", found,
                 f"Trained by the grader as Task 2 prescribes ({REPLAYS['diabetes']} seeds), the diabetes test MSE "
                 f"of {calls[0][1].describe()}")


def check_classifier_accuracy(artifacts, calls):
    """The grader trains build_classifier(4, 3)'s network as Task 2 prescribes; its test accuracy passes."""
    found = trained_network(artifacts, calls, "iris", 3)["accuracy"]
    judge_metric("tabular_bn", "iris_test_accuracy", found,
                 f"Trained by the grader as Task 2 prescribes, the iris test accuracy of {calls[0][1].describe()}")


def baselines() -> dict:
    """Trivial answers every threshold must fail: the training mean, the majority class, untrained networks."""
    from autograder.evaluate import evaluate_model
    from bncourse.data import load_tabular
    from bncourse.seeding import set_seed

    (_, y), (x_test, y_test) = load_tabular("diabetes")
    (_, y_iris), (x_iris_test, y_iris_test) = load_tabular("iris")
    set_seed()
    untrained_regressor = evaluate_model(expected_mlp(10, None), x_test, y_test, "regression")["loss"]
    untrained_classifier = evaluate_model(expected_mlp(4, 3), x_iris_test, y_iris_test, "classification")["accuracy"]
    return {
        "diabetes_test_mse": {"training mean": float(np.mean((y_test - np.mean(y)) ** 2)),
                              "untrained model": untrained_regressor},
        "iris_test_accuracy": {"majority class": float(np.mean(y_iris_test == np.bincount(y_iris).argmax())),
                               "untrained model": untrained_classifier},
    }


HIGHER_IS_BETTER = {"diabetes_test_mse": False, "iris_test_accuracy": True}

GRADED = {
    "test_regressor_structure": Graded(check=check_builds(lambda args: None), calls=(
        Call("build_regressor", (10,), visible=True), Call("build_regressor", (6,)))),
    "test_classifier_structure": Graded(check=check_builds(lambda args: args[1]), calls=(
        Call("build_classifier", (4, 3), visible=True), Call("build_classifier", (5, 2)))),
    "test_compile": Graded(check=check_compile, variables=("regressor", "classifier")),
    "test_regressor_mse": Graded(check=check_regressor_mse, calls=(Call("build_regressor", (10,), visible=True),)),
    "test_classifier_accuracy": Graded(check=check_classifier_accuracy,
                                       calls=(Call("build_classifier", (4, 3), visible=True),)),
}
