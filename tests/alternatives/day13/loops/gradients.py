"""gradients with plain loops: a fresh nudged copy per entry, sums by hand."""

import math

import numpy as np


def numerical_gradient(f, x, h=1e-5):
    x = np.array(x, dtype=np.float64)
    grad = np.zeros(x.shape)
    for index in np.ndindex(x.shape):
        up, down = x.copy(), x.copy()
        up[index] += h
        down[index] -= h
        grad[index] = (f(up) - f(down)) / (2 * h)
    return grad


def quadratic_gradient(A, x):
    A = np.asarray(A, dtype=np.float64)
    x = np.asarray(x, dtype=np.float64)
    n = len(x)
    out = np.zeros(n)
    for i in range(n):
        out[i] = math.fsum((A[i, j] + A[j, i]) * x[j] for j in range(n))
    return out


def relative_error(a, b):
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    worst = 0.0
    for index in np.ndindex(a.shape):
        p, q = float(a[index]), float(b[index])
        worst = max(worst, abs(p - q) / max(1e-12, abs(p) + abs(q)))
    return worst
