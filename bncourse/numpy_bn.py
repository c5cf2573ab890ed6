"""Batch Normalization written in NumPy, as the BN chapter derives it and checks it against Keras."""

import numpy as np


def batch_norm_train(x, gamma, beta, moving_mean, moving_var, momentum=0.99,
                     eps=1e-3):
    """BN in training mode; returns the output and the updated moving mean and
    variance."""
    axes = tuple(range(x.ndim - 1))  # all axes but the last (features, channels)
    mean, var = x.mean(axis=axes), x.var(axis=axes)  # np.var: the biased variance
    y = gamma * (x - mean) / np.sqrt(var + eps) + beta
    return (y, momentum * moving_mean + (1 - momentum) * mean,
            momentum * moving_var + (1 - momentum) * var)


def batch_norm_infer(x, gamma, beta, moving_mean, moving_var, eps=1e-3):
    """BN in inference mode: the moving averages stand in for the batch
    statistics."""
    return gamma * (x - moving_mean) / np.sqrt(moving_var + eps) + beta
