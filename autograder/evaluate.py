"""Metric checks that trust nothing in the student's kernel.

The hidden tests save the student's models to ``.keras`` files and call :func:`evaluate_models`, which
loads and evaluates them on the course test data in a fresh Python process, seeded. Run by hand:

    python -m autograder.evaluate cifar10 model.keras [more.keras ...]

prints one JSON object: ``{"model.keras": {"loss": ..., "accuracy": ...}, ...}``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

TIMEOUT = 300  # seconds for the whole evaluation process


def test_data(dataset: str):
    """The course test data as the assignments prescribe it: ``(x, y, task)``, task 'classification' or 'regression'."""

    from bncourse.data import load_cifar10, load_tabular

    if dataset == "cifar10":  # scaled to 0..1, labels flattened
        _, (x, y) = load_cifar10()
        return x.astype("float32") / 255.0, y.ravel(), "classification"
    if dataset in ("iris", "diabetes"):
        _, (x, y) = load_tabular(dataset)
        return x, y, "classification" if dataset == "iris" else "regression"
    raise ValueError(f"unknown dataset {dataset!r}")


def evaluate_files(dataset: str, paths: list[str]) -> dict:
    """Load each saved model and evaluate it on ``dataset`` with the course's own loss and metric."""
    import keras

    from bncourse.seeding import set_seed

    set_seed()
    x, y, task = test_data(dataset)
    return {path: evaluate_model(keras.models.load_model(path, compile=False), x, y, task) for path in paths}


def evaluate_model(model, x, y, task: str) -> dict:
    """``{"loss", "accuracy"}`` (classification, sparse cross-entropy) or ``{"loss", "mae"}`` (regression,
    MSE) of ``model`` on ``(x, y)``, whatever it was compiled with."""
    if task == "classification":
        model.compile(loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    else:
        model.compile(loss="mse", metrics=["mae"])
    values = model.evaluate(x, y, batch_size=256, verbose=0, return_dict=True)
    return {key: float(value) for key, value in values.items()}


def evaluate_models(models: dict, dataset: str) -> dict:
    """Evaluate Keras models (name -> model) on the course test data in a fresh process.

    Returns ``name -> {"loss": ..., "accuracy" or "mae": ...}``. Raises ``AssertionError`` with a
    sentence a student can act on when a model cannot be saved, loaded or evaluated.
    """
    import keras

    with tempfile.TemporaryDirectory(prefix="bncourse-grading-") as folder:
        paths = {}
        for name, model in models.items():
            assert isinstance(model, keras.Model), f"`{name}` should be a Keras model, not {type(model).__name__}."
            paths[name] = str(Path(folder) / f"{name}.keras")
            try:
                model.save(paths[name])
            except Exception as err:  # any failure to save is the submission's, reported plainly
                raise AssertionError(f"`{name}` could not be saved for grading: {type(err).__name__}: {err}")
        try:
            done = subprocess.run(
                [sys.executable, "-m", "autograder.evaluate", dataset, *paths.values()],
                capture_output=True, text=True, timeout=TIMEOUT,
                env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "PYTHONWARNINGS": "ignore"},
            )
        except subprocess.TimeoutExpired:
            raise AssertionError(f"Evaluating your models took longer than {TIMEOUT} s.") from None
        if done.returncode != 0:
            last = (done.stderr.strip().splitlines() or ["no message"])[-1]
            raise AssertionError(f"The grader could not load and evaluate your models: {last}")
        results = json.loads(done.stdout.strip().splitlines()[-1])
    return {name: results[path] for name, path in paths.items()}


def main(argv=None) -> None:
    """Command line: evaluate saved models and print the results as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dataset", choices=["cifar10", "iris", "diabetes"])
    parser.add_argument("paths", nargs="+")
    args = parser.parse_args(argv)
    print(json.dumps(evaluate_files(args.dataset, args.paths)))


if __name__ == "__main__":
    main()
