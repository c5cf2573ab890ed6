"""Data augmentation of the CIFAR-10 chapters, as Keras layers (active in training only)."""

import keras


def augmentation(shift=0.1):
    """Random horizontal flips and shifts of up to ``shift`` of the image size (training only)."""
    return keras.Sequential(
        [
            keras.layers.RandomFlip("horizontal"),
            keras.layers.RandomTranslation(shift, shift, fill_mode="reflect"),
        ],
        name="augmentation",
    )
