"""activations computed in the input's own precision (float32 in, float32 out)."""

import numpy as np


def _floating(x):
    """x as an array of its own float type (float64 for ints and Python numbers)."""
    x = np.asarray(x)
    return x if x.dtype.kind == "f" else x.astype(np.float64)


def sigmoid(x):
    x = _floating(x)
    one = x.dtype.type(1)
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, one / (one + e), e / (one + e)).astype(x.dtype)[()]


def sigmoid_grad(x):
    s = np.asarray(sigmoid(x))
    return (s * (s.dtype.type(1) - s))[()]


def tanh_grad(x):
    t = np.tanh(_floating(x))
    return (t.dtype.type(1) - t * t)[()]


def relu(x):
    x = _floating(x)
    return np.maximum(x, x.dtype.type(0))[()]


def relu_grad(x):
    x = _floating(x)
    return (x > 0).astype(x.dtype)[()]
