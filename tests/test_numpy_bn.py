"""The NumPy BN of the book agrees with a Keras BatchNormalization layer, in training and inference."""

import numpy as np
import keras

from bncourse.numpy_bn import batch_norm_infer, batch_norm_train


def test_numpy_bn_matches_keras_on_feature_maps():
    rng = np.random.default_rng(0)
    batches = rng.normal(2, 3, size=(3, 8, 5, 5, 4))  # three batches of 8 maps of 5x5x4
    layer = keras.layers.BatchNormalization()
    layer.build((None, 5, 5, 4))
    gamma, beta = rng.normal(size=4), rng.normal(size=4)
    layer.gamma.assign(gamma)
    layer.beta.assign(beta)
    moving_mean, moving_var = np.zeros(4), np.ones(4)
    for x in batches:
        ours, moving_mean, moving_var = batch_norm_train(x, gamma, beta, moving_mean, moving_var)
        np.testing.assert_allclose(ours, layer(x.astype("float32"), training=True).numpy(), atol=1e-4)
    np.testing.assert_allclose(moving_mean, layer.moving_mean.numpy(), atol=1e-5)
    np.testing.assert_allclose(moving_var, layer.moving_variance.numpy(), atol=1e-5)
    x = rng.normal(size=(2, 5, 5, 4))
    np.testing.assert_allclose(batch_norm_infer(x, gamma, beta, moving_mean, moving_var),
                               layer(x.astype("float32"), training=False).numpy(), atol=1e-4)
