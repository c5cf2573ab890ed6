"""The structure check, on right and wrong models."""

import keras
import pytest

from autograder.checks import check_structure


def bn_model(**settings):
    return keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, use_bias=False),
                             keras.layers.BatchNormalization(**settings), keras.layers.Activation("relu")])


def test_the_same_structure_passes():
    check_structure(bn_model(momentum=0.9), bn_model(momentum=0.9))


@pytest.mark.parametrize("settings, message", [
    ({"momentum": 0.99}, "momentum 0.9"),
    ({"momentum": 0.9, "epsilon": 1e-5}, "epsilon 0.001"),
])
def test_batch_normalization_settings_are_compared(settings, message):
    """A BN layer with another momentum or epsilon than prescribed fails, naming the setting."""
    with pytest.raises(AssertionError, match=message):
        check_structure(bn_model(**settings), bn_model(momentum=0.9))


def test_a_missing_layer_is_named():
    wrong = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, use_bias=False), keras.layers.Activation("relu")])
    with pytest.raises(AssertionError, match="should be a BatchNormalization"):
        check_structure(wrong, bn_model())
