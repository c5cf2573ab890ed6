"""Which layer feeds which in a functional Keras model: a check that the layers are really chained."""

import keras
import pandas as pd


def layer_inputs(model) -> pd.DataFrame:
    """One row per layer of ``model``: its name, its class and the names of the layers that feed it.

    A Keras model holds only the layers on a path from its inputs to its outputs, so a layer that the
    code created but never connected to the output does not appear at all. Each layer must be called
    once (no shared layers).
    """
    producer = {id(layer.output): layer.name for layer in model.layers}
    rows = []
    for layer in model.layers:
        if isinstance(layer, keras.layers.InputLayer):
            fed_by = "(model input)"
        else:
            fed_by = ", ".join(producer.get(id(t), "?") for t in keras.tree.flatten(layer.input))
        rows.append({"layer": layer.name, "class": type(layer).__name__, "fed by": fed_by})
    return pd.DataFrame(rows)
