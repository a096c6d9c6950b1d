"""gradients with in-place updates on private copies."""

import numpy as np


def numerical_gradient(f, x, h=1e-5):
    x = np.array(x, dtype=np.float64)
    grad = np.empty_like(x)
    flat_x, flat_grad = x.reshape(-1), grad.reshape(-1)  # views of the private copies
    for k in range(flat_x.size):
        saved = flat_x[k]
        flat_x[k] += h
        f_plus = f(x)
        flat_x[k] = saved
        flat_x[k] -= h
        f_minus = f(x)
        flat_x[k] = saved
        flat_grad[k] = f_plus
        flat_grad[k] -= f_minus
        flat_grad[k] /= 2 * h
    return grad


def quadratic_gradient(A, x):
    A = np.asarray(A)
    sym = A.copy()
    sym += A.T
    return sym @ x


def relative_error(a, b):
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    gap = np.subtract(a, b)
    np.abs(gap, out=gap)
    scale = np.abs(a) + np.abs(b)
    np.maximum(scale, 1e-12, out=scale)
    gap /= scale
    return float(gap.max())
