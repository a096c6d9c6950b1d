"""Activations with masks left as integers: relu_grad gives 1 and 0 (int), as np.where(x > 0, 1, 0)
does; the contract judges the values, not the dtype."""

import numpy as np


def sigmoid(x):
    # exp(-log(1 + exp(-x))) without ever forming exp of a large positive number
    return np.exp(-np.logaddexp(0.0, -np.asarray(x)))


def sigmoid_grad(x):
    s = sigmoid(x)
    return s - s * s


def tanh_grad(x):
    t = np.tanh(x)
    return 1.0 - t * t


def relu(x):
    x = np.asarray(x)
    return np.where(x > 0, x, 0 * x)


def relu_grad(x):
    return np.where(np.asarray(x) > 0, 1, 0)
