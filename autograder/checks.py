"""Structure checks: compare a student's Keras model with the expected one, layer by layer.

Every failed check raises ``AssertionError`` with one sentence that names the layer and says what was
expected, so nbgrader's feedback tells the student exactly what to fix.
"""

from __future__ import annotations

import numpy as np

RTOL, ATOL = 1e-4, 1e-6  # a replayed training agrees with the original to float32 round-off

# Layer settings compared when both layers have them; each maps to how it reads in a message.
SETTINGS = {
    "units": "units",
    "filters": "filters",
    "kernel_size": "kernel size",
    "strides": "strides",
    "padding": "padding",
    "pool_size": "pool size",
    "activation": "activation",
    "use_bias": "use_bias",
    "rate": "rate",
    "axis": "axis",
    "momentum": "momentum",
    "epsilon": "epsilon",
    "center": "center",
    "scale": "scale",
}


def layer_name(index: int, layer) -> str:
    """How a layer is named in messages: position (1-based, input layer not counted), class and name."""
    return f"layer {index + 1} ({type(layer).__name__} '{layer.name}')"


def initializer_name(layer, attribute: str) -> str | None:
    """Class name of a layer's initializer, e.g. 'HeNormal', or None when the layer has none."""
    initializer = getattr(layer, attribute, None)
    return None if initializer is None else type(initializer).__name__


def regularizer_config(layer) -> tuple | None:
    """``(class name, sorted config items)`` of a layer's kernel regularizer, or None."""
    regularizer = getattr(layer, "kernel_regularizer", None)
    if regularizer is None:
        return None
    config = {key: round(float(value), 12) for key, value in regularizer.get_config().items()}
    return type(regularizer).__name__, tuple(sorted(config.items()))


def settings(layer) -> dict:
    """The comparable settings of a layer, from its Keras config."""
    config = layer.get_config()
    found = {key: config[key] for key in SETTINGS if key in config}
    for key in ("kernel_size", "strides", "pool_size"):
        if key in found and found[key] is not None:
            found[key] = tuple(found[key]) if isinstance(found[key], (list, tuple)) else (found[key],)
    if isinstance(found.get("activation"), dict):  # a serialised activation object
        found["activation"] = found["activation"].get("config", {}).get("name", "custom")
    if "kernel_initializer" in config:
        found["kernel_initializer"] = initializer_name(layer, "kernel_initializer")
        found["kernel_regularizer"] = regularizer_config(layer)
    return found


def model_layers(model) -> list:
    """The layers of a model that compute something (input layers are left out)."""
    import keras

    return [layer for layer in model.layers if not isinstance(layer, keras.layers.InputLayer)]


def check_is_model(model, variable: str) -> None:
    """Fail with a clear sentence unless ``model`` is a built Keras model."""
    import keras

    assert isinstance(model, keras.Model), (
        f"`{variable}` should be a Keras model, but it is a {type(model).__name__}."
    )
    assert model.built, f"`{variable}` is not built yet: give it a keras.Input so its layers have weights."


def check_structure(model, expected, variable: str = "model") -> None:
    """Assert that ``model`` has the layers of ``expected`` (a Keras model), in order, with the same settings.

    Compared: layer classes and order, units, filters, kernel sizes, strides, padding, pool sizes,
    activations, use_bias, dropout rates, BatchNormalization's momentum, epsilon, center and scale,
    kernel initialisers and regularisers, and each layer's parameter count.
    """
    check_is_model(model, variable)
    got, want = model_layers(model), model_layers(expected)
    for index, (layer, target) in enumerate(zip(got, want)):
        if type(layer) is not type(target):
            raise AssertionError(
                f"In `{variable}`, {layer_name(index, layer)} should be a {type(target).__name__} "
                f"(expected order: {', '.join(type(t).__name__ for t in want)})."
            )
        have, need = settings(layer), settings(target)
        for key, value in need.items():
            if have.get(key) != value:
                label = SETTINGS.get(key, key.replace("_", " "))
                raise AssertionError(
                    f"In `{variable}`, {layer_name(index, layer)} should have {label} {value!r}, "
                    f"not {have.get(key)!r}."
                )
        if layer.count_params() != target.count_params():
            raise AssertionError(
                f"In `{variable}`, {layer_name(index, layer)} has {layer.count_params()} parameters, "
                f"expected {target.count_params()}: check its input shape."
            )
    if len(got) != len(want):
        where = len(min(got, want, key=len))
        extra = got[where:] if len(got) > len(want) else want[where:]
        kind = "extra" if len(got) > len(want) else "missing"
        raise AssertionError(
            f"`{variable}` has {len(got)} layers, expected {len(want)}: {kind} after layer {where}: "
            f"{', '.join(type(layer).__name__ for layer in extra)}."
        )


def check_chained(model, variable: str) -> None:
    """Assert that every layer of ``model`` is fed by the layer before it (one chain, nothing skipped)."""
    from bncourse.layer_graph import layer_inputs

    check_is_model(model, variable)
    table = layer_inputs(model)
    for above, (name, fed_by) in zip(table["layer"], table[["layer", "fed by"]].values[1:]):
        assert fed_by == above, (
            f"In `{variable}`, layer '{name}' is fed by '{fed_by}', not by the layer above it, '{above}': "
            "apply each layer to the previous layer's output (Keras keeps only the layers on a path to the output).")


def same_weights(found, reference) -> bool:
    """Whether two models (or two lists of weight arrays) hold the same weights, to the round-off of a
    replayed training."""
    mine = found.get_weights() if hasattr(found, "get_weights") else list(found)
    theirs = reference.get_weights() if hasattr(reference, "get_weights") else list(reference)
    return len(mine) == len(theirs) and all(
        np.shape(a) == np.shape(b) and np.allclose(a, b, rtol=RTOL, atol=ATOL) for a, b in zip(mine, theirs))
