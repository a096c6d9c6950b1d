"""activations through tanh and Heaviside: sigma(x) = (1 + tanh(x/2)) / 2."""

import numpy as np


def sigmoid(x):
    return 0.5 * (1 + np.tanh(np.multiply(x, 0.5)))


def sigmoid_grad(x):
    # sigma (1 - sigma) = (1 + t)(1 - t) / 4 with t = tanh(x/2)
    t = np.tanh(np.multiply(x, 0.5))
    return 0.25 * (1 - t) * (1 + t)


def tanh_grad(x):
    # 1 - tanh^2 = sech^2 = 4 e^{-2|x|} / (1 + e^{-2|x|})^2, never overflowing
    e = np.exp(-2 * np.abs(x))
    return 4 * e / (1 + e) ** 2


def relu(x):
    x = np.asarray(x)
    return ((x + np.abs(x)) / 2)[()]


def relu_grad(x):
    return np.heaviside(x, 0.0)
