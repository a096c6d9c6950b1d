"""activations, one entry at a time with the math module."""

import math

import numpy as np


def _entrywise(x, rule):
    if np.ndim(x) == 0:
        return rule(float(x))
    x = np.asarray(x)
    out = np.empty(x.shape)
    for index in np.ndindex(x.shape):
        out[index] = rule(float(x[index]))
    return out


def _sigmoid(v):
    if v >= 0:
        return 1.0 / (1.0 + math.exp(-v))
    e = math.exp(v)  # v < 0: exp cannot overflow
    return e / (1.0 + e)


def sigmoid(x):
    return _entrywise(x, _sigmoid)


def sigmoid_grad(x):
    def rule(v):
        s = _sigmoid(v)
        return s * (1.0 - s)

    return _entrywise(x, rule)


def tanh_grad(x):
    return _entrywise(x, lambda v: 1.0 - math.tanh(v) ** 2)


def relu(x):
    return _entrywise(x, lambda v: v if v > 0 else 0.0)


def relu_grad(x):
    return _entrywise(x, lambda v: 1.0 if v > 0 else 0.0)
