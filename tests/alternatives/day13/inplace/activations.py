"""activations with in-place arithmetic on fresh buffers (out=, *=); inputs stay untouched."""

import numpy as np


def sigmoid(x):
    x = np.asarray(x, dtype=np.float64)
    e = np.empty_like(x)  # our own buffers (0-d for a float): safe to overwrite
    np.abs(x, out=e)
    np.negative(e, out=e)
    np.exp(e, out=e)  # e = exp(-|x|) in (0, 1], never overflows
    top = np.ones_like(x)
    np.copyto(top, e, where=x < 0)  # sigma = 1/(1+e) for x >= 0, e/(1+e) below
    e += 1.0
    top /= e
    return top[()]


def sigmoid_grad(x):
    s = np.array(sigmoid(x), dtype=np.float64)
    s *= 1.0 - s
    return s[()]


def tanh_grad(x):
    t = np.tanh(np.asarray(x, dtype=np.float64))
    np.square(t, out=t)
    np.subtract(1.0, t, out=t)
    return t[()]


def relu(x):
    out = np.array(x, dtype=np.float64)
    out[out < 0] = 0.0
    return out[()]


def relu_grad(x):
    x = np.asarray(x)
    out = np.zeros(x.shape)
    out[x > 0] = 1.0
    return out[()]
