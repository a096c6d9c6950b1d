"""gradients in the input's precision where the contract allows it.

numerical_gradient stays float64 (finite differences need it); the quadratic
form and the relative error keep float32 inputs in float32.
"""

import numpy as np


def numerical_gradient(f, x, h=1e-5):
    x = np.array(x, dtype=np.float64)
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        saved = x[i]
        x[i] = saved + h
        f_plus = f(x)
        x[i] = saved - h
        f_minus = f(x)
        x[i] = saved
        grad[i] = (f_plus - f_minus) / (2 * h)
    return grad


def quadratic_gradient(A, x):
    A, x = np.asarray(A), np.asarray(x)
    dtype = np.result_type(A, x, np.float32)
    A, x = A.astype(dtype), x.astype(dtype)
    return (A + A.T) @ x


def relative_error(a, b):
    a, b = np.asarray(a), np.asarray(b)
    dtype = np.result_type(a, b, np.float32)
    a, b = a.astype(dtype), b.astype(dtype)
    floor = dtype.type(1e-12)
    return np.max(np.abs(a - b) / np.maximum(floor, np.abs(a) + np.abs(b)))
