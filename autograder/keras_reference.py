"""What Keras itself computes, for the hidden tests to compare a student's NumPy code with."""

import keras
import numpy as np


def keras_bn(x, weights, training, momentum=0.99, eps=1e-3):
    """Keras's BatchNormalization with ``weights`` (gamma, beta, moving mean, moving variance), called
    once on ``x``: returns ``(y, moving_mean, moving_var)`` as NumPy arrays."""
    layer = keras.layers.BatchNormalization(momentum=momentum, epsilon=eps)
    layer.build(x.shape)
    layer.set_weights([np.asarray(w, "float32") for w in weights])
    y = keras.ops.convert_to_numpy(layer(x, training=training))
    return y, *(keras.ops.convert_to_numpy(w) for w in layer.weights[2:])
