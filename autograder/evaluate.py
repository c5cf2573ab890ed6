"""How the judge measures a model: the course's own loss and metric, whatever the model was compiled with."""

from __future__ import annotations


def evaluate_model(model, x, y, task: str) -> dict:
    """``{"loss", "accuracy"}`` (classification, sparse cross-entropy) or ``{"loss", "mae"}`` (regression,
    MSE) of ``model`` on ``(x, y)``, whatever it was compiled with."""
    if task == "classification":
        model.compile(loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    else:
        model.compile(loss="mse", metrics=["mae"])
    values = model.evaluate(x, y, batch_size=256, verbose=0, return_dict=True)
    return {key: float(value) for key, value in values.items()}
