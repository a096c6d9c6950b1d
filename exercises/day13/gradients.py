"""Partial derivatives and gradients.

A gradient collects one partial derivative per input: nudge one entry,
watch the output. The numerical gradient you write here is the tool that
checks every analytic gradient in the rest of the day.

Lesson: docs/day13/04-gradients.ipynb
"""

import numpy as np


def numerical_gradient(f, x, h=1e-5):
    """Return the gradient of the scalar function f at x, one central difference per entry of x.

    For each index i: (f(x + h e_i) - f(x - h e_i)) / (2h), where e_i is 1
    at i and 0 elsewhere. x may have any shape; work on a float64 copy so
    the caller's x is unchanged afterwards.

    Returns a float64 ndarray shaped like x.
    """
    raise NotImplementedError("numerical_gradient: not implemented yet")


def quadratic_gradient(A, x):
    """Return the gradient of x^T A x with respect to x, which is (A + A^T) x.

    A is (n, n) and need not be symmetric (only for symmetric A is this 2Ax).
    x is (n,).

    Returns an ndarray of shape (n,).
    """
    raise NotImplementedError("quadratic_gradient: not implemented yet")


def relative_error(a, b):
    """Return max over all elements of |a - b| / max(1e-12, |a| + |b|), as a float.

    The usual way to compare an analytic gradient a with a numerical one b:
    about 1e-7 or less means they agree; 1e-2 or more means a bug.
    a and b are floats or ndarrays of the same shape.
    """
    raise NotImplementedError("relative_error: not implemented yet")
