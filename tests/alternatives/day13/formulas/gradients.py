"""gradients with basis vectors, A x + A^T x, and np.fmax / np.amax."""

import numpy as np


def numerical_gradient(f, x, h=1e-5):
    x = np.asarray(x, dtype=np.float64)
    grad = np.empty(x.size)
    for k in range(x.size):
        step = np.zeros(x.shape)
        step.flat[k] = h
        grad[k] = (f(x + step) - f(x - step)) / (2 * h)
    return grad.reshape(x.shape)


def quadratic_gradient(A, x):
    A = np.asarray(A)
    return A @ x + A.T @ x


def relative_error(a, b):
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    scale = np.fmax(np.abs(a) + np.abs(b), 1e-12)
    return float(np.amax(np.abs(np.subtract(a, b)) / scale))
